import SDP
import Testing

/// H.264 payload format parameters and profile/level rules (RFC 6184 §8.1, §8.2.2).
struct H264Tests {
    static let profileLevelIDs: [(hex: String, profile: H264Profile?, level: String)] = [
        ("42e01f", .constrainedBaseline, "3.1"),
        ("42E01F", .constrainedBaseline, "3.1"),
        ("42c01e", .constrainedBaseline, "3"),
        ("42801f", .baseline, "3.1"),
        ("42000a", .baseline, "1"),
        ("42f00b", .constrainedBaseline, "1b"),
        ("42e00b", .constrainedBaseline, "1.1"),
        ("4d401f", .main, "3.1"),
        ("4d0028", .main, "4"),
        ("4d801f", .constrainedBaseline, "3.1"),
        ("4d201f", nil, "3.1"),
        ("58a01e", .baseline, "3"),
        ("58e01e", .constrainedBaseline, "3"),
        ("58001e", .extended, "3"),
        ("640c1f", .high, "3.1"),
        ("640009", .high, "1b"),
        ("64001f", .high, "3.1"),
        ("6e001f", .high10, "3.1"),
        ("6e101f", .high10Intra, "3.1"),
        ("f4001f", .high444, "3.1"),
        ("2c101f", .cavlc444Intra, "3.1"),
        ("53001f", nil, "3.1"),
    ]

    @Test(arguments: profileLevelIDs)
    func profileAndLevelAreRead(_ hex: String, profile: H264Profile?, level: String) throws {
        let id = try #require(H264ProfileLevelID(hex: hex))
        #expect(id.profile == profile)
        #expect(id.level.description == level)
        #expect(id.description == hex.lowercased())
    }

    @Test(arguments: ["", "42e01", "42e01f0", "42g01f", "+2e01f", " 42e01f"])
    func malformedProfileLevelIDIsNil(_ text: String) {
        #expect(H264ProfileLevelID(hex: text) == nil)
    }

    static let relevels: [(from: String, level: H264Level, to: String)] = [
        ("42e01f", .level1b, "42f00b"),
        ("42f00b", .level3_1, "42e01f"),
        ("4d401f", H264Level(levelIDC: 13), "4d400d"),
        ("640c1f", .level1b, "640c09"),
        ("42e034", .level3_1, "42e01f"),
    ]

    @Test(arguments: relevels)
    func levelIsRewrittenForTheProfile(_ from: String, level: H264Level, to: String) throws {
        let id = try #require(H264ProfileLevelID(hex: from))
        #expect(id.with(level: level).description == to)
        #expect(id.with(level: level).level == level)
        #expect(id.with(level: level).profile == id.profile)
    }

    @Test func levelsAreOrderedWith1bBetween1And1_1() {
        let levels = [10, 11, 12, 13, 20, 21, 22, 30, 31, 32, 40, 41, 42, 50, 51, 52].map { H264Level(levelIDC: $0) }
        #expect(levels == levels.sorted())
        #expect(H264Level(levelIDC: 10) < .level1b)
        #expect(H264Level.level1b < H264Level(levelIDC: 11))
        #expect(min(H264Level.level3_1, H264Level(levelIDC: 40)) == .level3_1)
    }

    /// Which decoders take which streams (H.264 Annex A.2).
    static let decoding: [(decoder: H264Profile, stream: H264Profile, decodes: Bool)] = [
        (.constrainedBaseline, .constrainedBaseline, true),
        (.baseline, .constrainedBaseline, true),
        (.main, .constrainedBaseline, true),
        (.extended, .constrainedBaseline, true),
        (.high, .constrainedBaseline, true),
        (.high444, .constrainedBaseline, true),
        (.high10Intra, .constrainedBaseline, false),
        (.cavlc444Intra, .constrainedBaseline, false),
        (.constrainedBaseline, .baseline, false),
        (.main, .baseline, false),
        (.extended, .baseline, true),
        (.high, .main, true),
        (.main, .high, false),
        (.high422, .high10, true),
        (.high10, .high422, false),
    ]

    @Test(arguments: decoding)
    func profileCompatibility(_ decoder: H264Profile, stream: H264Profile, decodes: Bool) {
        #expect(decoder.decodes(stream) == decodes)
    }

    @Test func parametersAreReadWithDefaultsAndUnknownsKept() {
        let none = H264Parameters(FormatParameters())
        #expect(none.packetizationMode == 0)
        #expect(none.profileLevelID == .default)
        #expect(none.profileLevelID.description == "42000a")

        let fmtp = FormatParameters(parsing: "Profile-Level-ID=42E01F; packetization-mode=1; sprop-parameter-sets=Z0LgH7ig3ge2rbS+9w==,aO48gA==; max-fs=8160; max-mbps=245760; max-br=5000; level-asymmetry-allowed=1; x-vendor=on; plain")
        let parameters = H264Parameters(fmtp)
        #expect(parameters.packetizationMode == 1)
        #expect(parameters.profileLevelID == .constrainedBaseline31)
        #expect(parameters.spropParameterSets == ["Z0LgH7ig3ge2rbS+9w==", "aO48gA=="])
        #expect(parameters.maxFS == 8160 && parameters.maxMBPS == 245_760 && parameters.maxBR == 5000)
        #expect(parameters.levelAsymmetryAllowed)
        #expect(parameters.otherParameters == [.init("x-vendor", "on")])
        #expect(parameters.other == ["plain"])
        #expect(parameters.formatParameters.description == "profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1;max-fs=8160;max-mbps=245760;max-br=5000;sprop-parameter-sets=Z0LgH7ig3ge2rbS+9w==,aO48gA==;x-vendor=on;plain")
        #expect(H264Parameters(parameters.formatParameters) == parameters)
    }

    /// A value we cannot read leaves the default in force and is carried along, never fatal.
    @Test(arguments: ["packetization-mode=7", "packetization-mode=one", "profile-level-id=42e0", "max-fs=-1", "level-asymmetry-allowed=yes"])
    func unreadableValuesAreKept(_ text: String) {
        let parameters = H264Parameters(FormatParameters(parsing: text))
        #expect(parameters.packetizationMode == 0)
        #expect(parameters.profileLevelID == .default)
        #expect(parameters.maxFS == nil)
        #expect(!parameters.levelAsymmetryAllowed)
        #expect(parameters.otherParameters.count == 1)
    }

    @Test func grandstreamFixtureParameters() throws {
        let video = try Fixture.description("grandstream-gds-h264.sdp").media[1]
        let parameters = video.h264Parameters(for: 99)
        #expect(parameters.profileLevelID.profile == .main)
        #expect(parameters.profileLevelID.level == H264Level(levelIDC: 40))
        #expect(parameters.packetizationMode == 1)
        #expect(parameters.spropParameterSets.count == 2)
    }
}

/// The peer's bandwidth limit on a video stream (RFC 3890 b=TIAS before RFC 8866 b=AS, media
/// level before session level), which caps our encoder.
struct VideoBandwidthTests {
    static func offer(session: String, media: String) -> String {
        """
        v=0\r
        o=apartment 1 1 IN IP4 127.0.0.1\r
        s=-\r
        c=IN IP4 127.0.0.1\r
        \(session)t=0 0\r
        m=audio 4000 RTP/AVP 0\r
        m=video 4002 RTP/AVP 96\r
        \(media)a=rtpmap:96 H264/90000\r
        a=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r

        """
    }

    @Test(arguments: [
        ("", "", nil),
        ("", "b=AS:384\r\n", 384),
        ("", "b=TIAS:256000\r\nb=AS:384\r\n", 256),
        ("b=AS:2000\r\n", "", 2000),
        ("b=AS:2000\r\n", "b=AS:500\r\n", 500),
        ("", "b=AS:0\r\n", nil),
        ("", "b=CT:100\r\n", nil),
    ] as [(String, String, Int?)])
    func peerLimitIsRead(session: String, media: String, expected: Int?) throws {
        var state = SDPSessionState(sessionID: 1)
        var keys = SystemRandomNumberGenerator()
        let capabilities = MediaCapabilities(localAddress: "127.0.0.1", audioPort: 7078, videoPort: 9078)
        let (_, negotiated) = try state.makeAnswer(to: try SessionDescription(bytes: Array(Self.offer(session: session, media: media).utf8)), capabilities: capabilities, keys: &keys)
        #expect(negotiated.video?.remoteBandwidthKbps == expected)
    }
}
