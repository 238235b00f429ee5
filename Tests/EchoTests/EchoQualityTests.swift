import AudioDSP
import SpeexDSP
import Testing
import TestSupport

/// The quality targets of the echo pipeline, on espeak-ng speech played through simulated
/// door-panel echo paths (EchoPath): with default settings, ERLE ≥ 30 dB from 2 s after the start
/// and after an echo-path change, and the visitor loses ≤ 10 dB while both talk. The baselines
/// (the bare speex canceller, and linphone's canceller + preprocessor) run on the same recordings
/// and are printed beside our figures.
@Suite(.serialized) struct EchoQualityTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var rate: Int
        var path: EchoPath
        var signalToEchoDB: Double = -6
        var farLevelDBFS: Double = -22
        var testDescription: String {
            "\(rate) Hz, delay \(path.bulkDelayMilliseconds) ms, tail \(path.tailMilliseconds) ms, direct \(path.directGain), saturation \(path.saturation), "
                + "far \(Int(farLevelDBFS)) dBFS, SER \(Int(signalToEchoDB)) dB"
        }
    }

    static let cases: [Case] = [
        Case(rate: 8000, path: EchoPath()),
        Case(rate: 8000, path: EchoPath(bulkDelayMilliseconds: 0, tailMilliseconds: 250)),
        // Delay and tail together stay inside the canceller's default 250 ms (`ec_tail_len`);
        // longer echoes need a longer `ec_tail_len` or `ec_delay`.
        Case(rate: 8000, path: EchoPath(bulkDelayMilliseconds: 60, tailMilliseconds: 180)),
        Case(rate: 8000, path: EchoPath(saturation: 2.5)),
        // Echo twice as loud as what is played, the visitor 10 dB below it.
        Case(rate: 8000, path: EchoPath(directGain: 2.0), signalToEchoDB: -10, farLevelDBFS: -26),
        Case(rate: 16000, path: EchoPath(bulkDelayMilliseconds: 40, tailMilliseconds: 200)),
    ]

    @Test(arguments: cases)
    func defaultsMeetTheTargets(_ testCase: Case) throws {
        let scenario = EchoScenario(sampleRate: testCase.rate, path: testCase.path, farLevelDBFS: testCase.farLevelDBFS, signalToEchoDB: testCase.signalToEchoDB)
        let recordings = scenario.render(farSpeech: try Speech.far(sampleRate: testCase.rate), nearSpeech: try Speech.near(sampleRate: testCase.rate))
        let chain = AudioProcessingChain(sampleRate: testCase.rate, parameters: AudioProcessingParameters()) { SpeexEchoCanceller($0, sampleRate: testCase.rate) }
        let result = chain.runOffline(farEnd: recordings.played, microphone: recordings.microphone)
        let ours = EchoFigures(scenario, recordings, output: result.output, latency: result.latencySamples)
        let bare = Self.baseline(scenario, recordings, preprocessor: false)
        let linphone = Self.baseline(scenario, recordings, preprocessor: true)
        print("echo \(testCase.testDescription)\n  doorstation: \(ours)\n  bare speex:  \(bare)\n  speex+preprocessor (linphone): \(linphone)")
        #expect(ours.erleDB >= 30, "\(ours)")
        #expect(ours.erleAfterChangeDB >= 30, "\(ours)")
        #expect(ours.doubleTalkLossDB <= 10, "\(ours)")
        #expect(ours.nearOnlyLossDB <= 3, "\(ours)")
        // The suppressor must add what the linear filter cannot do alone.
        #expect(ours.erleDB >= bare.erleDB + 8, "bare \(bare), ours \(ours)")
        // The online meter (what `ctl status` and `tools aec` show) sees what the truth says once
        // the canceller converged, and finds the double talk.
        let converged = result.windows.filter { (2.5..<EchoScenario.doubleTalk.lowerBound).contains($0.time) }.map(\.erleDB).sorted()
        let median = try #require(converged.isEmpty ? nil : converged[converged.count / 2])
        print("  online ERLE windows 2.5–6 s: median \(median) dB; whole call \(result.quality.erleDB ?? 0) dB; double talk \(result.quality.doubleTalkSeconds) s, attenuation \(result.quality.doubleTalkAttenuationDB ?? 0) dB")
        // Windows skip the pauses of the far end's speech, where the room's tail dominates, so
        // they read higher than the truth's energy ratio over the whole stretch.
        #expect(median >= ours.erleDB - 3 && median <= ours.erleDB + 15, "online median ERLE \(median) vs \(ours.erleDB)")
        let whole = try #require(result.quality.erleDB)
        #expect(whole >= 25, "whole-call ERLE \(whole)")
        #expect(result.quality.doubleTalkSeconds > 0.5)
        #expect(result.quality.echoLikelyAudible == false)
    }

    /// speexdsp alone, and speex + preprocessor as linphone's MSSpeexEC runs them.
    static func baseline(_ scenario: EchoScenario, _ recordings: EchoScenario.Recordings, preprocessor: Bool) -> EchoFigures {
        let rate = scenario.sampleRate
        let sizing = EchoCancellerSizing(sampleRate: rate, framesizeAt8kHz: 0, tailMilliseconds: 0, delayMilliseconds: 0)
        let canceller = SpeexEchoCanceller(sizing, sampleRate: rate)
        let preprocess = preprocessor ? SpeexPreprocessor(frameSize: sizing.frameSize, sampleRate: rate, echo: canceller) : nil
        var output = [Int16](repeating: 0, count: recordings.microphone.count)
        var position = 0
        recordings.microphone.withUnsafeBufferPointer { mic in
            recordings.played.withUnsafeBufferPointer { far in
                output.withUnsafeMutableBufferPointer { out in
                    while position + sizing.frameSize <= mic.count {
                        canceller.cancel(microphone: mic.baseAddress! + position, reference: far.baseAddress! + position, output: out.baseAddress! + position)
                        preprocess?.process(out.baseAddress! + position)
                        position += sizing.frameSize
                    }
                }
            }
        }
        return EchoFigures(scenario, recordings, output: output, latency: 0)
    }
}
