import SDP
import Testing

/// Answering real-device offers (fixtures) with the door station's capabilities: G.711,
/// telephone-event, H.264 Constrained Baseline 3.1 (modes 1, 0), best-effort SRTP, rtcp-mux.
struct AnswerTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var fixture: String
        /// Send payload type and codec, the answer's audio formats, telephone-event.
        var audio: (payloadType: UInt8, codec: String, formats: [String], telephoneEvent: UInt8?)
        var sendPtime = 20
        /// `suite/tag` of the chosen crypto line, or nil for plain RTP.
        var crypto: String?
        var direction: MediaDirection = .sendrecv
        var rtcpMux = false
        var remoteRTCPPort: UInt16
        var video: VideoExpectation?
        var testDescription: String { fixture }
    }

    struct VideoExpectation: Sendable {
        var payloadType: UInt8
        var mode: Int
        /// profile-level-id in our answer, and the one we encode with.
        var answered: String
        var sending: String
        var feedback: FeedbackSupport = .none
        var direction: MediaDirection = .sendonly
        var crypto: String?
    }

    static let expectations: [Expectation] = [
        Expectation(
            fixture: "baresip-h264-mode0.sdp", audio: (0, "PCMU", ["0", "8", "101"], 101), remoteRTCPPort: 10_239,
            video: VideoExpectation(payloadType: 96, mode: 0, answered: "42e01f", sending: "42e01f")
        ),
        Expectation(
            fixture: "baresip-srtp.sdp", audio: (0, "PCMU", ["0", "101"], 101), crypto: "AES_CM_128_HMAC_SHA1_80/1", remoteRTCPPort: 10_241,
            video: VideoExpectation(
                payloadType: 97, mode: 1, answered: "42e01f", sending: "42e01f", feedback: FeedbackSupport(pli: true, fir: true),
                crypto: "AES_CM_128_HMAC_SHA1_80/1"
            )
        ),
        Expectation(
            fixture: "baresip-srtp-mand.sdp", audio: (0, "PCMU", ["0", "101"], 101), crypto: "AES_CM_128_HMAC_SHA1_32/2", rtcpMux: true,
            remoteRTCPPort: 10_242
        ),
        Expectation(
            fixture: "linphone-h264-rtcp-mux.sdp", audio: (0, "PCMU", ["0", "8", "101"], 101), rtcpMux: true, remoteRTCPPort: 7078,
            video: VideoExpectation(payloadType: 97, mode: 0, answered: "42801f", sending: "42e01f", feedback: FeedbackSupport(pli: true, fir: true))
        ),
        Expectation(
            fixture: "linphone-avpf-srtp.sdp", audio: (0, "PCMU", ["0", "101"], 101), crypto: "AES_CM_128_HMAC_SHA1_80/1", remoteRTCPPort: 7079,
            video: VideoExpectation(
                payloadType: 97, mode: 1, answered: "42801f", sending: "42e01f", feedback: FeedbackSupport(pli: true, fir: true),
                crypto: "AES_CM_128_HMAC_SHA1_80/1"
            )
        ),
        Expectation(fixture: "asterisk-g711.sdp", audio: (0, "PCMU", ["0", "8", "101"], 101), remoteRTCPPort: 17_685),
        Expectation(
            fixture: "asterisk-hold-sendonly.sdp", audio: (0, "PCMU", ["0", "8", "101"], 101), sendPtime: 30, direction: .recvonly,
            remoteRTCPPort: 17_685
        ),
        Expectation(fixture: "hold-inactive.sdp", audio: (0, "PCMU", ["0", "101"], 101), direction: .inactive, remoteRTCPPort: 17_685),
        Expectation(fixture: "hold-c0.sdp", audio: (0, "PCMU", ["0", "101"], 101), direction: .recvonly, remoteRTCPPort: 19_543),
        Expectation(
            fixture: "freeswitch-savp.sdp", audio: (0, "PCMU", ["0", "8", "101"], 101), crypto: "AES_CM_128_HMAC_SHA1_80/4", remoteRTCPPort: 24_681
        ),
        Expectation(fixture: "fritzbox-g722.sdp", audio: (0, "PCMU", ["0", "8", "101"], 101), remoteRTCPPort: 7079),
        Expectation(
            fixture: "grandstream-gds-h264.sdp", audio: (0, "PCMU", ["0", "8", "101"], 101), remoteRTCPPort: 5005,
            video: VideoExpectation(payloadType: 99, mode: 1, answered: "4d001f", sending: "42e01f", feedback: FeedbackSupport(fir: true))
        ),
        Expectation(fixture: "odd-fmtp-pcmu.sdp", audio: (0, "PCMU", ["0", "101"], 101), sendPtime: 40, remoteRTCPPort: 30_001),
        Expectation(fixture: "h264-mode2-only.sdp", audio: (8, "PCMA", ["8"], nil), remoteRTCPPort: 31_001),
        Expectation(
            fixture: "h264-level-asymmetry.sdp", audio: (0, "PCMU", ["0"], nil), remoteRTCPPort: 32_001,
            video: VideoExpectation(payloadType: 102, mode: 1, answered: "42e01f", sending: "42e01f", feedback: FeedbackSupport(nack: true, pli: true))
        ),
        Expectation(
            fixture: "h264-low-level.sdp", audio: (0, "PCMU", ["0"], nil), remoteRTCPPort: 33_001,
            video: VideoExpectation(payloadType: 100, mode: 1, answered: "42e00d", sending: "42e00d")
        ),
        Expectation(
            fixture: "session-level-sendonly.sdp", audio: (0, "PCMU", ["0", "8"], nil), direction: .recvonly, remoteRTCPPort: 40_101,
            video: VideoExpectation(payloadType: 96, mode: 1, answered: "42000a", sending: "42e00a")
        ),
        Expectation(fixture: "port0-video.sdp", audio: (0, "PCMU", ["0", "101"], 101), remoteRTCPPort: 10_239),
        Expectation(fixture: "rfc8866-style-multicast.sdp", audio: (0, "PCMU", ["0"], nil), direction: .sendonly, remoteRTCPPort: 49_171),
    ]

    @Test(arguments: expectations)
    func fixtureIsAnsweredAsExpected(_ expected: Expectation) throws {
        let offer = try Fixture.description(expected.fixture)
        var state = SDPSessionState(sessionID: 1)
        var keys = SeededGenerator()
        let (answer, session) = try state.makeAnswer(to: offer, capabilities: doorCapabilities(), keys: &keys)

        // RFC 3264 §6: one answer m= line per offered one, same media and transport.
        #expect(answer.media.count == offer.media.count)
        #expect(answer.media.map(\.media) == offer.media.map(\.media))
        #expect(answer.media.map(\.proto) == offer.media.map(\.proto))

        let audio = try #require(session.audio)
        let audioLine = answer.media[audio.mediaIndex]
        #expect(audio.payloadType == expected.audio.payloadType)
        #expect(audio.codec.encoding == expected.audio.codec)
        #expect(audioLine.formats == expected.audio.formats)
        #expect(audio.telephoneEventPayloadType == expected.audio.telephoneEvent)
        #expect(audio.sendPtime == expected.sendPtime)
        #expect(audio.direction == expected.direction)
        #expect(audioLine.direction == expected.direction)
        #expect(audio.rtcpMux == expected.rtcpMux)
        #expect(audioLine.rtcpMux == expected.rtcpMux)
        #expect(audio.remoteRTCPPort == expected.remoteRTCPPort)
        #expect(audio.localPort == 40_000)
        try expectCrypto(audio, line: audioLine, offer: offer.media[audio.mediaIndex], expected: expected.crypto)

        if let video = expected.video {
            let stream = try #require(session.video)
            let line = answer.media[stream.mediaIndex]
            #expect(stream.payloadType == video.payloadType)
            #expect(line.formats == [String(video.payloadType)])
            let answered = line.h264Parameters(for: video.payloadType)
            #expect(answered.packetizationMode == video.mode)
            #expect(answered.profileLevelID.description == video.answered)
            #expect(stream.h264?.packetizationMode == video.mode)
            #expect(stream.h264?.profileLevelID.description == video.sending)
            #expect(stream.feedback == video.feedback)
            #expect(FeedbackSupport(line.rtcpFeedback(for: video.payloadType)) == video.feedback)
            #expect(stream.direction == video.direction)
            #expect(stream.localPort == 40_002)
            try expectCrypto(stream, line: line, offer: offer.media[stream.mediaIndex], expected: video.crypto)
        } else {
            #expect(session.video == nil)
            for (offered, answered) in zip(offer.media, answer.media) where offered.media == "video" {
                #expect(answered.port == 0)
                #expect(answered.formats == offered.formats)
            }
        }
        // Every stream we did not take is answered with port 0 (RFC 3264 §6).
        let taken = [session.audio?.mediaIndex, session.video?.mediaIndex].compactMap { $0 }
        for index in answer.media.indices where !taken.contains(index) {
            #expect(answer.media[index].port == 0)
        }
    }

    private func expectCrypto(_ stream: NegotiatedStream, line: MediaDescription, offer: MediaDescription, expected: String?) throws {
        guard let expected else {
            #expect(stream.crypto == nil)
            #expect(line.cryptos.isEmpty)
            return
        }
        let crypto = try #require(stream.crypto)
        #expect("\(crypto.suite)/\(crypto.tag)" == expected)
        #expect(line.cryptos.count == 1)
        #expect(line.cryptos.first?.tag == crypto.tag)
        #expect(line.cryptos.first?.suite == crypto.suite)
        #expect(line.cryptos.first?.keyMaterial == crypto.localKeyMaterial)
        #expect(crypto.localKeyMaterial.count == crypto.suite.keyMaterialLength)
        #expect(offer.cryptos.first { $0.tag == crypto.tag }?.keyMaterial == crypto.remoteKeyMaterial)
        #expect(crypto.localKeyMaterial != crypto.remoteKeyMaterial)
    }

    static let refused: [(fixture: String, reason: String)] = [
        ("opus-g722-only.sdp", "no common audio codec (offered: opus, G722)"),
        ("webrtc-dtls.sdp", "m=audio transport UDP/TLS/RTP/SAVPF is not supported"),
    ]

    @Test(arguments: refused)
    func offerWithoutUsableAudioIsRefused(_ fixture: String, reason: String) throws {
        let offer = try Fixture.description(fixture)
        var state = SDPSessionState(sessionID: 1)
        var keys = SeededGenerator()
        let error = #expect(throws: SDPNegotiationError.self) {
            try state.makeAnswer(to: offer, capabilities: doorCapabilities(), keys: &keys)
        }
        #expect(error?.reason == reason)
        #expect(error?.statusCode == 488)
        #expect(state.localDescription == nil)
    }

    static let head = "v=0\r\no=- 1 1 IN IP4 198.51.100.20\r\ns=-\r\nc=IN IP4 198.51.100.20\r\nt=0 0\r\n"

    @Test(arguments: [
        (head, "the offer has no m= lines"),
        (head + "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n", "the offer has no audio stream"),
        (head + "m=audio 0 RTP/AVP 0\r\nm=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n", "the offer has no audio stream"),
        (head + "m=audio 5000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n" + "m=image 5002 udptl t38\r\n", nil),
        ("v=0\r\no=- 1 1 IN IP4 198.51.100.20\r\ns=-\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n", "m=audio has no connection address (c=)"),
    ])
    func offersWithoutUsableAudio(_ text: String, reason: String?) throws {
        var state = SDPSessionState(sessionID: 1)
        var keys = SeededGenerator()
        let offer = try SessionDescription(parsing: text)
        if let reason {
            #expect(throws: SDPNegotiationError(reason)) { try state.makeAnswer(to: offer, capabilities: doorCapabilities(), keys: &keys) }
        } else {
            let (answer, session) = try state.makeAnswer(to: offer, capabilities: doorCapabilities(), keys: &keys)
            #expect(session.audio?.telephoneEventPayloadType == 101)
            #expect(answer.media[1] == MediaDescription(media: "image", port: 0, proto: "udptl", formats: ["t38"]))
        }
    }

    /// Some softphones offer SRTP "with fallback" as two audio streams, RTP/SAVP then RTP/AVP:
    /// we take the first one our policy accepts and disable the other.
    @Test(arguments: [(SRTPPolicy.off, [0, 40_000], false), (.optional, [40_000, 0], true), (.mandatory, [40_000, 0], true)])
    func srtpFallbackAsTwoAudioStreams(_ policy: SRTPPolicy, ports: [UInt16], encrypted: Bool) throws {
        let text = Self.head + """
            m=audio 5000 RTP/SAVP 0\r
            a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:47rfwx9DFAkIewg/Ytvtu+kIfkW1lULLbV1QG3/y\r
            m=audio 5002 RTP/AVP 0\r

            """
        var state = SDPSessionState(sessionID: 1)
        var keys = SeededGenerator()
        let (answer, session) = try state.makeAnswer(to: SessionDescription(parsing: text), capabilities: doorCapabilities(srtp: policy), keys: &keys)
        #expect(answer.media.map(\.port) == ports)
        #expect((session.audio?.crypto != nil) == encrypted)
        #expect(session.audio?.remotePort == (encrypted ? 5000 : 5002))
    }

    @Test func answerTextForAsterisk() throws {
        var state = SDPSessionState(sessionID: 1)
        var keys = SeededGenerator()
        let (answer, _) = try state.makeAnswer(to: Fixture.description("asterisk-g711.sdp"), capabilities: doorCapabilities(), keys: &keys)
        #expect(answer.serialized() == """
            v=0\r
            o=- 1 1 IN IP4 192.0.2.10\r
            s=doorstation\r
            c=IN IP4 192.0.2.10\r
            t=0 0\r
            m=audio 40000 RTP/AVP 0 8 101\r
            a=rtpmap:0 PCMU/8000\r
            a=rtpmap:8 PCMA/8000\r
            a=rtpmap:101 telephone-event/8000\r
            a=fmtp:101 0-15\r
            a=ptime:20\r
            a=sendrecv\r

            """)
    }

    @Test func answerTextForGrandstreamVideo() throws {
        var state = SDPSessionState(sessionID: 1)
        var keys = SeededGenerator()
        let (answer, session) = try state.makeAnswer(to: Fixture.description("grandstream-gds-h264.sdp"), capabilities: doorCapabilities(), keys: &keys)
        #expect(answer.serialized().hasSuffix("""
            m=video 40002 RTP/AVP 99\r
            a=rtpmap:99 H264/90000\r
            a=fmtp:99 profile-level-id=4d001f;packetization-mode=1\r
            a=rtcp-fb:99 ccm fir\r
            a=sendonly\r

            """))
        #expect(session.video?.h264?.remoteSpropParameterSets == ["Z00AKMDiAqSlwiZU7r/lKyzu", "aO48gA=="])
        #expect(session.video?.remoteAddress == "192.168.1.50")
        #expect(session.video?.remotePort == 5006)
    }

    @Test func oddFmtpNeverRemovesACodec() throws {
        let offer = try Fixture.description("odd-fmtp-pcmu.sdp")
        #expect(offer.media[0].formatParameters(for: 0)?["annexb"] == "no")
        var state = SDPSessionState(sessionID: 1)
        var keys = SeededGenerator()
        let (_, session) = try state.makeAnswer(to: offer, capabilities: doorCapabilities(), keys: &keys)
        #expect(session.audio?.audioCodec == .pcmu)
        #expect(session.audio?.receiveCodecs == [0: .pcmu, 101: .telephoneEvent])
    }

    @Test func secondAudioStreamIsRejected() throws {
        let offer = try Fixture.description("rfc8866-style-multicast.sdp")
        var state = SDPSessionState(sessionID: 1)
        var keys = SeededGenerator()
        let (answer, session) = try state.makeAnswer(to: offer, capabilities: doorCapabilities(), keys: &keys)
        #expect(answer.media.map(\.port) == [40_000, 0, 0])
        #expect(answer.media[2].formats == ["99"])
        #expect(session.audio?.remoteAddress == "233.252.0.1")
    }

    @Test func audioOnlyDoorRejectsVideo() throws {
        var state = SDPSessionState(sessionID: 1)
        var keys = SeededGenerator()
        let (answer, session) = try state.makeAnswer(to: Fixture.description("grandstream-gds-h264.sdp"), capabilities: doorCapabilities(video: false), keys: &keys)
        #expect(session.video == nil)
        #expect(answer.media[1] == MediaDescription(media: "video", port: 0, proto: "RTP/AVP", formats: ["99"]))
    }
}
