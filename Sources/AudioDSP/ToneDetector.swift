/// Measures how much of a signal's energy lies at one frequency (the Goertzel algorithm).
///
/// Used to check by frequency, not just by loudness, that a tone sent through the system arrived.
public enum ToneDetector {
    /// The fraction (0…1) of the signal's power at `frequency`. A clean tone gives about 1, silence or noise near 0.
    public static func relativePower<C: Collection>(of samples: C, at frequency: Double, sampleRate: Int) -> Double
    where C.Element == Int16 {
        guard samples.count > 1 else { return 0 }
        let omega = 2 * Double.pi * frequency / Double(sampleRate)
        let coefficient = 2 * cos(omega)
        var s1 = 0.0, s2 = 0.0, total = 0.0
        for sample in samples {
            let x = Double(sample)
            total += x * x
            let s0 = x + coefficient * s1 - s2
            s2 = s1
            s1 = s0
        }
        guard total > 0 else { return 0 }
        let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        // A pure tone of N samples puts N/2 of its energy-sum into the Goertzel power (times N).
        return min(1, power / (total * Double(samples.count) / 2))
    }
}

#if canImport(Glibc)
import func Glibc.cos
#elseif canImport(Musl)
import func Musl.cos
#endif
