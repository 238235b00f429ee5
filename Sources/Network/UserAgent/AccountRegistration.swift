import SIP
import SIPMessage

/// One account's registration as the user agent runs it: the pure `Registration` machine, the
/// server addresses RFC 3263 gave, which one is in use, and the REGISTER in flight.
struct AccountRegistration {
    var account: UserAgentAccount
    var machine: Registration?
    /// Addresses from the last resolution, in RFC 3263 order.
    var targets: [SIPServerTarget] = []
    var current: SIPServerTarget?
    /// Addresses that failed in the current round, so failover never loops.
    var failedThisRound: Set<SIPServerTarget> = []
    var pendingKey: TransactionKey?
    /// The machine's last REGISTER (without Via), re-sent to the next address on failover.
    var lastRequest: SIPRequest?
    /// The CSeq of the last REGISTER sent: one Call-ID, always increasing (RFC 3261 §10.2.4),
    /// also across failover re-sends the machine does not see.
    var cseq: UInt32 = 0
    var contact: SIPURI?
    var resolveFailures = 0
    var keepAliveEndpoint: SIPEndpoint?
    var status: RegistrationStatus

    init(account: UserAgentAccount) {
        self.account = account
        status = RegistrationStatus(account: account.index, aor: account.aor.description, state: "idle")
    }

    var isUnregistering: Bool { status.state == "unregistering" }
}

/// What `ctl status` and the log show about one account.
public struct RegistrationStatus: Sendable, Equatable, CustomStringConvertible {
    public var account: Int
    public var aor: String
    /// `idle`, `registering`, `registered`, `failed`, `unregistering`, `unregistered`.
    public var state: String
    /// The server address in use, e.g. `UDP 127.0.0.3:5060`.
    public var server: String?
    /// Seconds the registrar granted.
    public var expires: Int?
    /// Our address as the registrar sees it (from `received`/`rport`), when it differs.
    public var publicAddress: String?
    /// Why the last attempt failed, with the SIP code when there was one.
    public var lastError: String?

    public var description: String {
        var text = "account \(account) \(aor): \(state)"
        if let server { text += " via \(server)" }
        if let expires { text += " for \(expires) s" }
        if let publicAddress { text += ", public address \(publicAddress)" }
        if let lastError { text += " (\(lastError))" }
        return text
    }
}
