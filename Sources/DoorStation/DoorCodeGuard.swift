/// Door codes keyed in during calls: collects each call's DTMF digits, opens the relay whose
/// code was entered, and locks every code out after too many wrong attempts.
///
/// An attempt ends when its digits equal a relay's code (opened), when it is as long as the
/// longest code without matching one (wrong), or when no key came for `timeout` (wrong). A wrong
/// digit is not refused on the spot: that would tell a guesser each right digit. Attempts by
/// parties that may not open the door end the same way and count as `notAllowed`, not as wrong.
/// After `attempts` wrong attempts in a row (in any calls), every attempt is refused until
/// `lockout` has passed, even with the right code. The caller only learns the digits' count from
/// the results, so the audit line can be written without the secret. Times are monotonic ns.
public struct DoorCodeGuard: Sendable {
    public struct Code: Sendable, Hashable {
        public var relay: Int
        public var digits: String

        public init(relay: Int, digits: String) {
            self.relay = relay
            self.digits = digits.uppercased()
        }
    }

    public enum Result: Sendable, Hashable {
        case opened(relay: Int)
        /// A wrong code; `attemptsLeft` 0 means codes are now locked out.
        case wrong(attemptsLeft: Int)
        /// Codes are locked out for `secondsLeft` more seconds.
        case lockedOut(secondsLeft: Int)
        /// The call's party may not open the door.
        case notAllowed

        /// `opened`, `wrong`, `locked_out`, `not_allowed`: the audit line's `result`.
        public var name: String {
            switch self {
            case .opened: "opened"
            case .wrong: "wrong"
            case .lockedOut: "locked_out"
            case .notAllowed: "not_allowed"
            }
        }
    }

    struct Entry: Sendable {
        var digits = ""
        var lastKey: UInt64
        var allowed: Bool
    }

    public let codes: [Code]
    public let attempts: Int
    public let lockout: UInt64
    public let timeout: UInt64
    private let longest: Int
    private var entries: [String: Entry] = [:]
    private var wrongInARow = 0
    private var lockedUntil: UInt64?

    public init(codes: [Code], attempts: Int, lockoutSeconds: Int, timeoutSeconds: Int) {
        self.codes = codes.filter { !$0.digits.isEmpty }
        self.attempts = max(1, attempts)
        lockout = UInt64(lockoutSeconds) * 1_000_000_000
        timeout = UInt64(timeoutSeconds) * 1_000_000_000
        longest = self.codes.map(\.digits.count).max() ?? 0
    }

    /// Takes new codes and limits (a reload) and keeps what was entered and any lock-out.
    public mutating func reconfigure(_ fresh: DoorCodeGuard) {
        let (entries, wrongInARow, lockedUntil) = (self.entries, self.wrongInARow, self.lockedUntil)
        self = fresh
        self.entries = entries
        self.wrongInARow = wrongInARow
        self.lockedUntil = lockedUntil
    }

    /// Whether any relay can be opened by a code at all.
    public var isEnabled: Bool { longest > 0 }

    public func isLockedOut(now: UInt64) -> Bool { lockedUntil.map { now < $0 } ?? false }

    /// A key pressed in call `callID`; the result when it ended an attempt, nil while it goes on.
    public mutating func key(_ digit: Character, call callID: String, allowed: Bool, now: UInt64) -> Result? {
        guard isEnabled else { return nil }
        var entry = entries[callID] ?? Entry(lastKey: now, allowed: allowed)
        entry.digits.append(contentsOf: digit.uppercased())
        entry.lastKey = now
        if let code = codes.first(where: { $0.digits == entry.digits }) {
            entries[callID] = nil
            return finish(entry, matching: code, now: now)
        }
        if entry.digits.count >= longest {
            entries[callID] = nil
            return finish(entry, matching: nil, now: now)
        }
        entries[callID] = entry
        return nil
    }

    /// Ends the attempts whose last key is older than `timeout`.
    public mutating func wake(now: UInt64) -> [(callID: String, result: Result)] {
        let stale = entries.filter { now >= $0.value.lastKey + timeout }.sorted { $0.key < $1.key }
        return stale.map { callID, entry in
            entries[callID] = nil
            return (callID, finish(entry, matching: nil, now: now))
        }
    }

    /// When the oldest partial attempt times out.
    public var nextWake: UInt64? { entries.values.map { $0.lastKey + timeout }.min() }

    /// Forgets a partial attempt of an ended call; it does not count.
    public mutating func callEnded(_ callID: String) {
        entries[callID] = nil
    }

    private mutating func finish(_ entry: Entry, matching code: Code?, now: UInt64) -> Result {
        if let until = lockedUntil {
            if now < until { return entry.allowed ? .lockedOut(secondsLeft: Int((until - now + 999_999_999) / 1_000_000_000)) : .notAllowed }
            lockedUntil = nil
            wrongInARow = 0
        }
        guard entry.allowed else { return .notAllowed }
        if let code {
            wrongInARow = 0
            return .opened(relay: code.relay)
        }
        wrongInARow += 1
        if wrongInARow >= attempts { lockedUntil = now + lockout }
        return .wrong(attemptsLeft: max(0, attempts - wrongInARow))
    }
}
