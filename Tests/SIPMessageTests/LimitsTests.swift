import Foundation
import SIPMessage
import Testing

/// Hostile input costs bounded memory and time and gives a precise error, never a crash.
struct LimitsTests {
    static let head = "OPTIONS sip:door@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:door@127.0.0.1>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n"

    static let hostile: [(name: String, text: String, kind: SIPParseError.Kind, reason: String)] = [
        ("many headers", head + String(repeating: "X-A: 1\r\n", count: 300) + "\r\n", .tooLarge, "more than 256 header fields"),
        ("long line", head + "X-Long: " + String(repeating: "a", count: 10_000) + "\r\n\r\n", .tooLarge, "longer than 8192"),
        ("huge body", head + "Content-Length: 2000000\r\n\r\n", .tooLarge, "exceeds the limit"),
        ("many Vias in one line", head + "Via: " + Array(repeating: "SIP/2.0/UDP h", count: 400).joined(separator: ",") + "\r\n\r\n", .tooLarge, "header fields"),
        ("binary garbage", "\u{1}\u{2}\u{3}\r\n\r\n", .malformed, "Request-Line"),
        ("only CRLF", "\r\n\r\n\r\n", .malformed, "empty message"),
        ("no colon", head + "Broken header\r\n\r\n", .malformed, "missing colon after the header name"),
        ("folded into the CSeq", head + " Via: x\r\n", .malformed, "CSeq: unexpected text after the method"),
        ("status 99", "SIP/2.0 099 Odd\r\n\r\n", .malformed, "three digits"),
        ("negative Max-Forwards", head + "Max-Forwards: -1\r\n\r\n", .malformed, "Max-Forwards"),
    ]

    @Test(arguments: hostile)
    func hostileInputIsRejected(_ name: String, text: String, kind: SIPParseError.Kind, reason: String) {
        let error = #expect(throws: SIPParseError.self) { try SIPMessageParser().parse(text) }
        #expect(error?.kind == kind)
        #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
    }

    @Test func everyPrefixOfAMessageFailsCleanlyOrParses() throws {
        // Truncation at every byte: an error or a message, never a trap.
        let bytes = try Fixture.bytes("invite-linphone.sip")
        var parsedCount = 0
        for end in 0...bytes.count {
            if (try? SIPMessageParser().parse(Array(bytes[..<end]))) != nil { parsedCount += 1 }
        }
        // Only cut-offs inside the SDP body parse (UDP: body is the rest); the full message does too.
        #expect(parsedCount >= 1)
        #expect(parsedCount < bytes.count / 2)
    }
}

/// A malformed request gets a response naming the fault when one can be addressed (RFC 3261 §8.2.2).
struct BadRequestResponseTests {
    @Test func malformedRequestGetsA400WithTheReason() throws {
        let text = LimitsTests.head + "Max-Forwards: 300\r\n\r\n"
        let error = #expect(throws: SIPParseError.self) { try SIPMessageParser().parse(text) }
        let response = try #require(SIPMessageParser().errorResponse(for: Array(text.utf8), error: error!))
        #expect(response.statusCode == 400)
        #expect(response.reason == "Bad Request (Max-Forwards exceeds 255)")
        #expect(response.headers[.warning] == "399 doorstation \"Max-Forwards exceeds 255\"")
        #expect(response.headers[.callID] == "x")
        // The response itself is well-formed.
        _ = try SIPMessageParser().parse(SIPMessage.response(response).serialized())
    }

    @Test func versionErrorGets505() throws {
        let text = LimitsTests.head.replacingOccurrences(of: "SIP/2.0\r\n", with: "SIP/3.0\r\n") + "\r\n"
        let error = #expect(throws: SIPParseError.self) { try SIPMessageParser().parse(text) }
        #expect(SIPMessageParser().errorResponse(for: Array(text.utf8), error: error!)?.statusCode == 505)
    }

    @Test(arguments: [
        "SIP/2.0 200 OK\r\nVia: x\r\n\r\n",                                  // responses are dropped
        "ACK sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nCSeq: x\r\n\r\n",      // ACK is never answered
        "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1\r\n\r\n",                      // nothing to address it with
    ])
    func noResponseWhenNoneCanBeBuilt(_ text: String) {
        #expect(SIPMessageParser().errorResponse(for: Array(text.utf8), error: SIPParseError(.malformed, "x")) == nil)
    }
}
