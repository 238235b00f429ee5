import Foundation
import NIOCore
import NIOPosix
import Network
import TestSupport
import Testing

/// The resolver and the locator against a real dnsmasq on 127.0.0.1, and against silent and
/// lying servers. Only loopback addresses are used; no real name server is ever asked.
extension DNS {
    @Suite struct ResolverTests {
        static let records: [Dnsmasq.Record] = [
            .naptr(name: "door.test", order: 10, preference: 50, flags: "s", service: "SIP+D2U", replacement: "_sip._udp.door.test"),
            .srv(service: "_sip._udp.door.test", target: "reg1.door.test", port: 5060, priority: 10, weight: 50),
            .srv(service: "_sip._udp.door.test", target: "reg2.door.test", port: 5060, priority: 20, weight: 50),
            .host("reg1.door.test", "127.0.0.2"),
            .host("reg2.door.test", "127.0.0.3"),
            .host("reg2.door.test", "::1"),
            // No NAPTR: the locator asks SRV per transport.
            .srv(service: "_sip._tcp.nonaptr.test", target: "reg1.door.test", port: 5070, priority: 0, weight: 0),
            .cname("alias.door.test", target: "reg1.door.test"),
        ]

        static func resolver(_ group: MultiThreadedEventLoopGroup, port: Int, timeout: Duration = .seconds(2), retries: Int = 1) -> DNSResolver {
            DNSResolver(group: group, configuration: .init(server: DNSNameServer(host: "127.0.0.1", port: port), timeout: timeout, retries: retries))
        }

        @Test(.timeLimit(.minutes(1)))
        func locatorFindsRegistrarsThroughDnsmasq() async throws {
            let dns = try await Dnsmasq.start(records: Self.records)
            defer { dns.stop() }
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            defer { group.shutdownGracefully { _ in } }
            let locator = SIPServerLocator(resolver: Self.resolver(group, port: dns.port))

            let targets = try await locator.locate(host: "door.test")
            #expect(targets == [
                SIPServerTarget(transport: .udp, address: "127.0.0.2", port: 5060, hostname: "reg1.door.test"),
                SIPServerTarget(transport: .udp, address: "127.0.0.3", port: 5060, hostname: "reg2.door.test"),
                SIPServerTarget(transport: .udp, address: "::1", port: 5060, hostname: "reg2.door.test"),
            ])
            let tcp = try await locator.locate(host: "nonaptr.test", transport: .tcp)
            #expect(tcp.map(\.description) == ["TCP 127.0.0.2:5070 (reg1.door.test)"])
            let fallback = try await locator.locate(host: "nonaptr.test")
            #expect(fallback.map(\.description) == ["TCP 127.0.0.2:5070 (reg1.door.test)"])
            #expect(dns.log.contains("query[NAPTR] door.test from 127.0.0.1"))
            #expect(dns.log.contains("query[SRV] _sip._udp.door.test from 127.0.0.1"))
            let started = ContinuousClock.now
            dns.stop()
            #expect(!dns.isRunning)
            #expect(ContinuousClock.now - started < .milliseconds(1900), "dnsmasq should exit on SIGTERM, not wait for the SIGKILL at 2 s")
            #expect(dns.log.contains("exiting on receipt of SIGTERM"))
        }

        @Test(.timeLimit(.minutes(1)))
        func resolverKeepsTTLsAndTreatsNXDOMAINAsEmpty() async throws {
            let dns = try await Dnsmasq.start(records: Self.records + [.host("ttl.door.test", "127.0.0.4", ttl: 77)])
            defer { dns.stop() }
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            defer { group.shutdownGracefully { _ in } }
            let resolver = Self.resolver(group, port: dns.port)

            let a = try await resolver.query("reg1.door.test", type: .a)
            #expect(a == [DNSRecord(name: "reg1.door.test", ttl: 0, data: .a(IPAddress("127.0.0.2")!))])
            #expect(try await resolver.query("ttl.door.test", type: .a).map(\.ttl) == [77])
            #expect(try await resolver.query("reg1.door.test", type: .aaaa).isEmpty)
            #expect(try await resolver.query("missing.door.test", type: .a).isEmpty)
            let viaAlias = try await resolver.query("alias.door.test", type: .a)
            #expect(viaAlias.map(\.data) == [.a(IPAddress("127.0.0.2")!)])
            let response = try await resolver.exchange(.query(id: 7, name: "missing.door.test", type: .a))
            #expect(response.id == 7 && response.responseCode == .nameError)
            // Outside the local domain dnsmasq has nowhere to forward to.
            await #expect(throws: DNSError.serverError(name: "example.invalid", type: .a, server: "127.0.0.1:\(dns.port)", rcode: .refused)) {
                try await resolver.query("example.invalid", type: .a)
            }
            dns.stop()
        }

        @Test(.timeLimit(.minutes(1)))
        func silentServerTimesOutAfterRetries() async throws {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            defer { group.shutdownGracefully { _ in } }
            let server = try await FakeDNSServer.start(group: group) { _ in [] }
            defer { server.close() }
            let resolver = Self.resolver(group, port: server.port, timeout: .milliseconds(200), retries: 2)
            let started = ContinuousClock.now
            await #expect(throws: DNSError.timedOut(name: "door.test", type: .srv, server: "127.0.0.1:\(server.port)", attempts: 3)) {
                try await resolver.query("door.test", type: .srv)
            }
            let elapsed = ContinuousClock.now - started
            #expect(elapsed >= .milliseconds(550) && elapsed < .seconds(5))
            #expect(server.received.withLock { $0 } == 3)
        }

        /// Answers with the wrong ID or the wrong question are ignored; the matching one is taken.
        @Test(.timeLimit(.minutes(1)))
        func onlyTheMatchingAnswerIsAccepted() async throws {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            defer { group.shutdownGracefully { _ in } }
            let server = try await FakeDNSServer.start(group: group) { query in
                let id = UInt16(query[0]) << 8 | UInt16(query[1])
                return [
                    FakeDNSServer.answer(id: id &+ 1, question: query, address: [127, 0, 0, 66]),
                    [0xFF, 0x00],  // garbage
                    FakeDNSServer.answer(id: id, question: FakeDNSServer.question("other.test"), address: [127, 0, 0, 67]),
                    FakeDNSServer.answer(id: id, question: query, address: [127, 0, 0, 77]),
                ]
            }
            defer { server.close() }
            let records = try await Self.resolver(group, port: server.port, timeout: .seconds(2), retries: 0).query("door.test", type: .a)
            #expect(records == [DNSRecord(name: "door.test", ttl: 30, data: .a(IPAddress("127.0.0.77")!))])
        }

        @Test func dnsmasqHelperRefusesNonLoopbackAddresses() {
            #expect(throws: Dnsmasq.Failure.self) { try Dnsmasq(records: [.host("x.test", "192.0.2.1")]) }
            #expect(throws: Dnsmasq.Failure.self) { try Dnsmasq(records: [], address: "0.0.0.0") }
        }
    }
}
