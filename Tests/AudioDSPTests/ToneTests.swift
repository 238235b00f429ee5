import AudioDSP
import Testing

@Suite struct ToneTests {
    func tone(_ frequency: Double, rate: Int = 8000, count: Int = 8000, amplitude: Double = 0.5) -> [Int16] {
        var generator = ToneGenerator(frequency: frequency, sampleRate: rate, amplitude: amplitude)
        var samples = [Int16](repeating: 0, count: count)
        // Fill in 20 ms pieces: the phase must continue across buffers.
        samples.withUnsafeMutableBufferPointer { all in
            for start in stride(from: 0, to: count, by: rate / 50) {
                generator.fill(UnsafeMutableBufferPointer(rebasing: all[start..<min(count, start + rate / 50)]))
            }
        }
        return samples
    }

    @Test(arguments: [(440.0, 8000), (1000.0, 8000), (1000.0, 16000), (3000.0, 16000)])
    func detectorFindsTheGeneratedTone(frequency: Double, rate: Int) {
        let samples = tone(frequency, rate: rate, count: rate)
        #expect(ToneDetector.relativePower(of: samples, at: frequency, sampleRate: rate) > 0.98)
        #expect(ToneDetector.relativePower(of: samples, at: frequency * 1.5, sampleRate: rate) < 0.01)
    }

    @Test func amplitudeIsTheRequestedFractionOfFullScale() {
        let samples = tone(1000, amplitude: 0.25)
        #expect(samples.map { abs(Int($0)) }.max()! == 8192)
    }

    @Test func silenceHasNoTone() {
        #expect(ToneDetector.relativePower(of: [Int16](repeating: 0, count: 800), at: 1000, sampleRate: 8000) == 0)
    }

    @Test func formatArithmetic() {
        #expect(AudioFormat.telephony.samples(milliseconds: 20) == 160)
        #expect(AudioFormat(sampleRate: 16000).nanoseconds(samples: 320) == 20_000_000)
    }
}
