/// The codec step of answering: G.711 with telephone-event for audio, H.264 for video.

/// Our codecs among the offered formats (RFC 3264 §6.1), keeping the offer's numbers.
func answerAudio(_ stream: OfferedStream, _ capabilities: MediaCapabilities) -> Result<AnsweredCodecs, SDPNegotiationError> {
    let offered = stream.media
    let maps = offered.rtpMaps
    var chosen: [(payloadType: UInt8, codec: AudioCodec)] = []
    for codec in capabilities.audioCodecs where !chosen.contains(where: { $0.codec == codec }) {
        if let payloadType = offered.payloadTypes.first(where: { maps[$0].map(codec.rtpMap.matches) ?? false }) {
            chosen.append((payloadType, codec))
        }
    }
    guard let first = chosen.first else {
        return .failure(SDPNegotiationError("no common audio codec (offered: \(encodingNames(offered)))"))
    }
    var formats = chosen.map { String($0.payloadType) }
    var attributes = chosen.map { SDPAttribute("rtpmap", "\($0.payloadType) \($0.codec.rtpMap)") }
    // RFC 4733: events share the audio stream's timestamps, so their clock is the codec's: 8000 for G.711.
    let telephoneEvent = capabilities.telephoneEvent
        ? offered.payloadTypes.first { maps[$0].map(RTPMap.telephoneEvent.matches) ?? false }
        : nil
    if let telephoneEvent {
        formats.append(String(telephoneEvent))
        attributes.append(SDPAttribute("rtpmap", "\(telephoneEvent) \(RTPMap.telephoneEvent)"))
        attributes.append(SDPAttribute("fmtp", "\(telephoneEvent) 0-15"))
    }
    attributes.append(SDPAttribute("ptime", String(capabilities.ptime)))
    return .success(AnsweredCodecs(
        formats: formats, attributes: attributes, payloadType: first.payloadType, codec: first.codec.rtpMap,
        telephoneEventPayloadType: telephoneEvent
    ))
}

/// The first offered H.264 format we can send to (RFC 6184 §8.2.2), trying our packetization
/// modes in order of preference.
func answerVideo(_ stream: OfferedStream, _ capabilities: MediaCapabilities) -> Result<AnsweredCodecs, SDPNegotiationError> {
    let offered = stream.media
    let ours = capabilities.video
    let maps = offered.rtpMaps
    let h264Formats = offered.payloadTypes.filter { maps[$0].map(RTPMap.h264.matches) ?? false }
    guard !h264Formats.isEmpty else {
        return .failure(SDPNegotiationError("no common video codec (offered: \(encodingNames(offered)))"))
    }
    guard let ourProfile = ours.profileLevelID.profile else {
        return .failure(SDPNegotiationError("our H.264 profile-level-id \(ours.profileLevelID) names no known profile"))
    }
    let candidates = h264Formats.map { ($0, offered.h264Parameters(for: $0)) }
    let compatible = candidates.filter { $0.1.profileLevelID.profile?.decodes(ourProfile) ?? false }
    guard !compatible.isEmpty else {
        let offeredIDs = candidates.map(\.1.profileLevelID.description).joined(separator: ", ")
        return .failure(SDPNegotiationError("no H.264 profile that decodes our \(ours.profileLevelID) (offered profile-level-id: \(offeredIDs))"))
    }
    var match: (UInt8, H264Parameters)?
    for mode in ours.packetizationModes {
        if let found = compatible.first(where: { $0.1.packetizationMode == mode }) {
            match = found
            break
        }
    }
    guard let (payloadType, parameters) = match else {
        let modes = compatible.map { String($0.1.packetizationMode) }.joined(separator: ", ")
        return .failure(SDPNegotiationError("no H.264 packetization-mode in common (offered: \(modes))"))
    }
    let answered = H264Parameters(
        packetizationMode: parameters.packetizationMode,
        profileLevelID: ours.profileLevelID.answer(to: parameters),
        spropParameterSets: ours.spropParameterSets,
        maxFS: ours.maxFS, maxMBPS: ours.maxMBPS,
        levelAsymmetryAllowed: parameters.levelAsymmetryAllowed
    )
    let feedback = FeedbackSupport(offered.rtcpFeedback(for: payloadType)).intersection(ours.feedback)
    var attributes = [
        SDPAttribute("rtpmap", "\(payloadType) \(RTPMap.h264)"),
        SDPAttribute("fmtp", "\(payloadType) \(answered.formatParameters)"),
    ]
    attributes += feedback.feedback.map { SDPAttribute("rtcp-fb", "\(payloadType) \($0)") }
    let h264 = NegotiatedH264(
        packetizationMode: parameters.packetizationMode,
        profileLevelID: ours.profileLevelID.sending(toPeerLevel: parameters.profileLevelID.level),
        maxFS: parameters.maxFS, maxMBPS: parameters.maxMBPS, maxBR: parameters.maxBR,
        remoteSpropParameterSets: parameters.spropParameterSets
    )
    return .success(AnsweredCodecs(
        formats: [String(payloadType)], attributes: attributes, payloadType: payloadType, codec: .h264,
        h264: h264, feedback: feedback
    ))
}
