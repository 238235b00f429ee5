/// A simulated door panel between the speaker and the microphone: a small speaker driven into soft
/// saturation, a strong direct path with a bulk delay, and a room tail that decays exponentially.
/// Deterministic for a given seed, so echo tests are reproducible.
public struct EchoPath: Sendable, Hashable {
    /// Bulk delay before the direct path, in ms (sound-card buffers plus the acoustic distance).
    public var bulkDelayMilliseconds: Int
    /// Amplitude of the direct speaker-to-microphone path (1 = the echo is as loud as what is played).
    public var directGain: Double
    /// Time for the room tail to decay by 60 dB, in ms.
    public var tailMilliseconds: Int
    /// Level of the room tail's start relative to the direct path.
    public var tailGain: Double
    /// Speaker drive into tanh saturation: 0 is linear; 1.5 compresses full-scale peaks by about 3 dB.
    public var saturation: Double
    public var seed: UInt64

    public init(bulkDelayMilliseconds: Int = 20, directGain: Double = 1.0, tailMilliseconds: Int = 150, tailGain: Double = 0.3, saturation: Double = 1.5, seed: UInt64 = 1) {
        self.bulkDelayMilliseconds = bulkDelayMilliseconds
        self.directGain = directGain
        self.tailMilliseconds = tailMilliseconds
        self.tailGain = tailGain
        self.saturation = saturation
        self.seed = seed
    }

    /// The impulse response at `sampleRate`.
    public func impulseResponse(sampleRate: Int) -> [Double] {
        let delay = bulkDelayMilliseconds * sampleRate / 1000
        let tail = max(1, tailMilliseconds * sampleRate / 1000)
        var response = [Double](repeating: 0, count: delay + tail + 1)
        var random = SplitMix(seed: seed)
        response[delay] = directGain
        // A few early reflections of the panel's housing, then diffuse decay (-60 dB over `tail`).
        for index in 1..<min(6, tail) { response[delay + index * sampleRate / 4000] += directGain * 0.25 * random.nextSigned() }
        let decayPerSample = log(1000.0) / Double(tail)
        for index in 1..<tail {
            response[delay + index] += tailGain * directGain * exp(-decayPerSample * Double(index)) * random.nextSigned()
        }
        return response
    }

    /// What the microphone hears of `played` (the speaker signal), at `sampleRate`.
    public func echo(of played: [Int16], sampleRate: Int) -> [Double] {
        let response = impulseResponse(sampleRate: sampleRate)
        let speaker = played.map { sample -> Double in
            let x = Double(sample) / 32768
            return saturation > 0 ? tanh(saturation * x) / saturation : x
        }
        var output = [Double](repeating: 0, count: played.count)
        let taps = response.enumerated().filter { $0.element != 0 }
        for (lag, weight) in taps {
            var index = lag
            while index < speaker.count {
                output[index] += weight * speaker[index - lag]
                index += 1
            }
        }
        return output.map { $0 * 32768 }
    }
}

/// A small deterministic generator (SplitMix64) for reproducible test signals.
public struct SplitMix: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    public mutating func nextSigned() -> Double { Double(next() >> 11) / Double(1 << 52) - 1 }
}

#if canImport(Glibc)
import Glibc
#endif
