import CTurboJPEG
import Devices
import Video

/// Decodes the JPEG pictures of an MJPEG camera into an I420 frame with libjpeg-turbo's TurboJPEG API.
///
/// 4:2:0 pictures (what webcams send) decode straight into the frame's planes; 4:2:2, 4:4:4 and the
/// rarer layouts decode into scratch planes allocated on first use, whose chroma is then averaged
/// down to 4:2:0. JPEG is full range (JFIF, ITU-T T.871 §7: Y and Cb/Cr use all of 0…255), while
/// an I420 frame is BT.601 studio range (Y 16…235, Cb/Cr 16…240, as x264 assumes), so the samples
/// are mapped through a table at the end.
///
/// A damaged picture is an error, never a crash: TurboJPEG reports errors by return value. Its
/// warnings (libjpeg's "Corrupt JPEG data: N extraneous bytes before marker", which some webcams
/// cause on every frame) leave a whole picture and only count in `warnings`; a picture cut short
/// (libjpeg only warns, and fills the rest grey) is caught beforehand by its missing end marker.
public final class MJPEGDecoder {
    /// The picture size agreed with the camera; a picture of another size is an error.
    public let width: Int
    public let height: Int
    /// The camera, for errors.
    public let device: String
    /// Pictures decoded despite a TurboJPEG warning, and the first warning's text (kept once: a camera may warn on every frame).
    public private(set) var warnings = 0
    public private(set) var firstWarning: String?

    private let handle: tjhandle
    /// Y, Cb and Cr at full size, for pictures that do not decode straight into the frame.
    private var scratch: UnsafeMutableBufferPointer<UInt8>?

    /// Starts a decompressor for `width` × `height` pictures. The corresponding C function is `tjInitDecompress`.
    public init(width: Int, height: Int, device: String) throws(DeviceError) {
        precondition(width >= 2 && height >= 2, "a picture to decode is at least 2 × 2")
        self.width = width
        self.height = height
        self.device = device
        guard let handle = tjInitDecompress() else {
            throw DeviceError(device: device, operation: "starting the MJPEG decoder", reason: String(cString: tjGetErrorStr2(nil)))
        }
        self.handle = handle
    }

    deinit {
        tjDestroy(handle)
        scratch?.deallocate()
    }

    /// Decodes one JPEG picture into `frame`, which must be `width` × `height` rounded down to even
    /// (`PixelConversion.frameSize`). The corresponding C functions are `tjDecompressHeader3` and
    /// `tjDecompressToYUVPlanes`.
    /// - Throws: `DeviceError` (operation "decoding MJPEG") for a picture cut short, one TurboJPEG
    ///   cannot read (its message, from `tjGetErrorStr2`), or one of another size or colour layout.
    public func decode(_ jpeg: UnsafeRawBufferPointer, into frame: I420Frame) throws(DeviceError) {
        let size = PixelConversion.frameSize(width: width, height: height)
        precondition(frame.width == size.width && frame.height == size.height, "the frame must be the picture's size rounded down to even")
        guard let bytes = jpeg.baseAddress?.assumingMemoryBound(to: UInt8.self), Self.hasEndMarker(jpeg) else {
            throw failure("the picture is cut short (\(jpeg.count) bytes without the JPEG end marker)")
        }
        var pictureWidth: Int32 = 0, pictureHeight: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, bytes, UInt(jpeg.count), &pictureWidth, &pictureHeight, &subsampling, &colorspace) == 0 else {
            throw failure("damaged JPEG: \(message)")
        }
        guard pictureWidth == width, pictureHeight == height else {
            throw failure("the camera sent a \(pictureWidth)x\(pictureHeight) picture, not the \(width)x\(height) agreed on")
        }
        guard let factors = Self.chromaFactors(subsampling) else {
            throw failure("JPEG chroma subsampling \(subsampling) is not supported")
        }
        let direct = subsampling == Int32(TJSAMP_420.rawValue) && width == size.width && height == size.height
        let problem = frame.withPlanes { y, u, v -> String? in
            if direct {
                if let problem = decompress(bytes, jpeg.count, y.baseAddress!, u.baseAddress!, v.baseAddress!,
                                            lumaStride: width, chromaStride: width / 2) { return problem }
            } else {
                let scratch = scratchPlanes(), area = width * height
                let chromaStride = factors.horizontal == 0 ? 0 : (width + factors.horizontal - 1) / factors.horizontal
                if let problem = decompress(bytes, jpeg.count, scratch, scratch + area, scratch + 2 * area,
                                            lumaStride: width, chromaStride: chromaStride) { return problem }
                for row in 0..<size.height {
                    (y.baseAddress! + row * size.width).update(from: scratch + row * width, count: size.width)
                }
                if factors.horizontal == 0 {
                    u.update(repeating: 128)  // greyscale: neutral chroma
                    v.update(repeating: 128)
                } else {
                    Self.downsample(scratch + area, stride: chromaStride, factors, into: u, size)
                    Self.downsample(scratch + 2 * area, stride: chromaStride, factors, into: v, size)
                }
            }
            Self.toStudioRange(y, Self.lumaTable)
            Self.toStudioRange(u, Self.chromaTable)
            Self.toStudioRange(v, Self.chromaTable)
            return nil
        }
        if let problem { throw failure(problem) }
    }

    /// Decompresses into three planes; returns what went wrong, if anything. Plane pointers and
    /// strides go through stack memory: a frame allocates nothing on the Swift side.
    private func decompress(
        _ bytes: UnsafePointer<UInt8>, _ count: Int, _ y: UnsafeMutablePointer<UInt8>, _ u: UnsafeMutablePointer<UInt8>,
        _ v: UnsafeMutablePointer<UInt8>, lumaStride: Int, chromaStride: Int
    ) -> String? {
        let result = withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<UInt8>?.self, capacity: 3) { planes in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: 3) { strides in
                planes.initialize(repeating: nil)
                planes[0] = y; planes[1] = u; planes[2] = v
                strides.initialize(repeating: Int32(chromaStride))
                strides[0] = Int32(lumaStride)
                // TJFLAG_FASTDCT: the integer IDCT, fastest on ARM; its error is far below the encoder's.
                return tjDecompressToYUVPlanes(handle, bytes, UInt(count), planes.baseAddress, Int32(width),
                                               strides.baseAddress, Int32(height), TJFLAG_FASTDCT)
            }
        }
        guard result != 0 else { return nil }
        guard tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) else { return "damaged JPEG: \(message)" }
        warnings += 1
        if firstWarning == nil { firstWarning = message }
        return nil
    }

    private var message: String { String(cString: tjGetErrorStr2(handle)) }

    private func failure(_ reason: String) -> DeviceError {
        DeviceError(device: device, operation: "decoding MJPEG", reason: reason)
    }

    private func scratchPlanes() -> UnsafeMutablePointer<UInt8> {
        if let scratch { return scratch.baseAddress! }
        let planes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 3 * width * height)
        planes.initialize(repeating: 128)
        scratch = planes
        return planes.baseAddress!
    }

    /// Whether the picture ends with EOI (FF D9, ITU-T T.81 §B.2.1) within its last KiB. A
    /// frame cut short by a lost USB packet lacks it; the bytes after it are padding some cameras
    /// add. Entropy-coded data cannot hold FF D9 (an FF there is followed by 00 or a restart
    /// marker, §F.1.2.3), so what is found is the end marker.
    static func hasEndMarker(_ jpeg: UnsafeRawBufferPointer) -> Bool {
        guard jpeg.count >= 4 else { return false }
        var index = jpeg.count - 1
        let stop = max(1, jpeg.count - 1024)
        while index >= stop {
            if jpeg[index] == 0xD9, jpeg[index - 1] == 0xFF { return true }
            index -= 1
        }
        return false
    }

    /// Luma samples per chroma sample across and down; (0, 0) for greyscale; nil if unknown.
    static func chromaFactors(_ subsampling: Int32) -> (horizontal: Int, vertical: Int)? {
        switch UInt32(bitPattern: subsampling) {
        case TJSAMP_444.rawValue: (1, 1)
        case TJSAMP_422.rawValue: (2, 1)
        case TJSAMP_420.rawValue: (2, 2)
        case TJSAMP_440.rawValue: (1, 2)
        case TJSAMP_411.rawValue: (4, 1)
        case TJSAMP_GRAY.rawValue: (0, 0)
        default: nil
        }
    }

    /// Each 4:2:0 chroma sample is the mean of the source chroma at the four luma pixels it covers.
    static func downsample(
        _ source: UnsafeMutablePointer<UInt8>, stride: Int, _ factors: (horizontal: Int, vertical: Int),
        into plane: UnsafeMutableBufferPointer<UInt8>, _ size: (width: Int, height: Int)
    ) {
        let chromaWidth = size.width / 2
        for row in 0..<size.height / 2 {
            let upper = source + (2 * row / factors.vertical) * stride
            let lower = source + ((2 * row + 1) / factors.vertical) * stride
            for column in 0..<chromaWidth {
                let left = 2 * column / factors.horizontal, right = (2 * column + 1) / factors.horizontal
                let sum = Int(upper[left]) + Int(upper[right]) + Int(lower[left]) + Int(lower[right])
                plane[row * chromaWidth + column] = UInt8((sum + 2) >> 2)
            }
        }
    }

    /// Full range to BT.601 studio range: Y' = 16 + Y · 219/255, C' = 128 + (C − 128) · 224/255.
    static let lumaTable: [UInt8] = (0...255).map { UInt8((16 + Double($0) * 219 / 255).rounded()) }
    static let chromaTable: [UInt8] = (0...255).map { UInt8((128 + (Double($0) - 128) * 224 / 255).rounded()) }

    private static func toStudioRange(_ plane: UnsafeMutableBufferPointer<UInt8>, _ table: [UInt8]) {
        table.withUnsafeBufferPointer { table in
            for index in plane.indices { plane[index] = table[Int(plane[index])] }
        }
    }
}
