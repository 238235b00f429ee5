import CV4L2
import Devices
import Video

#if canImport(Glibc)
import Glibc
#endif

/// Format negotiation (Documentation/userspace-api/media/v4l/format.rst): what the camera offers,
/// then setting a format and a frame rate and reading back what the driver made of them.
extension V4L2Device {
    static let captureType = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue

    /// The formats doorstation converts, with their sizes and, at the size the choice would take
    /// in each, the highest frame rate; plus the names of the formats it does not convert.
    /// Formats libv4l2 emulates are left out (there should be none, with its conversion off).
    /// The corresponding C calls are `ioctl(VIDIOC_ENUM_FMT)`, `ioctl(VIDIOC_ENUM_FRAMESIZES)` and
    /// `ioctl(VIDIOC_ENUM_FRAMEINTERVALS)` through `v4l2_ioctl`.
    func formatOffers(wanted: FrameSize) -> (offers: [CameraFormatOffer], others: [String]) {
        var offers: [CameraFormatOffer] = [], others: [String] = []
        // vidioc-enum-fmt.rst: indexes count up from 0 until the driver answers EINVAL.
        for index in 0..<64 {
            var description = v4l2_fmtdesc()
            description.index = UInt32(index)
            description.type = Self.captureType
            guard case .success = ioctl(cv4l2_vidioc_enum_fmt(), &description) else { break }
            if description.flags & UInt32(V4L2_FMT_FLAG_EMULATED) != 0 { continue }
            guard let format = PixelFormat(fourcc: description.pixelformat) else {
                others.append(PixelFormat.name(ofFourcc: description.pixelformat))
                continue
            }
            // A driver without VIDIOC_ENUM_FRAMESIZES (it is optional) adjusts whatever size
            // VIDIOC_S_FMT asks for to the nearest it has, and the size is read back from there.
            let sizes = frameSizes(description.pixelformat) ?? .discrete([wanted])
            var offer = CameraFormatOffer(format: format, sizes: sizes)
            if let size = CameraFormatChoice.size(in: sizes, closestTo: wanted),
               let rate = maximumFramerate(description.pixelformat, size) {
                offer.maximumFramerates[size] = rate
            }
            offers.append(offer)
        }
        return (offers, others)
    }

    /// The sizes offered for a format, or nil if the driver does not say.
    func frameSizes(_ fourcc: UInt32) -> FrameSizes? {
        var discrete: [FrameSize] = []
        for index in 0..<256 {
            var size = v4l2_frmsizeenum()
            size.index = UInt32(index)
            size.pixel_format = fourcc
            guard case .success = ioctl(cv4l2_vidioc_enum_framesizes(), &size) else { break }
            switch size.type {
            case V4L2_FRMSIZE_TYPE_DISCRETE.rawValue:
                discrete.append(FrameSize(width: Int(size.discrete.width), height: Int(size.discrete.height)))
            case V4L2_FRMSIZE_TYPE_STEPWISE.rawValue, V4L2_FRMSIZE_TYPE_CONTINUOUS.rawValue:
                // vidioc-enum-framesizes.rst: a stepwise or continuous range is the only entry (index 0).
                let range = size.stepwise
                let continuous = size.type == V4L2_FRMSIZE_TYPE_CONTINUOUS.rawValue
                return .stepwise(minimum: FrameSize(width: Int(range.min_width), height: Int(range.min_height)),
                                 maximum: FrameSize(width: Int(range.max_width), height: Int(range.max_height)),
                                 step: FrameSize(width: continuous ? 1 : Int(range.step_width), height: continuous ? 1 : Int(range.step_height)))
            default:
                return nil
            }
        }
        return discrete.isEmpty ? nil : .discrete(discrete)
    }

    /// The highest frame rate offered for a format at a size: 1 / the shortest frame interval.
    func maximumFramerate(_ fourcc: UInt32, _ size: FrameSize) -> Double? {
        var best: Double?
        for index in 0..<256 {
            var interval = v4l2_frmivalenum()
            interval.index = UInt32(index)
            interval.pixel_format = fourcc
            interval.width = UInt32(size.width)
            interval.height = UInt32(size.height)
            guard case .success = ioctl(cv4l2_vidioc_enum_frameintervals(), &interval) else { break }
            // A stepwise or continuous range is the only entry; its shortest interval is `min`.
            let fraction = interval.type == V4L2_FRMIVAL_TYPE_DISCRETE.rawValue ? interval.discrete : interval.stepwise.min
            if fraction.numerator > 0, fraction.denominator > 0 {
                best = max(best ?? 0, Double(fraction.denominator) / Double(fraction.numerator))
            }
            if interval.type != V4L2_FRMIVAL_TYPE_DISCRETE.rawValue { break }
        }
        return best
    }

    /// Asks for `format` at `size`, progressive, and returns what the driver set: it may adjust
    /// the size (and even the format), and it fills in `bytesperline` and `sizeimage` (vidioc-g-fmt.rst).
    /// The corresponding C call is `ioctl(VIDIOC_S_FMT)` through `v4l2_ioctl`.
    func setFormat(_ format: PixelFormat, _ size: FrameSize) throws(DeviceError) -> v4l2_pix_format {
        var request = v4l2_format()
        request.type = Self.captureType
        request.fmt.pix.width = UInt32(size.width)
        request.fmt.pix.height = UInt32(size.height)
        request.fmt.pix.pixelformat = format.fourcc
        request.fmt.pix.field = V4L2_FIELD_NONE.rawValue
        if case .failure(let error) = ioctl(cv4l2_vidioc_s_fmt(), &request) {
            throw DeviceError(device: path, operation: "setting the format \(format) \(size)", reason: V4L2Error.ioctl("VIDIOC_S_FMT", error, path: path))
        }
        return request.fmt.pix
    }

    /// Asks for `framerate` and returns the rate the driver set, or nil if it cannot set one (no
    /// V4L2_CAP_TIMEPERFRAME: the camera runs at its own rate, vidioc-g-parm.rst).
    /// The corresponding C calls are `ioctl(VIDIOC_G_PARM)` and `ioctl(VIDIOC_S_PARM)` through `v4l2_ioctl`.
    func setFramerate(_ framerate: Double) -> Double? {
        var parameters = v4l2_streamparm()
        parameters.type = Self.captureType
        guard case .success = ioctl(cv4l2_vidioc_g_parm(), &parameters),
              parameters.parm.capture.capability & UInt32(V4L2_CAP_TIMEPERFRAME) != 0 else { return nil }
        let fraction = Self.timePerFrame(framerate)
        parameters.parm.capture.timeperframe = v4l2_fract(numerator: fraction.numerator, denominator: fraction.denominator)
        guard case .success = ioctl(cv4l2_vidioc_s_parm(), &parameters) else { return nil }
        let set = parameters.parm.capture.timeperframe
        return set.numerator > 0 && set.denominator > 0 ? Double(set.denominator) / Double(set.numerator) : nil
    }

    /// The frame interval of a rate as a fraction of a second: 1/25 for 25 fps, 100/2997 for 29.97.
    static func timePerFrame(_ framerate: Double) -> (numerator: UInt32, denominator: UInt32) {
        precondition(framerate > 0 && framerate < 1_000_000, "a frame rate is positive")
        if framerate == framerate.rounded() { return (1, UInt32(framerate)) }
        var numerator: UInt32 = 1000, denominator = UInt32((framerate * 1000).rounded())
        var (a, b) = (numerator, denominator)
        while b != 0 { (a, b) = (b, a % b) }
        numerator /= a
        denominator /= a
        return (numerator, denominator)
    }
}
