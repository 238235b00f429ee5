import DoorStation
import Testing

/// Drives a group the way the station does: every `.call` is placed at once with Call-ID
/// `call-<leg>`, and the test feeds answers, ends and wake-ups at chosen seconds.
struct RingGroupDriver {
    var group: RingGroup
    var log: [String] = []
    var finished: RingGroup.Outcome?
    var wakeAt: UInt64?

    init(_ targets: [String], _ mode: RingGroup.Mode, ring: Int = 20, maxRing: Int = 60, call: Int = 0) {
        group = RingGroup(targets: targets, mode: mode, timing: .init(ringSeconds: ring, maxRingSeconds: maxRing, callSeconds: call))
    }

    static func ns(_ seconds: Double) -> UInt64 { UInt64(seconds * 1e9) }

    mutating func apply(_ actions: [RingGroup.Action], at seconds: Double) {
        for action in actions {
            switch action {
            case .call(let leg, let target):
                log.append("call \(target)")
                apply(group.placed(leg: leg, callID: "call-\(leg)", now: Self.ns(seconds)), at: seconds)
            case .hangUp(let callID):
                log.append("hangup \(callID)")
            case .wake(let at):
                wakeAt = at
            case .finished(let outcome):
                finished = outcome
            }
        }
    }

    mutating func start() { apply(group.start(now: 0), at: 0) }
    mutating func answer(_ callID: String, at s: Double) { apply(group.answered(callID: callID, now: Self.ns(s)), at: s) }
    mutating func end(_ callID: String, at s: Double) { apply(group.ended(callID: callID, now: Self.ns(s)), at: s) }
    mutating func wake(at s: Double) { apply(group.wake(now: Self.ns(s)), at: s) }
    mutating func press(_ action: RingGroup.RepeatAction, at s: Double) { apply(group.press(action, now: Self.ns(s)), at: s) }
}

@Suite struct RingGroupTests {
    @Test func parallelFirstAnswerWinsAndTheOthersAreCancelled() {
        var d = RingGroupDriver(["sip:a@x", "sip:b@x", "sip:c@x"], .parallel)
        d.start()
        #expect(d.log == ["call sip:a@x", "call sip:b@x", "call sip:c@x"])
        #expect(d.group.isRinging)
        d.answer("call-1", at: 4)
        #expect(d.log.suffix(2) == ["hangup call-0", "hangup call-2"])
        #expect(d.group.isAnswered && !d.group.isRinging)
        #expect(d.group.answeredCallID == "call-1")
        d.end("call-0", at: 4.1)
        d.end("call-2", at: 4.1)
        #expect(d.finished == nil, "the answered call is still up")
        d.end("call-1", at: 30)
        #expect(d.finished == .answered)
    }

    @Test func aSecondAnswerAfterTheWinnerIsHungUp() {
        var d = RingGroupDriver(["sip:a@x", "sip:b@x"], .parallel)
        d.start()
        d.answer("call-0", at: 1)
        d.answer("call-1", at: 1.01)  // the CANCEL crossed its 200 OK
        #expect(d.log.filter { $0 == "hangup call-1" }.count >= 1)
        #expect(d.group.answeredCallID == "call-0")
    }

    @Test func sequentialMovesOnAfterEachRingTime() {
        var d = RingGroupDriver(["sip:indoor@x", "sip:mobile@x"], .sequential, ring: 15)
        d.start()
        #expect(d.log == ["call sip:indoor@x"])
        #expect(d.wakeAt == RingGroupDriver.ns(15))
        d.wake(at: 15)
        #expect(d.log == ["call sip:indoor@x", "hangup call-0", "call sip:mobile@x"])
        d.end("call-0", at: 15.1)  // the CANCEL's 487
        #expect(d.log.count == 3, "a cancelled target does not advance the group twice")
        d.answer("call-1", at: 20)
        d.end("call-1", at: 40)
        #expect(d.finished == .answered)
    }

    @Test func sequentialMovesOnWhenATargetDeclines() {
        var d = RingGroupDriver(["sip:a@x", "sip:b@x"], .sequential)
        d.start()
        d.end("call-0", at: 2)  // 486 Busy Here
        #expect(d.log == ["call sip:a@x", "call sip:b@x"])
        d.end("call-1", at: 3)
        #expect(d.finished == .unanswered)
    }

    @Test func maxRingTimeEndsTheWholeGroup() {
        var d = RingGroupDriver(["sip:a@x", "sip:b@x", "sip:c@x"], .sequential, ring: 30, maxRing: 45)
        d.start()
        d.wake(at: 30)
        #expect(d.log.last == "call sip:b@x")
        #expect(d.wakeAt == RingGroupDriver.ns(45), "b rings only until the group's limit")
        d.wake(at: 45)
        #expect(d.log.last == "hangup call-1")
        #expect(!d.log.contains("call sip:c@x"))
        d.end("call-0", at: 45)
        d.end("call-1", at: 45.2)
        #expect(d.finished == .unanswered)
    }

    @Test func parallelRingTimeHangsUpEveryTarget() {
        var d = RingGroupDriver(["sip:a@x", "sip:b@x"], .parallel, ring: 10)
        d.start()
        d.wake(at: 10)
        #expect(d.log.suffix(2) == ["hangup call-0", "hangup call-1"])
        d.end("call-0", at: 10.1)
        #expect(d.finished == nil)
        d.end("call-1", at: 10.1)
        #expect(d.finished == .unanswered)
    }

    @Test func callTimeHangsUpAnAnsweredCall() {
        var d = RingGroupDriver(["sip:a@x"], .parallel, call: 120)
        d.start()
        d.answer("call-0", at: 5)
        #expect(d.wakeAt == RingGroupDriver.ns(125))
        d.wake(at: 60)
        #expect(!d.log.contains("hangup call-0"))
        d.wake(at: 125)
        #expect(d.log.last == "hangup call-0")
    }

    @Test(arguments: [
        (RingGroup.RepeatAction.ignore, ["call sip:a@x"], RingGroup.Outcome.unanswered as RingGroup.Outcome?),
        (.hangUp, ["call sip:a@x", "hangup call-0"], .hungUp),
        (.restart, ["call sip:a@x", "hangup call-0", "call sip:a@x"], nil),
    ])
    func aPressWhileRinging(action: RingGroup.RepeatAction, expected: [String], outcome: RingGroup.Outcome?) {
        var d = RingGroupDriver(["sip:a@x"], .sequential)
        d.start()
        d.press(action, at: 3)
        #expect(d.log == expected)
        d.end("call-0", at: 3.1)
        #expect(d.finished == outcome)
        if action == .restart {
            #expect(d.group.isRinging, "the new call rings")
            #expect(d.wakeAt == RingGroupDriver.ns(23), "with a fresh ring time")
        }
    }

    @Test func aPressInACallChangesNothing() {
        var d = RingGroupDriver(["sip:a@x"], .parallel)
        d.start()
        d.answer("call-0", at: 1)
        d.press(.hangUp, at: 2)
        #expect(d.log == ["call sip:a@x"])
    }

    @Test func aCallThatCouldNotBePlacedCounts() {
        var group = RingGroup(targets: ["sip:a@x", "sip:b@x"], mode: .sequential, timing: .init(ringSeconds: 5, maxRingSeconds: 60, callSeconds: 0))
        #expect(group.start(now: 0).first == .call(leg: 0, target: "sip:a@x"))
        #expect(group.failed(leg: 0, now: 1).first == .call(leg: 1, target: "sip:b@x"))
        #expect(group.failed(leg: 1, now: 2).last == .finished(.unanswered))
    }

    @Test func aTargetGivenUpBeforeItsCallIDArrivedIsHungUpThen() {
        var group = RingGroup(targets: ["sip:a@x"], mode: .parallel, timing: .init(ringSeconds: 5, maxRingSeconds: 60, callSeconds: 0))
        _ = group.start(now: 0)
        _ = group.press(.hangUp, now: 1)
        #expect(group.placed(leg: 0, callID: "late", now: 2) == [.hangUp(callID: "late")])
        #expect(group.ended(callID: "late", now: 3).last == .finished(.hungUp))
    }
}
