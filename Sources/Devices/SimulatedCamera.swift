import Video

/// A camera that shows the test pattern at a steady frame rate. Frame n is returned at start + n / rate,
/// timestamped with the clock, into one frame buffer reused for every capture.
public final class SimulatedCamera: VideoCapture {
    public let width: Int
    public let height: Int
    public let framerate: Double
    private let clock: any MediaClock
    private let frame: I420Frame
    private let pattern = TestPattern()
    private var start: UInt64?
    private var sequence: UInt64 = 0
    private var closed = false

    public init(width: Int, height: Int, framerate: Double, clock: any MediaClock = MonotonicClock()) {
        precondition(framerate > 0, "frame rate must be positive")
        self.width = width
        self.height = height
        self.framerate = framerate
        self.clock = clock
        frame = I420Frame(width: width, height: height)
    }

    public func capture() throws(DeviceError) -> I420Frame {
        guard !closed else { throw DeviceError(device: "simulated camera", operation: "capturing", reason: "closed") }
        let begin = start ?? clock.now()
        start = begin
        let due = begin + UInt64((Double(sequence) * 1_000_000_000 / framerate).rounded())
        clock.sleep(until: due)
        pattern.render(into: frame, sequence: sequence, timestamp: clock.now())
        sequence += 1
        return frame
    }

    public func close() { closed = true }
}
