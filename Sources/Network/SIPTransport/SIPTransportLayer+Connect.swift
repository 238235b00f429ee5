import Logging
import NIOCore
import NIOPosix
import NIOSSL

extension SIPTransportLayer {
    /// The open connection to `remote`, or a new one (RFC 3261 §18.2.2: reuse before connecting).
    /// Sends racing to one endpoint share the attempt.
    func connection(to remote: SIPEndpoint, serverName: String?) async throws(SIPTransportError) -> SIPConnection {
        let eventLoop = group.next()
        let future: EventLoopFuture<SIPConnection>
        switch connections.lookup(remote, reservingOn: eventLoop) {
        case .open(let connection):
            return connection
        case .shutDown:
            throw .shutDown
        case .pending(let pending):
            future = pending
        case .reserved(let promise):
            connect(to: remote, serverName: serverName, on: eventLoop, promise: promise)
            future = promise.futureResult
        }
        do {
            return try await future.get()
        } catch {
            throw Self.connectError(error, remote: remote)
        }
    }

    /// Connects and, for TLS, handshakes; `promise` succeeds once the connection is usable and
    /// fails on error or after `connectTimeout` for the whole of it.
    private func connect(to remote: SIPEndpoint, serverName: String?, on eventLoop: any EventLoop, promise: EventLoopPromise<SIPConnection>) {
        guard let address = remote.socketAddress() else {
            promise.fail(SIPTransportError.connectionFailed(remote, reason: "not a numeric IP address"))
            return
        }
        let tlsContext: NIOSSLContext?
        do {
            tlsContext = remote.transport == .tls ? try clientContext() : nil
        } catch {
            promise.fail(error)
            return
        }
        // SNI carries names only (RFC 6066 §3); without one NIOSSL checks the certificate
        // against the peer's IP address.
        let sni = serverName.flatMap { IPAddress($0) == nil ? $0 : nil }
        let timeout = TimeAmount(configuration.connectTimeout)
        let limits = configuration.limits
        let table = connections
        let events = continuation
        let logger = logger
        ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let connection = SIPConnection(channel: channel, remote: remote, role: .client)
                    let pipeline = channel.pipeline.syncOperations
                    if let tlsContext { try pipeline.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: sni)) }
                    try pipeline.addHandler(SIPStreamHandler(
                        connection: connection, limits: limits, table: table, events: events, logger: logger, ready: promise
                    ))
                }
            }
            .connect(to: address)
            .whenComplete { result in
                switch result {
                case .failure(let error):
                    promise.fail(error)
                case .success(let channel):
                    // Closed before usable without an error of its own (the peer hung up
                    // mid-handshake); a no-op once the connection is ready or failed.
                    channel.closeFuture.whenComplete { _ in promise.fail(ChannelError.ioOnClosedChannel) }
                }
            }
        let timer = eventLoop.scheduleTask(in: timeout) { promise.fail(SIPTransportError.timedOut(remote)) }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        promise.futureResult.whenFailure { error in
            logger.debug("SIP connection failed", metadata: [
                "sip.transport": "\(remote.transport)", "sip.peer": "\(remote.hostPort)", "error": "\(error)",
            ])
        }
    }

    /// The TLS client context made at `start()`, or now when sending before it.
    private func clientContext() throws(SIPTransportError) -> NIOSSLContext {
        if let context = state.withLock({ $0.clientContext }) { return context }
        let context = try configuration.tls.makeClientContext()
        state.withLock { $0.clientContext = context }
        return context
    }

    static func connectError(_ error: any Error, remote: SIPEndpoint) -> SIPTransportError {
        if let error = error as? SIPTransportError { return error }
        if case ChannelError.connectTimeout = error { return .timedOut(remote) }
        if SIPTransportError.isTLSFailure(error) { return .tlsHandshakeFailed(reason: SIPTransportError.reason(error)) }
        return .connectionFailed(remote, reason: SIPTransportError.reason(error))
    }
}
