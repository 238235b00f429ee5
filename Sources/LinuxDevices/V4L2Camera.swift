import CV4L2
import Devices
import Video

#if canImport(Glibc)
import Glibc
#endif

/// A camera on a V4L2 device node (`[video] device`, e.g. `/dev/video0`), delivering I420.
///
/// Opening negotiates a format and size from what the camera offers (`CameraFormatChoice`),
/// sets the frame rate, and starts streaming into four memory-mapped buffers. `capture` waits
/// (at most `frameTimeout`) for the next frame and converts or decodes it, straight from the
/// driver's buffer, into one I420 frame allocated here; raw formats allocate nothing per frame.
/// If frames queued up while the caller was busy, the newest is taken and the older ones
/// skipped, so that the picture is never late by more than a frame.
///
/// `close` must not race a `capture` on another thread (as with `ALSACapture`).
public final class V4L2Camera: VideoCapture, CustomStringConvertible {
    /// The size of the frames `capture` returns: the camera's, rounded down to even.
    public let width: Int
    public let height: Int
    /// The rate the driver set, or the one asked for if the camera cannot be told (it then runs
    /// at its own rate, which `capture` follows).
    public let framerate: Double
    public let device: String
    /// What was negotiated, read back from the driver.
    public let format: PixelFormat
    public let pictureSize: FrameSize
    /// Line length of the (largest) plane; 0 for MJPEG.
    public let bytesPerLine: Int
    /// The driver's `sizeimage`: the most a frame can take.
    public let frameBytes: Int
    public let bufferCount: Int
    /// Whether the camera set the frame rate asked for (`V4L2_CAP_TIMEPERFRAME`).
    public let framerateIsSet: Bool
    public let choice: CameraFormatChoice
    /// Frames dropped because the driver flagged them (V4L2_BUF_FLAG_ERROR) or they would not
    /// convert or decode; and frames skipped, newer ones being ready or the driver's sequence
    /// showing a gap (all buffers were full).
    public private(set) var framesDamaged = 0
    public private(set) var framesSkipped = 0

    /// How long `capture` waits for a frame before it fails, in milliseconds.
    public static let frameTimeout = 2000
    /// Buffers requested: one being converted, one being filled, two to absorb a late caller.
    static let requestedBuffers = 4

    private let driver: String
    private let card: String
    private var queue: V4L2BufferQueue?
    private let frame: I420Frame
    private let decoder: MJPEGDecoder?
    private let clock = MonotonicClock()
    private var sequence: UInt64 = 0
    private var driverSequence: UInt32?

    /// Opens `device` and starts capturing at the size and rate closest to those asked for.
    /// - Parameter formats: the formats to consider, all by default; fewer pin a camera whose
    ///   best choice is poor, or take each conversion in turn (tests on vivid).
    /// - Throws: `DeviceError` naming the device, what was being done and why: a missing node,
    ///   one that is not a camera, a camera in use, no format doorstation converts.
    public init(device path: String, width: Int, height: Int, framerate: Double,
                formats: Set<PixelFormat> = Set(PixelFormat.allCases)) throws(DeviceError) {
        precondition(width > 0 && height > 0 && framerate > 0, "a camera is asked for a positive size and rate")
        device = path
        let node = try V4L2Device.open(path)
        driver = node.driver
        card = node.card
        if let problem = V4L2Error.notACamera(node.capabilities) {
            throw DeviceError(device: path, operation: "opening the camera", reason: "\(problem) (driver \(node.driver), \"\(node.card)\")")
        }
        let wanted = FrameSize(width: width, height: height)
        let (allOffers, others) = node.formatOffers(wanted: wanted)
        let offers = allOffers.filter { formats.contains($0.format) }
        guard let choice = CameraFormatChoice(choosingFrom: offers, width: width, height: height, framerate: framerate) else {
            let offered = allOffers.map(\.format.description) + others
            let offeredText = offered.isEmpty ? "no formats at all" : offered.joined(separator: ", ")
            let known = PixelFormat.preferenceOrder.filter(formats.contains).map(\.description).joined(separator: ", ")
            throw DeviceError(device: path, operation: "choosing a format",
                              reason: "the camera offers \(offeredText); doorstation takes \(known) (v4l2-ctl -d \(path) --list-formats-ext)")
        }
        self.choice = choice
        let set = try node.setFormat(choice.format, choice.size)
        guard let format = PixelFormat(fourcc: set.pixelformat) else {
            throw DeviceError(device: path, operation: "setting the format \(choice.format) \(choice.size)",
                              reason: "the driver chose \(PixelFormat.name(ofFourcc: set.pixelformat)) instead, which doorstation does not convert")
        }
        self.format = format
        pictureSize = FrameSize(width: Int(set.width), height: Int(set.height))
        frameBytes = Int(set.sizeimage)
        bytesPerLine = try Self.checkLayout(set, format: format, path: path)
        (self.width, self.height) = PixelConversion.frameSize(width: pictureSize.width, height: pictureSize.height)
        let rate = node.setFramerate(framerate)
        framerateIsSet = rate != nil
        self.framerate = rate ?? framerate
        frame = I420Frame(width: self.width, height: self.height)
        decoder = format == .mjpeg ? try MJPEGDecoder(width: pictureSize.width, height: pictureSize.height, device: path) : nil
        let queue = try V4L2BufferQueue(device: node, count: Self.requestedBuffers)
        bufferCount = queue.buffers.count
        try queue.start()
        self.queue = queue
    }

    /// Checks what the driver set: progressive or interleaved fields, a size that converts, and a
    /// line length and buffer size that hold a picture; returns the line length.
    private static func checkLayout(_ set: v4l2_pix_format, format: PixelFormat, path: String) throws(DeviceError) -> Int {
        let operation = "setting the format \(format) \(set.width)x\(set.height)"
        // field.rst: NONE is progressive; INTERLACED(_TB/_BT) interleaves both fields in one
        // buffer, which converts as a picture. ALTERNATE and SEQ_* deliver fields apart.
        let fields = [V4L2_FIELD_NONE, V4L2_FIELD_ANY, V4L2_FIELD_INTERLACED, V4L2_FIELD_INTERLACED_TB, V4L2_FIELD_INTERLACED_BT].map(\.rawValue)
        guard fields.contains(set.field) else {
            throw DeviceError(device: path, operation: operation, reason: "the camera sends separate fields (field order \(set.field)), which doorstation cannot show")
        }
        guard set.width >= 2, set.height >= 2 else {
            throw DeviceError(device: path, operation: operation, reason: "the driver set a size too small to show")
        }
        guard format.isRaw else { return 0 }
        let width = Int(set.width), height = Int(set.height)
        // vidioc-g-fmt.rst: the driver fills bytesperline; 0 would mean no padding.
        let bytesPerLine = set.bytesperline != 0 ? Int(set.bytesperline) : (format == .yuyv || format == .uyvy ? (width + 1) / 2 * 4 : width)
        do {
            let needed = try PixelConversion.requiredLength(format: format, width: width, height: height, bytesPerLine: bytesPerLine)
            if set.sizeimage != 0, Int(set.sizeimage) < needed {
                throw PixelConversionError.bufferTooShort(needed: needed, available: Int(set.sizeimage))
            }
        } catch {
            throw DeviceError(device: path, operation: operation, reason: "the driver's layout does not hold a picture: \(error)")
        }
        return bytesPerLine
    }

    /// Waits for the next good frame and returns it in I420, timestamped on the monotonic clock.
    /// The corresponding C calls are `poll`, `ioctl(VIDIOC_DQBUF)` and `ioctl(VIDIOC_QBUF)`.
    /// - Throws: `DeviceError` with operation "capturing" if no good frame came for
    ///   `frameTimeout`, or the camera disappeared (ENODEV, EIO), or it was closed.
    public func capture() throws(DeviceError) -> I420Frame {
        guard let queue else { throw failure("closed") }
        let deadline = clock.now() + UInt64(Self.frameTimeout) * 1_000_000
        var problem: String?
        while true {
            let now = clock.now()
            guard now < deadline else {
                throw failure("no frame for \(Self.frameTimeout / 1000) s" + (problem.map { "; the frames that came were damaged: \($0)" }
                    ?? ": the camera stopped sending (a USB bus shared with another camera, or a CSI cable; dmesg may say)"))
            }
            let events: Int16
            switch queue.device.poll(milliseconds: Int((deadline - now + 999_999) / 1_000_000)) {
            case .success(let ready): events = ready
            case .failure(let error): throw failure(V4L2Error.ioctl("poll", error, path: device))
            }
            if events == 0 { continue }
            guard var buffer = try dequeue(queue) else {
                // POLLERR without a frame: vb2 reports it when streaming stopped under us.
                if events & Int16(POLLERR) != 0 { throw failure("the driver reported an error and has no frame (poll: POLLERR)") }
                continue
            }
            track(buffer)
            // Take the newest frame if several are ready, giving the older ones back at once.
            while let newer = try? dequeue(queue) {
                track(newer)
                try enqueue(queue, buffer)
                framesSkipped += 1
                buffer = newer
            }
            if let damage = convert(queue, buffer) {
                framesDamaged += 1
                problem = damage
                try enqueue(queue, buffer)
                continue
            }
            frame.timestamp = Self.timestamp(flags: buffer.flags, seconds: Int64(buffer.timestamp.tv_sec),
                                             microseconds: Int64(buffer.timestamp.tv_usec), now: clock.now())
            frame.sequence = sequence
            sequence += 1
            try enqueue(queue, buffer)
            return frame
        }
    }

    /// Counts the frames the driver numbered but never handed over (all buffers were full).
    private func track(_ buffer: v4l2_buffer) {
        if let last = driverSequence, buffer.sequence > last &+ 1 { framesSkipped += Int(buffer.sequence - last - 1) }
        driverSequence = buffer.sequence
    }

    /// Fills `frame` from a dequeued buffer; returns why it could not, if it could not.
    private func convert(_ queue: V4L2BufferQueue, _ buffer: v4l2_buffer) -> String? {
        if buffer.flags & UInt32(V4L2_BUF_FLAG_ERROR) != 0 { return "the driver flagged a frame as damaged (V4L2_BUF_FLAG_ERROR)" }
        let data = queue.data(of: buffer)
        if let decoder {
            do { try decoder.decode(data, into: frame) } catch { return error.reason }
            return nil
        }
        do {
            try PixelConversion.convert(data, format: format, width: pictureSize.width, height: pictureSize.height,
                                        bytesPerLine: bytesPerLine, into: frame)
        } catch {
            return error.description
        }
        return nil
    }

    private func dequeue(_ queue: V4L2BufferQueue) throws(DeviceError) -> v4l2_buffer? {
        switch queue.dequeue() {
        case .success(let buffer): buffer
        case .failure(let error): throw failure(V4L2Error.ioctl("VIDIOC_DQBUF", error, path: device))
        }
    }

    private func enqueue(_ queue: V4L2BufferQueue, _ buffer: v4l2_buffer) throws(DeviceError) {
        if case .failure(let error) = queue.enqueue(buffer) {
            throw failure(V4L2Error.ioctl("VIDIOC_QBUF", error, path: device))
        }
    }

    private func failure(_ reason: String) -> DeviceError {
        DeviceError(device: device, operation: "capturing", reason: reason)
    }

    /// A frame's capture time in nanoseconds on CLOCK_MONOTONIC. buffer.rst: with
    /// V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC the driver's timestamp is on that clock (taken at the
    /// end of the frame, or its start with V4L2_BUF_FLAG_TSTAMP_SRC_SOE); with UNKNOWN (old
    /// drivers, then usually wall-clock time) or COPY (a timestamp from elsewhere) it is not, and
    /// the dequeue time stands in.
    static func timestamp(flags: UInt32, seconds: Int64, microseconds: Int64, now: UInt64) -> UInt64 {
        guard flags & UInt32(V4L2_BUF_FLAG_TIMESTAMP_MASK) == UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC),
              seconds > 0 || microseconds > 0, seconds >= 0, microseconds >= 0 else { return now }
        return UInt64(seconds) * 1_000_000_000 + UInt64(microseconds) * 1000
    }

    /// Stops streaming, unmaps the buffers and closes the device. Safe to call twice.
    /// The corresponding C calls are `ioctl(VIDIOC_STREAMOFF)`, `v4l2_munmap` and `v4l2_close`.
    public func close() {
        queue = nil
    }

    deinit { close() }

    /// The log line, e.g. `/dev/video0 (uvcvideo "HD Pro Webcam C920"): MJPG 1280x720, 30 fps, 4 buffers of up to 1843200 bytes; chose MJPG 1280x720 (…)`.
    public var description: String {
        var text = "\(device) (\(driver) \"\(card)\"): \(format) \(pictureSize)"
        if bytesPerLine > 0 { text += ", \(bytesPerLine) bytes per line" }
        if width != pictureSize.width || height != pictureSize.height { text += ", sent on as \(width)x\(height)" }
        let rate = framerate == framerate.rounded() ? String(Int(framerate)) : String(framerate)
        text += framerateIsSet ? ", \(rate) fps" : ", at the camera's own rate (it takes no frame rate)"
        text += ", \(bufferCount) buffers of up to \(frameBytes) bytes"
        if format == .mjpeg { text += ", decoded with TurboJPEG" }
        return text + "; chose " + choice.description
    }
}
