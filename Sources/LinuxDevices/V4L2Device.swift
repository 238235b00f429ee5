import CV4L2
import Devices

#if canImport(Glibc)
import Glibc
#endif

/// An open V4L2 device node: the internal layer over libv4l2 that `V4L2Camera` builds on. Calls
/// return `Result<_, Errno>` and retry `EINTR`; what a failure means is the caller's to say, with
/// `V4L2Error`. Closing is dropping the last reference.
///
/// Why libv4l2 with its conversion off: libv4l2 loads the libv4l plugins some SoC drivers need
/// (e.g. libv4l-mplane, which shows a multi-planar-only driver through the single-planar API used
/// here), but its conversion would offer formats the camera does not have and convert them behind
/// our back, into a buffer of its own, with a copy more than doorstation's own conversion straight
/// from the driver's buffer (and MJPEG decoded twice as slowly, through libjpeg into RGB first).
/// With `V4L2_DISABLE_CONVERSION`, format ioctls, buffers and mmap go to the driver unchanged
/// (libv4l2.h: "Use this if you want raw frame data").
final class V4L2Device {
    let path: String
    let fd: Int32
    /// `v4l2_capability.driver` and `.card`, e.g. "uvcvideo" and "HD Pro Webcam C920".
    private(set) var driver = ""
    private(set) var card = ""
    /// What this node can do: `device_caps` when the driver sets it (V4L2_CAP_DEVICE_CAPS), else
    /// `capabilities`, which describes the whole device (vidioc-querycap.rst).
    private(set) var capabilities: UInt32 = 0

    /// Opens `path` non-blocking (frames are waited for with `poll`, bounded) and checks that it is
    /// a V4L2 device before handing it to libv4l2.
    /// The corresponding C functions are `open`, `ioctl(VIDIOC_QUERYCAP)` and `v4l2_fd_open`.
    static func open(_ path: String) throws(DeviceError) -> V4L2Device {
        var fd: Int32
        repeat { fd = Glibc.open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            throw DeviceError(device: path, operation: "opening the camera", reason: V4L2Error.opening(Errno.current, path: path))
        }
        // Asked without libv4l2 first: v4l2_fd_open prints "libv4l2: error getting capabilities"
        // to stderr for a file that is not a V4L2 device, and the error belongs in the DeviceError.
        var capability = v4l2_capability()
        var result: Int32
        repeat { result = cv4l2_raw_ioctl(fd, cv4l2_vidioc_querycap(), &capability) } while result < 0 && errno == EINTR
        guard result == 0 else {
            let error = Errno.current
            Glibc.close(fd)
            throw DeviceError(device: path, operation: "opening the camera", reason: V4L2Error.notV4L2(error))
        }
        guard v4l2_fd_open(fd, V4L2_DISABLE_CONVERSION) == fd else {
            let error = Errno.current
            Glibc.close(fd)  // v4l2_fd_open leaves the fd open when it fails (libv4l2.h)
            throw DeviceError(device: path, operation: "opening the camera", reason: "libv4l2 cannot take it over: \(error)")
        }
        let device = V4L2Device(path: path, fd: fd)
        // Asked again through libv4l2: a plugin (libv4l-mplane) changes what the node offers.
        if case .failure(let error) = device.ioctl(cv4l2_vidioc_querycap(), &capability) {
            throw DeviceError(device: path, operation: "opening the camera", reason: V4L2Error.notV4L2(error))
        }
        device.driver = text(capability.driver)
        device.card = text(capability.card)
        device.capabilities = capability.capabilities & UInt32(V4L2_CAP_DEVICE_CAPS) != 0 ? capability.device_caps : capability.capabilities
        return device
    }

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { v4l2_close(fd) }

    /// Issues `request` with `argument`, retrying `EINTR`. The corresponding C function is `v4l2_ioctl`.
    func ioctl<Argument>(_ request: UInt, _ argument: inout Argument) -> Result<Void, Errno> {
        var result: Int32
        repeat {
            result = withUnsafeMutablePointer(to: &argument) { cv4l2_ioctl(fd, request, $0) }
        } while result < 0 && errno == EINTR
        return result < 0 ? .failure(Errno.current) : .success(())
    }

    /// Waits up to `milliseconds` for a frame; returns `poll`'s events (0 if it timed out), retrying
    /// `EINTR` with what is left of the wait. The corresponding C function is `poll`.
    func poll(milliseconds: Int, clock: MonotonicClock = MonotonicClock()) -> Result<Int16, Errno> {
        let deadline = clock.now() + UInt64(milliseconds) * 1_000_000
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let now = clock.now()
            let left = now >= deadline ? 0 : Int32((deadline - now + 999_999) / 1_000_000)
            let result = Glibc.poll(&descriptor, 1, left)
            if result > 0 { return .success(descriptor.revents) }
            if result == 0 { return .success(0) }
            if errno != EINTR { return .failure(Errno.current) }
        }
    }

    /// Maps one of the driver's buffers (shared: the driver writes, we read).
    /// The corresponding C function is `v4l2_mmap`.
    func map(length: Int, offset: UInt32) -> Result<UnsafeMutableRawBufferPointer, Errno> {
        let address = v4l2_mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, Int64(offset))
        guard let address, address != MAP_FAILED else { return .failure(Errno.current) }
        return .success(UnsafeMutableRawBufferPointer(start: address, count: length))
    }

    /// The corresponding C function is `v4l2_munmap`.
    func unmap(_ buffer: UnsafeMutableRawBufferPointer) {
        _ = v4l2_munmap(buffer.baseAddress, buffer.count)
    }

    /// A fixed-size C string field, such as `v4l2_capability.card`.
    static func text<Field>(_ field: Field) -> String {
        withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
