import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// Everything that can go wrong binding, connecting and sending, naming the endpoint involved.
public enum SIPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A listener could not be bound: "UDP 127.0.0.1:5060: address in use".
    case bindFailed(SIPEndpoint, reason: String)
    /// A certificate, key or CA file could not be loaded.
    case tlsConfiguration(reason: String)
    /// The TCP connection could not be made (refused, unreachable) or broke while sending.
    case connectionFailed(SIPEndpoint, reason: String)
    /// No connection (and handshake) within `connectTimeout`.
    case timedOut(SIPEndpoint)
    /// The TLS handshake failed: untrusted chain, wrong name, protocol mismatch.
    case tlsHandshakeFailed(reason: String)
    /// Larger than a datagram can carry; the UA must use TCP (RFC 3261 §18.1.1).
    case messageTooLarge(size: Int, limit: Int)
    /// Sending over a transport whose listener is not bound (UDP needs one to send from).
    case notListening(SIPTransport)
    /// A datagram could not be sent.
    case sendFailed(SIPEndpoint, reason: String)
    /// `shutdown()` has been called.
    case shutDown

    public var description: String {
        switch self {
        case .bindFailed(let endpoint, let reason): "\(endpoint): \(reason)"
        case .tlsConfiguration(let reason): "TLS configuration: \(reason)"
        case .connectionFailed(let endpoint, let reason): "connecting to \(endpoint): \(reason)"
        case .timedOut(let endpoint): "connecting to \(endpoint): timed out"
        case .tlsHandshakeFailed(let reason): "TLS handshake failed: \(reason)"
        case .messageTooLarge(let size, let limit): "message of \(size) bytes exceeds \(limit) bytes"
        case .notListening(let transport): "not listening on \(transport)"
        case .sendFailed(let endpoint, let reason): "sending to \(endpoint): \(reason)"
        case .shutDown: "the transport layer is shut down"
        }
    }

    /// A short human reason for a socket or TLS error: "address in use", "connection refused".
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as IOError:
            error.errnoCode == EADDRINUSE ? "address in use" : String(cString: strerror(error.errnoCode)).lowercased()
        case let error as NIOSSLError:
            switch error {
            case .handshakeFailed(let inner): "\(inner)"
            default: "\(error)"
            }
        case let error as ChannelError:
            switch error {
            case .connectTimeout: "timed out"
            case .ioOnClosedChannel, .alreadyClosed, .eof: "connection closed"
            default: "\(error)"
            }
        default:
            "\(error)"
        }
    }

    /// True for the errors NIOSSL raises when the peer's certificate or the handshake fails.
    static func isTLSFailure(_ error: any Error) -> Bool {
        error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError
    }
}
