/// Reading a received RTCP datagram: a compound packet of one or more RTCP packets stacked
/// back to back (RFC 3550 §6.1).
public enum RTCPCompound {
    /// Splits a datagram into its RTCP packets and reads each one.
    ///
    /// The header checks are those of RFC 3550 Appendix A.2:
    /// - every packet is version 2;
    /// - every length field fits in what remains of the datagram, and the lengths add up to the
    ///   datagram's length exactly;
    /// - only the last packet may carry padding (RFC 3550 §6.4.1), with a count of at least one
    ///   and no more than its body;
    /// - the first packet is an SR or an RR.
    ///
    /// One relaxation of the last rule: RFC 5506 §3 allows reduced-size RTCP, datagrams without
    /// the leading report, for feedback messages (RFC 4585); and a lone BYE is sent by some
    /// endpoints when hanging up. So a datagram may also start with a BYE (203), a transport-layer
    /// feedback (205) or a payload-specific feedback (206) packet. SDES, APP and unknown types
    /// still may not come first: they would weaken the check that tells RTCP from misdirected
    /// traffic.
    ///
    /// Packets of types this target does not read come back as ``RTCPPacket/other(packetType:count:)``.
    /// Extensions after the report blocks of an SR or RR (RFC 3550 §6.4.1) are skipped.
    ///
    /// Allocates the returned array; call it once per received RTCP datagram, not per RTP packet.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(RTCPParseError) -> [RTCPPacket] {
        guard !bytes.isEmpty else { throw .empty }
        let reader = RTCPBytes(bytes)
        var packets: [RTCPPacket] = []
        var offset = 0
        while offset < bytes.count {
            let available = bytes.count - offset
            guard available >= 4 else { throw .truncatedHeader(offset: offset, available: available) }
            let first = bytes[offset]
            guard first >> 6 == 2 else { throw .version(first >> 6, offset: offset) }
            let packetType = bytes[offset + 1]
            // RFC 3550 §6.4.1: the length is in 32-bit words minus one, header included.
            let length = (Int(reader.uint16(at: offset + 2)) + 1) * 4
            guard length <= available else {
                throw .lengthOverrun(offset: offset, declared: length, available: available)
            }
            let end = offset + length
            var contentEnd = end
            if first & 0x20 != 0 {
                guard end == bytes.count else { throw .paddingNotLast(offset: offset) }
                // The last octet counts the padding octets, itself included.
                let padding = Int(bytes[end - 1])
                guard padding > 0, padding <= length - 4 else { throw .padding(count: padding, offset: offset) }
                contentEnd -= padding
            }
            if offset == 0 {
                switch packetType {
                case RTCPPacketType.senderReport, RTCPPacketType.receiverReport,
                     RTCPPacketType.goodbye, RTCPPacketType.transportFeedback, RTCPPacketType.payloadFeedback:
                    break
                default:
                    throw .firstPacketType(packetType)
                }
            }
            packets.append(try RTCPPacket(parsing: offset..<contentEnd, of: reader))
            offset = end
        }
        return packets
    }
}

/// Big-endian reads from a received datagram. Callers check bounds before reading.
struct RTCPBytes {
    let raw: UnsafeRawBufferPointer

    init(_ raw: UnsafeRawBufferPointer) {
        self.raw = raw
    }

    subscript(offset: Int) -> UInt8 { raw[offset] }

    func uint16(at offset: Int) -> UInt16 {
        raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self).bigEndian
    }

    func uint32(at offset: Int) -> UInt32 {
        raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self).bigEndian
    }

    func uint64(at offset: Int) -> UInt64 {
        raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self).bigEndian
    }

    /// Text of an SDES item or BYE reason: UTF-8 (RFC 3550 §6.5), invalid sequences replaced.
    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: raw[range]), as: UTF8.self)
    }
}
