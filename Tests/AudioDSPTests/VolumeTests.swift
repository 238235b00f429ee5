import AudioDSP
import Testing

/// MSVolume's measurement, static gains, Q12 arithmetic, DC removal and AGC (linphonerc.md §5.1, §5.3, §5.5, §5.7).
@Suite struct VolumeTests {
    // MARK: §5.1 measurement

    @Test func meterUsesLinphoneUnits() {
        var meter = LevelMeter()
        let silence = [Int16](repeating: 0, count: 80)
        silence.withUnsafeBufferPointer { meter.measure($0) }
        #expect(meter.instantaneous == 1 / 22937.6)
        #expect(meter.energy == 0.2 / 22937.6)
        #expect(meter.peak == 0)

        // A full-scale square wave: RMS 32767, so (32767 + 1) / 22937.6 = 1/0.7 exactly.
        let square = (0..<80).map { $0 % 2 == 0 ? Int16(32767) : -32767 }
        for _ in 0..<3 { square.withUnsafeBufferPointer { meter.measure($0) } }
        #expect(close(meter.instantaneous, 1 / 0.7))
        // energy_k = 0.2·inst + 0.8·energy_{k-1}, from 0.2/REF after the silent chunk.
        let expected = (1 / 0.7) * (1 - 0.8 * 0.8 * 0.8) + 0.8 * 0.8 * 0.8 * 0.2 / 22937.6
        #expect(close(meter.energy, expected))
        #expect(close(meter.peak, 32767 / 22937.6))
    }

    @Test func fullScaleSineIsAboutOne() {
        var meter = LevelMeter()
        steadyChunk(amplitude: 1, rate: 8000).withUnsafeBufferPointer { meter.measure($0) }
        #expect(abs(meter.instantaneous - 1.0102) < 0.0001)
    }

    // MARK: §5.3 Q12 and saturation

    /// `y = sat(x · q / 4096)`, C division (toward zero), saturation at ±32767.
    @Test(arguments: [
        // +6 "dB": q = trunc(3.98107 × 4096) = 16306.
        (6.0, [-32768, -1, 1, 100, -100, 32767, 8000, -8000, 0] as [Int16],
         [-32767, -3, 3, 398, -398, 32767, 31847, -31847, 0] as [Int16]),
        // −6 "dB": q = trunc(0.251189 × 4096) = 1028.
        (-6.0, [-32768, -1, 1, 100, -100, 32767, -5, 5, 0] as [Int16],
         [-8224, 0, 0, 25, -25, 8223, -1, 1, 0] as [Int16]),
    ])
    func q12TruncatesTowardZeroAndSaturates(micGainDB: Double, input: [Int16], expected: [Int16]) {
        var volume = SendVolume(parameters: volumeParameters { $0.micGainDB = micGainDB }, sampleRate: 8000)
        let chunk = input + [Int16](repeating: 0, count: 80 - input.count)
        let output = volume.output(chunk)
        #expect(Array(output.prefix(input.count)) == expected)
    }

    @Test func unityGainLeavesSamplesUntouched() {
        var volume = SendVolume(parameters: VolumeParameters(), sampleRate: 8000)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var chunk = (0..<160).map { _ in Int16.random(in: .min ... .max, using: &generator) }
            chunk[0] = -32768
            #expect(volume.output(chunk) == chunk)
            #expect(volume.gain == 1)
        }
    }

    /// linphone's dB: 10^(dB/10) on amplitude.
    @Test(arguments: [(6.0, 3.981), (3.0, 1.995), (-6.0, 0.2512), (10.0, 10.0)])
    func micGainIsTenToTheDBOverTen(micGainDB: Double, factor: Double) {
        var volume = SendVolume(parameters: volumeParameters { $0.micGainDB = micGainDB }, sampleRate: 8000)
        let input = steadyChunk(amplitude: 0.05, rate: 8000)
        let output = volume.output(input)
        #expect(abs(rms(output) / rms(input) - factor) / factor < 0.005, "\(rms(output) / rms(input))")
        #expect(close(volume.gain, VolumeParameters.amplitudeFactor(decibels: micGainDB)))
    }

    // MARK: §5.7 DC removal

    /// `dc ← (7·dc + mean)/8` in integers: a DC of 1000 settles at 993, leaving 7.
    @Test(arguments: [(Int16(1000), [Int16(1000), 875, 766], Int16(7)), (-1000, [-1000, -875, -766], -7), (3, [3, 3, 3], 3)])
    func dcRemovalConverges(offset: Int16, firstChunks: [Int16], residue: Int16) {
        var volume = SendVolume(parameters: volumeParameters { $0.dcRemoval = true }, sampleRate: 8000)
        let input = [Int16](repeating: offset, count: 80)
        var outputs: [[Int16]] = []
        for _ in 0..<100 { outputs.append(volume.output(input)) }
        #expect(outputs.prefix(3).map { $0[0] } == firstChunks)
        #expect(outputs.allSatisfy { chunk in chunk.allSatisfy { $0 == chunk[0] } })
        #expect(outputs.last! == [Int16](repeating: residue, count: 80))
    }

    @Test func dcRemovalKeepsTheSignal() {
        var volume = SendVolume(parameters: volumeParameters { $0.dcRemoval = true }, sampleRate: 8000)
        let input = steadyChunk(amplitude: 0.2, rate: 8000).map { $0 + 2000 }
        var output: [Int16] = []
        for _ in 0..<100 { output = volume.output(input) }
        let mean = output.reduce(0) { $0 + Int($1) } / output.count
        #expect(abs(mean) <= 7)
        #expect(abs(rms(output) - rms(input.map { $0 - 2000 })) < 10)
    }

    /// Switched off live, the offset fades out by 7/8 per chunk instead of coming back as a step.
    @Test func dcRemovalSwitchedOffFadesOut() {
        var volume = SendVolume(parameters: volumeParameters { $0.dcRemoval = true }, sampleRate: 8000)
        let input = [Int16](repeating: 1000, count: 80)
        for _ in 0..<100 { _ = volume.output(input) }
        volume.update(VolumeParameters())
        let levels = (0..<80).map { _ in Int(volume.output(input)[0]) }
        #expect(Array(levels.prefix(4)) == [7, 132, 241, 336])  // offset 993 → 868 → 759 → 664
        #expect(zip(levels, levels.dropFirst()).allSatisfy { $1 >= $0 && $1 - $0 <= 125 })
        #expect(levels.last! == 1000)
    }

    // MARK: §5.5 AGC

    /// Steady state: gain = 1/(0.5 + peak/REF): silence ×2, peak REF/2 ×1, full scale ×0.52.
    @Test(arguments: [(0.0, 2.0), (11469.0 / 32767, 1.0), (1.0, 0.5185)])
    func agcSteadyState(amplitude: Double, nominal: Double) {
        var volume = SendVolume(parameters: volumeParameters { $0.agc = true }, sampleRate: 8000)
        let input = steadyChunk(amplitude: amplitude, rate: 8000)
        volume.run(input, chunks: 300)
        let peak = Double(input.map { abs(Int($0)) }.max()!)
        let desired = 1 / (0.5 + peak / LevelMeter.reference)
        #expect(volume.gain == desired)
        #expect(abs(desired - nominal) < 0.001)
        let output = volume.output(input)
        #expect(output.map { abs(Int($0)) }.max()! == Int(peak) * Int(desired * 4096) / 4096)
    }

    /// The AGC raises at `UP`: el_speed 0.03 on volsend (24 chunks from ×1 to ×2), 0.4 on volrecv (3 chunks).
    @Test func agcRisesAtEachPathsUpRamp() {
        let silence = steadyChunk(amplitude: 0, rate: 8000)
        var send = SendVolume(parameters: volumeParameters { $0.agc = true }, sampleRate: 8000)
        let sendGains = send.run(silence, chunks: 30)
        #expect(sendGains.firstIndex(of: 2) == 23)
        #expect(close(sendGains[0], 1.03))
        var receive = ReceiveVolume(parameters: volumeParameters { $0.speakerAGC = true }, sampleRate: 8000)
        let receiveGains = receive.run(silence, chunks: 5)
        #expect(close(receiveGains[0], 1.4) && close(receiveGains[1], 1.96) && receiveGains[2] == 2)
    }

    /// Up-ramps restart from 0.005 when the gain is below it (−30 "dB" mic with the AGC: one
    /// chunk to the target), but not from volrecv's speaker floor, which linphone uses (1 at
    /// mic_gain_db 0): the speaker AGC at −3 "dB" playback rises ×1.4 per chunk instead of jumping.
    @Test func upRampsRestartFromTheMinimumFloorOnly() {
        let silence = steadyChunk(amplitude: 0, rate: 8000)
        var send = SendVolume(parameters: volumeParameters { $0.agc = true; $0.micGainDB = -30 }, sampleRate: 8000)
        #expect(close(send.run(silence, chunks: 1)[0], 0.002))
        var receive = ReceiveVolume(parameters: volumeParameters { $0.speakerAGC = true; $0.playbackGainDB = -3 }, sampleRate: 8000)
        let start = VolumeParameters.amplitudeFactor(decibels: -3)
        let gains = receive.run(silence, chunks: 3)
        #expect(close(gains[0], start * 1.4) && close(gains[1], start * 1.4 * 1.4) && close(gains[2], 2 * start))
    }

    // MARK: receive path

    /// volrecv measures before its playback gain (§2), so the far-end level does not depend on it.
    @Test(arguments: [0.0, 10.0, -10.0])
    func farEndLevelIsMeasuredBeforePlaybackGain(playbackGainDB: Double) {
        var receive = ReceiveVolume(parameters: volumeParameters { $0.playbackGainDB = playbackGainDB }, sampleRate: 8000)
        let input = steadyChunk(amplitude: 0.05, rate: 8000)
        receive.run(input, chunks: 200)
        let inst = (rms(input) + 1) / LevelMeter.reference
        #expect(close(receive.farEndLevel.energy, inst, relative: 1e-9))
        let output = receive.output(input)
        let factor = VolumeParameters.amplitudeFactor(decibels: playbackGainDB)
        #expect(abs(rms(output) / rms(input) - factor) / factor < 0.005)
    }

    // MARK: validation

    @Test func parametersAreClampedDefensively() {
        let wild = volumeParameters {
            $0.echoLimiterThreshold = .nan
            $0.echoLimiterSpeed = 2
            $0.echoLimiterForce = -1
            $0.echoLimiterSustainMilliseconds = -5
            $0.echoLimiterTransmitThreshold = .infinity
            $0.noiseGateThreshold = 1.5
            $0.noiseGateFloorGain = -0.2
            $0.micGainDB = .infinity
            $0.playbackGainDB = -100
        }
        let valid = SendVolume(parameters: wild, sampleRate: 8000).parameters
        #expect(valid.echoLimiterThreshold == 0.1)
        #expect(valid.echoLimiterSpeed == 0.5)
        #expect(valid.echoLimiterForce == 0)
        #expect(valid.echoLimiterSustainMilliseconds == 0)
        #expect(valid.echoLimiterTransmitThreshold == 4)
        #expect(valid.noiseGateThreshold == 1)
        #expect(valid.noiseGateFloorGain == 0 && valid.effectiveNoiseGateFloorGain == 0.005)
        #expect(valid.micGainDB == 0)
        #expect(valid.playbackGainDB == -40)
    }

    @Test func defaultsAreLiblinphones() {
        let p = VolumeParameters()
        #expect(!p.echoLimiter && p.echoLimiterType == .mic && p.echoLimiterThreshold == 0.1)
        #expect(p.echoLimiterForce == 25 && p.echoLimiterSustainMilliseconds == 200)
        #expect(p.echoLimiterTransmitThreshold == 4 && p.echoLimiterSpeed == 0.03)
        #expect(!p.noiseGate && p.noiseGateThreshold == 0.05 && p.noiseGateFloorGain == 0)
        #expect(!p.agc && !p.speakerAGC && !p.dcRemoval && p.micGainDB == 0 && p.playbackGainDB == 0)
    }
}
