/// A DNS message (RFC 1035 §4.1): what the resolver sends and what it gets back. Only queries are
/// encoded and only responses decoded (see `DNSMessage+Decoding.swift`); both are pure Swift over
/// byte arrays so they can be tested without a network.
public struct DNSMessage: Hashable, Sendable {
    /// Chosen at random per query and echoed by the server, so stray or forged answers can be told apart.
    public var id: UInt16
    /// QR: set in responses.
    public var isResponse: Bool
    public var opcode: UInt8
    /// AA: the answer comes from a server authoritative for the name.
    public var isAuthoritative: Bool
    /// TC: the answer did not fit in the datagram. We have no TCP fallback (RFC 7766): a truncated
    /// answer is used as far as it goes, and EDNS(0) makes truncation rare for SIP-sized answers.
    public var isTruncated: Bool
    /// RD: ask the server to resolve recursively.
    public var recursionDesired: Bool
    /// RA: the server offers recursion.
    public var recursionAvailable: Bool
    public var responseCode: DNSResponseCode
    public var questions: [DNSQuestion]
    public var answers: [DNSRecord]
    public var authorities: [DNSRecord]
    public var additionals: [DNSRecord]

    public init(
        id: UInt16, isResponse: Bool = false, opcode: UInt8 = 0, isAuthoritative: Bool = false, isTruncated: Bool = false,
        recursionDesired: Bool = true, recursionAvailable: Bool = false, responseCode: DNSResponseCode = .noError,
        questions: [DNSQuestion] = [], answers: [DNSRecord] = [], authorities: [DNSRecord] = [], additionals: [DNSRecord] = []
    ) {
        self.id = id
        self.isResponse = isResponse
        self.opcode = opcode
        self.isAuthoritative = isAuthoritative
        self.isTruncated = isTruncated
        self.recursionDesired = recursionDesired
        self.recursionAvailable = recursionAvailable
        self.responseCode = responseCode
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    /// A recursive query for one name and type, class IN.
    public static func query(id: UInt16, name: String, type: DNSRecordType) -> DNSMessage {
        DNSMessage(id: id, questions: [DNSQuestion(name: name, type: type)])
    }
}

/// An entry of the question section (RFC 1035 §4.1.2). The class is always IN.
public struct DNSQuestion: Hashable, Sendable {
    /// Without the trailing dot.
    public var name: String
    public var type: DNSRecordType

    public init(name: String, type: DNSRecordType) {
        self.name = name
        self.type = type
    }

    /// Whether `other` asks the same thing; names compare case-insensitively (RFC 4343).
    func matches(_ other: DNSQuestion) -> Bool {
        type == other.type && DNSName.equal(name, other.name)
    }
}

/// The IN class (RFC 1035 §3.2.4); records of other classes are skipped.
let dnsClassIN: UInt16 = 1

extension DNSMessage {
    /// The wire form of the header and question section, for a query. `ednsPayloadSize` adds an
    /// EDNS(0) OPT record (RFC 6891 §6) advertising that many bytes of UDP payload, so that answers
    /// with several SRV and address records fit without truncation; `nil` sends a plain RFC 1035 query.
    public func encodedQuery(ednsPayloadSize: UInt16? = nil) throws(DNSError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        bytes.appendBigEndian(id)
        var flags: UInt16 = UInt16(opcode & 0x0F) << 11
        if isResponse { flags |= 0x8000 }
        if isAuthoritative { flags |= 0x0400 }
        if isTruncated { flags |= 0x0200 }
        if recursionDesired { flags |= 0x0100 }
        if recursionAvailable { flags |= 0x0080 }
        flags |= UInt16(responseCode.rawValue & 0x0F)
        bytes.appendBigEndian(flags)
        bytes.appendBigEndian(UInt16(questions.count))
        bytes.appendBigEndian(0)  // answers
        bytes.appendBigEndian(0)  // authorities
        bytes.appendBigEndian(ednsPayloadSize == nil ? 0 : 1)
        for question in questions {
            try DNSName.encode(question.name, into: &bytes)
            bytes.appendBigEndian(question.type.rawValue)
            bytes.appendBigEndian(dnsClassIN)
        }
        if let size = ednsPayloadSize {
            // Root owner, TYPE OPT, CLASS = payload size, TTL = extended RCODE/version/flags 0, no options.
            bytes.append(0)
            bytes.appendBigEndian(DNSRecordType.opt.rawValue)
            bytes.appendBigEndian(size)
            bytes += [0, 0, 0, 0, 0, 0]
        }
        return bytes
    }
}

extension [UInt8] {
    mutating func appendBigEndian(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }
}
