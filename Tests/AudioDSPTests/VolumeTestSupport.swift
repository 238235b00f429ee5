import AudioDSP

#if canImport(Glibc)
import func Glibc.log10
#elseif canImport(Musl)
import func Musl.log10
#endif

/// Amplitude ratio in dB (20·log10), the unit of the attenuation and ramp figures in linphonerc.md §5.
func decibels(_ ratio: Double) -> Double { 20 * log10(ratio) }

/// `|a - b| <= tolerance · |b|`.
func close(_ a: Double, _ b: Double, relative tolerance: Double = 1e-12) -> Bool {
    abs(a - b) <= tolerance * abs(b)
}

func rms(_ samples: [Int16]) -> Double {
    (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)).squareRoot()
}

/// One 10 ms chunk of a 400 Hz sine starting at phase 0: a whole number of periods at 8 and
/// 16 kHz, so every chunk has exactly the same RMS and peak (peak = round(amplitude · 32767)).
func steadyChunk(amplitude: Double, rate: Int) -> [Int16] {
    var samples = [Int16](repeating: 0, count: rate / 100)
    guard amplitude > 0 else { return samples }
    var tone = ToneGenerator(frequency: 400, sampleRate: rate, amplitude: amplitude)
    samples.withUnsafeMutableBufferPointer { tone.fill($0) }
    return samples
}

extension SendVolume {
    /// Feeds `chunks` copies of `chunk`, one chunk per call, and returns the gain after each.
    @discardableResult
    mutating func run(_ chunk: [Int16], chunks: Int, farEnd: FarEndLevel = .silent) -> [Double] {
        var gains: [Double] = []
        for _ in 0..<chunks {
            var frame = chunk
            frame.withUnsafeMutableBufferPointer { process($0, farEnd: farEnd) }
            gains.append(gain)
        }
        return gains
    }

    /// Processes one frame and returns the output.
    mutating func output(_ input: [Int16], farEnd: FarEndLevel = .silent) -> [Int16] {
        var frame = input
        frame.withUnsafeMutableBufferPointer { process($0, farEnd: farEnd) }
        return frame
    }
}

extension ReceiveVolume {
    @discardableResult
    mutating func run(_ chunk: [Int16], chunks: Int) -> [Double] {
        var gains: [Double] = []
        for _ in 0..<chunks {
            var frame = chunk
            frame.withUnsafeMutableBufferPointer { process($0) }
            gains.append(gain)
        }
        return gains
    }

    mutating func output(_ input: [Int16]) -> [Int16] {
        var frame = input
        frame.withUnsafeMutableBufferPointer { process($0) }
        return frame
    }
}

/// A parameter set, starting from liblinphone's defaults.
func volumeParameters(_ change: (inout VolumeParameters) -> Void) -> VolumeParameters {
    var parameters = VolumeParameters()
    change(&parameters)
    return parameters
}
