import SIP
import SIPMessage
import Testing

/// RFC 3261 §17.1.3 and §17.2.3 matching, with the RFC 2543 fallback (RFC 4475 §3.2.1).
@Suite struct TransactionKeyTests {
    /// An RFC 2543 request: no magic cookie in the branch (or no branch at all).
    static func old(_ method: SIPMethod = .invite, via: String = "SIP/2.0/UDP pc33.atlanta.com;branch=776asdhds",
                    to: String = Fixture.bob, callID: String = "a84b4c76e66710@pc33.atlanta.com", cseq: UInt32 = 314159,
                    from: String = Fixture.alice, uri: String = "biloxi.com") -> SIPRequest {
        var request = Fixture.request(method, to: to, callID: callID)
        request.headers.set(.via, via)
        request.headers.set(.cseq, "\(cseq) \(method.rawValue)")
        request.headers.set(.from, from)
        request.uri = SIPURI(user: "bob", host: uri)
        return request
    }

    static let serverCases: [(String, SIPRequest, SIPRequest, Bool)] = [
        ("retransmission", Fixture.request(), Fixture.request(), true),
        ("other branch", Fixture.request(), Fixture.request(branch: "z9hG4bK776asdhdt"), false),
        ("ACK matches its INVITE", Fixture.request(), Fixture.request(.ack), true),
        ("CANCEL is its own transaction", Fixture.request(), Fixture.request(.cancel), false),
        ("other method, same branch", Fixture.request(.bye), Fixture.request(.options), false),
        ("other sent-by host", Fixture.request(), Fixture.request(sentBy: "pc34.atlanta.com"), false),
        ("other sent-by port", Fixture.request(), Fixture.request(sentBy: "pc33.atlanta.com:5062"), false),
        ("sent-by host case", Fixture.request(), Fixture.request(sentBy: "PC33.Atlanta.COM"), true),
        ("cookie or not", Fixture.request(branch: "z9hG4bK1"), old(via: "SIP/2.0/UDP pc33.atlanta.com;branch=1"), false),
        ("2543 retransmission", old(), old(), true),
        ("2543 without branch", old(via: "SIP/2.0/UDP pc33.atlanta.com"), old(via: "SIP/2.0/UDP pc33.atlanta.com"), true),
        ("2543 ACK with the response's To tag", old(), old(.ack, to: Fixture.bob + ";tag=srv"), true),
        ("2543 CANCEL is its own transaction", old(), old(.cancel), false),
        ("2543 other Call-ID", old(), old(callID: "other@pc33"), false),
        ("2543 other CSeq number", old(), old(cseq: 314160), false),
        ("2543 other From tag", old(), old(from: "Alice <sip:alice@atlanta.com>;tag=2"), false),
        ("2543 other top Via", old(), old(via: "SIP/2.0/UDP pc34.atlanta.com;branch=776asdhds"), false),
        ("2543 other Request-URI", old(), old(uri: "chicago.com"), false),
        ("2543 BYE with other To tag", old(.bye, to: Fixture.bob + ";tag=1"), old(.bye, to: Fixture.bob + ";tag=2"), false),
        ("2543 BYE retransmission", old(.bye, to: Fixture.bob + ";tag=1"), old(.bye, to: Fixture.bob + ";tag=1"), true),
    ]

    @Test(arguments: serverCases)
    func serverMatching(name: String, first: SIPRequest, second: SIPRequest, same: Bool) throws {
        let a = try #require(TransactionKey(serverRequest: first))
        let b = try #require(TransactionKey(serverRequest: second))
        #expect((a == b) == same, "\(name): \(a) vs \(b)")
        #expect(a.side == .server)
        #expect(a.isRFC2543 == name.hasPrefix("2543"))
    }

    static let clientCases: [(String, SIPRequest, SIPResponse, Bool)] = [
        ("response to the request", Fixture.request(), Fixture.response(180), true),
        ("response to a CANCEL of it", Fixture.request(), Fixture.response(200, to: Fixture.request(.cancel)), false),
        ("other branch", Fixture.request(), Fixture.response(200, to: Fixture.request(branch: "z9hG4bKx")), false),
        ("sent-by is not compared", Fixture.request(), Fixture.response(200, to: Fixture.request(sentBy: "192.0.2.1")), true),
        ("CANCEL's own response", Fixture.request(.cancel), Fixture.response(200, to: Fixture.request(.cancel)), true),
        ("BYE response to OPTIONS", Fixture.request(.options), Fixture.response(200, to: Fixture.request(.bye)), false),
    ]

    @Test(arguments: clientCases)
    func clientMatching(name: String, request: SIPRequest, response: SIPResponse, same: Bool) throws {
        let a = try #require(TransactionKey(clientRequest: request))
        let b = try #require(TransactionKey(response: response))
        #expect((a == b) == same, "\(name)")
        #expect(a.side == .client)
    }

    @Test func clientAndServerKeysDiffer() {
        #expect(TransactionKey(clientRequest: Fixture.request()) != TransactionKey(serverRequest: Fixture.request()))
    }

    @Test func unkeyableMessages() {
        var noCSeq = Fixture.response(200)
        noCSeq.headers.remove(.cseq)
        #expect(TransactionKey(response: noCSeq) == nil)
        var noVia = Fixture.request()
        noVia.headers.remove(.via)
        #expect(TransactionKey(serverRequest: noVia) == nil)
        #expect(TransactionKey(clientRequest: Self.old(via: "SIP/2.0/UDP pc33.atlanta.com")) == nil)
    }

    /// §9.2: a CANCEL finds the INVITE it cancels.
    @Test(arguments: [(Fixture.request(), Fixture.request(.cancel)), (old(), old(.cancel))])
    func cancelFindsItsInvite(invite: SIPRequest, cancel: SIPRequest) {
        #expect(TransactionKey(inviteCancelledBy: cancel) == TransactionKey(serverRequest: invite))
        #expect(TransactionKey(inviteCancelledBy: invite) == nil)
    }
}
