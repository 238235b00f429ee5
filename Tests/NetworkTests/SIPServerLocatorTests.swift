@testable import Network
import Synchronization
import Testing

/// A resolver answering from a table, recording each query as `TYPE name`. Nothing leaves the process.
final class FakeResolver: DNSQuerying {
    let zone: [String: [DNSRecordData]]
    let failing: Set<String>
    let queries = Mutex<[String]>([])

    init(zone: [String: [DNSRecordData]], failing: Set<String> = []) {
        self.zone = zone
        self.failing = failing
    }

    func query(_ name: String, type: DNSRecordType) async throws -> [DNSRecord] {
        let key = "\(type) \(name)"
        queries.withLock { $0.append(key) }
        if failing.contains(key) { throw DNSError.timedOut(name: name, type: type, server: "fake", attempts: 3) }
        return (zone[key] ?? []).map { DNSRecord(name: name, ttl: 60, data: $0) }
    }
}

private func srv(_ priority: UInt16, _ weight: UInt16, _ port: UInt16, _ target: String) -> DNSRecordData {
    .srv(SRVRecord(priority: priority, weight: weight, port: port, target: target))
}

private func naptr(_ order: UInt16, _ preference: UInt16, _ flags: String, _ service: String, _ replacement: String) -> NAPTRRecord {
    NAPTRRecord(order: order, preference: preference, flags: flags, services: service, regexp: "", replacement: replacement)
}

private func a(_ text: String) -> DNSRecordData { .a(IPAddress(text)!) }
private func aaaa(_ text: String) -> DNSRecordData { .aaaa(IPAddress(text)!) }

/// Only loopback addresses, even though nothing is contacted.
private let zone: [String: [DNSRecordData]] = [
    "NAPTR naptr.test": [
        .naptr(naptr(20, 10, "s", "SIP+D2U", "_sip._udp.naptr.test")),
        .naptr(naptr(10, 20, "S", "sip+d2t", "_sip._tcp.naptr.test")),
        .naptr(naptr(10, 10, "s", "SIPS+D2T", "_sips._tcp.naptr.test")),
        .naptr(naptr(5, 10, "s", "SIP+D2S", "_sip._sctp.naptr.test")),  // SCTP: not ours
        .naptr(naptr(1, 1, "u", "E2U+sip", ".")),  // ENUM-style, not an SRV pointer
    ],
    "SRV _sip._udp.naptr.test": [srv(10, 0, 5060, "a.naptr.test")],
    "SRV _sip._tcp.naptr.test": [srv(10, 0, 5060, "b.naptr.test")],
    "SRV _sips._tcp.naptr.test": [srv(10, 0, 5061, "b.naptr.test")],
    "A a.naptr.test": [a("127.0.1.1")],
    "AAAA a.naptr.test": [aaaa("::1")],
    "A b.naptr.test": [a("127.0.1.2")],

    "SRV _sip._udp.srv.test": [srv(20, 0, 5060, "r2.srv.test"), srv(10, 0, 5060, "r1.srv.test")],
    "SRV _sip._tcp.srv.test": [srv(10, 0, 5070, "r1.srv.test")],
    "A r1.srv.test": [a("127.0.2.1")],
    "AAAA r1.srv.test": [aaaa("::1")],
    "A r2.srv.test": [a("127.0.2.2")],
    "A srv.test": [a("127.0.2.9")],

    "A plain.test": [a("127.0.3.1")],
    "A broken.test": [a("127.0.4.1")],
]

struct LocatorCase: Sendable, CustomTestStringConvertible {
    var label: String
    var host: String
    var port: Int? = nil
    var transport: SIPTransport? = nil
    var secure = false
    var transports: [SIPTransport] = [.udp, .tcp, .tls]
    var preference: AddressPreference = .ipv4First
    var queries: [String]
    var targets: [String]

    var testDescription: String { label }
}

private let naptrQueries = [
    "NAPTR naptr.test",
    "SRV _sips._tcp.naptr.test", "A b.naptr.test", "AAAA b.naptr.test",
    "SRV _sip._tcp.naptr.test", "A b.naptr.test", "AAAA b.naptr.test",
    "SRV _sip._udp.naptr.test", "A a.naptr.test", "AAAA a.naptr.test",
]
private let srvQueries = [
    "NAPTR srv.test",
    "SRV _sip._udp.srv.test", "A r1.srv.test", "AAAA r1.srv.test", "A r2.srv.test", "AAAA r2.srv.test",
    "SRV _sip._tcp.srv.test", "A r1.srv.test", "AAAA r1.srv.test",
    "SRV _sips._tcp.srv.test",
]

private let cases: [LocatorCase] = [
    LocatorCase(label: "numeric IPv4", host: "127.0.0.9", queries: [], targets: ["UDP 127.0.0.9:5060 (127.0.0.9)"]),
    LocatorCase(label: "numeric IPv4, sips", host: "127.0.0.9", secure: true, queries: [], targets: ["TLS 127.0.0.9:5061 (127.0.0.9)"]),
    LocatorCase(label: "numeric IPv6 with port and transport", host: "[::1]", port: 5070, transport: .tcp, queries: [], targets: ["TCP [::1]:5070 (::1)"]),
    LocatorCase(label: "numeric IPv6, TLS", host: "::1", transport: .tls, queries: [], targets: ["TLS [::1]:5061 (::1)"]),
    LocatorCase(label: "port: A/AAAA only", host: "srv.test", port: 5080, queries: ["A srv.test", "AAAA srv.test"], targets: ["UDP 127.0.2.9:5080 (srv.test)"]),
    LocatorCase(label: "port, sips: TLS", host: "srv.test", port: 5080, secure: true, queries: ["A srv.test", "AAAA srv.test"], targets: ["TLS 127.0.2.9:5080 (srv.test)"]),
    LocatorCase(label: "transport: SRV of it", host: "srv.test", transport: .tcp, queries: ["SRV _sip._tcp.srv.test", "A r1.srv.test", "AAAA r1.srv.test"],
                targets: ["TCP 127.0.2.1:5070 (r1.srv.test)", "TCP [::1]:5070 (r1.srv.test)"]),
    LocatorCase(label: "transport without SRV: A/AAAA on its port", host: "srv.test", transport: .tls,
                queries: ["SRV _sips._tcp.srv.test", "A srv.test", "AAAA srv.test"], targets: ["TLS 127.0.2.9:5061 (srv.test)"]),
    LocatorCase(label: "NAPTR by order then preference", host: "naptr.test", queries: naptrQueries, targets: [
        "TLS 127.0.1.2:5061 (b.naptr.test)", "TCP 127.0.1.2:5060 (b.naptr.test)", "UDP 127.0.1.1:5060 (a.naptr.test)", "UDP [::1]:5060 (a.naptr.test)",
    ]),
    LocatorCase(label: "NAPTR, sips: only SIPS+D2T", host: "naptr.test", secure: true,
                queries: ["NAPTR naptr.test", "SRV _sips._tcp.naptr.test", "A b.naptr.test", "AAAA b.naptr.test"], targets: ["TLS 127.0.1.2:5061 (b.naptr.test)"]),
    LocatorCase(label: "NAPTR, UDP only", host: "naptr.test", transports: [.udp],
                queries: ["NAPTR naptr.test", "SRV _sip._udp.naptr.test", "A a.naptr.test", "AAAA a.naptr.test"],
                targets: ["UDP 127.0.1.1:5060 (a.naptr.test)", "UDP [::1]:5060 (a.naptr.test)"]),
    LocatorCase(label: "no NAPTR: SRV per transport, priority order", host: "srv.test", queries: srvQueries, targets: [
        "UDP 127.0.2.1:5060 (r1.srv.test)", "UDP [::1]:5060 (r1.srv.test)", "UDP 127.0.2.2:5060 (r2.srv.test)",
        "TCP 127.0.2.1:5070 (r1.srv.test)", "TCP [::1]:5070 (r1.srv.test)",
    ]),
    LocatorCase(label: "no NAPTR, IPv6 first", host: "srv.test", preference: .ipv6First,
                queries: srvQueries.map { $0.hasPrefix("A ") ? "AAAA" + $0.dropFirst() : $0.hasPrefix("AAAA ") ? "A" + $0.dropFirst(4) : $0 }, targets: [
        "UDP [::1]:5060 (r1.srv.test)", "UDP 127.0.2.1:5060 (r1.srv.test)", "UDP 127.0.2.2:5060 (r2.srv.test)",
        "TCP [::1]:5070 (r1.srv.test)", "TCP 127.0.2.1:5070 (r1.srv.test)",
    ]),
    LocatorCase(label: "no NAPTR, IPv4 only", host: "srv.test", transport: .tcp, preference: .ipv4Only,
                queries: ["SRV _sip._tcp.srv.test", "A r1.srv.test"], targets: ["TCP 127.0.2.1:5070 (r1.srv.test)"]),
    LocatorCase(label: "no NAPTR, no SRV: A/AAAA on 5060 UDP", host: "plain.test",
                queries: ["NAPTR plain.test", "SRV _sip._udp.plain.test", "SRV _sip._tcp.plain.test", "SRV _sips._tcp.plain.test", "A plain.test", "AAAA plain.test"],
                targets: ["UDP 127.0.3.1:5060 (plain.test)"]),
    LocatorCase(label: "no NAPTR, no SRV, sips: A/AAAA on 5061 TLS", host: "plain.test", secure: true,
                queries: ["NAPTR plain.test", "SRV _sips._tcp.plain.test", "A plain.test", "AAAA plain.test"], targets: ["TLS 127.0.3.1:5061 (plain.test)"]),
    LocatorCase(label: "failed lookups count as empty", host: "broken.test",
                queries: ["NAPTR broken.test", "SRV _sip._udp.broken.test", "SRV _sip._tcp.broken.test", "SRV _sips._tcp.broken.test", "A broken.test", "AAAA broken.test"],
                targets: ["UDP 127.0.4.1:5060 (broken.test)"]),
]

extension DNS {
    @Suite struct SIPServerLocatorTests {
        @Test(arguments: cases)
        func followsRFC3263(_ test: LocatorCase) async throws {
            let resolver = FakeResolver(zone: zone, failing: ["NAPTR broken.test", "SRV _sip._udp.broken.test"])
            let locator = SIPServerLocator(resolver: resolver, transports: test.transports, addressPreference: test.preference, pick: { $0.lowerBound })
            let targets = try await locator.locate(host: test.host, port: test.port, transport: test.transport, secure: test.secure)
            #expect(targets.map(\.description) == test.targets)
            #expect(resolver.queries.withLock { $0 } == test.queries)
        }

        @Test func nothingFoundNamesTheLastFailure() async {
            let empty = SIPServerLocator(resolver: FakeResolver(zone: [:]))
            await #expect(throws: DNSError.noTargets(host: "nothing.test", lastError: nil)) { try await empty.locate(host: "nothing.test") }
            let failing = SIPServerLocator(resolver: FakeResolver(zone: [:], failing: ["A down.test", "AAAA down.test"]))
            await #expect(throws: DNSError.noTargets(host: "down.test", lastError: .timedOut(name: "down.test", type: .aaaa, server: "fake", attempts: 3))) {
                try await failing.locate(host: "down.test", port: 5060)
            }
        }

        /// RFC 2782: target `.` means "decidedly not available": no fallback to A/AAAA for that transport.
        @Test func srvTargetDotMeansNotAvailable() async {
            let resolver = FakeResolver(zone: ["SRV _sip._udp.none.test": [srv(0, 0, 0, ".")], "A none.test": [a("127.0.5.1")]])
            await #expect(throws: DNSError.self) { try await SIPServerLocator(resolver: resolver).locate(host: "none.test", transport: .udp) }
            #expect(resolver.queries.withLock { $0 } == ["SRV _sip._udp.none.test"])
        }

        // MARK: SRV ordering (RFC 2782)

        /// Priority 10: A (weight 60), B (40), C (0, so listed first); priority 20: D, E (weight 0).
        static let records = [
            SRVRecord(priority: 20, weight: 0, port: 1, target: "d"),
            SRVRecord(priority: 10, weight: 60, port: 1, target: "a"),
            SRVRecord(priority: 10, weight: 40, port: 1, target: "b"),
            SRVRecord(priority: 20, weight: 0, port: 1, target: "e"),
            SRVRecord(priority: 10, weight: 0, port: 1, target: "c"),
        ]

        @Test(arguments: [
            // Picks within priority 10 run against the running sums c:0, a:60, b:100.
            ([0, 61, 0, 0, 0], ["c", "b", "a", "d", "e"], ["0...100", "0...100", "0...60", "0...0", "0...0"]),
            ([1, 0, 0, 0, 0], ["a", "c", "b", "d", "e"], ["0...100", "0...40", "0...40", "0...0", "0...0"]),
            ([60, 40, 0, 0, 0], ["a", "b", "c", "d", "e"], ["0...100", "0...40", "0...0", "0...0", "0...0"]),
            ([100, 60, 0, 0, 0], ["b", "a", "c", "d", "e"], ["0...100", "0...60", "0...0", "0...0", "0...0"]),
            ([999, -5, 0, 0, 0], ["b", "c", "a", "d", "e"], ["0...100", "0...60", "0...60", "0...0", "0...0"]),  // out-of-range picks are clamped
        ])
        func srvOrderIsPriorityThenWeightedRandom(_ picks: [Int], _ expected: [String], _ ranges: [String]) {
            var remaining = picks[...]
            var asked: [String] = []
            let ordered = orderSRV(Self.records) { range in
                asked.append("\(range)")
                return remaining.popFirst() ?? range.lowerBound
            }
            #expect(ordered.map(\.target) == expected)
            #expect(asked == ranges)
        }

        @Test func srvWeightsShareTheLoad() {
            var generator = SplitMix(seed: 7)
            var firsts: [String: Int] = [:]
            for _ in 0..<10_000 {
                let first = orderSRV(Self.records) { Int.random(in: $0, using: &generator) }[0].target
                firsts[first, default: 0] += 1
            }
            // Expected shares of the first place: a 60 %, b 40 %, c 1/101.
            #expect((5700...6300).contains(firsts["a"] ?? 0))
            #expect((3700...4300).contains(firsts["b"] ?? 0))
            #expect((30...250).contains(firsts["c"] ?? 0))
            #expect(firsts["d"] == nil && firsts["e"] == nil)
        }

        // MARK: NAPTR selection (RFC 3263 §4.1)

        @Test(arguments: [
            ([SIPTransport.udp, .tcp, .tls], ["TLS _sips._tcp.naptr.test", "TCP _sip._tcp.naptr.test", "UDP _sip._udp.naptr.test"]),
            ([.tls], ["TLS _sips._tcp.naptr.test"]),
            ([.udp, .tcp], ["TCP _sip._tcp.naptr.test", "UDP _sip._udp.naptr.test"]),
            ([], []),
        ])
        func naptrOrderedAndFiltered(_ transports: [SIPTransport], _ expected: [String]) {
            let records = zone["NAPTR naptr.test"]!.compactMap { data -> NAPTRRecord? in
                if case .naptr(let record) = data { record } else { nil }
            }
            let selected = selectNAPTR(records + [naptr(1, 1, "s", "SIP+D2U", ".")], transports: transports)
            #expect(selected.map { "\($0.transport) \($0.srvName)" } == expected)
        }
    }
}

/// A small seeded generator, so the weight statistics test is repeatable.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
