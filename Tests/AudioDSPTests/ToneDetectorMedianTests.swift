import AudioDSP
import Testing

/// The windowed check the media tests use: a tone that went through a jitter buffer (phase
/// jumps, a few percent of pitch shift for a while) still counts; another tone does not.
@Suite struct ToneDetectorMedianTests {
    static func tone(_ frequency: Double, count: Int) -> [Int16] {
        var generator = ToneGenerator(frequency: frequency, sampleRate: 8000, amplitude: 0.3)
        var samples = [Int16](repeating: 0, count: count)
        samples.withUnsafeMutableBufferPointer { generator.fill($0) }
        return samples
    }

    @Test func phaseJumpsFoolOneLongWindowButNotTheMedian() {
        // Every 250 samples the tone restarts with its phase inverted, as a splice can leave it.
        var spliced: [Int16] = []
        for index in 0..<16 {
            let part = Self.tone(440, count: 250)
            spliced += index % 2 == 0 ? part : part.map { $0 == .min ? .max : -$0 }
        }
        #expect(ToneDetector.relativePower(of: spliced, at: 440, sampleRate: 8000) < 0.3)
        #expect(ToneDetector.medianRelativePower(of: spliced, at: 440, sampleRate: 8000) > 0.5)
    }

    @Test(arguments: [(440.0, 440.0, true), (440.0 * 1.03, 440.0, true), (1000.0, 440.0, false), (440.0 * 1.08, 440.0, false)] as [(Double, Double, Bool)])
    func pitchWithinTheToleranceCounts(played: Double, expected: Double, counts: Bool) {
        let power = ToneDetector.medianRelativePower(of: Self.tone(played, count: 4000), at: expected, sampleRate: 8000)
        #expect((power > 0.8) == counts, "\(power)")
    }

    @Test func silenceHasNoTone() {
        #expect(ToneDetector.medianRelativePower(of: [Int16](repeating: 0, count: 4000), at: 440, sampleRate: 8000) == 0)
    }
}
