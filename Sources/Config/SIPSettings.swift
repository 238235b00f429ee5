/// `[sip]`: listening ports, identity, timeouts and media encryption (linphonerc.md §8).
public struct SIPSettings: Sendable, Hashable {
    /// `sip_port` (int, 5060; -1 = random, 0 = off): UDP port.
    public var udpPort: Int
    /// `sip_tcp_port` (int, 5060; -1 = random, 0 = off): TCP port.
    public var tcpPort: Int
    /// `sip_tls_port` (int, -1; -1 = random, 0 = off): TLS port.
    public var tlsPort: Int
    /// `contact` (SIP address, derived from the account when unset): our identity for calls without an account.
    public var contact: String?
    /// `inc_timeout` (int s, 30, 1…3600): an incoming call not answered by then is declined.
    public var incomingTimeout: Int
    /// `in_call_timeout` (int s, 0 = none, 0…86400): longest call.
    public var inCallTimeout: Int
    /// `keepalive_period` (int ms, 30000, 0…3600000): NAT keep-alive interval; 0 turns keep-alives off.
    public var keepAlivePeriod: Int
    /// `use_ipv6` (bool, 0): also listen on IPv6.
    public var useIPv6: Bool
    /// `use_rport` (bool, 1): ask for `rport` in Via (RFC 3581).
    public var useRport: Bool
    /// `media_encryption` (`none` | `srtp`, `none`): SDES-SRTP offer policy.
    public var mediaEncryption: MediaEncryption
    /// `media_encryption_mandatory` (bool, 0): refuse calls without SRTP.
    public var mediaEncryptionMandatory: Bool
    /// `transport_timeout` (int ms, 15000, 1000…120000): connection set-up limit for TCP and TLS.
    public var transportTimeout: Int
    /// `default_proxy` (int, -1 = the first account): index N of the `[proxy_N]` used for calls.
    public var defaultProxy: Int
    /// `listen_address` (list of IP literals, `0.0.0.0`, plus `::` with use_ipv6): addresses to bind.
    /// A doorstation key; linphone always binds every address.
    public var listenAddresses: [String]
    /// `root_ca` (absolute path, the system store): CA certificates (PEM) that TLS servers are verified against (linphone key).
    public var rootCA: String?
    /// `verify_server_certs` (bool, 1): check the TLS server's certificate chain (linphone key).
    public var verifyServerCertificates: Bool
    /// `verify_server_cn` (bool, 1): check that the certificate names the server we connected to (linphone key).
    public var verifyServerName: Bool
    /// `client_cert_chain` / `client_cert_key` (absolute paths, none): our TLS client certificate and key (PEM).
    public var clientCertificateChain: String?
    public var clientCertificateKey: String?
    /// `dns_server` (`host[:port]`, the first nameserver of /etc/resolv.conf): where RFC 3263 lookups go.
    public var dnsServer: String?
    /// `timer_t1` / `timer_t2` / `timer_t4` (int ms, 500 / 4000 / 5000): RFC 3261 §17 timer bases.
    public var timerT1: Int
    public var timerT2: Int
    public var timerT4: Int
    /// `udp_keepalive` (bool, 1): also send CRLF keep-alives to UDP registrars every keepalive_period
    /// (TCP/TLS always get RFC 5626 CRLF pings while keepalive_period > 0).
    public var udpKeepAlive: Bool
    /// `failover_timeout` (int ms, 4000, 500…64000): a server that sent nothing back for this long is
    /// skipped for the next address (UDP included), and quarantined for `failover_quarantine` s (30).
    public var failoverTimeout: Int
    public var failoverQuarantine: Int
    /// `instance_id` (`urn:uuid:…`, none): the RFC 5626 `+sip.instance` sent with every Contact.
    public var instanceID: String?
    /// `session_expires_enabled` (bool, 1), `session_expires_value` (int s, 1800, 90…86400),
    /// `session_expires_min_value` (int s, 90, 90…86400): RFC 4028 session timers, so a call whose
    /// peer vanished behind NAT ends instead of holding the door station forever (linphone keys;
    /// linphone's default is off, ours on because a door station cannot see a dead call).
    public var sessionTimers: Bool
    public var sessionExpires: Int
    public var sessionExpiresMinimum: Int
    /// `incoming_calls_early_media` (bool, 0): answer incoming calls with 183 and early media
    /// while ringing (linphone key).
    public var incomingEarlyMedia: Bool
    /// `use_rfc2833` (bool, 1): send DTMF as RTP telephone-events (RFC 4733) when the peer agreed
    /// to them (linphone key).
    public var dtmfAsRTPEvents: Bool
    /// `use_info` (bool, 0): send DTMF as SIP INFO (linphone key). With both keys on, each digit
    /// goes both ways, as linphone does; when RTP events are off or not negotiated, INFO is used
    /// anyway so a digit is never dropped.
    public var dtmfAsInfo: Bool

    public enum MediaEncryption: String, Sendable, Hashable, CaseIterable {
        case none
        case srtp
    }

    init(_ r: inout SectionReader) {
        udpPort = r.int("sip_port", default: 5060, in: -1...65535)
        tcpPort = r.int("sip_tcp_port", default: 5060, in: -1...65535)
        tlsPort = r.int("sip_tls_port", default: -1, in: -1...65535)
        contact = r.string("contact", validate: ConfigValidators.sipAddress)
        incomingTimeout = r.int("inc_timeout", default: 30, in: 1...3600, unit: "s", reload: .nextCall)
        inCallTimeout = r.int("in_call_timeout", default: 0, in: 0...86400, unit: "s", reload: .nextCall)
        keepAlivePeriod = r.int("keepalive_period", default: 30000, in: 0...3_600_000, unit: "ms")
        useIPv6 = r.bool("use_ipv6", default: false)
        useRport = r.bool("use_rport", default: true)
        mediaEncryption = r.choice("media_encryption", default: MediaEncryption.none, reload: .nextCall)
        mediaEncryptionMandatory = r.bool("media_encryption_mandatory", default: false, reload: .nextCall)
        transportTimeout = r.int("transport_timeout", default: 15000, in: 1000...120_000, unit: "ms")
        defaultProxy = r.int("default_proxy", default: -1, in: -1...99)
        listenAddresses = r.list("listen_address", default: [], validateItem: ConfigValidators.ipAddress)
        rootCA = r.string("root_ca", validate: ConfigValidators.absolutePath)
        verifyServerCertificates = r.bool("verify_server_certs", default: true)
        verifyServerName = r.bool("verify_server_cn", default: true)
        clientCertificateChain = r.string("client_cert_chain", validate: ConfigValidators.absolutePath)
        clientCertificateKey = r.string("client_cert_key", validate: ConfigValidators.absolutePath)
        dnsServer = r.string("dns_server", validate: ConfigValidators.hostAndPort)
        timerT1 = r.int("timer_t1", default: 500, in: 100...5000, unit: "ms")
        timerT2 = r.int("timer_t2", default: 4000, in: 1000...32000, unit: "ms")
        timerT4 = r.int("timer_t4", default: 5000, in: 1000...32000, unit: "ms")
        udpKeepAlive = r.bool("udp_keepalive", default: true)
        failoverTimeout = r.int("failover_timeout", default: 4000, in: 500...64000, unit: "ms")
        failoverQuarantine = r.int("failover_quarantine", default: 30, in: 0...3600, unit: "s")
        instanceID = r.string("instance_id") { raw in
            raw.lowercased().hasPrefix("urn:uuid:") && raw.count == 45 ? nil : "expected urn:uuid: followed by a UUID, got \"\(raw)\""
        }
        sessionTimers = r.bool("session_expires_enabled", default: true, reload: .nextCall)
        sessionExpires = r.int("session_expires_value", default: 1800, in: 90...86400, unit: "s", reload: .nextCall)
        sessionExpiresMinimum = r.int("session_expires_min_value", default: 90, in: 90...86400, unit: "s", reload: .nextCall)
        incomingEarlyMedia = r.bool("incoming_calls_early_media", default: false, reload: .nextCall)
        dtmfAsRTPEvents = r.bool("use_rfc2833", default: true, reload: .restart)
        dtmfAsInfo = r.bool("use_info", default: false, reload: .restart)
        if sessionExpiresMinimum > sessionExpires {
            r.error("session_expires_min_value", "is \(sessionExpiresMinimum) s, more than session_expires_value (\(sessionExpires) s)")
        }
        if (clientCertificateChain == nil) != (clientCertificateKey == nil) {
            r.error(clientCertificateChain == nil ? "client_cert_key" : "client_cert_chain", "is set without its partner; set both client_cert_chain and client_cert_key")
        }
        if timerT2 < timerT1 {
            r.error("timer_t2", "is \(timerT2) ms, less than timer_t1 (\(timerT1) ms)")
        }
        if mediaEncryptionMandatory && mediaEncryption == .none {
            r.error("media_encryption_mandatory", "is 1 but media_encryption is none; set media_encryption=srtp")
        }
    }
}
