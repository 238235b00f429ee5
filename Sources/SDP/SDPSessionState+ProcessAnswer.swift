/// Reading the peer's answer to our offer (RFC 3264 §5, §6 from the offerer's side).
extension SDPSessionState {
    /// The session our `offer` and the peer's `answer` set up.
    ///
    /// Throws when the answer breaks RFC 3264 in a way that leaves no sound session: a different
    /// number of `m=` lines (§6), a medium of another type, an accepted stream whose codecs were
    /// none of the offered ones, an `a=crypto` whose tag or suite was not offered or whose key
    /// is unusable (RFC 4568 §7.1.3), RTP/SAVP without `a=crypto`, or no audio left. Extra
    /// formats that were not offered are ignored rather than fatal, and H.264 whose profile
    /// cannot take our stream just leaves the call without video.
    public mutating func processAnswer(_ answer: SessionDescription, to offer: SessionDescription) throws(SDPNegotiationError) -> NegotiatedSession {
        guard answer.media.count == offer.media.count else {
            throw SDPNegotiationError("the answer has \(answer.media.count) m= lines for the \(offer.media.count) of the offer")
        }
        var audio: NegotiatedStream?
        var video: NegotiatedStream?
        for (index, (offered, answered)) in zip(offer.media, answer.media).enumerated() {
            guard offered.port != 0, answered.port != 0 else { continue }
            guard answered.media == offered.media else {
                throw SDPNegotiationError("answer m= line \(index + 1) is \(answered.media) but the offer's is \(offered.media)")
            }
            if offered.media == "audio", audio == nil {
                audio = try acceptStream(answered, offered: offered, index: index, answer: answer, offer: offer)
            } else if offered.media == "video", video == nil {
                video = try acceptStream(answered, offered: offered, index: index, answer: answer, offer: offer)
            }
        }
        guard audio != nil else { throw SDPNegotiationError("the answer accepts no audio stream") }
        remember(remote: answer)
        return NegotiatedSession(audio: audio, video: video)
    }

    private func acceptStream(
        _ answered: MediaDescription, offered: MediaDescription, index: Int, answer: SessionDescription, offer: SessionDescription
    ) throws(SDPNegotiationError) -> NegotiatedStream? {
        let kind = "answer m=\(answered.media)"
        let rtcpMux = offered.rtcpMux && answered.rtcpMux
        guard let remote = RemoteStream(answered, in: answer, rtcpMux: rtcpMux) else {
            throw SDPNegotiationError("\(kind) has no connection address (c=)")
        }
        let crypto = try acceptedCrypto(answered, offered: offered, kind: kind)
        let codecs = answeredCodecs(answered, offered: offered)
        let ourDirection = offer.effectiveDirection(of: offered)
        var stream = NegotiatedStream(
            mediaIndex: index, localPort: offered.port,
            remoteAddress: remote.address, remotePort: remote.port,
            remoteRTCPAddress: remote.rtcpAddress, remoteRTCPPort: remote.rtcpPort, rtcpMux: rtcpMux,
            direction: remote.direction.reversed.intersection(ourDirection), remoteDirection: remote.direction,
            payloadType: 0, codec: .pcmu, receiveCodecs: receiveCodecs(of: offered),
            sendPtime: sendPtime(for: answered), crypto: crypto
        )
        stream.remoteBandwidthKbps = Bandwidth.limitKbps(answered.bandwidths) ?? Bandwidth.limitKbps(answer.bandwidths)
        if answered.media == "video" {
            guard let (payloadType, offeredPayloadType) = codecs.first(where: { $0.map.matches(.h264) }).map({ ($0.payloadType, $0.offered) }) else {
                throw SDPNegotiationError("\(kind) has none of the offered codecs (answered: \(encodingNames(answered)))")
            }
            let ours = offered.h264Parameters(for: offeredPayloadType)
            let theirs = answered.formatParameters(for: payloadType).map(H264Parameters.init) ?? ours
            let offeredModes = offered.payloadTypes.filter { offered.rtpMap(for: $0)?.matches(.h264) ?? false }.map { offered.h264Parameters(for: $0).packetizationMode }
            guard let ourProfile = ours.profileLevelID.profile, theirs.profileLevelID.profile?.decodes(ourProfile) == true,
                offeredModes.contains(theirs.packetizationMode)
            else { return nil }
            stream.payloadType = payloadType
            stream.codec = .h264
            stream.h264 = NegotiatedH264(
                packetizationMode: theirs.packetizationMode,
                profileLevelID: ours.profileLevelID.sending(toPeerLevel: theirs.profileLevelID.level),
                maxFS: theirs.maxFS, maxMBPS: theirs.maxMBPS, maxBR: theirs.maxBR,
                remoteSpropParameterSets: theirs.spropParameterSets
            )
            stream.feedback = FeedbackSupport(answered.rtcpFeedback(for: payloadType)).intersection(FeedbackSupport(offered.rtcpFeedback(for: offeredPayloadType)))
            return stream
        }
        guard let send = codecs.first(where: { AudioCodec($0.map) != nil }) else {
            throw SDPNegotiationError("\(kind) has none of the offered codecs (answered: \(encodingNames(answered)))")
        }
        stream.payloadType = send.payloadType
        stream.codec = AudioCodec(send.map)?.rtpMap ?? send.map
        stream.telephoneEventPayloadType = codecs.first { $0.map.matches(.telephoneEvent) }?.payloadType
        return stream
    }

    /// The SDES line the answer chose, checked against our offer (RFC 4568 §7.1.3).
    private func acceptedCrypto(_ answered: MediaDescription, offered: MediaDescription, kind: String) throws(SDPNegotiationError) -> NegotiatedCrypto? {
        let answeredCryptos = answered.cryptos
        guard let chosen = answeredCryptos.first else {
            if offered.transport?.isSecure == true || answered.transport?.isSecure == true {
                throw SDPNegotiationError("\(kind) is \(answered.proto) but has no usable a=crypto")
            }
            return nil
        }
        guard let ours = offered.cryptos.first(where: { $0.tag == chosen.tag }) else {
            throw SDPNegotiationError("\(kind) a=crypto tag \(chosen.tag) was not offered")
        }
        guard ours.suite == chosen.suite else {
            throw SDPNegotiationError("\(kind) a=crypto tag \(chosen.tag) has suite \(chosen.suite), the offer's has \(ours.suite)")
        }
        guard chosen.isUsable, let theirKey = chosen.keyParameters.first, let theirs = theirKey.keyMaterial, let mine = ours.keyMaterial else {
            throw SDPNegotiationError("\(kind) a=crypto tag \(chosen.tag) has no usable key")
        }
        return NegotiatedCrypto(
            suite: chosen.suite, tag: chosen.tag, localKeyMaterial: mine, remoteKeyMaterial: theirs,
            remoteLifetime: theirKey.lifetimePackets, remoteMKI: theirKey.mki
        )
    }

    /// The answer's formats that were offered, in the answer's order, each with its encoding
    /// and the offered payload type it stands for. A format is offered when the offer has the
    /// same number with the same encoding, or (for peers that renumber dynamic types) the same
    /// encoding under another number; formats that were not offered are skipped.
    private func answeredCodecs(_ answered: MediaDescription, offered: MediaDescription) -> [(payloadType: UInt8, map: RTPMap, offered: UInt8)] {
        let offeredMaps = offered.rtpMaps
        let answeredMaps = answered.rtpMaps
        return answered.payloadTypes.compactMap { payloadType in
            guard let map = answeredMaps[payloadType] ?? offeredMaps[payloadType] else { return nil }
            if let own = offeredMaps[payloadType], own.matches(map) { return (payloadType, map, payloadType) }
            guard let renumbered = offered.payloadTypes.first(where: { offeredMaps[$0]?.matches(map) ?? false }) else { return nil }
            return (payloadType, map, renumbered)
        }
    }
}
