import Synchronization

/// A button pressed by software: through `doorstationd ctl press N` or a scripted schedule.
public final class SimulatedInputLine: InputLine {
    public let name: String
    public let edges: AsyncStream<LineEdge>
    private let continuation: AsyncStream<LineEdge>.Continuation
    private let clock: any MediaClock
    private let state = Mutex(false)

    public init(name: String, clock: any MediaClock = MonotonicClock()) {
        self.name = name
        self.clock = clock
        (edges, continuation) = AsyncStream.makeStream(of: LineEdge.self, bufferingPolicy: .bufferingNewest(64))
    }

    /// Whether the button is held down now.
    public var isPressed: Bool { state.withLock { $0 } }

    public func press() { change(to: true) }
    public func release() { change(to: false) }

    public func close() { continuation.finish() }

    private func change(to pressed: Bool) {
        // Only real changes produce edges, as with a GPIO line.
        let changed = state.withLock { current in
            defer { current = pressed }
            return current != pressed
        }
        if changed { continuation.yield(LineEdge(pressed ? .pressed : .released, at: clock.now())) }
    }
}

/// A relay or LED whose state is kept in memory and reported to an observer on every change.
public final class SimulatedOutputLine: OutputLine {
    public let name: String
    private let state = Mutex(false)
    private let observer: @Sendable (_ name: String, _ active: Bool) -> Void

    public init(name: String, observer: @escaping @Sendable (_ name: String, _ active: Bool) -> Void = { _, _ in }) {
        self.name = name
        self.observer = observer
    }

    public var isActive: Bool { state.withLock { $0 } }

    public func set(_ active: Bool) throws(DeviceError) {
        let changed = state.withLock { current in
            defer { current = active }
            return current != active
        }
        if changed { observer(name, active) }
    }

    public func close() {}
}
