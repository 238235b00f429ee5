import CGPIOD
import Devices
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// How a GPIO line is requested, in libgpiod v1 terms.
public struct GPIOLineRequest: Sendable, Hashable {
    public enum Bias: Sendable, Hashable {
        case asIs, disable, pullUp, pullDown
    }

    /// Chip name (`gpiochip0`), path (`/dev/gpiochip0`), label (`pinctrl-bcm2711`) or number.
    public var chip: String
    public var offset: Int
    public var activeLow: Bool
    public var bias: Bias
    /// Shown by `gpioinfo` as the line's user.
    public var consumer: String

    public init(chip: String, offset: Int, activeLow: Bool, bias: Bias = .asIs, consumer: String = "doorstationd") {
        self.chip = chip
        self.offset = offset
        self.activeLow = activeLow
        self.bias = bias
        self.consumer = consumer
    }

    /// "gpiochip0 line 17", the way errors name the line.
    public var name: String { "\(chip) line \(offset)" }

    var flags: Int32 {
        var flags: Int32 = activeLow ? Int32(GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW) : 0
        switch bias {
        case .asIs: break
        case .disable: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE)
        case .pullUp: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP)
        case .pullDown: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN)
        }
        return flags
    }
}

/// An opened chip and one of its lines; closing the chip releases the line.
final class GPIOChipLine: @unchecked Sendable {
    let chip: OpaquePointer
    let line: OpaquePointer
    let request: GPIOLineRequest

    /// Opens the chip and finds the line. The corresponding C functions are `gpiod_chip_open_lookup` and `gpiod_chip_get_line`.
    init(_ request: GPIOLineRequest) throws(DeviceError) {
        self.request = request
        guard let chip = gpiod_chip_open_lookup(request.chip) else {
            let error = Errno.current
            let reason = error.code == ENOENT || error.code == ENOTTY
                ? "no GPIO chip with this name, path, label or number (gpiodetect lists the chips)"
                : error.description
            throw DeviceError(device: request.name, operation: "opening GPIO chip", reason: reason)
        }
        let lines = Int(gpiod_chip_num_lines(chip))
        guard request.offset < lines, let line = gpiod_chip_get_line(chip, UInt32(request.offset)) else {
            gpiod_chip_close(chip)
            throw DeviceError(device: request.name, operation: "finding GPIO line", reason: "the chip has lines 0…\(lines - 1)")
        }
        self.chip = chip
        self.line = line
    }

    /// Turns a failed request into an error that names who holds the line.
    func requestError(_ operation: String) -> DeviceError {
        let error = Errno.current
        if error.code == EBUSY {
            let holder = gpiod_line_consumer(line).map { String(cString: $0) } ?? "another program"
            return DeviceError(device: request.name, operation: operation, reason: "the line is in use by \(holder)")
        }
        return DeviceError(device: request.name, operation: operation, reason: error.description)
    }

    deinit { gpiod_chip_close(chip) }
}

/// A button on a GPIO line. Edge events come from the kernel with its timestamps; a thread waits for
/// them (no polling of the level) and hands them on in order.
public final class GPIOInputLine: InputLine {
    public let name: String
    public let edges: AsyncStream<LineEdge>
    private let handle: GPIOChipLine
    private let continuation: AsyncStream<LineEdge>.Continuation
    private let closed = StopFlag()

    /// The corresponding C function is `gpiod_line_request_both_edges_events_flags`.
    public init(_ request: GPIOLineRequest) throws(DeviceError) {
        handle = try GPIOChipLine(request)
        name = request.name
        guard gpiod_line_request_both_edges_events_flags(handle.line, request.consumer, request.flags) == 0 else {
            throw handle.requestError("requesting edge events")
        }
        (edges, continuation) = AsyncStream.makeStream(of: LineEdge.self, bufferingPolicy: .bufferingNewest(256))
        let started = DeviceThread.start { [handle, continuation, closed] in
            Self.waitForEdges(handle, continuation, closed)
        }
        if case .failure(let error) = started {
            throw DeviceError(device: name, operation: "starting the edge thread", reason: error.description)
        }
    }

    private static func waitForEdges(_ handle: GPIOChipLine, _ continuation: AsyncStream<LineEdge>.Continuation, _ closed: StopFlag) {
        // Wake every 200 ms to notice `close()`; edges themselves wake the wait at once.
        var timeout = timespec(tv_sec: 0, tv_nsec: 200_000_000)
        var event = gpiod_line_event()
        while !closed.isRaised {
            let ready = gpiod_line_event_wait(handle.line, &timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            guard ready == 1, gpiod_line_event_read(handle.line, &event) == 0 else { continue }
            // With the active-low flag set, libgpiod reports a press of a pulled-up button as rising.
            let kind: LineEdge.Kind = Int(event.event_type) == Int(GPIOD_LINE_EVENT_RISING_EDGE) ? .pressed : .released
            let time = UInt64(event.ts.tv_sec) * 1_000_000_000 + UInt64(event.ts.tv_nsec)
            continuation.yield(LineEdge(kind, at: time))
        }
        continuation.finish()
    }

    public func close() { closed.raise() }
}

/// A relay or LED on a GPIO output line.
public final class GPIOOutputLine: OutputLine {
    public let name: String
    private let handle: GPIOChipLine
    private let state = Mutex(false)

    /// Requests the line as an output, inactive. The corresponding C function is `gpiod_line_request_output_flags`.
    public init(_ request: GPIOLineRequest) throws(DeviceError) {
        handle = try GPIOChipLine(request)
        name = request.name
        guard gpiod_line_request_output_flags(handle.line, request.consumer, request.flags, 0) == 0 else {
            throw handle.requestError("requesting output")
        }
    }

    public var isActive: Bool { state.withLock { $0 } }

    /// The corresponding C function is `gpiod_line_set_value`.
    public func set(_ active: Bool) throws(DeviceError) {
        try state.withLock { (current: inout Bool) throws(DeviceError) in
            guard gpiod_line_set_value(handle.line, active ? 1 : 0) == 0 else {
                throw DeviceError(device: name, operation: "setting output", reason: Errno.current.description)
            }
            current = active
        }
    }

    public func close() {
        try? set(false)
        gpiod_line_release(handle.line)
    }
}
