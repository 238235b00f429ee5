import SIPMessage

/// Why a 401/407 could not be answered (RFC 3261 §22, RFC 7616). Descriptions name the realm,
/// user and algorithms involved, never a password or HA1.
public enum DigestAuthenticationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 401/407 carried no Digest challenge with a realm and a nonce; `schemes` lists the
    /// schemes it did carry (`Bearer`, `Basic`, …).
    case noChallenge(statusCode: Int, schemes: [String])
    /// Every Digest challenge named an algorithm we do not support (`SHA-512-256`, `AKAv1-MD5`, …).
    case unsupportedAlgorithm([String])
    /// No credentials answer this realm (none with the realm, none without a realm).
    case noCredentials(realm: String)
    /// The only credentials for `realm` hold an HA1 computed with `stored`, which the server
    /// does not offer.
    case ha1AlgorithmMismatch(realm: String, stored: DigestHash, offered: [String])
    /// The server challenged the very nonce our credentials answered, without `stale=true`:
    /// it did not accept them, so the password (or HA1, or authorization user) is wrong
    /// (RFC 7616 §3.3 "stale").
    case rejected(realm: String, userID: String)

    public var description: String {
        switch self {
        case .noChallenge(let statusCode, let schemes):
            let found = schemes.isEmpty ? "no challenge at all" : "only " + schemes.joined(separator: ", ")
            return "\(statusCode) without a usable Digest challenge (\(found))"
        case .unsupportedAlgorithm(let names):
            return "unsupported digest algorithm \(names.joined(separator: ", ")); MD5, MD5-sess, SHA-256 and SHA-256-sess are supported"
        case .noCredentials(let realm):
            return "no credentials for realm \"\(realm)\" (add an [auth_info] with this realm or without a realm)"
        case .ha1AlgorithmMismatch(let realm, let stored, let offered):
            return "the stored ha1 for realm \"\(realm)\" is \(stored) but the server offers \(offered.joined(separator: ", ")); store the password or an ha1 of that algorithm"
        case .rejected(let realm, let userID):
            return "wrong username or password for realm \"\(realm)\" (user \(userID))"
        }
    }
}
