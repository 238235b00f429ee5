import SIP
import SIPMessage

/// One `[proxy_N]` account as the user agent needs it, already validated by `Config`.
public struct UserAgentAccount: Sendable {
    public var index: Int
    /// Address-of-record: To and From of REGISTER (`reg_identity`).
    public var aor: SIPURI
    public var displayName: String?
    /// Where REGISTER goes (`reg_proxy`, or the identity's domain): host, port and transport
    /// parameter drive RFC 3263 resolution.
    public var registrar: SIPURI
    /// Outbound proxies (`reg_route`): Route headers, and the first one is where requests go.
    public var routes: [SIPURI]
    public var expires: Int
    public var register: Bool
    public var unregisterAtStop: Bool
    public var credentials: [DigestCredentials]
    /// Extra Request-URI parameters (`request_uri_parameters`, e.g. `user=phone`).
    public var requestURIParameters: SIPParameters
    /// Advertise 100rel in our INVITEs (`[proxy_N] 100rel`).
    public var reliableProvisional: Bool

    public init(index: Int, aor: SIPURI, displayName: String? = nil, registrar: SIPURI, routes: [SIPURI] = [], expires: Int = 3600,
                register: Bool = true, unregisterAtStop: Bool = true, credentials: [DigestCredentials] = [],
                requestURIParameters: SIPParameters = SIPParameters(), reliableProvisional: Bool = true) {
        self.reliableProvisional = reliableProvisional
        self.index = index
        self.aor = aor
        self.displayName = displayName
        self.registrar = registrar
        self.routes = routes
        self.expires = expires
        self.register = register
        self.unregisterAtStop = unregisterAtStop
        self.credentials = credentials
        self.requestURIParameters = requestURIParameters
    }

    /// The first hop: the first route when there is an outbound proxy, else the registrar.
    var nextHop: SIPURI { routes.first ?? registrar }
}

/// Everything the user agent needs besides its sockets and resolver.
public struct UserAgentConfiguration: Sendable {
    public var accounts: [UserAgentAccount]
    public var timers: TransactionTimerSettings
    /// Keep-alive interval towards each registrar (`keepalive_period`); nil turns keep-alives off.
    public var keepAlivePeriod: Duration?
    /// Whether UDP registrars get CRLF keep-alives too (`udp_keepalive`).
    public var udpKeepAlive: Bool
    /// A server that sent nothing back for this long is skipped for the next address.
    public var failoverTimeout: Duration
    /// How long a skipped address stays at the end of the list (seconds).
    public var quarantine: Double
    /// RFC 5626 instance id (`urn:uuid:…`) for Contact `+sip.instance`.
    public var instanceID: String?
    public var userAgent: String
    /// Transports that have a listener, in order of preference for registrars without a
    /// transport parameter or DNS records saying otherwise.
    public var transports: [SIPTransport]
    /// How long `stop()` waits for un-REGISTER answers.
    public var unregisterTimeout: Duration
    public var calls: CallSettings

    public init(accounts: [UserAgentAccount], timers: TransactionTimerSettings = TransactionTimerSettings(), keepAlivePeriod: Duration? = .seconds(30),
                udpKeepAlive: Bool = true, failoverTimeout: Duration = .seconds(4), quarantine: Double = 30, instanceID: String? = nil,
                userAgent: String = "doorstationd", transports: [SIPTransport] = [.udp, .tcp], unregisterTimeout: Duration = .seconds(4),
                calls: CallSettings = CallSettings()) {
        self.calls = calls
        self.accounts = accounts
        self.timers = timers
        self.keepAlivePeriod = keepAlivePeriod
        self.udpKeepAlive = udpKeepAlive
        self.failoverTimeout = failoverTimeout
        self.quarantine = quarantine
        self.instanceID = instanceID
        self.userAgent = userAgent
        self.transports = transports
        self.unregisterTimeout = unregisterTimeout
    }
}
