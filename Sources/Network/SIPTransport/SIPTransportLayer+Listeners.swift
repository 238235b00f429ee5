import Logging
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

extension SIPTransportLayer {
    /// Binds every configured transport on every listen address. On the first failure the
    /// sockets already bound are closed again and the error names the one that failed
    /// ("UDP 127.0.0.1:5060: address in use").
    public func start() async throws(SIPTransportError) {
        let clientContext: NIOSSLContext?
        do {
            clientContext = try configuration.tls.makeClientContext()
        } catch {
            // A board without the system's CA store (no ca-certificates) still works over UDP and
            // TCP; only connections to TLS servers fail, each with this reason.
            guard configuration.tls.trustRoots == .system else { throw error }
            logger.warning("tls.no_trust_store", metadata: ["reason": "\(error)", "effect": "SIP over TLS to servers fails; UDP and TCP work"])
            clientContext = nil
        }
        let serverContext = configuration.tlsPort == nil ? nil : try configuration.tls.makeServerContext()
        guard state.withLock({ state -> Bool in
            guard state.phase == .idle else { return false }
            state.phase = .started
            state.clientContext = clientContext
            state.serverContext = serverContext
            return true
        }) else { throw .shutDown }
        if configuration.tlsPort != nil && serverContext == nil {
            logger.notice("no TLS certificate configured: not listening on TLS", metadata: ["sip.transport": "tls"])
        }
        var bound: [Listener] = []
        for transport in SIPTransport.allCases {
            guard let port = configuration.port(for: transport), transport != .tls || serverContext != nil else { continue }
            for address in configuration.listenAddresses {
                let endpoint = SIPEndpoint(transport: transport, address: address, port: port)
                do {
                    let listener = try await bind(endpoint, serverContext: serverContext)
                    bound.append(listener)
                    logger.info("listening for SIP", metadata: ["sip.transport": "\(transport)", "sip.local": "\(listener.local.hostPort)"])
                } catch {
                    for listener in bound { try? await listener.channel.close() }
                    throw error
                }
            }
        }
        state.withLock { $0.listeners = bound }
    }

    private func bind(_ endpoint: SIPEndpoint, serverContext: NIOSSLContext?) async throws(SIPTransportError) -> Listener {
        guard let address = endpoint.socketAddress() else {
            throw .bindFailed(endpoint, reason: "not a numeric IP address")
        }
        let channel: any Channel
        do {
            channel = switch endpoint.transport {
            case .udp: try await bindDatagram(address, endpoint: endpoint)
            case .tcp, .tls: try await bindStream(address, endpoint: endpoint, serverContext: serverContext)
            }
        } catch {
            throw .bindFailed(endpoint, reason: SIPTransportError.reason(error))
        }
        let local = SIPEndpoint(endpoint.transport, channel.localAddress) ?? endpoint
        return Listener(transport: endpoint.transport, channel: channel, local: local)
    }

    /// IPV6_V6ONLY, so that "::" and "0.0.0.0" can both be bound to one port.
    private static let ipv6Only = ChannelOptions.socket(SocketOptionLevel(IPPROTO_IPV6), SocketOptionName(IPV6_V6ONLY))

    private func bindDatagram(_ address: SocketAddress, endpoint: SIPEndpoint) async throws -> any Channel {
        let limits = configuration.limits
        let events = continuation
        let logger = logger
        // No SO_REUSEADDR: on Linux it would let a second daemon share the port silently.
        var bootstrap = DatagramBootstrap(group: group)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
        if endpoint.isIPv6 { bootstrap = bootstrap.channelOption(Self.ipv6Only, value: 1) }
        // IP_PKTINFO: on a wildcard socket, which of our addresses each datagram was sent to.
        if endpoint.isWildcard { bootstrap = bootstrap.channelOption(.receivePacketInfo, value: true) }
        return try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SIPDatagramHandler(limits: limits, events: events, logger: logger))
                }
            }
            .bind(to: address)
            .get()
    }

    private func bindStream(_ address: SocketAddress, endpoint: SIPEndpoint, serverContext: NIOSSLContext?) async throws -> any Channel {
        let transport = endpoint.transport
        let tlsContext = transport == .tls ? serverContext : nil
        var bootstrap = ServerBootstrap(group: group).serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        if endpoint.isIPv6 { bootstrap = bootstrap.serverChannelOption(Self.ipv6Only, value: 1) }
        return try await bootstrap
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let remote = SIPEndpoint(transport, channel.remoteAddress) else { throw ChannelError.inappropriateOperationForState }
                    let connection = SIPConnection(channel: channel, remote: remote, role: .server)
                    let pipeline = channel.pipeline.syncOperations
                    if let tlsContext { try pipeline.addHandler(NIOSSLServerHandler(context: tlsContext)) }
                    try pipeline.addHandler(IdleStateHandler(allTimeout: TimeAmount(configuration.idleTimeout)))
                    try pipeline.addHandler(SIPStreamHandler(
                        connection: connection, limits: configuration.limits, table: connections,
                        events: continuation, logger: logger, ready: nil
                    ))
                }
            }
            .bind(to: address)
            .get()
    }
}
