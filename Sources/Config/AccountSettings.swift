/// `[proxy_N]`: one SIP account (linphonerc.md §8). Accounts are numbered from 0.
public struct AccountSettings: Sendable, Hashable {
    public var index: Int
    /// `reg_identity` (SIP address, required): who we are, e.g. `"Front door" <sip:door@pbx.example>`.
    public var identity: String
    /// `reg_proxy` (SIP address, the identity's domain when unset): where REGISTER goes.
    public var proxy: String?
    /// `reg_route` (list of SIP addresses, none): outbound proxies for every request.
    public var routes: [String]
    /// `reg_expires` (int s, 3600, 30…604800): requested registration lifetime.
    public var expires: Int
    /// `reg_sendregister` (bool, 1): register at all.
    public var register: Bool
    /// `realm` (string, any): the realm this account's credentials answer.
    public var realm: String?
    /// `unregister_at_stop` (bool, 1): un-REGISTER on shutdown.
    public var unregisterAtStop: Bool
    /// `request_uri_parameters` (`;`-separated URI parameters, none): added to the Request-URI of
    /// every request of this account, e.g. `user=phone` for carriers that require it. A doorstation key.
    public var requestURIParameters: String?
    /// `100rel` (bool, 1): advertise reliable provisional responses (RFC 3262) in our INVITEs. Off
    /// for PBXes that mishandle PRACK; a peer that *requires* 100rel is still served. A doorstation key.
    public var reliableProvisional: Bool

    init(index: Int, _ r: inout SectionReader) {
        self.index = index
        identity = r.string("reg_identity", validate: ConfigValidators.sipAddress) ?? ""
        proxy = r.string("reg_proxy", validate: ConfigValidators.sipAddress)
        routes = r.list("reg_route", validateItem: ConfigValidators.sipAddress)
        expires = r.int("reg_expires", default: 3600, in: 30...604_800, unit: "s")
        register = r.bool("reg_sendregister", default: true)
        realm = r.string("realm")
        unregisterAtStop = r.bool("unregister_at_stop", default: true)
        requestURIParameters = r.string("request_uri_parameters") { raw in
            raw.split(separator: ";").allSatisfy({ !$0.isEmpty && !$0.contains(" ") && !$0.hasPrefix("=") })
                ? nil : "expected parameters such as user=phone or user=phone;npdi, got \"\(raw)\""
        }
        reliableProvisional = r.bool("100rel", default: true, reload: .nextCall)
        if !r.isSet("reg_identity") {
            r.error(nil, "reg_identity is missing; every account needs its SIP address, e.g. reg_identity=sip:door@pbx.example")
        }
    }
}

/// `[auth_info_N]`: credentials for digest authentication (linphonerc.md §8).
public struct AuthInfoSettings: Sendable, Hashable {
    public var index: Int
    /// `username` (string, required).
    public var username: String
    /// `userid` (string, the username when unset): the authorization user if it differs.
    public var userID: String?
    /// `passwd` (secret): the password in clear text.
    public var password: String?
    /// `ha1` (secret): the precomputed digest HA1, used instead of `passwd`.
    public var ha1: String?
    /// `realm` (string, any realm when unset).
    public var realm: String?
    /// `domain` (string, any domain when unset).
    public var domain: String?
    /// `algorithm` (`MD5` | `SHA-256`, `MD5`): the algorithm `ha1` was computed with.
    public var algorithm: DigestAlgorithm

    public enum DigestAlgorithm: String, Sendable, Hashable, CaseIterable {
        case md5 = "MD5"
        case sha256 = "SHA-256"
    }

    init(index: Int, _ r: inout SectionReader) {
        self.index = index
        username = r.string("username") ?? ""
        userID = r.string("userid")
        password = r.string("passwd", secret: true)
        ha1 = r.string("ha1", secret: true) { raw in
            raw.allSatisfy(\.isHexDigit) && (raw.count == 32 || raw.count == 64)
                ? nil : "expected 32 (MD5) or 64 (SHA-256) hexadecimal digits"
        }
        realm = r.string("realm")
        domain = r.string("domain")
        algorithm = r.choice("algorithm", default: DigestAlgorithm.md5)
        if !r.isSet("username") {
            r.error(nil, "username is missing")
        }
        if !r.isSet("passwd") && !r.isSet("ha1") {
            r.error(nil, "neither passwd nor ha1 is set; the account cannot authenticate")
        }
        if let ha1, ha1.count != (algorithm == .md5 ? 32 : 64) {
            r.error("ha1", "has \(ha1.count) digits but algorithm is \(algorithm.rawValue)")
        }
    }
}
