import CV4L2
import Devices

#if canImport(Glibc)
import Glibc
#endif

/// The driver's capture buffers, memory-mapped (Documentation/userspace-api/media/v4l/mmap.rst):
/// requested, mapped and queued once; then each frame is dequeued, read in place, and queued
/// again. Dropping the queue stops streaming and unmaps the buffers, before the device closes.
final class V4L2BufferQueue {
    let device: V4L2Device
    /// The mappings, by buffer index.
    private(set) var buffers: [UnsafeMutableRawBufferPointer] = []
    private var streaming = false

    /// Requests `count` buffers (the driver may grant another number, at least 2 is needed),
    /// maps and queues them. The corresponding C calls are `ioctl(VIDIOC_REQBUFS)`,
    /// `ioctl(VIDIOC_QUERYBUF)`, `v4l2_mmap` and `ioctl(VIDIOC_QBUF)`.
    init(device: V4L2Device, count: Int) throws(DeviceError) {
        self.device = device
        var request = v4l2_requestbuffers()
        request.count = UInt32(count)
        request.type = V4L2Device.captureType
        request.memory = V4L2_MEMORY_MMAP.rawValue
        if case .failure(let error) = device.ioctl(cv4l2_vidioc_reqbufs(), &request) {
            let reason = error.code == EINVAL
                ? "the driver cannot stream into memory-mapped buffers (VIDIOC_REQBUFS: \(error))"
                : V4L2Error.ioctl("VIDIOC_REQBUFS", error, path: device.path)
            throw failure(reason)
        }
        guard request.count >= 2 else {
            throw failure("the driver granted \(request.count) buffer(s); streaming needs at least 2")
        }
        for index in 0..<request.count {
            var buffer = Self.buffer(index: index)
            if case .failure(let error) = device.ioctl(cv4l2_vidioc_querybuf(), &buffer) {
                throw failure(V4L2Error.ioctl("VIDIOC_QUERYBUF", error, path: device.path))
            }
            switch device.map(length: Int(buffer.length), offset: buffer.m.offset) {
            case .success(let mapping): buffers.append(mapping)
            case .failure(let error): throw failure("mapping buffer \(index) of \(buffer.length) bytes: \(error)")
            }
        }
        for index in 0..<request.count {
            var buffer = Self.buffer(index: index)
            if case .failure(let error) = device.ioctl(cv4l2_vidioc_qbuf(), &buffer) {
                throw failure(V4L2Error.ioctl("VIDIOC_QBUF", error, path: device.path))
            }
        }
    }

    private func failure(_ reason: String) -> DeviceError {
        DeviceError(device: device.path, operation: "setting up capture buffers", reason: reason)
    }

    /// A `v4l2_buffer` naming a memory-mapped capture buffer.
    static func buffer(index: UInt32 = 0) -> v4l2_buffer {
        var buffer = v4l2_buffer()
        buffer.index = index
        buffer.type = V4L2Device.captureType
        buffer.memory = V4L2_MEMORY_MMAP.rawValue
        return buffer
    }

    /// Starts capturing into the queued buffers. The corresponding C call is `ioctl(VIDIOC_STREAMON)`.
    func start() throws(DeviceError) {
        var type = V4L2Device.captureType
        if case .failure(let error) = device.ioctl(cv4l2_vidioc_streamon(), &type) {
            throw DeviceError(device: device.path, operation: "starting capture", reason: V4L2Error.ioctl("VIDIOC_STREAMON", error, path: device.path))
        }
        streaming = true
    }

    /// The oldest filled buffer, or nil if none is ready (the device is non-blocking: EAGAIN).
    /// The corresponding C call is `ioctl(VIDIOC_DQBUF)`.
    func dequeue() -> Result<v4l2_buffer?, Errno> {
        var buffer = Self.buffer()
        switch device.ioctl(cv4l2_vidioc_dqbuf(), &buffer) {
        case .success:
            // Never trust an index to address the mappings blindly.
            return buffer.index < buffers.count ? .success(buffer) : .failure(Errno(EINVAL))
        case .failure(let error) where error.code == EAGAIN:
            return .success(nil)
        case .failure(let error):
            return .failure(error)
        }
    }

    /// The filled part of a dequeued buffer. A driver that leaves `bytesused` 0 (older ones did)
    /// is taken to have filled the whole buffer.
    func data(of buffer: v4l2_buffer) -> UnsafeRawBufferPointer {
        let mapping = buffers[Int(buffer.index)]
        let used = buffer.bytesused == 0 ? mapping.count : min(Int(buffer.bytesused), mapping.count)
        return UnsafeRawBufferPointer(rebasing: mapping[0..<used])
    }

    /// Gives a buffer back to the driver. The corresponding C call is `ioctl(VIDIOC_QBUF)`.
    func enqueue(_ buffer: v4l2_buffer) -> Result<Void, Errno> {
        var again = Self.buffer(index: buffer.index)
        return device.ioctl(cv4l2_vidioc_qbuf(), &again)
    }

    /// Stops streaming (which also takes back all buffers) and unmaps them.
    /// The corresponding C calls are `ioctl(VIDIOC_STREAMOFF)` and `v4l2_munmap`.
    deinit {
        if streaming {
            var type = V4L2Device.captureType
            _ = device.ioctl(cv4l2_vidioc_streamoff(), &type)
        }
        for mapping in buffers { device.unmap(mapping) }
    }
}
