import NIOCore
import NIOPosix
import Synchronization

/// A UDP "name server" on 127.0.0.1 that answers each query with whatever datagrams `respond`
/// returns (none: a silent server), for the cases dnsmasq will not produce: silence, wrong IDs, garbage.
final class FakeDNSServer: Sendable {
    let port: Int
    let received = Mutex(0)
    private let channel: any Channel

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    static func start(group: any EventLoopGroup, respond: @escaping @Sendable ([UInt8]) -> [[UInt8]]) async throws -> FakeDNSServer {
        let counter = Counter()
        let channel = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(respond: respond, counter: counter))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let server = FakeDNSServer(port: channel.localAddress?.port ?? 0, channel: channel)
        counter.server.withLock { $0 = server }
        return server
    }

    func close() {
        channel.close(promise: nil)
    }

    /// A response to `question` (a query packet) with one A record.
    static func answer(id: UInt16, question query: [UInt8], address: [UInt8]) -> [UInt8] {
        var end = 12
        while end < query.count && query[end] != 0 { end += Int(query[end]) + 1 }
        let question = query[12..<(end + 5)]
        return [UInt8(id >> 8), UInt8(id & 0xFF), 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0] + question
            + [0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4] + address
    }

    /// A query packet for `name`, type A, to build a mismatching answer from.
    static func question(_ name: String) -> [UInt8] {
        [0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0] + name.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0, 0, 1, 0, 1]
    }

    /// Lets the handler count into the server created after it.
    private final class Counter: Sendable {
        let server = Mutex<FakeDNSServer?>(nil)
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>

        let respond: @Sendable ([UInt8]) -> [[UInt8]]
        let counter: Counter

        init(respond: @escaping @Sendable ([UInt8]) -> [[UInt8]], counter: Counter) {
            self.respond = respond
            self.counter = counter
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let query = unwrapInboundIn(data)
            counter.server.withLock { $0?.received.withLock { $0 += 1 } }
            for answer in respond(Array(query.data.readableBytesView)) {
                let datagram = AddressedEnvelope(remoteAddress: query.remoteAddress, data: context.channel.allocator.buffer(bytes: answer))
                context.write(wrapOutboundOut(datagram), promise: nil)
            }
            context.flush()
        }
    }
}
