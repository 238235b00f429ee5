/// Removes the echo the linear canceller leaves behind, per frequency band, while keeping the
/// visitor's voice during double talk.
///
/// The linear canceller's own echo estimate `y = mic − error` says, per band, how much echo there
/// is; a slowly learned leakage factor says how much of it survives the canceller (including the
/// part a linear filter cannot model, such as a saturated speaker). Bands whose error is no larger
/// than that predicted residual are attenuated down to the floor; bands where the error is much
/// larger hold near-end speech and pass.
public final class ResidualEchoSuppressor {
    public struct Parameters: Sendable, Hashable {
        public var enabled: Bool
        /// Deepest attenuation of a band, in dB (`[sound] es_max_attenuation`).
        public var maximumAttenuationDB: Double
        /// Safety factor on the predicted residual echo, in dB (`[sound] es_overdrive_db`): higher
        /// removes more echo and more of the visitor's voice during double talk.
        public var overdriveDB: Double
        /// Coherence of microphone and echo estimate above which a band counts as echo only
        /// (`[sound] es_dt_coherence`): lower learns the leakage more often (more suppression).
        public var doubleTalkCoherence: Double

        public init(enabled: Bool = true, maximumAttenuationDB: Double = 40, overdriveDB: Double = 12, doubleTalkCoherence: Double = 0.5) {
            self.enabled = enabled
            self.maximumAttenuationDB = maximumAttenuationDB
            self.overdriveDB = overdriveDB
            self.doubleTalkCoherence = doubleTalkCoherence
        }
    }

    public let frameSize: Int
    private let fft: FFT
    private var parameters: Parameters
    private var floorGain: Float = 0.01
    private var overdrive: Float = 4
    /// Per-frame weight of the spectra the coherence is computed from (about 50 ms of memory).
    private let coherenceSmoothing: Float = 0.15
    private var coherenceThreshold: Float = 0.5
    private let bins: Int
    private var window: [Float]
    private var errorHistory: [Float]
    private var echoHistory: [Float]
    /// The transform of error + i·echo estimate: two real signals in one complex FFT.
    private var real: [Float]
    private var imaginary: [Float]
    /// The error's spectrum, separated out, then weighted and transformed back.
    private var spectrumReal: [Float]
    private var spectrumImaginary: [Float]
    private var errorPower: [Float]
    private var echoPower: [Float]
    private var leakage: [Float]
    private var crossReal: [Float]
    private var crossImaginary: [Float]
    private var slowEchoPower: [Float]
    private var slowMicPower: [Float]
    private var overlap: [Float]
    /// The share of the last frame's residual (the canceller's output) in bands that hold echo only
    /// (coherent with the echo estimate): near 1 during far-end single talk, low when the visitor speaks.
    public private(set) var echoDominance: Float = 0

    /// speexdsp's DC notch on the microphone (mdf.c), replayed here so that `mic − error` is the
    /// canceller's echo estimate and not the low frequencies the notch removed.
    private let notchRadius: Double
    private var notchMemory: (Double, Double) = (0, 0)

    public init(frameSize: Int, sampleRate: Int, parameters: Parameters = Parameters()) {
        self.frameSize = frameSize
        notchRadius = sampleRate < 12000 ? 0.9 : sampleRate < 24000 ? 0.982 : 0.992
        let size = frameSize * 2
        fft = FFT(size: size)
        bins = frameSize + 1
        window = (0..<size).map { Float((0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size))).squareRoot()) }
        errorHistory = Array(repeating: 0, count: size)
        echoHistory = Array(repeating: 0, count: size)
        real = Array(repeating: 0, count: size)
        imaginary = Array(repeating: 0, count: size)
        spectrumReal = Array(repeating: 0, count: size)
        spectrumImaginary = Array(repeating: 0, count: size)
        errorPower = Array(repeating: 0, count: frameSize + 1)
        echoPower = Array(repeating: 0, count: frameSize + 1)
        leakage = Array(repeating: 0.1, count: frameSize + 1)
        crossReal = Array(repeating: 0, count: frameSize + 1)
        crossImaginary = Array(repeating: 0, count: frameSize + 1)
        slowEchoPower = Array(repeating: 0, count: frameSize + 1)
        slowMicPower = Array(repeating: 0, count: frameSize + 1)
        overlap = Array(repeating: 0, count: frameSize)
        self.parameters = parameters
        update(parameters)
    }

    public func update(_ parameters: Parameters) {
        self.parameters = parameters
        floorGain = Float(pow(10, -max(0, parameters.maximumAttenuationDB) / 20))
        overdrive = Float(pow(10, parameters.overdriveDB / 10))
        coherenceThreshold = Float(min(0.99, max(0, parameters.doubleTalkCoherence)))
    }

    /// Forgets what was learned (after the canceller was reset).
    public func reset() {
        for k in 0..<bins {
            errorPower[k] = 0; echoPower[k] = 0; leakage[k] = 0.1;
            crossReal[k] = 0; crossImaginary[k] = 0; slowEchoPower[k] = 0; slowMicPower[k] = 0
        }
        for i in 0..<overlap.count { overlap[i] = 0 }
        for i in 0..<errorHistory.count { errorHistory[i] = 0; echoHistory[i] = 0 }
        notchMemory = (0, 0)
    }

    /// Suppresses the residual echo in one frame. `error` is the canceller's output, `microphone`
    /// its input; `output` receives `frameSize` samples, delayed by one frame (overlap-add).
    public func process(error: UnsafePointer<Int16>, microphone: UnsafePointer<Int16>, output: UnsafeMutablePointer<Int16>) {
        let n = frameSize
        let size = 2 * n
        let radius = notchRadius
        let den2 = radius * radius + 0.7 * (1 - radius) * (1 - radius)
        for i in 0..<n {
            let input = Double(microphone[i])
            let value = notchMemory.0 + input
            notchMemory = (notchMemory.1 + 2 * (radius * value - input), input - den2 * value)
            errorHistory[i] = errorHistory[i + n]
            echoHistory[i] = echoHistory[i + n]
            errorHistory[i + n] = Float(error[i])
            echoHistory[i + n] = Float(radius * value) - Float(error[i])
        }
        for i in 0..<size {
            real[i] = errorHistory[i] * window[i]
            imaginary[i] = echoHistory[i] * window[i]
        }
        real.withUnsafeMutableBufferPointer { re in
            imaginary.withUnsafeMutableBufferPointer { im in fft.transform(real: re.baseAddress!, imaginary: im.baseAddress!) }
        }
        var gainSum: Float = 0
        var coherentPower: Float = 0
        var totalPower: Float = 0
        for k in 0..<bins {
            // Separate the two real signals: E[k] = (Z[k] + conj Z[N−k])/2, Y[k] = (Z[k] − conj Z[N−k])/2i.
            let mirror = (size - k) % size
            let errorRe = 0.5 * (real[k] + real[mirror]), errorIm = 0.5 * (imaginary[k] - imaginary[mirror])
            let echoRe = 0.5 * (imaginary[k] + imaginary[mirror]), echoIm = 0.5 * (real[mirror] - real[k])
            let ee = errorRe * errorRe + errorIm * errorIm
            let yy = echoRe * echoRe + echoIm * echoIm
            errorPower[k] = 0.6 * errorPower[k] + 0.4 * ee
            echoPower[k] = 0.6 * echoPower[k] + 0.4 * yy
            // Coherence of microphone and echo estimate: near 1 where the band holds echo only
            // (even after the echo path changed), low where near-end speech is mixed in.
            let dr = errorRe + echoRe, di = errorIm + echoIm
            slowMicPower[k] = (1 - coherenceSmoothing) * slowMicPower[k] + coherenceSmoothing * (dr * dr + di * di)
            slowEchoPower[k] = (1 - coherenceSmoothing) * slowEchoPower[k] + coherenceSmoothing * yy
            crossReal[k] = (1 - coherenceSmoothing) * crossReal[k] + coherenceSmoothing * (dr * echoRe + di * echoIm)
            crossImaginary[k] = (1 - coherenceSmoothing) * crossImaginary[k] + coherenceSmoothing * (di * echoRe - dr * echoIm)
            let coherence = (crossReal[k] * crossReal[k] + crossImaginary[k] * crossImaginary[k]) / (slowMicPower[k] * slowEchoPower[k] + 1)
            let ratio = errorPower[k] / (echoPower[k] + 1)
            // Weighted by what the linear canceller left: the visitor's voice passes it untouched
            // and so dominates the error while both talk, even when the echo is louder at the mic.
            totalPower += errorPower[k]
            if coherence > coherenceThreshold { coherentPower += errorPower[k] }
            if echoPower[k] > 1e3 * Float(size) && coherence > coherenceThreshold {
                leakage[k] += (ratio < leakage[k] ? 0.3 : 0.05) * (ratio - leakage[k])
            }
            let residual = overdrive * leakage[k] * echoPower[k]
            var gain = parameters.enabled ? (errorPower[k] - residual) / (errorPower[k] + 1) : 1
            gain = min(1, max(floorGain, gain))
            gainSum += gain
            spectrumReal[k] = gain * errorRe
            spectrumImaginary[k] = gain * errorIm
        }
        echoDominance = totalPower > 0 ? coherentPower / totalPower : 0
        if !(gainSum.isFinite && totalPower.isFinite) {
            // Cannot happen with 16-bit input, but a poisoned state must never reach the speaker.
            reset()
            for i in 0..<n { output[i] = 0 }
            return
        }
        for k in 1..<n {
            spectrumReal[size - k] = spectrumReal[k]
            spectrumImaginary[size - k] = -spectrumImaginary[k]
        }
        spectrumReal.withUnsafeMutableBufferPointer { re in
            spectrumImaginary.withUnsafeMutableBufferPointer { im in fft.transform(real: re.baseAddress!, imaginary: im.baseAddress!, inverse: true) }
        }
        let scale = 1 / Float(size)
        for i in 0..<n {
            let sample = overlap[i] + spectrumReal[i] * scale * window[i]
            output[i] = Int16(max(-32767, min(32767, sample.rounded())))
            overlap[i] = spectrumReal[i + n] * scale * window[i + n]
        }
    }
}

#if canImport(Glibc)
import func Glibc.cos
import func Glibc.pow
#elseif canImport(Musl)
import func Musl.cos
import func Musl.pow
#endif
