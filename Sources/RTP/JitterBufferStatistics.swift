/// How an audio jitter buffer is doing; readable at any time.
public struct JitterBufferStatistics: Sendable, Hashable {
    /// How long a packet of average transit waits before it is played (as of the last read).
    public var currentDelayMilliseconds: Int = 0
    /// The delay the buffer steers toward.
    public var targetDelayMilliseconds: Int = 0
    /// Samples played while no audio had arrived for them, after the stream's first sample
    /// (repetition of the last pitch periods, then silence).
    public var concealedSamples: Int = 0
    /// Packets that came after their playout time had begun (wholly or partly concealed).
    public var lateDrops: Int = 0
    /// Packets whose samples were all present already.
    public var duplicateDrops: Int = 0
    /// Packets dropped for lack of room (the reader fell behind).
    public var overflowDrops: Int = 0
    /// Samples dropped or repeated to follow clock drift and to move the playout point.
    public var driftAdjustedSamples: Int = 0
    /// Restarts: on timestamp jumps, and when the reader fell more than a second behind the
    /// maximum delay.
    public var resynchronizations: Int = 0

    public init() {}
}
