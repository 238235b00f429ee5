import SDP
import Testing

struct AttributeTests {
    static func medium(_ attributes: [String], formats: [String] = ["0", "8", "96", "101"]) -> MediaDescription {
        MediaDescription(
            media: "audio", port: 4000, proto: "RTP/AVP", formats: formats,
            attributes: attributes.map { line in
                let parts = line.split(separator: ":", maxSplits: 1)
                return SDPAttribute(String(parts[0]), parts.count > 1 ? String(parts[1]) : nil)
            }
        )
    }

    @Test func staticPayloadTypesNeedNoRTPMap() throws {
        let linphone = try Fixture.description("linphone-h264-rtcp-mux.sdp")
        #expect(linphone.media[0].rtpMaps == [0: .pcmu, 8: .pcma, 101: .telephoneEvent])
        #expect(RTPMap.staticPayloadType(9) == RTPMap(encoding: "G722", clockRate: 8000))
        #expect(RTPMap.staticPayloadType(96) == nil)
    }

    static let rtpMaps: [(value: String, payloadType: UInt8, map: RTPMap?)] = [
        ("111 opus/48000/2", 111, RTPMap(encoding: "opus", clockRate: 48_000, channels: 2)),
        ("96 H264/90000", 96, .h264),
        ("8 pcma/8000", 8, RTPMap(encoding: "pcma", clockRate: 8000)),
        ("96  H264/90000", 96, .h264),
        // Malformed: ignored, the static table (or nothing) applies.
        ("96 H264", 96, nil),
        ("96 H264/abc", 96, nil),
        ("96 H264/90000/0", 96, nil),
        ("x PCMU/8000", 0, .pcmu),
        ("200 PCMU/8000", 0, .pcmu),
        ("96 /90000", 96, nil),
    ]

    @Test(arguments: rtpMaps)
    func rtpmapParsing(_ value: String, payloadType: UInt8, map: RTPMap?) {
        let media = Self.medium(["rtpmap:" + value], formats: [String(payloadType)])
        #expect(media.rtpMap(for: payloadType) == map)
        #expect(media.rtpMaps[payloadType] == map)
    }

    @Test func encodingNamesMatchIgnoringCase() {
        #expect(RTPMap(encoding: "pcmu", clockRate: 8000).matches(.pcmu))
        #expect(RTPMap(encoding: "PCMU", clockRate: 8000, channels: 1).matches(.pcmu))
        #expect(!RTPMap(encoding: "PCMU", clockRate: 16_000).matches(.pcmu))
        #expect(!RTPMap(encoding: "telephone-event", clockRate: 48_000).matches(.telephoneEvent))
        #expect(AudioCodec(RTPMap(encoding: "Pcma", clockRate: 8000)) == .pcma)
    }

    static let formatParameters: [(text: String, parameters: [FormatParameters.Parameter], other: [String])] = [
        ("profile-level-id=42e01f;packetization-mode=1", [.init("profile-level-id", "42e01f"), .init("packetization-mode", "1")], []),
        ("profile-level-id=4d0028; packetization-mode=1; sprop-parameter-sets=Z00AKA==,aO48gA==",
         [.init("profile-level-id", "4d0028"), .init("packetization-mode", "1"), .init("sprop-parameter-sets", "Z00AKA==,aO48gA==")], []),
        ("0-15", [], ["0-15"]),
        ("0-11,16", [], ["0-11,16"]),
        ("annexb=no", [.init("annexb", "no")], []),
        (";;=;garbage==;vad", [.init("garbage", "=")], ["=", "vad"]),
        ("minptime=10;useinbandfec=1", [.init("minptime", "10"), .init("useinbandfec", "1")], []),
        ("", [], []),
    ]

    @Test(arguments: formatParameters)
    func fmtpParsing(_ text: String, parameters: [FormatParameters.Parameter], other: [String]) {
        let fmtp = FormatParameters(parsing: text)
        #expect(fmtp.parameters == parameters)
        #expect(fmtp.other == other)
    }

    @Test func fmtpKeysIgnoreCaseAndValuesStayVerbatim() throws {
        var fmtp = FormatParameters(parsing: "Profile-Level-ID=42E01F;packetization-mode=1")
        #expect(fmtp["profile-level-id"] == "42E01F")
        #expect(fmtp["PACKETIZATION-MODE"] == "1")
        fmtp["packetization-mode"] = "0"
        fmtp["max-fs"] = "3600"
        fmtp["profile-level-id"] = nil
        #expect(fmtp.description == "packetization-mode=0;max-fs=3600")
        let asterisk = try Fixture.description("asterisk-g711.sdp")
        #expect(asterisk.media[0].formatParameters(for: 101)?.other == ["0-16"])
        #expect(asterisk.media[0].formatParameters(for: 0) == nil)
    }

    static let ptimes: [(value: String, milliseconds: Int?)] = [
        ("20", 20), ("20.0", 20), ("30.5", 30), (" 40", 40), ("0", nil), ("abc", nil), ("-20", nil), ("20ms", nil), ("99999", nil),
    ]

    @Test(arguments: ptimes)
    func ptimeParsing(_ value: String, milliseconds: Int?) {
        #expect(Self.medium(["ptime:" + value]).ptime == milliseconds)
        #expect(Self.medium(["maxptime:" + value]).maxptime == milliseconds)
    }

    static let rtcp: [(value: String, attribute: RTCPAttribute?)] = [
        ("7079", RTCPAttribute(port: 7079)),
        ("24681 IN IP4 203.0.113.10", RTCPAttribute(port: 24_681, connection: Connection(addrType: "IP4", address: "203.0.113.10"))),
        ("53020 IN IP6 2001:db8::7", RTCPAttribute(port: 53_020, connection: Connection(addrType: "IP6", address: "2001:db8::7"))),
        ("70000", nil), ("abc", nil), ("7079 IN IP4", nil),
    ]

    @Test(arguments: rtcp)
    func rtcpAttributeParsing(_ value: String, attribute: RTCPAttribute?) {
        #expect(Self.medium(["rtcp:" + value]).rtcp == attribute)
        if let attribute { #expect(RTCPAttribute(parsing: attribute.description) == attribute) }
    }

    @Test func rtcpFeedbackIncludesWildcards() throws {
        let baresip = try Fixture.description("baresip-srtp.sdp").media[1]
        #expect(baresip.rtcpFeedback(for: 97) == [.pli, .fir])
        let linphone = try Fixture.description("linphone-h264-rtcp-mux.sdp").media[1]
        #expect(linphone.rtcpFeedback(for: 97) == [RTCPFeedback("trr-int", "1000"), RTCPFeedback("ccm", "tmmbr"), .pli, .fir])
        #expect(linphone.rtcpFeedback(for: 5) == [RTCPFeedback("trr-int", "1000"), RTCPFeedback("ccm", "tmmbr")])
        #expect(FeedbackSupport(linphone.rtcpFeedback(for: 97)) == FeedbackSupport(pli: true, fir: true))
        #expect(FeedbackSupport([RTCPFeedback("NACK"), RTCPFeedback("CCM", "FIR")]) == FeedbackSupport(nack: true, fir: true))
    }

    @Test func directionIsInheritedAndWritable() throws {
        let sdp = try Fixture.description("session-level-sendonly.sdp")
        #expect(sdp.direction == .sendonly)
        #expect(sdp.media[0].direction == nil)
        #expect(sdp.effectiveDirection(of: sdp.media[0]) == .sendonly)
        #expect(sdp.effectiveDirection(of: sdp.media[1]) == .recvonly)
        var media = Self.medium(["rtpmap:0 PCMU/8000", "sendrecv", "ptime:20"])
        media.direction = .inactive
        #expect(media.attributes.map(\.name) == ["rtpmap", "inactive", "ptime"])
        media.direction = nil
        #expect(media.direction == nil)
        #expect(MediaDirection.sendonly.reversed == .recvonly)
        #expect(MediaDirection.sendrecv.intersection(.recvonly) == .recvonly)
        #expect(MediaDirection.sendonly.intersection(.recvonly) == .inactive)
    }

    @Test func transportsAreRecognized() {
        let cases: [(String, RTPTransport?)] = [
            ("RTP/AVP", RTPTransport(isSecure: false, hasFeedback: false)), ("rtp/avp", RTPTransport(isSecure: false, hasFeedback: false)),
            ("RTP/AVPF", RTPTransport(isSecure: false, hasFeedback: true)), ("RTP/SAVP", RTPTransport(isSecure: true, hasFeedback: false)),
            ("RTP/SAVPF", RTPTransport(isSecure: true, hasFeedback: true)), ("UDP/TLS/RTP/SAVPF", nil), ("TCP/RTP/AVP", nil),
        ]
        for (proto, transport) in cases {
            #expect(RTPTransport(proto: proto) == transport, "\(proto)")
        }
    }
}
