import SIP
import SIPMessage

/// Where call messages go: requests and responses to the right session, our requests to the
/// right server, and the session parameters of each call.
extension SIPUserAgent {
    /// A new INVITE (no To tag): a call for the policy, after the session's own checks.
    func incomingInvite(_ request: SIPRequest, key: TransactionKey) -> Bool {
        guard configuration.calls.acceptIncoming, let callID = request.headers[.callID] else { return false }
        if calls[callID] != nil { return true }  // a merged or repeated INVITE: the transaction absorbs retransmissions
        let source = serverPeers[key]
        let transportKind = source?.transport ?? .udp
        let account = configuration.accounts.first { request.uri.user != nil && $0.aor.user == request.uri.user }
            ?? configuration.accounts.first
        let contactTarget = source.map { SIPServerTarget(transport: $0.transport, address: $0.address, port: $0.port, hostname: $0.address) }
        let settings = sessionConfiguration(account: account, toward: request.uri, transport: transportKind, target: contactTarget)
        let ports: (audio: UInt16, video: UInt16?)?
        do {
            ports = try reserveMedia(callID, localAddress: settings.contact.hostAddress)
        } catch {
            logger.error("call.refused", metadata: ["sip.call_id": "\(callID)", "reason": "\(error)"])
            perform(transactions.handle(.respond(request.makeResponse(503, reason: "No Media Port Available"), to: key), now: now))
            return true
        }
        let media = CallMedia(settings: configuration.calls.media, localAddress: settings.contact.hostAddress, ports: ports, seed: random.next())
        let session = CallSession(incoming: request, transaction: key, localTag: String(TransactionLayer.makeBranch(using: &random).suffix(10)),
                                  configuration: settings, negotiator: media, seed: random.next())
        let from = request.headers[.from].flatMap { try? NameAddress($0) }?.uri.description ?? "unknown"
        calls[callID] = CallEntry(session: session, direction: .incoming, account: account?.index, remote: from, transport: transportKind)
        calls[callID]?.state = "incoming"
        drive(callID, .start)
        guard calls[callID] != nil else {  // refused by the session's checks (420/422/488)
            stopMedia(callID)
            return true
        }
        logger.info("call.incoming", metadata: ["sip.call_id": "\(callID)", "call.from": "\(from)"])
        report(callID, .incoming(from: from, to: request.uri.description))
        return true
    }

    /// A request with a To tag, a CANCEL or an ACK for a call: to its session. False when no call has it.
    func inDialogRequest(_ request: SIPRequest, key: TransactionKey?) -> Bool {
        guard let callID = request.headers[.callID], calls[callID] != nil else { return false }
        drive(callID, .request(request, key))
        return true
    }

    /// A response on a call's client transaction.
    func callResponse(_ response: SIPResponse, call callID: String, kind: CallSession.RequestKind) {
        drive(callID, .response(response, kind))
    }

    /// A 2xx to INVITE after its transaction ended (a retransmission that must be ACKed again, §13.2.2.4).
    func strayResponse(_ response: SIPResponse) {
        guard response.isSuccess, response.headers[.cseq].flatMap({ try? CSeq($0) })?.method == .invite,
              let callID = response.headers[.callID], calls[callID] != nil else { return }
        drive(callID, .response(response, .invite))
    }

    /// The session parameters for a call through `account` toward `uri`.
    func sessionConfiguration(account: UserAgentAccount?, toward uri: SIPURI, transport kind: SIPTransport,
                              target: SIPServerTarget? = nil) -> InviteSessionConfiguration {
        let calls = configuration.calls
        let peer = target ?? SIPServerTarget(transport: kind, address: uri.hostAddress, port: uri.port ?? (kind == .tls ? 5061 : 5060), hostname: uri.hostAddress)
        let contact: SIPURI
        let identity: NameAddress
        if let account {
            contact = contactURI(for: account, target: peer)
            identity = NameAddress(displayName: account.displayName, uri: account.aor)
        } else {
            let fallback = calls.identity ?? NameAddress(uri: SIPURI(user: "door", host: "invalid"))
            contact = contactURI(user: fallback.uri.user, target: peer)
            identity = calls.identity ?? NameAddress(uri: SIPURI(user: "door", host: contact.host, port: contact.port))
        }
        return InviteSessionConfiguration(
            localIdentity: identity, contact: contact, routes: account?.routes ?? [], credentials: account?.credentials ?? [],
            reliableProvisional: account?.reliableProvisional ?? true, sessionTimer: calls.sessionTimer,
            ringTimeout: calls.ringTimeout, timers: configuration.timers, userAgent: configuration.userAgent)
    }

    /// The transport a URI asks for, else the first we listen on.
    func preferredTransport(toward uri: SIPURI) -> SIPTransport {
        if let requested = uri.transport.flatMap(SIPTransport.init(rawValue:)), configuration.transports.contains(requested) { return requested }
        if uri.isSecure, configuration.transports.contains(.tls) { return .tls }
        return configuration.transports.first ?? .udp
    }

    /// Resolves `uri` (an IP literal at once, a host name through RFC 3263) and runs `body` on the
    /// user agent with the first address; a failure ends the call's request as a transport error.
    func withTarget(_ uri: SIPURI, call callID: String, _ body: @escaping @Sendable (isolated SIPUserAgent, SIPServerTarget) -> Void) {
        let requested = uri.transport.flatMap(SIPTransport.init(rawValue:)) ?? (uri.isSecure ? .tls : calls[callID]?.transport ?? .udp)
        if IPAddress(uri.hostAddress) != nil {
            body(self, SIPServerTarget(transport: requested, address: uri.hostAddress, port: uri.port ?? (requested == .tls ? 5061 : 5060), hostname: uri.hostAddress))
            return
        }
        Task {
            do {
                let found = try await locator.locate(host: uri.hostAddress, port: uri.port, transport: uri.transport.flatMap(SIPTransport.init(rawValue:)), secure: uri.isSecure)
                guard let target = found.first(where: { configuration.transports.contains($0.transport) }) else {
                    throw CallCommandError("no address of \(uri.host) uses a transport we listen on")
                }
                body(self, target)
            } catch {
                logger.warning("call.resolve failed", metadata: ["sip.call_id": "\(callID)", "host": "\(uri.host)", "error": "\(error)"])
                drive(callID, .requestFailed(.invite, "cannot resolve \(uri.host): \(error)"))
            }
        }
    }

    /// Adds our Via and starts a client transaction toward `target`; returns the request as sent.
    @discardableResult
    func startClientTransaction(_ request: SIPRequest, owner: ClientOwner, target: SIPServerTarget) -> SIPRequest? {
        var request = request
        if request.method != .cancel {
            request.headers.prepend(.via, via(toward: target))
        }
        guard let key = TransactionKey(clientRequest: request) else { return nil }
        clientOwners[key] = owner
        clientTargets[key] = target
        perform(transactions.handle(.send(request, reliable: target.transport != .udp), now: now))
        return request
    }

    /// The ACK for a 2xx: its own Via branch, no transaction (§17.1.1.3).
    func sendStateless(_ request: SIPRequest, to target: SIPServerTarget) {
        var request = request
        request.headers.prepend(.via, via(toward: target))
        outgoing.yield(Outgoing(message: .request(request), destination: target.endpoint, serverName: target.hostname, key: nil))
    }

    /// `SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK…;rport` for a request toward `target`.
    func via(toward target: SIPServerTarget) -> String {
        let local = transport.localEndpoint(target.transport, toward: target.endpoint)
        let sentBy = local.map { ($0.address.contains(":") ? "[\($0.address)]" : $0.address) + ":\($0.port)" } ?? "127.0.0.1"
        return "SIP/2.0/\(target.transport.rawValue.uppercased()) \(sentBy);branch=\(TransactionLayer.makeBranch(using: &random));rport"
    }
}
