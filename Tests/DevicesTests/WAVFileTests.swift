@testable import Devices
import Foundation
import Testing

@Suite struct WAVFileTests {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("doorstation-\(UUID().uuidString)-\(name)").path
    }

    @Test func writtenFilesReadBack() throws {
        let path = temporaryPath("round.wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let samples: [Int16] = (0..<1000).map { Int16(truncatingIfNeeded: $0 * 37 - 16000) }
        let writer = try WAVWriter(path: path, sampleRate: 8000)
        try samples.withUnsafeBufferPointer { try writer.append(UnsafeBufferPointer(rebasing: $0[0..<400])) }
        try samples.withUnsafeBufferPointer { try writer.append(UnsafeBufferPointer(rebasing: $0[400...])) }
        try writer.finish()
        #expect(try WAVFile.read(path: path, expectedRate: 8000) == samples)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 44 + 2000)
    }

    @Test func stereoIsMixedDown() throws {
        var bytes = WAVFile.header(sampleRate: 8000, sampleCount: 4)
        bytes[22] = 2  // channels
        bytes[32] = 4  // block align
        // Two stereo frames: (100, 300) and (-100, -300).
        for value: Int16 in [100, 300, -100, -300] { bytes += withUnsafeBytes(of: value.littleEndian, Array.init) }
        #expect(try WAVFile.decode(bytes, path: "s.wav", expectedRate: 8000) == [200, -200])
    }

    @Test(arguments: [
        ([UInt8](repeating: 0, count: 10), "s.wav: reading WAV failed: not a RIFF/WAVE file"),
        (Array(WAVFile.header(sampleRate: 16000, sampleCount: 0)), "s.wav: reading WAV failed: sample rate is 16000 Hz, expected 8000 Hz; convert with: sox IN.wav -r 8000 OUT.wav"),
        (Array(WAVFile.header(sampleRate: 8000, sampleCount: 0).prefix(36)), "s.wav: reading WAV failed: no data chunk"),
    ])
    func brokenFilesAreRefusedWithAReason(_ bytes: [UInt8], _ message: String) {
        #expect(throws: DeviceError.self) { try WAVFile.decode(bytes, path: "s.wav", expectedRate: 8000) }
        do {
            _ = try WAVFile.decode(bytes, path: "s.wav", expectedRate: 8000)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func missingFileNamesThePath() {
        do {
            _ = try WAVFile.read(path: "/nonexistent/tone.wav", expectedRate: 8000)
            Issue.record("a missing file was read")
        } catch {
            #expect(error.description == "/nonexistent/tone.wav: opening WAV failed: No such file or directory")
        }
    }

    @Test func playbackRecordsWhatItPlays() throws {
        let path = temporaryPath("played.wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let playback = try SimulatedAudioPlayback(recordingPath: path, clock: ManualClock())
        let frame: [Int16] = Array(repeating: 1234, count: 160)
        for _ in 0..<3 { try frame.withUnsafeBufferPointer { try playback.write($0) } }
        playback.close()
        #expect(try WAVFile.read(path: path, expectedRate: 8000) == Array(repeating: 1234, count: 480))
    }
}
