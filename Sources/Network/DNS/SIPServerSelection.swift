/// The pure half of RFC 3263 §4: which lookups a SIP URI calls for, and how NAPTR and SRV answers
/// are ordered. No I/O here; `SIPServerLocator` fetches the records and calls these.

/// Which address families to look up for a host, in which order.
public enum AddressPreference: Sendable, Hashable {
    case ipv4First
    case ipv6First
    case ipv4Only
    case ipv6Only

    var queryTypes: [DNSRecordType] {
        switch self {
        case .ipv4First: [.a, .aaaa]
        case .ipv6First: [.aaaa, .a]
        case .ipv4Only: [.a]
        case .ipv6Only: [.aaaa]
        }
    }
}

/// The first lookup RFC 3263 §4 calls for, decided from the URI alone.
enum SIPLookupPlan: Hashable, Sendable {
    /// A numeric host: no DNS at all (§4.1, §4.2).
    case numeric(SIPServerTarget)
    /// An explicit port: A/AAAA of the host on that port (§4.2).
    case addresses(host: String, port: Int, transport: SIPTransport)
    /// A transport but no port: SRV for that transport, then A/AAAA on its default port (§4.2).
    case srv(host: String, transport: SIPTransport)
    /// Neither: NAPTR (§4.1), else SRV for each transport, else A/AAAA on the default port.
    case naptr(host: String, transports: [SIPTransport])

    /// - Parameters:
    ///   - transport: the URI's `transport` parameter, if any.
    ///   - secure: a `sips:` URI, which may only be reached over TLS (RFC 3261 §26.2.2), whatever
    ///     transport it names.
    ///   - supported: the transports we speak, in order of preference.
    init(host: String, port: Int?, transport: SIPTransport?, secure: Bool, supported: [SIPTransport]) {
        let chosen: SIPTransport? = secure ? .tls : transport
        if let address = IPAddress(host) {
            // §4.1: a numeric host without a transport means UDP for sip, TLS for sips.
            let transport = chosen ?? .udp
            let target = SIPServerTarget(transport: transport, address: address.description, port: port ?? transport.defaultPort, hostname: address.description)
            self = .numeric(target)
        } else if let port {
            self = .addresses(host: host, port: port, transport: chosen ?? .udp)
        } else if let transport {
            self = .srv(host: host, transport: secure ? .tls : transport)
        } else {
            self = .naptr(host: host, transports: secure ? supported.filter { $0 == .tls } : supported)
        }
    }
}

/// The NAPTR records RFC 3263 §4.1 lets us use, best first: flag `s` (an SRV lookup follows), a
/// service for one of `transports`, ordered by order then preference (RFC 3403 §4.1). For a sips
/// URI, pass only `.tls`. Records with no replacement (`.`) cannot lead to an SRV lookup and are dropped.
func selectNAPTR(_ records: [NAPTRRecord], transports: [SIPTransport]) -> [(transport: SIPTransport, srvName: String)] {
    let usable = records.enumerated().compactMap { index, record -> (key: (UInt16, UInt16, Int), transport: SIPTransport, name: String)? in
        guard record.flags.lowercased() == "s", record.replacement != ".",
              let transport = SIPTransport(naptrService: record.services), transports.contains(transport) else { return nil }
        return ((record.order, record.preference, index), transport, record.replacement)
    }
    return usable.sorted { $0.key < $1.key }.map { ($0.transport, $0.name) }
}

/// Orders SRV records as RFC 2782 prescribes: by priority, lowest first; within a priority, by
/// repeated weighted random selection, with weight-0 records placed first so that they are chosen
/// only when the random number is 0 (a small chance unless all weights are 0).
///
/// `pick` returns a number in the range it is given; pass `Int.random(in:)`, or a fixed sequence in tests.
/// Records with target `.` (service not available) are dropped.
func orderSRV(_ records: [SRVRecord], pick: (ClosedRange<Int>) -> Int) -> [SRVRecord] {
    let available = records.filter { $0.target != "." }
    let priorities = Set(available.map(\.priority)).sorted()
    var ordered: [SRVRecord] = []
    ordered.reserveCapacity(available.count)
    for priority in priorities {
        let group = available.filter { $0.priority == priority }
        var remaining = group.filter { $0.weight == 0 } + group.filter { $0.weight != 0 }
        while !remaining.isEmpty {
            let total = remaining.reduce(0) { $0 + Int($1.weight) }
            let chosen = min(max(pick(0...total), 0), total)
            var running = 0
            var index = remaining.count - 1
            for (candidate, record) in remaining.enumerated() {
                running += Int(record.weight)
                if running >= chosen {
                    index = candidate
                    break
                }
            }
            ordered.append(remaining.remove(at: index))
        }
    }
    return ordered
}

/// The same target reached twice (two SRV records naming one host, a host in two NAPTR paths)
/// is kept only where it first appears.
func removingDuplicates(_ targets: [SIPServerTarget]) -> [SIPServerTarget] {
    var seen = Set<SIPServerTarget>()
    return targets.filter { seen.insert($0).inserted }
}
