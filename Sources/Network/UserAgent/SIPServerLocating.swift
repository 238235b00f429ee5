/// RFC 3263 resolution as the user agent uses it; `SIPServerLocator` over DNS in the daemon,
/// a fixed list in tests that need no DNS server.
public protocol SIPServerLocating: Sendable {
    func locate(host: String, port: Int?, transport: SIPTransport?, secure: Bool) async throws -> [SIPServerTarget]
}

extension SIPServerLocator: SIPServerLocating {}
