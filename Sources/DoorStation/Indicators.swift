/// What the station's LEDs show, from its state: the status LED is on when the station is ready
/// (registered, or no account to register), blinks while it registers and blinks fast on an
/// error; the call LED blinks while a call rings and is on in a call; the door LED is on while a
/// door opener is energised.
public struct Indicators: Sendable, Hashable {
    public enum Role: Sendable, Hashable {
        case status, call, door
    }

    public enum Pattern: String, Sendable, Hashable {
        case off, on
        /// On and off for the LED's blink time each.
        case blink
        /// Four times as fast: something needs attention.
        case blinkFast = "blink_fast"

        /// The on and off time for a LED whose blink time is `blinkNanoseconds`; nil when steady.
        public func halfPeriod(blinkNanoseconds: UInt64) -> UInt64? {
            switch self {
            case .off, .on: nil
            case .blink: blinkNanoseconds
            case .blinkFast: max(blinkNanoseconds / 4, 25_000_000)
            }
        }
    }

    public enum Registration: String, Sendable, Hashable {
        /// No SIP account: nothing to wait for.
        case none
        case registering
        case registered
        case failed
    }

    public var registration: Registration
    /// A call rings (outgoing or incoming, not yet answered).
    public var ringing = false
    /// A call is answered.
    public var inCall = false
    /// A door opener is energised.
    public var doorOpen = false
    /// An output or device failed.
    public var fault = false

    public init(registration: Registration = .none) {
        self.registration = registration
    }

    public func pattern(_ role: Role) -> Pattern {
        switch role {
        case .status:
            if fault || registration == .failed { return .blinkFast }
            return registration == .registering ? .blink : .on
        case .call:
            if inCall { return .on }
            return ringing ? .blink : .off
        case .door:
            return doorOpen ? .on : .off
        }
    }
}
