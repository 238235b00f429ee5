/// What a datagram on a shared UDP port is, by its first bytes.
public enum PacketKind: Sendable, Hashable {
    case rtp
    case rtcp
    case stun
    case dtls
    /// Empty, too short to tell RTP from RTCP, or of a protocol we do not speak (ZRTP, TURN
    /// channel data, anything else).
    case unknown
}

/// Demultiplexes the protocols that share one UDP port: STUN (ICE consent), DTLS (DTLS-SRTP key
/// exchange), and RTP with RTCP multiplexed on the same port.
public enum PacketClassifier {
    /// Classifies a datagram without copying it.
    ///
    /// RFC 7983 §7 splits on the first byte: 0–3 STUN, 20–63 DTLS, 128–191 RTP or RTCP (16–19
    /// ZRTP and 64–79 TURN channels are not used here). RFC 5761 §4 then tells RTCP from RTP by
    /// the second byte with the marker bit cleared: 64–95 is an RTCP packet type 192–223, which
    /// RTP payload types must therefore avoid.
    public static func classify(_ bytes: UnsafeRawBufferPointer) -> PacketKind {
        guard let first = bytes.first else { return .unknown }
        switch first {
        case 0...3:
            return .stun
        case 20...63:
            return .dtls
        case 128...191:
            guard bytes.count >= 2 else { return .unknown }
            return 64...95 ~= bytes[1] & 0x7F ? .rtcp : .rtp
        default:
            return .unknown
        }
    }
}
