/// Turns a button's raw edges into presses, releases and long presses.
///
/// The first edge of a press is accepted at once (a door bell must react without delay); further
/// edges within `debounce` are contact bounce and are ignored. When the window ends, the line's real
/// level is compared with the accepted one, so a release hidden inside a bounce burst is not lost.
/// Time is an input: the driver passes `now` and calls `wake(at:)` when a returned `.wake` is due.
public struct ButtonDebouncer: Sendable {
    public enum Action: Sendable, Hashable {
        case pressed
        /// The press ended after `heldFor` nanoseconds.
        case released(heldFor: UInt64)
        /// The button has been held for the long-press time.
        case longPress
        /// Call `wake(at:)` at this time.
        case wake(at: UInt64)
    }

    public let debounce: UInt64
    public let longPress: UInt64?
    private var rawPressed = false
    private var acceptedPressed = false
    private var quietUntil: UInt64 = 0
    private var pressedAt: UInt64 = 0
    private var longPressReported = false

    /// - Parameters:
    ///   - debounceMilliseconds: edges closer than this after an accepted edge are bounce.
    ///   - longPressMilliseconds: hold time that counts as a long press; 0 turns it off.
    public init(debounceMilliseconds: Int, longPressMilliseconds: Int) {
        debounce = UInt64(debounceMilliseconds) * 1_000_000
        longPress = longPressMilliseconds > 0 ? UInt64(longPressMilliseconds) * 1_000_000 : nil
    }

    public var isPressed: Bool { acceptedPressed }

    /// A raw edge: `pressed` is the line's new logical level.
    public mutating func edge(pressed: Bool, at now: UInt64) -> [Action] {
        rawPressed = pressed
        guard now >= quietUntil else { return [] }  // bounce: settled when the window ends
        return accept(at: now)
    }

    /// A wake-up that an earlier action asked for.
    public mutating func wake(at now: UInt64) -> [Action] {
        var actions: [Action] = []
        if now >= quietUntil {
            actions += accept(at: now)
        }
        if acceptedPressed, !longPressReported, let longPress, now >= pressedAt + longPress {
            longPressReported = true
            actions.append(.longPress)
        }
        return actions
    }

    private mutating func accept(at now: UInt64) -> [Action] {
        guard rawPressed != acceptedPressed else { return [] }
        acceptedPressed = rawPressed
        quietUntil = now + debounce
        var actions: [Action] = []
        if acceptedPressed {
            pressedAt = now
            longPressReported = false
            actions.append(.pressed)
            if let longPress { actions.append(.wake(at: now + longPress)) }
        } else {
            actions.append(.released(heldFor: now - pressedAt))
        }
        if debounce > 0 { actions.append(.wake(at: quietUntil)) }
        return actions
    }
}
