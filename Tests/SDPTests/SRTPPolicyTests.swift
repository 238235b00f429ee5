import SDP
import Testing

/// The SRTP policy matrix: our policy × how the peer offers (RFC 3264 with RFC 4568).
struct SRTPPolicyTests {
    enum OfferKind: String, CaseIterable, Sendable {
        case avp = "RTP/AVP"
        case avpCrypto = "RTP/AVP + a=crypto"
        case savp = "RTP/SAVP + a=crypto"
        case savpNoCrypto = "RTP/SAVP without a=crypto"
        case savpUnusable = "RTP/SAVP with only unknown suites"
    }

    enum Outcome: Equatable, Sendable {
        case plain
        case srtp(SRTPCryptoSuite)
        case refused(String)
    }

    /// The Asterisk fixture, re-dressed as each kind of offer.
    static func offer(_ kind: OfferKind) throws -> SessionDescription {
        var sdp = try Fixture.description("asterisk-g711.sdp")
        let crypto = [
            SDPAttribute("crypto", "1 AES_CM_128_HMAC_SHA1_80 inline:47rfwx9DFAkIewg/Ytvtu+kIfkW1lULLbV1QG3/y"),
            SDPAttribute("crypto", "2 AES_CM_128_HMAC_SHA1_32 inline:M1TDzjfzRk/4ZI2AKmy4hjSuW8QzEd+4LV+IIQli"),
        ]
        switch kind {
        case .avp: break
        case .avpCrypto: sdp.media[0].attributes += crypto
        case .savp:
            sdp.media[0].proto = "RTP/SAVP"
            sdp.media[0].attributes += crypto
        case .savpNoCrypto: sdp.media[0].proto = "RTP/SAVP"
        case .savpUnusable:
            sdp.media[0].proto = "RTP/SAVP"
            sdp.media[0].attributes.append(SDPAttribute("crypto", "1 AES_192_CM_HMAC_SHA1_80 inline:QyGtMZsM540mXgeXvRZdPqXxfacOIiIVREneMd5gghX5akQKDDq9QXL9fGid9g=="))
        }
        return sdp
    }

    static let matrix: [(policy: SRTPPolicy, offer: OfferKind, outcome: Outcome)] = [
        (.off, .avp, .plain),
        (.off, .avpCrypto, .plain),
        (.off, .savp, .refused("m=audio is RTP/SAVP but SRTP is off")),
        (.off, .savpNoCrypto, .refused("m=audio is RTP/SAVP but SRTP is off")),
        (.off, .savpUnusable, .refused("m=audio is RTP/SAVP but SRTP is off")),
        (.optional, .avp, .plain),
        (.optional, .avpCrypto, .srtp(.aesCM128HMACSHA1_80)),
        (.optional, .savp, .srtp(.aesCM128HMACSHA1_80)),
        (.optional, .savpNoCrypto, .refused("m=audio is RTP/SAVP but has no usable a=crypto")),
        (.optional, .savpUnusable, .refused("m=audio is RTP/SAVP but has no usable a=crypto (offered: AES_192_CM_HMAC_SHA1_80)")),
        (.mandatory, .avp, .refused("SRTP is mandatory but m=audio has no usable a=crypto")),
        (.mandatory, .avpCrypto, .srtp(.aesCM128HMACSHA1_80)),
        (.mandatory, .savp, .srtp(.aesCM128HMACSHA1_80)),
        (.mandatory, .savpNoCrypto, .refused("m=audio is RTP/SAVP but has no usable a=crypto")),
        (.mandatory, .savpUnusable, .refused("m=audio is RTP/SAVP but has no usable a=crypto (offered: AES_192_CM_HMAC_SHA1_80)")),
    ]

    @Test(arguments: matrix)
    func answererPolicy(_ policy: SRTPPolicy, offer kind: OfferKind, outcome: Outcome) throws {
        let offer = try Self.offer(kind)
        var state = SDPSessionState(sessionID: 9)
        var keys = SeededGenerator()
        do {
            let (answer, session) = try state.makeAnswer(to: offer, capabilities: doorCapabilities(srtp: policy), keys: &keys)
            let line = answer.media[0]
            #expect(line.proto == offer.media[0].proto, "the answer keeps the offered transport")
            if let crypto = session.audio?.crypto {
                #expect(outcome == .srtp(crypto.suite))
                #expect(line.cryptos.map(\.tag) == [crypto.tag])
            } else {
                #expect(outcome == .plain)
                #expect(line.cryptos.isEmpty)
            }
        } catch {
            #expect(outcome == .refused(error.reason))
        }
    }

    /// Our offers: `.off` plain AVP, `.optional` AVP with a=crypto, `.mandatory` SAVP.
    @Test(arguments: [(SRTPPolicy.off, "RTP/AVP", 0), (.optional, "RTP/AVP", 2), (.mandatory, "RTP/SAVP", 2)])
    func offererPolicy(_ policy: SRTPPolicy, proto: String, cryptoLines: Int) {
        var state = SDPSessionState(sessionID: 9)
        var keys = SeededGenerator()
        let offer = state.makeOffer(doorCapabilities(srtp: policy), keys: &keys)
        for media in offer.media {
            #expect(media.proto == proto)
            #expect(media.cryptos.count == cryptoLines)
            #expect(media.cryptos.map(\.suite) == Array([SRTPCryptoSuite.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32].prefix(cryptoLines)))
            #expect(media.cryptos.allSatisfy { $0.isUsable })
        }
        // Every crypto line has its own key.
        let keysInOffer = offer.media.flatMap(\.cryptos).compactMap(\.keyMaterial)
        #expect(Set(keysInOffer).count == keysInOffer.count)
    }

    /// The answerer picks the first offered suite it supports, not its own favourite.
    @Test func offerOrderDecidesTheSuite() throws {
        var state = SDPSessionState(sessionID: 9)
        var keys = SeededGenerator()
        var capabilities = doorCapabilities()
        capabilities.cryptoSuites = [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32, .aeadAES128GCM]
        let (_, session) = try state.makeAnswer(to: Fixture.description("baresip-srtp-mand.sdp"), capabilities: capabilities, keys: &keys)
        #expect(session.audio?.crypto?.suite == .aesCM128HMACSHA1_32)
        #expect(session.audio?.crypto?.tag == 2)
        capabilities.cryptoSuites = [.aeadAES256GCM]
        let (_, gcm) = try state.makeAnswer(to: Fixture.description("baresip-srtp-mand.sdp"), capabilities: capabilities, keys: &keys)
        #expect(gcm.audio?.crypto?.suite == .aeadAES256GCM)
        #expect(gcm.audio?.crypto?.localKeyMaterial.count == 44)
    }

    /// Video without usable SRTP under a mandatory policy is dropped; the call keeps audio.
    @Test func mandatoryPolicyDropsOnlyTheUnkeyedVideo() throws {
        var offer = try Fixture.description("baresip-srtp.sdp")
        offer.media[1].attributes.removeAll { $0.name == "crypto" }
        var state = SDPSessionState(sessionID: 9)
        var keys = SeededGenerator()
        let (answer, session) = try state.makeAnswer(to: offer, capabilities: doorCapabilities(srtp: .mandatory), keys: &keys)
        #expect(session.audio?.crypto != nil)
        #expect(session.video == nil)
        #expect(answer.media[1].port == 0)
    }
}
