import SIPMessage
import Testing
@testable import Network

@Suite struct SIPTransportTCPTests {
    static let configuration = SIPTransportConfiguration(listenAddresses: ["127.0.0.1"], tcpPort: 0)

    @Test func requestOpensAConnectionAndTheAnswerReusesIt() async throws {
        try await TransportTest.withLayer(Self.configuration) { alice, aliceEvents in
            try await TransportTest.withLayer(Self.configuration) { door, doorEvents in
                let doorEndpoint = try TransportTest.endpoint(door, .tcp)
                try await alice.send(TransportTest.options(transport: "TCP"), to: doorEndpoint)

                let request = try await doorEvents.nextMessage()
                #expect(request.local == doorEndpoint)
                let outbound = try #require(alice.connections.connection(to: doorEndpoint))
                // The source is Alice's end of the connection, not her listener.
                #expect(request.source == outbound.local)
                let via = try Via(try #require(request.message.headers[.via]))
                #expect(via.received == "127.0.0.1")
                #expect(via.rport == request.source.port)

                try await door.send(TransportTest.ok(to: request.message), to: request.source)
                let response = try await aliceEvents.nextMessage()
                guard case .response(let ok) = response.message else { Issue.record("expected a response"); return }
                #expect(ok.statusCode == 200)
                #expect(response.source == doorEndpoint)
                #expect(alice.connections.all.count == 1)
                #expect(door.connections.all.count == 1)
                // Via/Contact for TCP carry the listener's port, on the connection's address.
                #expect(alice.localEndpoint(.tcp, toward: doorEndpoint) == (try TransportTest.endpoint(alice, .tcp)))
            }
        }
    }

    @Test func twoMessagesInOneWriteAndOneMessageInManyWrites() async throws {
        try await TransportTest.withLayer(Self.configuration) { door, doorEvents in
            let client = try await RawTCPClient(to: try TransportTest.endpoint(door, .tcp))
            defer { Task { await client.close() } }
            try await client.write(TransportTest.optionsBytes(callID: "first") + TransportTest.optionsBytes(callID: "second"))
            #expect(try await doorEvents.nextMessage().message.headers[.callID] == "first")
            #expect(try await doorEvents.nextMessage().message.headers[.callID] == "second")

            let split = TransportTest.optionsBytes(callID: "split")
            var offset = 0
            while offset < split.count {
                try await client.write(Array(split[offset..<min(offset + 17, split.count)]))
                offset += 17
                try await Task.sleep(for: .milliseconds(2))
            }
            let received = try await doorEvents.nextMessage()
            #expect(received.message.headers[.callID] == "split")
            #expect(received.source == client.endpoint)
        }
    }

    @Test func pingIsAnsweredWithPong() async throws {
        try await TransportTest.withLayer(Self.configuration) { door, _ in
            let client = try await RawTCPClient(to: try TransportTest.endpoint(door, .tcp))
            defer { Task { await client.close() } }
            try await client.write(Array("\r\n\r\n".utf8))
            try await TransportTest.wait("the pong") { client.inbox.text == "\r\n" }
        }
    }

    @Test func framingErrorClosesOnlyThatConnection() async throws {
        try await TransportTest.withLayer(Self.configuration) { door, doorEvents in
            let doorEndpoint = try TransportTest.endpoint(door, .tcp)
            let bad = try await RawTCPClient(to: doorEndpoint)
            let good = try await RawTCPClient(to: doorEndpoint)
            defer { Task { await bad.close(); await good.close() } }
            try await bad.write(Array("OPTIONS sip:x SIP/2.0\r\nContent-Length: many\r\n\r\n".utf8))
            try await TransportTest.wait("the bad connection to close") { bad.inbox.isClosed }
            let closed = try await doorEvents.next("connectionClosed") { event -> (SIPEndpoint, String)? in
                if case .connectionClosed(let endpoint, let reason) = event { (endpoint, reason) } else { nil }
            }
            #expect(closed.0 == bad.endpoint)
            #expect(closed.1.contains("framing error"))

            try await good.write(TransportTest.optionsBytes(callID: "still-fine"))
            #expect(try await doorEvents.nextMessage().message.headers[.callID] == "still-fine")
            #expect(!good.inbox.isClosed)
        }
    }

    @Test func connectToAClosedPortFailsFast() async throws {
        try await TransportTest.withClosedPort { port in try await TransportTest.withLayer(Self.configuration) { alice, _ in
            let remote = SIPEndpoint(transport: .tcp, address: "127.0.0.1", port: port)
            // "Fast" means refused at once rather than timed out: the error says which.
            do throws(SIPTransportError) {
                try await alice.send(TransportTest.options(transport: "TCP"), to: remote)
                Issue.record("send to a closed port succeeded")
            } catch {
                guard case .connectionFailed(let endpoint, let reason) = error else {
                    Issue.record("expected connectionFailed, got \(error)")
                    return
                }
                #expect(endpoint == remote)
                #expect(reason == "connection refused")
                #expect(error.description == "connecting to TCP 127.0.0.1:\(port): connection refused")
            }
        } }
    }

    @Test func connectionsAreClosedAtShutdownAndReported() async throws {
        try await TransportTest.withLayer(Self.configuration) { alice, aliceEvents in
            let door = SIPTransportLayer(group: TransportTest.group, configuration: Self.configuration, logger: TransportTest.logger())
            try await door.start()
            let doorEndpoint = try TransportTest.endpoint(door, .tcp)
            try await alice.send(TransportTest.options(transport: "TCP"), to: doorEndpoint)
            try await TransportTest.wait("the connection") { !door.connections.all.isEmpty }
            await door.shutdown()
            let closed = try await aliceEvents.next("connectionClosed") { event -> SIPEndpoint? in
                if case .connectionClosed(let endpoint, _) = event { endpoint } else { nil }
            }
            #expect(closed == doorEndpoint)
            #expect(alice.connections.all.isEmpty)
        }
    }
}
