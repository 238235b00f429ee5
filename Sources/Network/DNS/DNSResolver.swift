import NIOCore
import NIOPosix

/// Looks up records of one type for one name. `DNSResolver` is the real one; the SIP server
/// locator depends only on this, so its decisions can be tested with a fake.
public protocol DNSQuerying: Sendable {
    /// The answer records of `type` for `name`; empty when the name or the records do not exist.
    func query(_ name: String, type: DNSRecordType) async throws -> [DNSRecord]
}

/// A stub resolver (RFC 1035 §7) over UDP on SwiftNIO: it asks one recursive name server and
/// waits, without blocking a thread, for an answer for a bounded time per attempt.
///
/// Each query uses a fresh socket on a random port and a random ID, and accepts only an answer
/// from the server's address with that ID and the same question (RFC 5452 §9.1), so stray and
/// naively forged datagrams are ignored. There is no TCP fallback (RFC 7766): a truncated (TC)
/// answer is used as far as it goes; with EDNS(0) SIP-sized answers are rarely truncated.
public struct DNSResolver: DNSQuerying {
    public struct Configuration: Sendable {
        public var server: DNSNameServer
        /// How long to wait for an answer to one datagram before sending it again.
        public var timeout: Duration
        /// How many times a query is sent again after a timeout; the whole query is bounded by
        /// `timeout × (retries + 1)`.
        public var retries: Int
        /// The UDP payload size advertised with EDNS(0) (RFC 6891; 1232 per DNS flag day 2020),
        /// or `nil` for plain 512-byte RFC 1035 queries.
        public var ednsPayloadSize: UInt16?

        public init(server: DNSNameServer, timeout: Duration = .seconds(2), retries: Int = 2, ednsPayloadSize: UInt16? = 1232) {
            self.server = server
            self.timeout = timeout
            self.retries = max(0, retries)
            self.ednsPayloadSize = ednsPayloadSize
        }
    }

    public let configuration: Configuration
    private let group: any EventLoopGroup

    /// `group` must be a `MultiThreadedEventLoopGroup` (or its loops), as `DatagramBootstrap` requires.
    public init(group: any EventLoopGroup, configuration: Configuration) {
        self.group = group
        self.configuration = configuration
    }

    /// A resolver asking the first `nameserver` of /etc/resolv.conf.
    public init(group: any EventLoopGroup, timeout: Duration = .seconds(2), retries: Int = 2) throws(DNSError) {
        self.init(group: group, configuration: Configuration(server: try .systemDefault(), timeout: timeout, retries: retries))
    }

    /// The answer records of `type` for `name`. NXDOMAIN and NOERROR without records both give `[]`;
    /// other response codes (SERVFAIL, REFUSED, …) throw. CNAMEs are not returned: the recursive
    /// server has already followed them and put the records at the end of the chain in the answer.
    public func query(_ name: String, type: DNSRecordType) async throws -> [DNSRecord] {
        let response = try await exchange(DNSMessage.query(id: .random(in: .min ... .max), name: name, type: type))
        switch response.responseCode {
        case .noError, .nameError:
            return response.answers.filter { $0.type == type }
        default:
            throw DNSError.serverError(name: name, type: type, server: configuration.server.description, rcode: response.responseCode)
        }
    }

    /// Sends `query` and returns the full response, whatever its response code. A server that does
    /// not understand EDNS(0) and answers FORMERR is asked again without it (RFC 6891 §7).
    public func exchange(_ query: DNSMessage) async throws -> DNSMessage {
        let response = try await exchange(query, ednsPayloadSize: configuration.ednsPayloadSize)
        if response.responseCode == .formatError, configuration.ednsPayloadSize != nil {
            return try await exchange(query, ednsPayloadSize: nil)
        }
        return response
    }

    private func exchange(_ query: DNSMessage, ednsPayloadSize: UInt16?) async throws -> DNSMessage {
        let server = configuration.server
        let question = query.questions.first ?? DNSQuestion(name: ".", type: .a)
        let bytes = try query.encodedQuery(ednsPayloadSize: ednsPayloadSize)
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: server.host, port: server.port)
        } catch {
            throw DNSError.transport(server: server.description, reason: "not a numeric address: \(error)")
        }
        let loop = group.next()
        let answer = loop.makePromise(of: DNSMessage.self)
        let exchange = DNSExchange(
            query: bytes, id: query.id, question: question, server: address, serverName: server.description,
            timeout: TimeAmount(configuration.timeout), attempts: configuration.retries + 1, answer: answer
        )
        let channel: any Channel
        do {
            channel = try await DatagramBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(DNSExchangeHandler(exchange))
                    }
                }
                .bind(host: address.protocol == .inet6 ? "::" : "0.0.0.0", port: 0)
                .get()
        } catch {
            answer.fail(DNSError.transport(server: server.description, reason: "cannot open a UDP socket: \(error)"))
            throw DNSError.transport(server: server.description, reason: "cannot open a UDP socket: \(error)")
        }
        do {
            let message = try await answer.futureResult.get()
            try? await channel.close()
            return message
        } catch {
            try? await channel.close()
            throw error
        }
    }
}

/// What one exchange needs to know, built outside the event loop and handed to its handler.
struct DNSExchange: Sendable {
    let query: [UInt8]
    let id: UInt16
    let question: DNSQuestion
    let server: SocketAddress
    let serverName: String
    let timeout: TimeAmount
    let attempts: Int
    let answer: EventLoopPromise<DNSMessage>
}

/// Sends the query when the socket is bound, sends it again after each timeout, and completes the
/// promise with the first matching answer or with a timeout. Runs only on its channel's event loop.
final class DNSExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let exchange: DNSExchange
    private var sent = 0
    private var timer: Scheduled<Void>?
    private var finished = false
    /// The last reason an answer was unusable, reported instead of a bare timeout.
    private var lastProblem: DNSError?

    init(_ exchange: DNSExchange) {
        self.exchange = exchange
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context: context)
        context.fireChannelActive()
    }

    private func send(context: ChannelHandlerContext) {
        sent += 1
        let datagram = AddressedEnvelope(remoteAddress: exchange.server, data: context.channel.allocator.buffer(bytes: exchange.query))
        context.writeAndFlush(wrapOutboundOut(datagram), promise: nil)
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: exchange.timeout) { [self] in
            guard !finished else { return }
            if sent < exchange.attempts {
                send(context: context)
            } else {
                let question = exchange.question
                finish(.failure(lastProblem ?? .timedOut(name: question.name, type: question.type, server: exchange.serverName, attempts: sent)))
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let datagram = unwrapInboundIn(data)
        guard datagram.remoteAddress == exchange.server else { return }
        do {
            let message = try DNSMessage(decoding: Array(datagram.data.readableBytesView))
            guard message.isResponse, message.id == exchange.id, message.questions.count == 1,
                  message.questions[0].matches(exchange.question) else { return }
            finish(.success(message))
        } catch {
            lastProblem = error
        }
    }

    /// Socket errors (an ICMP port unreachable, a full send buffer) are remembered; the retries
    /// and the timeout still decide when to give up.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        lastProblem = .transport(server: exchange.serverName, reason: "\(error)")
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(lastProblem ?? .transport(server: exchange.serverName, reason: "socket closed before an answer")))
        context.fireChannelInactive()
    }

    private func finish(_ result: Result<DNSMessage, DNSError>) {
        guard !finished else { return }
        finished = true
        timer?.cancel()
        exchange.answer.completeWith(result.mapError { $0 as any Error })
    }
}
