import AudioDSP
import Testing

/// The echo limiter on the microphone path and the timings of its ramps (linphonerc.md §5.3, §5.4),
/// at 8 kHz and, in real time, at 16 kHz.
@Suite struct EchoLimiterTests {
    static func limiter(rate: Int = 8000, _ change: (inout VolumeParameters) -> Void = { _ in }) -> SendVolume {
        SendVolume(parameters: volumeParameters { $0.echoLimiter = true; change(&$0) }, sampleRate: rate)
    }

    /// A near end well below the far end, so that double talk never overrides.
    static func quietMic(rate: Int) -> [Int16] { steadyChunk(amplitude: 0.05, rate: rate) }

    /// §5.4's table: gain = 1/(1 + pe·force), on the output samples in steady state.
    @Test(arguments: [
        (0.1, 25.0, -10.9), (0.2, 25.0, -15.6), (0.5, 25.0, -22.6), (1.0, 25.0, -28.3),
        (0.1, 4.0, -2.9), (0.2, 4.0, -5.1), (0.5, 4.0, -9.5), (1.0, 4.0, -14.0),
    ])
    func attenuationTable(farEnergy: Double, force: Double, tableDB: Double) {
        // el_thres 0.05: the far end must be strictly above the threshold, and the table starts at 0.1.
        var volume = Self.limiter { $0.echoLimiterForce = force; $0.echoLimiterThreshold = 0.05 }
        let input = steadyChunk(amplitude: 0.25, rate: 8000)
        let far = FarEndLevel(energy: farEnergy)
        volume.run(input, chunks: 100, farEnd: far)
        let output = volume.output(input, farEnd: far)
        let measured = decibels(rms(output) / rms(input))
        #expect(abs(measured - tableDB) < 0.06, "\(measured) dB")
        #expect(close(volume.gain, 1 / (1 + farEnergy * force)))
        #expect(volume.echoLimiterActive)
    }

    /// The far-end level handed over from a ReceiveVolume playing a half-scale sine (energy 0.505),
    /// whatever the playback gain: −22.7 dB.
    @Test(arguments: [0.0, 10.0])
    func farEndLevelFromTheReceivePath(playbackGainDB: Double) {
        var receive = ReceiveVolume(parameters: volumeParameters { $0.playbackGainDB = playbackGainDB }, sampleRate: 8000)
        var send = Self.limiter()
        let far = steadyChunk(amplitude: 0.5, rate: 8000), mic = Self.quietMic(rate: 8000)
        for _ in 0..<100 {
            receive.run(far, chunks: 1)
            send.run(mic, chunks: 1, farEnd: receive.farEndLevel)
        }
        #expect(abs(receive.energy - 0.5051) < 0.0001)
        #expect(close(send.gain, 1 / (1 + receive.energy * 25)))
        #expect(abs(decibels(send.gain) - -22.7) < 0.05)
    }

    /// DOWN: ×0.6 = −4.44 dB per 10 ms chunk, −13.3 dB after 3, down to the target.
    @Test(arguments: [8000, 16000])
    func attackIsMinus4dB44PerChunk(rate: Int) {
        var volume = Self.limiter(rate: rate)
        let mic = Self.quietMic(rate: rate)
        #expect(volume.run(mic, chunks: 10) == [Double](repeating: 1, count: 10))
        let gains = volume.run(mic, chunks: 10, farEnd: FarEndLevel(energy: 1))
        var expected = 1.0
        for k in 0..<6 {
            expected *= 0.6
            #expect(close(gains[k], expected))
        }
        #expect(abs(decibels(gains[0]) - -4.437) < 0.001)
        #expect(abs(decibels(gains[2]) - -13.31) < 0.01)
        #expect(gains[6...].allSatisfy { $0 == 1.0 / 26 })
    }

    /// UP = el_speed 0.03: ×1.03 = +0.257 dB per chunk, when the target rises while the far end still talks.
    @Test(arguments: [8000, 16000])
    func slowRiseIsElSpeedPerChunk(rate: Int) {
        var volume = Self.limiter(rate: rate)
        let mic = Self.quietMic(rate: rate)
        volume.run(mic, chunks: 20, farEnd: FarEndLevel(energy: 1))
        #expect(volume.gain == 1.0 / 26)
        let gains = volume.run(mic, chunks: 60, farEnd: FarEndLevel(energy: 0.2))
        var expected = 1.0 / 26
        for gain in gains {
            expected = min(expected * 1.03, 1.0 / 6)
            #expect(close(gain, expected))
        }
        #expect(abs(decibels(gains[1] / gains[0]) - 0.2567) < 0.0001)
        #expect(gains.firstIndex { close($0, 1.0 / 6) } == 49)
    }

    /// el_sustain 200 ms holds the attenuation for 20 chunks (of 80 samples at 8 kHz, 160 at 16 kHz)
    /// after the far end goes quiet, then FAST_UP releases: ×2.2 (+6.85 dB) per chunk.
    @Test(arguments: [8000, 16000])
    func sustainHoldsThenReleasesFast(rate: Int) {
        var volume = Self.limiter(rate: rate)
        let mic = Self.quietMic(rate: rate)
        let attenuated = volume.run(mic, chunks: 30, farEnd: FarEndLevel(energy: 0.5)).last!
        #expect(attenuated == 1 / 13.5)
        let held = volume.run(mic, chunks: 20)
        #expect(held == [Double](repeating: attenuated, count: 20))
        #expect(volume.echoLimiterActive)
        let released = volume.run(mic, chunks: 5)
        #expect(!volume.echoLimiterActive)
        #expect(close(released[0], attenuated * 2.2))
        #expect(close(released[1], attenuated * 2.2 * 2.2))
        #expect(close(released[2], attenuated * 2.2 * 2.2 * 2.2))
        #expect(released[3...].allSatisfy { $0 == 1 })
        #expect(abs(decibels(released[1] / released[0]) - 6.848) < 0.001)
    }

    /// A shorter sustain holds proportionally: 50 ms = 5 chunks.
    @Test func sustainIsCountedInMilliseconds() {
        var volume = Self.limiter { $0.echoLimiterSustainMilliseconds = 50 }
        let mic = Self.quietMic(rate: 8000)
        let attenuated = volume.run(mic, chunks: 30, farEnd: FarEndLevel(energy: 0.5)).last!
        let gains = volume.run(mic, chunks: 7)
        #expect(gains.prefix(5).allSatisfy { $0 == attenuated })
        #expect(close(gains[5], attenuated * 2.2))
    }

    /// Double talk: a near end more than el_transmit_thres (4) times louder than lt + el_thres
    /// (0.11 + 0.1) keeps full gain while the far end talks; a bit quieter, it is attenuated.
    @Test(arguments: [(0.95, true), (0.85, true), (0.8, false), (0.5, false)])
    func loudNearEndPassesDuringFarEndTalk(nearAmplitude: Double, passes: Bool) {
        var volume = Self.limiter()
        let mic = steadyChunk(amplitude: nearAmplitude, rate: 8000)
        volume.run(mic, chunks: 50)
        let gains = volume.run(mic, chunks: 100, farEnd: FarEndLevel(energy: 0.11))
        if passes {
            #expect(gains.allSatisfy { $0 == 1 })
            #expect(!volume.echoLimiterActive)
        } else {
            #expect(close(gains.last!, 1 / 3.75))
            #expect(volume.echoLimiterActive)
        }
    }

    /// The far end counts as talking only strictly above el_thres.
    @Test(arguments: [(0.1, 0.1, false), (0.1001, 0.1, true), (0.3, 0.3, false), (0.31, 0.3, true)])
    func farEndMustExceedTheThreshold(farEnergy: Double, threshold: Double, attenuates: Bool) {
        var volume = Self.limiter { $0.echoLimiterThreshold = threshold }
        let gains = volume.run(Self.quietMic(rate: 8000), chunks: 20, farEnd: FarEndLevel(energy: farEnergy))
        #expect(gains.last! == (attenuates ? 1 / (1 + farEnergy * 25) : 1))
        #expect(volume.echoLimiterActive == attenuates)
    }

    /// A new attack during the fast release cancels it: the next rise is slow again (UP, not FAST_UP).
    @Test func attackCancelsTheFastRelease() {
        var volume = Self.limiter()
        let mic = Self.quietMic(rate: 8000)
        volume.run(mic, chunks: 20, farEnd: FarEndLevel(energy: 1))
        let released = volume.run(mic, chunks: 22)
        #expect(close(released[21], 2.2 * 2.2 / 26))
        volume.run(mic, chunks: 20, farEnd: FarEndLevel(energy: 1))
        let rising = volume.run(mic, chunks: 2, farEnd: FarEndLevel(energy: 0.2))
        #expect(close(rising[0], 1.03 / 26) && close(rising[1], 1.03 * 1.03 / 26))
    }

    /// The long-term far-end level lt rises at once and decays by 0.995 per chunk (τ ≈ 2 s): after
    /// a loud far end, a loud near end passes only once lt has come down so that
    /// me / (lt + el_thres) > 4, about 6.8 s later here; with lt = pe it would pass at once.
    @Test func longTermFarEndLevelDecaysSlowly() {
        var volume = Self.limiter()
        let mic = steadyChunk(amplitude: 0.95, rate: 8000)
        volume.run(mic, chunks: 50, farEnd: FarEndLevel(energy: 1))
        #expect(volume.gain == 1.0 / 26)
        let nearEnd = volume.energy
        var lt = 1.0, expected = 0
        while true {
            lt = 0.005 * 0.11 + 0.995 * lt
            if nearEnd / (lt + 0.1) > 4 { break }
            expected += 1
        }
        #expect((650...700).contains(expected))
        let gains = volume.run(mic, chunks: expected + 5, farEnd: FarEndLevel(energy: 0.11))
        #expect(close(gains[expected - 1], 1 / 3.75))
        #expect(close(gains[expected], 2.2 / 3.75))
        #expect(gains.last! == 1 && !volume.echoLimiterActive)
    }

    /// Without the limiter, the far end changes nothing.
    @Test func disabledLimiterIgnoresTheFarEnd() {
        var volume = SendVolume(parameters: VolumeParameters(), sampleRate: 8000)
        let mic = Self.quietMic(rate: 8000)
        #expect(volume.run(mic, chunks: 20, farEnd: FarEndLevel(energy: 1)).allSatisfy { $0 == 1 })
        #expect(!volume.echoLimiterActive)
    }
}
