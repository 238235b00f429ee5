/// What we answer a Digest challenge with: linphone's `[auth_info_N]` (`username`, `userid`,
/// `passwd`, `ha1`, `realm`, `algorithm`).
///
/// The password and HA1 are secrets: `description`, `debugDescription` and the mirror (what
/// `dump` and string interpolation of an enclosing value show) leave them out.
public struct DigestCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable {
    /// The user part of our address (From/To); kept for matching an account, not sent in digests.
    public var username: String
    /// The authorization user, sent as the Digest `username` and hashed into HA1 (RFC 7616 §3.4).
    public var userID: String
    /// The password in clear text; preferred over `ha1` because it works with every algorithm.
    public var password: String?
    /// A precomputed H(userID:realm:password), lower- or upper-case hex.
    public var ha1: String?
    /// The hash `ha1` was computed with: it is only used for challenges with the same hash.
    public var ha1Algorithm: DigestHash
    /// The realm these credentials answer; nil answers any realm.
    public var realm: String?

    public init(username: String, userID: String? = nil, password: String? = nil, ha1: String? = nil,
                ha1Algorithm: DigestHash = .md5, realm: String? = nil) {
        self.username = username
        self.userID = userID.flatMap { $0.isEmpty ? nil : $0 } ?? username
        self.password = password
        self.ha1 = ha1
        self.ha1Algorithm = ha1Algorithm
        self.realm = realm
    }

    /// Whether these credentials can answer a challenge with `hash`: a password always can,
    /// a stored HA1 only for the hash it was computed with.
    func canAnswer(_ hash: DigestHash) -> Bool {
        password != nil || (ha1 != nil && ha1Algorithm == hash)
    }

    /// H(userID:realm:password), or the stored HA1 when `password` is nil.
    func ha1(for hash: DigestHash, realm: String) -> String? {
        if let password { return DigestComputation.ha1(hash, userID: userID, realm: realm, password: password) }
        if let ha1, ha1Algorithm == hash { return ha1.lowercased() }
        return nil
    }

    public var description: String {
        var text = "DigestCredentials(username: \(username)"
        if userID != username { text += ", userID: \(userID)" }
        text += ", realm: \(realm ?? "any")"
        if password != nil { text += ", password: <redacted>" }
        if ha1 != nil { text += ", ha1 (\(ha1Algorithm)): <redacted>" }
        return text + ")"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["username": username, "userID": userID, "realm": realm as Any,
                                "hasPassword": password != nil, "hasHA1": ha1 != nil, "ha1Algorithm": ha1Algorithm],
               displayStyle: .struct)
    }
}
