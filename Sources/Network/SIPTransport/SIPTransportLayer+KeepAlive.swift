import Logging
import NIOCore

extension SIPTransportLayer {
    /// Keeps the flow to `remote` alive (RFC 5626 §4.4): every `interval`, a CRLFCRLF datagram
    /// over UDP (the STUN form of §4.4.2 is not used, so no answer is expected), or a CRLFCRLF
    /// ping over TCP/TLS that must be answered with a CRLF pong within `keepAlivePongTimeout`;
    /// otherwise `.keepAliveFailed` is emitted and the connection closed. TCP/TLS pings go only
    /// over an open connection; none is opened for them. Replaces an earlier keep-alive to `remote`.
    public func startKeepAlive(to remote: SIPEndpoint, every interval: Duration) {
        let task = Task { [self] in
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                await sendKeepAlive(to: remote)
            }
        }
        let previous = state.withLock { state -> Task<Void, Never>? in
            guard state.phase != .shutDown else { return task }
            defer { state.keepAlives[remote] = task }
            return state.keepAlives[remote]
        }
        previous?.cancel()
    }

    public func stopKeepAlive(to remote: SIPEndpoint) {
        state.withLock { $0.keepAlives.removeValue(forKey: remote) }?.cancel()
    }

    private func sendKeepAlive(to remote: SIPEndpoint) async {
        let metadata: Logger.Metadata = ["sip.transport": "\(remote.transport)", "sip.peer": "\(remote.hostPort)"]
        switch remote.transport {
        case .udp:
            do {
                try await sendDatagram(Array("\r\n\r\n".utf8), to: remote)
            } catch {
                logger.debug("keep-alive not sent", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            }
        case .tcp, .tls:
            guard let connection = connections.connection(to: remote) else {
                logger.debug("keep-alive skipped: no open connection", metadata: metadata)
                return
            }
            do {
                try await connection.ping(timeout: configuration.keepAlivePongTimeout).get()
            } catch SIPTransportError.timedOut {
                guard !Task.isCancelled else { return }
                logger.notice("no keep-alive pong: closing the connection", metadata: metadata)
                continuation.yield(.keepAliveFailed(remote))
                connection.close(reason: "no keep-alive pong")
            } catch {
                // The connection closed while waiting; `.connectionClosed` reports that.
            }
        }
    }
}
