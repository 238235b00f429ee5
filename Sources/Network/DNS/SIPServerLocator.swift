/// RFC 3263 §4, the client side: from a SIP URI's host, port and transport to the ordered list of
/// transport/address/port targets the user agent tries in turn (§4.3 "try the next one").
///
/// The decisions live in `SIPLookupPlan`, `selectNAPTR` and `orderSRV`; this type only fetches
/// records through a `DNSQuerying`, so it runs the same over `DNSResolver` and over a test fake.
/// A failed lookup (timeout, SERVFAIL) counts as "no records" and the procedure moves on to the
/// next step, so that one broken record set does not hide the others; only when no target at all
/// is found does `locate` throw, naming the last failure.
public struct SIPServerLocator: Sendable {
    /// The transports we speak, in order of preference: which NAPTR services are kept and which
    /// SRV names are asked when there is no NAPTR.
    public var transports: [SIPTransport]
    /// The order of each host's addresses: IPv4 first by default, since door stations often sit on
    /// IPv4-only LANs where an AAAA address is unreachable and would cost a timeout per attempt.
    public var addressPreference: AddressPreference

    private let resolver: any DNSQuerying
    private let pick: @Sendable (ClosedRange<Int>) -> Int

    /// - Parameter pick: the random source for SRV weights (RFC 2782); tests pass a fixed one.
    public init(
        resolver: any DNSQuerying,
        transports: [SIPTransport] = [.udp, .tcp, .tls],
        addressPreference: AddressPreference = .ipv4First,
        pick: @escaping @Sendable (ClosedRange<Int>) -> Int = { Int.random(in: $0) }
    ) {
        self.resolver = resolver
        self.transports = transports
        self.addressPreference = addressPreference
        self.pick = pick
    }

    /// The targets for a SIP URI, best first, without duplicates.
    /// - Parameters:
    ///   - host: the URI's host: a name, an IPv4 address, or an IPv6 address with or without brackets.
    ///   - port: the URI's explicit port, if any.
    ///   - transport: the URI's `transport` parameter, if any.
    ///   - secure: whether the URI is `sips:`; then only TLS targets are returned.
    public func locate(host: String, port: Int? = nil, transport: SIPTransport? = nil, secure: Bool = false) async throws(DNSError) -> [SIPServerTarget] {
        var run = Run(locator: self)
        let targets: [SIPServerTarget]
        switch SIPLookupPlan(host: host, port: port, transport: transport, secure: secure, supported: transports) {
        case .numeric(let target):
            return [target]
        case .addresses(let host, let port, let transport):
            targets = await run.addressTargets(host: host, port: port, transport: transport)
        case .srv(let host, let transport):
            // §4.2: no SRV records → A/AAAA on the transport's default port.
            if let found = await run.srvTargets(name: "\(transport.srvPrefix).\(host)", transport: transport) {
                targets = found
            } else {
                targets = await run.addressTargets(host: host, port: transport.defaultPort, transport: transport)
            }
        case .naptr(let host, let transports):
            targets = await run.naptrTargets(host: host, transports: transports, secure: secure)
        }
        let unique = removingDuplicates(targets)
        guard !unique.isEmpty else { throw .noTargets(host: host, lastError: run.lastError) }
        return unique
    }

    /// One call of `locate`: the lookups, and the last failure seen for the final error.
    private struct Run {
        let locator: SIPServerLocator
        var lastError: DNSError?

        /// §4.1: NAPTR first; without usable NAPTR records (or when they lead nowhere), SRV for each
        /// transport; without any SRV records, A/AAAA on the default port of UDP (TLS for sips).
        mutating func naptrTargets(host: String, transports: [SIPTransport], secure: Bool) async -> [SIPServerTarget] {
            let naptr = await records(host, .naptr).compactMap { record -> NAPTRRecord? in
                if case .naptr(let naptr) = record.data { return naptr } else { return nil }
            }
            var targets: [SIPServerTarget] = []
            for (transport, name) in selectNAPTR(naptr, transports: transports) {
                targets += await srvTargets(name: name, transport: transport) ?? []
            }
            if !targets.isEmpty { return targets }

            var foundSRV = false
            for transport in transports {
                if let found = await srvTargets(name: "\(transport.srvPrefix).\(host)", transport: transport) {
                    foundSRV = true
                    targets += found
                }
            }
            if foundSRV { return targets }
            let fallback: SIPTransport = secure ? .tls : (transports.contains(.udp) ? .udp : transports.first ?? .udp)
            return await addressTargets(host: host, port: fallback.defaultPort, transport: fallback)
        }

        /// The SRV records of `name` in RFC 2782 order, each expanded to its addresses; `nil` when
        /// there are no SRV records at all (which lets the caller fall back to A/AAAA).
        mutating func srvTargets(name: String, transport: SIPTransport) async -> [SIPServerTarget]? {
            let srv = await records(name, .srv).compactMap { record -> SRVRecord? in
                if case .srv(let srv) = record.data { return srv } else { return nil }
            }
            guard !srv.isEmpty else { return nil }
            var targets: [SIPServerTarget] = []
            for record in orderSRV(srv, pick: locator.pick) {
                targets += await addressTargets(host: record.target, port: Int(record.port), transport: transport)
            }
            return targets
        }

        /// Every address of `host`, in the preferred family order.
        mutating func addressTargets(host: String, port: Int, transport: SIPTransport) async -> [SIPServerTarget] {
            var targets: [SIPServerTarget] = []
            for type in locator.addressPreference.queryTypes {
                for record in await records(host, type) {
                    switch record.data {
                    case .a(let address), .aaaa(let address):
                        targets.append(SIPServerTarget(transport: transport, address: address.description, port: port, hostname: host))
                    default:
                        break
                    }
                }
            }
            return targets
        }

        /// The records of one lookup, or none if it failed (the failure is kept for the final error).
        private mutating func records(_ name: String, _ type: DNSRecordType) async -> [DNSRecord] {
            do {
                return try await locator.resolver.query(name, type: type).filter { $0.type == type }
            } catch let error as DNSError {
                lastError = error
            } catch {
                lastError = .transport(server: "resolver", reason: "\(error)")
            }
            return []
        }
    }
}
