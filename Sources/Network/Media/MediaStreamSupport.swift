import RTP
import SDP
import SRTP

/// What the audio and video media threads do alike: reading a socket's waiting datagrams and
/// keying SRTP from offer/answer.
enum MediaSocketDrain {
    /// Reads at most `limit` waiting datagrams of `socket` (bounded, so a flood cannot hold up
    /// the thread's next tick or frame) and hands each to `rtcp`, `rtp` (only on an RTP port:
    /// with rtcp-mux both kinds share it) or `malformed`. `realtimeOffset` (wall clock minus
    /// monotonic) turns the kernel's arrival stamps into monotonic time.
    static func drain(
        _ socket: UDPSocket, buffer: UnsafeMutableRawBufferPointer, now: UInt64, realtimeOffset: Int64, isRTCPPort: Bool, limit: Int,
        rtcp: (_ length: Int, _ source: MediaAddress, _ arrival: UInt64) -> Void,
        rtp: (_ length: Int, _ source: MediaAddress, _ arrival: UInt64) -> Void,
        malformed: () -> Void
    ) {
        var source = MediaAddress()
        var stamp: UInt64 = 0
        for _ in 0..<limit {
            guard let length = socket.receive(into: buffer, source: &source, arrival: &stamp) else { return }
            let arrival = stamp == 0 ? now : min(now, UInt64(max(0, Int64(bitPattern: stamp) - realtimeOffset)))
            guard length <= buffer.count, length > 0 else {
                malformed()
                continue
            }
            let kind = PacketClassifier.classify(UnsafeRawBufferPointer(rebasing: buffer[0..<length]))
            if kind == .rtcp {
                rtcp(length, source, arrival)
            } else if kind == .rtp, !isRTCPPort {
                rtp(length, source, arrival)
            } else {
                malformed()
            }
        }
    }
}

extension SRTPContext {
    /// The SRTP context for a negotiated stream's keys; nil for plain RTP, and nil too when the
    /// keys are unusable: the stream then refuses to send rather than send in the clear, and
    /// `unusable` gets the reason.
    static func forStream(_ crypto: NegotiatedCrypto?, unusable: (String) -> Void) -> SRTPContext? {
        guard let crypto else { return nil }
        guard let profile = SRTPProfile(rawValue: crypto.suite.rawValue) else {
            unusable("no SRTP profile for the suite \(crypto.suite.rawValue)")
            return nil
        }
        do {
            return try SRTPContext(profile: profile, localKeyMaterial: crypto.localKeyMaterial, remoteKeyMaterial: crypto.remoteKeyMaterial)
        } catch {
            unusable("\(error)")
            return nil
        }
    }
}

enum MediaThread {
    /// Waits at most two seconds for a media thread to finish, without blocking a thread of
    /// the caller's (the signalling plane's) pool.
    static func waitForExit(_ finished: () -> Bool) async {
        for _ in 0..<400 where !finished() {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
