import SIP
import Testing

/// INFO bodies (RFC 6086 packages as practised): `application/dtmf-relay`, `application/dtmf` and
/// the RFC 5168 key-frame request.
@Suite struct InfoBodyTests {
    static let pictureFastUpdate = """
        <?xml version="1.0" encoding="utf-8" ?>
        <media_control>
          <vc_primitive>
            <to_encoder>
              <picture_fast_update/>
            </to_encoder>
          </vc_primitive>
        </media_control>
        """

    @Test(arguments: [
        ("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", InfoBody.dtmf(digit: "5", durationMilliseconds: 160)),
        ("application/dtmf-relay", "signal = 9\nduration = 80", .dtmf(digit: "9", durationMilliseconds: 80)),
        ("Application/DTMF-Relay; charset=utf-8", "Duration=200\r\nSignal=#", .dtmf(digit: "#", durationMilliseconds: 200)),
        ("application/dtmf-relay", "Signal=*", .dtmf(digit: "*", durationMilliseconds: 160)),
        ("application/dtmf-relay", "Signal=10", .dtmf(digit: "*", durationMilliseconds: 160)),
        ("application/dtmf-relay", "Signal=11\r\nDuration=5", .dtmf(digit: "#", durationMilliseconds: 10)),
        ("application/dtmf-relay", "Signal=a\r\nDuration=99999", .dtmf(digit: "A", durationMilliseconds: 10_000)),
        ("application/dtmf-relay", "Signal=1\r\nDuration=long", .dtmf(digit: "1", durationMilliseconds: 160)),
        ("application/dtmf-relay", "Signal=D\r\nVolume=10\r\nDuration=100", .dtmf(digit: "D", durationMilliseconds: 100)),
        ("application/dtmf", "7\r\n", .dtmf(digit: "7", durationMilliseconds: 160)),
        ("application/dtmf", "11", .dtmf(digit: "#", durationMilliseconds: 160)),
        ("application/media_control+xml", pictureFastUpdate, .pictureFastUpdate),
    ])
    func reads(contentType: String, body: String, expected: InfoBody) throws {
        #expect(try InfoBody(contentType: contentType, body: Array(body.utf8)) == expected)
    }

    @Test(arguments: [
        ("text/plain", "5", InfoBody.Problem.unsupportedType("text/plain")),
        ("", "5", .unsupportedType("(none)")),
        ("application/dtmf-relay", "Signal=X", .malformed("dtmf-relay Signal \"X\" is not a DTMF digit")),
        ("application/dtmf-relay", "Signal=12", .malformed("dtmf-relay Signal \"12\" is not a DTMF digit")),
        ("application/dtmf-relay", "Duration=100", .malformed("dtmf-relay body has no Signal line")),
        ("application/dtmf-relay", "", .malformed("dtmf-relay body has no Signal line")),
        ("application/dtmf", "55", .malformed("application/dtmf body \"55\" is not a DTMF digit")),
        ("application/media_control+xml", "<media_control/>", .malformed("media_control body without picture_fast_update")),
    ])
    func refuses(contentType: String, body: String, problem: InfoBody.Problem) {
        #expect(throws: problem) { try InfoBody(contentType: contentType, body: Array(body.utf8)) }
    }

    /// What we send reads back as the same body.
    @Test(arguments: "0123456789*#ABCD".map { InfoBody.dtmf(digit: $0, durationMilliseconds: 100) }
            + [.dtmf(digit: "5", durationMilliseconds: 10), .dtmf(digit: "#", durationMilliseconds: 10_000), .pictureFastUpdate])
    func roundTrip(body: InfoBody) throws {
        let (contentType, bytes) = body.encoded
        #expect(try InfoBody(contentType: contentType, body: bytes) == body)
    }

    @Test func encodedForms() {
        let (type, bytes) = InfoBody.dtmf(digit: "1", durationMilliseconds: 100).encoded
        #expect(type == "application/dtmf-relay")
        #expect(String(decoding: bytes, as: UTF8.self) == "Signal=1\r\nDuration=100\r\n")
        let (xmlType, xml) = InfoBody.pictureFastUpdate.encoded
        #expect(xmlType == "application/media_control+xml")
        #expect(String(decoding: xml, as: UTF8.self).contains("<to_encoder><picture_fast_update/></to_encoder>"))
    }
}
