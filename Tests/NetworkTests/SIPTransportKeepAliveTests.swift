import SIPMessage
import Testing
@testable import Network

@Suite struct SIPTransportKeepAliveTests {
    @Test func udpKeepAlivesArriveAtTheInterval() async throws {
        try await TransportTest.withLayer(SIPTransportConfiguration(listenAddresses: ["127.0.0.1"], udpPort: 0)) { alice, _ in
            let peer = try await RawUDPPeer()
            defer { Task { await peer.close() } }
            alice.startKeepAlive(to: peer.endpoint, every: .milliseconds(100))
            try await TransportTest.wait("four keep-alives") { peer.datagrams.count >= 4 }
            alice.stopKeepAlive(to: peer.endpoint)
            let datagrams = peer.datagrams
            #expect(datagrams.allSatisfy { $0.bytes == Array("\r\n\r\n".utf8) })
            // From the listening socket, so the NAT binding kept alive is the one SIP uses.
            #expect(datagrams.allSatisfy { SIPEndpoint(.udp, $0.source) == (try? TransportTest.endpoint(alice, .udp)) })
            let gaps = zip(datagrams.dropFirst(), datagrams).map { $0.at - $1.at }
            // Never faster than the interval. (No upper bound: under load timers fire late, and
            // timing is for benchmarks, not tests.)
            let mean = (datagrams.last!.at - datagrams.first!.at) / (datagrams.count - 1)
            #expect(mean >= .milliseconds(90), "gaps: \(gaps)")
            let afterStop = peer.datagrams.count
            try await Task.sleep(for: .milliseconds(300))
            #expect(peer.datagrams.count <= afterStop + 1)
        }
    }

    @Test func tcpPingGetsAPong() async throws {
        var configuration = SIPTransportConfiguration(listenAddresses: ["127.0.0.1"], tcpPort: 0)
        configuration.keepAlivePongTimeout = .seconds(2)
        try await TransportTest.withLayer(configuration) { alice, aliceEvents in
            try await TransportTest.withLayer(configuration) { door, _ in
                let doorEndpoint = try TransportTest.endpoint(door, .tcp)
                try await alice.send(TransportTest.options(transport: "TCP"), to: doorEndpoint)
                let connection = try #require(alice.connections.connection(to: doorEndpoint))
                try await connection.ping(timeout: .seconds(2)).get()

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
