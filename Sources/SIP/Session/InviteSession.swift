import SIPMessage

/// One call: the INVITE session of RFC 3261 §13–§15 with its dialog (§12), reliable provisional
/// responses (RFC 3262), UPDATE (RFC 3311), session timers (RFC 4028) and INFO (RFC 6086), from
/// either side. A pure state machine: the user agent feeds it the TU's commands, the responses
/// to the requests it asked to send, the peer's requests and its timers, and carries out the
/// actions it returns. Transactions stay in `TransactionLayer`; this is the layer above them.
public struct InviteSession<Negotiator: SessionNegotiator>: Sendable {
    public enum Role: Sendable, Equatable { case caller, callee }

    /// Which of our requests a response or failure belongs to.
    public enum RequestKind: Sendable, Hashable {
        case invite, cancel, prack, reinvite, update, bye, info, options
        /// The BYE that ends a dialog made by a second, forked 2xx.
        case forkedBye
    }

    public enum Event: Sendable {
        /// Caller: send the INVITE. Callee: check the INVITE (extensions, session timer, offer);
        /// a problem answers it at once (420, 422, 488) and ends the session.
        case start
        /// Callee: 180 Ringing, or 183 with our answer when `earlyMedia`.
        case ring(earlyMedia: Bool)
        /// Callee: answer with 200.
        case accept
        /// Callee: refuse with `statusCode` (403, 486, 603…).
        case reject(statusCode: Int)
        /// Either side: CANCEL, BYE or a refusal, whatever the state calls for.
        case hangUp
        /// Send a DTMF digit as INFO `application/dtmf-relay`.
        case sendDTMF(Character, durationMilliseconds: Int)
        /// Send a new offer (hold, resume, media change) by re-INVITE.
        case reoffer
        /// A response to a request this session asked to send.
        case response(SIPResponse, RequestKind)
        /// A request of ours ended without a final response (timeout, transport error).
        case requestFailed(RequestKind, String)
        /// A request from the peer in this call, with its server transaction (nil for ACK).
        case request(SIPRequest, TransactionKey?)
        case timerFired(SessionTimerKind)
    }

    public enum Action: Sendable, Equatable {
        /// Start a client transaction for `request` (the driver adds the top Via) toward `nextHop`.
        case send(SIPRequest, RequestKind, nextHop: SIPURI)
        /// Send the CANCEL of the INVITE (built by the driver from the INVITE as sent, §9.1).
        case cancelInvite
        /// Send an ACK for a 2xx straight to the transport (its own branch, no transaction).
        case sendAck(SIPRequest, nextHop: SIPURI)
        case respond(SIPResponse, TransactionKey)
        case startTimer(SessionTimerKind, after: Duration)
        case cancelTimer(SessionTimerKind)
        case notify(CallEvent)
    }

    public enum SessionTimerKind: Sendable, Hashable, CaseIterable {
        /// Caller: stop ringing.
        case ringTimeout
        /// Caller: no final response to the CANCEL's INVITE within 64·T1 (§9.1).
        case cancelGuard
        /// Callee: retransmit the 2xx until the ACK (§13.3.1.4).
        case retransmit2xx
        /// Callee: no ACK within 64·T1.
        case ackTimeout
        /// Callee: retransmit the reliable provisional response (RFC 3262 §3).
        case retransmitProvisional
        /// Callee: no PRACK within 64·T1.
        case prackTimeout
        /// RFC 4028: send a refresh / expect one.
        case sessionRefresh
        case sessionExpiry
        /// §14.1: retry a re-INVITE refused with 491.
        case glareRetry
    }

    enum Phase: Sendable, Equatable {
        case idle
        /// Caller: INVITE sent, no provisional response with a tag yet; callee: INVITE being decided.
        case calling
        /// Provisional responses exchanged.
        case early
        /// Callee: 2xx sent, waiting for ACK.
        case answered
        case confirmed
        case terminated
    }

    public let role: Role
    public let configuration: InviteSessionConfiguration
    public var negotiator: Negotiator
    var phase: Phase = .idle
    /// The confirmed dialog (callee: from the start; caller: from the first 2xx).
    public internal(set) var dialog: Dialog?
    var random: SplitMix64

    // Caller state.
    var target: SIPURI
    var invite: SIPRequest?
    var redirects = 0
    var authenticator: DigestAuthenticator
    var earlyDialogs: [String: EarlyDialog] = [:]
    var gotProvisional = false
    var cancelSent = false
    var hangUpPending = false
    var endReasonAfterCancel: CallEndReason = .localHangUp
    var answeredEarly: AnswerSource?
    var lastAck: SIPRequest?
    var sessionExpiresAsked: Int

    // Callee state.
    var incoming: (request: SIPRequest, key: TransactionKey)?
    var answer: [UInt8]?
    var offerInAck = false
    var finalResponse: SIPResponse?
    var retransmitInterval: Duration = .zero
    var reliable: ReliableProvisional?
    var acceptPending = false
    /// Hung up between our 2xx and its ACK: the BYE waits for the ACK (§15).
    var byeAfterAck = false

    // In-dialog state.
    var peerAllowsUpdate = false
    var sessionTimer: SessionTimerAgreement?
    /// Our re-INVITE or UPDATE with an offer waiting for its answer.
    var localOffer: RequestKind?
    /// Our re-INVITE as sent, until its final response.
    var reinvite: SIPRequest?
    /// The ACK of our last answered re-INVITE, for its 2xx retransmissions (kept apart from
    /// `lastAck`, which the INVITE's 2xx retransmissions need).
    var reinviteAck: SIPRequest?
    /// A 491 to our re-INVITE: no new one until `glareRetry` fires (§14.1).
    var glareBackoff = false
    /// The peer's re-INVITE we answered (or offered in) and whose ACK we wait for.
    var remoteReinvite: (request: SIPRequest, key: TransactionKey, response: SIPResponse, offerInAck: Bool)?
    var reofferQueued = false
    var infoQueue: [InfoBody] = []
    var infoInFlight = false
    var ended = false

    /// Where an answer to our INVITE's offer came from (RFC 3262 §5: one in a reliable 18x is final).
    enum AnswerSource: Equatable { case reliable, unreliable, final }

    struct EarlyDialog {
        var dialog: Dialog
        var lastRSeq: UInt32?
    }

    struct ReliableProvisional {
        var response: SIPResponse
        var rseq: UInt32
        var hasBody: Bool
        var acknowledged: Bool
    }

    /// A call we place to `target`.
    public init(calling target: SIPURI, callID: String, localTag: String, configuration: InviteSessionConfiguration,
                negotiator: Negotiator, seed: UInt64) {
        role = .caller
        self.configuration = configuration
        self.negotiator = negotiator
        self.target = target
        random = SplitMix64(seed: seed)
        authenticator = DigestAuthenticator(credentials: configuration.credentials)
        sessionExpiresAsked = configuration.sessionTimer.sessionExpires
        self.callIDValue = callID
        self.localTagValue = localTag
    }

    /// A call the peer places to us with `request` (an INVITE without To tag).
    public init(incoming request: SIPRequest, transaction: TransactionKey, localTag: String,
                configuration: InviteSessionConfiguration, negotiator: Negotiator, seed: UInt64) {
        role = .callee
        self.configuration = configuration
        self.negotiator = negotiator
        target = request.uri
        random = SplitMix64(seed: seed)
        authenticator = DigestAuthenticator(credentials: configuration.credentials)
        sessionExpiresAsked = configuration.sessionTimer.sessionExpires
        incoming = (request, transaction)
        callIDValue = request.headers[.callID] ?? ""
        localTagValue = localTag
    }

    let callIDValue: String
    let localTagValue: String

    public var callID: String { callIDValue }
    /// Whether the session is over (after `.notify(.ended)`).
    public var isEnded: Bool { ended }
    public var isEstablished: Bool { phase == .confirmed }

    public mutating func handle(_ event: Event, now: Duration) -> [Action] {
        guard !ended else { return lateEvent(event) }
        switch event {
        case .start: return role == .caller ? startCall() : startIncoming()
        case .ring(let earlyMedia): return ring(earlyMedia: earlyMedia)
        case .accept: return accept()
        case .reject(let code): return reject(code)
        case .hangUp: return hangUp()
        case .sendDTMF(let digit, let duration): return queueInfo(.dtmf(digit: digit, durationMilliseconds: duration))
        case .reoffer: return reoffer()
        case .response(let response, let kind): return responseArrived(response, kind)
        case .requestFailed(let kind, let reason): return requestFailed(kind, reason)
        case .request(let request, let key): return requestArrived(request, key)
        case .timerFired(let timer): return timerFired(timer)
        }
    }

    /// After the end: 2xx retransmissions still get their ACK (a lost ACK would make the peer
    /// retransmit for 32 s), and requests get 481; everything else is dropped.
    private mutating func lateEvent(_ event: Event) -> [Action] {
        switch event {
        case .response(let response, .invite) where response.isSuccess:
            if let ack = lastAck, let dialog, dialog.matches(.response(response)) { return [.sendAck(ack, nextHop: dialog.nextHop)] }
            return []
        case .response(let response, .reinvite) where response.isSuccess:
            if let ack = reinviteAck, let dialog, dialog.matches(.response(response)), response.cseqNumber == ack.cseqNumber {
                return [.sendAck(ack, nextHop: dialog.nextHop)]
            }
            return []
        case .request(let request, let key?) where request.method != .ack:
            return [.respond(reply(to: request, 481), key)]
        default:
            return []
        }
    }

    /// Ends the session: every timer stopped, one `.ended` event.
    mutating func end(_ reason: CallEndReason) -> [Action] {
        guard !ended else { return [] }
        ended = true
        phase = .terminated
        return SessionTimerKind.allCases.map { .cancelTimer($0) } + [.notify(.ended(reason))]
    }

    /// A response to `request` from our side of the dialog: To tag, Contact on dialog-forming and
    /// target-refresh answers, Server.
    func reply(to request: SIPRequest, _ statusCode: Int, reason: String? = nil) -> SIPResponse {
        // A reason phrase is one line of text (§25.1): whatever it quotes loses its control characters.
        let phrase = reason.map { String($0.map { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true ? " " : $0 }) }
        var response = request.makeResponse(statusCode, reason: phrase, toTag: localTagValue)
        if let userAgent = configuration.userAgent { response.headers.append(.server, userAgent) }
        return response
    }

    /// `Warning: 399 <host> "text"` (§20.43), for 488 and other refusals with a reason.
    func warning(_ text: String) -> String {
        "399 \(configuration.contact.host) \"\(text.replacingQuotes)\""
    }
}

extension String {
    var replacingQuotes: String { String(map { $0 == "\"" ? "'" : $0 }) }
}

/// A small deterministic generator (SplitMix64) for the session's own random choices: glare
/// back-off and the first RSeq. Seeded by the driver, so tests replay exactly.
struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
