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

    /// The median over consecutive windows of `window` samples (50 ms at 8 kHz by default) of
    /// the best `relativePower` within `tolerance` (a fraction) of `frequency`. Unlike one long
    /// window it is not fooled by what a jitter buffer does to a tone on the way: phase jumps
    /// where it conceals or splices, and the slight pitch shift while it plays faster or slower
    /// to follow the network (a few percent for a fraction of a second).
    public static func medianRelativePower(of samples: [Int16], at frequency: Double, sampleRate: Int,
                                           window: Int = 400, tolerance: Double = 0.04) -> Double {
        guard window > 1, samples.count >= window else { return relativePower(of: samples, at: frequency, sampleRate: sampleRate) }
        let candidates = (-4...4).map { frequency * (1 + tolerance * Double($0) / 4) }
        let powers = stride(from: 0, through: samples.count - window, by: window).map { start in
            candidates.map { relativePower(of: samples[start..<start + window], at: $0, sampleRate: sampleRate) }.max() ?? 0
        }.sorted()
        return powers[powers.count / 2]
    }
}

#if canImport(Glibc)
import func Glibc.cos
#elseif canImport(Musl)
import func Musl.cos
#endif
