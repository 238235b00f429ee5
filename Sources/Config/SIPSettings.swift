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
        if mediaEncryptionMandatory && mediaEncryption == .none {
            r.error("media_encryption_mandatory", "is 1 but media_encryption is none; set media_encryption=srtp")
        }
    }
}
