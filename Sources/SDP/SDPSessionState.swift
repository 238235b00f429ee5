/// Offer/answer for one dialog (RFC 3264): makes our offers and answers, checks the peer's
/// answers, and keeps the `o=` bookkeeping.
///
/// One value lives as long as the dialog. RFC 3264 §8: every description we send has the same
/// `o=` username, session id and address; the version goes up by one whenever the content
/// differs from the description we sent before, and stays when it is identical (a session
/// refresh, or a re-answer to an unchanged offer). SRTP keys are drawn from the generator the
/// caller passes (pass `SystemRandomNumberGenerator` in production); our key for a stream is
/// kept across re-offers and re-answers while the suite stays the same (see
/// `NegotiatedCrypto`), so an unchanged exchange gives an identical description.
///
/// The methods are: `makeOffer(_:keys:)`, `makeAnswer(to:capabilities:keys:)` and
/// `processAnswer(_:to:)`; they live in `SDPSessionState+Offer.swift`,
/// `SDPSessionState+Answer.swift` and `SDPSessionState+ProcessAnswer.swift`.
public struct SDPSessionState: Sendable, Hashable {
    /// `o=` username: `-` unless the caller wants a name.
    public let username: String
    /// `o=` sess-id, fixed for the dialog (RFC 8866 §5.2 suggests an NTP timestamp; any number
    /// unique enough will do).
    public let sessionID: UInt64
    /// `o=` sess-version of the last description we sent (or of the first one to come).
    public private(set) var sessionVersion: UInt64
    /// The last description we sent, offer or answer.
    public private(set) var localDescription: SessionDescription?
    /// The last description the peer sent that we accepted.
    public private(set) var remoteDescription: SessionDescription?
    /// `o=` address, fixed by the first description (RFC 3264 §8).
    private var originAddress: String?

    public init(sessionID: UInt64, sessionVersion: UInt64? = nil, username: String = "-") {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion ?? sessionID
    }

    /// Whether `description` repeats the peer's last one: same `o=` session id and version. RFC
    /// 3264 §8 lets a peer re-send an unchanged description with the same version; the answer
    /// to it can then be the previous answer.
    public func isUnchangedRemote(_ description: SessionDescription) -> Bool {
        guard let remoteDescription else { return false }
        return remoteDescription.origin == description.origin
    }

    /// Stamps `o=` on a description about to be sent and remembers it.
    mutating func commit(_ description: inout SessionDescription, address: String) {
        let origin = originAddress ?? address
        originAddress = origin
        if let previous = localDescription {
            var candidate = description
            candidate.origin = previous.origin
            if candidate != previous { sessionVersion &+= 1 }
        }
        description.origin = Origin(username: username, sessionID: sessionID, sessionVersion: sessionVersion, address: origin)
        localDescription = description
    }

    mutating func remember(remote description: SessionDescription) {
        remoteDescription = description
    }

    /// Our key for stream `index` and `suite`: the one we sent last time for that stream and
    /// suite, else fresh bytes from `keys`.
    func localKey(index: Int, suite: SRTPCryptoSuite, keys: inout some RandomNumberGenerator) -> [UInt8] {
        let length = suite.keyMaterialLength ?? 30
        if let previous = localDescription?.media, index < previous.count, previous[index].port != 0,
            let crypto = previous[index].cryptos.first(where: { $0.suite == suite }),
            let material = crypto.keyMaterial, material.count == length
        {
            return material
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length + 8)
        while bytes.count < length {
            withUnsafeBytes(of: keys.next().littleEndian) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(length))
    }
}

/// The session-level frame of our descriptions: `c=` and `t=0 0` around the media.
func ourDescription(_ capabilities: MediaCapabilities, media: [MediaDescription]) -> SessionDescription {
    SessionDescription(
        origin: Origin(sessionID: 0, sessionVersion: 0, address: capabilities.localAddress),
        sessionName: capabilities.sessionName,
        connection: Connection(address: capabilities.localAddress),
        media: media
    )
}
