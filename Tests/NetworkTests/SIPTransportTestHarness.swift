import Foundation
import Logging
import NIOCore
import NIOPosix
import SIPMessage
import Synchronization
import Testing
@testable import Network

/// Shared pieces of the SIPTransport tests: layers that are always shut down, bounded waits for
/// events, raw UDP/TCP peers built on NIO, and throw-away TLS certificates.
enum TransportTest {
    struct TimedOut: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }

    static let group = MultiThreadedEventLoopGroup.singleton

    static func logger(_ label: String = "sip-transport-test") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .notice
        return logger
    }

    /// Runs `body` with a started layer, shutting it down on every path.
    static func withLayer<T>(
        _ configuration: SIPTransportConfiguration,
        logger: Logger = logger(),
        _ body: (SIPTransportLayer, EventCollector) async throws -> T
    ) async throws -> T {
        let layer = SIPTransportLayer(group: group, configuration: configuration, logger: logger)
        let collector = EventCollector(layer)
        do {
            try await layer.start()
            let result = try await body(layer, collector)
            await layer.shutdown()
            return result
        } catch {
            await layer.shutdown()
            throw error
        }
    }

    /// An OPTIONS request as a UA would send it; the Via sent-by deliberately differs from the
    /// real source, so the receiver must add `received`.
    static func options(transport: String = "UDP", sentBy: String = "192.0.2.1:5060", callID: String = "a84b4c76e66710") -> SIPMessage {
        let text = """
            OPTIONS sip:door@example.com SIP/2.0\r
            Via: SIP/2.0/\(transport) \(sentBy);branch=z9hG4bK776asdhds;rport\r
            Max-Forwards: 70\r
            To: <sip:door@example.com>\r
            From: <sip:alice@example.com>;tag=1928301774\r
            Call-ID: \(callID)\r
            CSeq: 63104 OPTIONS\r
            Content-Length: 0\r
            \r

            """
        return try! SIPMessageParser().parse(text)
    }

    static func optionsBytes(callID: String = "a84b4c76e66710", maxForwards: String = "70") -> [UInt8] {
        Array("""
            OPTIONS sip:door@example.com SIP/2.0\r
            Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds\r
            Max-Forwards: \(maxForwards)\r
            To: <sip:door@example.com>\r
            From: <sip:alice@example.com>;tag=1928301774\r
            Call-ID: \(callID)\r
            CSeq: 63104 OPTIONS\r
            Content-Length: 0\r
            \r

            """.utf8)
    }

    /// The 200 to `request`, copying the headers RFC 3261 §8.2.6.2 says to copy.
    static func ok(to request: SIPMessage) -> SIPMessage {
        var headers = SIPHeaders()
        for name in [SIPHeaderName.via, .from, .to, .callID, .cseq] {
            for value in request.headers.values(name) { headers.append(name, value) }
        }
        return .response(SIPResponse(statusCode: 200, headers: headers))
    }

    static func endpoint(_ layer: SIPTransportLayer, _ transport: SIPTransport, ipv6: Bool = false) throws -> SIPEndpoint {
        try #require(layer.listeningEndpoints.first { $0.transport == transport && $0.isIPv6 == ipv6 })
    }

    /// Polls `condition` every 10 ms until it holds or `timeout` passes.
    static func wait(_ what: String, timeout: Duration = .seconds(5), until condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TimedOut(what: what) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// A TCP port nobody listens on: bound and closed again.
    /// A TCP port on 127.0.0.1 that refuses connections: bound by a socket that never listens,
    /// and held until `body` returns, so no test running in parallel can take it meanwhile.
    static func withClosedPort(_ body: (Int) async throws -> Void) async throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        try await body(Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// Collects a layer's events so tests can wait for one with a timeout.
final class EventCollector: Sendable {
    private final class Storage: Sendable {
        let events = Mutex<[SIPTransportEvent]>([])
    }

    private let storage = Storage()
    private let task: Task<Void, Never>

    init(_ layer: SIPTransportLayer) {
        let stream = layer.events
        let storage = self.storage
        task = Task {
            for await event in stream { storage.events.withLock { $0.append(event) } }
        }
    }

    deinit { task.cancel() }

    /// Removes and returns the first event that `match` maps to a value, waiting up to `timeout`.
    func next<T>(_ what: String, timeout: Duration = .seconds(5), _ match: (SIPTransportEvent) -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            let found = storage.events.withLock { events -> T? in
                for (index, event) in events.enumerated() {
                    if let value = match(event) {
                        events.remove(at: index)
                        return value
                    }
                }
                return nil
            }
            if let found { return found }
            guard ContinuousClock.now < deadline else { throw TransportTest.TimedOut(what: what) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func nextMessage(timeout: Duration = .seconds(5)) async throws -> ReceivedSIPMessage {
        try await next("a SIP message", timeout: timeout) { event in
            if case .message(let message) = event { message } else { nil }
        }
    }

    /// Every event so far, left in place.
    var snapshot: [SIPTransportEvent] { storage.events.withLock { $0 } }
}

/// Log lines kept in memory, to count what a test caused to be logged.
final class CapturedLog: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
    }

    let lines = Mutex<[Line]>([])

    var logger: Logger {
        var logger = Logger(label: "captured") { _ in Handler(log: self) }
        logger.logLevel = .debug
        return logger
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            log.lines.withLock { $0.append(Line(level: event.level, message: "\(event.message)")) }
        }
    }
}
