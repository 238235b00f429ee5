/// Why a datagram is not a valid RTCP compound packet (RFC 3550 §6.1, A.2). Each case names the
/// byte offset, within the datagram, of the packet or item at fault. The media plane counts these
/// and drops the datagram; they never end a call.
public enum RTCPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A datagram of zero bytes.
    case empty
    /// Fewer than the 4 bytes of a common header remain at `offset`.
    case truncatedHeader(offset: Int, available: Int)
    /// The packet at `offset` is not version 2.
    case version(UInt8, offset: Int)
    /// The length field of the packet at `offset` declares more bytes than the datagram has left.
    case lengthOverrun(offset: Int, declared: Int, available: Int)
    /// The packet at `offset` has the padding bit but is not the last one (RFC 3550 §6.4.1).
    case paddingNotLast(offset: Int)
    /// The padding count of the last packet is zero or longer than the packet's body.
    case padding(count: Int, offset: Int)
    /// The first packet is neither a report (SR/RR) nor a type RFC 5506 lets stand alone.
    case firstPacketType(UInt8)
    /// The packet at `offset` is shorter than its count field and fixed fields require.
    case packetTooShort(packetType: UInt8, offset: Int, needed: Int, length: Int)
    /// An SDES chunk or item, starting at `offset`, runs past the end of its packet.
    case sourceDescriptionOverrun(offset: Int)

    public var description: String {
        switch self {
        case .empty:
            "RTCP datagram is empty"
        case .truncatedHeader(let offset, let available):
            "RTCP header at byte \(offset) truncated: \(available) of 4 bytes present"
        case .version(let version, let offset):
            "RTCP packet at byte \(offset) has version \(version), expected 2"
        case .lengthOverrun(let offset, let declared, let available):
            "RTCP packet at byte \(offset) declares \(declared) bytes, only \(available) remain"
        case .paddingNotLast(let offset):
            "RTCP packet at byte \(offset) is padded but is not the last in the compound packet"
        case .padding(let count, let offset):
            "RTCP packet at byte \(offset) has an invalid padding count \(count)"
        case .firstPacketType(let type):
            "RTCP datagram starts with packet type \(type), expected SR or RR (or BYE or feedback, reduced-size)"
        case .packetTooShort(let type, let offset, let needed, let length):
            "RTCP packet type \(type) at byte \(offset) needs \(needed) bytes, has \(length)"
        case .sourceDescriptionOverrun(let offset):
            "RTCP SDES chunk or item at byte \(offset) runs past the end of its packet"
        }
    }
}
