import Video

/// What happened to the camera behind a `ReopeningCamera`, for the log.
public enum CameraEvent: Sendable, Equatable {
    /// The camera failed, or could not be opened; the call shows the last picture. Reported once
    /// per loss.
    case lost(DeviceError)
    /// A retry failed for another reason than the one last reported, e.g. the node is back but
    /// in use by another program. The same reason again is not reported again.
    case stillMissing(DeviceError)
    /// The camera delivers frames again.
    case reopened
}

/// A camera that survives being unplugged: while the camera behind it fails, `capture` returns
/// the last good picture again (re-timestamped, its sequence continuing) once a second, so the
/// call's video keeps flowing and the far end sees a still picture rather than a frozen stream;
/// meanwhile it tries to open the camera again once a second, and passes its frames on as soon
/// as one comes.
///
/// The camera is reopened with the `open` closure given, which asks for the same size. If it
/// comes back at another size anyway (another model plugged in), its frames would not fit the
/// call's encoder: it is closed again and reported as `stillMissing`, the last picture stays, and
/// the retries go on (a new call opens the camera afresh at whatever size it has). Before the
/// first good frame the picture is black.
///
/// `report` is called on the capturing thread, from within `capture`.
public final class ReopeningCamera: VideoCapture {
    public let width: Int
    public let height: Int
    public let framerate: Double
    /// Whether the camera is gone and the last picture is being repeated.
    public private(set) var isLost = false

    /// Between the repeated pictures, and between attempts to reopen: 1 s.
    public static let retryInterval: UInt64 = 1_000_000_000

    private let device: String
    private let open: () throws(DeviceError) -> any VideoCapture
    private let clock: any MediaClock
    private let report: (CameraEvent) -> Void
    private var camera: (any VideoCapture)?
    /// The last picture delivered: the camera's own frame buffer, or the black one at first.
    private var shown: I420Frame
    private var sequence: UInt64 = 0
    private var lastDelivery: UInt64?
    private var nextAttempt: UInt64 = 0
    private var lastReported: DeviceError?
    private var closed = false

    /// - Parameters:
    ///   - width, height, framerate: what the call's encoder is set up for; a camera must deliver this size.
    ///   - camera: the camera already open, if it is (its size must be `width` × `height`);
    ///     otherwise the first `capture` opens one.
    ///   - device: how errors of this wrapper name the camera, e.g. `/dev/video0`.
    ///   - open: opens the camera, e.g. `{ try V4L2Camera(device: path, width: w, height: h, framerate: r) }`.
    public init(
        width: Int, height: Int, framerate: Double, clock: any MediaClock = MonotonicClock(), camera: (any VideoCapture)? = nil,
        device: String = "camera", report: @escaping (CameraEvent) -> Void, open: @escaping () throws(DeviceError) -> any VideoCapture
    ) {
        precondition(camera.map { $0.width == width && $0.height == height } ?? true, "the open camera has the size given")
        self.width = width
        self.height = height
        self.framerate = framerate
        self.clock = clock
        self.camera = camera
        self.device = device
        self.report = report
        self.open = open
        shown = I420Frame(width: width, height: height)
        shown.withPlanes { y, u, v in
            y.update(repeating: 16)  // BT.601 black
            u.update(repeating: 128)
            v.update(repeating: 128)
        }
    }

    /// The camera's next frame; while it is gone, the last picture again a second after the
    /// previous one. Throws only once closed.
    public func capture() throws(DeviceError) -> I420Frame {
        guard !closed else { throw DeviceError(device: device, operation: "capturing", reason: "closed") }
        if let camera {
            switch frame(from: camera) {
            case .success(let frame):
                return deliver(frame)
            case .failure(let error):
                camera.close()
                self.camera = nil
                note(error)
            }
        }
        // No camera: pace the repeated picture, then try the camera again if a retry is due.
        if let lastDelivery { clock.sleep(until: lastDelivery + Self.retryInterval) }
        if clock.now() >= nextAttempt {
            nextAttempt = clock.now() + Self.retryInterval
            if let frame = reopen() { return deliver(frame) }
        }
        shown.timestamp = clock.now()
        return deliver(shown)
    }

    /// Opens the camera and takes a frame from it; nil (and reported) if either fails.
    private func reopen() -> I420Frame? {
        let camera: any VideoCapture
        do {
            camera = try open()
        } catch {
            note(error)
            return nil
        }
        guard camera.width == width, camera.height == height else {
            camera.close()
            note(DeviceError(device: device, operation: "reopening the camera",
                             reason: "it came back at \(camera.width)x\(camera.height), but the call sends \(width)x\(height);"
                                 + " showing the last picture until it is back at that size"))
            return nil
        }
        switch frame(from: camera) {
        case .success(let frame):
            self.camera = camera
            if isLost {
                isLost = false
                lastReported = nil
                report(.reopened)
            }
            return frame
        case .failure(let error):
            camera.close()
            note(error)
            return nil
        }
    }

    /// A frame from `camera`, checked to be the size the call sends.
    private func frame(from camera: any VideoCapture) -> Result<I420Frame, DeviceError> {
        let frame: I420Frame
        do {
            frame = try camera.capture()
        } catch {
            return .failure(error)
        }
        guard frame.width == width, frame.height == height else {
            return .failure(DeviceError(device: device, operation: "capturing",
                                        reason: "a \(frame.width)x\(frame.height) frame, but the call sends \(width)x\(height)"))
        }
        return .success(frame)
    }

    /// Reports a failure: the first as `lost`, later ones only when the reason changes.
    private func note(_ error: DeviceError) {
        if !isLost {
            isLost = true
            report(.lost(error))
        } else if error != lastReported {
            report(.stillMissing(error))
        }
        lastReported = error
    }

    private func deliver(_ frame: I420Frame) -> I420Frame {
        frame.sequence = sequence
        sequence += 1
        lastDelivery = clock.now()
        shown = frame
        return frame
    }

    /// Closes the camera; `capture` then throws.
    public func close() {
        closed = true
        camera?.close()
        camera = nil
    }
}
