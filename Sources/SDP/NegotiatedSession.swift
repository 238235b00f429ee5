/// The outcome of one offer/answer exchange: what the media plane must set up. Equal sessions
/// need no change to running streams, so a re-INVITE that changes nothing can be recognized
/// by comparing the new value with the old.
public struct NegotiatedSession: Sendable, Hashable {
    /// The audio stream, nil when it was rejected (an exchange without audio fails instead).
    public var audio: NegotiatedStream?
    /// The video stream, nil when not offered, not wanted or not matched.
    public var video: NegotiatedStream?

    public init(audio: NegotiatedStream?, video: NegotiatedStream?) {
        self.audio = audio
        self.video = video
    }

    /// Audio does not flow both ways: one side holds the other (RFC 3264 §8.4).
    public var isOnHold: Bool { audio.map { $0.direction != .sendrecv } ?? true }

    /// The peer holds us: it does not want our audio (sendonly, inactive or `c=0.0.0.0`).
    public var isHeldByPeer: Bool { audio?.isHeldByPeer ?? false }
}

/// One negotiated RTP stream, from our side.
///
/// Receivers must take any packet duration and any payload type in `receiveCodecs` (RFC 3264
/// §5.1 lets the sender switch among them); `sendPtime` only shapes what we send.
public struct NegotiatedStream: Sendable, Hashable {
    /// The index of the `m=` line in both descriptions.
    public var mediaIndex: Int
    /// Our RTP port (RTCP on the next one unless `rtcpMux`).
    public var localPort: UInt16
    /// Where to send RTP: the medium's `c=`, else the session's, and the `m=` port.
    public var remoteAddress: String
    public var remotePort: UInt16
    /// Where to send RTCP: `a=rtcp` (RFC 3605), else RTP port + 1, or the RTP port with rtcp-mux.
    public var remoteRTCPAddress: String
    public var remoteRTCPPort: UInt16
    /// RTP and RTCP share one port pair (RFC 5761).
    public var rtcpMux: Bool
    /// What we may do after negotiation: send, receive, both or neither.
    public var direction: MediaDirection
    /// What the peer declared, with `c=0.0.0.0` read as "does not receive" (RFC 3264 §8.4).
    public var remoteDirection: MediaDirection
    /// The payload type and encoding to send with.
    public var payloadType: UInt8
    public var codec: RTPMap
    /// Every payload type we told the peer it may send us, with its encoding (telephone-event
    /// included).
    public var receiveCodecs: [UInt8: RTPMap]
    /// The payload type for RFC 4733 events we send; nil when the peer did not agree to them.
    public var telephoneEventPayloadType: UInt8?
    /// The packet duration to send, in ms (audio): the peer's `a=ptime` (default 20, RFC 3551
    /// §4.2), capped by its `a=maxptime`.
    public var sendPtime: Int
    /// SRTP keys, nil for plain RTP.
    public var crypto: NegotiatedCrypto?
    /// The H.264 sending parameters, for video.
    public var h264: NegotiatedH264?
    /// The RTCP feedback both sides agreed on (video).
    public var feedback: FeedbackSupport
    /// The most the peer takes on this stream, kbit/s: its media-level `b=TIAS`/`b=AS`, else
    /// its session-level one; nil when it set no limit.
    public var remoteBandwidthKbps: Int?

    public init(
        mediaIndex: Int, localPort: UInt16, remoteAddress: String, remotePort: UInt16,
        remoteRTCPAddress: String, remoteRTCPPort: UInt16, rtcpMux: Bool,
        direction: MediaDirection, remoteDirection: MediaDirection,
        payloadType: UInt8, codec: RTPMap, receiveCodecs: [UInt8: RTPMap],
        telephoneEventPayloadType: UInt8? = nil, sendPtime: Int = 20,
        crypto: NegotiatedCrypto? = nil, h264: NegotiatedH264? = nil, feedback: FeedbackSupport = .none
    ) {
        self.mediaIndex = mediaIndex
        self.localPort = localPort
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.remoteRTCPAddress = remoteRTCPAddress
        self.remoteRTCPPort = remoteRTCPPort
        self.rtcpMux = rtcpMux
        self.direction = direction
        self.remoteDirection = remoteDirection
        self.payloadType = payloadType
        self.codec = codec
        self.receiveCodecs = receiveCodecs
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.sendPtime = sendPtime
        self.crypto = crypto
        self.h264 = h264
        self.feedback = feedback
    }

    public var canSend: Bool { direction.sends }
    public var canReceive: Bool { direction.receives }
    /// The peer does not want our media (it holds us).
    public var isHeldByPeer: Bool { !remoteDirection.receives }
    /// Our audio codec, when the send codec is one.
    public var audioCodec: AudioCodec? { AudioCodec(codec) }
}

/// The SDES keys of one stream (RFC 4568): ours protects what we send, theirs what we receive.
///
/// When a later exchange yields the same value, keep the SRTP contexts running: recreating a
/// context with the same key restarts its rollover counter and would reuse key stream
/// (RFC 3711 §9.1). `SDPSessionState` keeps our key across re-offers for exactly that reason.
public struct NegotiatedCrypto: Sendable, Hashable {
    public var suite: SRTPCryptoSuite
    /// The tag of the chosen `a=crypto` line.
    public var tag: UInt32
    /// Our master key ‖ master salt.
    public var localKeyMaterial: [UInt8]
    /// The peer's master key ‖ master salt.
    public var remoteKeyMaterial: [UInt8]
    /// The peer's key lifetime in packets, when it set one.
    public var remoteLifetime: UInt64?
    /// The peer's MKI, when its packets carry one (the SRTP layer must expect it).
    public var remoteMKI: SRTPKeyParameters.MKI?

    public init(suite: SRTPCryptoSuite, tag: UInt32, localKeyMaterial: [UInt8], remoteKeyMaterial: [UInt8], remoteLifetime: UInt64? = nil, remoteMKI: SRTPKeyParameters.MKI? = nil) {
        self.suite = suite
        self.tag = tag
        self.localKeyMaterial = localKeyMaterial
        self.remoteKeyMaterial = remoteKeyMaterial
        self.remoteLifetime = remoteLifetime
        self.remoteMKI = remoteMKI
    }
}

/// What the H.264 encoder and packetizer must do for this peer (RFC 6184 §8.1, §8.2.2).
public struct NegotiatedH264: Sendable, Hashable {
    /// 0: single NAL units only (every NAL must fit a packet); 1: FU-A and STAP-A allowed.
    public var packetizationMode: Int
    /// The profile we encode (ours) at the level we may send: the lower of ours and the
    /// peer's.
    public var profileLevelID: H264ProfileLevelID
    /// The peer's receive limits beyond its level, when it stated them.
    public var maxFS: Int?
    public var maxMBPS: Int?
    public var maxBR: Int?
    /// The peer's parameter sets (base64), for a decoder; empty when it sent none.
    public var remoteSpropParameterSets: [String]

    public init(packetizationMode: Int, profileLevelID: H264ProfileLevelID, maxFS: Int? = nil, maxMBPS: Int? = nil, maxBR: Int? = nil, remoteSpropParameterSets: [String] = []) {
        self.packetizationMode = packetizationMode
        self.profileLevelID = profileLevelID
        self.maxFS = maxFS
        self.maxMBPS = maxMBPS
        self.maxBR = maxBR
        self.remoteSpropParameterSets = remoteSpropParameterSets
    }
}
