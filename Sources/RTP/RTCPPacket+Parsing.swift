/// Reading one RTCP packet whose header ``RTCPCompound/parse(_:)`` has already checked.
extension RTCPPacket {
    /// FMT of a Generic NACK in a transport-layer feedback packet (RFC 4585 §6.2.1).
    static let genericNACKFormat: UInt8 = 1
    /// FMT of a Picture Loss Indication in a payload-specific feedback packet (RFC 4585 §6.3.1).
    static let pictureLossFormat: UInt8 = 1
    /// FMT of a Full Intra Request in a payload-specific feedback packet (RFC 5104 §4.3.1).
    static let fullIntraRequestFormat: UInt8 = 4

    /// Reads the packet in `range` of `bytes`: its header and content, padding already excluded.
    init(parsing range: Range<Int>, of bytes: RTCPBytes) throws(RTCPParseError) {
        let start = range.lowerBound
        let format = bytes[start] & 0x1F  // RC, SC or FMT, depending on the type
        let count = Int(format)
        let packetType = bytes[start + 1]
        func require(_ needed: Int) throws(RTCPParseError) {
            guard range.count >= needed else {
                throw .packetTooShort(packetType: packetType, offset: start, needed: needed, length: range.count)
            }
        }
        switch packetType {
        case RTCPPacketType.senderReport:
            // RFC 3550 §6.4.1: header, SSRC, 20 bytes of sender info, then the report blocks.
            try require(8 + RTCPSenderInfo.length + count * RTCPReportBlock.length)
            let info = RTCPSenderInfo(ntpTimestamp: bytes.uint64(at: start + 8), rtpTimestamp: bytes.uint32(at: start + 16),
                                      packetCount: bytes.uint32(at: start + 20), octetCount: bytes.uint32(at: start + 24))
            self = .senderReport(ssrc: bytes.uint32(at: start + 4), info: info,
                                 reports: Self.reportBlocks(at: start + 28, count: count, of: bytes))
        case RTCPPacketType.receiverReport:
            // RFC 3550 §6.4.2.
            try require(8 + count * RTCPReportBlock.length)
            self = .receiverReport(ssrc: bytes.uint32(at: start + 4),
                                   reports: Self.reportBlocks(at: start + 8, count: count, of: bytes))
        case RTCPPacketType.sourceDescription:
            self = .sourceDescription(try Self.sourceDescriptions(in: range, count: count, of: bytes))
        case RTCPPacketType.goodbye:
            // RFC 3550 §6.6: the SSRC/CSRC list, then an optional length-prefixed reason.
            try require(4 + 4 * count)
            let ssrcs = (0..<count).map { bytes.uint32(at: start + 4 + 4 * $0) }
            let reasonAt = start + 4 + 4 * count
            var reason: String?
            if reasonAt < range.upperBound {
                let reasonEnd = reasonAt + 1 + Int(bytes[reasonAt])
                try require(reasonEnd - start)
                reason = bytes.string(reasonAt + 1..<reasonEnd)
            }
            self = .goodbye(ssrcs: ssrcs, reason: reason)
        case RTCPPacketType.transportFeedback where format == Self.genericNACKFormat:
            // RFC 4585 §6.1: header, SSRC of packet sender, SSRC of media source, then the FCI.
            try require(12)
            var lost: [UInt16] = []
            var entry = start + 12
            while entry + 4 <= range.upperBound {
                // RFC 4585 §6.2.1: bit i of the BLP (least significant first) reports PID + i + 1.
                let pid = bytes.uint16(at: entry)
                let bitmask = bytes.uint16(at: entry + 2)
                lost.append(pid)
                for bit in 0..<16 where bitmask & (1 << bit) != 0 {
                    lost.append(pid &+ UInt16(bit + 1))
                }
                entry += 4
            }
            self = .genericNACK(senderSSRC: bytes.uint32(at: start + 4), mediaSSRC: bytes.uint32(at: start + 8), lost: lost)
        case RTCPPacketType.payloadFeedback where format == Self.pictureLossFormat:
            // RFC 4585 §6.3.1: no FCI.
            try require(12)
            self = .pictureLossIndication(senderSSRC: bytes.uint32(at: start + 4), mediaSSRC: bytes.uint32(at: start + 8))
        case RTCPPacketType.payloadFeedback where format == Self.fullIntraRequestFormat:
            // RFC 5104 §4.3.1: the header's media SSRC is unused; each FCI entry names a source.
            try require(12)
            var requests: [RTCPFullIntraRequest] = []
            var entry = start + 12
            while entry + RTCPFullIntraRequest.length <= range.upperBound {
                requests.append(RTCPFullIntraRequest(ssrc: bytes.uint32(at: entry), sequenceNumber: bytes[entry + 4]))
                entry += RTCPFullIntraRequest.length
            }
            self = .fullIntraRequest(senderSSRC: bytes.uint32(at: start + 4), requests: requests)
        default:
            self = .other(packetType: packetType, count: format)
        }
    }

    /// Report blocks (RFC 3550 §6.4.1), whose presence the caller has checked.
    private static func reportBlocks(at offset: Int, count: Int, of bytes: RTCPBytes) -> [RTCPReportBlock] {
        (0..<count).map { index in
            let at = offset + index * RTCPReportBlock.length
            // The cumulative number lost is a 24-bit two's-complement field: sign-extend it.
            let lost = Int32(bitPattern: bytes.uint32(at: at + 4) << 8) >> 8
            return RTCPReportBlock(ssrc: bytes.uint32(at: at), fractionLost: bytes[at + 4], cumulativeLost: lost,
                                   extendedHighestSequence: bytes.uint32(at: at + 8), jitter: bytes.uint32(at: at + 12),
                                   lastSR: bytes.uint32(at: at + 16), delaySinceLastSR: bytes.uint32(at: at + 20))
        }
    }

    /// SDES chunks (RFC 3550 §6.5): an SSRC, then items (type, length, text) ended by one or more
    /// null octets that pad the chunk to a 32-bit boundary. Only the CNAME (type 1) is kept.
    /// A chunk whose items end exactly at the end of the packet, without the null octet, is
    /// accepted: nothing is lost by reading it.
    private static func sourceDescriptions(in range: Range<Int>, count: Int, of bytes: RTCPBytes)
        throws(RTCPParseError) -> [RTCPSourceDescription] {
        let end = range.upperBound
        var position = range.lowerBound + 4
        var chunks: [RTCPSourceDescription] = []
        for _ in 0..<count {
            guard position + 4 <= end else { throw .sourceDescriptionOverrun(offset: position) }
            var chunk = RTCPSourceDescription(ssrc: bytes.uint32(at: position), cname: nil)
            position += 4
            while position < end {
                let itemType = bytes[position]
                if itemType == 0 {
                    // Skip the null octets up to the next 32-bit boundary of the packet.
                    position += 4 - (position - range.lowerBound) % 4
                    break
                }
                guard position + 2 <= end else { throw .sourceDescriptionOverrun(offset: position) }
                let textEnd = position + 2 + Int(bytes[position + 1])
                guard textEnd <= end else { throw .sourceDescriptionOverrun(offset: position) }
                if itemType == 1 {
                    chunk.cname = bytes.string(position + 2..<textEnd)
                }
                position = textEnd
            }
            chunks.append(chunk)
        }
        return chunks
    }
}
