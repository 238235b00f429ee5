import NIOCore
import SIPMessage

/// One end of a SIP flow: transport, numeric address and port. Addresses are kept in canonical
/// form (RFC 5952 for IPv6, no brackets) so that `::1` and `0:0::1` name the same endpoint and a
/// connection can be found again by the address a peer was reached at.
public struct SIPEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var transport: SIPTransport
    /// A numeric IPv4 or IPv6 address without brackets.
    public var address: String
    public var port: Int

    public init(transport: SIPTransport, address: String, port: Int) {
        self.transport = transport
        self.address = IPAddress(address)?.description ?? address
        self.port = port
    }

    /// The endpoint of a resolved server target.
    public init(_ target: SIPServerTarget) {
        self.init(transport: target.transport, address: target.address, port: target.port)
    }

    /// `UDP 127.0.0.1:5060`, `TLS [::1]:5061`.
    public var description: String {
        "\(transport) \(hostPort)"
    }

    /// `127.0.0.1:5060` or `[::1]:5060`, as in a Via sent-by (RFC 3261 §25.1).
    public var hostPort: String {
        (address.contains(":") ? "[\(address)]" : address) + ":\(port)"
    }

    var isIPv6: Bool { address.contains(":") }

    /// True for "0.0.0.0" and "::", which bind every interface.
    var isWildcard: Bool { IPAddress(address).map { $0.bytes.allSatisfy { $0 == 0 } } ?? false }

    /// The socket address to connect or send to; nil when `address` is not numeric.
    func socketAddress() -> SocketAddress? {
        try? SocketAddress(ipAddress: address, port: port)
    }

    /// The endpoint of a socket address NIO reports; nil for Unix sockets.
    init?(_ transport: SIPTransport, _ address: SocketAddress?) {
        guard let address, let ip = address.ipAddress, let port = address.port else { return nil }
        self.init(transport: transport, address: ip, port: port)
    }
}

/// A message as it came off the wire, with where it came from and where it arrived.
public struct ReceivedSIPMessage: Sendable {
    /// For a request, the top Via already carries `received`/`rport` (RFC 3261 §18.2.1, RFC 3581 §4).
    public var message: SIPMessage
    /// The peer: for TCP/TLS, the connection's remote end, which `send(_:to:)` answers on.
    public var source: SIPEndpoint
    /// The local address and port the message arrived at.
    public var local: SIPEndpoint
    public var receivedAt: ContinuousClock.Instant

    public init(message: SIPMessage, source: SIPEndpoint, local: SIPEndpoint, receivedAt: ContinuousClock.Instant) {
        self.message = message
        self.source = source
        self.local = local
        self.receivedAt = receivedAt
    }
}

/// What the transport layer reports to the user agent.
public enum SIPTransportEvent: Sendable {
    case message(ReceivedSIPMessage)
    /// A TCP/TLS connection to or from this endpoint closed; its transactions fail over
    /// (RFC 3261 §17.1.4) and an outbound flow re-registers (RFC 5626 §4.4).
    case connectionClosed(SIPEndpoint, reason: String)
    /// No CRLF pong within the timeout (RFC 5626 §4.4.1); the connection has been closed.
    case keepAliveFailed(SIPEndpoint)
}
