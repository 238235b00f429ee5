import Logging
import NIOCore
import SIP
import SIPMessage

/// The SIP user agent: runs the pure transaction layer and one registration per account over
/// the transports and the RFC 3263 resolver. It is an actor whose executor is a NIO event loop,
/// so all signalling state lives on that one loop (DESIGN.md "Planes and threads"); timers are
/// NIO scheduled tasks that feed expiries back into the pure machines.
public actor SIPUserAgent {
    let eventLoop: any EventLoop
    let transport: SIPTransportLayer
    let locator: any SIPServerLocating
    let configuration: UserAgentConfiguration
    /// The media plane; nil runs signalling only (SDP with ports that nothing receives on).
    let media: MediaEngine?
    var logger: Logger
    let epoch = ContinuousClock.now

    var transactions: TransactionLayer
    /// Who started each client transaction, and where its requests go.
    var clientOwners: [TransactionKey: ClientOwner] = [:]
    /// Where each server transaction's responses go.
    var serverPeers: [TransactionKey: SIPEndpoint] = [:]
    /// Where each call's client transaction goes.
    var clientTargets: [TransactionKey: SIPServerTarget] = [:]
    /// Live calls by Call-ID, and the last ended ones for `ctl status`.
    var calls: [String: CallEntry] = [:]
    var endedCalls: [CallStatus] = []
    let callUpdates: AsyncStream<CallUpdate>.Continuation
    /// Every call event (incoming, progress, established, DTMF, ended…) for the door-station policy.
    public nonisolated let callEvents: AsyncStream<CallUpdate>
    var accounts: [Int: AccountRegistration] = [:]
    var timers: [UserAgentTimer: Scheduled<Void>] = [:]
    var random = SystemRandomNumberGenerator()
    var quarantine: TargetQuarantine
    let outgoing: AsyncStream<Outgoing>.Continuation
    private let outgoingStream: AsyncStream<Outgoing>
    let stateChanges: AsyncStream<RegistrationStatus>.Continuation
    /// Every change of an account's registration state, for the log, `ctl status` and events.
    public nonisolated let registrationChanges: AsyncStream<RegistrationStatus>

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        eventLoop.executor.asUnownedSerialExecutor()
    }

    enum ClientOwner {
        case registration(account: Int, target: SIPServerTarget)
        case options
        case call(String, CallSession.RequestKind)
    }

    /// Why a client transaction ended without a final response.
    enum ClientFailure: Equatable, CustomStringConvertible {
        case timeout
        case transportError
        case connectionLost(String)

        var description: String {
            switch self {
            case .timeout: "no response (timeout)"
            case .transportError: "transport error"
            case .connectionLost(let reason): "connection lost: \(reason)"
            }
        }
    }

    struct Outgoing {
        var message: SIPMessage
        var destination: SIPEndpoint
        var serverName: String?
        var key: TransactionKey?
    }

    public init(eventLoop: any EventLoop, transport: SIPTransportLayer, locator: any SIPServerLocating,
                configuration: UserAgentConfiguration, media: MediaEngine? = nil, logger: Logger) {
        self.eventLoop = eventLoop
        self.media = media
        self.transport = transport
        self.locator = locator
        self.configuration = configuration
        self.logger = logger
        transactions = TransactionLayer(timers: configuration.timers)
        quarantine = TargetQuarantine(duration: configuration.quarantine)
        (outgoingStream, outgoing) = AsyncStream.makeStream(of: Outgoing.self)
        (registrationChanges, stateChanges) = AsyncStream.makeStream(of: RegistrationStatus.self, bufferingPolicy: .bufferingNewest(64))
        (callEvents, callUpdates) = AsyncStream.makeStream(of: CallUpdate.self, bufferingPolicy: .bufferingNewest(256))
    }

    /// Time for the pure machines: since this user agent was made.
    var now: Duration { ContinuousClock.now - epoch }

    /// Runs until `stop()` finishes: consumes transport events and sends queued messages.
    public func run() async {
        for account in configuration.accounts where account.register {
            accounts[account.index] = AccountRegistration(account: account)
            startRegistration(account.index)
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.sendLoop() }
            group.addTask { await self.receiveLoop() }
            if let media = self.media {
                group.addTask { for await event in media.events { await self.mediaEvent(event) } }
            }
        }
    }

    /// Un-REGISTERs every account that asks for it (bounded by `unregisterTimeout`), then ends `run()`.
    public func stop() async {
        // SIGTERM is graceful (STYLE.md §11): calls get their BYE or CANCEL before the un-REGISTER.
        hangUpAll()
        let pending = accounts.keys.filter { accounts[$0]?.account.unregisterAtStop == true }
        for index in pending { unregister(index) }
        let deadline = ContinuousClock.now + configuration.unregisterTimeout
        while ContinuousClock.now < deadline, accounts.values.contains(where: \.isUnregistering) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for timer in timers.values { timer.cancel() }
        timers.removeAll()
        await media?.shutdown()
        outgoing.finish()
        stateChanges.finish()
        callUpdates.finish()
    }

    /// The registration state of every account, for `ctl status`.
    public func registrationStatus() -> [RegistrationStatus] {
        accounts.keys.sorted().compactMap { accounts[$0]?.status }
    }

    private func sendLoop() async {
        for await item in outgoingStream {
            do {
                try await transport.send(item.message, to: item.destination, serverName: item.serverName)
            } catch {
                logger.notice("sip.send failed", metadata: ["sip.destination": "\(item.destination)", "error": "\(error)"])
                if let key = item.key { perform(transactions.handle(.transportError(key), now: now)) }
            }
        }
    }

    private func receiveLoop() async {
        for await event in transport.events {
            switch event {
            case .message(let received):
                receive(received)
            case .connectionClosed(let endpoint, let reason):
                connectionLost(endpoint, reason: reason)
            case .keepAliveFailed(let endpoint):
                connectionLost(endpoint, reason: "no keep-alive answer")
            }
            if Task.isCancelled { break }
        }
    }

    private func receive(_ received: ReceivedSIPMessage) {
        let reliable = received.source.transport != .udp
        if case .request(let request) = received.message, request.method != .ack,
           let key = TransactionKey(serverRequest: request), !transactions.contains(key) {
            serverPeers[key] = responseDestination(for: request, source: received.source)
        }
        perform(transactions.handle(.receive(received.message, reliable: reliable), now: now))
    }

    /// RFC 3261 §18.2.2 and RFC 3581 §4: over TCP/TLS answer on the connection the request came
    /// on; over UDP to `received`/`rport` of the top Via (filled in by the transport).
    func responseDestination(for request: SIPRequest, source: SIPEndpoint) -> SIPEndpoint {
        guard source.transport == .udp, let top = request.headers[.via].flatMap({ try? Via($0) }) else { return source }
        let host = top.received ?? top.host
        let port = top.rport ?? top.port ?? 5060
        return SIPEndpoint(transport: .udp, address: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, port: port)
    }

    /// Carries out the transaction layer's actions.
    func perform(_ actions: [TransactionLayer.Action]) {
        for action in actions {
            switch action {
            case .stray(let message):
                stray(message)
            case .transaction(let key, let action):
                perform(action, for: key)
            }
        }
    }

    private func perform(_ action: TransactionAction, for key: TransactionKey) {
        switch action {
        case .send(let message):
            if let destination = destination(for: key) {
                outgoing.yield(Outgoing(message: message, destination: destination, serverName: serverName(for: key), key: key))
            }
        case .startTimer(let timer, let delay):
            schedule(.transaction(key, timer), after: delay)
        case .cancelTimer(let timer):
            cancelTimer(.transaction(key, timer))
        case .passToTU(let message):
            deliver(message, key: key)
        case .timeout:
            clientFailed(key, .timeout)
        case .transportFailed:
            clientFailed(key, .transportError)
        case .terminated:
            for timer in timers.keys where timer.transactionKey == key { cancelTimer(timer) }
            clientOwners[key] = nil
            serverPeers[key] = nil
            clientTargets[key] = nil
        }
    }

    private func destination(for key: TransactionKey) -> SIPEndpoint? {
        switch clientOwners[key] {
        case .registration(_, let target): return target.endpoint
        case .call: return clientTargets[key]?.endpoint
        case .options, .none: return serverPeers[key]
        }
    }

    private func serverName(for key: TransactionKey) -> String? {
        if case .registration(_, let target) = clientOwners[key] { return target.hostname }
        return clientTargets[key]?.hostname
    }

    private func deliver(_ message: SIPMessage, key: TransactionKey) {
        switch message {
        case .request(let request):
            answer(request, key: key)
        case .response(let response):
            switch clientOwners[key] {
            case .registration(let account, let target): registrationResponse(response, account: account, target: target, key: key)
            case .call(let callID, let kind): callResponse(response, call: callID, kind: kind)
            case .options, .none: break
            }
        }
    }

    private func clientFailed(_ key: TransactionKey, _ failure: ClientFailure) {
        switch clientOwners[key] {
        case .registration(let account, let target): registrationFailed(account: account, target: target, key: key, failure: failure)
        case .call(let callID, let kind): drive(callID, .requestFailed(kind, failure.description))
        case .options, .none: break
        }
    }

    private func stray(_ message: SIPMessage) {
        // §13.3.1.4: the ACK for a 2xx is its own transaction; a 2xx retransmission after the
        // INVITE transaction ended must be ACKed again (§13.2.2.4).
        switch message {
        case .request(let request) where request.method == .ack:
            if inDialogRequest(request, key: nil) { return }
        case .response(let response):
            strayResponse(response)
        default:
            break
        }
        logger.debug("sip.stray", metadata: ["sip.message": "\(message.startLineSummary)"])
    }
}

extension SIPServerTarget {
    var endpoint: SIPEndpoint { SIPEndpoint(self) }
}

extension SIPMessage {
    /// "INVITE sip:…" or "200 OK (REGISTER)", for log lines.
    var startLineSummary: String {
        switch self {
        case .request(let request): "\(request.method) \(request.uri)"
        case .response(let response): "\(response.statusCode) \(response.reason) (\(response.headers[.cseq] ?? ""))"
        }
    }
}
