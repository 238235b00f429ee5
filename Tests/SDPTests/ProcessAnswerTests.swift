import SDP
import Testing

/// Reading answers to our offer (RFC 3264 §6 from the offerer's side).
struct ProcessAnswerTests {
    struct Peer: Sendable, CustomTestStringConvertible {
        var name: String
        var capabilities: MediaCapabilities
        var testDescription: String { name }
    }

    static func peer(_ name: String, _ change: (inout MediaCapabilities) -> Void) -> Peer {
        var capabilities = MediaCapabilities(localAddress: "198.51.100.50", audioPort: 6000, videoPort: 6002, srtp: .optional)
        capabilities.video.direction = .sendrecv
        change(&capabilities)
        return Peer(name: name, capabilities: capabilities)
    }

    static let peers: [Peer] = [
        peer("like us") { _ in },
        peer("PCMA only, no DTMF, ptime 30, no rtcp-mux, no video") {
            $0.audioCodecs = [.pcma]
            $0.telephoneEvent = false
            $0.ptime = 30
            $0.rtcpMux = false
            $0.videoPort = nil
        },
        peer("holds us") { $0.direction = .sendonly },
        peer("H.264 mode 0 only, DTMF at 96") {
            $0.video.packetizationModes = [0]
            $0.telephoneEventPayloadType = 96
        },
        peer("SRTP mandatory, AES_CM_128_HMAC_SHA1_32 only") {
            $0.srtp = .mandatory
            $0.cryptoSuites = [.aesCM128HMACSHA1_32]
        },
    ]

    /// The door offers, the peer (our own engine with other capabilities) answers, the door
    /// reads the answer: both sides must agree, mirror-wise.
    @Test(arguments: peers, [SRTPPolicy.optional, .mandatory])
    func bothSidesAgree(_ peer: Peer, doorPolicy: SRTPPolicy) throws {
        var door = SDPSessionState(sessionID: 1)
        var them = SDPSessionState(sessionID: 2)
        var keys = SeededGenerator()
        let offer = door.makeOffer(doorCapabilities(srtp: doorPolicy), keys: &keys)
        let (answer, theirs) = try them.makeAnswer(to: SessionDescription(parsing: offer.serialized()), capabilities: peer.capabilities, keys: &keys)
        let ours = try door.processAnswer(SessionDescription(parsing: answer.serialized()), to: offer)

        let mine = try #require(ours.audio)
        let their = try #require(theirs.audio)
        #expect(mine.remoteAddress == "198.51.100.50" && mine.remotePort == 6000)
        #expect(their.remoteAddress == "192.0.2.10" && their.remotePort == 40_000)
        #expect(mine.codec == their.codec)
        #expect(mine.payloadType == their.payloadType)
        #expect(mine.telephoneEventPayloadType == (peer.capabilities.telephoneEvent ? 101 : nil))
        #expect(mine.sendPtime == peer.capabilities.ptime)
        #expect(their.sendPtime == 20)
        #expect(mine.direction == their.direction.reversed)
        #expect(mine.rtcpMux == their.rtcpMux)
        #expect(mine.rtcpMux == peer.capabilities.rtcpMux)
        #expect(mine.crypto?.localKeyMaterial == their.crypto?.remoteKeyMaterial)
        #expect(mine.crypto?.remoteKeyMaterial == their.crypto?.localKeyMaterial)
        #expect(mine.crypto?.suite == their.crypto?.suite)
        if peer.capabilities.srtp == .mandatory || doorPolicy == .mandatory {
            #expect(mine.crypto != nil)
        }
        #expect(ours.isHeldByPeer == (peer.capabilities.direction == .sendonly))
        #expect(ours.video?.h264?.packetizationMode == theirs.video?.h264?.packetizationMode)
        #expect(ours.video?.payloadType == theirs.video?.payloadType)
        #expect((ours.video == nil) == (peer.capabilities.videoPort == nil))
        let parsedAnswer = try SessionDescription(parsing: answer.serialized())
        #expect(door.remoteDescription == parsedAnswer)
    }

    static let head = "v=0\r\no=peer 1 1 IN IP4 198.51.100.50\r\ns=-\r\nc=IN IP4 198.51.100.50\r\nt=0 0\r\n"
    static let key30 = "47rfwx9DFAkIewg/Ytvtu+kIfkW1lULLbV1QG3/y"
    static let key28 = "+QDNueUbp3LD0ldrCabUHVdf01tZHq3m1PeWQw=="

    static func offer(_ policy: SRTPPolicy = .optional) -> SessionDescription {
        var door = SDPSessionState(sessionID: 1)
        var keys = SeededGenerator()
        return door.makeOffer(doorCapabilities(srtp: policy), keys: &keys)
    }

    static let invalid: [(answer: String, reason: String)] = [
        (head + "m=audio 6000 RTP/AVP 0\r\n", "the answer has 1 m= lines for the 2 of the offer"),
        (head + "m=audio 6000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\nm=video 0 RTP/AVP 96\r\n", "answer m=audio has none of the offered codecs (answered: G729)"),
        (head + "m=audio 6000 RTP/AVP 0\r\na=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:\(key30)\r\nm=video 0 RTP/AVP 96\r\n", "answer m=audio a=crypto tag 9 was not offered"),
        (head + "m=audio 6000 RTP/AVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:\(key30)\r\nm=video 0 RTP/AVP 96\r\n",
         "answer m=audio a=crypto tag 1 has suite AES_CM_128_HMAC_SHA1_32, the offer's has AES_CM_128_HMAC_SHA1_80"),
        (head + "m=audio 6000 RTP/AVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(key28)\r\nm=video 0 RTP/AVP 96\r\n", "answer m=audio a=crypto tag 1 has no usable key"),
        (head + "m=audio 6000 RTP/SAVP 0\r\nm=video 0 RTP/AVP 96\r\n", "answer m=audio is RTP/SAVP but has no usable a=crypto"),
        (head + "m=audio 0 RTP/AVP 0\r\nm=video 6002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n", "the answer accepts no audio stream"),
        (head + "m=video 6000 RTP/AVP 96\r\nm=audio 6002 RTP/AVP 0\r\n", "answer m= line 1 is video but the offer's is audio"),
        ("v=0\r\no=peer 1 1 IN IP4 198.51.100.50\r\ns=-\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\nm=video 0 RTP/AVP 96\r\n", "answer m=audio has no connection address (c=)"),
    ]

    @Test(arguments: invalid)
    func invalidAnswerIsRefused(_ text: String, reason: String) throws {
        var door = SDPSessionState(sessionID: 1)
        let answer = try SessionDescription(parsing: text)
        let error = #expect(throws: SDPNegotiationError.self) { try door.processAnswer(answer, to: Self.offer()) }
        #expect(error?.reason == reason)
        #expect(door.remoteDescription == nil)
    }

    @Test func plainAnswerToSAVPOfferIsRefused() throws {
        var door = SDPSessionState(sessionID: 1)
        let answer = try SessionDescription(parsing: Self.head + "m=audio 6000 RTP/AVP 0\r\nm=video 0 RTP/AVP 96\r\n")
        #expect(throws: SDPNegotiationError("answer m=audio is RTP/AVP but has no usable a=crypto")) {
            try door.processAnswer(answer, to: Self.offer(.mandatory))
        }
    }

    /// Leniency: renumbered telephone-event, extra codecs, AVP answer without crypto to a
    /// best-effort offer, direction, hold address.
    @Test func realWorldAnswersAreAccepted() throws {
        var door = SDPSessionState(sessionID: 1)
        let offer = Self.offer()
        let answer = try SessionDescription(parsing: Self.head + """
            m=audio 6000 RTP/AVP 18 8 96\r
            a=rtpmap:18 G729/8000\r
            a=rtpmap:96 telephone-event/8000\r
            a=fmtp:96 0-15\r
            a=ptime:30\r
            a=recvonly\r
            m=video 6002 RTP/AVP 97\r
            a=rtpmap:97 H264/90000\r
            a=fmtp:97 profile-level-id=42801e;packetization-mode=0\r
            a=rtcp-fb:97 nack pli\r
            a=rtcp:6010\r

            """)
        let session = try door.processAnswer(answer, to: offer)
        let audio = try #require(session.audio)
        #expect(audio.payloadType == 8 && audio.audioCodec == .pcma)
        #expect(audio.telephoneEventPayloadType == 96)
        #expect(audio.sendPtime == 30)
        #expect(audio.direction == .sendonly)
        #expect(audio.crypto == nil)
        #expect(!audio.rtcpMux && audio.remoteRTCPPort == 6001)
        #expect(audio.receiveCodecs == [0: .pcmu, 8: .pcma, 101: .telephoneEvent])
        #expect(session.isOnHold && !session.isHeldByPeer)
        let video = try #require(session.video)
        #expect(video.payloadType == 97)
        #expect(video.h264 == NegotiatedH264(packetizationMode: 0, profileLevelID: H264ProfileLevelID(hex: "42e01e")!))
        #expect(video.feedback == FeedbackSupport(pli: true))
        #expect(video.remoteRTCPPort == 6010)
        #expect(video.direction == .sendonly)
    }

    @Test func videoWeCannotSendToIsDroppedNotFatal() throws {
        var door = SDPSessionState(sessionID: 1)
        let answer = try SessionDescription(parsing: Self.head + """
            m=audio 6000 RTP/AVP 0\r
            m=video 6002 RTP/AVP 96\r
            a=rtpmap:96 H264/90000\r
            a=fmtp:96 profile-level-id=6e101f;packetization-mode=1\r

            """)
        let session = try door.processAnswer(answer, to: Self.offer(.off))
        #expect(session.audio != nil)
        #expect(session.video == nil)
    }

    @Test func holdAddressInAnswerStopsSending() throws {
        var door = SDPSessionState(sessionID: 1)
        let answer = try SessionDescription(parsing: "v=0\r\no=peer 1 1 IN IP4 198.51.100.50\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\nm=video 0 RTP/AVP 96\r\n")
        let session = try door.processAnswer(answer, to: Self.offer(.off))
        #expect(session.audio?.canSend == false)
        #expect(session.audio?.canReceive == true)
        #expect(session.isHeldByPeer)
    }
}
