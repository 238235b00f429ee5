/// Everything the audio chain is tuned by: linphone's `[sound]` keys plus doorstation's residual
/// echo suppressor (`es_*`). Built from the configuration by the daemon; pure values here.
public struct AudioProcessingParameters: Sendable, Hashable {
    /// `echocancellation`: the canceller and the residual echo suppressor after it.
    public var echoCancellation: Bool
    /// `ec_tail_len`, `ec_framesize`, `ec_delay`, as linphone passes them to speex (apply from the next call).
    public var echoTailMilliseconds: Int
    public var echoFrameSizeAt8kHz: Int
    public var echoDelayMilliseconds: Int
    /// `echo_suppression`, `es_*`: the stage after the linear canceller (live).
    public var suppression: ResidualEchoSuppressor.Parameters
    /// `echolimiter`, `el_*`, `noisegate`, `ng_*`, `agc`, gains (live).
    public var volume: VolumeParameters

    public init(echoCancellation: Bool = true, echoTailMilliseconds: Int = 0, echoFrameSizeAt8kHz: Int = 0, echoDelayMilliseconds: Int = 0,
                suppression: ResidualEchoSuppressor.Parameters = .init(), volume: VolumeParameters = .init()) {
        self.echoCancellation = echoCancellation
        self.echoTailMilliseconds = echoTailMilliseconds
        self.echoFrameSizeAt8kHz = echoFrameSizeAt8kHz
        self.echoDelayMilliseconds = echoDelayMilliseconds
        self.suppression = suppression
        self.volume = volume
    }

    public func sizing(sampleRate: Int) -> EchoCancellerSizing {
        EchoCancellerSizing(sampleRate: sampleRate, framesizeAt8kHz: echoFrameSizeAt8kHz, tailMilliseconds: echoTailMilliseconds, delayMilliseconds: echoDelayMilliseconds)
    }
}
