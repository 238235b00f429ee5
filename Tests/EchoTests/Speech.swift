import Devices
import Foundation
import SpeexDSP
import Synchronization

/// Real speech for the echo tests, made by espeak-ng (a Debian package `make deps` installs):
/// a male far end (the apartment) and a female visitor, resampled to the call's rate.
/// Generated once per test process; espeak-ng's output is deterministic for a given version.
enum Speech {
    static let farText = "Hello, this is the apartment on the third floor. Please come in, the door is open now. "
        + "Take the lift to the left and walk to the end of the corridor. I will wait for you at the door."
    static let nearText = "Good morning, I have a parcel for you. Could you open the door please? It is quite heavy and I need a signature."

    private static let cache = Mutex<[String: [Int16]]>([:])

    static func far(sampleRate: Int) throws -> [Int16] { try speech(farText, voice: "en", speed: 150, sampleRate: sampleRate) }
    static func near(sampleRate: Int) throws -> [Int16] { try speech(nearText, voice: "en+f3", speed: 160, sampleRate: sampleRate) }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static func speech(_ text: String, voice: String, speed: Int, sampleRate: Int) throws -> [Int16] {
        let key = "\(voice)/\(speed)/\(sampleRate)/\(text.hashValue)"
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("doorstation-speech-\(UUID().uuidString).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
        process.arguments = ["-v", voice, "-s", "\(speed)", "-w", path, text]
        do {
            try process.run()
        } catch {
            throw Missing(description: "espeak-ng is needed for the echo tests' speech (apt-get install espeak-ng, or make deps): \(error)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Missing(description: "espeak-ng exited with \(process.terminationStatus)") }
        let (samples, rate) = try WAVFile.readWithRate(path: path)
        guard let resampler = SpeexResampler(inputRate: rate, outputRate: sampleRate, quality: 8) else {
            throw Missing(description: "cannot resample \(rate) → \(sampleRate)")
        }
        let result = resampler.resample(samples)
        cache.withLock { $0[key] = result }
        return result
    }
}
