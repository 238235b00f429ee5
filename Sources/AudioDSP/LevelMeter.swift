/// MSVolume's level measurement (shared/reference/linphonerc.md §5.1, `msvolume.c:388-407`), the
/// input of the echo limiter, noise gate and AGC. Its units are linphone's, so that `el_thres`,
/// `ng_thres` and `el_force` from a linphonerc mean the same thing here.
///
/// Per chunk of N samples:
/// - `instantaneous = (sqrt(Σx²/N) + 1) / reference`: linear RMS level, full-scale sine ≈ 1.01, silence = 1/reference;
/// - `energy ← 0.2 · instantaneous + 0.8 · energy`: one pole per chunk (τ ≈ 45 ms with 10 ms chunks);
/// - `peak = max|x| / reference`, not smoothed.
///
/// A chunk may arrive in pieces (`accumulate` several times, then `endChunk`): the sums are
/// integers, so a chunk measured in pieces gives bit for bit what it gives in one piece.
public struct LevelMeter: Sendable, Hashable {
    /// linphone's "RMS of full scale": 0.7 × 32768 = 22937.6 (`msvolume.c:37`).
    public static let reference = 0.7 * 32768
    /// Weight of the newest chunk in `energy` (`msvolume.c:38`).
    public static let smoothing = 0.2

    /// Smoothed linear level (linphone's `energy`), 0 before the first chunk.
    public private(set) var energy = 0.0
    /// Level of the last complete chunk (linphone's `instant_energy`), what the noise gate looks at.
    public private(set) var instantaneous = 0.0
    /// Peak magnitude of the last complete chunk over `reference` (linphone's `level_pk`), what the AGC looks at.
    public private(set) var peak = 0.0

    private var sumOfSquares = 0
    private var largestMagnitude = 0
    private var count = 0

    public init() {}

    /// Measures one whole chunk.
    public mutating func measure(_ chunk: UnsafeBufferPointer<Int16>) {
        accumulate(chunk)
        endChunk()
    }

    /// Adds samples to the chunk in progress.
    public mutating func accumulate(_ samples: UnsafeBufferPointer<Int16>) {
        // Int is 64-bit on every platform we build for: at most 2^30 per sample, far from overflow.
        var squares = 0
        var largest = largestMagnitude
        for sample in samples {
            let value = Int(sample)
            squares += value * value
            largest = max(largest, abs(value))
        }
        sumOfSquares += squares
        largestMagnitude = largest
        count += samples.count
    }

    /// Closes the chunk in progress and updates `instantaneous`, `energy` and `peak`. Does nothing for an empty chunk.
    public mutating func endChunk() {
        guard count > 0 else { return }
        let rms = (Double(sumOfSquares) / Double(count)).squareRoot()
        instantaneous = (rms + 1) / Self.reference
        energy = Self.smoothing * instantaneous + 0.8 * energy
        peak = Double(largestMagnitude) / Self.reference
        sumOfSquares = 0
        largestMagnitude = 0
        count = 0
    }
}
