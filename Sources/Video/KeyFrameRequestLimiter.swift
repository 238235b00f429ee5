/// Decides when a peer's requests for a key frame (RTCP PLI/FIR, SIP INFO
/// `picture_fast_update`) make the encoder send an IDR.
///
/// The first request is served with the next frame. Requests that follow within `minimumGap`
/// are folded into one IDR at the end of the gap, never dropped: a receiver that keeps asking
/// during a burst of loss gets one key frame after it, not one per packet (an IDR is 5–10
/// times a normal frame and would itself cause loss on a thin uplink).
public struct KeyFrameRequestLimiter: Sendable, Hashable {
    public let minimumGap: UInt64
    private var lastForced: UInt64?
    private var pending = false
    /// Requests received, and how many IDRs they produced.
    public private(set) var requests = 0
    public private(set) var served = 0

    /// - Parameter minimumGap: nanoseconds between forced key frames.
    public init(minimumGap: UInt64 = 500_000_000) {
        self.minimumGap = minimumGap
    }

    /// A peer asked for a key frame (`count` times since the last frame).
    public mutating func request(_ count: Int = 1) {
        guard count > 0 else { return }
        requests += count
        pending = true
    }

    /// Whether the frame captured at `now` must be an IDR; call once per frame.
    public mutating func forceKeyFrame(now: UInt64) -> Bool {
        guard pending else { return false }
        if let lastForced, now &- lastForced < minimumGap { return false }
        pending = false
        lastForced = now
        served += 1
        return true
    }

    /// The encoder produced a key frame on its own (the periodic IDR): it serves any waiting request.
    public mutating func keyFrameSent(now: UInt64) {
        pending = false
        lastForced = now
    }
}
