import Crypto

/// The hash function of an HTTP Digest algorithm (RFC 7616 §3.2, RFC 8760 §2): MD5 or SHA-256.
/// Also the algorithm a stored HA1 was computed with (linphone's `[auth_info_N] algorithm`).
public enum DigestHash: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case md5 = "MD5"
    case sha256 = "SHA-256"

    public var description: String { rawValue }

    /// Lower-case hex of the hash of `text`'s UTF-8 bytes, as every Digest value is written
    /// (RFC 7616 §3.4.1: "H(data)" then "the hexadecimal representation").
    func hex(_ text: String) -> String { hex(Array(text.utf8)) }

    func hex(_ bytes: [UInt8]) -> String {
        switch self {
        case .md5: Self.hexadecimal(Insecure.MD5.hash(data: bytes))
        case .sha256: Self.hexadecimal(SHA256.hash(data: bytes))
        }
    }

    /// Preference when a server offers several (RFC 8760 §2.4 allows a local policy): the
    /// stronger hash first.
    var strength: Int {
        switch self {
        case .md5: 0
        case .sha256: 1
        }
    }

    static func hexadecimal(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// A challenge's `algorithm` (RFC 7616 §3.3, RFC 8760 §2): a hash and whether HA1 is computed
/// once per session (`-sess`, RFC 7616 §3.4.2).
struct DigestAlgorithm: Sendable, Hashable, CustomStringConvertible {
    var hash: DigestHash
    var isSession: Bool

    /// `MD5`, `MD5-sess`, `SHA-256`, `SHA-256-sess`, in any case; nil for the others
    /// (`SHA-512-256`, `AKAv1-MD5`, …), which we do not support.
    init?(_ name: String) {
        let lowered = name.lowercased()
        let isSession = lowered.hasSuffix("-sess")
        let base = isSession ? String(lowered.dropLast(5)) : lowered
        guard let hash = DigestHash.allCases.first(where: { $0.rawValue.lowercased() == base }) else { return nil }
        self.hash = hash
        self.isSession = isSession
    }

    init(hash: DigestHash, isSession: Bool = false) {
        self.hash = hash
        self.isSession = isSession
    }

    var description: String { hash.rawValue + (isSession ? "-sess" : "") }
}

/// The quality of protection a response is computed with (RFC 7616 §3.3–3.4).
enum DigestQop: String, Sendable, Hashable {
    /// Authentication only: HA2 covers the method and the URI.
    case auth
    /// Authentication with integrity: HA2 also covers a hash of the body.
    case authInt = "auth-int"
}

/// The response computation of RFC 7616 §3.4.1–3.4.3 (RFC 2617 §3.2.2).
enum DigestComputation {
    /// HA1 before any `-sess` step: H(username:realm:password) (RFC 7616 §3.4.2).
    static func ha1(_ hash: DigestHash, userID: String, realm: String, password: String) -> String {
        hash.hex(userID + ":" + realm + ":" + password)
    }

    /// The `response` value.
    /// - `ha1`: H(username:realm:password), or the stored HA1; for a `-sess` algorithm it is
    ///   hashed again with the nonce and cnonce here.
    /// - `nc` and `cnonce` are used with a `qop`; `cnonce` also for `-sess`.
    static func response(_ algorithm: DigestAlgorithm, ha1: String, nonce: String, cnonce: String?, nc: String?,
                         qop: DigestQop?, method: String, uri: String, body: [UInt8] = []) -> String {
        let hash = algorithm.hash
        var sessionHA1 = ha1
        if algorithm.isSession {
            // RFC 7616 §3.4.2: HA1 = H(H(username:realm:password):nonce:cnonce).
            sessionHA1 = hash.hex(ha1 + ":" + nonce + ":" + (cnonce ?? ""))
        }
        // RFC 7616 §3.4.3: A2 = method:uri, plus :H(body) for auth-int.
        var a2 = method + ":" + uri
        if qop == .authInt { a2 += ":" + hash.hex(body) }
        let ha2 = hash.hex(a2)
        guard let qop else {
            // RFC 2069 compatibility (RFC 2617 §3.2.2.1): no qop, no nc, no cnonce.
            return hash.hex(sessionHA1 + ":" + nonce + ":" + ha2)
        }
        return hash.hex([sessionHA1, nonce, nc ?? "00000001", cnonce ?? "", qop.rawValue, ha2].joined(separator: ":"))
    }
}
