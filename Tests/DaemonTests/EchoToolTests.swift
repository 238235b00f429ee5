import AudioDSP
import Devices
import Foundation
import TestSupport
import Testing

/// `doorstationd tools aec FAR.wav MIC.wav OUT.wav` through the built binary, on espeak-ng speech
/// recorded at 22050 Hz (so the tool's resampling runs too) through a simulated panel.
@Suite struct EchoToolTests {
    struct Recordings {
        let folder: URL
        var far: String { folder.appendingPathComponent("far.wav").path }
        var mic: String { folder.appendingPathComponent("mic.wav").path }
        var out: String { folder.appendingPathComponent("out.wav").path }
    }

    /// The far end talks alone for 6 s, then the visitor joins for 4 s.
    func record() throws -> Recordings {
        let folder = try temporaryFolder()
        let recordings = Recordings(folder: folder)
        let speech = folder.appendingPathComponent("speech.wav").path
        let visitor = folder.appendingPathComponent("visitor.wav").path
        for (path, voice, text) in [(speech, "en", "Hello, this is the apartment on the third floor. Please come in, the door is open now. Take the lift to the left."),
                                    (visitor, "en+f3", "Good morning, I have a parcel for you. Could you open the door please?")] {
            let (status, output) = try run("/usr/bin/espeak-ng", ["-v", voice, "-w", path, text])
            try #require(status == 0, "espeak-ng (apt-get install espeak-ng): \(output)")
        }
        let (farSpeech, rate) = try WAVFile.readWithRate(path: speech)
        let (nearSpeech, _) = try WAVFile.readWithRate(path: visitor)
        let total = rate * 10
        let played = (0..<total).map { Int16(clamping: Int(farSpeech[$0 % farSpeech.count]) / 3) }
        let echo = EchoPath(bulkDelayMilliseconds: 20, tailMilliseconds: 150).echo(of: played, sampleRate: rate)
        let mic = (0..<total).map { index -> Int16 in
            let near = index >= 6 * rate ? Double(nearSpeech[(index - 6 * rate) % nearSpeech.count]) / 6 : 0
            return Int16(clamping: Int((echo[index] + near).rounded()))
        }
        for (path, samples) in [(recordings.far, played), (recordings.mic, mic)] {
            let writer = try WAVWriter(path: path, sampleRate: rate)
            try samples.withUnsafeBufferPointer { try writer.append($0) }
            try writer.finish()
        }
        return recordings
    }

    func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func reportsERLEOverTimeAndWritesWhatWouldBeSent() throws {
        let recordings = try record()
        let (status, output) = try runDoorstationd(["tools", "aec", recordings.far, recordings.mic, recordings.out], timeout: 120)
        #expect(status == 0, "\(output)")
        #expect(output.contains("resampling 22050 Hz → 16000 Hz"))
        #expect(output.contains("settings (defaults):"))
        #expect(output.contains("ec_tail_len=0  (default)"))
        #expect(output.contains("es_overdrive_db=12.0  (default)") || output.contains("es_overdrive_db=12  (default)"), "\(output)")
        #expect(output.contains("canceller: frame 128 samples, filter 4000 samples (250 ms)"))
        let windows = output.split(separator: "\n").filter { $0.contains("t=") && $0.contains("ERLE") }
        #expect(windows.count >= 6, "\(output)")
        let summary = try #require(output.split(separator: "\n").first { $0.contains("  ERLE: ") })
        let erle = try #require(Double(summary.split(separator: " ")[1]))
        #expect(erle >= 25, "\(output)")
        #expect(output.contains("double-talk attenuation: "))
        #expect(!output.contains("no double talk found"), "\(output)")
        #expect(output.contains("echo likely audible: no"))
        let written = try WAVFile.read(path: recordings.out, expectedRate: 16000)
        #expect(abs(written.count - 160_000) < 200)
    }

    @Test func usesTheConfigurationsSoundKeysAndRefusesBadOnes() throws {
        let recordings = try record()
        let config = recordings.folder.appendingPathComponent("panel.conf").path
        try "[sound]\necho_suppression=0\nec_tail_len=120\n".write(toFile: config, atomically: true, encoding: .utf8)
        let (status, output) = try runDoorstationd(["tools", "aec", recordings.far, recordings.mic, recordings.out, "--config", config], timeout: 120)
        #expect(status == 0, "\(output)")
        #expect(output.contains("echo_suppression=0  (\(config):2)"), "\(output)")
        #expect(output.contains("filter 1920 samples (120 ms)"))
        // Without the suppressor only the linear canceller works: clearly less ERLE, and the tool says echo is audible or ERLE is low.
        let summary = try #require(output.split(separator: "\n").first { $0.contains("  ERLE: ") })
        let erle = try #require(Double(summary.split(separator: " ")[1]))
        #expect(erle < 25, "\(output)")

        try "[sound]\nel_thres=2\n".write(toFile: config, atomically: true, encoding: .utf8)
        let (badStatus, badOutput) = try runDoorstationd(["tools", "aec", recordings.far, recordings.mic, recordings.out, "--config", config])
        #expect(badStatus != 0)
        #expect(badOutput.contains("\(config):2: [sound] el_thres: expected a number in 0.0…1.0, got 2"), "\(badOutput)")
    }

    /// A panel's own file names a linux board profile, whose buttons have their chip and line:
    /// read like the daemon reads it, profile first, it validates.
    @Test func readsTheBoardProfileTheConfigurationNames() throws {
        let recordings = try record()
        let config = recordings.folder.appendingPathComponent("panel.conf").path
        try "[board]\nprofile=rpi4\n\n[button_1]\ntargets=sip:apartment@example.org\n\n[sound]\nec_tail_len=120\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let (status, output) = try runDoorstationd(["tools", "aec", recordings.far, recordings.mic, recordings.out, "--config", config], timeout: 120)
        #expect(status == 0, "\(output)")
        #expect(output.contains("ec_tail_len=120  (\(config):8)"), "\(output)")
    }

    @Test func namesUnusableRecordings() throws {
        let folder = try temporaryFolder()
        let far = folder.appendingPathComponent("far.wav").path
        let mic = folder.appendingPathComponent("mic.wav").path
        for (path, rate) in [(far, 8000), (mic, 16000)] {
            let writer = try WAVWriter(path: path, sampleRate: rate)
            try [Int16](repeating: 0, count: 1600).withUnsafeBufferPointer { try writer.append($0) }
            try writer.finish()
        }
        let (status, output) = try runDoorstationd(["tools", "aec", far, mic, folder.appendingPathComponent("o.wav").path])
        #expect(status != 0)
        #expect(output.contains("is 8000 Hz but \(mic) is 16000 Hz"), "\(output)")
        let (missingStatus, missingOutput) = try runDoorstationd(["tools", "aec", far, folder.appendingPathComponent("nope.wav").path, "o.wav"])
        #expect(missingStatus != 0)
        #expect(missingOutput.contains("nope.wav"), "\(missingOutput)")
    }
}
