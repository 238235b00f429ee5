import SIPMessage
import Testing
@testable import Network

@Suite struct SIPTransportKeepAliveTests {
    @Test func udpKeepAlivesArriveAtTheInterval() async throws {
        try await TransportTest.withLayer(SIPTransportConfiguration(listenAddresses: ["127.0.0.1"], udpPort: 0)) { alice, _ in
            let peer = try await RawUDPPeer()
            defer { Task { await peer.close() } }
            let started = ContinuousClock.now
            alice.startKeepAlive(to: peer.endpoint, every: .milliseconds(100))
            // Bounded generously: a loaded machine has stalled this process for 20 s.
            try await TransportTest.wait("four keep-alives", timeout: .seconds(45)) { peer.datagrams.count >= 4 }
            let fourth = peer.datagrams[3].at
            alice.stopKeepAlive(to: peer.endpoint)
            let datagrams = peer.datagrams
            #expect(datagrams.allSatisfy { $0.bytes == Array("\r\n\r\n".utf8) })
            // From the listening socket, so the NAT binding kept alive is the one SIP uses.
            #expect(datagrams.allSatisfy { SIPEndpoint(.udp, $0.source) == (try? TransportTest.endpoint(alice, .udp)) })
            // Never faster than the interval: the fourth cannot arrive before four intervals have
            // passed. Measured from our side of the start, so late reads cannot bunch the figure.
            // (No upper bound: under load timers fire late; timing is for benchmarks.)
            #expect(fourth - started >= .milliseconds(400), "fourth after \(fourth - started)")
            // Stopped: whatever was in flight has arrived after a while, and then nothing more.
            try await Task.sleep(for: .milliseconds(300))
            let settled = peer.datagrams.count
            try await Task.sleep(for: .milliseconds(500))
            #expect(peer.datagrams.count == settled)
        }
    }

    @Test func tcpPingGetsAPong() async throws {
        var configuration = SIPTransportConfiguration(listenAddresses: ["127.0.0.1"], tcpPort: 0)
        // Generous: a pong late under a loaded test run must not read as a dead peer here.
        configuration.keepAlivePongTimeout = .seconds(10)
        try await TransportTest.withLayer(configuration) { alice, aliceEvents in
            try await TransportTest.withLayer(configuration) { door, _ in
                let doorEndpoint = try TransportTest.endpoint(door, .tcp)
                try await alice.send(TransportTest.options(transport: "TCP"), to: doorEndpoint)
                let connection = try #require(alice.connections.connection(to: doorEndpoint))
                try await connection.ping(timeout: .seconds(10)).get()

                alice.startKeepAlive(to: doorEndpoint, every: .milliseconds(100))
                try await Task.sleep(for: .milliseconds(500))
                alice.stopKeepAlive(to: doorEndpoint)
                #expect(aliceEvents.snapshot.isEmpty, "no keep-alive failure, no closed connection")
                #expect(alice.connections.connection(to: doorEndpoint) === connection)
            }
        }
    }

    @Test func peerThatNeverPongsFailsTheKeepAlive() async throws {
        var configuration = SIPTransportConfiguration(listenAddresses: ["127.0.0.1"], tcpPort: 0)
        configuration.keepAlivePongTimeout = .milliseconds(200)
        let silent = try await RawTCPServer()
        defer { Task { await silent.close() } }
        try await TransportTest.withLayer(configuration) { alice, aliceEvents in
            try await alice.send(TransportTest.options(transport: "TCP"), to: silent.endpoint)
            alice.startKeepAlive(to: silent.endpoint, every: .milliseconds(100))
            let failed = try await aliceEvents.next("keepAliveFailed") { event -> SIPEndpoint? in
                if case .keepAliveFailed(let endpoint) = event { endpoint } else { nil }
            }
            #expect(failed == silent.endpoint)
            let closed = try await aliceEvents.next("connectionClosed") { event -> String? in
                if case .connectionClosed(_, let reason) = event { reason } else { nil }
            }
            #expect(closed == "no keep-alive pong")
            #expect(silent.inbox.text.hasSuffix("\r\n\r\n"))
        }
    }
}
