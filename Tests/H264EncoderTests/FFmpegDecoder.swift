import Foundation
import Video

/// Decodes an Annex B H.264 stream with the real `ffmpeg` CLI (Debian's 5.1), as a receiver would:
/// `ffmpeg -v error -f h264 -i in.h264 -f rawvideo -pix_fmt gray out.gray`, luma only; and reads its
/// frame rate with `ffprobe`.
struct FFmpegDecoder {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The decoded pictures' luma planes, in output order, and whatever ffmpeg wrote to stderr
    /// (at `-v error` a clean decode writes nothing).
    struct Result {
        var lumaPlanes: [[UInt8]]
        var errors: String

        /// Each picture's frame number, read from the test pattern's barcode (nil where unreadable).
        func sequences(width: Int, height: Int) -> [UInt64?] {
            let frame = I420Frame(width: width, height: height)
            return lumaPlanes.map { luma in
                frame.withPlanes { y, _, _ in _ = y.update(fromContentsOf: luma) }
                return TestPattern.decodeSequence(from: frame)
            }
        }
    }

    /// ffmpeg is killed after this long: a hung decoder fails the test instead of hanging the suite.
    var timeout: Double = 30

    func decode(_ annexB: [UInt8], width: Int, height: Int) throws -> Result {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.h264"), output = folder.appendingPathComponent("out.gray")
        try Data(annexB).write(to: input)
        let errors = try run("ffmpeg", ["-nostdin", "-v", "error", "-f", "h264", "-i", input.path, "-f", "rawvideo", "-pix_fmt", "gray", output.path], in: folder)
        let decoded = [UInt8](try Data(contentsOf: output))
        let size = width * height
        guard decoded.count % size == 0 else {
            throw Failure(description: "ffmpeg wrote \(decoded.count) bytes, not a whole number of \(width)x\(height) pictures")
        }
        let planes = stride(from: 0, to: decoded.count, by: size).map { Array(decoded[$0..<$0 + size]) }
        return Result(lumaPlanes: planes, errors: errors)
    }

    /// The frame rate a receiver reads from the stream's SPS (VUI timing), as ffprobe prints it: "15/1", "2997/100".
    func frameRate(of annexB: [UInt8]) throws -> String {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.h264")
        try Data(annexB).write(to: input)
        let arguments = ["-v", "error", "-show_entries", "stream=r_frame_rate", "-of", "csv=p=0", "-o", folder.appendingPathComponent("out.txt").path, input.path]
        let errors = try run("ffprobe", arguments, in: folder)
        guard errors.isEmpty else { throw Failure(description: "ffprobe: \(errors)") }
        let text = try String(contentsOf: folder.appendingPathComponent("out.txt"), encoding: .utf8)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `tool` with a bounded wait and returns what it wrote to stderr; throws unless it exits with status 0.
    private func run(_ tool: String, _ arguments: [String], in folder: URL) throws -> String {
        let errors = folder.appendingPathComponent("\(tool).stderr")
        guard FileManager.default.createFile(atPath: errors.path, contents: nil) else {
            throw Failure(description: "cannot create \(errors.path)")
        }
        let process = Process()
        process.executableURL = try Self.executable(tool)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        // A file, not a pipe: a chatty tool cannot block on a full pipe while we wait for it to exit.
        let errorHandle = try FileHandle(forWritingTo: errors)
        defer { try? errorHandle.close() }
        process.standardError = errorHandle
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
            throw Failure(description: "\(tool) did not finish within \(timeout) s")
        }
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw Failure(description: "\(tool) exited with status \(process.terminationStatus): \(stderr)")
        }
        return stderr
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("h264-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// `tool` (ffmpeg, ffprobe) from PATH.
    static func executable(_ tool: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(tool)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw Failure(description: "\(tool) is not installed (apt install ffmpeg)")
    }
}
