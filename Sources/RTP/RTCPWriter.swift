/// Writes RTCP packets back to back into a caller-owned buffer, so that successive appends form
/// one compound packet (RFC 3550 §6.1). Nothing is allocated: the media engine keeps one buffer
/// per stream and the CNAME bytes prepared at call setup.
///
/// Running out of room is a programmer error and traps: sizes are fixed by the arguments, and a
/// compound report of at most 31 blocks with a 255-byte CNAME and BYE reason needs
/// ``maximumCompoundReportLength`` bytes, well within one MTU-sized buffer. No packet is padded.
public struct RTCPWriter {
    private let buffer: UnsafeMutableRawBufferPointer
    /// Bytes written so far: the length of the compound packet.
    public private(set) var count = 0

    /// The most bytes ``writeReport(into:ssrc:senderInfo:reports:cname:goodbye:goodbyeReason:)`` writes.
    public static let maximumCompoundReportLength = 1304

    /// Starts writing at the beginning of `buffer`.
    public init(into buffer: UnsafeMutableRawBufferPointer) {
        self.buffer = buffer
    }

    /// Appends an SR (RFC 3550 §6.4.1) with up to 31 report blocks; returns the bytes written.
    @discardableResult
    public mutating func appendSenderReport(ssrc: UInt32, info: RTCPSenderInfo,
                                            reports: some Collection<RTCPReportBlock>) -> Int {
        let start = begin(RTCPPacketType.senderReport, format: reportCount(reports),
                          length: 8 + RTCPSenderInfo.length + reports.count * RTCPReportBlock.length)
        put(ssrc)
        put(UInt32(truncatingIfNeeded: info.ntpTimestamp >> 32))
        put(UInt32(truncatingIfNeeded: info.ntpTimestamp))
        put(info.rtpTimestamp)
        put(info.packetCount)
        put(info.octetCount)
        reports.forEach { put($0) }
        return count - start
    }

    /// Appends an RR (RFC 3550 §6.4.2) with up to 31 report blocks (none is valid: an empty RR
    /// leads a compound packet when nothing was sent or received); returns the bytes written.
    @discardableResult
    public mutating func appendReceiverReport(ssrc: UInt32, reports: some Collection<RTCPReportBlock>) -> Int {
        let start = begin(RTCPPacketType.receiverReport, format: reportCount(reports),
                          length: 8 + reports.count * RTCPReportBlock.length)
        put(ssrc)
        reports.forEach { put($0) }
        return count - start
    }

    /// Appends an SDES packet (RFC 3550 §6.5) with one chunk holding one CNAME item (§6.5.1) of
    /// at most 255 bytes; returns the bytes written.
    @discardableResult
    public mutating func appendSourceDescription(ssrc: UInt32, cname: UnsafeRawBufferPointer) -> Int {
        precondition(cname.count <= 255, "an SDES item holds at most 255 bytes")
        // SSRC, type, length, text and at least one null octet, padded to 32 bits.
        let chunkLength = (4 + 2 + cname.count + 1 + 3) & ~3
        let start = begin(RTCPPacketType.sourceDescription, format: 1, length: 4 + chunkLength)
        put(ssrc)
        put(UInt8(1))
        put(UInt8(cname.count))
        cname.forEach { put($0) }
        zeroFill(to: start + 4 + chunkLength)
        return count - start
    }

    /// Appends an SDES CNAME packet with the CNAME as bytes prepared once at call setup.
    @discardableResult
    public mutating func appendSourceDescription(ssrc: UInt32, cname: [UInt8]) -> Int {
        cname.withUnsafeBytes { appendSourceDescription(ssrc: ssrc, cname: $0) }
    }

    /// Appends a BYE (RFC 3550 §6.6) for one source, with an optional reason of at most 255
    /// UTF-8 bytes; returns the bytes written.
    @discardableResult
    public mutating func appendGoodbye(ssrc: UInt32, reason: String? = nil) -> Int {
        let reasonLength = reason.map { (1 + $0.utf8.count + 3) & ~3 } ?? 0
        precondition(reasonLength <= 256, "a BYE reason holds at most 255 bytes")
        let start = begin(RTCPPacketType.goodbye, format: 1, length: 8 + reasonLength)
        put(ssrc)
        if let reason {
            put(UInt8(reason.utf8.count))
            reason.utf8.forEach { put($0) }
            zeroFill(to: start + 8 + reasonLength)
        }
        return count - start
    }

    /// Appends a Picture Loss Indication (RFC 4585 §6.3.1); returns the bytes written.
    @discardableResult
    public mutating func appendPictureLossIndication(senderSSRC: UInt32, mediaSSRC: UInt32) -> Int {
        let start = begin(RTCPPacketType.payloadFeedback, format: RTCPPacket.pictureLossFormat, length: 12)
        put(senderSSRC)
        put(mediaSSRC)
        return count - start
    }

    /// Appends a Full Intra Request (RFC 5104 §4.3.1) with at least one FCI entry; returns the
    /// bytes written. The header's media-source SSRC is set to 0, as §4.3.1.2 requires.
    @discardableResult
    public mutating func appendFullIntraRequest(senderSSRC: UInt32,
                                                requests: some Collection<RTCPFullIntraRequest>) -> Int {
        precondition(!requests.isEmpty, "a FIR carries at least one request")
        let start = begin(RTCPPacketType.payloadFeedback, format: RTCPPacket.fullIntraRequestFormat,
                          length: 12 + requests.count * RTCPFullIntraRequest.length)
        put(senderSSRC)
        put(UInt32(0))
        for request in requests {
            put(request.ssrc)
            put(UInt32(request.sequenceNumber) << 24)  // then 24 reserved bits, zero
        }
        return count - start
    }

    /// Appends a Generic NACK (RFC 4585 §6.2.1) naming the `lost` sequence numbers (at least one);
    /// returns the bytes written. Numbers up to 16 after an entry's PID share its BLP bitmask, so
    /// a list in ascending order packs best.
    @discardableResult
    public mutating func appendGenericNACK(senderSSRC: UInt32, mediaSSRC: UInt32, lost: some Collection<UInt16>) -> Int {
        precondition(!lost.isEmpty, "a NACK names at least one packet")
        var entries = 0
        Self.forEachNACKEntry(lost) { _, _ in entries += 1 }
        let start = begin(RTCPPacketType.transportFeedback, format: RTCPPacket.genericNACKFormat, length: 12 + 4 * entries)
        put(senderSSRC)
        put(mediaSSRC)
        Self.forEachNACKEntry(lost) { pid, bitmask in put(UInt32(pid) << 16 | UInt32(bitmask)) }
        return count - start
    }

    /// Writes what a media engine sends every reporting interval (RFC 3550 §6.1): an SR when
    /// `senderInfo` is given (we sent media since the last report) or else an RR, then an SDES
    /// with our CNAME, then a BYE when `goodbye` is set. Returns the compound packet's length.
    public static func writeReport(into buffer: UnsafeMutableRawBufferPointer, ssrc: UInt32, senderInfo: RTCPSenderInfo?,
                                   reports: some Collection<RTCPReportBlock>, cname: UnsafeRawBufferPointer,
                                   goodbye: Bool = false, goodbyeReason: String? = nil) -> Int {
        var writer = RTCPWriter(into: buffer)
        if let senderInfo {
            writer.appendSenderReport(ssrc: ssrc, info: senderInfo, reports: reports)
        } else {
            writer.appendReceiverReport(ssrc: ssrc, reports: reports)
        }
        writer.appendSourceDescription(ssrc: ssrc, cname: cname)
        if goodbye {
            writer.appendGoodbye(ssrc: ssrc, reason: goodbyeReason)
        }
        return writer.count
    }

    /// ``writeReport(into:ssrc:senderInfo:reports:cname:goodbye:goodbyeReason:)`` with the CNAME
    /// as bytes prepared once at call setup.
    public static func writeReport(into buffer: UnsafeMutableRawBufferPointer, ssrc: UInt32, senderInfo: RTCPSenderInfo?,
                                   reports: some Collection<RTCPReportBlock>, cname: [UInt8],
                                   goodbye: Bool = false, goodbyeReason: String? = nil) -> Int {
        cname.withUnsafeBytes {
            writeReport(into: buffer, ssrc: ssrc, senderInfo: senderInfo, reports: reports, cname: $0,
                        goodbye: goodbye, goodbyeReason: goodbyeReason)
        }
    }

    // MARK: - Bytes

    /// Checks room for a packet of `length` bytes (a multiple of 4) and writes its common header
    /// (RFC 3550 §6.4.1: version 2, no padding, the 5-bit count or FMT, type, length in words − 1).
    private mutating func begin(_ packetType: UInt8, format: UInt8, length: Int) -> Int {
        precondition(buffer.count - count >= length, "RTCP packet of \(length) bytes does not fit the buffer")
        let start = count
        put(0x80 | format)
        put(packetType)
        put(UInt16(length / 4 - 1))
        return start
    }

    private func reportCount(_ reports: some Collection<RTCPReportBlock>) -> UInt8 {
        precondition(reports.count <= 31, "an SR or RR holds at most 31 report blocks")
        return UInt8(reports.count)
    }

    /// Visits the PID+BLP entries that name `lost` (RFC 4585 §6.2.1): a number 1…16 after the
    /// current PID sets bit (distance − 1); a repeat of the PID is ignored; anything else starts
    /// a new entry.
    private static func forEachNACKEntry(_ lost: some Collection<UInt16>, _ body: (UInt16, UInt16) -> Void) {
        var pid = lost.first!
        var bitmask: UInt16 = 0
        for sequence in lost.dropFirst() {
            let distance = sequence &- pid
            if distance == 0 { continue }
            if distance <= 16 {
                bitmask |= 1 << (distance - 1)
            } else {
                body(pid, bitmask)
                pid = sequence
                bitmask = 0
            }
        }
        body(pid, bitmask)
    }

    private mutating func put(_ block: RTCPReportBlock) {
        put(block.ssrc)
        // RFC 3550 §6.4.1: the cumulative number lost is 24-bit signed; clamp, then keep 24 bits.
        let lost = min(max(block.cumulativeLost, RTCPReportBlock.cumulativeLostRange.lowerBound),
                       RTCPReportBlock.cumulativeLostRange.upperBound)
        put(UInt32(block.fractionLost) << 24 | UInt32(bitPattern: lost) & 0xFF_FFFF)
        put(block.extendedHighestSequence)
        put(block.jitter)
        put(block.lastSR)
        put(block.delaySinceLastSR)
    }

    private mutating func put(_ value: UInt8) {
        buffer[count] = value
        count += 1
    }

    private mutating func put(_ value: UInt16) {
        buffer.storeBytes(of: value.bigEndian, toByteOffset: count, as: UInt16.self)
        count += 2
    }

    private mutating func put(_ value: UInt32) {
        buffer.storeBytes(of: value.bigEndian, toByteOffset: count, as: UInt32.self)
        count += 4
    }

    private mutating func zeroFill(to end: Int) {
        while count < end { put(UInt8(0)) }
    }
}
