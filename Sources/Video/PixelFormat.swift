/// A picture format a camera may deliver, as far as doorstation can turn it into I420.
///
/// The raw formats are the kernel's "YUV formats" (Documentation/userspace-api/media/v4l/yuv-formats.rst);
/// MJPEG is decoded by `LinuxDevices.MJPEGDecoder`.
public enum PixelFormat: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `YUYV` (V4L2_PIX_FMT_YUYV): packed 4:2:2, Y0 Cb Y1 Cr; the format every UVC webcam offers.
    case yuyv
    /// `UYVY` (V4L2_PIX_FMT_UYVY): packed 4:2:2, Cb Y0 Cr Y1; common on CSI bridges (e.g. TC358743).
    case uyvy
    /// `NV12` (V4L2_PIX_FMT_NV12): a Y plane, then one plane of interleaved Cb Cr at 4:2:0.
    case nv12
    /// `NV21` (V4L2_PIX_FMT_NV21): as NV12 with Cr before Cb.
    case nv21
    /// `YU12` (V4L2_PIX_FMT_YUV420): planar Y, Cb, Cr at 4:2:0, which is I420 itself.
    case yuv420
    /// `YV12` (V4L2_PIX_FMT_YVU420): planar Y, Cr, Cb at 4:2:0.
    case yvu420
    /// `MJPG` (V4L2_PIX_FMT_MJPEG): a JPEG picture per frame; what USB 2 webcams send at 720p and above.
    case mjpeg

    /// The order in which a format is chosen among those a camera offers: least work first.
    /// I420 needs only a copy, the other 4:2:0 layouts a shuffle of the chroma, the 4:2:2 ones an
    /// average of two rows, and MJPEG a JPEG decode (the costliest, and lossy once more).
    public static let preferenceOrder: [PixelFormat] = [.yuv420, .yvu420, .nv12, .nv21, .yuyv, .uyvy, .mjpeg]

    /// The V4L2 four-character code, `v4l2_fourcc(a, b, c, d)`: a | b << 8 | c << 16 | d << 24
    /// (include/uapi/linux/videodev2.h).
    public var fourcc: UInt32 {
        switch self {
        case .yuyv: Self.fourcc("YUYV")
        case .uyvy: Self.fourcc("UYVY")
        case .nv12: Self.fourcc("NV12")
        case .nv21: Self.fourcc("NV21")
        case .yuv420: Self.fourcc("YU12")
        case .yvu420: Self.fourcc("YV12")
        case .mjpeg: Self.fourcc("MJPG")
        }
    }

    /// The format with this four-character code, or `nil` for one doorstation cannot convert.
    public init?(fourcc: UInt32) {
        guard let format = Self.allCases.first(where: { $0.fourcc == fourcc }) else { return nil }
        self = format
    }

    /// The rank in `preferenceOrder`: lower is preferred.
    public var preference: Int { Self.preferenceOrder.firstIndex(of: self)! }

    /// Whether each pixel is stored as such (not compressed), so a frame's size follows from its layout.
    public var isRaw: Bool { self != .mjpeg }

    /// The four characters, as `v4l2-ctl --list-formats` prints them.
    public var description: String { Self.name(ofFourcc: fourcc) }

    /// The four characters of any code, e.g. `H264` for a format doorstation does not convert.
    public static func name(ofFourcc code: UInt32) -> String {
        var text = ""
        for shift in stride(from: 0, to: 32, by: 8) {
            let byte = UInt8(truncatingIfNeeded: code >> UInt32(shift))
            text.unicodeScalars.append(byte >= 0x20 && byte < 0x7F ? Unicode.Scalar(byte) : "?")
        }
        return text
    }

    private static func fourcc(_ name: StaticString) -> UInt32 {
        precondition(name.utf8CodeUnitCount == 4, "a four-character code has four characters")
        let bytes = name.utf8Start
        return UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    }
}
