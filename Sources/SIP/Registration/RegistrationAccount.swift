import SIPMessage

/// What one account registers (RFC 3261 §10.2): who we are, where, and how to reach us.
///
/// The driver fills it from `[proxy_N]` and `[auth_info_N]` and from the transport it chose:
/// `contact` is our address as the driver computed it (local address and port, transport).
public struct RegistrationAccount: Sendable, Hashable {
    /// The address-of-record, in To and From (§10.2).
    public var aor: SIPURI
    /// The registrar: the Request-URI, without a user part (§10.2 "Request-URI").
    public var registrar: SIPURI
    /// Our contact address before any NAT learning.
    public var contact: SIPURI
    /// The display name in To and From.
    public var displayName: String?
    /// The lifetime we ask for, in seconds (`reg_expires`).
    public var expires: Int
    /// The credentials for digest challenges (`[auth_info_N]`).
    public var credentials: [DigestCredentials]
    /// Outbound proxies (`reg_route`), one Route header each, loose-routed (`;lr` is added when
    /// missing, §16.12.1.1 / §8.1.2).
    public var routes: [SIPURI]
    /// Parameters appended to the Request-URI (`user=phone`, …).
    public var requestURIParameters: SIPParameters
    /// Our instance ID (RFC 5626 §4.1), `urn:uuid:…`; written as `+sip.instance="<urn:uuid:…>"`
    /// on our Contact.
    public var instanceID: String?
    /// The Call-ID of every REGISTER of this account (§10.2.4: the same for all refreshes).
    public var callID: String
    /// Our From tag, constant across refreshes.
    public var fromTag: String
    public var userAgent: String?

    public init(aor: SIPURI, registrar: SIPURI, contact: SIPURI, displayName: String? = nil, expires: Int = 3600,
                credentials: [DigestCredentials] = [], routes: [SIPURI] = [],
                requestURIParameters: SIPParameters = SIPParameters(), instanceID: String? = nil,
                callID: String, fromTag: String, userAgent: String? = nil) {
        precondition(expires > 0, "a registration asks for a positive lifetime; stop unregisters")
        self.aor = aor
        self.registrar = registrar
        self.contact = contact
        self.displayName = displayName
        self.expires = expires
        self.credentials = credentials
        self.routes = routes
        self.requestURIParameters = requestURIParameters
        self.instanceID = instanceID
        self.callID = callID
        self.fromTag = fromTag
        self.userAgent = userAgent
    }
}

/// How a registration refreshes and retries.
///
/// - `refreshFraction` (Double, 0.9, 0…1): refresh after this fraction of the granted lifetime,
/// - `refreshMargin` (Duration, 5 s): and never later than this before it runs out (but never
///   before half of it, for tiny lifetimes).
/// - `retryBase` (Duration, 5 s) and `retryMax` (Duration, 300 s): the delay after the n-th
///   failure in a row is base·2ⁿ⁻¹, capped at max,
/// - `retryJitter` (Double, 0.2, 0…1): then spread by ±20 % so that many stations behind one
///   registrar do not retry in step.
/// - `honourRetryAfter` (Bool, true): a failure response's `Retry-After` replaces the backoff
///   (RFC 3261 §20.33, §21.5.4).
/// - `learnNATAddress` (Bool, true): register the address the registrar saw us from
///   (`received`/`rport`, RFC 3581) when it differs from our contact.
/// - `supported` ([String], ["path"]): option tags for `Supported` (RFC 3327 `path`; `outbound`
///   only with RFC 5626 flows, which are not done here).
public struct RegistrationPolicy: Sendable, Hashable {
    public var refreshFraction: Double
    public var refreshMargin: Duration
    public var retryBase: Duration
    public var retryMax: Duration
    public var retryJitter: Double
    public var honourRetryAfter: Bool
    public var learnNATAddress: Bool
    public var supported: [String]

    public init(refreshFraction: Double = 0.9, refreshMargin: Duration = .seconds(5), retryBase: Duration = .seconds(5),
                retryMax: Duration = .seconds(300), retryJitter: Double = 0.2, honourRetryAfter: Bool = true,
                learnNATAddress: Bool = true, supported: [String] = ["path"]) {
        precondition(refreshFraction > 0 && refreshFraction <= 1, "refreshFraction is in 0…1")
        precondition(retryBase > .zero && retryMax >= retryBase, "0 < retryBase ≤ retryMax")
        precondition(retryJitter >= 0 && retryJitter < 1, "retryJitter is in 0…1")
        self.refreshFraction = refreshFraction
        self.refreshMargin = refreshMargin
        self.retryBase = retryBase
        self.retryMax = retryMax
        self.retryJitter = retryJitter
        self.honourRetryAfter = honourRetryAfter
        self.learnNATAddress = learnNATAddress
        self.supported = supported
    }

    /// When to refresh a binding granted for `seconds`, counted from when its REGISTER was sent.
    func refreshDelay(granted seconds: Int) -> Duration {
        let granted = Duration.seconds(seconds)
        return max(min(granted * refreshFraction, granted - refreshMargin), granted / 2)
    }

    /// The delay before retrying after `failures` failures in a row (1 for the first).
    func retryDelay(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        var delay = retryBase
        for _ in 1..<max(failures, 1) where delay < retryMax { delay *= 2 }
        delay = min(delay, retryMax)
        guard retryJitter > 0 else { return delay }
        let factor = Double.random(in: (1 - retryJitter)...(1 + retryJitter), using: &generator)
        // Whole milliseconds, which read better in logs than attoseconds.
        return .milliseconds(Int((Double(delay / .milliseconds(1)) * factor).rounded()))
    }
}
