import NIOCore
import NIOPosix
import Synchronization
@testable import Network

/// What a raw peer has received: bytes (or datagrams) with arrival times, and whether the
/// connection has closed. Filled on the event loop, read by the test.
final class RawInbox: Sendable {
    struct Datagram: Sendable {
        var bytes: [UInt8]
        var source: SocketAddress
        var at: ContinuousClock.Instant
    }

    let datagrams = Mutex<[Datagram]>([])
    let stream = Mutex<[UInt8]>([])
    let closed = Mutex(false)

    var text: String { String(decoding: stream.withLock { $0 }, as: UTF8.self) }
    var isClosed: Bool { closed.withLock { $0 } }

    final class DatagramHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let inbox: RawInbox
        init(_ inbox: RawInbox) { self.inbox = inbox }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            let datagram = Datagram(bytes: Array(envelope.data.readableBytesView), source: envelope.remoteAddress, at: .now)
            inbox.datagrams.withLock { $0.append(datagram) }
        }
    }

    final class StreamHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let inbox: RawInbox
        init(_ inbox: RawInbox) { self.inbox = inbox }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(unwrapInboundIn(data).readableBytesView)
            inbox.stream.withLock { $0.append(contentsOf: bytes) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            inbox.closed.withLock { $0 = true }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

/// A plain UDP socket on loopback that records what arrives and sends what it is told.
struct RawUDPPeer {
    let channel: any Channel
    let inbox = RawInbox()

    init(host: String = "127.0.0.1") async throws {
        let inbox = self.inbox
        channel = try await DatagramBootstrap(group: TransportTest.group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RawInbox.DatagramHandler(inbox)) }
            }
            .bind(host: host, port: 0)
            .get()
        endpoint = SIPEndpoint(.udp, channel.localAddress)!
    }

    let endpoint: SIPEndpoint

    func send(_ bytes: [UInt8], to remote: SIPEndpoint) async throws {
        let envelope = AddressedEnvelope(remoteAddress: remote.socketAddress()!, data: ByteBuffer(bytes: bytes))
        try await channel.writeAndFlush(envelope).get()
    }

    func send(_ text: String, to remote: SIPEndpoint) async throws {
        try await send(Array(text.utf8), to: remote)
    }

    var datagrams: [RawInbox.Datagram] { inbox.datagrams.withLock { $0 } }

    func close() async { try? await channel.close() }
}

/// A plain TCP client connection for writing exact byte sequences.
struct RawTCPClient {
    let channel: any Channel
    let inbox = RawInbox()

    init(to remote: SIPEndpoint) async throws {
        let inbox = self.inbox
        channel = try await ClientBootstrap(group: TransportTest.group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RawInbox.StreamHandler(inbox)) }
            }
            .connect(to: remote.socketAddress()!)
            .get()
        endpoint = SIPEndpoint(.tcp, channel.localAddress)!
    }

    /// This end as the layer sees it.
    let endpoint: SIPEndpoint

    func write(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    func close() async { try? await channel.close() }
}

/// A TCP server that accepts connections and reads, but never answers anything (no pongs).
struct RawTCPServer {
    let channel: any Channel
    let inbox = RawInbox()

    init() async throws {
        let inbox = self.inbox
        channel = try await ServerBootstrap(group: TransportTest.group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RawInbox.StreamHandler(inbox)) }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        endpoint = SIPEndpoint(.tcp, channel.localAddress)!
    }

    let endpoint: SIPEndpoint

    func close() async { try? await channel.close() }
}
