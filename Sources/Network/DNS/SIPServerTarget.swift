/// The transports the SIP user agent speaks, with what RFC 3263 associates with each.
public enum SIPTransport: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case udp
    case tcp
    case tls

    /// 5060, or 5061 for TLS (RFC 3261 §19.1.2).
    public var defaultPort: Int { self == .tls ? 5061 : 5060 }

    /// The SRV service and protocol labels (RFC 3263 §4.1): `_sip._udp`, `_sip._tcp`, `_sips._tcp`.
    public var srvPrefix: String {
        switch self {
        case .udp: "_sip._udp"
        case .tcp: "_sip._tcp"
        case .tls: "_sips._tcp"
        }
    }

    /// The NAPTR service field (RFC 3263 §4.1, RFC 3261 §26 IANA registrations).
    public var naptrService: String {
        switch self {
        case .udp: "SIP+D2U"
        case .tcp: "SIP+D2T"
        case .tls: "SIPS+D2T"
        }
    }

    /// The transport for a NAPTR service field, compared case-insensitively (RFC 3403 §4.1).
    init?(naptrService: String) {
        guard let transport = Self.allCases.first(where: { $0.naptrService.lowercased() == naptrService.lowercased() }) else { return nil }
        self = transport
    }

    public var description: String { rawValue.uppercased() }
}

/// One place to send a request to: the SIP user agent tries them in order until one answers.
public struct SIPServerTarget: Sendable, Hashable, CustomStringConvertible {
    public var transport: SIPTransport
    /// A numeric IPv4 or IPv6 address (without brackets).
    public var address: String
    public var port: Int
    /// The host name the address was found for: the SRV target, the URI host, or the address itself.
    /// TLS checks the server certificate against the URI's domain (RFC 5922 §4.2), not this.
    public var hostname: String

    public init(transport: SIPTransport, address: String, port: Int, hostname: String) {
        self.transport = transport
        self.address = address
        self.port = port
        self.hostname = hostname
    }

    public var description: String {
        let host = address.contains(":") ? "[\(address)]" : address
        return "\(transport) \(host):\(port) (\(hostname))"
    }
}
