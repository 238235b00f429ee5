/// A sine tone with continuous phase across buffers, for the simulated microphone and test signals.
public struct ToneGenerator: Sendable {
    public let frequency: Double
    public let sampleRate: Int
    /// Peak amplitude as a fraction of full scale.
    public let amplitude: Double
    private var phase: Double = 0
    private let step: Double

    public init(frequency: Double, sampleRate: Int, amplitude: Double = 0.5) {
        precondition(frequency > 0 && frequency < Double(sampleRate) / 2, "tone must be below the Nyquist frequency")
        precondition(amplitude >= 0 && amplitude <= 1, "amplitude is a fraction of full scale")
        self.frequency = frequency
        self.sampleRate = sampleRate
        self.amplitude = amplitude
        self.step = 2 * Double.pi * frequency / Double(sampleRate)
    }

    /// Fills `buffer` with the next samples of the tone. Allocates nothing.
    public mutating func fill(_ buffer: UnsafeMutableBufferPointer<Int16>) {
        let scale = amplitude * 32767
        for index in buffer.indices {
            buffer[index] = Int16((sin(phase) * scale).rounded())
            phase += step
            if phase >= 2 * Double.pi { phase -= 2 * Double.pi }
        }
    }
}

#if canImport(Glibc)
import func Glibc.sin
#elseif canImport(Musl)
import func Musl.sin
#endif
