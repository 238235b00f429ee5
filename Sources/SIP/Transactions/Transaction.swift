import SIPMessage

/// Any of the four transaction machines, as `TransactionLayer` keeps them.
enum Transaction: Sendable {
    case clientInvite(ClientInviteTransaction)
    case clientNonInvite(ClientNonInviteTransaction)
    case serverInvite(ServerInviteTransaction)
    case serverNonInvite(ServerNonInviteTransaction)

    /// Starts the client transaction for `request` (§17.1).
    static func client(_ request: SIPRequest, reliable: Bool, timers: TransactionTimerSettings,
                       now: Duration) -> (Transaction, [TransactionAction]) {
        if request.method == .invite {
            let (transaction, actions) = ClientInviteTransaction.start(request: request, transport: reliable, timers: timers, now: now)
            return (.clientInvite(transaction), actions)
        }
        let (transaction, actions) = ClientNonInviteTransaction.start(request: request, transport: reliable, timers: timers, now: now)
        return (.clientNonInvite(transaction), actions)
    }

    /// Starts the server transaction for a new `request` (§17.2).
    static func server(_ request: SIPRequest, reliable: Bool, timers: TransactionTimerSettings,
                       now: Duration) -> (Transaction, [TransactionAction]) {
        if request.method == .invite {
            let (transaction, actions) = ServerInviteTransaction.start(request: request, transport: reliable, timers: timers, now: now)
            return (.serverInvite(transaction), actions)
        }
        let (transaction, actions) = ServerNonInviteTransaction.start(request: request, transport: reliable, timers: timers, now: now)
        return (.serverNonInvite(transaction), actions)
    }

    mutating func handle(_ event: TransactionEvent, now: Duration) -> [TransactionAction] {
        switch self {
        case .clientInvite(var machine):
            defer { self = .clientInvite(machine) }
            return machine.handle(event, now: now)
        case .clientNonInvite(var machine):
            defer { self = .clientNonInvite(machine) }
            return machine.handle(event, now: now)
        case .serverInvite(var machine):
            defer { self = .serverInvite(machine) }
            return machine.handle(event, now: now)
        case .serverNonInvite(var machine):
            defer { self = .serverNonInvite(machine) }
            return machine.handle(event, now: now)
        }
    }

    /// The To tag a server INVITE transaction last responded with, which an RFC 2543 ACK must carry.
    var responseToTag: String? {
        if case .serverInvite(let machine) = self { return machine.toTag }
        return nil
    }
}
