import ArgumentParser
import AudioDSP
import Config
import Devices
import Foundation
import SpeexDSP

/// `doorstationd tools aec FAR.wav MIC.wav OUT.wav`: runs the send pipeline of a call on two
/// recordings made on the panel, so an installer can tune `[sound]` at a desk and see the result
/// in numbers (and hear OUT.wav) instead of calling the door a dozen times.
struct EchoToolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aec",
        abstract: "Run the echo canceller and send pipeline on recordings and report ERLE over time.",
        discussion: """
            FAR.wav is what the speaker played, MIC.wav what the microphone recorded at the same time
            (e.g. arecord while the far end talks). Both mono or stereo 16-bit PCM at the same rate;
            8000 and 16000 Hz are processed as they are, other rates are resampled to 16000 Hz.
            OUT.wav receives what the door station would send. [sound] keys come from --config.
            """)

    @Argument(help: "What the speaker played.") var far: String
    @Argument(help: "What the microphone recorded.") var mic: String
    @Argument(help: "Where to write what would be sent.") var out: String
    @Option(help: "A doorstation.conf whose [sound] keys to use (default: the built-in defaults).") var config: String?

    func run() throws {
        let sound = try Self.soundSettings(config)
        var (farSamples, farRate) = try Self.read(far)
        var (micSamples, micRate) = try Self.read(mic)
        guard farRate == micRate else {
            throw ValidationError("\(far) is \(farRate) Hz but \(mic) is \(micRate) Hz; record both at the same rate")
        }
        var rate = farRate
        if rate != 8000 && rate != 16000 {
            guard let resampler = SpeexResampler(inputRate: rate, outputRate: 16000, quality: 6),
                  let micResampler = SpeexResampler(inputRate: rate, outputRate: 16000, quality: 6)
            else { throw ValidationError("cannot resample \(rate) Hz") }
            print("resampling \(rate) Hz → 16000 Hz")
            farSamples = resampler.resample(farSamples)
            micSamples = micResampler.resample(micSamples)
            rate = 16000
        }
        let parameters = UserAgentSetup.audioProcessing(sound.settings)
        let chain = AudioProcessingChain(sampleRate: rate, parameters: parameters) { SpeexEchoCanceller($0, sampleRate: rate) }
        print("settings (\(sound.origin)):")
        for line in sound.lines { print("  \(line)") }
        let sizing = chain.sizing
        print("canceller: frame \(sizing.frameSize) samples, filter \(sizing.filterLength) samples (\(sizing.filterLength * 1000 / rate) ms), delay \(sizing.delaySamples) samples, \(rate) Hz")
        let result = chain.runOffline(farEnd: farSamples, microphone: micSamples)
        print("ERLE during far-end single talk (0.5 s windows):")
        if result.windows.isEmpty { print("  none: the far end never talked alone (is FAR.wav silent, or MIC.wav the visitor only?)") }
        for window in result.windows {
            print(String(format: "  t=%6.2f s  ERLE %5.1f dB  residual echo %6.1f dBFS", window.time, window.erleDB, window.residualDBFS))
        }
        let quality = result.quality
        print("summary:")
        print("  ERLE: " + (quality.erleDB.map { String(format: "%.1f dB over %.1f s of far-end single talk", $0, quality.singleTalkSeconds) } ?? "not measured"))
        print("  residual echo: " + (quality.residualEchoDBFS.map { String(format: "%.1f dBFS (last window)", $0) } ?? "not measured"))
        print("  double-talk attenuation: " + (quality.doubleTalkAttenuationDB.map { String(format: "%.1f dB over %.1f s", $0, quality.doubleTalkSeconds) } ?? "no double talk found"))
        print("  canceller resets: \(quality.resets)")
        print("  echo likely audible: \(quality.echoLikelyAudible ? "yes — raise es_overdrive_db, lower playback_gain_db or move the speaker" : "no")")
        do {
            let writer = try WAVWriter(path: out, sampleRate: rate)
            let aligned = Array(result.output.dropFirst(result.latencySamples)) + [Int16](repeating: 0, count: min(result.latencySamples, result.output.count))
            try aligned.withUnsafeBufferPointer { try writer.append($0) }
            try writer.finish()
        }
        print("wrote \(out) (\(result.output.count) samples, aligned with MIC.wav)")
    }

    static func read(_ path: String) throws -> (samples: [Int16], sampleRate: Int) {
        do {
            return try WAVFile.readWithRate(path: path)
        } catch {
            throw ValidationError(error.description)
        }
    }

    struct Sound {
        var settings: SoundSettings
        var origin: String
        var lines: [String]
    }

    /// `[sound]` from the file (checked like the daemon checks it), or the defaults.
    /// The file's board profile is read first, as the daemon does: without it, a panel's own
    /// configuration (`[board] profile=rpi4`, buttons without chip and line) would not validate.
    static func soundSettings(_ path: String?) throws -> Sound {
        let result: ConfigLoadResult
        if let path {
            do {
                result = try ConfigFiles(userFile: path, board: nil).load()
            } catch {
                throw ValidationError(error.description)
            }
        } else {
            result = ConfigLoader.load([ConfigSource(path: "(defaults)", text: "")])
        }
        let soundErrors = result.errors.filter { $0.section == "sound" }
        guard soundErrors.isEmpty else { throw ValidationError(soundErrors.map(\.description).joined(separator: "\n")) }
        guard let settings = result.settings else {
            throw ValidationError(result.errors.map(\.description).joined(separator: "\n"))
        }
        let keys = Self.echoKeys
        let lines = settings.effective.filter { $0.section == "sound" && keys.contains($0.key) }.map { "\($0.key)=\($0.value)  (\($0.origin))" }
        return Sound(settings: settings.sound, origin: path ?? "defaults", lines: lines)
    }

    /// The keys that change what this tool computes.
    static let echoKeys: Set<String> = [
        "echocancellation", "ec_tail_len", "ec_framesize", "ec_delay", "echo_suppression", "es_max_attenuation_db", "es_overdrive_db", "es_dt_coherence",
        "echolimiter", "el_type", "el_thres", "el_force", "el_sustain", "el_transmit_thres", "el_speed", "noisegate", "ng_thres", "ng_floorgain",
        "agc", "dc_removal", "mic_gain_db",
    ]
}
