/// The timer values of RFC 3261 §17 (Table 4), from which every transaction timer is derived.
///
/// - `t1` (Duration, 500 ms, > 0): the round-trip time estimate (§17.1.1.1).
/// - `t2` (Duration, 4 s, ≥ t1): the cap on non-INVITE request and INVITE response retransmission.
/// - `t4` (Duration, 5 s): how long a message can stay in the network.
/// - `tryingDelay` (Duration, 200 ms): how long a server INVITE transaction waits for the TU
///   before it sends 100 (Trying) itself (§17.2.1).
/// - `acceptedState` (Bool, true): keep INVITE transactions in RFC 6026's Accepted state for
///   64·T1 after a 2xx (timers L and M), so that 2xx and INVITE retransmissions are matched to
///   the transaction. `false` gives RFC 3261's original behaviour: the transaction ends at the 2xx.
public struct TransactionTimerSettings: Sendable, Hashable {
    public var t1: Duration
    public var t2: Duration
    public var t4: Duration
    public var tryingDelay: Duration
    public var acceptedState: Bool

    public init(t1: Duration = .milliseconds(500), t2: Duration = .seconds(4), t4: Duration = .seconds(5),
                tryingDelay: Duration = .milliseconds(200), acceptedState: Bool = true) {
        precondition(t1 > .zero && t2 >= t1 && t4 >= .zero, "RFC 3261 §17: T1 > 0, T2 ≥ T1, T4 ≥ 0")
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
        self.tryingDelay = tryingDelay
        self.acceptedState = acceptedState
    }

    /// 64·T1: timers B, F, H and J (on unreliable transports), L and M.
    var transactionTimeout: Duration { t1 * 64 }

    /// The next retransmission interval after `interval`: doubled, and capped at T2 when `capped`
    /// (§17.1.2.2 timer E, §17.2.1 timer G; timer A is not capped, §17.1.1.2).
    func backoff(_ interval: Duration, capped: Bool) -> Duration {
        capped ? min(interval * 2, t2) : interval * 2
    }
}

/// The timers of RFC 3261 §17 (Table 4) and RFC 6026 §8. The driver keeps at most one of each
/// per transaction: starting a timer that runs restarts it.
public enum TransactionTimer: Sendable, Hashable, CaseIterable {
    /// Client INVITE: request retransmission, T1 doubling (unreliable transports only).
    case a
    /// Client INVITE: transaction timeout, 64·T1.
    case b
    /// Client INVITE: wait for response retransmissions in Completed, 32 s (unreliable), 0 (reliable).
    case d
    /// Client non-INVITE: request retransmission, T1 doubling up to T2 (unreliable only).
    case e
    /// Client non-INVITE: transaction timeout, 64·T1.
    case f
    /// Server INVITE: final response retransmission, T1 doubling up to T2 (unreliable only).
    case g
    /// Server INVITE: wait for ACK, 64·T1.
    case h
    /// Server INVITE: wait for ACK retransmissions in Confirmed, T4 (unreliable), 0 (reliable).
    case i
    /// Server non-INVITE: wait for request retransmissions in Completed, 64·T1 (unreliable), 0 (reliable).
    case j
    /// Client non-INVITE: wait for response retransmissions in Completed, T4 (unreliable), 0 (reliable).
    case k
    /// Server INVITE (RFC 6026 §8.7): wait for 2xx retransmissions from the TU and INVITE
    /// retransmissions in Accepted, 64·T1.
    case l
    /// Client INVITE (RFC 6026 §8.4): wait for 2xx retransmissions in Accepted, 64·T1.
    case m
    /// Server INVITE: send 100 (Trying) when the TU has not answered within 200 ms (§17.2.1).
    case trying
}
