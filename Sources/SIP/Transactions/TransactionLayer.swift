import SIPMessage

/// The transaction layer of RFC 3261 §17: it owns every live transaction, routes each message to
/// the one it belongs to (§17.1.3, §17.2.3), starts server transactions for new requests and
/// forgets transactions once they terminate.
///
/// `now` is the time since an epoch the driver chooses; the layer passes it to the machines.
/// The driver keeps one timer per (`TransactionKey`, `TransactionTimer`) and feeds expiries back
/// as `.timerFired`; events for a key that no longer exists (a late timer, a response to a
/// terminated transaction) find nothing and return no actions.
public struct TransactionLayer: Sendable {
    public enum Event: Sendable, Equatable {
        /// The TU sends a request: a client transaction is started for it (§17.1). The request
        /// must carry its top Via with a fresh branch (`makeBranch(using:)`). ACK is not sent
        /// through the layer: the ACK for 3xx–6xx is the INVITE transaction's, and the ACK for
        /// 2xx belongs to no transaction (§17.1.1.3) and goes straight to the transport.
        case send(SIPRequest, reliable: Bool)
        /// A message arrived from the transport; `reliable` tells how (a new server transaction
        /// uses the same transport for its responses).
        case receive(SIPMessage, reliable: Bool)
        /// The TU responds on a server transaction.
        case respond(SIPResponse, to: TransactionKey)
        case timerFired(TransactionTimer, TransactionKey)
        /// The transport failed to send for this transaction.
        case transportError(TransactionKey)
        /// The TU gives up on a client transaction before its own timeout, to fail over to another
        /// server (RFC 3263 §4.3): the transaction is forgotten at once; later responses are strays.
        case abandon(TransactionKey)
    }

    public enum Action: Sendable, Equatable {
        /// An action of the transaction `key` (its `.terminated` also removes it from the layer).
        case transaction(TransactionKey, TransactionAction)
        /// A message that matches no transaction, for the TU to handle itself:
        /// - a response with no client transaction: a 2xx to INVITE after its transaction ended
        ///   must still reach the dialog, which ACKs it (§13.2.2.4, RFC 6026 §7.2); the TU drops
        ///   the others;
        /// - an ACK that matches no INVITE server transaction: the ACK for a 2xx, which is a
        ///   transaction of its own (§17, §13.3.1.4);
        /// - a request that cannot be keyed (no top Via or CSeq), for the TU to log or drop.
        case stray(SIPMessage)
    }

    public var timers: TransactionTimerSettings
    private var transactions: [TransactionKey: Transaction] = [:]

    public init(timers: TransactionTimerSettings = TransactionTimerSettings()) {
        self.timers = timers
    }

    /// Number of live transactions.
    public var count: Int { transactions.count }

    /// Whether a transaction with `key` is live.
    public func contains(_ key: TransactionKey) -> Bool { transactions[key] != nil }

    public mutating func handle(_ event: Event, now: Duration) -> [Action] {
        switch event {
        case .send(let request, let reliable):
            precondition(request.method != .ack, "ACK is sent without a client transaction (§17.1.1.3)")
            guard let key = TransactionKey(clientRequest: request) else {
                preconditionFailure("a request sent through the transaction layer needs a top Via with a branch (§8.1.1.7)")
            }
            precondition(transactions[key] == nil, "branch reused for a new \(request.method): \(key)")
            let (transaction, actions) = Transaction.client(request, reliable: reliable, timers: timers, now: now)
            transactions[key] = transaction
            return finish(key, actions)

        case .receive(.response(let response), _):
            // §17.1.3; §18.1.2: a response with no transaction goes to the core.
            guard let key = TransactionKey(response: response), transactions[key] != nil else {
                return [.stray(.response(response))]
            }
            return dispatch(.response(response), to: key, now: now)

        case .receive(.request(let request), let reliable):
            return receive(request, reliable: reliable, now: now)

        case .respond(let response, let key):
            return dispatch(.tuResponse(response), to: key, now: now)

        case .timerFired(let timer, let key):
            return dispatch(.timerFired(timer), to: key, now: now)

        case .transportError(let key):
            return dispatch(.transportError, to: key, now: now)

        case .abandon(let key):
            guard transactions.removeValue(forKey: key) != nil else { return [] }
            return [.transaction(key, .terminated)]
        }
    }

    /// A request from the transport (§17.2.3): a retransmission, or an ACK, for a live server
    /// transaction; otherwise a new server transaction (ACKs never start one).
    private mutating func receive(_ request: SIPRequest, reliable: Bool, now: Duration) -> [Action] {
        guard let key = TransactionKey(serverRequest: request) else { return [.stray(.request(request))] }
        if let transaction = transactions[key] {
            // §17.2.3: an RFC 2543 ACK must also carry the To tag of the response it acknowledges.
            if request.method == .ack, key.isRFC2543,
               request.headers[.to].flatMap({ try? NameAddress($0) })?.tag != transaction.responseToTag {
                return [.stray(.request(request))]
            }
            return dispatch(.request(request), to: key, now: now)
        }
        if request.method == .ack { return [.stray(.request(request))] }
        let (transaction, actions) = Transaction.server(request, reliable: reliable, timers: timers, now: now)
        transactions[key] = transaction
        return finish(key, actions)
    }

    private mutating func dispatch(_ event: TransactionEvent, to key: TransactionKey, now: Duration) -> [Action] {
        guard var transaction = transactions[key] else { return [] }
        let actions = transaction.handle(event, now: now)
        transactions[key] = transaction
        return finish(key, actions)
    }

    /// Tags the actions with their transaction and forgets the transaction when it terminated.
    private mutating func finish(_ key: TransactionKey, _ actions: [TransactionAction]) -> [Action] {
        if actions.contains(.terminated) { transactions[key] = nil }
        return actions.map { .transaction(key, $0) }
    }

    /// A new branch: the RFC 3261 magic cookie `z9hG4bK` and 20 random base-32 characters
    /// (100 bits), unique in space and time (§8.1.1.7). Pass `SystemRandomNumberGenerator` in
    /// the daemon and a seeded generator in tests.
    public static func makeBranch(using generator: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
        var branch = Array("z9hG4bK".utf8)
        for _ in 0..<20 { branch.append(alphabet[Int(generator.next(upperBound: UInt8(alphabet.count)))]) }
        return String(decoding: branch, as: UTF8.self)
    }
}
