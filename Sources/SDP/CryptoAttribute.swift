/// `a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]` (RFC 4568 §9.1): SDES keys
/// for SRTP, one line per suite the writer offers.
///
/// Parsing is all or nothing per line: a malformed line gives no `CryptoAttribute` (the
/// medium's `cryptos` leaves it out), it never makes the description invalid.
public struct CryptoAttribute: Sendable, Hashable, CustomStringConvertible {
    /// 1–9 digits identifying this line within the medium; the answer echoes it (RFC 4568 §6.1).
    public var tag: UInt32
    public var suite: SRTPCryptoSuite
    /// The `inline:` key parameters; RFC 4568 §6.1 allows several (with MKIs), most peers send one.
    public var keyParameters: [SRTPKeyParameters]
    /// Session parameters (`KDR=`, `UNENCRYPTED_SRTCP`, `WSH=`, …), verbatim.
    public var sessionParameters: [String]

    public init(tag: UInt32, suite: SRTPCryptoSuite, keyParameters: [SRTPKeyParameters], sessionParameters: [String] = []) {
        self.tag = tag
        self.suite = suite
        self.keyParameters = keyParameters
        self.sessionParameters = sessionParameters
    }

    /// A line with one inline key and no lifetime or MKI: what the door station writes.
    public init(tag: UInt32, suite: SRTPCryptoSuite, keyMaterial: [UInt8]) {
        self.init(tag: tag, suite: suite, keyParameters: [SRTPKeyParameters(keyMaterial: keyMaterial)])
    }

    /// Parses the attribute value (after `a=crypto:`); nil when malformed.
    public init?(parsing value: String) {
        let fields = value.sdpFields
        guard fields.count >= 3, fields[0].count <= 9, let tag = parseDecimal(fields[0], as: UInt32.self) else { return nil }
        var keys: [SRTPKeyParameters] = []
        for keyParam in fields[2].split(separator: ";", omittingEmptySubsequences: false) {
            guard let key = SRTPKeyParameters(parsing: keyParam) else { return nil }
            keys.append(key)
        }
        self.init(tag: tag, suite: SRTPCryptoSuite(String(fields[1])), keyParameters: keys, sessionParameters: fields.dropFirst(3).map(String.init))
    }

    /// The first key's decoded key ‖ salt.
    public var keyMaterial: [UInt8]? { keyParameters.first?.keyMaterial }

    /// Whether this line can be used: a known suite, one key of the suite's length (an MKI and a
    /// lifetime are fine: the SRTP layer gets them), and no session parameter other than the
    /// `WSH=` hint. `UNENCRYPTED_SRTP`, `UNAUTHENTICATED_SRTP`, `KDR=`, `FEC_ORDER=` … change
    /// how packets are protected (RFC 4568 §6.3); honouring them would weaken or complicate SRTP
    /// for no peer we know of, so such a line is treated as unusable rather than half-honoured.
    public var isUsable: Bool {
        guard let length = suite.keyMaterialLength, keyParameters.count == 1, let key = keyParameters.first else { return false }
        return key.keyMaterial?.count == length && sessionParameters.allSatisfy { $0.hasPrefix("WSH=") }
    }

    public var description: String {
        ([String(tag), suite.rawValue, keyParameters.map(\.description).joined(separator: ";")] + sessionParameters).joined(separator: " ")
    }

    /// The attribute as a line: `a=crypto:…`.
    public var attribute: SDPAttribute { SDPAttribute("crypto", description) }
}

/// `inline:<key||salt>[|<lifetime>][|<MKI>:<length>]` (RFC 4568 §6.1 and §9.2).
public struct SRTPKeyParameters: Sendable, Hashable, CustomStringConvertible {
    /// The base64 key ‖ salt as sent.
    public var keySalt: String
    /// `2^31` or a decimal count of packets, as sent.
    public var lifetime: String?
    /// The master key identifier carried in every packet, when the writer uses one.
    public var mki: MKI?

    public struct MKI: Sendable, Hashable {
        public var value: UInt64
        /// Bytes of MKI in each packet, 1…128 (RFC 4568 §9.2).
        public var length: UInt8

        public init(value: UInt64, length: UInt8) {
            self.value = value
            self.length = length
        }
    }

    public init(keySalt: String, lifetime: String? = nil, mki: MKI? = nil) {
        self.keySalt = keySalt
        self.lifetime = lifetime
        self.mki = mki
    }

    public init(keyMaterial: [UInt8]) {
        self.init(keySalt: Base64.encode(keyMaterial))
    }

    init?(parsing text: Substring) {
        guard text.count > 7, text.prefix(7).equalsIgnoringCase("inline:") else { return nil }
        let parts = text.dropFirst(7).split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count <= 3, !parts[0].isEmpty, Base64.decode(parts[0]) != nil else { return nil }
        keySalt = String(parts[0])
        for part in parts.dropFirst() {
            let (value, length) = part.splitOnce(at: ":")
            if let length {
                guard mki == nil, let mkiValue = parseDecimal(value, as: UInt64.self), let bytes = parseDecimal(length, as: UInt8.self), (1...128).contains(bytes) else { return nil }
                mki = MKI(value: mkiValue, length: bytes)
            } else {
                guard lifetime == nil, mki == nil, SRTPKeyParameters.lifetimePackets(part) != nil else { return nil }
                lifetime = String(part)
            }
        }
    }

    /// The decoded key ‖ salt.
    public var keyMaterial: [UInt8]? { Base64.decode(keySalt) }

    /// The lifetime in packets (`2^31` → 2147483648), nil when absent or not representable.
    public var lifetimePackets: UInt64? { lifetime.flatMap { SRTPKeyParameters.lifetimePackets($0[...]) } }

    static func lifetimePackets(_ text: Substring) -> UInt64? {
        if text.hasPrefix("2^") {
            guard let exponent = parseDecimal(text.dropFirst(2), as: UInt8.self), exponent < 64 else { return nil }
            return 1 << UInt64(exponent)
        }
        return parseDecimal(text, as: UInt64.self)
    }

    public var description: String {
        var text = "inline:" + keySalt
        if let lifetime { text += "|" + lifetime }
        if let mki { text += "|\(mki.value):\(mki.length)" }
        return text
    }
}
