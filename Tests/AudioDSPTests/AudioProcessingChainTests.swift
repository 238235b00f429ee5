import AudioDSP
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The chain's plumbing with stand-in cancellers: re-framing and latency, divergence handling,
/// `echocancellation=0`, and live updates without clicks.
@Suite struct AudioProcessingChainTests {
    /// A perfect canceller for a room without echo: it only applies speexdsp's DC notch (radius
    /// 0.9 at 8 kHz, 0.982 at 16 kHz), as the real one does; `gain` 8 plays a diverged filter.
    final class StandIn: LinearEchoCanceller {
        let frameSize: Int
        let radius: Double
        var gain: Double
        var resets = 0
        var produced: [Int16] = []
        private var memory = (0.0, 0.0)
        init(frameSize: Int, rate: Int = 8000, gain: Double = 1) {
            self.frameSize = frameSize
            self.gain = gain
            radius = rate < 12000 ? 0.9 : 0.982
        }
        func cancel(microphone: UnsafePointer<Int16>, reference: UnsafePointer<Int16>, output: UnsafeMutablePointer<Int16>) {
            let den2 = radius * radius + 0.7 * (1 - radius) * (1 - radius)
            for index in 0..<frameSize {
                let input = Double(microphone[index])
                let value = memory.0 + input
                memory = (memory.1 + 2 * (radius * value - input), input - den2 * value)
                output[index] = Int16(clamping: Int((gain * radius * value).rounded()))
                produced.append(output[index])
            }
        }
        func reset() { resets += 1 }
    }

    static func tone(_ count: Int, frequency: Double = 440, amplitude: Double = 8000, rate: Int = 8000, from start: Int = 0) -> [Int16] {
        (0..<count).map { Int16(amplitude * sin(2 * Double.pi * frequency * Double(start + $0) / Double(rate))) }
    }

    @Test(arguments: [8000, 16000])
    func aTickInGivesATickOutDelayedByTheLatency(rate: Int) {
        let standIn = StandIn(frameSize: rate == 8000 ? 64 : 128, rate: rate)
        let chain = AudioProcessingChain(sampleRate: rate, parameters: AudioProcessingParameters(suppression: .init(enabled: false))) { _ in standIn }
        let tick = rate / 50
        let input = Self.tone(tick * 50, rate: rate)
        let result = chain.runOffline(farEnd: [Int16](repeating: 0, count: input.count), microphone: input)
        #expect(result.latencySamples == 2 * standIn.frameSize)
        // Unsuppressed, the output is the canceller's output shifted by the latency (the
        // suppressor's window reconstructs exactly, up to rounding).
        var worst = 0
        for index in 0..<(input.count - result.latencySamples - tick) {
            worst = max(worst, abs(Int(result.output[index + result.latencySamples]) - Int(standIn.produced[index])))
        }
        #expect(worst <= 2)
    }

    @Test func aDivergedCancellerIsResetAndReported() {
        let standIn = StandIn(frameSize: 64, gain: 8)
        let chain = AudioProcessingChain(sampleRate: 8000, parameters: AudioProcessingParameters()) { _ in standIn }
        let far = Self.tone(8000, frequency: 300)
        let mic = Self.tone(8000, frequency: 300, amplitude: 2000)
        let result = chain.runOffline(farEnd: far, microphone: mic)
        #expect(standIn.resets >= 1)
        #expect(result.quality.resets == standIn.resets)
        #expect(chain.resetPending)
        #expect(result.output.allSatisfy { $0 != Int16.min })
    }

    @Test func echoCancellationOffLeavesOnlyTheGainStages() {
        var parameters = AudioProcessingParameters(echoCancellation: false)
        parameters.volume.micGainDB = 3  // linphone: 10^(3/10) ≈ 2 on amplitude
        var made = false
        let chain = AudioProcessingChain(sampleRate: 8000, parameters: parameters) { _ in made = true; return StandIn(frameSize: 64) }
        #expect(!made)
        #expect(!chain.isCancellingEcho)
        let input = Self.tone(8000, amplitude: 4000)
        let result = chain.runOffline(farEnd: input, microphone: input)
        #expect(result.latencySamples == 0)
        let peak = result.output[4000...].map { abs(Int($0)) }.max() ?? 0
        #expect(peak > 7600 && peak < 8400, "peak \(peak)")
        #expect(result.quality.erleDB == nil)
    }

    /// Tuning while the visitor talks: toggling the suppressor, the noise gate and the gains every
    /// 100 ms must never make the output jump (click) or vanish (dropout).
    @Test func liveUpdatesNeitherClickNorDropOut() {
        let standIn = StandIn(frameSize: 64)
        let chain = AudioProcessingChain(sampleRate: 8000, parameters: AudioProcessingParameters()) { _ in standIn }
        let tick = 160
        let frame = UnsafeMutableBufferPointer<Int16>.allocate(capacity: tick)
        let silence = UnsafeMutableBufferPointer<Int16>.allocate(capacity: tick)
        defer { frame.deallocate(); silence.deallocate() }
        silence.update(repeating: 0)
        var previous: Int16 = 0
        var worstStep = 0
        var quietestTick = Double.infinity
        for index in 0..<200 {
            if index > 0 && index % 5 == 0 {
                var parameters = AudioProcessingParameters()
                parameters.suppression.overdriveDB = index % 10 == 0 ? 20 : 0
                parameters.suppression.enabled = index % 20 != 0
                parameters.volume.noiseGate = index % 15 == 0
                parameters.volume.micGainDB = index % 10 == 0 ? 2 : -2
                parameters.volume.echoLimiter = true
                parameters.volume.echoLimiterThreshold = index % 10 == 0 ? 0.05 : 0.2
                chain.update(parameters)
            }
            let samples = Self.tone(tick, frequency: 200, amplitude: 6000, from: index * tick)
            for i in 0..<tick { frame[i] = samples[i] }
            chain.processPlayback(silence)
            chain.processCapture(frame)
            guard index > 10 else { previous = frame[tick - 1]; continue }
            var power = 0.0
            for sample in frame {
                worstStep = max(worstStep, abs(Int(sample) - Int(previous)))
                previous = sample
                power += Double(sample) * Double(sample)
            }
            quietestTick = min(quietestTick, (power / Double(tick)).squareRoot())
        }
        // A 200 Hz sine of amplitude 6000 at the highest gain (+2 "dB" = ×1.585) moves at most
        // 6000·1.585·2π·200/8000 ≈ 1494 per sample; a gain jump at a peak would step by thousands.
        #expect(worstStep < 1700, "largest step \(worstStep)")
        #expect(quietestTick > 2000, "quietest tick RMS \(quietestTick)")
    }
}
