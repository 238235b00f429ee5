/// Making our offer (RFC 3264 §5) and re-offers (§8).
extension SDPSessionState {
    /// Our offer: one audio stream and, with a video port, one H.264 stream.
    ///
    /// Audio offers our codecs at their static payload types, telephone-event/8000 at
    /// `telephoneEventPayloadType` with `0-15`, and `a=ptime`. Video offers one payload type per
    /// packetization mode (96 = mode 1, 97 = mode 0 by default) with our profile-level-id,
    /// `level-asymmetry-allowed=1` and `a=rtcp-fb` for NACK, PLI and FIR.
    ///
    /// Transport: `.off` and `.optional` offer RTP/AVP (`.optional` adds `a=crypto`, the
    /// best-effort SRTP of baresip's `srtp` and linphone); `.mandatory` offers RTP/SAVP. Video
    /// uses RTP/AVP (or RTP/SAVP) with `a=rtcp-fb` rather than RTP/AVPF: many SIP peers
    /// (Asterisk without `avpf=yes`, PBXs and gateways) reject an AVPF stream outright, while
    /// linphone and baresip honour `a=rtcp-fb` on AVP, and an AVP peer that does not know it
    /// just ignores the attribute (RFC 8866 §5.13).
    ///
    /// A re-offer keeps the previous description's `m=` lines in place (RFC 3264 §8: streams
    /// are never removed, only disabled with port 0): audio and video go back to their slots,
    /// keeping the transport negotiated there, and other slots stay rejected.
    public mutating func makeOffer(_ capabilities: MediaCapabilities, keys: inout some RandomNumberGenerator) -> SessionDescription {
        precondition(!capabilities.audioCodecs.isEmpty, "MediaCapabilities.audioCodecs must not be empty")
        let previous = localDescription?.media ?? []
        var media: [MediaDescription] = []
        var audioPlaced = false
        var videoPlaced = false
        for (index, slot) in previous.enumerated() {
            if slot.media == "audio", !audioPlaced {
                media.append(offeredAudio(capabilities, index: index, slot: slot, keys: &keys))
                audioPlaced = true
            } else if slot.media == "video", !videoPlaced, capabilities.hasVideo {
                media.append(offeredVideo(capabilities, index: index, slot: slot, keys: &keys))
                videoPlaced = true
            } else {
                media.append(slot.rejected)
            }
        }
        if !audioPlaced { media.append(offeredAudio(capabilities, index: media.count, slot: nil, keys: &keys)) }
        if !videoPlaced, capabilities.hasVideo {
            media.append(offeredVideo(capabilities, index: media.count, slot: nil, keys: &keys))
        }
        var offer = ourDescription(capabilities, media: media)
        commit(&offer, address: capabilities.localAddress)
        return offer
    }

    /// The transport for a slot: the one negotiated there before (while the policy allows
    /// it), else RTP/SAVP for `.mandatory` and RTP/AVP otherwise.
    private func transport(_ capabilities: MediaCapabilities, slot: MediaDescription?) -> RTPTransport {
        if let slot, slot.port != 0, let previous = slot.transport {
            return RTPTransport(isSecure: previous.isSecure && capabilities.srtp != .off, hasFeedback: previous.hasFeedback)
        }
        return RTPTransport(isSecure: capabilities.srtp == .mandatory, hasFeedback: false)
    }

    /// `a=crypto` lines for every suite we can key, tags 1, 2, … (RFC 4568 §9.1).
    private func cryptoAttributes(_ capabilities: MediaCapabilities, index: Int, transport: RTPTransport, keys: inout some RandomNumberGenerator) -> [SDPAttribute] {
        guard capabilities.srtp != .off || transport.isSecure else { return [] }
        return capabilities.usableCryptoSuites.enumerated().map { position, suite in
            CryptoAttribute(tag: UInt32(position + 1), suite: suite, keyMaterial: localKey(index: index, suite: suite, keys: &keys)).attribute
        }
    }

    private func offeredAudio(_ capabilities: MediaCapabilities, index: Int, slot: MediaDescription?, keys: inout some RandomNumberGenerator) -> MediaDescription {
        let transport = transport(capabilities, slot: slot)
        var formats = capabilities.audioCodecs.map { String($0.staticPayloadType) }
        var attributes = capabilities.audioCodecs.map { SDPAttribute("rtpmap", "\($0.staticPayloadType) \($0.rtpMap)") }
        if capabilities.telephoneEvent {
            let payloadType = capabilities.telephoneEventPayloadType
            formats.append(String(payloadType))
            attributes.append(SDPAttribute("rtpmap", "\(payloadType) \(RTPMap.telephoneEvent)"))
            // RFC 4733 §2.4.1: events 0–15 are the DTMF digits, * , # and A–D.
            attributes.append(SDPAttribute("fmtp", "\(payloadType) 0-15"))
        }
        attributes.append(SDPAttribute("ptime", String(capabilities.ptime)))
        if capabilities.rtcpMux { attributes.append(SDPAttribute("rtcp-mux")) }
        attributes += cryptoAttributes(capabilities, index: index, transport: transport, keys: &keys)
        attributes.append(capabilities.direction.attribute)
        return MediaDescription(media: "audio", port: capabilities.audioPort, proto: transport.proto, formats: formats, attributes: attributes)
    }

    private func offeredVideo(_ capabilities: MediaCapabilities, index: Int, slot: MediaDescription?, keys: inout some RandomNumberGenerator) -> MediaDescription {
        let video = capabilities.video
        let transport = transport(capabilities, slot: slot)
        var formats: [String] = []
        var attributes: [SDPAttribute] = []
        for (position, mode) in video.packetizationModes.enumerated() {
            let payloadType = video.payloadType &+ UInt8(truncatingIfNeeded: position)
            formats.append(String(payloadType))
            let parameters = H264Parameters(
                packetizationMode: mode, profileLevelID: video.profileLevelID, spropParameterSets: video.spropParameterSets,
                maxFS: video.maxFS, maxMBPS: video.maxMBPS, levelAsymmetryAllowed: true
            )
            attributes.append(SDPAttribute("rtpmap", "\(payloadType) \(RTPMap.h264)"))
            attributes.append(SDPAttribute("fmtp", "\(payloadType) \(parameters.formatParameters)"))
            for feedback in video.feedback.feedback { attributes.append(SDPAttribute("rtcp-fb", "\(payloadType) \(feedback)")) }
        }
        if capabilities.rtcpMux { attributes.append(SDPAttribute("rtcp-mux")) }
        attributes += cryptoAttributes(capabilities, index: index, transport: transport, keys: &keys)
        attributes.append(capabilities.direction.intersection(video.direction).attribute)
        return MediaDescription(media: "video", port: capabilities.videoPort ?? 0, proto: transport.proto, formats: formats, attributes: attributes)
    }
}
