import SIPMessage

/// Answers HTTP Digest challenges for one account (RFC 3261 §22.2–22.4, RFC 7616, RFC 8760).
///
/// Given a request and the 401 or 407 it drew, `authenticate` picks the best challenge of each
/// challenged realm, finds the credentials for it and returns the request again with one
/// `Authorization` (401) or `Proxy-Authorization` (407) per realm and the CSeq incremented
/// (§22.2: "the same Call-ID ... CSeq incremented"). The challenges answered are remembered, so
/// that later requests (a REGISTER refresh) can carry credentials at once (`authorize`), with the
/// nonce count going up on each reuse of a nonce (RFC 7616 §3.4).
///
/// Challenge selection per realm: Digest only; algorithms MD5, MD5-sess, SHA-256 and
/// SHA-256-sess; SHA-256 before MD5 when both are offered and the topmost among equals
/// (RFC 8760 §2.4); others are ignored, and an error only says so when nothing else is left.
public struct DigestAuthenticator: Sendable {
    public var credentials: [DigestCredentials]

    /// A challenge we answered, with the cnonce we chose for it and how often its nonce was used.
    private struct Remembered: Sendable {
        var challenge: DigestChallenge
        var isProxy: Bool
        var cnonce: String
        var nonceCount: UInt32
    }

    private var remembered: [Remembered] = []

    public init(credentials: [DigestCredentials]) {
        self.credentials = credentials
    }

    /// The credentials for `realm`: those naming it, else those naming no realm.
    public func credentials(for realm: String) -> DigestCredentials? {
        credentials.first { $0.realm == realm } ?? credentials.first { $0.realm == nil }
    }

    /// Whether a 401/407 says our nonce only went stale (RFC 7616 §3.3 `stale=true`): the
    /// credentials were right, and answering the new nonce is not a second attempt.
    public static func isStale(_ response: SIPResponse) -> Bool {
        let name: SIPHeaderName = response.statusCode == 407 ? .proxyAuthenticate : .wwwAuthenticate
        return response.headers.values(name).contains {
            (try? AuthenticationHeader($0)).flatMap { $0.isDigest ? $0["stale"] : nil }?.lowercased() == "true"
        }
    }

    /// `request` answered for the challenges of `response` (a 401 or 407 to it): credentials
    /// headers of that kind replaced by one per challenged realm, credentials of the other kind
    /// that the request carried signed again with the next nonce count, CSeq + 1.
    ///
    /// - Parameter generator: the source of the cnonce (`SystemRandomNumberGenerator` in the
    ///   daemon, a seeded generator in tests).
    /// - Throws: `.rejected` when the server challenged again a nonce `request` had already
    ///   answered, without `stale=true` (the realm is then forgotten); `.noCredentials`,
    ///   `.ha1AlgorithmMismatch`, `.unsupportedAlgorithm` or `.noChallenge` when no answer is
    ///   possible.
    public mutating func authenticate(_ request: SIPRequest, challengedBy response: SIPResponse,
                                      using generator: inout some RandomNumberGenerator)
        throws(DigestAuthenticationError) -> SIPRequest {
        precondition(response.statusCode == 401 || response.statusCode == 407, "only 401 and 407 carry challenges")
        let isProxy = response.statusCode == 407
        let (challengeHeader, credentialsHeader) = Self.headerNames(proxy: isProxy)
        let found = DigestChallenge.byRealm(response.headers.values(challengeHeader))
        guard !found.realms.isEmpty else {
            if !found.unsupported.isEmpty { throw .unsupportedAlgorithm(found.unsupported) }
            throw .noChallenge(statusCode: response.statusCode, schemes: found.schemes)
        }
        let previous = request.headers.values(credentialsHeader).compactMap { try? AuthenticationHeader($0) }

        var chosen: [DigestChallenge] = []
        for (realm, challenges) in found.realms {
            guard let credentials = credentials(for: realm) else { throw .noCredentials(realm: realm) }
            // RFC 7616 §3.3: a server that merely expired our nonce says stale=true; challenging
            // the same nonce again means it did not accept what we computed from it.
            let answeredBefore = Set(previous.filter { $0["realm"] == realm }.compactMap { $0["nonce"] })
            if challenges.contains(where: { !$0.isStale && answeredBefore.contains($0.nonce) }) {
                remembered.removeAll { $0.challenge.realm == realm && $0.isProxy == isProxy }
                throw .rejected(realm: realm, userID: credentials.userID)
            }
            guard let challenge = challenges.first(where: { credentials.canAnswer($0.algorithm.hash) }) else {
                throw .ha1AlgorithmMismatch(realm: realm, stored: credentials.ha1Algorithm,
                                            offered: challenges.map(\.algorithm.description))
            }
            chosen.append(challenge)
        }

        var result = request
        result.headers.remove(credentialsHeader)
        for challenge in chosen {
            let index = remember(challenge, isProxy: isProxy, using: &generator)
            if let value = sign(index, for: request) { result.headers.append(credentialsHeader, value) }
        }
        resign(otherThan: isProxy, in: &result, original: request)
        if let cseq = request.headers[.cseq].flatMap({ try? CSeq($0) }) {
            result.headers.set(.cseq, CSeq(cseq.number + 1, cseq.method).description)
        }
        return result
    }

    /// `request` with credentials for every challenge answered so far, each with the next nonce
    /// count (RFC 7616 §3.4: a nonce may be reused with an increasing nc). For requests that
    /// have not been challenged yet, such as a REGISTER refresh: the server saves a round trip,
    /// or challenges again (stale or with a new nonce).
    public mutating func authorize(_ request: SIPRequest) -> SIPRequest {
        var result = request
        result.headers.remove(.authorization)
        result.headers.remove(.proxyAuthorization)
        for index in remembered.indices {
            if let value = sign(index, for: request) {
                result.headers.append(Self.headerNames(proxy: remembered[index].isProxy).credentials, value)
            }
        }
        return result
    }

    /// Forgets every challenge answered (after a change of server, for instance).
    public mutating func forgetChallenges() { remembered.removeAll() }

    private static func headerNames(proxy: Bool) -> (challenge: SIPHeaderName, credentials: SIPHeaderName) {
        // RFC 3261 §22.2 (401, WWW-Authenticate → Authorization) and §22.3 (407, Proxy-…).
        proxy ? (.proxyAuthenticate, .proxyAuthorization) : (.wwwAuthenticate, .authorization)
    }

    /// Stores `challenge` for its realm, keeping the count when the nonce is the one we had.
    private mutating func remember(_ challenge: DigestChallenge, isProxy: Bool,
                                   using generator: inout some RandomNumberGenerator) -> Int {
        if let index = remembered.firstIndex(where: { $0.challenge.realm == challenge.realm && $0.isProxy == isProxy }) {
            if remembered[index].challenge.nonce != challenge.nonce || remembered[index].challenge.algorithm != challenge.algorithm {
                remembered[index] = Remembered(challenge: challenge, isProxy: isProxy,
                                               cnonce: Self.makeCnonce(using: &generator), nonceCount: 0)
            } else {
                // The same nonce again: the count goes on (RFC 7616 §3.4), opaque and qop may change.
                remembered[index].challenge = challenge
            }
            return index
        }
        remembered.append(Remembered(challenge: challenge, isProxy: isProxy,
                                     cnonce: Self.makeCnonce(using: &generator), nonceCount: 0))
        return remembered.count - 1
    }

    /// Signs again the credentials of the other kind that `original` carried (a 401 after a
    /// 407 keeps the proxy's credentials, RFC 3261 §22.3), with the next nonce count.
    private mutating func resign(otherThan isProxy: Bool, in request: inout SIPRequest, original: SIPRequest) {
        let name = Self.headerNames(proxy: !isProxy).credentials
        let values = original.headers.values(name)
        guard !values.isEmpty else { return }
        request.headers.remove(name)
        for value in values {
            let realm = (try? AuthenticationHeader(value))?["realm"]
            if let index = remembered.firstIndex(where: { $0.challenge.realm == realm && $0.isProxy != isProxy }),
               let signed = sign(index, for: original) {
                request.headers.append(name, signed)
            } else {
                request.headers.append(name, value)
            }
        }
    }

    /// The credentials value for remembered challenge `index`, using its nonce once more.
    private mutating func sign(_ index: Int, for request: SIPRequest) -> String? {
        let challenge = remembered[index].challenge
        guard let credentials = credentials(for: challenge.realm),
              let ha1 = credentials.ha1(for: challenge.algorithm.hash, realm: challenge.realm) else { return nil }
        remembered[index].nonceCount &+= 1
        let entry = remembered[index]
        // RFC 7616 §3.4: cnonce and nc go with a qop; -sess needs the cnonce for HA1 as well.
        let cnonce = challenge.qop != nil || challenge.algorithm.isSession ? entry.cnonce : nil
        let nc = challenge.qop != nil ? Self.hex8(entry.nonceCount) : nil
        // §22.4: the digest uri is the Request-URI.
        let uri = request.uri.description
        let response = DigestComputation.response(challenge.algorithm, ha1: ha1, nonce: challenge.nonce, cnonce: cnonce,
                                                  nc: nc, qop: challenge.qop, method: request.method.rawValue,
                                                  uri: uri, body: request.body)
        var parameters: [(name: String, value: String)] = [
            ("username", credentials.userID), ("realm", challenge.realm), ("nonce", challenge.nonce),
            ("uri", uri), ("response", response),
        ]
        if let name = challenge.algorithmName { parameters.append(("algorithm", name)) }
        if let cnonce { parameters.append(("cnonce", cnonce)) }
        if let opaque = challenge.opaque { parameters.append(("opaque", opaque)) }
        if let qop = challenge.qop, let nc {
            parameters.append(("qop", qop.rawValue))
            parameters.append(("nc", nc))
        }
        return AuthenticationHeader(scheme: "Digest", parameters: parameters).description
    }

    /// Eight lower-case hex digits (RFC 7616 §3.4 nc-value).
    static func hex8(_ value: UInt32) -> String { paddedHex(value) }

    /// 64 random bits as 16 hex digits.
    static func makeCnonce(using generator: inout some RandomNumberGenerator) -> String {
        paddedHex(generator.next() as UInt64)
    }

    /// Every digit of `value` in lower-case hex, leading zeros included.
    private static func paddedHex<Value: FixedWidthInteger & UnsignedInteger>(_ value: Value) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: Value.bitWidth / 4 - digits.count) + digits
    }
}
