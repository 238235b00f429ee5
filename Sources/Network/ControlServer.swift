import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The daemon's control socket: a Unix stream socket where each request is one line of text
/// (`press 1`, `status`) and each answer one line of JSON. `doorstationd ctl` is its client.
public final class ControlServer: Sendable {
    /// Answers one request line with one response line (without the newline).
    public typealias Handler = @Sendable (String) async -> String

    /// Requests longer than this are refused, so a misbehaving client cannot make the daemon grow.
    public static let maximumLineLength = 4096

    public let path: String
    private let channel: any Channel

    private init(path: String, channel: any Channel) {
        self.path = path
        self.channel = channel
    }

    /// Binds the socket (replacing a stale one left by a crash) and makes it readable and writable
    /// by the owner and group only, so that membership of the service's group grants control.
    public static func bind(path: String, group: any EventLoopGroup, logger: Logger, handler: @escaping Handler) async throws -> ControlServer {
        let channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder(limit: maximumLineLength)))
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(handler: handler, logger: logger))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true)
            .get()
        chmod(path, 0o660)
        return ControlServer(path: path, channel: channel)
    }

    /// Waits until the server is closed.
    public func run() async throws {
        try await channel.closeFuture.get()
    }

    /// Stops accepting connections and removes the socket file.
    public func close() async {
        try? await channel.close()
        unlink(path)
    }
}

/// Splits the byte stream at `\n` (a trailing `\r` is dropped), refusing over-long lines.
struct LineDecoder: ByteToMessageDecoder {
    typealias InboundOut = Result<String, LineTooLong>

    struct LineTooLong: Error {}

    let limit: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > limit {
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                context.fireChannelRead(wrapInboundOut(.failure(LineTooLong())))
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line.utf8.count > limit ? .failure(LineTooLong()) : .success(line)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A final request without a newline still counts.
        if buffer.readableBytes > 0, buffer.readableBytes <= limit, let line = buffer.readString(length: buffer.readableBytes) {
            context.fireChannelRead(wrapInboundOut(.success(line)))
        }
        return .needMoreData
    }
}

/// Runs each request through the handler in order and writes the answers back.
final class RequestHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Result<String, LineDecoder.LineTooLong>
    typealias OutboundOut = ByteBuffer

    let handler: ControlServer.Handler
    let logger: Logger

    init(handler: @escaping ControlServer.Handler, logger: Logger) {
        self.handler = handler
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let channel = context.channel
        switch unwrapInboundIn(data) {
        case .failure:
            let answer = #"{"ok":false,"error":"request longer than \#(ControlServer.maximumLineLength) bytes"}"#
            channel.writeAndFlush(ByteBuffer(string: answer + "\n")).whenComplete { _ in channel.close(promise: nil) }
        case .success(let line):
            let handler = self.handler
            let answered = context.eventLoop.makeFutureWithTask { await handler(line) }
            answered.whenSuccess { answer in
                channel.writeAndFlush(ByteBuffer(string: answer + "\n"), promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("control connection closed", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
