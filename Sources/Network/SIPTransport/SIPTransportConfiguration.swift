import SIPMessage

/// What the transport layer listens on and how it treats connections. Ports: nil leaves a
/// transport off, 0 binds an ephemeral port (tests), anything else that port (RFC 3261 §19.1.2:
/// 5060 for UDP/TCP, 5061 for TLS).
public struct SIPTransportConfiguration: Sendable {
    /// Numeric IPv4 and/or IPv6 addresses to bind; "0.0.0.0" and "::" bind every interface,
    /// and then Via/Contact carry the address of the route toward the peer.
    public var listenAddresses: [String]
    public var udpPort: Int?
    public var tcpPort: Int?
    /// Needs `tls.certificateChainFile` and `tls.privateKeyFile`; without them no TLS listener is
    /// bound (outbound TLS still works).
    public var tlsPort: Int?
    public var tls: TLSSettings
    /// Bound on TCP connect plus TLS handshake for an outbound connection.
    public var connectTimeout: Duration
    /// Inbound connections with no traffic either way for this long are closed, so that peers
    /// that vanish without a FIN do not hold sockets forever (RFC 3261 §18.3 leaves the policy to us).
    public var idleTimeout: Duration
    /// How long a CRLFCRLF ping waits for its CRLF pong before the flow counts as failed
    /// (RFC 5626 §4.4.1: 10 seconds).
    public var keepAlivePongTimeout: Duration
    public var limits: SIPParserLimits

    public init(
        listenAddresses: [String] = ["127.0.0.1"],
        udpPort: Int? = nil,
        tcpPort: Int? = nil,
        tlsPort: Int? = nil,
        tls: TLSSettings = TLSSettings(),
        connectTimeout: Duration = .seconds(15),
        idleTimeout: Duration = .seconds(600),
        keepAlivePongTimeout: Duration = .seconds(10),
        limits: SIPParserLimits = .default
    ) {
        self.listenAddresses = listenAddresses
        self.udpPort = udpPort
        self.tcpPort = tcpPort
        self.tlsPort = tlsPort
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.keepAlivePongTimeout = keepAlivePongTimeout
        self.limits = limits
    }

    /// The port configured for `transport`, nil when it is off.
    func port(for transport: SIPTransport) -> Int? {
        switch transport {
        case .udp: udpPort
        case .tcp: tcpPort
        case .tls: tlsPort
        }
    }
}

/// TLS settings for both directions (RFC 3261 §26.3.1, RFC 5922 for certificate identity).
public struct TLSSettings: Sendable {
    /// Where the certificates that may sign a server's chain come from.
    public enum TrustRoots: Sendable, Hashable {
        /// The system store (`/etc/ssl/certs` on Debian).
        case system
        /// A PEM file (or directory of PEM files) of CA certificates, e.g. a PBX's private CA.
        case file(String)
    }

    public var trustRoots: TrustRoots
    /// Refuse servers whose chain does not lead to `trustRoots`. Turning this off is for lab use only.
    public var verifyServerCertificate: Bool
    /// Check the certificate names the server (the `serverName` given to `send`, else the IP
    /// address; RFC 5922 §7.2). Ignored when `verifyServerCertificate` is false.
    public var verifyHostname: Bool
    /// PEM chain (leaf first) and key presented to servers that ask for a client certificate.
    public var clientCertificateChainFile: String?
    public var clientPrivateKeyFile: String?
    /// PEM chain and key for the TLS listener; without both, `tlsPort` binds nothing.
    public var certificateChainFile: String?
    public var privateKeyFile: String?

    public init(
        trustRoots: TrustRoots = .system,
        verifyServerCertificate: Bool = true,
        verifyHostname: Bool = true,
        clientCertificateChainFile: String? = nil,
        clientPrivateKeyFile: String? = nil,
        certificateChainFile: String? = nil,
        privateKeyFile: String? = nil
    ) {
        self.trustRoots = trustRoots
        self.verifyServerCertificate = verifyServerCertificate
        self.verifyHostname = verifyHostname
        self.clientCertificateChainFile = clientCertificateChainFile
        self.clientPrivateKeyFile = clientPrivateKeyFile
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
    }

    /// True when a TLS listener can be bound.
    var hasServerCertificate: Bool { certificateChainFile != nil && privateKeyFile != nil }
}
