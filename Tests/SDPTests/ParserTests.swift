import SDP
import Testing

struct ParserTests {
    @Test(arguments: Fixture.names)
    func everyFixtureParses(_ name: String) throws {
        let description = try Fixture.description(name)
        #expect(description.version == 0)
        #expect(!description.media.isEmpty)
    }

    @Test func fieldsOfARichDescription() throws {
        let sdp = try Fixture.description("rfc8866-style-multicast.sdp")
        #expect(sdp.origin == Origin(username: "jdoe", sessionID: 3_724_394_400, sessionVersion: 3_724_394_405, addrType: "IP4", address: "198.51.100.1"))
        #expect(sdp.sessionName == "Call to John Smith")
        #expect(sdp.connection == Connection(addrType: "IP4", address: "233.252.0.1", ttl: 127))
        #expect(sdp.bandwidths == [Bandwidth(type: "CT", value: 128)])
        #expect(sdp.timing == [Timing(start: 3_724_394_400, stop: 3_724_398_000, repeats: ["7d 1h 0 25h"])])
        #expect(sdp.otherLines.map(\.type) == ["i", "u", "e", "p", "z", "k", "y"])
        #expect(sdp.direction == .recvonly)
        #expect(sdp.media.count == 3)
        let video = sdp.media[2]
        #expect(video.port == 51_372 && video.portCount == 2)
        #expect(video.connection == Connection(addrType: "IP6", address: "ff15::101", addressCount: 3))
        #expect(video.bandwidths == [.applicationSpecific(256)])
        #expect(video.attributes.last == SDPAttribute("x-unknown-attribute", "with:colons"))
        #expect(sdp.media[0].otherLines == [SDPLine(type: "i", value: "the main audio")])
        #expect(sdp.effectiveDirection(of: video) == .recvonly)
        #expect(sdp.effectiveConnection(of: sdp.media[0])?.address == "233.252.0.1")
    }

    @Test func largeSessionIDsFitUInt64() throws {
        let sdp = try Fixture.description("h264-level-asymmetry.sdp")
        #expect(sdp.origin.sessionID == 4_611_731_400_430_051_336)
    }

    /// Sloppy but harmless input that real peers send.
    static let lenient: [(name: String, text: String)] = [
        ("LF only", "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nm=audio 4000 RTP/AVP 0\n"),
        ("no final line end", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0"),
        ("trailing spaces and tabs", "v=0 \r\no=- 1 1 IN IP4 192.0.2.1\t\r\ns=- \r\nt=0 0  \r\nm=audio 4000 RTP/AVP 0 \r\n"),
        ("blank lines", "v=0\r\n\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n\r\n"),
        ("s= before o=", "v=0\r\ns=-\r\no=- 1 1 IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"),
        ("no t=", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\n"),
        ("empty s=", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"),
        ("double spaces in m=", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio  4000  RTP/AVP  0\r\n"),
    ]

    @Test(arguments: lenient)
    func sloppyInputIsAccepted(_ name: String, text: String) throws {
        let sdp = try SessionDescription(parsing: text)
        #expect(sdp.origin.address == "192.0.2.1")
        #expect(sdp.timing == [.unbounded])
        #expect(sdp.media.first?.formats == ["0"])
        #expect(sdp.media.first?.port == 4000)
    }

    static let head = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"

    /// Each malformed input with the exact line and reason it is rejected with.
    static let malformed: [(text: String, line: Int, reason: String)] = [
        ("", 0, "the description is empty"),
        ("\r\n\r\n", 0, "the description is empty"),
        ("o=- 1 1 IN IP4 192.0.2.1\r\nv=0\r\n", 1, "the description must start with v=, got \"o=- 1 1 IN IP4 192.0.2.1\""),
        ("v=1\r\n", 1, "unsupported SDP version \"1\" (only v=0 exists)"),
        ("V=0\r\n", 1, "the type must be one lowercase letter, got \"V\""),
        ("v=0\r\nhello\r\n", 2, "expected <type>=<value>, got \"hello\""),
        ("v=0\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", 4, "the session section has no o= line"),
        ("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nt=0 0\r\n", 4, "the session section has no s= line"),
        (head + "o=- 1 1 IN IP4 192.0.2.1\r\n", 4, "duplicate o= line"),
        (head + "s=again\r\n", 4, "duplicate s= line"),
        (head + "v=0\r\n", 4, "duplicate v= line"),
        ("v=0\r\no=- 1 IN IP4 192.0.2.1\r\n", 2, "o= must have 6 fields (username sess-id sess-version nettype addrtype address), got 5"),
        ("v=0\r\no=- abc 1 IN IP4 192.0.2.1\r\n", 2, "o= session id \"abc\" is not a number below 2^64"),
        ("v=0\r\no=- 1 18446744073709551616 IN IP4 192.0.2.1\r\n", 2, "o= session version \"18446744073709551616\" is not a number below 2^64"),
        (head + "c=IN IP4\r\n", 4, "c= must have 3 fields (nettype addrtype address), got 2"),
        (head + "c=IN IP4 233.252.0.1/300\r\n", 4, "c= TTL \"300\" is not a number in 0…255"),
        (head + "c=IN IP4 233.252.0.1/1/2/3\r\n", 4, "c= address \"233.252.0.1/1/2/3\" has too many / suffixes"),
        (head + "c=IN IP6 ff15::1/0\r\n", 4, "c= address count \"0\" is not a positive number"),
        (head + "b=AS\r\n", 4, "b= must be <type>:<number>, got \"AS\""),
        (head + "b=AS:lots\r\n", 4, "b= must be <type>:<number>, got \"AS:lots\""),
        (head + "t=0\r\n", 4, "t= must be two decimal times \"<start> <stop>\", got \"0\""),
        (head + "r=7d 1h 0 25h\r\n", 4, "r= must follow a t= line"),
        (head + "t=0 0\r\nm=audio abc RTP/AVP 0\r\n", 5, "m= port \"abc\" is not a number"),
        ("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nm=audio abc RTP/AVP 0\r\n", 4, "m= port \"abc\" is not a number"),
        (head + "m=audio 70000 RTP/AVP 0\r\n", 4, "m= port 70000 is out of range 0…65535"),
        (head + "m=audio -1 RTP/AVP 0\r\n", 4, "m= port \"-1\" is not a number"),
        (head + "m=audio 4000/0 RTP/AVP 0\r\n", 4, "m= port count \"0\" is not a positive number"),
        (head + "m=audio 4000\r\n", 4, "m= must have media, port, transport and formats, got \"audio 4000\""),
        (head + "m=audio 4000 RTP/AVP 0\r\nt=0 0\r\n", 5, "t= is only allowed before the first m= line"),
        (head + "m=audio 4000 RTP/AVP 0\r\no=- 1 1 IN IP4 192.0.2.1\r\n", 5, "o= is only allowed before the first m= line"),
        (head + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 192.0.2.1 extra\r\n", 5, "c= must have 3 fields (nettype addrtype address), got 4"),
        (head + "a=:value\r\n", 4, "a= attribute name \"\" is empty or contains a space"),
        (head + "a=bad name:x\r\n", 4, "a= attribute name \"bad name\" is empty or contains a space"),
        (head + "a=x\ry\r\n", 4, "stray CR inside the line"),
        (head + "a=x\u{0}y\r\n", 4, "NUL byte inside the line"),
    ]

    @Test(arguments: malformed)
    func malformedInputIsRejected(_ text: String, line: Int, reason: String) {
        let error = #expect(throws: SDPParseError.self) { try SessionDescription(parsing: text) }
        #expect(error?.line == line)
        #expect(error?.reason == reason)
    }

    @Test func errorDescriptionNamesTheLine() {
        let error = SDPParseError(line: 4, "m= port \"abc\" is not a number")
        #expect(error.description == "line 4: m= port \"abc\" is not a number")
        #expect(SDPParseError(line: 0, "too big").description == "too big")
    }

    @Test func limitsBoundLinesMediaAndSize() {
        let many = Self.head + String(repeating: "a=x\r\n", count: 1022)
        let tooManyLines = #expect(throws: SDPParseError.self) { try SessionDescription(parsing: many) }
        #expect(tooManyLines == SDPParseError(line: 1025, "more than 1024 lines"))
        #expect(throws: Never.self) { try SessionDescription(parsing: Self.head + String(repeating: "a=x\r\n", count: 1021)) }

        let media = Self.head + "t=0 0\r\n" + String(repeating: "m=audio 4000 RTP/AVP 0\r\n", count: 17)
        let tooManyMedia = #expect(throws: SDPParseError.self) { try SessionDescription(parsing: media) }
        #expect(tooManyMedia == SDPParseError(line: 21, "more than 16 m= lines"))

        let huge = Self.head + "i=" + String(repeating: "x", count: 65_536) + "\r\n"
        let tooBig = #expect(throws: SDPParseError.self) { try SessionDescription(parsing: huge) }
        #expect(tooBig?.line == 0)
        #expect(tooBig?.reason == "the description is \(huge.utf8.count) bytes, more than the limit of 65536")

        let tight = SDPParserLimits(maxBytes: 100, maxLines: 4, maxMedia: 1)
        #expect(throws: SDPParseError(line: 5, "more than 4 lines")) {
            try SessionDescription(parsing: Self.head + "t=0 0\r\nm=audio 1 RTP/AVP 0\r\n", limits: tight)
        }
    }
}
