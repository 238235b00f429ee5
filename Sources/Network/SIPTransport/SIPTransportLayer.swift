import Logging
import NIOCore
import NIOSSL
import SIPMessage
import Synchronization

/// Sends and receives SIP messages over UDP, TCP and TLS (RFC 3261 §18) for the user agent.
///
/// Received messages, closed connections and failed keep-alives arrive on `events`. Requests
/// there already carry `received`/`rport` in their top Via (RFC 3261 §18.2.1, RFC 3581 §4).
/// UDP is sent from the listening socket, so a peer's `rport` and NAT bindings refer to it;
/// TCP/TLS reuse any open connection to the endpoint, whichever side opened it (§18.2.2).
public final class SIPTransportLayer: Sendable {
    /// A bound socket: UDP, or a TCP/TLS listener.
    struct Listener: Sendable {
        var transport: SIPTransport
        var channel: any Channel
        var local: SIPEndpoint
    }

    struct State {
        enum Phase { case idle, started, shutDown }
        var phase = Phase.idle
        var listeners: [Listener] = []
        var keepAlives: [SIPEndpoint: Task<Void, Never>] = [:]
        var clientContext: NIOSSLContext?
        var serverContext: NIOSSLContext?
    }

    let group: any EventLoopGroup
    let configuration: SIPTransportConfiguration
    let logger: Logger
    let state = Mutex(State())
    let connections: SIPConnectionTable
    let continuation: AsyncStream<SIPTransportEvent>.Continuation

    /// Messages, closed connections and keep-alive failures, in arrival order; finishes at
    /// `shutdown()`. Bounded: when the consumer falls 4096 events behind, new ones are dropped
    /// (SIP retransmits requests over UDP; a stream peer's transaction times out).
    public let events: AsyncStream<SIPTransportEvent>

    public init(group: any EventLoopGroup, configuration: SIPTransportConfiguration, logger: Logger) {
        self.group = group
        self.configuration = configuration
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: SIPTransportEvent.self, bufferingPolicy: .bufferingOldest(4096))
        connections = SIPConnectionTable(events: continuation, logger: logger)
    }

    /// The bound listeners' addresses, e.g. to learn ephemeral ports.
    public var listeningEndpoints: [SIPEndpoint] {
        state.withLock { $0.listeners.map(\.local) }
    }

    /// What to put in Via sent-by and Contact for `transport` (RFC 3261 §18.1.1, §8.1.1.8).
    /// - The listener's address and port, with a wildcard address replaced by the local address
    ///   of the open connection to `remote`, else of the route toward `remote`.
    /// - TCP/TLS without a listener: the local end of the open connection to `remote`.
    /// - nil when neither exists (UDP without a listener cannot send at all).
    public func localEndpoint(_ transport: SIPTransport, toward remote: SIPEndpoint?) -> SIPEndpoint? {
        let listener = self.listener(transport, toward: remote)
        let connection = remote.flatMap { remote in
            transport == .udp ? nil : connections.connection(to: SIPEndpoint(transport: transport, address: remote.address, port: remote.port))
        }
        guard var endpoint = listener?.local else { return connection?.local }
        if endpoint.isWildcard {
            if let local = connection?.local {
                endpoint.address = local.address
            } else if let address = remote?.socketAddress().flatMap(RouteLookup.localAddress(toward:))
                        ?? RouteLookup.someLocalAddress(ipv6: endpoint.isIPv6) {
                endpoint.address = address
            }
        }
        return endpoint
    }

    /// Sends one message. UDP goes out of the listening socket of the remote's address family;
    /// TCP/TLS over the open connection to `remote` or a new one, made within `connectTimeout`.
    /// `serverName` is the name TLS sends as SNI and checks the certificate against (RFC 5922
    /// §4.1: the domain of the SIP URI); without it, the certificate must name the IP address.
    /// A UAS answering over TCP/TLS passes the request's `source` to use the same connection.
    public func send(_ message: SIPMessage, to remote: SIPEndpoint, serverName: String? = nil) async throws(SIPTransportError) {
        let bytes = message.serialized()
        switch remote.transport {
        case .udp:
            try await sendDatagram(bytes, to: remote)
        case .tcp, .tls:
            let connection = try await connection(to: remote, serverName: serverName)
            do {
                try await connection.write(bytes).get()
            } catch {
                throw .connectionFailed(remote, reason: SIPTransportError.reason(error))
            }
        }
    }

    /// IPv4 has 65,507 bytes of UDP payload at most; the UA switches to TCP long before
    /// (RFC 3261 §18.1.1: above 1300 bytes), so this catches only a programming error upstream.
    static let maximumDatagramSize = 65_507

    func sendDatagram(_ bytes: [UInt8], to remote: SIPEndpoint) async throws(SIPTransportError) {
        guard bytes.count <= Self.maximumDatagramSize else {
            throw .messageTooLarge(size: bytes.count, limit: Self.maximumDatagramSize)
        }
        if state.withLock({ $0.phase == .shutDown }) { throw .shutDown }
        guard let listener = listener(.udp, toward: remote) else { throw .notListening(.udp) }
        guard let address = remote.socketAddress() else {
            throw .sendFailed(remote, reason: "not a numeric IP address")
        }
        let envelope = AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: bytes))
        do {
            try await listener.channel.writeAndFlush(envelope).get()
        } catch {
            throw .sendFailed(remote, reason: SIPTransportError.reason(error))
        }
    }

    /// The listener for `transport` in the remote's address family (any, without a remote).
    func listener(_ transport: SIPTransport, toward remote: SIPEndpoint?) -> Listener? {
        state.withLock { state in
            state.listeners.first { $0.transport == transport && (remote == nil || $0.local.isIPv6 == remote!.isIPv6) }
        }
    }

    /// Stops keep-alives, closes every connection and listener, and finishes `events`.
    /// Waits only for the channels to close, which NIO bounds (TLS close_notify: 5 s).
    public func shutdown() async {
        let (listeners, keepAlives) = state.withLock { state in
            state.phase = .shutDown
            defer {
                state.listeners = []
                state.keepAlives = [:]
            }
            return (state.listeners, Array(state.keepAlives.values))
        }
        for task in keepAlives { task.cancel() }
        let open = connections.shutDown()
        for connection in open { connection.close(reason: "shutting down") }
        for listener in listeners { try? await listener.channel.close() }
        for connection in open { try? await connection.channel.closeFuture.get() }
        continuation.finish()
        logger.debug("SIP transports shut down")
    }
}
