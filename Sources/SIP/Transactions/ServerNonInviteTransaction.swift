import SIPMessage

/// The non-INVITE server transaction of RFC 3261 §17.2.2 (Figure 8).
///
/// `now` is the time since an epoch the driver chooses; all waiting is done through timers.
///
/// Events that do not apply in the current state are ignored and return no actions:
/// - a server transaction ignores `.response`;
/// - request retransmissions in Trying are absorbed (§17.2.2: nothing has been sent yet);
/// - in Completed, responses from the TU are ignored (§17.2.2: the final one is already sent);
/// - a transport error in Trying is ignored (nothing is sent there);
/// - a late timer J, and everything in Terminated, is ignored.
public struct ServerNonInviteTransaction: Sendable {
    public typealias Event = TransactionEvent
    public typealias Action = TransactionAction

    private enum State: Sendable, Equatable {
        case trying
        case proceeding(provisional: SIPResponse)
        case completed(response: SIPResponse)
        case terminated
    }

    public let request: SIPRequest
    public let isReliable: Bool
    public let timers: TransactionTimerSettings
    public let startedAt: Duration
    private var state: State

    public var isTerminated: Bool { state == .terminated }

    /// Starts the transaction on a new request, which goes to the TU (§17.2.2).
    public static func start(request: SIPRequest, transport reliable: Bool,
                             timers: TransactionTimerSettings = TransactionTimerSettings(),
                             now: Duration) -> (ServerNonInviteTransaction, [Action]) {
        precondition(request.method != .invite && request.method != .ack,
                     "a ServerNonInviteTransaction does not receive \(request.method) (§17.2.2)")
        let transaction = ServerNonInviteTransaction(request: request, isReliable: reliable, timers: timers,
                                                     startedAt: now, state: .trying)
        return (transaction, [.passToTU(.request(request))])
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
        case (.trying, .tuResponse(let response)), (.proceeding, .tuResponse(let response)):
            if response.isProvisional {
                state = .proceeding(provisional: response)
                return [.send(.response(response))]
            }
            // §17.2.2: a final response moves to Completed, which absorbs retransmissions for timer J.
            guard !isReliable else {
                // Timer J is zero on reliable transports.
                state = .terminated
                return [.send(.response(response)), .terminated]
            }
            state = .completed(response: response)
            return [.send(.response(response)), .startTimer(.j, after: timers.transactionTimeout)]

        case (.proceeding(let last), .request), (.completed(let last), .request):
            // §17.2.2: a retransmitted request gets the last response again.
            return [.send(.response(last))]

        case (.proceeding, .transportError), (.completed, .transportError):
            // §17.2.2 (Figure 8), §17.2.4.
            state = .terminated
            return [.transportFailed, .terminated]

        case (.completed, .timerFired(.j)):
            state = .terminated
            return [.terminated]

        default:
            return []
        }
    }
}
