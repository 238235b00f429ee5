import Logging
import NIOCore
import NIOTLS
import SIPMessage

/// The SIP end of a TCP or TLS channel's pipeline: cuts the byte stream into messages with a
/// `SIPStreamFramer`, answers keep-alive pings, hands pongs to the connection, and reports the
/// connection to the table once usable (after the TLS handshake, for TLS) and when it ends.
final class SIPStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var framer: SIPStreamFramer
    private let connection: SIPConnection
    private let table: SIPConnectionTable
    private let events: AsyncStream<SIPTransportEvent>.Continuation
    private let logger: Logger
    /// Completed once the connection is usable or has failed; outbound connections only.
    private let ready: EventLoopPromise<SIPConnection>?
    private var isReady = false

    init(
        connection: SIPConnection,
        limits: SIPParserLimits,
        table: SIPConnectionTable,
        events: AsyncStream<SIPTransportEvent>.Continuation,
        logger: Logger,
        ready: EventLoopPromise<SIPConnection>?
    ) {
        self.framer = SIPStreamFramer(parser: SIPMessageParser(limits: limits), role: connection.role)
        self.connection = connection
        self.table = table
        self.events = events
        self.logger = logger
        self.ready = ready
        // A connect that times out or fails its handshake leaves nothing half-open.
        ready?.futureResult.whenFailure { [connection] error in connection.close(reason: "\(error)") }
    }

    func channelActive(context: ChannelHandlerContext) {
        // TLS is usable only after the handshake; see userInboundEventTriggered.
        if connection.remote.transport == .tcp { becomeReady() }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            becomeReady()
        } else if event is IdleStateHandler.IdleStateEvent {
            connection.close(reason: "idle timeout")
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let outputs: [SIPStreamFramer.Output]
        do {
            outputs = try framer.feed(buffer.readableBytesView)
        } catch {
            // RFC 3261 §18.3: the stream cannot be resynchronised after a framing error.
            logger.notice("closing SIP connection after a framing error", metadata: metadata(["error": "\(error)"]))
            connection.close(reason: "framing error: \(error)")
            return
        }
        for output in outputs {
            switch output {
            case .message(let message):
                deliver(message)
            case .ping:
                // RFC 5626 §4.4.1: a CRLFCRLF ping is answered with a single CRLF.
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "\r\n")), promise: nil)
            case .pong:
                connection.pongReceived()
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !isReady { ready?.fail(error) }
        let reason = SIPTransportError.reason(error)
        connection.noteCloseReason(reason)
        logger.debug("SIP connection error", metadata: metadata(["error": "\(reason)"]))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        table.closed(connection, reason: connection.closeReason ?? "closed by peer")
        context.fireChannelInactive()
    }

    private func becomeReady() {
        guard !isReady else { return }
        isReady = true
        guard table.register(connection) else {
            ready?.fail(SIPTransportError.shutDown)
            connection.close(reason: "shutting down")
            return
        }
        ready?.succeed(connection)
    }

    private func deliver(_ message: SIPMessage) {
        let source = connection.remote
        let received = ReceivedSIPMessage(
            message: message.stampingReceived(from: source),
            source: source,
            local: connection.local ?? SIPEndpoint(transport: source.transport, address: "0.0.0.0", port: 0),
            receivedAt: .now
        )
        if case .dropped = events.yield(.message(received)) {
            logger.debug("SIP event queue full, message dropped", metadata: metadata([:]))
        }
    }

    private func metadata(_ extra: Logger.Metadata) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "sip.transport": "\(connection.remote.transport)",
            "sip.peer": "\(connection.remote.hostPort)",
        ]
        metadata.merge(extra) { $1 }
        return metadata
    }
}
