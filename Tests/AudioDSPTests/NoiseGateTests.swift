import AudioDSP
import Testing

/// The microphone noise gate, linphone's soft start, and the speaker gate of `el_type=full` (linphonerc.md §5.3, §5.6).
@Suite struct NoiseGateTests {
    static func gated(rate: Int = 8000, _ change: (inout VolumeParameters) -> Void = { _ in }) -> SendVolume {
        SendVolume(parameters: volumeParameters { $0.noiseGate = true; change(&$0) }, sampleRate: rate)
    }

    /// Instantaneous energy ≈ 0.0101, below ng_thres 0.05.
    static let noise = steadyChunk(amplitude: 0.01, rate: 8000)
    /// ≈ 0.303, above it.
    static let speech = steadyChunk(amplitude: 0.3, rate: 8000)

    /// Closed, the gate settles at its floor: 0 means 0.005 (−46 dB); a larger floor is used as is.
    @Test(arguments: [(0.0, 0.005), (0.001, 0.005), (0.1, 0.1), (0.5, 0.5)])
    func closedGateSettlesAtTheFloor(configured: Double, floor: Double) {
        var volume = Self.gated { $0.noiseGateFloorGain = configured }
        volume.run(Self.noise, chunks: 400)
        #expect(close(volume.gain, floor, relative: 1e-9))
        #expect(!volume.noiseGateOpen)
        let output = volume.output(Self.noise)
        let peak = Int(Self.noise.map { abs(Int($0)) }.max()!)
        #expect(output.map { abs(Int($0)) }.max()! == peak * Int(volume.gain * 4096) / 4096)
    }

    /// The gate opens on a chunk whose instantaneous energy (RMS + 1)/REF is above ng_thres.
    @Test(arguments: [(0.05, 0.052, true), (0.05, 0.048, false), (0.2, 0.21, true), (0.2, 0.19, false)])
    func gateOpensAboveTheThreshold(threshold: Double, amplitude: Double, opens: Bool) {
        var volume = Self.gated { $0.noiseGateThreshold = threshold }
        volume.run(Self.noise, chunks: 400)
        let closed = volume.gain
        volume.run(steadyChunk(amplitude: amplitude, rate: 8000), chunks: 1)
        #expect(volume.noiseGateOpen == opens)
        #expect(close(volume.gain, 0.75 * closed + 0.25 * (opens ? 1 : 0.005)))
    }

    /// One chunk above ng_thres opens it; it stays open for 400 ms (40 chunks) after the last
    /// such chunk, moving by 0.75/0.25 per chunk (τ ≈ 35 ms) each way.
    @Test(arguments: [8000, 16000])
    func gateOpensHoldsAndCloses(rate: Int) {
        let noise = steadyChunk(amplitude: 0.01, rate: rate), speech = steadyChunk(amplitude: 0.3, rate: rate)
        var volume = Self.gated(rate: rate)
        volume.run(noise, chunks: 400)
        let closed = volume.gain
        var gains = volume.run(speech, chunks: 1)
        #expect(volume.noiseGateOpen)
        gains += volume.run(noise, chunks: 40)
        #expect(volume.noiseGateOpen)
        gains += volume.run(noise, chunks: 2)
        #expect(!volume.noiseGateOpen)
        var expected = closed
        for k in 0...40 {
            expected = 0.75 * expected + 0.25
            #expect(close(gains[k], expected))
        }
        #expect(close(gains[41], 0.75 * gains[40] + 0.25 * 0.005))
        #expect(close(gains[42], 0.75 * gains[41] + 0.25 * 0.005))
        // 1 − gain shrinks ×0.75 per 10 ms: e^(−10/τ) with τ = 34.8 ms.
        #expect(close((1 - gains[5]) / (1 - gains[4]), 0.75, relative: 1e-9))
    }

    /// linphone's soft start: with the gate enabled at init the gain starts at the floor, and
    /// reaches 0 dB after 180 chunks at UP = 0.03 (0.005·1.03^179 = 0.993), or after 7 at
    /// FAST_UP when the echo limiter releases (0.005·2.2^6 = 0.57).
    @Test(arguments: [(8000, false, 180), (8000, true, 7), (16000, false, 180), (16000, true, 7)])
    func softStartFromTheFloorAtInit(rate: Int, echoLimiter: Bool, chunksToUnity: Int) {
        var volume = Self.gated(rate: rate) { $0.echoLimiter = echoLimiter }
        #expect(volume.gain == 0.005)
        let gains = volume.run(steadyChunk(amplitude: 0.3, rate: rate), chunks: 200)
        #expect(close(gains[0], 0.005 * (echoLimiter ? 2.2 : 1.03)))
        #expect(gains.firstIndex(of: 1) == chunksToUnity - 1)
        #expect(zip(gains, gains.dropFirst()).allSatisfy { $0 <= $1 })
    }

    /// Without the gate there is no soft start.
    @Test func noSoftStartWithoutTheGate() {
        var volume = SendVolume(parameters: volumeParameters { $0.micGainDB = 3 }, sampleRate: 8000)
        #expect(volume.gain == VolumeParameters.amplitudeFactor(decibels: 3))
        #expect(volume.run(Self.noise, chunks: 1)[0] == VolumeParameters.amplitudeFactor(decibels: 3))
    }

    /// `el_type=full`: volrecv gates the speaker during far-end silence with floor
    /// 1/10^(mic_gain_db/10), which does nothing at mic_gain_db 0; `el_type=mic` never gates it.
    @Test(arguments: [
        (VolumeParameters.EchoLimiterType.full, 6.0, 1 / 3.981071705534973),
        (.full, 10.0, 0.1),
        (.full, 0.0, 1.0),
        (.full, -6.0, 1.0),
        (.mic, 6.0, 1.0),
    ])
    func speakerGateInFullMode(type: VolumeParameters.EchoLimiterType, micGainDB: Double, silentGain: Double) {
        let parameters = volumeParameters { $0.echoLimiter = true; $0.echoLimiterType = type; $0.micGainDB = micGainDB }
        var receive = ReceiveVolume(parameters: parameters, sampleRate: 8000)
        #expect(receive.gain == 1)
        let silentGains = receive.run(Self.noise, chunks: 200)
        #expect(close(silentGains.last!, silentGain, relative: 1e-9))
        if silentGain == 1 {
            #expect(silentGains.allSatisfy { $0 == 1 })
            #expect(receive.output(Self.noise) == Self.noise)
        } else {
            #expect(!receive.noiseGateOpen)
        }
        let talking = receive.run(Self.speech, chunks: 60)
        #expect(abs(talking.last! - 1) < 1e-6)
        #expect(receive.noiseGateOpen)
    }
}
