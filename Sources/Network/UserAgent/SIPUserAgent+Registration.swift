import SIP
import SIPMessage

/// Registration of each account: resolution (RFC 3263), failover across every address the
/// resolver returned — for UDP as well as TCP/TLS — on timeout, transport error or 503, with a
/// quarantine for dead addresses, and keep-alives once registered.
extension SIPUserAgent {
    func startRegistration(_ index: Int) {
        Task { await self.resolve(index) }
    }

    /// Resolves the account's next hop and starts (or restarts) its machine on the first live address.
    func resolve(_ index: Int) async {
        guard let entry = accounts[index] else { return }
        let hop = entry.account.nextHop
        let requested = hop.transport.flatMap(SIPTransport.init(rawValue:))
        let targets: [SIPServerTarget]
        do {
            let found = try await locator.locate(host: hop.hostAddress, port: hop.port, transport: requested, secure: hop.isSecure)
            targets = found.filter { configuration.transports.contains($0.transport) }
            if targets.isEmpty {
                throw ResolutionProblem(text: "no address of \(hop.host) uses a transport we listen on (\(found.map(\.transport.description).joined(separator: ", ")))")
            }
        } catch {
            accounts[index]?.resolveFailures += 1
            let failures = accounts[index]?.resolveFailures ?? 1
            let delay = Duration.seconds(min(300, 5 << min(failures - 1, 6)))
            update(index) { $0.state = "failed"; $0.lastError = "cannot resolve \(hop.host): \(error); retrying in \(delay.secondsText)" }
            logger.warning("registration.resolve failed", metadata: ["account": "\(index)", "host": "\(hop.host)", "error": "\(error)"])
            schedule(.registration(account: index, .retry), after: delay)
            return
        }
        accounts[index]?.resolveFailures = 0
        accounts[index]?.targets = targets
        accounts[index]?.failedThisRound = []
        let target = quarantine.order(targets, now: seconds).first!
        logger.info("registration.targets", metadata: ["account": "\(index)", "targets": "\(targets.map(\.description).joined(separator: ", "))"])
        use(target, for: index)
    }

    /// Switches the account to `target`; a new local contact (other transport or interface) is
    /// told to the machine, which registers it.
    private func use(_ target: SIPServerTarget, for index: Int) {
        guard var entry = accounts[index] else { return }
        let previous = entry.current
        entry.current = target
        let contact = contactURI(for: entry.account, target: target)
        if let previous, previous != target {
            logger.notice("registration.failover", metadata: ["account": "\(index)", "from": "\(previous)", "to": "\(target)"])
        }
        let contactChanged = entry.contact != contact
        entry.contact = contact
        accounts[index] = entry
        if entry.machine == nil {
            var machine = Registration(account: registrationAccount(entry.account, contact: contact), policy: RegistrationPolicy())
            let actions = machine.handle(.start, now: now)
            accounts[index]?.machine = machine
            performRegistration(actions, account: index)
        } else if contactChanged {
            registrationEvent(.contactChanged(contact), account: index)
        } else if let request = entry.lastRequest, entry.pendingKey == nil || previous != target {
            sendRegister(request, account: index)
        }
    }

    private func registrationAccount(_ account: UserAgentAccount, contact: SIPURI) -> RegistrationAccount {
        RegistrationAccount(
            aor: account.aor, registrar: account.registrar, contact: contact, displayName: account.displayName,
            expires: account.expires, credentials: account.credentials, routes: account.routes,
            requestURIParameters: account.requestURIParameters, instanceID: configuration.instanceID,
            callID: TransactionLayer.makeBranch(using: &random).dropFirst(7) + "@doorstation",
            fromTag: String(TransactionLayer.makeBranch(using: &random).suffix(12)), userAgent: configuration.userAgent)
    }

    /// Our Contact towards `target`: the local address of that transport, with `transport=` for TCP/TLS.
    func contactURI(for account: UserAgentAccount, target: SIPServerTarget) -> SIPURI {
        contactURI(user: account.aor.user, target: target)
    }

    /// Our Contact for `user` towards `target`.
    func contactURI(user: String?, target: SIPServerTarget) -> SIPURI {
        let local = transport.localEndpoint(target.transport, toward: target.endpoint)
        let host = local.map { $0.address.contains(":") ? "[\($0.address)]" : $0.address } ?? "127.0.0.1"
        var uri = SIPURI(scheme: target.transport == .tls ? "sips" : "sip", user: user, host: host, port: local?.port)
        if target.transport != .udp { uri.parameters.set("transport", target.transport.rawValue) }
        return uri
    }

    func registrationEvent(_ event: Registration.Event, account index: Int) {
        guard var machine = accounts[index]?.machine else { return }
        let actions = machine.handle(event, now: now)
        accounts[index]?.machine = machine
        performRegistration(actions, account: index)
    }

    private func performRegistration(_ actions: [Registration.Action], account index: Int) {
        for action in actions {
            switch action {
            case .send(let request):
                accounts[index]?.lastRequest = request
                sendRegister(request, account: index)
            case .startTimer(let timer, let delay):
                schedule(.registration(account: index, timer), after: delay)
            case .cancelTimer(let timer):
                cancelTimer(.registration(account: index, timer))
            case .stateChanged(let state):
                registrationStateChanged(state, account: index)
            }
        }
    }

    /// Sends one REGISTER to the account's current address through a new client transaction.
    /// RFC 3261 §18.1.1: a request over 1300 bytes goes over TCP when we listen on TCP.
    func sendRegister(_ request: SIPRequest, account index: Int) {
        guard var entry = accounts[index], var target = entry.current else { return }
        if let pending = entry.pendingKey {
            cancelTimer(.failover(account: index, pending))
            perform(transactions.handle(.abandon(pending), now: now))
        }
        var request = request
        entry.cseq = max(entry.cseq + 1, (request.headers[.cseq].flatMap { try? CSeq($0) }?.number ?? 0))
        request.headers.set(.cseq, CSeq(entry.cseq, .register).description)
        if target.transport == .udp, request.serialized().count > 1300, configuration.transports.contains(.tcp) {
            target.transport = .tcp
        }
        request.headers.prepend(.via, via(toward: target))
        guard let key = TransactionKey(clientRequest: request) else { return }
        entry.pendingKey = key
        accounts[index] = entry
        clientOwners[key] = .registration(account: index, target: target)
        perform(transactions.handle(.send(request, reliable: target.transport != .udp), now: now))
        schedule(.failover(account: index, key), after: configuration.failoverTimeout)
    }

    func registrationResponse(_ response: SIPResponse, account index: Int, target: SIPServerTarget, key: TransactionKey) {
        cancelTimer(.failover(account: index, key))
        guard !response.isProvisional, accounts[index]?.pendingKey == key else { return }
        accounts[index]?.pendingKey = nil
        if response.statusCode == 503, failOver(account: index, from: target, reason: "503 \(response.reason)") { return }
        quarantine.markAlive(target)
        // The driver numbers REGISTERs itself (failover re-sends the machine never sees); give the
        // machine back the CSeq of the request it made.
        var answer = response
        if let own = accounts[index]?.lastRequest?.headers[.cseq] { answer.headers.set(.cseq, own) }
        registrationEvent(.response(answer), account: index)
    }

    func registrationFailed(account index: Int, target: SIPServerTarget, key: TransactionKey, failure: ClientFailure) {
        let reason = failure.description
        cancelTimer(.failover(account: index, key))
        guard accounts[index]?.pendingKey == key else { return }
        accounts[index]?.pendingKey = nil
        if failOver(account: index, from: target, reason: reason) { return }
        registrationEvent(failure == .timeout ? .transactionTimedOut : .transportFailed, account: index)
    }

    func failoverTimerFired(account index: Int, key: TransactionKey) {
        guard accounts[index]?.pendingKey == key, case .registration(_, let target) = clientOwners[key] else { return }
        // On the last address failOver returns false and the transaction runs to its own timeout (timer F).
        _ = failOver(account: index, from: target, reason: "no answer within \(configuration.failoverTimeout.secondsText)")
    }

    /// Quarantines `target` and moves to the next address not yet tried in this round.
    /// Returns false when every address has failed.
    private func failOver(account index: Int, from target: SIPServerTarget, reason: String) -> Bool {
        guard var entry = accounts[index] else { return false }
        quarantine.markDead(target, now: seconds)
        entry.failedThisRound.insert(target)
        accounts[index] = entry
        let remaining = quarantine.order(entry.targets, now: seconds).filter { !entry.failedThisRound.contains($0) }
        logger.warning("registration.server failed", metadata: ["account": "\(index)", "server": "\(target)", "reason": "\(reason)", "next": "\(remaining.first.map(\.description) ?? "none")"])
        guard let next = remaining.first else {
            accounts[index]?.failedThisRound = []
            return false
        }
        if let pending = entry.pendingKey {
            cancelTimer(.failover(account: index, pending))
            perform(transactions.handle(.abandon(pending), now: now))
            accounts[index]?.pendingKey = nil
        }
        use(next, for: index)
        return true
    }

    private func registrationStateChanged(_ state: RegistrationState, account index: Int) {
        guard let entry = accounts[index] else { return }
        update(index) { status in
            status.server = entry.current?.description
            switch state {
            case .idle: status.state = "idle"
            case .registering: status.state = "registering"
            case .registered(let expires, _, let publicAddress):
                status.state = "registered"
                status.expires = expires
                status.publicAddress = publicAddress.map { "\($0.host):\($0.port)" }
                status.lastError = nil
            case .failed(let code, let reason, let retryIn):
                status.state = "failed"
                status.expires = nil
                status.lastError = (code.map { "\($0) " } ?? "") + reason + "; retrying in \(retryIn.secondsText)"
            case .unregistering: status.state = "unregistering"
            case .unregistered: status.state = "unregistered"; status.expires = nil
            }
        }
        if case .registered = state { startKeepAlive(index) } else if case .failed = state { stopKeepAlive(index) }
        if case .failed = state {
            // A new round: every address may be tried again at the retry; re-resolve for fresh DNS data.
            accounts[index]?.failedThisRound = []
        }
    }

    private func startKeepAlive(_ index: Int) {
        guard let period = configuration.keepAlivePeriod, let target = accounts[index]?.current else { return }
        guard target.transport != .udp || configuration.udpKeepAlive else { return }
        let endpoint = target.endpoint
        if accounts[index]?.keepAliveEndpoint == endpoint { return }
        stopKeepAlive(index)
        accounts[index]?.keepAliveEndpoint = endpoint
        transport.startKeepAlive(to: endpoint, every: period)
    }

    private func stopKeepAlive(_ index: Int) {
        guard let endpoint = accounts[index]?.keepAliveEndpoint else { return }
        accounts[index]?.keepAliveEndpoint = nil
        transport.stopKeepAlive(to: endpoint)
    }

    /// A connection to a registrar dropped or stopped answering keep-alives: register again at
    /// once (over a new connection, or the next address), rather than wait for the refresh.
    func connectionLost(_ endpoint: SIPEndpoint, reason: String) {
        for (index, entry) in accounts where entry.current?.endpoint == endpoint {
            logger.notice("registration.connection lost", metadata: ["account": "\(index)", "server": "\(endpoint)", "reason": "\(reason)"])
            accounts[index]?.keepAliveEndpoint = nil
            if let pending = entry.pendingKey, let target = entry.current {
                registrationFailed(account: index, target: target, key: pending, failure: .connectionLost(reason))
            } else if let contact = entry.contact {
                registrationEvent(.contactChanged(contact), account: index)
            }
        }
    }

    func registrationTimerFired(_ timer: RegistrationTimer, account index: Int) {
        if accounts[index]?.machine == nil {
            Task { await self.resolve(index) }
            return
        }
        registrationEvent(.timerFired(timer), account: index)
    }

    func unregister(_ index: Int) {
        guard accounts[index]?.machine != nil else { return }
        update(index) { $0.state = "unregistering" }
        registrationEvent(.stop, account: index)
    }

    func update(_ index: Int, _ change: (inout RegistrationStatus) -> Void) {
        guard var status = accounts[index]?.status else { return }
        let before = status
        change(&status)
        accounts[index]?.status = status
        if status != before {
            logger.info("registration.changed", metadata: ["account": "\(index)", "status": "\(status)"])
            stateChanges.yield(status)
        }
    }

    /// Seconds since the epoch, for the quarantine.
    var seconds: Double { now.inSeconds }
}

struct ResolutionProblem: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}

extension Duration {
    /// The duration as a `Double` number of seconds.
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    var secondsText: String {
        let value = inSeconds
        return value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
