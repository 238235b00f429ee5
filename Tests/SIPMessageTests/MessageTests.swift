import SIPMessage
import Testing

struct MessageTests {
    @Test(arguments: Fixture.names)
    func fixtureRoundTrips(_ name: String) throws {
        let bytes = try Fixture.bytes(name)
        let parsed = try SIPMessageParser().parse(bytes)
        #expect(parsed.discardedBytes == 0)
        let serialized = parsed.message.serialized()
        let again = try SIPMessageParser().parse(serialized).message
        #expect(again == parsed.message)
        #expect(again.serialized() == serialized)
    }

    @Test func listHeadersAreSplitAndCompactNamesExpanded() throws {
        let message = try SIPMessageParser().parse(Fixture.bytes("180-fritzbox-100rel.sip")).message
        #expect(message.headers.values(.recordRoute) == ["<sip:192.168.178.1;lr>", "<sip:10.0.0.1;lr;ftag=9b1>"])
        #expect(message.headers[.rseq] == "17")
        let info = try SIPMessageParser().parse(Fixture.bytes("info-dtmf-compact.sip")).message
        #expect(info.headers[.contentType] == "application/dtmf-relay")
        #expect(String(decoding: info.body, as: UTF8.self) == "Signal=5\r\nDuration=160\r\n")
        #expect(info.description.contains("\r\nCall-ID: vtQwP8lrZs\r\n"))
        let invite = try SIPMessageParser().parse(Fixture.bytes("invite-linphone.sip")).message
        #expect(invite.headers.values(.allow).count == 12)
        #expect(invite.headers.values(.supported) == ["replaces", "outbound", "gruu", "100rel"])
    }

    @Test func multipleChallengesStayWhole() throws {
        let message = try SIPMessageParser().parse(Fixture.bytes("407-asterisk.sip")).message
        let challenges = try message.headers.values(.proxyAuthenticate).map { try AuthenticationHeader($0) }
        #expect(challenges.map { $0["algorithm"] } == ["SHA-256", "MD5"])
        #expect(challenges[0]["nonce"] == "1732134567/6d0e8a1f0c4b")
    }

    @Test func builtRequestSerializes() throws {
        var headers = SIPHeaders()
        headers.append(.via, "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKx;rport")
        headers.append(.from, "<sip:door@127.0.0.1>;tag=1")
        headers.append(.to, "<sip:door@127.0.0.1>")
        headers.append(.callID, "c1")
        headers.append(.cseq, "1 REGISTER")
        headers.append(.maxForwards, "70")
        headers.prepend(.via, "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKtop")
        let request = SIPRequest(method: .register, uri: try SIPURI("sip:127.0.0.1"), headers: headers)
        let text = SIPMessage.request(request).description
        #expect(text.hasPrefix("REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKtop\r\nVia: SIP/2.0/UDP 127.0.0.1:5062"))
        #expect(text.hasSuffix("Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"))
        #expect(try SIPMessageParser().parse(text).serialized() == Array(text.utf8))
    }

    @Test func setReplacesEveryFieldWhereTheFirstWas() {
        var headers: SIPHeaders = [.via: "a", .contact: "<sip:x@h>", .via: "b"]
        headers.set(.via, "c")
        #expect(headers.all.map(\.value) == ["c", "<sip:x@h>"])
        headers.removeFirst(.via)
        #expect(headers.values(.via).isEmpty)
    }
}
