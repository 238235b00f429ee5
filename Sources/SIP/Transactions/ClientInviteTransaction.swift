import SIPMessage

/// The INVITE client transaction of RFC 3261 §17.1.1 (Figure 5), with RFC 6026's Accepted state.
///
/// `now` is the time since an epoch the driver chooses (any monotonic origin); this machine only
/// keeps it to report when it started, and all its waiting is done through timers.
///
/// Events that do not apply in the current state are ignored and return no actions:
/// - a client transaction ignores `.request` and `.tuResponse`;
/// - a timer fired after it stopped mattering (a late A, B or D) is ignored;
/// - in Completed, 1xx and 2xx responses are ignored (only a retransmitted 3xx–6xx is ACKed again);
/// - in Accepted, 1xx and 3xx–6xx responses are ignored (RFC 6026 §8.4 only passes up 2xx);
/// - a transport error in Proceeding or Accepted is ignored (nothing is sent in those states);
/// - in Terminated, everything is ignored.
public struct ClientInviteTransaction: Sendable {
    public typealias Event = TransactionEvent
    public typealias Action = TransactionAction

    private enum State: Sendable, Equatable {
        /// Sending the INVITE; `interval` is the current timer A interval.
        case calling(interval: Duration)
        case proceeding
        /// A 3xx–6xx arrived; `ack` is re-sent for each retransmission of it.
        case completed(ack: SIPRequest)
        /// RFC 6026 §7.2: a 2xx arrived; further 2xx are passed to the TU until timer M.
        case accepted
        case terminated
    }

    public let request: SIPRequest
    public let isReliable: Bool
    public let timers: TransactionTimerSettings
    public let startedAt: Duration
    private var state: State

    /// True once the transaction reached Terminated.
    public var isTerminated: Bool { state == .terminated }

    /// Starts the transaction: the INVITE is sent, timer A runs on unreliable transports and
    /// timer B always (§17.1.1.2).
    public static func start(request: SIPRequest, transport reliable: Bool,
                             timers: TransactionTimerSettings = TransactionTimerSettings(),
                             now: Duration) -> (ClientInviteTransaction, [Action]) {
        precondition(request.method == .invite, "a ClientInviteTransaction sends INVITE, not \(request.method)")
        let transaction = ClientInviteTransaction(request: request, isReliable: reliable, timers: timers,
                                                  startedAt: now, state: .calling(interval: timers.t1))
        var actions: [Action] = [.send(.request(request))]
        // §17.1.1.2: timer A only for unreliable transports.
        if !reliable { actions.append(.startTimer(.a, after: timers.t1)) }
        actions.append(.startTimer(.b, after: timers.transactionTimeout))
        return (transaction, actions)
    }

    private init(request: SIPRequest, isReliable: Bool, timers: TransactionTimerSettings, startedAt: Duration, state: State) {
        self.request = request
        self.isReliable = isReliable
        self.timers = timers
        self.startedAt = startedAt
        self.state = state
    }

    public mutating func handle(_ event: Event, now: Duration) -> [Action] {
        switch (state, event) {
        case (.calling(let interval), .timerFired(.a)):
            // §17.1.1.2: retransmit and double the interval; timer A is not capped by T2.
            let next = timers.backoff(interval, capped: false)
            state = .calling(interval: next)
            return [.send(.request(request)), .startTimer(.a, after: next)]

        case (.calling, .timerFired(.b)):
            // §17.1.1.2: no response within 64·T1; the TU reports 408.
            state = .terminated
            return [.timeout, .terminated]

        case (.calling, .transportError), (.completed, .transportError):
            // §17.1.1.2 (Figure 5), §17.1.4.
            state = .terminated
            return [.transportFailed, .terminated]

        case (.calling, .response(let response)), (.proceeding, .response(let response)):
            return receive(response, leavingCalling: state != .proceeding)

        case (.completed(let ack), .response(let response)) where response.statusCode >= 300:
            // §17.1.1.2: a retransmitted final response is ACKed again, not passed up.
            return [.send(.request(ack))]

        case (.completed, .timerFired(.d)), (.accepted, .timerFired(.m)):
            state = .terminated
            return [.terminated]

        case (.accepted, .response(let response)) where response.isSuccess:
            // RFC 6026 §8.4: further 2xx (retransmissions, or forks) go to the TU, which ACKs them.
            return [.passToTU(.response(response))]

        default:
            return []
        }
    }

    /// A response in Calling or Proceeding.
    private mutating func receive(_ response: SIPResponse, leavingCalling: Bool) -> [Action] {
        // Leaving Calling stops retransmission (A) and the Calling timeout (B, §17.1.1.2); when the
        // transaction terminates instead, `.terminated` stops them.
        let stopCalling: [Action] = !leavingCalling ? [] : isReliable ? [.cancelTimer(.b)] : [.cancelTimer(.a), .cancelTimer(.b)]
        switch response.statusCode {
        case ..<200:
            state = .proceeding
            return stopCalling + [.passToTU(.response(response))]
        case 200..<300:
            guard timers.acceptedState else {
                // RFC 3261 §17.1.1.2: the 2xx ends the transaction; the TU ACKs it.
                state = .terminated
                return [.passToTU(.response(response)), .terminated]
            }
            // RFC 6026 §8.4: Accepted for 64·T1, so that 2xx retransmissions still match.
            state = .accepted
            return stopCalling + [.passToTU(.response(response)), .startTimer(.m, after: timers.transactionTimeout)]
        default:
            // §17.1.1.2: 300–699 → pass up, ACK, Completed for timer D.
            let ack = Self.acknowledgement(of: request, for: response)
            guard !isReliable else {
                // Timer D is zero on reliable transports: Completed is left at once.
                state = .terminated
                return [.passToTU(.response(response)), .send(.request(ack)), .terminated]
            }
            state = .completed(ack: ack)
            return stopCalling + [.passToTU(.response(response)), .send(.request(ack)), .startTimer(.d, after: .seconds(32))]
        }
    }

    /// The ACK for a 3xx–6xx response to `invite` (§17.1.1.3): the INVITE's Request-URI, Call-ID,
    /// From, CSeq number (method ACK), its top Via only and its Route headers; To from the response
    /// (with the tag the server added). Max-Forwards is kept from the INVITE (§8.1.1.6, 70 when absent).
    public static func acknowledgement(of invite: SIPRequest, for response: SIPResponse) -> SIPRequest {
        var headers = SIPHeaders()
        if let via = invite.headers[.via] { headers.append(.via, via) }
        headers.append(.maxForwards, invite.headers[.maxForwards] ?? "70")
        for route in invite.headers.values(.route) { headers.append(.route, route) }
        if let from = invite.headers[.from] { headers.append(.from, from) }
        if let to = response.headers[.to] ?? invite.headers[.to] { headers.append(.to, to) }
        if let callID = invite.headers[.callID] { headers.append(.callID, callID) }
        let number = invite.headers[.cseq].flatMap { try? CSeq($0) }?.number ?? 0
        headers.append(.cseq, CSeq(number, .ack).description)
        return SIPRequest(method: .ack, uri: invite.uri, headers: headers)
    }
}
