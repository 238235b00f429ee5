import DoorStation
import Testing

@Suite struct DoorCodeGuardTests {
    static func make(attempts: Int = 3) -> DoorCodeGuard {
        DoorCodeGuard(codes: [.init(relay: 1, digits: "1234"), .init(relay: 2, digits: "9#")], attempts: attempts, lockoutSeconds: 60, timeoutSeconds: 5)
    }

    static func enter(_ digits: String, into guardian: inout DoorCodeGuard, call: String = "c1", allowed: Bool = true, at seconds: Double = 0) -> [DoorCodeGuard.Result] {
        var results: [DoorCodeGuard.Result] = []
        for (i, digit) in digits.enumerated() {
            let now = UInt64((seconds + Double(i) * 0.3) * 1e9)
            if let result = guardian.key(digit, call: call, allowed: allowed, now: now) { results.append(result) }
        }
        return results
    }

    @Test(arguments: [
        ("1234", [DoorCodeGuard.Result.opened(relay: 1)]),
        ("9#", [.opened(relay: 2)]),
        ("1235", [.wrong(attemptsLeft: 2)]),
        ("5555", [.wrong(attemptsLeft: 2)]),
        ("12", []),
        ("99#", []),
        ("99#0", [.wrong(attemptsLeft: 2)]),
        ("0000" + "1234", [.wrong(attemptsLeft: 2), .opened(relay: 1)]),
    ])
    func attemptsEndOnAMatchOrAtTheLongestCodesLength(digits: String, expected: [DoorCodeGuard.Result]) {
        var guardian = Self.make()
        #expect(Self.enter(digits, into: &guardian) == expected)
    }

    @Test func wrongCodesLockEveryCodeOutUntilTheTimeHasPassed() {
        var guardian = Self.make(attempts: 2)
        #expect(Self.enter("1111", into: &guardian, call: "a") == [.wrong(attemptsLeft: 1)])
        #expect(Self.enter("2222", into: &guardian, call: "b", at: 5) == [.wrong(attemptsLeft: 0)])
        #expect(guardian.isLockedOut(now: 10_000_000_000))
        #expect(Self.enter("1234", into: &guardian, call: "c", at: 10) == [.lockedOut(secondsLeft: 55)])
        #expect(Self.enter("1234", into: &guardian, call: "c", at: 70) == [.opened(relay: 1)])
    }

    @Test func aRightCodeResetsTheCount() {
        var guardian = Self.make(attempts: 2)
        _ = Self.enter("1111", into: &guardian)
        #expect(Self.enter("1234", into: &guardian) == [.opened(relay: 1)])
        #expect(Self.enter("1111", into: &guardian) == [.wrong(attemptsLeft: 1)])
    }

    @Test func partiesThatMayNotOpenAreRefusedWithoutCounting() {
        var guardian = Self.make(attempts: 1)
        #expect(Self.enter("1234", into: &guardian, allowed: false) == [.notAllowed])
        #expect(Self.enter("1234", into: &guardian) == [.opened(relay: 1)])
    }

    @Test func aPartialCodeTimesOutAsAWrongAttempt() {
        var guardian = Self.make()
        #expect(Self.enter("12", into: &guardian).isEmpty)
        #expect(guardian.nextWake == 5_300_000_000)
        #expect(guardian.wake(now: 5_000_000_000).isEmpty)
        let timedOut = guardian.wake(now: 5_300_000_000)
        #expect(timedOut.map(\.callID) == ["c1"])
        #expect(timedOut.map(\.result) == [.wrong(attemptsLeft: 2)])
        #expect(guardian.nextWake == nil)
    }

    @Test func eachCallKeepsItsOwnDigitsAndAnEndedCallsPartDoesNotCount() {
        var guardian = Self.make()
        _ = Self.enter("12", into: &guardian, call: "a")
        _ = Self.enter("9", into: &guardian, call: "b")
        #expect(Self.enter("34", into: &guardian, call: "a") == [.opened(relay: 1)])
        guardian.callEnded("b")
        #expect(guardian.nextWake == nil)
    }

    @Test func noCodesMeansKeysAreNotCollected() {
        var guardian = DoorCodeGuard(codes: [], attempts: 3, lockoutSeconds: 60, timeoutSeconds: 5)
        #expect(!guardian.isEnabled)
        #expect(Self.enter("1234", into: &guardian).isEmpty)
        #expect(guardian.nextWake == nil)
    }

    @Test func aReloadKeepsTheLockOut() {
        var guardian = Self.make(attempts: 1)
        _ = Self.enter("0000", into: &guardian)
        guardian.reconfigure(DoorCodeGuard(codes: [.init(relay: 1, digits: "4321")], attempts: 5, lockoutSeconds: 60, timeoutSeconds: 5))
        #expect(Self.enter("4321", into: &guardian, at: 1) == [.lockedOut(secondsLeft: 59)])
    }
}
