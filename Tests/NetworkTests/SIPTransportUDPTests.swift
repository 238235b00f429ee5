import Logging
import SIPMessage
import Testing
@testable import Network

@Suite struct SIPTransportUDPTests {
    static func configuration(_ address: String = "127.0.0.1") -> SIPTransportConfiguration {
        SIPTransportConfiguration(listenAddresses: [address], udpPort: 0)
    }

    @Test(arguments: [("127.0.0.1", "192.0.2.1:5060"), ("::1", "[2001:db8::1]:5060")])
    func exchangeOptionsAnd200(address: String, sentBy: String) async throws {
        try await TransportTest.withLayer(Self.configuration(address)) { alice, aliceEvents in
            try await TransportTest.withLayer(Self.configuration(address)) { door, doorEvents in
                let aliceEndpoint = try TransportTest.endpoint(alice, .udp, ipv6: address == "::1")
                let doorEndpoint = try TransportTest.endpoint(door, .udp, ipv6: address == "::1")
                try await alice.send(TransportTest.options(sentBy: sentBy), to: doorEndpoint)

                let request = try await doorEvents.nextMessage()
                // Sent from the listening socket: the source is Alice's listener (RFC 3581 §4).
                #expect(request.source == aliceEndpoint)
                #expect(request.local == doorEndpoint)
                let via = try Via(try #require(request.message.headers[.via]))
                #expect(via.received == address)
                #expect(via.rport == aliceEndpoint.port)

                // The UA answers to received/rport.
                let answerTo = SIPEndpoint(transport: .udp, address: try #require(via.received), port: try #require(via.rport))
                try await door.send(TransportTest.ok(to: request.message), to: answerTo)
                let response = try await aliceEvents.nextMessage()
                guard case .response(let ok) = response.message else { Issue.record("expected a response"); return }
                #expect(ok.statusCode == 200)
                #expect(response.source == doorEndpoint)
            }
        }
    }

    /// RFC 3261 §18.2.1: same address and no rport leave the Via alone; a host name gets `received`.
    @Test func viaIsStampedOnlyWhenNeeded() throws {
        var request = TransportTest.options(sentBy: "127.0.0.1:5070")
        if case .request(var plain) = request {
            plain.headers = plain.headers.replacingFirst(.via, with: "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1")
            request = .request(plain)
        }
        let stamped = request.stampingReceived(from: SIPEndpoint(transport: .udp, address: "127.0.0.1", port: 40000))
        #expect(stamped == request)
        let named = TransportTest.options(sentBy: "door.example.com")
        let via = try Via(try #require(named.stampingReceived(from: SIPEndpoint(transport: .udp, address: "::1", port: 5)).headers[.via]))
        #expect(via.received == "::1")
        #expect(via.rport == 5)
    }

    @Test func malformedRequestIsAnsweredWith400NamingTheReason() async throws {
        try await TransportTest.withLayer(Self.configuration()) { door, doorEvents in
            let peer = try await RawUDPPeer()
            defer { Task { await peer.close() } }
            try await peer.send(TransportTest.optionsBytes(maxForwards: "300"), to: try TransportTest.endpoint(door, .udp))
            try await TransportTest.wait("the 400") { !peer.datagrams.isEmpty }
            let answer = try SIPMessageParser().parse(try #require(peer.datagrams.first).bytes).message
            guard case .response(let response) = answer else { Issue.record("expected a response"); return }
            #expect(response.statusCode == 400)
            #expect(response.reason.contains("Max-Forwards"))
            #expect(response.headers[.callID] == "a84b4c76e66710")
            #expect(doorEvents.snapshot.isEmpty)
        }
    }

    @Test func garbageAndMalformedResponsesAreDroppedAndTrafficContinues() async throws {
        let log = CapturedLog()
        try await TransportTest.withLayer(Self.configuration(), logger: log.logger) { door, doorEvents in
            let peer = try await RawUDPPeer()
            defer { Task { await peer.close() } }
            let doorEndpoint = try TransportTest.endpoint(door, .udp)
            let start = ContinuousClock.now
            try await peer.send([0x00, 0xFF, 0x13, 0x37, 0x0A, 0x0A], to: doorEndpoint)
            try await peer.send("SIP/2.0 abc OK\r\nVia: SIP/2.0/UDP 127.0.0.1\r\n\r\n", to: doorEndpoint)
            try await peer.send("INVITE sip:x SIP/2.0\r\nbroken header line\r\n\r\n", to: doorEndpoint)
            try await peer.send(TransportTest.optionsBytes(callID: "after-garbage"), to: doorEndpoint)
            let received = try await doorEvents.nextMessage()
            let elapsed = ContinuousClock.now - start
            #expect(received.message.headers[.callID] == "after-garbage")
            try await Task.sleep(for: .milliseconds(100))
            #expect(peer.datagrams.isEmpty, "nothing is answered to garbage or to responses")
            #expect(doorEvents.snapshot.isEmpty)
            // Three bad datagrams from one source: one notice, the rest at debug (one notice per
            // source per 10 s). A run stalled past the window (seen in CI) may log a second, or
            // not, depending on where in the stall the window ended.
            let notices = log.lines.withLock { $0.filter { $0.level == .notice } }
            #expect(elapsed < .seconds(10) ? notices.count == 1 : (1...2).contains(notices.count), "\(notices.count) notices after \(elapsed)")
        }
    }

    @Test func keepAliveDatagramsAreIgnored() async throws {
        try await TransportTest.withLayer(Self.configuration()) { door, doorEvents in
            let peer = try await RawUDPPeer()
            defer { Task { await peer.close() } }
            let doorEndpoint = try TransportTest.endpoint(door, .udp)
            try await peer.send("\r\n\r\n", to: doorEndpoint)
            try await peer.send("\r\n", to: doorEndpoint)
            try await peer.send(TransportTest.optionsBytes(callID: "after-keepalive"), to: doorEndpoint)
            let received = try await doorEvents.nextMessage()
            #expect(received.message.headers[.callID] == "after-keepalive")
            #expect(peer.datagrams.isEmpty)
        }
    }

    @Test func bindFailureNamesAddressAndPort() async throws {
        try await TransportTest.withLayer(Self.configuration()) { first, _ in
            let port = try TransportTest.endpoint(first, .udp).port
            let second = SIPTransportLayer(
                group: TransportTest.group,
                configuration: SIPTransportConfiguration(listenAddresses: ["127.0.0.1"], udpPort: port),
                logger: TransportTest.logger()
            )
            defer { Task { await second.shutdown() } }
            await #expect(throws: SIPTransportError.bindFailed(SIPEndpoint(transport: .udp, address: "127.0.0.1", port: port), reason: "address in use")) {
                try await second.start()
            }
            #expect(SIPTransportError.bindFailed(SIPEndpoint(transport: .udp, address: "127.0.0.1", port: port), reason: "address in use").description
                == "UDP 127.0.0.1:\(port): address in use")
        }
    }

    @Test func localEndpointOfAWildcardBindIsTheRouteAddress() async throws {
        try await TransportTest.withLayer(SIPTransportConfiguration(listenAddresses: ["0.0.0.0"], udpPort: 0)) { layer, _ in
            let bound = try TransportTest.endpoint(layer, .udp)
            #expect(bound.address == "0.0.0.0")
            let local = try #require(layer.localEndpoint(.udp, toward: SIPEndpoint(transport: .udp, address: "127.0.0.1", port: 5060)))
            #expect(local == SIPEndpoint(transport: .udp, address: "127.0.0.1", port: bound.port))
            #expect(layer.localEndpoint(.tcp, toward: nil) == nil)
        }
    }

    @Test func oversizeDatagramAndMissingListenerAreRefused() async throws {
        try await TransportTest.withLayer(SIPTransportConfiguration(listenAddresses: ["127.0.0.1"], tcpPort: 0)) { layer, _ in
            let remote = SIPEndpoint(transport: .udp, address: "127.0.0.1", port: 5060)
            await #expect(throws: SIPTransportError.notListening(.udp)) {
                try await layer.send(TransportTest.options(), to: remote)
            }
            var big = TransportTest.options()
            if case .request(var request) = big {
                request.body = [UInt8](repeating: 0x41, count: 70_000)
                big = .request(request)
            }
            await #expect(throws: SIPTransportError.self) { try await layer.send(big, to: remote) }
        }
    }
}
