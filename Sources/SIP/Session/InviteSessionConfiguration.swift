import SIPMessage

/// What an INVITE session needs to know of its account and of the user agent.
public struct InviteSessionConfiguration: Sendable {
    /// Our identity in From (calls we make) — display name and address-of-record.
    public var localIdentity: NameAddress
    /// Our Contact: where the peer sends in-dialog requests.
    public var contact: SIPURI
    /// Outbound proxies (a pre-existing route set, §8.1.2) for the initial INVITE.
    public var routes: [SIPURI]
    public var credentials: [DigestCredentials]
    /// Advertise `100rel` in Supported (`[sip] 100rel` / per account). Off, we still honour a
    /// peer that *requires* it (RFC 3262 §4 lets a UAC PRACK without having offered it).
    public var reliableProvisional: Bool
    public var sessionTimer: SessionTimerSettings
    /// How long an outgoing call may ring before it is cancelled.
    public var ringTimeout: Duration
    /// How many 3xx redirections an outgoing call follows.
    public var maxRedirects: Int
    /// T1/T2 for 2xx and reliable-provisional retransmissions and the 64·T1 waits.
    public var timers: TransactionTimerSettings
    public var userAgent: String?

    public init(localIdentity: NameAddress, contact: SIPURI, routes: [SIPURI] = [], credentials: [DigestCredentials] = [],
                reliableProvisional: Bool = true, sessionTimer: SessionTimerSettings = SessionTimerSettings(),
                ringTimeout: Duration = .seconds(60), maxRedirects: Int = 5,
                timers: TransactionTimerSettings = TransactionTimerSettings(), userAgent: String? = nil) {
        self.localIdentity = localIdentity
        self.contact = contact
        self.routes = routes
        self.credentials = credentials
        self.reliableProvisional = reliableProvisional
        self.sessionTimer = sessionTimer
        self.ringTimeout = ringTimeout
        self.maxRedirects = maxRedirects
        self.timers = timers
        self.userAgent = userAgent
    }

    /// The methods we accept, for `Allow` (also the user agent's OPTIONS answers).
    public static let allow = Registration.allowedMethods.map(\.rawValue).joined(separator: ", ")

    /// `Supported` option tags.
    var supported: [String] {
        (reliableProvisional ? ["100rel"] : []) + (sessionTimer.enabled ? ["timer"] : [])
    }
}
