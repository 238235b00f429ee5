@testable import Network
import Testing

/// The DNS tests are nested in this suite so that `swift test --filter DNS` selects all of them.
@Suite enum DNS {}

/// Wire-format builders for hand-made packets.
enum Wire {
    static func name(_ text: String) -> [UInt8] {
        text.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }

    static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    static func u32(_ value: UInt32) -> [UInt8] { u16(UInt16(value >> 16)) + u16(UInt16(value & 0xFFFF)) }

    static func header(id: UInt16 = 0x1234, flags: UInt16 = 0x8180, questions: UInt16 = 0, answers: UInt16 = 0, authorities: UInt16 = 0, additionals: UInt16 = 0) -> [UInt8] {
        u16(id) + u16(flags) + u16(questions) + u16(answers) + u16(authorities) + u16(additionals)
    }

    static func record(_ owner: [UInt8], type: UInt16, ttl: UInt32 = 300, data: [UInt8], class recordClass: UInt16 = 1) -> [UInt8] {
        owner + u16(type) + u16(recordClass) + u32(ttl) + u16(UInt16(data.count)) + data
    }

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }
}

extension DNS {
    @Suite struct MessageTests {
        @Test func queryMatchesHandCheckedBytes() throws {
            let query = DNSMessage.query(id: 0x1234, name: "door.test", type: .srv)
            #expect(try query.encodedQuery() == [
                0x12, 0x34, 0x01, 0x00,  // ID, flags: RD
                0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // QD=1, AN=NS=AR=0
                0x04, 0x64, 0x6F, 0x6F, 0x72, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00,  // 4door4test0
                0x00, 0x21, 0x00, 0x01,  // SRV, IN
            ])
            #expect(try DNSMessage.query(id: 0xBEEF, name: "door.test.", type: .a).encodedQuery(ednsPayloadSize: 1232) == [
                0xBE, 0xEF, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,  // AR=1
                0x04, 0x64, 0x6F, 0x6F, 0x72, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x01, 0x00, 0x01,
                0x00, 0x00, 0x29, 0x04, 0xD0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // OPT, 1232 bytes, no options
            ])
        }

        @Test(arguments: [
            ("a..test", "empty label"),
            (String(repeating: "x", count: 64) + ".test", "label of 64 bytes, over 63"),
            (Array(repeating: String(repeating: "x", count: 63), count: 4).joined(separator: "."), "longer than 255 bytes on the wire"),
        ])
        func unencodableNamesAreRefused(_ name: String, _ reason: String) {
            #expect(throws: DNSError.invalidName(name, reason: reason)) { try DNSMessage.query(id: 1, name: name, type: .a).encodedQuery() }
        }

        /// dnsmasq 2.90's answer to `NAPTR door.test`, captured once.
        @Test func decodesNAPTRFromDnsmasq() throws {
            let packet = Wire.hex("12348580000100010000000004646f6f7204746573740000230001c00c00230001000000000024000a00320173075349502b44325500045f736970045f75647004646f6f72047465737400")
            let message = try DNSMessage(decoding: packet)
            #expect(message.id == 0x1234 && message.isResponse && message.isAuthoritative && message.responseCode == .noError)
            #expect(message.questions == [DNSQuestion(name: "door.test", type: .naptr)])
            #expect(message.answers == [DNSRecord(name: "door.test", ttl: 0, data: .naptr(NAPTRRecord(
                order: 10, preference: 50, flags: "s", services: "SIP+D2U", regexp: "", replacement: "_sip._udp.door.test"
            )))])
        }

        /// dnsmasq's answer to `SRV _sip._udp.door.test`: two SRV answers, their A records in the
        /// additional section with owner names compressed to pointers into the SRV data.
        @Test func decodesSRVWithAdditionalAddressesFromDnsmasq() throws {
            let packet = Wire.hex(
                "123485800001000200000002045f736970045f75647004646f6f7204746573740000210001c00c002100010000000000160014003213c4047265673204646f6f72047465737400c00c00210001000000000016000a003213c4047265673104646f6f72047465737400c059000100010000000000047f000002c037000100010000000000047f000003"
            )
            let message = try DNSMessage(decoding: packet)
            #expect(message.answers.map(\.data) == [
                .srv(SRVRecord(priority: 20, weight: 50, port: 5060, target: "reg2.door.test")),
                .srv(SRVRecord(priority: 10, weight: 50, port: 5060, target: "reg1.door.test")),
            ])
            #expect(message.additionals == [
                DNSRecord(name: "reg1.door.test", ttl: 0, data: .a(IPAddress("127.0.0.2")!)),
                DNSRecord(name: "reg2.door.test", ttl: 0, data: .a(IPAddress("127.0.0.3")!)),
            ])
        }

        @Test func decodesResponseCodes() throws {
            let packet = Wire.hex("123481850001000000000000026e7804646f6f7204746573740000010001")
            let message = try DNSMessage(decoding: packet)
            #expect(message.responseCode == .refused)
            var nx = packet
            nx[3] = 0x83
            #expect(try DNSMessage(decoding: nx).responseCode == .nameError)
            #expect(DNSResponseCode.nameError.description == "NXDOMAIN")
        }

        /// A hand-built answer: CNAME whose target is compressed, then AAAA and A records whose owners
        /// point at the CNAME's target inside its RDATA, then a TXT record (skipped) and a record of class CH (skipped).
        @Test func decodesCNAMEAAAAAndAWithCompression() throws {
            var packet = Wire.header(answers: 5, additionals: 0)
            // offset 12: "sip.door.test"
            packet += [0x03] + Array("sip".utf8) + [0x04] + Array("door".utf8) + [0x04] + Array("test".utf8) + [0x00]
            packet += Wire.u16(5) + Wire.u16(1) + Wire.u32(60) + Wire.u16(6)
            // CNAME RDATA: "pbx" + a pointer to "door.test" at 16, inside the owner name.
            let pbx: [UInt8] = [0xC0, UInt8(packet.count)]
            packet += [0x03] + Array("pbx".utf8) + [0xC0, 16]
            packet += Wire.record(pbx, type: 28, ttl: 120, data: [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1])
            packet += Wire.record(pbx, type: 1, ttl: 3600, data: [127, 0, 0, 5])
            packet += Wire.record(pbx, type: 16, data: [3] + Array("abc".utf8))
            packet += Wire.record(pbx, type: 1, data: [127, 0, 0, 6], class: 3)
            let message = try DNSMessage(decoding: packet)
            #expect(message.answers == [
                DNSRecord(name: "sip.door.test", ttl: 60, data: .cname("pbx.door.test")),
                DNSRecord(name: "pbx.door.test", ttl: 120, data: .aaaa(IPAddress("2001:db8::1")!)),
                DNSRecord(name: "pbx.door.test", ttl: 3600, data: .a(IPAddress("127.0.0.5")!)),
            ])
        }

        static let malformed: [(String, [UInt8], DNSError)] = {
            let questionHeader = Wire.header(questions: 1)
            let answerHeader = Wire.header(answers: 1)
            return [
                ("truncated header", [0x12, 0x34, 0x81], .malformed(offset: 3, .truncatedHeader)),
                ("question missing", questionHeader, .malformed(offset: 12, .truncated(needed: 1))),
                ("pointer loop", questionHeader + [0xC0, 12, 0, 1, 0, 1], .malformed(offset: 12, .pointerLoop)),
                ("two-pointer loop", questionHeader + [0x01, 0x61, 0xC0, 16, 0xC0, 12], .malformed(offset: 16, .pointerLoop)),
                ("pointer forward out of range", questionHeader + [0xC0, 0xFF, 0, 1, 0, 1], .malformed(offset: 12, .pointerOutOfRange(target: 255))),
                ("label too long", questionHeader + [0x40] + [UInt8](repeating: 0x61, count: 64) + [0], .malformed(offset: 12, .labelTooLong(64))),
                ("label past the end", questionHeader + [0x05, 0x61, 0x62], .malformed(offset: 13, .truncated(needed: 3))),
                ("name too long", questionHeader + (0..<4).flatMap { _ in [63] + [UInt8](repeating: 0x61, count: 63) } + [0],
                 .malformed(offset: 12 + 3 * 64, .nameTooLong)),
                ("rdlength overrun", answerHeader + Wire.name(".") + Wire.u16(1) + Wire.u16(1) + Wire.u32(0) + Wire.u16(16) + [127, 0, 0, 1],
                 .malformed(offset: 21, .rdataOverrun(length: 16, available: 4))),
                ("A of 5 bytes", answerHeader + Wire.record([0], type: 1, data: [127, 0, 0, 1, 9]), .malformed(offset: 23, .rdataLength(type: 1, length: 5))),
                ("SRV target past its rdata", answerHeader + Wire.record([0], type: 33, data: Wire.u16(1) + Wire.u16(1) + Wire.u16(5060) + [4, 0x61, 0x62]) + [0x63, 0x64, 0],
                 .malformed(offset: 30, .truncated(needed: 2))),
                ("SRV with trailing bytes", answerHeader + Wire.record([0], type: 33, data: Wire.u16(1) + Wire.u16(1) + Wire.u16(5060) + [0, 0xFF]),
                 .malformed(offset: 30, .rdataLength(type: 33, length: 8))),
                ("NAPTR string past its rdata", answerHeader + Wire.record([0], type: 35, data: Wire.u16(1) + Wire.u16(1) + [9, 0x73]),
                 .malformed(offset: 28, .truncated(needed: 8))),
                ("record header cut", answerHeader + [0, 0, 1, 0], .malformed(offset: 15, .truncated(needed: 1))),
            ]
        }()

        @Test(arguments: malformed)
        func malformedPacketsThrowWithOffsetAndReason(_ label: String, _ packet: [UInt8], _ expected: DNSError) {
            #expect(throws: expected, "\(label)") { try DNSMessage(decoding: packet) }
        }

        /// Every prefix of a valid response either decodes or throws `malformed`; none crashes.
        @Test func everyTruncationIsAnError() throws {
            let packet = Wire.hex(
                "123485800001000200000002045f736970045f75647004646f6f7204746573740000210001c00c002100010000000000160014003213c4047265673204646f6f72047465737400c00c00210001000000000016000a003213c4047265673104646f6f72047465737400c059000100010000000000047f000002c037000100010000000000047f000003"
            )
            for length in 0..<packet.count {
                #expect(throws: DNSError.self) { try DNSMessage(decoding: Array(packet[..<length])) }
            }
        }
    }
}
