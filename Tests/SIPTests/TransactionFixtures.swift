import SIP
import SIPMessage

/// Messages and a timer-driving harness for the transaction tests.
enum Fixture {
    static let alice = "Alice <sip:alice@atlanta.com>;tag=1928301774"
    static let bob = "Bob <sip:bob@biloxi.com>"

    /// A request as a UAC sends it (RFC 3261 §24.2 F1, shortened).
    static func request(_ method: SIPMethod = .invite, branch: String = "z9hG4bK776asdhds",
                        sentBy: String = "pc33.atlanta.com", cseq: UInt32 = 314159, to: String = bob,
                        callID: String = "a84b4c76e66710@pc33.atlanta.com", extraVia: Bool = false) -> SIPRequest {
        var headers: SIPHeaders = [.via: "SIP/2.0/UDP \(sentBy);branch=\(branch)"]
        if extraVia { headers.append(.via, "SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1") }
        headers.append(.maxForwards, "70")
        headers.append(.to, to)
        headers.append(.from, alice)
        headers.append(.callID, callID)
        headers.append(.cseq, "\(cseq) \(method.rawValue)")
        return SIPRequest(method: method, uri: SIPURI(user: "bob", host: "biloxi.com"), headers: headers)
    }

    /// A response to `request` with the request's Via, From, Call-ID and CSeq and a To tag.
    static func response(_ status: Int, to request: SIPRequest = request(), toTag: String? = "a6c85cf") -> SIPResponse {
        var headers = SIPHeaders()
        for via in request.headers.values(.via) { headers.append(.via, via) }
        var to = request.headers[.to]!
        if let toTag, status > 100 { to += ";tag=" + toTag }
        headers.append(.to, to)
        headers.append(.from, request.headers[.from]!)
        headers.append(.callID, request.headers[.callID]!)
        headers.append(.cseq, request.headers[.cseq]!)
        return SIPResponse(statusCode: status, headers: headers)
    }
}

/// Test-side view of the four machines.
protocol TransactionMachine {
    mutating func handle(_ event: TransactionEvent, now: Duration) -> [TransactionAction]
}

extension ClientInviteTransaction: TransactionMachine {}
extension ClientNonInviteTransaction: TransactionMachine {}
extension ServerInviteTransaction: TransactionMachine {}
extension ServerNonInviteTransaction: TransactionMachine {}

/// Drives a machine the way the network driver does, faster than real time: it keeps the
/// timers the machine starts and fires them in deadline order. Every action is logged as
/// `"<ms> <action>"`, so a test asserts the exact sequence.
struct Harness<Machine: TransactionMachine> {
    var machine: Machine
    var now: Duration = .zero
    var deadlines: [TransactionTimer: Duration] = [:]
    var log: [String] = []

    init(_ start: (Machine, [TransactionAction])) {
        machine = start.0
        record(start.1)
    }

    /// Fires every timer due up to `time`, then delivers `event` at `time`; returns its actions.
    @discardableResult
    mutating func deliver(_ event: TransactionEvent, at milliseconds: Int) -> [String] {
        advance(to: .milliseconds(milliseconds))
        return record(machine.handle(event, now: now))
    }

    /// Fires every timer due up to `time`.
    mutating func advance(to time: Duration) {
        let order = TransactionTimer.allCases
        while let (timer, deadline) = deadlines.min(by: { ($0.value, order.firstIndex(of: $0.key)!) < ($1.value, order.firstIndex(of: $1.key)!) }),
              deadline <= time {
            deadlines[timer] = nil
            now = deadline
            record(machine.handle(.timerFired(timer), now: now))
        }
        now = time
    }

    /// Runs until no timer is left (or an hour has passed).
    mutating func runToEnd() { advance(to: .seconds(3600)) }

    /// The times (ms) at which something was sent.
    var sendTimes: [Int] { log.filter { $0.contains(" send ") }.map { Int($0.prefix { $0 != " " })! } }

    /// The log without timer bookkeeping.
    var events: [String] { log.filter { !$0.contains(" start ") && !$0.contains(" cancel ") } }

    @discardableResult
    private mutating func record(_ actions: [TransactionAction]) -> [String] {
        let lines = actions.map { describe($0) }
        log += lines.map { "\(Int(now / .milliseconds(1))) \($0)" }
        for action in actions {
            switch action {
            case .startTimer(let timer, let after): deadlines[timer] = now + after
            case .cancelTimer(let timer): deadlines[timer] = nil
            case .terminated: deadlines = [:]
            default: break
            }
        }
        return lines
    }
}

/// A one-line description of an action: `send INVITE`, `send 180`, `start a 500`, `cancel b`,
/// `TU 486`, `TU ACK`, `timeout`, `transportFailed`, `terminated`.
func describe(_ action: TransactionAction) -> String {
    switch action {
    case .send(let message): "send " + describe(message)
    case .startTimer(let timer, let after): "start \(timer) \(Int(after / .milliseconds(1)))"
    case .cancelTimer(let timer): "cancel \(timer)"
    case .passToTU(let message): "TU " + describe(message)
    case .timeout: "timeout"
    case .transportFailed: "transportFailed"
    case .terminated: "terminated"
    }
}

func describe(_ message: SIPMessage) -> String {
    switch message {
    case .request(let request): request.method.rawValue
    case .response(let response): String(response.statusCode)
    }
}

func describe(_ actions: [TransactionAction]) -> [String] { actions.map { describe($0) } }

/// A seeded generator (SplitMix64), so that branches are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
