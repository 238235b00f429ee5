/// Fills the gaps of lost or late audio by repeating the last pitch period(s), after the idea of
/// ITU-T G.711 Appendix I:
/// - the pitch period is searched between 5 ms and 15 ms (200 Hz down to 66 Hz) by normalized
///   autocorrelation over the last 15 ms;
/// - the last whole number of periods covering at least 10 ms is repeated;
/// - full level for the first 10 ms, then a linear fade reaching silence at 60 ms (Appendix I
///   attenuates by 20 % per 10 ms);
/// - when audio resumes, its first 4 ms are cross-faded from the continued repetition, so there is
///   no click, whether the repetition had faded out or not.
///
/// Works sample by sample on a history allocated once; single-threaded like its buffer.
final class PacketLossConcealer {
    private let history: UnsafeMutableBufferPointer<Int16>
    private let historyMask: Int
    private var historyEnd = 0
    private var historyFill = 0

    private let minimumPitch: Int
    private let maximumPitch: Int
    private let correlationLength: Int
    private let fullLevelSamples: Int
    private let fadeSamples: Int
    private let mergeSamples: Int
    private let decimation: Int

    /// True between the first concealed sample of a gap and the next received sample.
    private var inGap = false
    /// Samples generated since the repetition began; nil when no repetition runs (it runs on
    /// through the cross-fade after a gap).
    private var generated: Int?
    /// Length of the repeated stretch and where it starts in the history.
    private var repeatLength = 1
    private var repeatStart = 0
    /// Received samples still to be cross-faded with the repetition.
    private var mergeLeft = 0

    init(sampleRate: Int) {
        minimumPitch = max(2, sampleRate / 200)
        maximumPitch = max(minimumPitch + 1, sampleRate * 15 / 1000)
        correlationLength = maximumPitch
        fullLevelSamples = sampleRate / 100
        fadeSamples = max(1, sampleRate / 20)
        mergeSamples = max(1, sampleRate / 250)
        decimation = max(1, sampleRate / 8000)
        var size = 1
        while size < correlationLength + 2 * maximumPitch + fullLevelSamples { size <<= 1 }
        history = .allocate(capacity: size)
        history.initialize(repeating: 0)
        historyMask = size - 1
    }

    deinit { history.deallocate() }

    /// True when nothing audible would be generated: no audio yet, or the repetition has faded out.
    var isSilent: Bool {
        inGap ? (generated ?? 0) >= fullLevelSamples + fadeSamples : historyFill == 0
    }

    /// Forgets all audio.
    func reset() {
        historyEnd = 0
        historyFill = 0
        inGap = false
        generated = nil
        mergeLeft = 0
    }

    /// Passes a received sample through, cross-fading it in after a gap, and remembers it.
    func play(_ sample: Int16) -> Int16 {
        if inGap {
            inGap = false
            mergeLeft = mergeSamples
        }
        var output = sample
        if mergeLeft > 0 {
            let weight = Int32(mergeSamples - mergeLeft + 1)
            let total = Int32(mergeSamples + 1)
            output = Int16((Int32(sample) * weight + Int32(generate()) * (total - weight)) / total)
            mergeLeft -= 1
            if mergeLeft == 0 { generated = nil }
        }
        history[historyEnd] = output
        historyEnd = (historyEnd + 1) & historyMask
        historyFill = min(historyFill + 1, historyMask + 1)
        return output
    }

    /// A sample for a gap. Before any audio it is silence.
    func conceal() -> Int16 {
        guard historyFill > 0 else { return 0 }
        breakContinuity()
        return generate()
    }

    /// Starts a gap without generating: the next received sample fades in (the timeline jumped).
    func breakContinuity() {
        guard historyFill > 0, !inGap else { return }
        inGap = true
        mergeLeft = 0
        // A gap during the cross-fade of the previous one continues its repetition and its fade.
        if generated == nil { beginRepetition() }
    }

    /// The next sample of the repetition, faded by how long it has run.
    private func generate() -> Int16 {
        guard let count = generated else { return 0 }
        generated = count + 1
        let level = count < fullLevelSamples ? 1 : 1 - Double(count - fullLevelSamples) / Double(fadeSamples)
        guard level > 0 else { return 0 }
        let index = (repeatStart + count % repeatLength) & historyMask
        return Int16(Double(history[index]) * level)
    }

    private func beginRepetition() {
        generated = 0
        let period = historyFill >= correlationLength + maximumPitch ? pitchPeriod() : min(historyFill, maximumPitch)
        repeatLength = max(1, min(historyFill, period * ((fullLevelSamples + period - 1) / period)))
        repeatStart = (historyEnd - repeatLength) & historyMask
    }

    /// The lag in [minimumPitch, maximumPitch] that best matches the last `correlationLength` samples.
    /// Above 8 kHz, lags and samples are taken at 8 kHz steps: the same cost, pitch within a step.
    private func pitchPeriod() -> Int {
        var best = maximumPitch
        var bestScore = -Double.infinity
        let end = historyEnd
        for lag in stride(from: minimumPitch, through: maximumPitch, by: decimation) {
            var correlation = 0.0
            var energy = 0.0
            for offset in stride(from: 1, through: correlationLength, by: decimation) {
                let recent = Double(history[(end - offset) & historyMask])
                let earlier = Double(history[(end - offset - lag) & historyMask])
                correlation += recent * earlier
                energy += earlier * earlier
            }
            let score = energy > 0 ? correlation / energy.squareRoot() : 0
            if score > bestScore {
                bestScore = score
                best = lag
            }
        }
        return best
    }
}
