import Logging
import NIOCore
import Synchronization

/// The open TCP/TLS connections, by remote endpoint, and the outbound ones still connecting.
/// RFC 3261 §18.2.2/§18.3: a connection is reused for anything sent to its remote end, whichever
/// side opened it; concurrent sends to one endpoint share a single connection attempt.
final class SIPConnectionTable: Sendable {
    /// What `send` should do for an endpoint.
    enum Lookup {
        case open(SIPConnection)
        /// Another send is connecting; wait for its outcome.
        case pending(EventLoopFuture<SIPConnection>)
        /// The caller now owns the attempt and must complete this promise.
        case reserved(EventLoopPromise<SIPConnection>)
        case shutDown
    }

    private struct State {
        var connections: [SIPEndpoint: SIPConnection] = [:]
        var pending: [SIPEndpoint: EventLoopFuture<SIPConnection>] = [:]
        var isShutDown = false
    }

    private let state = Mutex(State())
    private let events: AsyncStream<SIPTransportEvent>.Continuation
    private let logger: Logger

    init(events: AsyncStream<SIPTransportEvent>.Continuation, logger: Logger) {
        self.events = events
        self.logger = logger
    }

    func connection(to remote: SIPEndpoint) -> SIPConnection? {
        state.withLock { $0.connections[remote] }
    }

    /// The open connection to `remote`, the attempt under way, or a new reservation whose
    /// promise is made on `eventLoop`. The reservation is dropped when its promise completes.
    func lookup(_ remote: SIPEndpoint, reservingOn eventLoop: any EventLoop) -> Lookup {
        let lookup = state.withLock { state -> Lookup in
            if state.isShutDown { return .shutDown }
            if let connection = state.connections[remote] { return .open(connection) }
            if let pending = state.pending[remote] { return .pending(pending) }
            let promise = eventLoop.makePromise(of: SIPConnection.self)
            state.pending[remote] = promise.futureResult
            return .reserved(promise)
        }
        if case .reserved(let promise) = lookup {
            let future = promise.futureResult
            future.whenComplete { [self] _ in
                state.withLock { state in
                    if state.pending[remote] === future { state.pending[remote] = nil }
                }
            }
        }
        return lookup
    }

    /// A connection became usable: outbound after connect (and handshake), inbound on accept.
    /// Returns false (and the caller closes it) after shutdown.
    func register(_ connection: SIPConnection) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard !state.isShutDown else { return false }
            state.connections[connection.remote] = connection
            return true
        }
        guard accepted else { return false }
        _ = connection.markRegistered()
        logger.debug("SIP connection open", metadata: metadata(connection))
        return true
    }

    /// The channel closed: forget the connection and tell the user agent, if it was ever usable.
    func closed(_ connection: SIPConnection, reason: String) {
        state.withLock { state in
            if state.connections[connection.remote] === connection { state.connections[connection.remote] = nil }
        }
        connection.channelClosed()
        guard connection.isRegistered else { return }
        var metadata = metadata(connection)
        metadata["reason"] = "\(reason)"
        logger.debug("SIP connection closed", metadata: metadata)
        events.yield(.connectionClosed(connection.remote, reason: reason))
    }

    /// Refuses new connections and returns every open one, for shutdown to close.
    func shutDown() -> [SIPConnection] {
        state.withLock { state in
            state.isShutDown = true
            return Array(state.connections.values)
        }
    }

    /// Every open connection, for `localEndpoint` and tests.
    var all: [SIPConnection] { state.withLock { Array($0.connections.values) } }

    private func metadata(_ connection: SIPConnection) -> Logger.Metadata {
        [
            "sip.transport": "\(connection.remote.transport)",
            "sip.peer": "\(connection.remote.hostPort)",
            "sip.direction": "\(connection.role == .client ? "outbound" : "inbound")",
        ]
    }
}
