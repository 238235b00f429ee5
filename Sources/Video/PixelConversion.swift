/// A captured picture that cannot be converted as described: the driver handed over less than its
/// format needs, or a line length too short for the width. Converting never reads past the buffer.
public enum PixelConversionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The buffer holds `available` bytes; the picture's layout needs `needed`.
    case bufferTooShort(needed: Int, available: Int)
    /// `bytesPerLine` is less than a line of the picture takes, `minimum`.
    case bytesPerLineTooSmall(bytesPerLine: Int, minimum: Int)

    public var description: String {
        switch self {
        case .bufferTooShort(let needed, let available):
            "the frame has \(available) bytes, its format needs \(needed)"
        case .bytesPerLineTooSmall(let bytesPerLine, let minimum):
            "\(bytesPerLine) bytes per line is less than the width needs (\(minimum))"
        }
    }
}

/// Converts the raw formats cameras deliver into an existing `I420Frame`, allocating nothing.
///
/// The layouts follow the kernel's V4L2 format documentation (Documentation/userspace-api/media/v4l/):
/// `bytesPerLine` is the line length of the largest plane (`v4l2_pix_format.bytesperline`), which
/// may exceed the width (padding); in the single-planar formats the chroma follows the luma at
/// `bytesPerLine × height`, and for the 4:2:0 planar formats a chroma line is `bytesPerLine / 2`
/// (pixfmt-yuv-planar.rst; rounded up here, which is where an odd-width plane of ⌈width / 2⌉
/// samples ends). A picture of odd width or height becomes the I420 frame one pixel smaller in
/// that direction (the last column or row is dropped), since I420 needs even sizes.
public enum PixelConversion {
    /// The I420 frame size a `width` × `height` picture converts into: both rounded down to even.
    public static func frameSize(width: Int, height: Int) -> (width: Int, height: Int) {
        (width & ~1, height & ~1)
    }

    /// The bytes a picture of this layout must have for `convert` to read it all (only what is
    /// read: the padding after the last line may be missing).
    public static func requiredLength(format: PixelFormat, width: Int, height: Int, bytesPerLine: Int) throws(PixelConversionError) -> Int {
        try Layout(format: format, width: width, height: height, bytesPerLine: bytesPerLine).required
    }

    /// Converts the picture in `buffer` (`format`, `width` × `height`, lines `bytesPerLine` apart)
    /// into `frame`, which must be `frameSize(width:height:)`. 4:2:2 chroma becomes 4:2:0 by
    /// averaging each pair of lines (rounding halves up). MJPEG is not raw: `LinuxDevices.MJPEGDecoder`.
    /// - Throws: `PixelConversionError` if the buffer is shorter than the layout needs or the line
    ///   length cannot hold a line; `frame` may then be partly overwritten.
    public static func convert(
        _ buffer: UnsafeRawBufferPointer, format: PixelFormat, width: Int, height: Int, bytesPerLine: Int, into frame: I420Frame
    ) throws(PixelConversionError) {
        precondition(format.isRaw, "MJPEG is decoded, not converted")
        let size = frameSize(width: width, height: height)
        precondition(size.width > 0 && size.height > 0 && frame.width == size.width && frame.height == size.height,
                     "the frame must be the picture's size rounded down to even")
        let layout = try Layout(format: format, width: width, height: height, bytesPerLine: bytesPerLine)
        guard buffer.count >= layout.required else {
            throw .bufferTooShort(needed: layout.required, available: buffer.count)
        }
        guard let source = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        frame.withPlanes { y, u, v in
            let y = y.baseAddress!, u = u.baseAddress!, v = v.baseAddress!
            switch format {
            case .yuyv:
                packed422(source, layout, y, u, v, luma: 0, cb: 1, cr: 3)
            case .uyvy:
                packed422(source, layout, y, u, v, luma: 1, cb: 0, cr: 2)
            case .nv12:
                copyLuma(source, layout, y)
                semiplanar420(source + layout.chromaOffset, layout, first: u, second: v)
            case .nv21:
                copyLuma(source, layout, y)
                semiplanar420(source + layout.chromaOffset, layout, first: v, second: u)
            case .yuv420:
                copyLuma(source, layout, y)
                planar420(source + layout.chromaOffset, layout, first: u, second: v)
            case .yvu420:
                copyLuma(source, layout, y)
                planar420(source + layout.chromaOffset, layout, first: v, second: u)
            case .mjpeg:
                preconditionFailure("MJPEG is decoded, not converted")
            }
        }
    }

    /// Where the planes of a raw picture lie, and how much of it conversion reads.
    struct Layout {
        /// The frame's size: the picture's, rounded down to even.
        let width: Int, height: Int
        let bytesPerLine: Int
        /// Where the (first) chroma plane starts; 0 for the packed formats.
        let chromaOffset: Int
        /// The line length of each chroma plane of the 4:2:0 planar formats.
        let chromaBytesPerLine: Int
        /// Where the second chroma plane starts, from `chromaOffset`.
        let secondChromaOffset: Int
        /// One past the last byte read.
        let required: Int

        init(format: PixelFormat, width pictureWidth: Int, height pictureHeight: Int, bytesPerLine: Int) throws(PixelConversionError) {
            precondition(format.isRaw, "MJPEG is decoded, not converted")
            precondition(pictureWidth >= 2 && pictureHeight >= 2, "a picture to convert is at least 2 × 2")
            (width, height) = PixelConversion.frameSize(width: pictureWidth, height: pictureHeight)
            self.bytesPerLine = bytesPerLine
            let chromaWidth = (pictureWidth + 1) / 2, chromaHeight = (pictureHeight + 1) / 2
            switch format {
            case .yuyv, .uyvy:
                // Two bytes per pixel; an odd width still ends with a whole Y Cb Y Cr group.
                let minimum = chromaWidth * 4
                guard bytesPerLine >= minimum else { throw .bytesPerLineTooSmall(bytesPerLine: bytesPerLine, minimum: minimum) }
                chromaOffset = 0
                chromaBytesPerLine = 0
                secondChromaOffset = 0
                required = (height - 1) * bytesPerLine + width * 2
            case .nv12, .nv21:
                // pixfmt-yuv-planar.rst: the CbCr plane has the Y plane's line length and half its lines.
                guard bytesPerLine >= pictureWidth else { throw .bytesPerLineTooSmall(bytesPerLine: bytesPerLine, minimum: pictureWidth) }
                chromaOffset = bytesPerLine * pictureHeight
                chromaBytesPerLine = bytesPerLine
                secondChromaOffset = 0
                required = chromaOffset + (height / 2 - 1) * bytesPerLine + width
            case .yuv420, .yvu420:
                guard bytesPerLine >= pictureWidth else { throw .bytesPerLineTooSmall(bytesPerLine: bytesPerLine, minimum: pictureWidth) }
                chromaOffset = bytesPerLine * pictureHeight
                chromaBytesPerLine = (bytesPerLine + 1) / 2
                secondChromaOffset = chromaBytesPerLine * chromaHeight
                required = chromaOffset + secondChromaOffset + (height / 2 - 1) * chromaBytesPerLine + width / 2
            case .mjpeg:
                preconditionFailure("MJPEG is decoded, not converted")
            }
        }
    }

    /// Copies the Y plane line by line, dropping the padding (and an odd last column).
    private static func copyLuma(_ source: UnsafePointer<UInt8>, _ layout: Layout, _ y: UnsafeMutablePointer<UInt8>) {
        for row in 0..<layout.height {
            (y + row * layout.width).update(from: source + row * layout.bytesPerLine, count: layout.width)
        }
    }

    /// YUYV or UYVY: luma as is, each chroma sample the mean of the two lines it covers in 4:2:0.
    private static func packed422(
        _ source: UnsafePointer<UInt8>, _ layout: Layout, _ y: UnsafeMutablePointer<UInt8>,
        _ u: UnsafeMutablePointer<UInt8>, _ v: UnsafeMutablePointer<UInt8>, luma: Int, cb: Int, cr: Int
    ) {
        let width = layout.width, stride = layout.bytesPerLine, chromaWidth = width / 2
        for row in 0..<layout.height {
            let line = source + row * stride, out = y + row * width
            for x in 0..<width { out[x] = line[2 * x + luma] }
        }
        for chromaRow in 0..<layout.height / 2 {
            let upper = source + 2 * chromaRow * stride, lower = upper + stride
            let outU = u + chromaRow * chromaWidth, outV = v + chromaRow * chromaWidth
            for x in 0..<chromaWidth {
                outU[x] = UInt8((UInt16(upper[4 * x + cb]) + UInt16(lower[4 * x + cb]) + 1) >> 1)
                outV[x] = UInt8((UInt16(upper[4 * x + cr]) + UInt16(lower[4 * x + cr]) + 1) >> 1)
            }
        }
    }

    /// NV12 or NV21: the interleaved chroma plane split into two.
    private static func semiplanar420(
        _ chroma: UnsafePointer<UInt8>, _ layout: Layout, first: UnsafeMutablePointer<UInt8>, second: UnsafeMutablePointer<UInt8>
    ) {
        let chromaWidth = layout.width / 2
        for row in 0..<layout.height / 2 {
            let line = chroma + row * layout.chromaBytesPerLine
            let outFirst = first + row * chromaWidth, outSecond = second + row * chromaWidth
            for x in 0..<chromaWidth {
                outFirst[x] = line[2 * x]
                outSecond[x] = line[2 * x + 1]
            }
        }
    }

    /// YU12 or YV12: each chroma plane copied line by line.
    private static func planar420(
        _ chroma: UnsafePointer<UInt8>, _ layout: Layout, first: UnsafeMutablePointer<UInt8>, second: UnsafeMutablePointer<UInt8>
    ) {
        let chromaWidth = layout.width / 2
        for row in 0..<layout.height / 2 {
            let line = chroma + row * layout.chromaBytesPerLine
            (first + row * chromaWidth).update(from: line, count: chromaWidth)
            (second + row * chromaWidth).update(from: line + layout.secondChromaOffset, count: chromaWidth)
        }
    }
}
