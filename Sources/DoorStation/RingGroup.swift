/// The calls of one button press: its targets rung all at once (the first to answer wins, the
/// others are cancelled) or one after another with a ring time each (the indoor unit first, then a
/// mobile), the whole ringing bounded by `maxRingTime` and an answered call by `callTime`.
///
/// Pure: the driver places calls, hangs them up and wakes the group when an action says so, and
/// feeds back what the calls did. Times are monotonic nanoseconds.
public struct RingGroup: Sendable {
    public enum Mode: Sendable, Hashable {
        case parallel
        case sequential
    }

    public enum Action: Sendable, Hashable {
        /// Call `target`; report the Call-ID with `placed(leg:callID:now:)` or the failure with `failed(leg:now:)`.
        case call(leg: Int, target: String)
        /// Cancel the call if it still rings, end it if it was answered.
        case hangUp(callID: String)
        /// Call `wake(now:)` at this time.
        case wake(at: UInt64)
        /// Every call of the group has ended; the button is free again.
        case finished(Outcome)
    }

    public enum Outcome: String, Sendable, Hashable {
        /// A target answered and the call has ended.
        case answered
        /// Nobody answered: every target declined or the ring time ran out.
        case unanswered
        /// The button was pressed again with `on_repeat=hangup`.
        case hungUp = "hung_up"
    }

    /// What a press does while the group's calls still ring.
    public enum RepeatAction: Sendable, Hashable {
        case ignore, restart, hangUp
    }

    public struct Timing: Sendable, Hashable {
        /// How long one target rings (sequential), or all of them (parallel).
        public var ringTime: UInt64
        /// The whole ringing phase, whatever the mode.
        public var maxRingTime: UInt64
        /// An answered call is hung up after this; nil: no limit.
        public var callTime: UInt64?

        public init(ringSeconds: Int, maxRingSeconds: Int, callSeconds: Int) {
            ringTime = UInt64(ringSeconds) * 1_000_000_000
            maxRingTime = UInt64(maxRingSeconds) * 1_000_000_000
            callTime = callSeconds > 0 ? UInt64(callSeconds) * 1_000_000_000 : nil
        }
    }

    enum LegState: Sendable, Hashable {
        case placing, ringing, answered, ending, ended
    }

    struct Leg: Sendable, Hashable {
        var target: String
        var callID: String?
        var state: LegState
        /// When this target stops ringing.
        var ringDeadline: UInt64
        /// Legs of an earlier round (before a restart) no longer decide anything.
        var round: Int
    }

    public let targets: [String]
    public let mode: Mode
    public let timing: Timing
    private(set) var legs: [Leg] = []
    private var round = 0
    private var nextTarget = 0
    private var ringDeadline: UInt64 = 0
    private var callDeadline: UInt64?
    private var outcome: Outcome?
    private var isFinished = false

    public init(targets: [String], mode: Mode, timing: Timing) {
        self.targets = targets
        self.mode = mode
        self.timing = timing
    }

    /// Whether a call of the group still rings (for the call LED and repeat presses).
    public var isRinging: Bool { !isFinished && !isAnswered && legs.contains { $0.round == round && ($0.state == .placing || $0.state == .ringing) } }
    /// Whether a target has answered and the call is up.
    public var isAnswered: Bool { legs.contains { $0.state == .answered } }
    /// The answered call's Call-ID.
    public var answeredCallID: String? { legs.first { $0.state == .answered }?.callID }

    /// Whether `callID` is one of the group's calls.
    public func owns(_ callID: String) -> Bool { legs.contains { $0.callID == callID } }

    /// The first press: calls every target (parallel) or the first one (sequential).
    public mutating func start(now: UInt64) -> [Action] {
        ringDeadline = now + timing.maxRingTime
        nextTarget = 0
        var actions: [Action] = []
        switch mode {
        case .parallel:
            while nextTarget < targets.count { actions.append(placeNext(now: now)) }
        case .sequential:
            if nextTarget < targets.count { actions.append(placeNext(now: now)) }
        }
        return settle(actions, now: now)
    }

    /// A further press of the button.
    public mutating func press(_ repeatAction: RepeatAction, now: UInt64) -> [Action] {
        guard isRinging else { return [] }  // in a call, or already ending: a press changes nothing
        switch repeatAction {
        case .ignore:
            return []
        case .hangUp:
            outcome = .hungUp
            return settle(hangUpAll(), now: now)
        case .restart:
            var actions = hangUpAll()
            round += 1
            actions += start(now: now)
            return settle(actions, now: now)
        }
    }

    public mutating func placed(leg index: Int, callID: String, now: UInt64) -> [Action] {
        guard legs.indices.contains(index) else { return [] }
        legs[index].callID = callID
        switch legs[index].state {
        case .placing:
            legs[index].state = .ringing
            return settle([], now: now)
        case .ending:
            return [.hangUp(callID: callID)]  // given up before the Call-ID was known
        default:
            return []
        }
    }

    /// The call could not be placed (no route, bad target).
    public mutating func failed(leg index: Int, now: UInt64) -> [Action] {
        guard legs.indices.contains(index) else { return [] }
        return settle(end(index, now: now), now: now)
    }

    public mutating func answered(callID: String, now: UInt64) -> [Action] {
        guard let index = legs.firstIndex(where: { $0.callID == callID }) else { return [] }
        guard legs[index].state == .ringing || legs[index].state == .placing, !isAnswered, legs[index].round == round else {
            // Answered after another target won, or after it was given up: too late.
            legs[index].state = .ending
            return [.hangUp(callID: callID)]
        }
        legs[index].state = .answered
        callDeadline = timing.callTime.map { now + $0 }
        var actions: [Action] = []
        for other in legs.indices where other != index { actions += hangUp(other) }
        return settle(actions, now: now)
    }

    public mutating func ended(callID: String, now: UInt64) -> [Action] {
        guard let index = legs.firstIndex(where: { $0.callID == callID }) else { return [] }
        return settle(end(index, now: now), now: now)
    }

    public mutating func wake(now: UInt64) -> [Action] {
        var actions: [Action] = []
        if let answered = legs.firstIndex(where: { $0.state == .answered }) {
            if let callDeadline, now >= callDeadline {
                self.callDeadline = nil
                actions += hangUp(answered)
            }
            return settle(actions, now: now)
        }
        if now >= ringDeadline {
            if outcome == nil { outcome = .unanswered }
            return settle(hangUpAll(), now: now)
        }
        for index in legs.indices where legs[index].round == round && (legs[index].state == .ringing || legs[index].state == .placing) && now >= legs[index].ringDeadline {
            actions += hangUp(index)
            if mode == .sequential, nextTarget < targets.count { actions.append(placeNext(now: now)) }
        }
        return settle(actions, now: now)
    }

    // MARK: Steps

    private mutating func placeNext(now: UInt64) -> Action {
        let target = targets[nextTarget]
        nextTarget += 1
        legs.append(Leg(target: target, callID: nil, state: .placing, ringDeadline: min(now + timing.ringTime, ringDeadline), round: round))
        return .call(leg: legs.count - 1, target: target)
    }

    private mutating func end(_ index: Int, now: UInt64) -> [Action] {
        let before = legs[index].state
        legs[index].state = .ended
        if before == .answered {
            if outcome == nil { outcome = .answered }
            return []
        }
        // A target declined or stopped ringing: in sequence, the next one rings.
        guard legs[index].round == round, !isAnswered, outcome == nil, mode == .sequential,
              before != .ending, nextTarget < targets.count, now < ringDeadline,
              !legs.contains(where: { $0.round == round && ($0.state == .placing || $0.state == .ringing) })
        else { return [] }
        return [placeNext(now: now)]
    }

    private mutating func hangUp(_ index: Int) -> [Action] {
        switch legs[index].state {
        case .placing:
            legs[index].state = .ending
            return []
        case .ringing, .answered:
            legs[index].state = .ending
            return legs[index].callID.map { [.hangUp(callID: $0)] } ?? []
        case .ending, .ended:
            return []
        }
    }

    private mutating func hangUpAll() -> [Action] {
        legs.indices.flatMap { hangUp($0) }
    }

    /// Adds the group's end, or its next wake-up.
    private mutating func settle(_ actions: [Action], now: UInt64) -> [Action] {
        guard !isFinished else { return actions }
        if legs.allSatisfy({ $0.state == .ended }) {
            isFinished = true
            return actions + [.finished(outcome ?? .unanswered)]
        }
        var deadlines: [UInt64] = []
        if isAnswered {
            if let callDeadline { deadlines.append(callDeadline) }
        } else if legs.contains(where: { $0.state == .placing || $0.state == .ringing }) {
            deadlines.append(ringDeadline)
            deadlines += legs.filter { $0.round == round && ($0.state == .placing || $0.state == .ringing) }.map(\.ringDeadline)
        }
        if let next = deadlines.min() { return actions + [.wake(at: next)] }
        return actions
    }
}
