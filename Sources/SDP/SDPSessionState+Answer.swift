/// Answering an offer (RFC 3264 §6).
extension SDPSessionState {
    /// Our answer to `offer`, and the session it sets up.
    ///
    /// One answer `m=` line per offered one, in order (RFC 3264 §6). We take the first audio and
    /// the first video stream we can serve; every other stream, and every stream we cannot
    /// match, is answered with port 0 and its offered formats. A call needs audio: when no audio
    /// stream can be accepted this throws, with the reason the audio stream failed, for a 488.
    /// Video that does not match leaves the call audio-only.
    ///
    /// - Audio: our codecs that the offer has, in our order of preference, under the offer's
    ///   payload type numbers (RFC 3264 §6.1); telephone-event/8000 when offered, under its
    ///   number. An fmtp parameter we do not understand never removes a codec.
    /// - Video: the first offered H.264 format (trying our packetization modes in order) whose
    ///   mode we support and whose profile's decoder decodes our profile (`H264Profile.decodes`);
    ///   answered with the offer's profile at `min(our level, offered level)`, or at our level
    ///   when the offer allows level asymmetry (RFC 6184 §8.2.2).
    /// - Direction: the reverse of the peer's (`sendonly` ↔ `recvonly`), limited by ours;
    ///   `c=0.0.0.0` counts as the peer not receiving (RFC 3264 §8.4).
    /// - rtcp-mux when offered and `capabilities.rtcpMux` (RFC 5761 §5.1.1).
    /// - SRTP: see `SRTPPolicy`; the answer echoes the chosen line's tag and suite with our key
    ///   (RFC 4568 §7.1.2).
    public mutating func makeAnswer(
        to offer: SessionDescription, capabilities: MediaCapabilities, keys: inout some RandomNumberGenerator
    ) throws(SDPNegotiationError) -> (answer: SessionDescription, session: NegotiatedSession) {
        precondition(!capabilities.audioCodecs.isEmpty, "MediaCapabilities.audioCodecs must not be empty")
        guard !offer.media.isEmpty else { throw SDPNegotiationError("the offer has no m= lines") }
        var lines: [MediaDescription] = []
        var audio: NegotiatedStream?
        var video: NegotiatedStream?
        var audioFailure: SDPNegotiationError?
        for (index, offered) in offer.media.enumerated() {
            var result: Result<(MediaDescription, NegotiatedStream), SDPNegotiationError>?
            if offered.port == 0 {
                result = nil
            } else if offered.media == "audio", audio == nil {
                result = answerStream(offered, index: index, in: offer, capabilities, keys: &keys) { stream in
                    answerAudio(stream, capabilities)
                }
            } else if offered.media == "video", video == nil, capabilities.hasVideo {
                result = answerStream(offered, index: index, in: offer, capabilities, keys: &keys) { stream in
                    answerVideo(stream, capabilities)
                }
            }
            switch result {
            case .success(let (line, stream)):
                lines.append(line)
                if offered.media == "audio" { audio = stream } else { video = stream }
            case .failure(let error):
                lines.append(offered.rejected)
                if offered.media == "audio", audioFailure == nil { audioFailure = error }
            case nil:
                lines.append(offered.rejected)
            }
        }
        guard audio != nil else {
            throw audioFailure ?? SDPNegotiationError("the offer has no audio stream")
        }
        var answer = ourDescription(capabilities, media: lines)
        commit(&answer, address: capabilities.localAddress)
        remember(remote: offer)
        return (answer, NegotiatedSession(audio: audio, video: video))
    }

    /// The part of answering that is the same for audio and video: transport, SRTP, address,
    /// rtcp-mux and direction; `codecs` supplies formats and codec attributes.
    private func answerStream(
        _ offered: MediaDescription, index: Int, in offer: SessionDescription, _ capabilities: MediaCapabilities,
        keys: inout some RandomNumberGenerator,
        codecs: (OfferedStream) -> Result<AnsweredCodecs, SDPNegotiationError>
    ) -> Result<(MediaDescription, NegotiatedStream), SDPNegotiationError> {
        let kind = "m=\(offered.media)"
        guard let transport = offered.transport else {
            return .failure(SDPNegotiationError("\(kind) transport \(offered.proto) is not supported"))
        }
        let cryptoChoice: CryptoChoice
        switch chooseCrypto(for: offered, transport: transport, policy: capabilities.srtp, suites: capabilities.usableCryptoSuites) {
        case .success(let choice): cryptoChoice = choice
        case .failure(let error): return .failure(error)
        }
        let rtcpMux = offered.rtcpMux && capabilities.rtcpMux
        guard let remote = RemoteStream(offered, in: offer, rtcpMux: rtcpMux) else {
            return .failure(SDPNegotiationError("\(kind) has no connection address (c=)"))
        }
        let stream = OfferedStream(media: offered, remote: remote)
        let answered: AnsweredCodecs
        switch codecs(stream) {
        case .success(let codecs): answered = codecs
        case .failure(let error): return .failure(error)
        }
        let localDirection = offered.media == "video" ? capabilities.direction.intersection(capabilities.video.direction) : capabilities.direction
        let direction = remote.direction.reversed.intersection(localDirection)
        var attributes = answered.attributes
        if rtcpMux { attributes.append(SDPAttribute("rtcp-mux")) }
        var crypto: NegotiatedCrypto?
        if case .secure(let chosen) = cryptoChoice, let remoteKey = chosen.keyParameters.first, let remoteMaterial = remoteKey.keyMaterial {
            let ours = localKey(index: index, suite: chosen.suite, keys: &keys)
            attributes.append(CryptoAttribute(tag: chosen.tag, suite: chosen.suite, keyMaterial: ours).attribute)
            crypto = NegotiatedCrypto(
                suite: chosen.suite, tag: chosen.tag, localKeyMaterial: ours, remoteKeyMaterial: remoteMaterial,
                remoteLifetime: remoteKey.lifetimePackets, remoteMKI: remoteKey.mki
            )
        }
        attributes.append(direction.attribute)
        let port = offered.media == "video" ? capabilities.videoPort ?? 0 : capabilities.audioPort
        let line = MediaDescription(media: offered.media, port: port, proto: offered.proto, formats: answered.formats, attributes: attributes)
        var negotiated = NegotiatedStream(
            mediaIndex: index, localPort: port,
            remoteAddress: remote.address, remotePort: remote.port,
            remoteRTCPAddress: remote.rtcpAddress, remoteRTCPPort: remote.rtcpPort, rtcpMux: rtcpMux,
            direction: direction, remoteDirection: remote.direction,
            payloadType: answered.payloadType, codec: answered.codec, receiveCodecs: receiveCodecs(of: line),
            telephoneEventPayloadType: answered.telephoneEventPayloadType, sendPtime: sendPtime(for: offered),
            crypto: crypto, h264: answered.h264, feedback: answered.feedback
        )
        negotiated.remoteBandwidthKbps = Bandwidth.limitKbps(offered.bandwidths) ?? Bandwidth.limitKbps(offer.bandwidths)
        return .success((line, negotiated))
    }
}

/// An offered stream that passed the transport and address checks.
struct OfferedStream {
    var media: MediaDescription
    var remote: RemoteStream
}

/// What the codec step of an answer decides.
struct AnsweredCodecs {
    var formats: [String]
    /// rtpmap, fmtp, rtcp-fb and ptime lines.
    var attributes: [SDPAttribute]
    var payloadType: UInt8
    var codec: RTPMap
    var telephoneEventPayloadType: UInt8?
    var h264: NegotiatedH264?
    var feedback: FeedbackSupport = .none
}
