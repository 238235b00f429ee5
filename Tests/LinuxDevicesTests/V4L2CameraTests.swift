import CV4L2
import Devices
@testable import LinuxDevices
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The V4L2 camera where no camera exists (tests with one run in a VM with vivid): opening
/// fails with errors an installer can act on, and the pure parts of capturing are right.
@Suite struct V4L2CameraTests {
    static func openingError(_ path: String) -> DeviceError? {
        #expect(throws: DeviceError.self) { _ = try V4L2Camera(device: path, width: 640, height: 480, framerate: 25) }
    }

    @Test func missingNodeNamesThePathTheErrnoAndWhereToLook() throws {
        let error = try #require(Self.openingError("/dev/video-doorstation-missing"))
        #expect(error.device == "/dev/video-doorstation-missing")
        #expect(error.operation == "opening the camera")
        #expect(error.reason == "No such file or directory: is the camera connected, and enabled (raspi-config, dtoverlay)? "
            + "v4l2-ctl --list-devices lists the cameras and their nodes")
    }

    /// Files that open but do not answer VIDIOC_QUERYCAP: ENOTTY, "Inappropriate ioctl for device".
    @Test(arguments: ["/dev/null", "regular file"])
    func fileThatIsNotAV4L2DeviceSaysSo(_ kind: String) throws {
        let scratch = Scratch()
        var path = kind
        if kind == "regular file" {
            path = scratch.path("not-a-camera")
            scratch.write([1, 2, 3], to: path)
        }
        let error = try #require(Self.openingError(path))
        #expect(error.device == path && error.operation == "opening the camera")
        #expect(error.reason == "not a V4L2 device (VIDIOC_QUERYCAP: Inappropriate ioctl for device); v4l2-ctl --list-devices lists the cameras and their nodes")
    }

    @Test func directoryIsNotACamera() throws {
        let error = try #require(Self.openingError("/tmp"))
        #expect(error.reason == "Is a directory: not a V4L2 device; v4l2-ctl --list-devices lists the cameras and their nodes")
    }

    /// buffer.rst: only V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC timestamps are on CLOCK_MONOTONIC.
    @Test(arguments: [
        (UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC), Int64(5), Int64(250_000), UInt64(5_250_000_000)),
        (UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC | V4L2_BUF_FLAG_TSTAMP_SRC_SOE | V4L2_BUF_FLAG_DONE), 7, 1, 7_000_001_000),
        (UInt32(V4L2_BUF_FLAG_TIMESTAMP_COPY), 5, 250_000, 99),
        (UInt32(V4L2_BUF_FLAG_TIMESTAMP_UNKNOWN), 1_700_000_000, 0, 99),
        (UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC), 0, 0, 99),
    ])
    func timestampIsTheKernelsOnlyWhenMonotonic(flags: UInt32, seconds: Int64, microseconds: Int64, expected: UInt64) {
        #expect(V4L2Camera.timestamp(flags: flags, seconds: seconds, microseconds: microseconds, now: 99) == expected)
    }

    @Test(arguments: [(25.0, UInt32(1), UInt32(25)), (30, 1, 30), (29.97, 100, 2997), (7.5, 2, 15), (12.5, 2, 25)])
    func frameRateBecomesATimePerFrameFraction(framerate: Double, numerator: UInt32, denominator: UInt32) {
        let fraction = V4L2Device.timePerFrame(framerate)
        #expect(fraction.numerator == numerator && fraction.denominator == denominator)
    }

    @Test(arguments: [
        (UInt32(V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING), nil),
        (UInt32(V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_READWRITE), "the camera cannot stream (no V4L2_CAP_STREAMING; it offers video capture, read/write)"),
        (UInt32(V4L2_CAP_META_CAPTURE | V4L2_CAP_STREAMING),
         "not a video capture device: it offers metadata capture, streaming (UVC cameras have a metadata node next to the video one; v4l2-ctl --list-devices lists the cameras and their nodes)"),
        (UInt32(V4L2_CAP_VIDEO_CAPTURE_MPLANE | V4L2_CAP_STREAMING),
         "not a video capture device for doorstation: it offers multi-planar video capture, streaming, and only the single-planar API is used (the libv4l-mplane plugin, package libv4l-0, adapts such drivers)"),
        (UInt32(V4L2_CAP_VIDEO_M2M | V4L2_CAP_STREAMING), "not a video capture device: it offers memory-to-memory, streaming; v4l2-ctl --list-devices lists the cameras and their nodes"),
    ] as [(UInt32, String?)])
    func nodeThatIsNotACameraSaysWhatItIs(capabilities: UInt32, expected: String?) {
        #expect(V4L2Error.notACamera(capabilities) == expected)
    }

    @Test func disappearingCameraIsNamedAsSuch() {
        #expect(V4L2Error.ioctl("VIDIOC_DQBUF", Errno(ENODEV), path: "/dev/video0")
            == "the camera disappeared (VIDIOC_DQBUF: No such device): unplugged, a loose cable or a driver reset (dmesg says which)")
        #expect(V4L2Error.ioctl("VIDIOC_DQBUF", Errno(EIO), path: "/dev/video0").hasPrefix("the camera disappeared (VIDIOC_DQBUF: Input/output error)"))
        #expect(V4L2Error.ioctl("VIDIOC_STREAMON", Errno(EBUSY), path: "/dev/video0")
            == "VIDIOC_STREAMON: Device or resource busy: in use by another program (fuser -v /dev/video0 names it)")
        #expect(V4L2Error.opening(Errno(EACCES), path: "/dev/video0") == "Permission denied: the daemon's user needs the video group (ls -l /dev/video0)")
    }
}
