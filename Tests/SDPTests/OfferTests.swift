import SDP
import Testing

/// Our offers (RFC 3264 §5) and the o= bookkeeping of re-offers and re-answers (§8).
struct OfferTests {
    @Test func defaultOfferText() {
        var state = SDPSessionState(sessionID: 42)
        var keys = SeededGenerator()
        let offer = state.makeOffer(doorCapabilities(srtp: .off), keys: &keys)
        let h264Lines = { (pt: Int, mode: Int) in
            """
            a=rtpmap:\(pt) H264/90000\r
            a=fmtp:\(pt) profile-level-id=42e01f;packetization-mode=\(mode);level-asymmetry-allowed=1\r
            a=rtcp-fb:\(pt) nack\r
            a=rtcp-fb:\(pt) nack pli\r
            a=rtcp-fb:\(pt) ccm fir\r

            """
        }
        #expect(offer.serialized() == """
            v=0\r
            o=- 42 42 IN IP4 192.0.2.10\r
            s=doorstation\r
            c=IN IP4 192.0.2.10\r
            t=0 0\r
            m=audio 40000 RTP/AVP 0 8 101\r
            a=rtpmap:0 PCMU/8000\r
            a=rtpmap:8 PCMA/8000\r
            a=rtpmap:101 telephone-event/8000\r
            a=fmtp:101 0-15\r
            a=ptime:20\r
            a=rtcp-mux\r
            a=sendrecv\r
            m=video 40002 RTP/AVP 96 97\r

            """ + h264Lines(96, 1) + h264Lines(97, 0) + "a=rtcp-mux\r\na=sendonly\r\n")
    }

    @Test func offerFollowsTheCapabilities() {
        var capabilities = MediaCapabilities(
            localAddress: "2001:db8::10", audioPort: 5004, audioCodecs: [.pcma], telephoneEvent: false, ptime: 30, rtcpMux: false
        )
        capabilities.sessionName = "door"
        var state = SDPSessionState(sessionID: 7, sessionVersion: 100, username: "door")
        var keys = SeededGenerator()
        let offer = state.makeOffer(capabilities, keys: &keys)
        #expect(offer.serialized() == "v=0\r\no=door 7 100 IN IP6 2001:db8::10\r\ns=door\r\nc=IN IP6 2001:db8::10\r\nt=0 0\r\nm=audio 5004 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=ptime:30\r\na=sendrecv\r\n")
    }

    enum Step: Sendable {
        case offer(MediaDirection)
        case answer(String)
    }

    /// RFC 3264 §8: the version goes up by one exactly when what we send changes.
    static let versionSequences: [(name: String, steps: [Step], versions: [UInt64])] = [
        ("offer, refresh, hold, hold again, resume", [.offer(.sendrecv), .offer(.sendrecv), .offer(.sendonly), .offer(.sendonly), .offer(.sendrecv)], [5, 5, 6, 6, 7]),
        ("answer, same offer again, hold, resume",
         [.answer("asterisk-g711.sdp"), .answer("asterisk-g711.sdp"), .answer("asterisk-hold-sendonly.sdp"), .answer("asterisk-g711.sdp")], [5, 5, 6, 7]),
        ("answer with SRTP, re-answer keeps our key", [.answer("freeswitch-savp.sdp"), .answer("freeswitch-savp.sdp")], [5, 5]),
        ("answer, then our own hold offer", [.answer("asterisk-g711.sdp"), .offer(.sendonly), .offer(.sendonly)], [5, 6, 6]),
    ]

    @Test(arguments: versionSequences)
    func versionIncrementsOnlyOnChange(_ name: String, steps: [Step], versions: [UInt64]) throws {
        var state = SDPSessionState(sessionID: 5)
        var keys = SeededGenerator()
        var seen: [UInt64] = []
        var origins: Set<String> = []
        for step in steps {
            let sent: SessionDescription
            switch step {
            case .offer(let direction):
                var capabilities = doorCapabilities()
                capabilities.direction = direction
                sent = state.makeOffer(capabilities, keys: &keys)
            case .answer(let fixture):
                sent = try state.makeAnswer(to: Fixture.description(fixture), capabilities: doorCapabilities(), keys: &keys).answer
            }
            seen.append(sent.origin.sessionVersion)
            #expect(state.sessionVersion == sent.origin.sessionVersion)
            #expect(state.localDescription == sent)
            origins.insert("\(sent.origin.username) \(sent.origin.sessionID) \(sent.origin.address)")
        }
        #expect(seen == versions)
        #expect(origins.count == 1, "username, session id and address never change within a dialog")
    }

    @Test func reOfferKeepsSRTPKeysAndFreshDialogDrawsNew() {
        var state = SDPSessionState(sessionID: 5)
        var keys = SeededGenerator()
        let first = state.makeOffer(doorCapabilities(srtp: .mandatory), keys: &keys)
        let second = state.makeOffer(doorCapabilities(srtp: .mandatory), keys: &keys)
        #expect(first == second)
        var other = SDPSessionState(sessionID: 5)
        let elsewhere = other.makeOffer(doorCapabilities(srtp: .mandatory), keys: &keys)
        #expect(elsewhere.media[0].cryptos.first?.keyMaterial != first.media[0].cryptos.first?.keyMaterial)
    }

    /// RFC 3264 §8: a re-offer keeps every m= line where it was; streams are only disabled.
    @Test func reOfferKeepsTheMediaLayout() throws {
        var state = SDPSessionState(sessionID: 5)
        var keys = SeededGenerator()
        // We answered audio, audio (rejected), video H.263 (rejected).
        _ = try state.makeAnswer(to: Fixture.description("rfc8866-style-multicast.sdp"), capabilities: doorCapabilities(), keys: &keys)
        let reOffer = state.makeOffer(doorCapabilities(), keys: &keys)
        #expect(reOffer.media.map(\.media) == ["audio", "audio", "video"])
        #expect(reOffer.media.map(\.port) == [40_000, 0, 40_002])
        #expect(reOffer.media[1].formats == ["0"])
        // Without video the video slot stays, disabled.
        let audioOnly = state.makeOffer(doorCapabilities(video: false), keys: &keys)
        #expect(audioOnly.media.map(\.port) == [40_000, 0, 0])
        #expect(audioOnly.media[2].formats == ["96", "97"])
    }

    /// A re-offer after answering RTP/SAVPF keeps that transport rather than falling back to AVP.
    @Test func reOfferKeepsTheNegotiatedTransport() throws {
        var state = SDPSessionState(sessionID: 5)
        var keys = SeededGenerator()
        let (_, answered) = try state.makeAnswer(to: Fixture.description("linphone-avpf-srtp.sdp"), capabilities: doorCapabilities(), keys: &keys)
        let reOffer = state.makeOffer(doorCapabilities(), keys: &keys)
        #expect(reOffer.media.map(\.proto) == ["RTP/SAVPF", "RTP/SAVPF"])
        #expect(reOffer.media.allSatisfy { $0.cryptos.count == 2 })
        // Our key for the suite we answered with stays; the other suite gets a fresh one.
        let answeredKey = try #require(answered.audio?.crypto?.localKeyMaterial)
        #expect(reOffer.media[0].cryptos.first { $0.suite == .aesCM128HMACSHA1_80 }?.keyMaterial == answeredKey)
        #expect(reOffer.media[0].cryptos.first { $0.suite == .aesCM128HMACSHA1_32 }?.keyMaterial != answeredKey)
    }

    @Test func unchangedRemoteDescriptionIsRecognized() throws {
        var state = SDPSessionState(sessionID: 5)
        var keys = SeededGenerator()
        let offer = try Fixture.description("asterisk-g711.sdp")
        #expect(!state.isUnchangedRemote(offer))
        _ = try state.makeAnswer(to: offer, capabilities: doorCapabilities(), keys: &keys)
        #expect(state.isUnchangedRemote(offer))
        #expect(try !state.isUnchangedRemote(Fixture.description("asterisk-hold-sendonly.sdp")))
    }
}
