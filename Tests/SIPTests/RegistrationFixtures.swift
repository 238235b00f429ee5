import SIP
import SIPMessage

/// The account, registrar answers and a timer-driving harness for the registration tests.
enum Reg {
    static let instance = "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
    static let localContact = SIPURI(user: "door", host: "192.168.1.50", port: 5060)
    static let localVia = "SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bKreg;rport"

    static func account(expires: Int = 3600, credentials: [DigestCredentials] = [DigestCredentials(username: "door", password: "secret")],
                        routes: [SIPURI] = [], parameters: SIPParameters = SIPParameters()) -> RegistrationAccount {
        RegistrationAccount(aor: SIPURI(user: "door", host: "example.com"), registrar: SIPURI(host: "example.com"),
                            contact: localContact, displayName: "Front door", expires: expires, credentials: credentials,
                            routes: routes, requestURIParameters: parameters, instanceID: instance,
                            callID: "reg-1@192.168.1.50", fromTag: "f1", userAgent: "doorstationd/1.0")
    }

    /// No jitter, so that retry delays are exact.
    static let exact = RegistrationPolicy(retryJitter: 0)

    /// A response to `request` as a registrar sends it: its Via (as the driver sent it, with
    /// what the registrar added), From, Call-ID and CSeq, a To tag, then `headers`.
    static func reply(_ status: Int, to request: SIPRequest, via: String = localVia, _ headers: [(SIPHeaderName, String)] = []) -> SIPResponse {
        var all: SIPHeaders = [.via: via]
        all.append(.to, request.headers[.to]! + ";tag=reg")
        all.append(.from, request.headers[.from]!)
        all.append(.callID, request.headers[.callID]!)
        all.append(.cseq, request.headers[.cseq]!)
        for (name, value) in headers { all.append(name, value) }
        return SIPResponse(statusCode: status, headers: all)
    }

    /// A 200 listing the request's bindings that are kept, with `granted` (or what was asked).
    static func ok(_ request: SIPRequest, granted: Int? = nil, via: String = localVia, _ extra: [(SIPHeaderName, String)] = []) -> SIPResponse {
        var headers: [(SIPHeaderName, String)] = []
        for value in request.headers.values(.contact) {
            var contact = try! NameAddress(value)
            guard contact.parameters.value("expires") != "0" else { continue }
            if let granted { contact.parameters.set("expires", String(granted)) }
            headers.append((.contact, contact.description))
        }
        return reply(200, to: request, via: via, headers + extra)
    }

    static let challenge = #"Digest realm="example.com", nonce="n1", qop="auth", algorithm=MD5"#

    static func unauthorized(_ request: SIPRequest, challenge: String = challenge) -> SIPResponse {
        reply(401, to: request, [(.wwwAuthenticate, challenge)])
    }
}

/// Drives a `Registration` the way the network driver does, faster than real time: it keeps
/// the timers and fires them in deadline order. Each action is logged as `"<s> <action>"`.
struct RegistrationHarness {
    var machine: Registration
    var now: Duration = .zero
    var deadlines: [RegistrationTimer: Duration] = [:]
    var log: [String] = []
    var sent: [SIPRequest] = []

    init(account: RegistrationAccount = Reg.account(), policy: RegistrationPolicy = Reg.exact, seed: UInt64 = 1) {
        machine = Registration(account: account, policy: policy, random: SeededGenerator(state: seed))
    }

    var last: SIPRequest { sent.last! }

    /// Fires the timers due up to `seconds`, then delivers `event`; returns its actions, described.
    @discardableResult
    mutating func deliver(_ event: Registration.Event, at seconds: Double) -> [String] {
        advance(to: .milliseconds(Int(seconds * 1000)))
        return record(machine.handle(event, now: now))
    }

    /// Answers the last request at `seconds`.
    @discardableResult
    mutating func answer(at seconds: Double, _ reply: (SIPRequest) -> SIPResponse) -> [String] {
        deliver(.response(reply(last)), at: seconds)
    }

    mutating func advance(to time: Duration) {
        while let (timer, deadline) = deadlines.min(by: { $0.value < $1.value }), deadline <= time {
            deadlines[timer] = nil
            now = deadline
            record(machine.handle(.timerFired(timer), now: now))
        }
        now = time
    }

    /// Fires the next timer, whenever it is due.
    mutating func fireNextTimer() {
        guard let deadline = deadlines.values.min() else { return }
        advance(to: deadline)
    }

    @discardableResult
    private mutating func record(_ actions: [Registration.Action]) -> [String] {
        let lines = actions.map(describe)
        log += lines.map { "\(Self.seconds(now)) \($0)" }
        for action in actions {
            switch action {
            case .send(let request): sent.append(request)
            case .startTimer(let timer, let after): deadlines[timer] = now + after
            case .cancelTimer(let timer): deadlines[timer] = nil
            case .stateChanged: break
            }
        }
        return lines
    }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds = Int(duration / .milliseconds(1))
        return milliseconds % 1000 == 0 ? String(milliseconds / 1000) : String(Double(milliseconds) / 1000)
    }

    /// `send REGISTER 2`, `start refresh 270`, `cancel retry`, `state registering`.
    func describe(_ action: Registration.Action) -> String {
        switch action {
        case .send(let request): "send REGISTER " + (request.headers[.cseq]?.split(separator: " ").first.map(String.init) ?? "?")
        case .startTimer(let timer, let after): "start \(timer) \(Self.seconds(after))"
        case .cancelTimer(let timer): "cancel \(timer)"
        case .stateChanged(let state): "state \(state)"
        }
    }
}
