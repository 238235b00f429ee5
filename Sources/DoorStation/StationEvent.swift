/// Something that happened at the door, as written to the log, `ctl status` and the event hook.
public struct StationEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case started = "station.started"
        case buttonPressed = "button.pressed"
        case buttonLongPressed = "button.long_pressed"
        case buttonReleased = "button.released"
        case callRinging = "call.ringing"
        case callAnswered = "call.answered"
        case callEnded = "call.ended"
        case doorOpened = "door.opened"
        /// Every door-code attempt, with its result (the audit trail; never the digits).
        case doorCode = "door.code"
        /// A button's call moved on to a target (the next one in a sequential group).
        case callTarget = "call.target"
        case outputChanged = "output.changed"
        case registrationChanged = "registration.changed"
        case configReloaded = "config.reloaded"
    }

    public var kind: Kind
    /// Wall-clock time in milliseconds since 1970, for people reading `ctl status`.
    public var time: Int64
    /// Details as ordered key/value pairs, e.g. `button=1`, `label=Main entrance`.
    public var details: [(key: String, value: String)]

    public init(_ kind: Kind, time: Int64, details: [(key: String, value: String)] = []) {
        self.kind = kind
        self.time = time
        self.details = details
    }

    public func detail(_ key: String) -> String? { details.first { $0.key == key }?.value }

    public static func == (a: StationEvent, b: StationEvent) -> Bool {
        a.kind == b.kind && a.time == b.time && a.details.elementsEqual(b.details) { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(time)
        for detail in details { hasher.combine(detail.key); hasher.combine(detail.value) }
    }
}

/// The most recent events, oldest first, bounded so a long-running daemon's memory stays flat.
public struct EventHistory: Sendable {
    public let capacity: Int
    public private(set) var events: [StationEvent] = []
    /// Events ever recorded, including those no longer kept.
    public private(set) var total = 0

    public init(capacity: Int = 100) {
        precondition(capacity > 0, "history needs room for one event")
        self.capacity = capacity
        events.reserveCapacity(capacity)
    }

    public mutating func append(_ event: StationEvent) {
        if events.count == capacity { events.removeFirst() }
        events.append(event)
        total += 1
    }

    public func count(of kind: StationEvent.Kind) -> Int { events.filter { $0.kind == kind }.count }
}
