import SDP
import Testing

/// What parses serializes to text that parses to the same description (RFC 8866 order, CRLF).
struct RoundTripTests {
    @Test(arguments: Fixture.names)
    func fixtureRoundTrips(_ name: String) throws {
        let parsed = try Fixture.description(name)
        let text = parsed.serialized()
        let again = try SessionDescription(parsing: text)
        #expect(again == parsed)
        #expect(again.serialized() == text)
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.replacingCRLF.contains("\r") && !text.replacingCRLF.contains("\n"))
    }

    /// The fixtures are already in RFC order, so their serialization is the file, line ends
    /// made CRLF.
    @Test(arguments: Fixture.names)
    func serializationReproducesTheFixture(_ name: String) throws {
        let original = try Fixture.text(name)
        // "\r\n" is one Character, so split on newlines of either kind.
        let lines = original.split(whereSeparator: \.isNewline).map(String.init)
        let expected = lines.map { $0 + "\r\n" }.joined()
        #expect(try Fixture.description(name).serialized() == expected)
    }

    @Test func linesComeOutInRFCOrder() throws {
        let scrambled = """
            v=0
            s=-
            a=session-attribute
            k=clear:secret
            y=unknown
            t=0 0
            i=information
            o=- 1 2 IN IP4 192.0.2.1
            z=0 -1h
            c=IN IP4 192.0.2.1
            b=AS:64
            u=http://example.com/
            m=audio 4000 RTP/AVP 0
            a=rtpmap:0 PCMU/8000
            k=prompt
            b=AS:80
            x=media unknown
            c=IN IP4 192.0.2.2
            i=media information
            c=IN IP4 192.0.2.3

            """
        let sdp = try SessionDescription(parsing: scrambled)
        #expect(sdp.serialized() == """
            v=0\r
            o=- 1 2 IN IP4 192.0.2.1\r
            s=-\r
            i=information\r
            u=http://example.com/\r
            c=IN IP4 192.0.2.1\r
            b=AS:64\r
            t=0 0\r
            z=0 -1h\r
            k=clear:secret\r
            y=unknown\r
            a=session-attribute\r
            m=audio 4000 RTP/AVP 0\r
            i=media information\r
            c=IN IP4 192.0.2.2\r
            c=IN IP4 192.0.2.3\r
            b=AS:80\r
            k=prompt\r
            x=media unknown\r
            a=rtpmap:0 PCMU/8000\r

            """)
        #expect(try SessionDescription(parsing: sdp.serialized()) == sdp)
    }

    @Test func builtDescriptionSerializes() throws {
        var audio = MediaDescription(media: "audio", port: 4000, proto: "RTP/AVP", formats: ["0", "101"])
        audio.attributes = [SDPAttribute("rtpmap", "101 telephone-event/8000"), SDPAttribute("fmtp", "101 0-15"), SDPAttribute("sendrecv")]
        let sdp = SessionDescription(
            origin: Origin(sessionID: 7, sessionVersion: 8, address: "2001:db8::1"),
            sessionName: "",
            connection: Connection(address: "2001:db8::1"),
            media: [audio]
        )
        let text = sdp.serialized()
        #expect(text == "v=0\r\no=- 7 8 IN IP6 2001:db8::1\r\ns= \r\nc=IN IP6 2001:db8::1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n")
        #expect(try SessionDescription(bytes: sdp.serializedBytes()) == sdp)
    }
}

extension String {
    var replacingCRLF: String { split(separator: "\r\n", omittingEmptySubsequences: false).joined(separator: "") }
}
