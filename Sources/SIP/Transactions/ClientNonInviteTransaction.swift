import SIPMessage

/// The non-INVITE client transaction of RFC 3261 §17.1.2 (Figure 6).
///
/// `now` is the time since an epoch the driver chooses; all waiting is done through timers.
///
/// Events that do not apply in the current state are ignored and return no actions:
/// - a client transaction ignores `.request` and `.tuResponse`;
/// - a timer fired after it stopped mattering (a late E or F, an early K) is ignored;
/// - in Completed, every response is absorbed (§17.1.2.2);
/// - a transport error in Completed is ignored (nothing is sent there);
/// - in Terminated, everything is ignored.
public struct ClientNonInviteTransaction: Sendable {
    public typealias Event = TransactionEvent
    public typealias Action = TransactionAction

    private enum State: Sendable, Equatable {
        /// `interval` is the current timer E interval.
        case trying(interval: Duration)
        case proceeding
        case completed
        case terminated
    }

    public let request: SIPRequest
    public let isReliable: Bool
    public let timers: TransactionTimerSettings
    public let startedAt: Duration
    private var state: State

    public var isTerminated: Bool { state == .terminated }

    /// Starts the transaction: the request is sent, timer E runs on unreliable transports and
    /// timer F always (§17.1.2.2).
    public static func start(request: SIPRequest, transport reliable: Bool,
                             timers: TransactionTimerSettings = TransactionTimerSettings(),
                             now: Duration) -> (ClientNonInviteTransaction, [Action]) {
        precondition(request.method != .invite && request.method != .ack,
                     "a ClientNonInviteTransaction does not send \(request.method) (§17.1.2)")
        let transaction = ClientNonInviteTransaction(request: request, isReliable: reliable, timers: timers,
                                                     startedAt: now, state: .trying(interval: timers.t1))
        var actions: [Action] = [.send(.request(request))]
        if !reliable { actions.append(.startTimer(.e, after: timers.t1)) }
        actions.append(.startTimer(.f, after: timers.transactionTimeout))
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
        case (.trying(let interval), .timerFired(.e)):
            // §17.1.2.2: retransmit, doubling the interval up to T2.
            let next = timers.backoff(interval, capped: true)
            state = .trying(interval: next)
            return [.send(.request(request)), .startTimer(.e, after: next)]

        case (.proceeding, .timerFired(.e)):
            // §17.1.2.2: in Proceeding, retransmit every T2.
            return [.send(.request(request)), .startTimer(.e, after: timers.t2)]

        case (.trying, .timerFired(.f)), (.proceeding, .timerFired(.f)):
            // §17.1.2.2: no final response within 64·T1; the TU reports 408.
            state = .terminated
            return [.timeout, .terminated]

        case (.trying, .transportError), (.proceeding, .transportError):
            // §17.1.2.2 (Figure 6), §17.1.4.
            state = .terminated
            return [.transportFailed, .terminated]

        case (.trying, .response(let response)), (.proceeding, .response(let response)):
            if response.isProvisional {
                // §17.1.2.2: a 1xx moves Trying to Proceeding; timer E keeps running.
                state = .proceeding
                return [.passToTU(.response(response))]
            }
            // §17.1.2.2: a final response stops E and F and waits K for retransmissions of it.
            var actions: [Action] = [.passToTU(.response(response))]
            if isReliable {
                // Timer K is zero on reliable transports.
                state = .terminated
                actions.append(.terminated)
            } else {
                state = .completed
                actions += [.cancelTimer(.e), .cancelTimer(.f), .startTimer(.k, after: timers.t4)]
            }
            return actions

        case (.completed, .timerFired(.k)):
            state = .terminated
            return [.terminated]

        default:
            return []
        }
    }
}
