import CV4L2
import Devices

#if canImport(Glibc)
import Glibc
#endif

/// What a failed V4L2 call means for an installer: the errno text first (as `strerror` says it),
/// then what to check. The texts become the `reason` of a `DeviceError`.
enum V4L2Error {
    static let listHint = "v4l2-ctl --list-devices lists the cameras and their nodes"

    /// For a failed `open` of the device node.
    static func opening(_ error: Errno, path: String) -> String {
        switch error.code {
        case ENOENT, ENODEV, ENXIO:
            "\(error): is the camera connected, and enabled (raspi-config, dtoverlay)? \(listHint)"
        case EACCES, EPERM:
            "\(error): the daemon's user needs the video group (ls -l \(path))"
        case EBUSY:
            busy(error, path: path)
        case EISDIR, ENOTDIR:
            "\(error): not a V4L2 device; \(listHint)"
        default:
            "\(error); \(listHint)"
        }
    }

    /// For a file that answers `VIDIOC_QUERYCAP` with an error: not a V4L2 device at all
    /// (ENOTTY: "Inappropriate ioctl for device", as for /dev/null or a regular file).
    static func notV4L2(_ error: Errno) -> String {
        "not a V4L2 device (VIDIOC_QUERYCAP: \(error)); \(listHint)"
    }

    static func busy(_ error: Errno, path: String) -> String {
        "\(error): in use by another program (fuser -v \(path) names it)"
    }

    /// For a failed ioctl while setting the camera up or capturing, `call` naming it (e.g. `VIDIOC_S_FMT`).
    static func ioctl(_ call: String, _ error: Errno, path: String) -> String {
        if disappeared(error) { return cameraGone(call, error) }
        if error.code == EBUSY { return "\(call): " + busy(error, path: path) }
        return "\(call): \(error)"
    }

    /// ENODEV: the device was unregistered, e.g. a USB camera unplugged (vb2 and uvcvideo return
    /// it from every call after disconnect). EIO: the driver lost the stream, which also happens
    /// on a loose cable or a USB reset (vidioc-qbuf.rst: "VIDIOC_DQBUF failed due to an internal
    /// error. Can also indicate temporary problems like signal loss").
    static func disappeared(_ error: Errno) -> Bool { error.code == ENODEV || error.code == EIO }

    static func cameraGone(_ call: String, _ error: Errno) -> String {
        "the camera disappeared (\(call): \(error)): unplugged, a loose cable or a driver reset (dmesg says which)"
    }

    /// The capability bits a node has, named, for "not a video capture device".
    static func capabilityNames(_ capabilities: UInt32) -> String {
        let names: [(UInt32, String)] = [
            (UInt32(V4L2_CAP_VIDEO_CAPTURE), "video capture"),
            (UInt32(V4L2_CAP_VIDEO_CAPTURE_MPLANE), "multi-planar video capture"),
            (UInt32(V4L2_CAP_VIDEO_OUTPUT), "video output"),
            (UInt32(V4L2_CAP_VIDEO_OUTPUT_MPLANE), "multi-planar video output"),
            (UInt32(V4L2_CAP_VIDEO_M2M), "memory-to-memory"),
            (UInt32(V4L2_CAP_VIDEO_M2M_MPLANE), "multi-planar memory-to-memory"),
            (UInt32(V4L2_CAP_META_CAPTURE), "metadata capture"),
            (UInt32(V4L2_CAP_VBI_CAPTURE), "VBI capture"),
            (UInt32(V4L2_CAP_RADIO), "radio"),
            (UInt32(V4L2_CAP_STREAMING), "streaming"),
            (UInt32(V4L2_CAP_READWRITE), "read/write"),
        ]
        let present = names.filter { capabilities & $0.0 != 0 }.map(\.1)
        return present.isEmpty ? "nothing doorstation knows" : present.joined(separator: ", ")
    }

    /// Why a node that is a V4L2 device still cannot be a camera here, or nil if it can.
    static func notACamera(_ capabilities: UInt32) -> String? {
        let capture = capabilities & UInt32(V4L2_CAP_VIDEO_CAPTURE) != 0
        let streaming = capabilities & UInt32(V4L2_CAP_STREAMING) != 0
        if capture && streaming { return nil }
        let offers = "it offers " + capabilityNames(capabilities)
        if capture { return "the camera cannot stream (no V4L2_CAP_STREAMING; \(offers))" }
        if capabilities & UInt32(V4L2_CAP_VIDEO_CAPTURE_MPLANE) != 0 {
            return "not a video capture device for doorstation: \(offers), and only the single-planar API is used"
                + " (the libv4l-mplane plugin, package libv4l-0, adapts such drivers)"
        }
        if capabilities & UInt32(V4L2_CAP_META_CAPTURE) != 0 {
            return "not a video capture device: \(offers) (UVC cameras have a metadata node next to the video one; \(listHint))"
        }
        return "not a video capture device: \(offers); \(listHint)"
    }
}
