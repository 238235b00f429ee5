import AudioDSP
import CSpeexDSP

/// speexdsp's MDF echo canceller (the linear first stage), sized the way linphone's `MSSpeexEC`
/// sizes it from `ec_framesize` and `ec_tail_len` (shared/reference/linphonerc.md §4.1).
///
/// One instance belongs to one call's media thread; it is not thread-safe.
public final class SpeexEchoCanceller: LinearEchoCanceller {
    /// Samples per `cancel` call.
    public let frameSize: Int
    /// Samples of echo the adaptive filter models.
    public let filterLength: Int
    public let sampleRate: Int
    let state: OpaquePointer

    /// - Parameters:
    ///   - frameSize: samples per frame (a power of two keeps speex's FFT fast).
    ///   - filterLength: the echo tail in samples.
    public convenience init(_ sizing: EchoCancellerSizing, sampleRate: Int) {
        self.init(frameSize: sizing.frameSize, filterLength: sizing.filterLength, sampleRate: sampleRate)
    }

    public init(frameSize: Int, filterLength: Int, sampleRate: Int) {
        precondition(frameSize > 0 && filterLength >= frameSize && sampleRate > 0, "invalid echo canceller size")
        self.frameSize = frameSize
        self.filterLength = filterLength
        self.sampleRate = sampleRate
        state = speex_echo_state_init(Int32(frameSize), Int32(filterLength))
        var rate = Int32(sampleRate)
        _ = speex_echo_ctl(state, SPEEX_ECHO_SET_SAMPLING_RATE, &rate)
    }

    deinit { speex_echo_state_destroy(state) }

    /// Removes the linear echo of `reference` (what was played, aligned) from `microphone`.
    /// All three buffers hold exactly `frameSize` samples; `output` may not alias the inputs.
    public func cancel(microphone: UnsafePointer<Int16>, reference: UnsafePointer<Int16>, output: UnsafeMutablePointer<Int16>) {
        speex_echo_cancellation(state, microphone, reference, output)
    }

    /// Forgets the learned echo path (after divergence, or when the path changed completely).
    public func reset() { speex_echo_state_reset(state) }
}
