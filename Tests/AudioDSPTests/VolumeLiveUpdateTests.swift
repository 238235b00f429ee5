import AudioDSP
import Testing

/// Live tuning never clicks (the gain only moves by ramp steps), and frames of any size give the
/// per-chunk behaviour documented on `VolumeStage`.
@Suite struct VolumeLiveUpdateTests {
    /// How far the gain may move between consecutive chunks.
    enum StepBound: Sendable {
        /// `next / previous` within the range: the ramps of §5.3.
        case ratio(ClosedRange<Double>)
        /// The gate's one-pole: `|next − previous| ≤ 0.25 · |final − previous|` (plus the snap to 1 within 1/8192).
        case onePole
    }

    enum LiveChange: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case echoLimiterThresholdRaised, echoLimiterThresholdLowered, echoLimiterEnabled
        case noiseGateEnabled, noiseGateDisabled, noiseGateFloorRaised
        case micGainRaised10dB, micGainLowered10dB, micGainRaisedWhileAttenuated, agcEnabled

        var testDescription: String { rawValue }

        var before: VolumeParameters {
            volumeParameters {
                switch self {
                case .echoLimiterThresholdRaised, .micGainRaisedWhileAttenuated: $0.echoLimiter = true
                case .echoLimiterThresholdLowered: $0.echoLimiter = true; $0.echoLimiterThreshold = 0.2
                case .noiseGateDisabled, .noiseGateFloorRaised: $0.noiseGate = true
                default: break
                }
            }
        }

        var after: VolumeParameters {
            var p = before
            switch self {
            case .echoLimiterThresholdRaised: p.echoLimiterThreshold = 0.2
            case .echoLimiterThresholdLowered: p.echoLimiterThreshold = 0.1
            case .echoLimiterEnabled: p.echoLimiter = true
            case .noiseGateEnabled: p.noiseGate = true
            case .noiseGateDisabled: p.noiseGate = false
            case .noiseGateFloorRaised: p.noiseGateFloorGain = 0.1
            case .micGainRaised10dB, .micGainRaisedWhileAttenuated: p.micGainDB = 10
            case .micGainLowered10dB: p.micGainDB = -10
            case .agcEnabled: p.agc = true
            }
            return p
        }

        /// The far end: talking at 0.15 for the threshold cases, 0.5 for the others that use the limiter.
        var farEnd: FarEndLevel {
            switch self {
            case .echoLimiterThresholdRaised, .echoLimiterThresholdLowered: FarEndLevel(energy: 0.15)
            case .echoLimiterEnabled, .micGainRaisedWhileAttenuated: FarEndLevel(energy: 0.5)
            default: .silent
            }
        }

        /// Gain before the change and where it must end.
        var gains: (before: Double, after: Double) {
            switch self {
            case .echoLimiterThresholdRaised: (1 / 4.75, 1)
            case .echoLimiterThresholdLowered: (1, 1 / 4.75)
            case .echoLimiterEnabled: (1, 1 / 13.5)
            case .noiseGateEnabled: (1, 0.005)
            case .noiseGateDisabled: (0.005, 1)
            case .noiseGateFloorRaised: (0.005, 0.1)
            case .micGainRaised10dB: (1, 10)
            case .micGainLowered10dB: (1, 0.1)
            case .micGainRaisedWhileAttenuated: (1 / 13.5, 10 / 13.5)
            case .agcEnabled: (1, 1 / (0.5 + 328 / LevelMeter.reference))
            }
        }

        var bound: StepBound {
            switch self {
            case .echoLimiterThresholdRaised: .ratio(1...2.2)  // held, then FAST_UP
            case .echoLimiterThresholdLowered, .echoLimiterEnabled, .micGainLowered10dB: .ratio(0.6...1)  // DOWN
            case .noiseGateEnabled: .ratio(0.75...1)  // the gate closing
            case .noiseGateDisabled, .noiseGateFloorRaised: .onePole
            case .micGainRaised10dB, .micGainRaisedWhileAttenuated, .agcEnabled: .ratio(1...1.03)  // UP = el_speed
            }
        }
    }

    /// A quiet 400 Hz tone (peak 328, below ng_thres), rotated to start at its peak so that the
    /// chunk boundaries, where the gain changes, fall on the largest samples.
    static let tone: [Int16] = {
        let chunk = steadyChunk(amplitude: 0.01, rate: 8000)
        return Array(chunk[5...] + chunk[..<5])
    }()

    @Test(arguments: LiveChange.allCases)
    func liveUpdateOnlyRamps(change: LiveChange) {
        var volume = SendVolume(parameters: change.before, sampleRate: 8000)
        var output: [Int16] = []
        for _ in 0..<400 { output += volume.output(Self.tone, farEnd: change.farEnd) }
        #expect(close(volume.gain, change.gains.before, relative: 1e-9))
        volume.update(change.after)
        var trajectory = [volume.gain]
        for _ in 0..<400 {
            output += volume.output(Self.tone, farEnd: change.farEnd)
            trajectory.append(volume.gain)
        }
        let final = change.gains.after
        #expect(close(trajectory.last!, final, relative: 1e-9))
        if final == 1 { #expect(volume.output(Self.tone, farEnd: change.farEnd) == Self.tone) }

        // The trajectory goes straight from the old gain to the new one, by allowed steps only.
        var allowed: [Double] = []
        for (previous, next) in zip(trajectory, trajectory.dropFirst()) {
            #expect((next - previous) * (final - previous) >= 0, "moves away from the target: \(previous) → \(next)")
            let limit: Double
            switch change.bound {
            case .ratio(let range):
                #expect(next / previous >= range.lowerBound * (1 - 1e-12) && next / previous <= range.upperBound * (1 + 1e-12),
                        "step ×\(next / previous)")
                limit = max(range.upperBound - 1, 1 - range.lowerBound) * previous
            case .onePole:
                limit = 0.25 * abs(final - previous) + 1.0 / 8192
                #expect(abs(next - previous) <= limit * (1 + 1e-12), "step \(previous) → \(next)")
            }
            allowed.append(limit)
        }

        // No click: around each boundary after the change, a sample-to-sample jump is at most the
        // tone's own steepest step at that gain plus the allowed gain step on its peak.
        let chunk = Self.tone.count, peak = 328.0
        let steepest = Double(zip(Self.tone, Self.tone.dropFirst() + Self.tone.prefix(1)).map { abs(Int($0) - Int($1)) }.max()!)
        for k in 1..<trajectory.count {
            let start = (400 + k - 1) * chunk
            let bound = max(trajectory[k - 1], trajectory[k]) * steepest + peak * allowed[k - 1] + 2
            for n in start..<start + chunk {
                #expect(Double(abs(Int(output[n]) - Int(output[n - 1]))) <= bound)
            }
        }
    }

    // MARK: frames and chunks

    /// A continuous 330 Hz tone (not a whole number of periods per chunk) with some DC.
    static func signal(rate: Int, count: Int) -> [Int16] {
        var generator = ToneGenerator(frequency: 330, sampleRate: rate, amplitude: 0.3)
        var samples = [Int16](repeating: 0, count: count)
        samples.withUnsafeMutableBufferPointer { generator.fill($0) }
        return samples.map { $0 + 300 }
    }

    static let everything = volumeParameters {
        $0.echoLimiter = true; $0.noiseGate = true; $0.agc = true; $0.dcRemoval = true; $0.micGainDB = 2
    }

    /// Processes `input` in frames of `frame` samples, the far end talking in the second quarter.
    static func process(_ input: [Int16], frame: Int, rate: Int) -> (output: [Int16], volume: SendVolume) {
        var volume = SendVolume(parameters: everything, sampleRate: rate)
        var output = input
        output.withUnsafeMutableBufferPointer { all in
            for start in stride(from: 0, to: all.count, by: frame) {
                let farEnd = (input.count / 4..<input.count / 2).contains(start) ? FarEndLevel(energy: 0.4) : .silent
                volume.process(UnsafeMutableBufferPointer(rebasing: all[start..<min(all.count, start + frame)]), farEnd: farEnd)
            }
        }
        return (output, volume)
    }

    /// 20 ms and 30 ms frames give exactly what 10 ms frames give: each is whole chunks.
    @Test(arguments: [(8000, 2), (8000, 3), (16000, 2), (16000, 3)])
    func framesOfWholeChunksMatchSingleChunks(rate: Int, chunksPerFrame: Int) {
        let input = Self.signal(rate: rate, count: rate * 6)
        let single = Self.process(input, frame: rate / 100, rate: rate)
        let multiple = Self.process(input, frame: rate / 100 * chunksPerFrame, rate: rate)
        #expect(single.output == multiple.output)
        #expect(single.volume.gain == multiple.volume.gain && single.volume.energy == multiple.volume.energy)
        #expect(single.output != input)
    }

    /// Frames of 37 samples: a piece that completes a chunk gets that chunk's new gain, a piece
    /// that does not gets the gain in force; the chunk is measured whole either way.
    @Test func framesThatSplitChunks() {
        let plain = volumeParameters { $0.noiseGate = true; $0.agc = true }  // soft start: the gain changes every chunk
        let input = Self.signal(rate: 8000, count: 2960 * 10).map { $0 - 300 }
        var reference = SendVolume(parameters: plain, sampleRate: 8000)
        var q = [Int(reference.gain * 4096)]  // q[k + 1]: the Q12 gain of chunk k
        var energies: [Double] = []
        for start in stride(from: 0, to: input.count, by: 80) {
            _ = reference.output(Array(input[start..<start + 80]))
            q.append(Int(reference.gain * 4096))
            energies.append(reference.energy)
        }
        var split = SendVolume(parameters: plain, sampleRate: 8000)
        var output: [Int16] = []
        for start in stride(from: 0, to: input.count, by: 37) {
            output += split.output(Array(input[start..<min(input.count, start + 37)]))
            if (start + 37) % 2960 == 0 {
                #expect(split.energy == energies[(start + 37) / 80 - 1])
                #expect(Int(split.gain * 4096) == q[(start + 37) / 80])
            }
        }
        for (i, x) in input.enumerated() {
            let chunk = i / 80, frameEnd = (i / 37 + 1) * 37
            let gain = frameEnd >= (chunk + 1) * 80 ? q[chunk + 1] : q[chunk]
            #expect(Int(output[i]) == Int(x) * gain / 4096, "sample \(i)")
        }
    }
}
