import SIPMessage
import Testing

/// RFC 4475 §3: every valid message parses; every invalid one is rejected with a reason that
/// names the fault (and, for requests, the status code a UAS answers with).
@Suite(.enabled(if: TortureCorpus.isPresent, "needs ../shared/testdata"))
struct TortureTests {
    static let valid = [
        "wsinv.dat", "intmeth.dat", "esc01.dat", "escnull.dat", "esc02.dat", "lwsdisp.dat", "longreq.dat",
        "dblreq.dat", "semiuri.dat", "transports.dat", "mpart01.dat", "unreason.dat", "noreason.dat",
        // §3.2–3.4: well-formed; what to do with them is the UA's business, not the parser's.
        "badbranch.dat", "unkscm.dat", "novelsc.dat", "unksm2.dat", "bext01.dat", "invut.dat", "regaut01.dat",
        "bcast.dat", "zeromf.dat", "cparam01.dat", "cparam02.dat", "regescrt.dat", "sdp01.dat", "inv2543.dat",
    ]

    @Test(arguments: valid)
    func validMessageParses(_ file: String) throws {
        let bytes = try TortureCorpus.rfc4475(file)
        let parsed = try SIPMessageParser().parse(bytes)
        // What parses serializes to bytes that parse to the same message.
        let again = try SIPMessageParser().parse(parsed.message.serialized())
        #expect(again.message.headers.values(.via) == parsed.message.headers.values(.via))
        #expect(again.message.body == parsed.message.body)
        #expect(again.message.serialized() == parsed.message.serialized())
    }

    static let invalid: [(file: String, status: Int, reason: String)] = [
        ("badinv01.dat", 400, "empty"),
        ("clerr.dat", 400, "Content-Length 9999 exceeds"),
        ("ncl.dat", 400, "non-negative"),
        ("scalar02.dat", 400, "exceeds"),
        ("scalarlg.dat", 400, "exceeds"),
        ("quotbal.dat", 400, "quote"),
        ("ltgtruri.dat", 400, "must not be enclosed in <>"),
        ("lwsruri.dat", 400, "Request-Line has 4 elements"),
        ("lwsstart.dat", 400, "single space"),
        ("trws.dat", 400, "single space"),
        ("escruri.dat", 400, "must not contain headers"),
        ("baddate.dat", 400, "GMT"),
        ("regbadct.dat", 400, "enclosed in <>"),
        ("badaspec.dat", 400, "invalid character in URI"),
        ("baddn.dat", 400, "must be quoted"),
        ("badvers.dat", 505, "SIP/7.0 is not supported"),
        ("mismatch01.dat", 400, "does not match the request method OPTIONS"),
        ("mismatch02.dat", 400, "does not match the request method NEWMETHOD"),
        ("bigcode.dat", 400, "three digits"),
        ("insuf.dat", 400, "missing required header"),
        ("multi01.dat", 400, "must appear once"),
        ("mcl01.dat", 400, "Content-Length"),
    ]

    @Test(arguments: invalid)
    func invalidMessageIsRejected(_ file: String, status: Int, reason: String) throws {
        let bytes = try TortureCorpus.rfc4475(file)
        let error = #expect(throws: SIPParseError.self) { try SIPMessageParser().parse(bytes) }
        #expect(error?.statusCode == status)
        #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
    }

    @Test func positionOfTheFaultIsReported() throws {
        let error = #expect(throws: SIPParseError.self) { try SIPMessageParser().parse(TortureCorpus.rfc4475("baddate.dat")) }
        #expect(error?.header == "Date")
        #expect(error?.line == 8)
    }

    @Test func escapedCharactersAndNullsSurvive() throws {
        guard case .request(let escaped) = try SIPMessageParser().parse(TortureCorpus.rfc4475("esc01.dat")).message else { Issue.record(); return }
        #expect(escaped.uri.unescapedUser == "sips:user@example.com")
        guard case .request(let nulls) = try SIPMessageParser().parse(TortureCorpus.rfc4475("escnull.dat")).message else { Issue.record(); return }
        let to = try NameAddress(nulls.headers[.to]!)
        #expect(to.uri.unescapedUser == "null-\u{0}-null")
    }

    @Test func percentInMethodIsAnUnknownMethod() throws {
        guard case .request(let request) = try SIPMessageParser().parse(TortureCorpus.rfc4475("esc02.dat")).message else { Issue.record(); return }
        #expect(request.method.rawValue == "RE%47IST%45R")
        #expect(request.method != .register)
    }

    @Test func trailingOctetsOfADatagramAreDiscarded() throws {
        let parsed = try SIPMessageParser().parse(TortureCorpus.rfc4475("dblreq.dat"))
        guard case .request(let request) = parsed.message else { Issue.record(); return }
        #expect(request.method == .register)
        #expect(request.body.isEmpty)
        #expect(parsed.discardedBytes > 100)
    }

    @Test func foldedAndCompactHeadersOfWsinv() throws {
        guard case .request(let request) = try SIPMessageParser().parse(TortureCorpus.rfc4475("wsinv.dat")).message else { Issue.record(); return }
        let vias = try request.headers.values(.via).map { try Via($0) }
        #expect(vias.map(\.transport) == ["UDP", "TCP", "UDP"])
        #expect(vias[1].branch == "z9hG4bK9ikj8")
        #expect(vias[2].branch == "z9hG4bK30239")
        let from = try NameAddress(request.headers[.from]!)
        #expect(from.displayName == "J Rosenberg \\\"")
        #expect(from.tag == "98asjd8")
        #expect(request.headers[SIPHeaderName("NewFangledHeader")] == "newfangled value continued newfangled value")
        let contact = try NameAddress(request.headers[.contact]!)
        #expect(contact.parameters.value("q") == "0.33")
        #expect(request.headers[.maxForwards] == "0068")
    }

    @Test func longValuesAndThirtyFourVias() throws {
        let request = try SIPMessageParser().parse(TortureCorpus.rfc4475("longreq.dat")).message
        #expect(request.headers.count(of: .via) == 34)
    }

    static let rfc5118: [(file: String, valid: Bool)] = [
        ("ipv6-good.dat", true), ("port-ambiguous.dat", true), ("port-unambiguous.dat", true),
        ("via-received-param-with-delim.dat", true), ("via-received-param-no-delim.dat", true),
        ("ipv6-in-sdp.dat", true), ("mult-ip-in-header.dat", true), ("mult-ip-in-sdp.dat", true),
        ("ipv4-mapped-ipv6.dat", true), ("ipv6-correct-abnf-2-colons.dat", true),
        // RFC 5118 §4.5 asks parsers to accept the three-colon form too.
        ("ipv6-bug-abnf-3-colons.dat", true),
        ("ipv6-bad.dat", false),
    ]

    @Test(arguments: rfc5118)
    func ipv6Messages(_ file: String, valid: Bool) throws {
        let bytes = try TortureCorpus.rfc5118(file)
        if valid {
            _ = try SIPMessageParser().parse(bytes)
        } else {
            #expect(throws: SIPParseError.self) { try SIPMessageParser().parse(bytes) }
        }
    }
}
