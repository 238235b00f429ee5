/// Rules shared by answering an offer and reading an answer: where the peer's media goes, which
/// direction it takes, and which SDES crypto line to use.

/// The peer's side of one stream, resolved from its description.
struct RemoteStream {
    var address: String
    var port: UInt16
    var rtcpAddress: String
    var rtcpPort: UInt16
    /// The peer's direction; `c=0.0.0.0` counts as "does not receive" (RFC 3264 §8.4).
    var direction: MediaDirection

    /// Nil when neither the medium nor the session has a `c=` (RFC 8866 §5.7 requires one).
    init?(_ media: MediaDescription, in session: SessionDescription, rtcpMux: Bool) {
        guard let connection = session.effectiveConnection(of: media) else { return nil }
        address = connection.address
        port = media.port
        var direction = session.effectiveDirection(of: media)
        // RFC 3264 §8.4: an RFC 2543 hold (c=0.0.0.0) means the peer wants nothing sent to it.
        if connection.isHoldAddress { direction = direction.intersection(.sendonly) }
        self.direction = direction
        if rtcpMux {
            rtcpAddress = address
            rtcpPort = port
        } else if let rtcp = media.rtcp {
            // RFC 3605 §2.1: the port, and the address when the attribute names one.
            rtcpAddress = rtcp.connection?.address ?? address
            rtcpPort = rtcp.port
        } else {
            // RFC 3550 §11: RTCP on the next higher port.
            rtcpAddress = address
            rtcpPort = port == .max ? port : port + 1
        }
    }
}

/// The packet duration to send: the peer's ptime (default 20 ms, RFC 3551 §4.2), no longer than
/// its maxptime.
func sendPtime(for media: MediaDescription) -> Int {
    let wanted = media.ptime ?? 20
    guard let limit = media.maxptime else { return wanted }
    return min(wanted, limit)
}

/// How an offered stream is to be protected, or why it cannot be.
enum CryptoChoice {
    case plain
    case secure(CryptoAttribute)
}

/// RFC 4568 §7.1.2 for the answerer: the first offered line whose suite we support and
/// whose key is usable wins (the offerer lists its preference first).
///
/// - RTP/SAVP(F): SRTP is required; with the `off` policy, or without a usable line, the stream
///   is rejected.
/// - RTP/AVP(F) with `a=crypto` (best-effort SRTP as baresip and linphone offer it): encrypted
///   when our policy allows and a line is usable, else plain unless our policy is mandatory.
func chooseCrypto(for media: MediaDescription, transport: RTPTransport, policy: SRTPPolicy, suites: [SRTPCryptoSuite]) -> Result<CryptoChoice, SDPNegotiationError> {
    let offered = media.cryptos
    let usable = offered.first { $0.isUsable && suites.contains($0.suite) }
    let kind = "m=\(media.media)"
    if transport.isSecure {
        guard policy != .off else {
            return .failure(SDPNegotiationError("\(kind) is \(media.proto) but SRTP is off"))
        }
        guard let usable else {
            return .failure(SDPNegotiationError("\(kind) is \(media.proto) but has no usable a=crypto\(suiteList(offered))"))
        }
        return .success(.secure(usable))
    }
    switch (policy, usable) {
    case (.off, _): return .success(.plain)
    case (_, let usable?): return .success(.secure(usable))
    case (.optional, nil): return .success(.plain)
    case (.mandatory, nil):
        return .failure(SDPNegotiationError("SRTP is mandatory but \(kind) has no usable a=crypto\(suiteList(offered))"))
    }
}

/// ` (offered: AES_256_CM_HMAC_SHA1_80, …)` or nothing.
private func suiteList(_ cryptos: [CryptoAttribute]) -> String {
    cryptos.isEmpty ? "" : " (offered: \(cryptos.map(\.suite.rawValue).joined(separator: ", ")))"
}

/// The encoding names of the formats, without duplicates, for messages: `G722, opus`.
func encodingNames(_ media: MediaDescription, excluding excluded: [String] = ["telephone-event", "CN"]) -> String {
    let maps = media.rtpMaps
    var names: [String] = []
    for payloadType in media.formats {
        let name = parseDecimal(payloadType, as: UInt8.self).flatMap { maps[$0]?.encoding } ?? payloadType
        if excluded.contains(where: { $0.equalsIgnoringCase(name) }) || names.contains(name) { continue }
        names.append(name)
    }
    return names.isEmpty ? "none" : names.joined(separator: ", ")
}

/// The formats of a medium as receive codecs: payload type → encoding, for those we can name.
func receiveCodecs(of media: MediaDescription) -> [UInt8: RTPMap] {
    let maps = media.rtpMaps
    return Dictionary(media.payloadTypes.compactMap { pt in maps[pt].map { (pt, $0) } }, uniquingKeysWith: { first, _ in first })
}

extension H264ProfileLevelID {
    /// The profile-level-id to put in an answer to `offered`: the offer's profile (RFC 6184
    /// §8.2.2 requires the same profile in the answer) at a level the answerer can receive:
    /// ours when both sides allow level asymmetry, else no higher than the offer's.
    func answer(to offered: H264Parameters) -> H264ProfileLevelID {
        let level = offered.levelAsymmetryAllowed ? self.level : min(self.level, offered.profileLevelID.level)
        return offered.profileLevelID.with(level: level)
    }

    /// What we send with: our profile at no more than the peer's level.
    func sending(toPeerLevel peer: H264Level) -> H264ProfileLevelID {
        with(level: min(level, peer))
    }
}
