import CSpeexDSP

/// speexdsp's resampler for one mono stream of 16-bit samples: converts between the rate a
/// sound card runs at (48000 or 44100 Hz for most `hw:` devices) and the call's 8000 or 16000 Hz.
///
/// It keeps its filter state between calls, so a stream resampled period by period has no
/// seams. Not thread-safe: one stream, one thread.
final class SpeexResampler {
    /// Quality 3 of 0…10: speexdsp's VoIP setting, far above what G.711 can carry, cheap on a Pi.
    static let quality: Int32 = 3

    let inputRate: Int
    let outputRate: Int
    private let state: OpaquePointer

    /// Fails only for rates speexdsp rejects (zero) or when out of memory.
    /// The corresponding C function is `speex_resampler_init`.
    init?(from inputRate: Int, to outputRate: Int) {
        var error: Int32 = 0
        guard inputRate > 0, outputRate > 0,
              let state = speex_resampler_init(1, UInt32(inputRate), UInt32(outputRate), Self.quality, &error) else { return nil }
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.state = state
    }

    deinit { speex_resampler_destroy(state) }

    /// The most samples `process` can produce from `inputCount` input samples.
    func maximumOutput(forInput inputCount: Int) -> Int {
        (inputCount * outputRate + inputRate - 1) / inputRate + 2
    }

    /// Input samples held in the filter, not yet in any output: part of what playback has
    /// queued but not yet played. The corresponding C function is `speex_resampler_get_input_latency`.
    var inputLatency: Int { Int(speex_resampler_get_input_latency(state)) }

    /// Resamples all of `input` into the start of `output` and returns how many samples it wrote;
    /// `output` holds at least `maximumOutput(forInput: input.count)`.
    /// The corresponding C function is `speex_resampler_process_int`.
    func process(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        precondition(output.count >= maximumOutput(forInput: input.count), "resampler output buffer too small")
        var consumed = 0
        var produced = 0
        while consumed < input.count {
            var inputLength = UInt32(input.count - consumed)
            var outputLength = UInt32(output.count - produced)
            speex_resampler_process_int(state, 0, input.baseAddress! + consumed, &inputLength,
                                        output.baseAddress! + produced, &outputLength)
            consumed += Int(inputLength)
            produced += Int(outputLength)
            if inputLength == 0 && outputLength == 0 { break }
        }
        return produced
    }
}
