import CSpeexDSP

/// speexdsp's preprocessor as linphone's `MSSpeexEC` runs it after the canceller: noise
/// suppression and residual-echo suppression with the library defaults. doorstation's chain uses
/// its own residual echo suppressor instead; the echo tests run this one as linphone's baseline.
public final class SpeexPreprocessor {
    public let frameSize: Int
    private let state: OpaquePointer

    /// - Parameter echo: the canceller whose residual echo estimate the preprocessor suppresses.
    public init(frameSize: Int, sampleRate: Int, echo: SpeexEchoCanceller?) {
        self.frameSize = frameSize
        state = speex_preprocess_state_init(Int32(frameSize), Int32(sampleRate))
        if let echo {
            _ = speex_preprocess_ctl(state, SPEEX_PREPROCESS_SET_ECHO_STATE, UnsafeMutableRawPointer(echo.state))
        }
    }

    deinit { speex_preprocess_state_destroy(state) }

    /// Processes `frameSize` samples in place.
    public func process(_ frame: UnsafeMutablePointer<Int16>) {
        _ = speex_preprocess_run(state, frame)
    }
}
