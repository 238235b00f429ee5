import CSpeexDSP

/// speexdsp's resampler for mono 16-bit audio, for sound cards that cannot run at the call's rate
/// and for WAV files recorded at another rate.
public final class SpeexResampler {
    public let inputRate: Int
    public let outputRate: Int
    private let state: OpaquePointer

    /// - Parameter quality: 0 (fast) … 10 (best); 4 is speex's VoIP default.
    public init?(inputRate: Int, outputRate: Int, quality: Int = 4) {
        var error: Int32 = 0
        guard inputRate > 0, outputRate > 0,
              let state = speex_resampler_init(1, UInt32(inputRate), UInt32(outputRate), Int32(quality), &error), error == 0
        else { return nil }
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.state = state
        _ = speex_resampler_skip_zeros(state)
    }

    deinit { speex_resampler_destroy(state) }

    /// Resamples as much of `input` as fits in `output`; returns (input consumed, output written).
    public func process(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) -> (consumed: Int, written: Int) {
        var inLength = UInt32(input.count)
        var outLength = UInt32(output.count)
        guard let inBase = input.baseAddress, let outBase = output.baseAddress else { return (0, 0) }
        _ = speex_resampler_process_int(state, 0, inBase, &inLength, outBase, &outLength)
        return (Int(inLength), Int(outLength))
    }

    /// Resamples a whole recording (allocates; for files, not for the media tick).
    public func resample(_ samples: [Int16]) -> [Int16] {
        var output = [Int16](repeating: 0, count: samples.count * outputRate / inputRate + 64)
        var produced = 0
        var consumed = 0
        samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                while consumed < input.count, produced < out.count {
                    let (used, written) = process(UnsafeBufferPointer(rebasing: input[consumed...]), into: UnsafeMutableBufferPointer(rebasing: out[produced...]))
                    if used == 0 && written == 0 { break }
                    consumed += used
                    produced += written
                }
            }
        }
        return Array(output[0..<produced])
    }
}
