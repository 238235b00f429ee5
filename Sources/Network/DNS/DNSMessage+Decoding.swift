/// Decoding of responses. Every read is bounds-checked: a malformed packet, whether truncated by
/// the network or crafted, becomes `DNSError.malformed` with the offset where decoding stopped.
extension DNSMessage {
    public init(decoding packet: [UInt8]) throws(DNSError) {
        guard packet.count >= 12 else { throw .malformed(offset: packet.count, .truncatedHeader) }
        var reader = DNSReader(packet: packet)
        id = try reader.readUInt16()
        let flags = try reader.readUInt16()
        isResponse = flags & 0x8000 != 0
        opcode = UInt8((flags >> 11) & 0x0F)
        isAuthoritative = flags & 0x0400 != 0
        isTruncated = flags & 0x0200 != 0
        recursionDesired = flags & 0x0100 != 0
        recursionAvailable = flags & 0x0080 != 0
        responseCode = DNSResponseCode(rawValue: UInt8(flags & 0x000F))
        let questionCount = try reader.readUInt16()
        let answerCount = try reader.readUInt16()
        let authorityCount = try reader.readUInt16()
        let additionalCount = try reader.readUInt16()

        questions = []
        for _ in 0..<questionCount {
            let name = try reader.readName()
            let type = DNSRecordType(rawValue: try reader.readUInt16())
            _ = try reader.readUInt16()  // class
            questions.append(DNSQuestion(name: name, type: type))
        }
        answers = try reader.readRecords(count: answerCount)
        authorities = try reader.readRecords(count: authorityCount)
        additionals = try reader.readRecords(count: additionalCount)
    }
}

/// A cursor over a packet. `end` confines plain reads (to the current record's data while reading
/// it); names are read against the whole packet, since compression pointers may point anywhere.
struct DNSReader {
    let packet: [UInt8]
    var offset = 0
    var end: Int

    init(packet: [UInt8]) {
        self.packet = packet
        end = packet.count
    }

    mutating func readUInt16() throws(DNSError) -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(packet[offset]) << 8 | UInt16(packet[offset + 1])
    }

    mutating func readUInt32() throws(DNSError) -> UInt32 {
        let high = try readUInt16()
        let low = try readUInt16()
        return UInt32(high) << 16 | UInt32(low)
    }

    mutating func readName() throws(DNSError) -> String {
        let (name, next) = try DNSName.decode(packet, at: offset, limit: end)
        offset = next
        return name
    }

    /// A `<character-string>` (RFC 1035 §3.3): one length byte, then that many bytes.
    mutating func readCharacterString() throws(DNSError) -> String {
        try need(1)
        let length = Int(packet[offset])
        offset += 1
        try need(length)
        defer { offset += length }
        return String(decoding: packet[offset..<(offset + length)], as: UTF8.self)
    }

    mutating func readBytes(_ count: Int) throws(DNSError) -> [UInt8] {
        try need(count)
        defer { offset += count }
        return Array(packet[offset..<(offset + count)])
    }

    private func need(_ count: Int) throws(DNSError) {
        let available = end - offset
        guard available >= count else { throw .malformed(offset: offset, .truncated(needed: count - available)) }
    }

    /// Reads `count` resource records (RFC 1035 §4.1.3), keeping those of class IN and of the types
    /// we know; the others are stepped over by their RDLENGTH.
    mutating func readRecords(count: UInt16) throws(DNSError) -> [DNSRecord] {
        var records: [DNSRecord] = []
        for _ in 0..<count {
            let name = try readName()
            let type = DNSRecordType(rawValue: try readUInt16())
            let recordClass = try readUInt16()
            let ttl = try readUInt32()
            let length = Int(try readUInt16())
            let start = offset
            guard packet.count - start >= length else {
                throw .malformed(offset: start - 2, .rdataOverrun(length: length, available: packet.count - start))
            }
            if recordClass == dnsClassIN {
                end = start + length
                let data = try readData(type: type)
                end = packet.count
                if let data {
                    guard offset == start + length else { throw .malformed(offset: offset, .rdataLength(type: type.rawValue, length: length)) }
                    records.append(DNSRecord(name: name, ttl: ttl, data: data))
                }
            }
            offset = start + length
        }
        return records
    }

    /// The RDATA of a known type, confined to `end`; `nil` for types we skip.
    private mutating func readData(type: DNSRecordType) throws(DNSError) -> DNSRecordData? {
        switch type {
        case .a, .aaaa:
            let size = type == .a ? 4 : 16
            guard end - offset == size, let address = IPAddress(bytes: try readBytes(size)) else {
                throw .malformed(offset: offset, .rdataLength(type: type.rawValue, length: end - offset))
            }
            return type == .a ? .a(address) : .aaaa(address)
        case .cname:
            return .cname(try readName())
        case .srv:
            let priority = try readUInt16()
            let weight = try readUInt16()
            let port = try readUInt16()
            return .srv(SRVRecord(priority: priority, weight: weight, port: port, target: try readName()))
        case .naptr:
            let order = try readUInt16()
            let preference = try readUInt16()
            let flags = try readCharacterString()
            let services = try readCharacterString()
            let regexp = try readCharacterString()
            let replacement = try readName()
            return .naptr(NAPTRRecord(order: order, preference: preference, flags: flags, services: services, regexp: regexp, replacement: replacement))
        default:
            return nil
        }
    }
}
