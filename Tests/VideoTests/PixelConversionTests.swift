import Testing
import Video

/// Conversions into I420 on pictures small enough to write out byte by byte: 4×2 pixels give
/// one chroma sample pair per 2×2 block, so each table shows exactly where every value goes.
@Suite struct PixelConversionTests {
    /// The I420 planes the 4×2 pictures below convert into. The 4:2:2 pictures carry chroma per
    /// line; their 4:2:0 value is the mean of the two lines, halves rounded up.
    static let luma: [UInt8] = [10, 11, 12, 13, 20, 21, 22, 23]
    static let chromaU: [UInt8] = [105, 108]  // (100 + 110 + 1) / 2, (102 + 113 + 1) / 2
    static let chromaV: [UInt8] = [205, 207]  // (200 + 210 + 1) / 2, (202 + 211 + 1) / 2

    /// 4×2 pictures in each raw format, lines `padding` bytes longer than needed (filled with 0xEE,
    /// which must not show up anywhere).
    static func picture(_ format: PixelFormat, padding: Int) -> (bytes: [UInt8], bytesPerLine: Int) {
        let pad = [UInt8](repeating: 0xEE, count: padding)
        let lines: [[UInt8]]
        switch format {
        case .yuyv: lines = [[10, 100, 11, 200, 12, 102, 13, 202], [20, 110, 21, 210, 22, 113, 23, 211]]
        case .uyvy: lines = [[100, 10, 200, 11, 102, 12, 202, 13], [110, 20, 210, 21, 113, 22, 211, 23]]
        case .nv12: lines = [[10, 11, 12, 13], [20, 21, 22, 23], [105, 205, 108, 207]]
        case .nv21: lines = [[10, 11, 12, 13], [20, 21, 22, 23], [205, 105, 207, 108]]
        case .yuv420, .yvu420:
            // Chroma lines are half the luma line length, padding included (bytesperline / 2).
            let chromaPad = [UInt8](repeating: 0xEE, count: padding / 2)
            let first: [UInt8] = format == .yuv420 ? [105, 108] : [205, 207]
            let second: [UInt8] = format == .yuv420 ? [205, 207] : [105, 108]
            let bytes = [10, 11, 12, 13] + pad + [20, 21, 22, 23] + pad + first + chromaPad + second + chromaPad
            return (bytes, 4 + padding)
        case .mjpeg: preconditionFailure("not raw")
        }
        let lineLength = lines[0].count + padding
        return (lines.flatMap { $0 + pad }, lineLength)
    }

    static let rawFormats: [PixelFormat] = [.yuyv, .uyvy, .nv12, .nv21, .yuv420, .yvu420]

    static func planes(_ frame: I420Frame) -> (y: [UInt8], u: [UInt8], v: [UInt8]) {
        frame.withPlanes { y, u, v in (Array(y), Array(u), Array(v)) }
    }

    @Test(arguments: rawFormats, [0, 4, 12])
    func everyRawFormatConvertsToTheSamePlanes(format: PixelFormat, padding: Int) throws {
        let (bytes, bytesPerLine) = Self.picture(format, padding: padding)
        let frame = I420Frame(width: 4, height: 2)
        try bytes.withUnsafeBytes {
            try PixelConversion.convert($0, format: format, width: 4, height: 2, bytesPerLine: bytesPerLine, into: frame)
        }
        let (y, u, v) = Self.planes(frame)
        #expect(y == Self.luma)
        #expect(u == Self.chromaU)
        #expect(v == Self.chromaV)
    }

    /// Bytes needed: up to the last byte read, so the padding after the last line may be missing.
    @Test(arguments: [
        (PixelFormat.yuyv, 4, 2, 8, 16), (.yuyv, 4, 2, 12, 20), (.uyvy, 4, 2, 8, 16),
        (.nv12, 4, 2, 4, 12), (.nv21, 4, 2, 8, 8 * 2 + 4), (.yuv420, 4, 2, 4, 12), (.yvu420, 4, 2, 8, 16 + 4 + 2),
        (.yuyv, 5, 3, 12, 12 + 8), (.nv12, 5, 3, 5, 15 + 4), (.yuv420, 5, 3, 5, 15 + 6 + 2), (.yuv420, 640, 480, 640, 460_800),
    ])
    func requiredLengthCoversWhatIsRead(format: PixelFormat, width: Int, height: Int, bytesPerLine: Int, required: Int) throws {
        #expect(try PixelConversion.requiredLength(format: format, width: width, height: height, bytesPerLine: bytesPerLine) == required)
    }

    @Test(arguments: rawFormats)
    func aShortBufferIsAnErrorNotAnOverread(format: PixelFormat) throws {
        let (bytes, bytesPerLine) = Self.picture(format, padding: 4)
        let needed = try PixelConversion.requiredLength(format: format, width: 4, height: 2, bytesPerLine: bytesPerLine)
        let frame = I420Frame(width: 4, height: 2)
        // Exactly the bytes needed convert (the rest of the last line's padding is cut off)...
        try bytes.withUnsafeBytes {
            try PixelConversion.convert(UnsafeRawBufferPointer(rebasing: $0[0..<needed]), format: format, width: 4, height: 2,
                                        bytesPerLine: bytesPerLine, into: frame)
        }
        #expect(Self.planes(frame).y == Self.luma)
        // ...one byte fewer does not.
        let error = #expect(throws: PixelConversionError.self) {
            try bytes.withUnsafeBytes {
                try PixelConversion.convert(UnsafeRawBufferPointer(rebasing: $0[0..<needed - 1]), format: format, width: 4, height: 2,
                                            bytesPerLine: bytesPerLine, into: frame)
            }
        }
        #expect(error == .bufferTooShort(needed: needed, available: needed - 1))
        #expect(error?.description == "the frame has \(needed - 1) bytes, its format needs \(needed)")
    }

    @Test(arguments: [(PixelFormat.yuyv, 7, 8), (.uyvy, 4, 8), (.nv12, 3, 4), (.yuv420, 2, 4)])
    func aLineLengthShorterThanALineIsAnError(format: PixelFormat, bytesPerLine: Int, minimum: Int) {
        let frame = I420Frame(width: 4, height: 2)
        let bytes = [UInt8](repeating: 0, count: 64)
        #expect(throws: PixelConversionError.bytesPerLineTooSmall(bytesPerLine: bytesPerLine, minimum: minimum)) {
            try bytes.withUnsafeBytes {
                try PixelConversion.convert($0, format: format, width: 4, height: 2, bytesPerLine: bytesPerLine, into: frame)
            }
        }
    }

    /// A 5×3 picture becomes a 4×2 frame: the last column and line are dropped, and so are the
    /// chroma samples that only they use.
    @Test func oddSizedYUYVDropsTheLastColumnAndLine() throws {
        let bytes: [UInt8] = [
            10, 100, 11, 200, 12, 102, 13, 202, 14, 104, 99, 204,  // Y4 and its pair's chroma, then a padding Y
            20, 110, 21, 210, 22, 113, 23, 211, 24, 114, 99, 214,
            30, 120, 31, 220, 32, 122, 33, 222, 34, 124, 99, 224,  // the third line: dropped
        ]
        let frame = I420Frame(width: 4, height: 2)
        try bytes.withUnsafeBytes { try PixelConversion.convert($0, format: .yuyv, width: 5, height: 3, bytesPerLine: 12, into: frame) }
        let (y, u, v) = Self.planes(frame)
        #expect(y == Self.luma && u == Self.chromaU && v == Self.chromaV)
    }

    /// Odd-sized planar pictures as ffmpeg's rawvideo writes them: chroma planes ⌈5/2⌉ = 3 wide
    /// and ⌈3/2⌉ = 2 high.
    @Test(arguments: [PixelFormat.yuv420, .yvu420])
    func oddSizedPlanarPictureUsesRoundedUpChromaPlanes(format: PixelFormat) throws {
        let lumaPlane: [UInt8] = [10, 11, 12, 13, 14, 20, 21, 22, 23, 24, 30, 31, 32, 33, 34]
        let u: [UInt8] = [105, 108, 111, 150, 151, 152], v: [UInt8] = [205, 207, 209, 250, 251, 252]
        let bytes = lumaPlane + (format == .yuv420 ? u + v : v + u)
        let frame = I420Frame(width: 4, height: 2)
        try bytes.withUnsafeBytes { try PixelConversion.convert($0, format: format, width: 5, height: 3, bytesPerLine: 5, into: frame) }
        let planes = Self.planes(frame)
        #expect(planes.y == Self.luma && planes.u == Self.chromaU && planes.v == Self.chromaV)
    }

    @Test func oddSizedNV12KeepsTheLineLengthForChroma() throws {
        let bytes: [UInt8] = [10, 11, 12, 13, 14, 20, 21, 22, 23, 24, 30, 31, 32, 33, 34,
                              105, 205, 108, 207, 99, 150, 250, 151, 251, 99]
        let frame = I420Frame(width: 4, height: 2)
        try bytes.withUnsafeBytes { try PixelConversion.convert($0, format: .nv12, width: 5, height: 3, bytesPerLine: 5, into: frame) }
        let planes = Self.planes(frame)
        #expect(planes.y == Self.luma && planes.u == Self.chromaU && planes.v == Self.chromaV)
    }

    /// A whole test pattern through YUYV and back: luma exact, chroma exact (both lines of a
    /// 4:2:0 pair carry the same chroma), with a line length padded as drivers align it.
    @Test(arguments: [(320, 240, 640), (320, 240, 704), (176, 144, 384)])
    func testPatternSurvivesYUYVWithPaddedLines(width: Int, height: Int, bytesPerLine: Int) throws {
        let original = I420Frame(width: width, height: height)
        TestPattern().render(into: original, sequence: 4242, timestamp: 0)
        var bytes = [UInt8](repeating: 0xEE, count: bytesPerLine * height)
        original.withPlanes { y, u, v in
            for row in 0..<height {
                for x in 0..<width {
                    bytes[row * bytesPerLine + 2 * x] = y[row * width + x]
                    let chroma = (row / 2) * (width / 2) + x / 2
                    bytes[row * bytesPerLine + 2 * x + 1] = x % 2 == 0 ? u[chroma] : v[chroma]
                }
            }
        }
        let frame = I420Frame(width: width, height: height)
        try bytes.withUnsafeBytes { try PixelConversion.convert($0, format: .yuyv, width: width, height: height, bytesPerLine: bytesPerLine, into: frame) }
        #expect(frame.storage == original.storage)
        #expect(TestPattern.decodeSequence(from: frame) == 4242)
    }

    @Test(arguments: [(640, 480, 640, 480), (641, 481, 640, 480), (2, 3, 2, 2)])
    func frameSizeRoundsDownToEven(width: Int, height: Int, frameWidth: Int, frameHeight: Int) {
        let size = PixelConversion.frameSize(width: width, height: height)
        #expect(size.width == frameWidth && size.height == frameHeight)
    }
}
