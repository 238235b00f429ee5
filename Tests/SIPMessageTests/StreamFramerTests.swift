import SIPMessage
import Testing

/// TCP/TLS framing (RFC 3261 §18.3), fed one byte at a time as well as all at once.
struct StreamFramerTests {
    static let names = ["invite-linphone.sip", "401-kamailio.sip", "info-dtmf-compact.sip", "200-register.sip"]

    @Test(arguments: [1, 7, 64, 100_000])
    func concatenatedMessagesAreCutApart(chunkSize: Int) throws {
        var stream = [UInt8]()
        var expected = [SIPStreamFramer.Output]()
        for name in Self.names {
            let bytes = try Fixture.bytes(name)
            stream += bytes
            expected.append(.message(try SIPMessageParser().parse(bytes).message))
            stream += Array("\r\n\r\n".utf8)
            expected.append(.ping)
        }
        var framer = SIPStreamFramer(role: .server)
        var outputs = [SIPStreamFramer.Output]()
        var index = 0
        while index < stream.count {
            let end = min(stream.count, index + chunkSize)
            outputs += try framer.feed(stream[index..<end])
            index = end
        }
        #expect(outputs == expected)
        #expect(framer.bufferedCount == 0)
    }

    @Test func clientSeesPongsServerSeesPings() throws {
        var client = SIPStreamFramer(role: .client)
        #expect(try client.feed(Array("\r\n".utf8)) == [.pong])
        #expect(try client.feed(Array("\r".utf8)) == [])
        #expect(try client.feed(Array("\n".utf8)) == [.pong])
        var server = SIPStreamFramer(role: .server)
        #expect(try server.feed(Array("\r\n\r".utf8)) == [])
        #expect(try server.feed(Array("\n".utf8)) == [.ping])
        #expect(try server.feed(Array("\r\n".utf8)) == [])
        #expect(server.bufferedCount == 2)
    }

    @Test func missingContentLengthOnAStreamMeansNoBody() throws {
        var framer = SIPStreamFramer()
        let head = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\n\r\n"
        let outputs = try framer.feed(Array((head + head).utf8))
        #expect(outputs.count == 2)
    }

    @Test func bodyIsAwaitedUntilComplete() throws {
        var framer = SIPStreamFramer()
        let bytes = try Fixture.bytes("info-dtmf-compact.sip")
        #expect(try framer.feed(bytes.dropLast(3)).isEmpty)
        #expect(try framer.feed(bytes.suffix(3)).count == 1)
    }

    @Test func endlessHeaderBlockIsRefused() {
        var framer = SIPStreamFramer()
        let line = Array("X-Junk: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".utf8)
        let error = #expect(throws: SIPParseError.self) {
            for _ in 0..<2_000 { _ = try framer.feed(line) }
        }
        #expect(error?.kind == .tooLarge)
        #expect(framer.bufferedCount < 70_000)
    }

    @Test func hugeContentLengthIsRefusedBeforeBuffering() {
        var framer = SIPStreamFramer()
        let head = "MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 99999999\r\n\r\n"
        #expect(throws: SIPParseError.self) { try framer.feed(Array(head.utf8)) }
    }
}
