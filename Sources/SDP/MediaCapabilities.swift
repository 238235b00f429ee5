/// What the door station can do and wants, as the offer/answer engine (`SDPSessionState`)
/// needs it: addresses, ports, codecs, DTMF, SRTP policy, video and direction.
public struct MediaCapabilities: Sendable, Hashable {
    /// Our media address, IPv4 or IPv6, written into `o=` and `c=`.
    public var localAddress: String
    /// The RTP port for audio (RTCP on the next port unless rtcp-mux is negotiated).
    public var audioPort: UInt16
    /// The RTP port for video; nil offers no video and rejects video in offers (port 0).
    public var videoPort: UInt16?
    /// Audio codecs in order of preference; must not be empty.
    public var audioCodecs: [AudioCodec]
    /// Offer and accept RFC 4733 telephone-event/8000 (DTMF as RTP events).
    public var telephoneEvent: Bool
    /// The payload type we offer telephone-event with (in answers the offer's number is kept).
    public var telephoneEventPayloadType: UInt8
    /// The packet duration we want to receive, in ms (`a=ptime`, RFC 8866 §6.4).
    public var ptime: Int
    public var video: H264Capability
    public var srtp: SRTPPolicy
    /// SDES suites in order of preference (RFC 4568); only suites with known key lengths count.
    public var cryptoSuites: [SRTPCryptoSuite]
    /// Offer `a=rtcp-mux`, and accept it when offered (RFC 5761 §5.1.1).
    public var rtcpMux: Bool
    /// Our direction for every stream: `sendrecv` normally, `sendonly` (or `inactive`) to hold
    /// the peer (RFC 3264 §8.4).
    public var direction: MediaDirection
    /// `s=` of our descriptions.
    public var sessionName: String

    public init(
        localAddress: String,
        audioPort: UInt16,
        videoPort: UInt16? = nil,
        audioCodecs: [AudioCodec] = [.pcmu, .pcma],
        telephoneEvent: Bool = true,
        telephoneEventPayloadType: UInt8 = 101,
        ptime: Int = 20,
        video: H264Capability = H264Capability(),
        srtp: SRTPPolicy = .off,
        cryptoSuites: [SRTPCryptoSuite] = [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32],
        rtcpMux: Bool = true,
        direction: MediaDirection = .sendrecv,
        sessionName: String = "doorstation"
    ) {
        self.localAddress = localAddress
        self.audioPort = audioPort
        self.videoPort = videoPort
        self.audioCodecs = audioCodecs
        self.telephoneEvent = telephoneEvent
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.ptime = ptime
        self.video = video
        self.srtp = srtp
        self.cryptoSuites = cryptoSuites
        self.rtcpMux = rtcpMux
        self.direction = direction
        self.sessionName = sessionName
    }

    /// Video is on: a port and at least one packetization mode.
    var hasVideo: Bool { videoPort != nil && !video.packetizationModes.isEmpty }

    /// The suites we can key (known key and salt lengths), in our order.
    var usableCryptoSuites: [SRTPCryptoSuite] { cryptoSuites.filter { $0.keyMaterialLength != nil } }
}

/// The audio codecs the door station's DSP chain encodes and decodes: G.711 (RFC 3551 §4.5.14).
public enum AudioCodec: String, Sendable, Hashable, CaseIterable {
    case pcmu
    case pcma

    /// `PCMU/8000`, `PCMA/8000`.
    public var rtpMap: RTPMap {
        switch self {
        case .pcmu: .pcmu
        case .pcma: .pcma
        }
    }

    /// The static payload type we offer it with: 0 or 8 (RFC 3551 §6).
    public var staticPayloadType: UInt8 {
        switch self {
        case .pcmu: 0
        case .pcma: 8
        }
    }

    /// The codec an rtpmap names, if it is one of ours.
    public init?(_ map: RTPMap) {
        guard let codec = AudioCodec.allCases.first(where: { $0.rtpMap.matches(map) }) else { return nil }
        self = codec
    }
}

/// Whether media must, may or must not be encrypted with SDES-SRTP (RFC 4568).
public enum SRTPPolicy: String, Sendable, Hashable, CaseIterable {
    /// Plain RTP/AVP; `a=crypto` in offers is ignored and RTP/SAVP streams are rejected.
    case off
    /// Best effort, as baresip's `srtp` and linphone's optional encryption: offer RTP/AVP with
    /// `a=crypto`; accept plain or encrypted offers, encrypting whenever the peer keys a stream.
    case optional
    /// Offer RTP/SAVP with `a=crypto`; refuse (488) offers whose audio has no usable `a=crypto`.
    case mandatory
}

/// Our H.264 video: what the encoder produces and what we offer (RFC 6184).
public struct H264Capability: Sendable, Hashable {
    /// Profile and the highest level the encoder produces; Constrained Baseline 3.1 by default.
    public var profileLevelID: H264ProfileLevelID
    /// Packetization modes we can send, in order of preference; each becomes one payload type in
    /// offers (RFC 6184 §5.4: 0 single NAL unit, 1 non-interleaved).
    public var packetizationModes: [Int]
    /// `max-fs` and `max-mbps` to advertise, when the encoder exceeds its level's limits.
    public var maxFS: Int?
    public var maxMBPS: Int?
    /// SPS and PPS in base64 to advertise, when known before the call.
    public var spropParameterSets: [String]
    /// The feedback we act on (we send video, so we honour NACK, PLI and FIR).
    public var feedback: FeedbackSupport
    /// The video direction before `MediaCapabilities.direction` is applied. A door station
    /// without a display only sends video: `sendonly` by default, which also spares the
    /// apartment's upstream.
    public var direction: MediaDirection
    /// The first dynamic payload type of our offers (one per packetization mode).
    public var payloadType: UInt8

    public init(
        profileLevelID: H264ProfileLevelID = .constrainedBaseline31,
        packetizationModes: [Int] = [1, 0],
        maxFS: Int? = nil,
        maxMBPS: Int? = nil,
        spropParameterSets: [String] = [],
        feedback: FeedbackSupport = .all,
        direction: MediaDirection = .sendonly,
        payloadType: UInt8 = 96
    ) {
        self.profileLevelID = profileLevelID
        self.packetizationModes = packetizationModes
        self.maxFS = maxFS
        self.maxMBPS = maxMBPS
        self.spropParameterSets = spropParameterSets
        self.feedback = feedback
        self.direction = direction
        self.payloadType = payloadType
    }
}
