import Devices
@testable import LinuxDevices
import Testing
import Video

#if canImport(Glibc)
import Glibc
#endif

/// The TurboJPEG decoder on JPEGs of the test pattern made by the ffmpeg CLI, as an MJPEG camera
/// would send them: 4:2:0 (webcams), 4:2:2 and 4:4:4 (some capture bridges), and an odd size.
@Suite struct MJPEGDecoderTests {
    /// A JPEG of test-pattern frame `sequence`, `width` × `height` (odd sizes cropped from the next
    /// even one), encoded by ffmpeg in `pixelFormat` at high quality.
    static func jpeg(width: Int, height: Int, pixelFormat: String, sequence: UInt64) throws -> (jpeg: [UInt8], original: I420Frame) {
        let original = I420Frame(width: (width + 1) & ~1, height: (height + 1) & ~1)
        TestPattern().render(into: original, sequence: sequence, timestamp: 0)
        // yuv420p of the (possibly odd) size, as ffmpeg's rawvideo reads it: chroma ⌈w/2⌉ × ⌈h/2⌉.
        var raw: [UInt8] = []
        original.withPlanes { y, u, v in
            for row in 0..<height { raw += y[row * original.width..<row * original.width + width] }
            for plane in [u, v] {
                for row in 0..<(height + 1) / 2 { raw += plane[row * original.chromaWidth..<row * original.chromaWidth + (width + 1) / 2] }
            }
        }
        let scratch = Scratch()
        let input = scratch.path("in.yuv"), output = scratch.path("out.jpg")
        try FFmpeg.write(raw, to: input)
        try FFmpeg.run(["-v", "error", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", "\(width)x\(height)", "-i", input,
                        "-pix_fmt", pixelFormat, "-q:v", "2", "-frames:v", "1", "-y", output])
        let jpeg = scratch.bytes(output)
        try #require(jpeg.count > 100, "ffmpeg wrote a JPEG")
        return (jpeg, original)
    }

    /// Mean absolute difference between two planes over the first `width` columns of each row.
    static func meanDifference(_ a: UnsafeMutableBufferPointer<UInt8>, stride aStride: Int, _ b: UnsafeMutableBufferPointer<UInt8>,
                               stride bStride: Int, width: Int, rows: Int) -> Double {
        var sum = 0
        for row in 0..<rows {
            for x in 0..<width { sum += abs(Int(a[row * aStride + x]) - Int(b[row * bStride + x])) }
        }
        return Double(sum) / Double(width * rows)
    }

    @Test(arguments: [("yuvj420p", 320, 240), ("yuvj422p", 320, 240), ("yuvj444p", 320, 240), ("yuvj420p", 640, 480), ("yuvj420p", 321, 241)])
    func decodesTheTestPatternBackIntoStudioRange(pixelFormat: String, width: Int, height: Int) throws {
        let (jpeg, original) = try Self.jpeg(width: width, height: height, pixelFormat: pixelFormat, sequence: 0x5A5A5)
        let decoder = try MJPEGDecoder(width: width, height: height, device: "/dev/video0")
        let frame = I420Frame(width: width & ~1, height: height & ~1)
        try jpeg.withUnsafeBytes { try decoder.decode($0, into: frame) }
        #expect(TestPattern.decodeSequence(from: frame) == 0x5A5A5)
        #expect(decoder.warnings == 0)
        // ffmpeg maps the pattern's studio range to JPEG's full range; decoding maps it back.
        // Without that, luma would be off by about 10 on average (and 20 at white).
        let (lumaDifference, chromaDifference) = original.withPlanes { y0, u0, _ in
            frame.withPlanes { y1, u1, _ in
                (Self.meanDifference(y0, stride: original.width, y1, stride: frame.width, width: frame.width, rows: frame.height),
                 Self.meanDifference(u0, stride: original.chromaWidth, u1, stride: frame.chromaWidth, width: frame.chromaWidth, rows: frame.chromaHeight))
            }
        }
        #expect(lumaDifference < 3, "luma off by \(lumaDifference) on average")
        #expect(chromaDifference < 3, "chroma off by \(chromaDifference) on average")
        #expect(abs(Int(frame.luma(x: 20, y: 120)) - Int(original.luma(x: 20, y: 120))) <= 3, "white bar")
    }

    @Test func truncatedPictureIsAnError() throws {
        let (jpeg, _) = try Self.jpeg(width: 320, height: 240, pixelFormat: "yuvj420p", sequence: 1)
        let decoder = try MJPEGDecoder(width: 320, height: 240, device: "/dev/video0")
        let frame = I420Frame(width: 320, height: 240)
        for length in [jpeg.count / 2, jpeg.count - 2, 3, 0] {
            let error = #expect(throws: DeviceError.self) {
                try jpeg.withUnsafeBytes { try decoder.decode(UnsafeRawBufferPointer(rebasing: $0[0..<length]), into: frame) }
            }
            #expect(error?.device == "/dev/video0" && error?.operation == "decoding MJPEG")
            #expect(error?.reason == "the picture is cut short (\(length) bytes without the JPEG end marker)")
        }
    }

    @Test func damagedPictureIsAnErrorWithTurboJPEGsText() throws {
        var (jpeg, _) = try Self.jpeg(width: 320, height: 240, pixelFormat: "yuvj420p", sequence: 1)
        jpeg[0] = 0x12  // no start-of-image marker
        let decoder = try MJPEGDecoder(width: 320, height: 240, device: "/dev/video0")
        let frame = I420Frame(width: 320, height: 240)
        let error = #expect(throws: DeviceError.self) { try jpeg.withUnsafeBytes { try decoder.decode($0, into: frame) } }
        #expect(error?.reason.hasPrefix("damaged JPEG: ") == true)
        #expect(error?.reason.contains("Not a JPEG file") == true, "\(error?.reason ?? "")")
        // Noise that merely ends like a JPEG.
        let noise = (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) } + [0xFF, 0xD9]
        #expect(throws: DeviceError.self) { try noise.withUnsafeBytes { try decoder.decode($0, into: frame) } }
    }

    /// Bytes between the picture data and the end marker: libjpeg warns ("Corrupt JPEG data: N
    /// extraneous bytes before marker 0xd9", as some webcams cause on every frame), the picture is whole.
    @Test func extraneousBytesOnlyWarn() throws {
        let (jpeg, _) = try Self.jpeg(width: 320, height: 240, pixelFormat: "yuvj420p", sequence: 77)
        let padded = jpeg[..<(jpeg.count - 2)] + [UInt8](repeating: 0x55, count: 100) + [0xFF, 0xD9]
        let decoder = try MJPEGDecoder(width: 320, height: 240, device: "/dev/video0")
        let frame = I420Frame(width: 320, height: 240)
        try padded.withUnsafeBytes { try decoder.decode($0, into: frame) }
        #expect(TestPattern.decodeSequence(from: frame) == 77)
        #expect(decoder.warnings == 1)
        #expect(decoder.firstWarning?.contains("extraneous bytes") == true, "\(decoder.firstWarning ?? "no warning")")
    }

    @Test func pictureOfAnotherSizeIsAnError() throws {
        let (jpeg, _) = try Self.jpeg(width: 320, height: 240, pixelFormat: "yuvj420p", sequence: 1)
        let decoder = try MJPEGDecoder(width: 640, height: 480, device: "/dev/video0")
        let frame = I420Frame(width: 640, height: 480)
        let error = #expect(throws: DeviceError.self) { try jpeg.withUnsafeBytes { try decoder.decode($0, into: frame) } }
        #expect(error?.reason == "the camera sent a 320x240 picture, not the 640x480 agreed on")
    }

    /// End markers found within the last KiB, after padding; not in a picture cut short.
    @Test(arguments: [([UInt8](), false), ([0xFF, 0xD8, 0xFF, 0xD9], true), ([0xFF, 0xD8, 0x00, 0xFF, 0xD9, 0, 0, 0], true),
                      ([0xFF, 0xD8, 0xFF, 0xD9] + [UInt8](repeating: 0, count: 1030), false), ([0xFF, 0xD8, 0x12, 0x34, 0xFF], false)])
    func endMarkerIsLookedForAtTheEnd(bytes: [UInt8], found: Bool) {
        #expect(bytes.withUnsafeBytes { MJPEGDecoder.hasEndMarker($0) } == found)
    }

    @Test(arguments: [(0, 16), (255, 235), (128, 126)])
    func lumaMapsToStudioRange(full: Int, studio: UInt8) {
        #expect(MJPEGDecoder.lumaTable[full] == studio)
    }

    @Test(arguments: [(0, 16), (255, 240), (128, 128)])
    func chromaMapsToStudioRange(full: Int, studio: UInt8) {
        #expect(MJPEGDecoder.chromaTable[full] == studio)
    }
}

/// Runs the ffmpeg CLI for test inputs: stdin and stdout on /dev/null, stderr kept for the
/// failure message, killed after 30 s.
enum FFmpeg {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else { throw Failure(description: "cannot write \(path)") }
        defer { fclose(file) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else { throw Failure(description: "short write to \(path)") }
    }

    static func run(_ arguments: [String], timeout: Double = 30) throws {
        let scratch = Scratch()
        let log = scratch.path("ffmpeg.log")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = (["ffmpeg"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "ffmpeg", &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure(description: "cannot start ffmpeg: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        let deadline = MonotonicClock().now() + UInt64(timeout * 1e9)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if MonotonicClock().now() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw Failure(description: "ffmpeg did not finish in \(Int(timeout)) s")
            }
            usleep(5000)
        }
        guard status == 0 else {
            throw Failure(description: "ffmpeg failed (status \(status)): " + String(decoding: scratch.bytes(log), as: UTF8.self))
        }
    }
}
