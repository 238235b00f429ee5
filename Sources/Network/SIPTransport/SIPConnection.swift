import NIOCore
import SIPMessage
import Synchronization

/// One TCP or TLS connection carrying SIP, in either direction. RFC 3261 §18.2.2 and §18.3 let
/// requests and responses flow both ways on it, so it is found again by its remote endpoint
/// whichever side opened it. Thread-safe; the channel's handler feeds it pongs and its end.
final class SIPConnection: Sendable, CustomStringConvertible {
    let channel: any Channel
    let remote: SIPEndpoint
    /// `.client` when we opened it (we send keep-alive pings), `.server` when we accepted it.
    let role: SIPStreamFramer.Role

    private struct State {
        var closeReason: String?
        var pongWaiter: EventLoopPromise<Void>?
        var isRegistered = false
    }

    private let state = Mutex(State())

    init(channel: any Channel, remote: SIPEndpoint, role: SIPStreamFramer.Role) {
        self.channel = channel
        self.remote = remote
        self.role = role
    }

    /// The local address and port of the socket (for a wildcard listener, the interface address).
    var local: SIPEndpoint? { SIPEndpoint(remote.transport, channel.localAddress) }

    var description: String { "\(remote) (\(role == .client ? "outbound" : "inbound"))" }

    /// Writes one serialized message (or keep-alive) and flushes.
    func write(_ bytes: [UInt8]) -> EventLoopFuture<Void> {
        channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Closes the connection; `reason` is what the `.connectionClosed` event will say.
    func close(reason: String) {
        state.withLock { if $0.closeReason == nil { $0.closeReason = reason } }
        channel.close(promise: nil)
    }

    /// Records why the connection is going away when nothing more specific was recorded.
    func noteCloseReason(_ reason: String) {
        state.withLock { if $0.closeReason == nil { $0.closeReason = reason } }
    }

    var closeReason: String? { state.withLock { $0.closeReason } }

    /// Marks the connection as usable (connected, TLS handshake done): only such connections
    /// are reported as closed. Returns false if it was already marked.
    func markRegistered() -> Bool {
        state.withLock { state in
            defer { state.isRegistered = true }
            return !state.isRegistered
        }
    }

    var isRegistered: Bool { state.withLock { $0.isRegistered } }

    /// Sends a CRLFCRLF ping (RFC 5626 §4.4.1) and succeeds when the CRLF pong arrives, or fails
    /// after `timeout`. A ping already waiting for its pong is not repeated; its wait is shared.
    func ping(timeout: Duration) -> EventLoopFuture<Void> {
        let eventLoop = channel.eventLoop
        let (promise, isNew) = state.withLock { state -> (EventLoopPromise<Void>, Bool) in
            if let waiter = state.pongWaiter { return (waiter, false) }
            let promise = eventLoop.makePromise(of: Void.self)
            state.pongWaiter = promise
            return (promise, true)
        }
        guard isNew else { return promise.futureResult }
        let remote = self.remote
        let timer = eventLoop.scheduleTask(in: TimeAmount(timeout)) { [self] in
            takeWaiter(promise)?.fail(SIPTransportError.timedOut(remote))
        }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        write(Array("\r\n\r\n".utf8)).whenFailure { [self] error in takeWaiter(promise)?.fail(error) }
        return promise.futureResult
    }

    /// A CRLF pong arrived: the outstanding ping, if any, succeeds.
    func pongReceived() {
        let waiter = state.withLock { state -> EventLoopPromise<Void>? in
            defer { state.pongWaiter = nil }
            return state.pongWaiter
        }
        waiter?.succeed()
    }

    /// The channel is gone: a ping still waiting fails.
    func channelClosed() {
        let waiter = state.withLock { state -> EventLoopPromise<Void>? in
            defer { state.pongWaiter = nil }
            return state.pongWaiter
        }
        waiter?.fail(ChannelError.ioOnClosedChannel)
    }

    /// Removes `promise` as the waiter if it still is one, so a later ping gets a fresh wait.
    private func takeWaiter(_ promise: EventLoopPromise<Void>) -> EventLoopPromise<Void>? {
        state.withLock { state in
            guard state.pongWaiter == promise else { return nil }
            state.pongWaiter = nil
            return promise
        }
    }
}
