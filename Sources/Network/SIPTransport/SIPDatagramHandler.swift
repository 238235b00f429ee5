import Logging
import NIOCore
import SIPMessage

/// Receives SIP over one UDP socket: each datagram is one message (RFC 3261 §18.3). Keep-alive
/// datagrams are ignored, malformed requests answered with 400/505/513 where they can be,
/// everything else unreadable dropped. Nothing a peer sends stops the socket.
final class SIPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let parser: SIPMessageParser
    private let events: AsyncStream<SIPTransportEvent>.Continuation
    private let logger: Logger
    private var rateLimiter = LogRateLimiter()

    init(limits: SIPParserLimits, events: AsyncStream<SIPTransportEvent>.Continuation, logger: Logger) {
        self.parser = SIPMessageParser(limits: limits)
        self.events = events
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let source = SIPEndpoint(.udp, envelope.remoteAddress) else { return }
        let bytes = Array(envelope.data.readableBytesView)
        // RFC 5626 §3.5.1 / §4.4.1: a CRLF or CRLFCRLF datagram is a keep-alive, not a message.
        if bytes.allSatisfy({ $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }) { return }
        let now = ContinuousClock.now
        let parsed: SIPMessageParser.Parsed
        do {
            parsed = try parser.parse(bytes)
        } catch {
            reject(bytes, error: error, from: envelope.remoteAddress, source: source, now: now, context: context)
            return
        }
        // The bound address; for a wildcard bind, the datagram's destination (IP_PKTINFO) instead.
        guard var destination = SIPEndpoint(.udp, context.channel.localAddress) else { return }
        if destination.isWildcard, let packetInfo = envelope.metadata?.packetInfo,
           let actual = SIPEndpoint(.udp, packetInfo.destinationAddress) {
            destination.address = actual.address
        }
        let received = ReceivedSIPMessage(
            message: parsed.message.stampingReceived(from: source),
            source: source,
            local: destination,
            receivedAt: now
        )
        if case .dropped = events.yield(.message(received)), rateLimiter.shouldLog("queue", now: now) {
            logger.warning("SIP event queue full, datagram dropped", metadata: ["sip.transport": "udp"])
        }
    }

    /// Answers a malformed request when its Via, From, To, Call-ID and CSeq can be read
    /// (RFC 3261 §8.2.2, to the datagram's source: no Via routing for a message we cannot trust);
    /// otherwise drops it. Either way at most one notice per source address per 10 s.
    private func reject(
        _ bytes: [UInt8], error: SIPParseError, from address: SocketAddress, source: SIPEndpoint,
        now: ContinuousClock.Instant, context: ChannelHandlerContext
    ) {
        let level: Logger.Level = rateLimiter.shouldLog(source.address, now: now) ? .notice : .debug
        var metadata: Logger.Metadata = [
            "sip.transport": "udp",
            "sip.peer": "\(source.hostPort)",
            "error": "\(error)",
        ]
        guard let response = parser.errorResponse(for: bytes, error: error) else {
            logger.log(level: level, "dropped an unreadable SIP datagram", metadata: metadata)
            return
        }
        metadata["sip.status"] = "\(response.statusCode)"
        logger.log(level: level, "answered a malformed SIP request", metadata: metadata)
        let data = context.channel.allocator.buffer(bytes: SIPMessage.response(response).serialized())
        context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: data)), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors surface here as ECONNREFUSED on the next read; the socket stays open.
        logger.debug("UDP socket error", metadata: ["sip.transport": "udp", "error": "\(error)"])
    }
}
