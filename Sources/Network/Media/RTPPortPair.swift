/// An RTP socket on an even port and its RTCP socket on the odd port above (RFC 3550 §11),
/// bound before the port goes into an SDP offer or answer, so the port we announce is ours.
public final class RTPPortPair: Sendable {
    public let rtp: UDPSocket
    public let rtcp: UDPSocket

    public var port: UInt16 { rtp.localPort }

    init(rtp: UDPSocket, rtcp: UDPSocket) {
        self.rtp = rtp
        self.rtcp = rtcp
    }

    /// Binds the first free pair of `ports`: from its start when `sequential` (linphone's single
    /// port: 7078, then 7080…), else from a random even port, wrapping around once.
    static func bind(localAddress: String, ports: MediaPortRange, dscp: Int,
                     using random: inout some RandomNumberGenerator) throws(MediaSocketError) -> RTPPortPair {
        let first = ports.range.lowerBound + ports.range.lowerBound % 2
        let pairs = max(0, (ports.range.upperBound - 1 - first) / 2 + 1)
        guard pairs > 0 else { throw .noFreePort(ports.range) }
        let offset = ports.sequential ? 0 : Int.random(in: 0..<pairs, using: &random)
        for attempt in 0..<min(pairs, 512) {
            let port = UInt16(first + ((offset + attempt) % pairs) * 2)
            let rtp: UDPSocket
            do {
                rtp = try UDPSocket(localAddress: localAddress, port: port, dscp: dscp)
            } catch .portInUse {
                continue
            }
            do {
                return RTPPortPair(rtp: rtp, rtcp: try UDPSocket(localAddress: localAddress, port: port + 1, dscp: dscp))
            } catch .portInUse {
                continue
            }
        }
        throw .noFreePort(ports.range)
    }
}

/// Where a stream's RTP ports come from (`[rtp] audio_rtp_port`, `video_rtp_port`).
public struct MediaPortRange: Sendable, Hashable {
    public var range: ClosedRange<Int>
    /// Try the ports in order from the start (one configured port) rather than from a random one.
    public var sequential: Bool

    public init(_ range: ClosedRange<Int>, sequential: Bool = false) {
        self.range = range
        self.sequential = sequential
    }
}
