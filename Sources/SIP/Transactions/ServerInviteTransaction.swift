import SIPMessage

/// The INVITE server transaction of RFC 3261 §17.2.1 (Figure 7), with RFC 6026's Accepted state.
///
/// `now` is the time since an epoch the driver chooses; it dates the 100 (Trying) this machine
/// sends itself (the Timestamp delay, §8.2.6.1). All waiting is done through timers.
///
/// Events that do not apply in the current state are ignored and return no actions:
/// - a server transaction ignores `.response`;
/// - a timer fired after it stopped mattering (a late `trying`, G or H) is ignored;
/// - a request retransmission in Proceeding before any provisional response exists is ignored;
/// - in Completed, responses from the TU are ignored (the final one is already sent);
/// - in Confirmed, ACK and INVITE retransmissions are absorbed (§17.2.1);
/// - in Accepted, INVITE retransmissions are absorbed and only 2xx from the TU are sent
///   (RFC 6026 §8.7); a transport error is reported but the transaction stays until timer L;
/// - in Terminated, everything is ignored.
public struct ServerInviteTransaction: Sendable {
    public typealias Event = TransactionEvent
    public typealias Action = TransactionAction

    private enum State: Sendable, Equatable {
        /// `provisional` is the last 1xx sent, re-sent for each INVITE retransmission.
        case proceeding(provisional: SIPResponse?)
        /// A 3xx–6xx was sent; `interval` is the current timer G interval.
        case completed(response: SIPResponse, interval: Duration)
        case confirmed
        /// RFC 6026 §7.1: a 2xx was sent; the transaction absorbs INVITE retransmissions until timer L.
        case accepted
        case terminated
    }

    public let request: SIPRequest
    public let isReliable: Bool
    public let timers: TransactionTimerSettings
    public let startedAt: Duration
    /// The To tag of the last response sent: an RFC 2543 ACK must carry it (§17.2.3).
    public private(set) var toTag: String?
    private var state: State

    public var isTerminated: Bool { state == .terminated }

    /// Starts the transaction on a new INVITE: it goes to the TU, and 100 (Trying) follows after
    /// `timers.tryingDelay` unless the TU answers first (at once when the delay is zero, §17.2.1).
    public static func start(request: SIPRequest, transport reliable: Bool,
                             timers: TransactionTimerSettings = TransactionTimerSettings(),
                             now: Duration) -> (ServerInviteTransaction, [Action]) {
        precondition(request.method == .invite, "a ServerInviteTransaction receives INVITE, not \(request.method)")
        var transaction = ServerInviteTransaction(request: request, isReliable: reliable, timers: timers, startedAt: now,
                                                  state: .proceeding(provisional: nil))
        var actions: [Action] = [.passToTU(.request(request))]
        if timers.tryingDelay > .zero {
            actions.append(.startTimer(.trying, after: timers.tryingDelay))
        } else {
            actions += transaction.handle(.timerFired(.trying), now: now)
        }
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
        case (.proceeding(nil), .timerFired(.trying)):
            // §17.2.1: the TU did not answer within 200 ms.
            let trying = Self.trying(for: request, delay: now - startedAt)
            state = .proceeding(provisional: trying)
            return [.send(.response(trying))]

        case (.proceeding(let provisional?), .request(let retransmission)) where retransmission.method == .invite:
            // §17.2.1: a retransmitted INVITE gets the last provisional response again.
            return [.send(.response(provisional))]

        case (.proceeding(let provisional), .tuResponse(let response)):
            return respond(response, tryingPending: provisional == nil)

        case (.proceeding, .transportError), (.completed, .transportError):
            // §17.2.1 (Figure 7), §17.2.4.
            state = .terminated
            return [.transportFailed, .terminated]

        case (.completed(let response, let interval), .timerFired(.g)):
            // §17.2.1: retransmit the final response, doubling up to T2.
            let next = timers.backoff(interval, capped: true)
            state = .completed(response: response, interval: next)
            return [.send(.response(response)), .startTimer(.g, after: next)]

        case (.completed, .timerFired(.h)):
            // §17.2.1: the ACK never came; the TU is told (§13.3.1.4 for the dialog).
            state = .terminated
            return [.timeout, .terminated]

        case (.completed(let response, _), .request(let retransmission)) where retransmission.method == .invite:
            return [.send(.response(response))]

        case (.completed, .request(let ack)) where ack.method == .ack:
            // §17.2.1: the ACK stops G and H; Confirmed absorbs ACK retransmissions for timer I.
            guard !isReliable else {
                state = .terminated
                return [.terminated]
            }
            state = .confirmed
            return [.cancelTimer(.g), .cancelTimer(.h), .startTimer(.i, after: timers.t4)]

        case (.confirmed, .timerFired(.i)), (.accepted, .timerFired(.l)):
            state = .terminated
            return [.terminated]

        case (.accepted, .tuResponse(let response)) where response.isSuccess:
            // RFC 6026 §8.7: the TU retransmits its 2xx through the transaction.
            toTag = Self.toTag(of: response)
            return [.send(.response(response))]

        case (.accepted, .request(let ack)) where ack.method == .ack:
            // RFC 6026 §8.7: an ACK matching the transaction goes to the TU.
            return [.passToTU(.request(ack))]

        case (.accepted, .transportError):
            // RFC 6026 §8.7: the TU is told; the transaction still absorbs retransmissions until L.
            return [.transportFailed]

        default:
            return []
        }
    }

    /// A response from the TU in Proceeding.
    private mutating func respond(_ response: SIPResponse, tryingPending: Bool) -> [Action] {
        toTag = Self.toTag(of: response)
        var actions: [Action] = tryingPending ? [.cancelTimer(.trying)] : []
        actions.append(.send(.response(response)))
        switch response.statusCode {
        case ..<200:
            state = .proceeding(provisional: response)
        case 200..<300:
            guard timers.acceptedState else {
                // RFC 3261 §17.2.1: the 2xx ends the transaction; the TU retransmits it (§13.3.1.4).
                state = .terminated
                return [.send(.response(response)), .terminated]
            }
            // RFC 6026 §8.7.
            state = .accepted
            actions.append(.startTimer(.l, after: timers.transactionTimeout))
        default:
            // §17.2.1: timer G (unreliable only) retransmits, timer H waits for the ACK.
            state = .completed(response: response, interval: timers.t1)
            if !isReliable { actions.append(.startTimer(.g, after: timers.t1)) }
            actions.append(.startTimer(.h, after: timers.transactionTimeout))
        }
        return actions
    }

    private static func toTag(of response: SIPResponse) -> String? {
        response.headers[.to].flatMap { try? NameAddress($0) }?.tag
    }

    /// The 100 (Trying) for `request` (§8.2.6.1): Via, From, To, Call-ID and CSeq copied, and
    /// Timestamp copied with `delay` added when the request gave none (§8.2.6.1). No To tag is added
    /// (§8.2.6.2 allows a 100 without one).
    public static func trying(for request: SIPRequest, delay: Duration) -> SIPResponse {
        var headers = SIPHeaders()
        for via in request.headers.values(.via) { headers.append(.via, via) }
        for name in [SIPHeaderName.from, .to, .callID, .cseq] {
            if let value = request.headers[name] { headers.append(name, value) }
        }
        if let timestamp = request.headers[.timestamp] {
            let hasDelay = timestamp.contains(" ") || timestamp.contains("\t")
            headers.append(.timestamp, hasDelay ? timestamp : timestamp + " " + seconds(delay))
        }
        return SIPResponse(statusCode: 100, headers: headers)
    }

    /// `1.234`: seconds with milliseconds, the form of a Timestamp delay (§20.38).
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = max(duration, .zero).components
        let milliseconds = attoseconds / 1_000_000_000_000_000
        let fraction = String(milliseconds)
        return String(seconds) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
