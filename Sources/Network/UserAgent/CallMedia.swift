import SDP
import SIP

/// The media a call offers and accepts: the SDP side of an INVITE session (RFC 3264 through
/// `SDPSessionState`), with the negotiated streams the media plane sets up.
public struct CallMediaSettings: Sendable {
    /// RTP port ranges (`[rtp] audio_rtp_port`, `video_rtp_port`); each call takes the next even port.
    public var audioPorts: ClosedRange<Int>
    public var videoPorts: ClosedRange<Int>?
    public var audioCodecs: [AudioCodec]
    public var ptime: Int
    public var srtp: SRTPPolicy
    /// Answer incoming calls with 183 and early media while ringing (`incoming_calls_early_media`).
    public var incomingEarlyMedia: Bool
    /// Our H.264: profile, packetization modes, direction (`[video] profile`, `display`).
    public var video: H264Capability
    /// `[video] automatically_initiate`: offer video in calls we place (and in re-offers).
    public var offerVideo: Bool
    /// `[video] automatically_accept`: accept video the peer offers.
    public var acceptVideo: Bool

    public init(audioPorts: ClosedRange<Int> = 7078...7078, videoPorts: ClosedRange<Int>? = nil, audioCodecs: [AudioCodec] = [.pcmu, .pcma],
                ptime: Int = 20, srtp: SRTPPolicy = .off, incomingEarlyMedia: Bool = false,
                video: H264Capability = H264Capability(), offerVideo: Bool = true, acceptVideo: Bool = true) {
        self.audioPorts = audioPorts
        self.videoPorts = videoPorts
        self.audioCodecs = audioCodecs
        self.ptime = ptime
        self.srtp = srtp
        self.incomingEarlyMedia = incomingEarlyMedia
        self.video = video
        self.offerVideo = offerVideo
        self.acceptVideo = acceptVideo
    }
}

public struct CallMedia: SessionNegotiator {
    var capabilities: MediaCapabilities
    var state: SDPSessionState
    /// The direction before a hold/resume offer, restored when the peer refuses it.
    var settledDirection: MediaDirection = .sendrecv
    /// Our last offer, until its answer comes.
    var pendingOffer: SessionDescription?
    /// What the last complete exchange settled; nil before the first.
    public private(set) var negotiated: NegotiatedSession?

    /// `[video] automatically_initiate` and `automatically_accept`.
    let offerVideo: Bool
    let acceptVideo: Bool

    /// - Parameter ports: the ports the media plane bound for this call (video nil: no video);
    ///   nil (signalling without a media plane, in tests) picks them from the settings' ranges.
    init(settings: CallMediaSettings, localAddress: String, ports: (audio: UInt16, video: UInt16?)? = nil, seed: UInt64) {
        let address = localAddress.hasPrefix("[") ? String(localAddress.dropFirst().dropLast()) : localAddress
        let audioPort = ports?.audio ?? Self.port(in: settings.audioPorts, seed: seed)
        let videoPort = ports.map(\.video) ?? settings.videoPorts.map { Self.port(in: $0, seed: seed >> 16) }
        capabilities = MediaCapabilities(localAddress: address, audioPort: audioPort, videoPort: videoPort,
                                         audioCodecs: settings.audioCodecs, ptime: settings.ptime, video: settings.video,
                                         srtp: settings.srtp)
        state = SDPSessionState(sessionID: seed >> 12)
        offerVideo = settings.offerVideo
        acceptVideo = settings.acceptVideo
    }

    /// An even port of `range` (RTCP takes the odd one above it).
    static func port(in range: ClosedRange<Int>, seed: UInt64) -> UInt16 {
        let evens = max(1, (range.upperBound - range.lowerBound) / 2 + 1)
        let port = range.lowerBound + Int(seed % UInt64(evens)) * 2
        return UInt16(clamping: min(port, range.upperBound))
    }

    /// Hold (RFC 3264 §8.4: sendonly) or resume (sendrecv) in our next offer.
    mutating func setHold(_ hold: Bool) {
        settledDirection = capabilities.direction
        capabilities.direction = hold ? .sendonly : .sendrecv
    }

    public mutating func makeOffer() -> [UInt8] {
        var keys = SystemRandomNumberGenerator()
        var offering = capabilities
        if !offerVideo { offering.videoPort = nil }
        let offer = state.makeOffer(offering, keys: &keys)
        pendingOffer = offer
        return offer.serializedBytes()
    }

    public mutating func answer(to offer: [UInt8]) -> Result<[UInt8], NegotiationFailure> {
        do {
            let description = try SessionDescription(bytes: offer)
            var keys = SystemRandomNumberGenerator()
            var answering = capabilities
            if !acceptVideo { answering.videoPort = nil }
            let (answer, session) = try state.makeAnswer(to: description, capabilities: answering, keys: &keys)
            negotiated = session
            return .success(answer.serializedBytes())
        } catch let error as SDPParseError {
            return .failure(NegotiationFailure("malformed SDP: \(error)"))
        } catch {
            return .failure(NegotiationFailure("\(error)"))
        }
    }

    public mutating func accept(answer: [UInt8]) -> Result<Void, NegotiationFailure> {
        guard let offer = pendingOffer ?? state.localDescription else { return .failure(NegotiationFailure("an answer without our offer")) }
        do {
            let description = try SessionDescription(bytes: answer)
            negotiated = try state.processAnswer(description, to: offer)
            pendingOffer = nil
            settledDirection = capabilities.direction
            return .success(())
        } catch let error as SDPParseError {
            return .failure(NegotiationFailure("malformed SDP in answer: \(error)"))
        } catch {
            return .failure(NegotiationFailure("\(error)"))
        }
    }

    public mutating func withdrawOffer() {
        pendingOffer = nil
        capabilities.direction = settledDirection
    }

    /// One line per stream for logs and `ctl status`.
    var summary: [String] {
        guard let negotiated else { return [] }
        return [("audio", negotiated.audio), ("video", negotiated.video)].compactMap { name, stream in
            guard let stream else { return nil }
            let srtp = stream.crypto.map { " SRTP \($0.suite)" } ?? ""
            return "\(name) \(stream.codec) pt \(stream.payloadType) → \(stream.remoteAddress):\(stream.remotePort) local \(stream.localPort) ptime \(stream.sendPtime) \(stream.direction.rawValue)\(srtp)"
        }
    }
}
