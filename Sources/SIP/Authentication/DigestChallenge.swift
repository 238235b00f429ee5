import SIPMessage

/// One Digest challenge of a `WWW-Authenticate` or `Proxy-Authenticate` header (RFC 7616 §3.3,
/// RFC 3261 §22.4), reduced to what answering it needs.
struct DigestChallenge: Sendable, Hashable {
    var realm: String
    var nonce: String
    var opaque: String?
    var algorithm: DigestAlgorithm
    /// The algorithm as the server spelled it, echoed back (RFC 7616 §3.4); nil when the
    /// challenge named none, which means MD5 (RFC 2617 §3.2.1).
    var algorithmName: String?
    /// The qop we answer with: `auth` when offered, else `auth-int`; nil when the server sent
    /// no qop (RFC 2069 compatibility).
    var qop: DigestQop?
    var isStale: Bool

    /// What a header holds for us.
    enum Reading: Sendable, Hashable {
        case challenge(DigestChallenge)
        /// A Digest challenge with an algorithm or qop we do not support (named here).
        case unsupported(String)
        /// Not Digest (the scheme is given), or Digest without a realm or nonce.
        case unusable(scheme: String)
    }

    static func read(_ header: AuthenticationHeader) -> Reading {
        guard header.isDigest, let realm = header["realm"], let nonce = header["nonce"] else {
            return .unusable(scheme: header.scheme)
        }
        let algorithmName = header["algorithm"]
        // RFC 7616 §3.3: no algorithm means MD5.
        guard let algorithm = algorithmName.map(DigestAlgorithm.init) ?? DigestAlgorithm(hash: .md5) else {
            return .unsupported(algorithmName ?? "")
        }
        var qop: DigestQop?
        if let offered = header["qop"] {
            // RFC 7616 §3.3: a quoted, comma-separated list of tokens.
            let options = offered.split(separator: ",").map { $0.trimmingSpaces.lowercased() }
            if options.contains(DigestQop.auth.rawValue) {
                qop = .auth
            } else if options.contains(DigestQop.authInt.rawValue) {
                qop = .authInt
            } else {
                return .unsupported("qop=" + offered)
            }
        }
        let isStale = header["stale"]?.lowercased() == "true"
        return .challenge(DigestChallenge(realm: realm, nonce: nonce, opaque: header["opaque"], algorithm: algorithm,
                                          algorithmName: algorithmName, qop: qop, isStale: isStale))
    }

    /// The challenges of `response` grouped by realm, in the order the realms first appear,
    /// each group ordered best first: the stronger hash (RFC 8760 §2.4 lets a local policy
    /// prefer SHA-256 over MD5), and the topmost among equals (RFC 8760 §2.4).
    static func byRealm(_ values: [String]) -> (realms: [(realm: String, challenges: [DigestChallenge])],
                                                 unsupported: [String], schemes: [String]) {
        var realms: [(realm: String, challenges: [DigestChallenge])] = []
        var unsupported: [String] = []
        var schemes: [String] = []
        for value in values {
            guard let header = try? AuthenticationHeader(value) else { continue }
            switch read(header) {
            case .challenge(let challenge):
                if let index = realms.firstIndex(where: { $0.realm == challenge.realm }) {
                    realms[index].challenges.append(challenge)
                } else {
                    realms.append((challenge.realm, [challenge]))
                }
            case .unsupported(let name):
                unsupported.append(name)
            case .unusable(let scheme):
                schemes.append(scheme)
            }
        }
        for index in realms.indices {
            // A stable sort: equals keep the server's order.
            let ordered = realms[index].challenges.enumerated().sorted {
                ($0.element.algorithm.hash.strength, -$0.offset) > ($1.element.algorithm.hash.strength, -$1.offset)
            }
            realms[index].challenges = ordered.map(\.element)
        }
        return (realms, unsupported, schemes)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
