import SIP
import SIPMessage

/// Calls: commands from the door-station policy, and the actions of each call's INVITE session.
extension SIPUserAgent {
    /// Places a call to `target` (a SIP URI, or a user part for the account's domain) through
    /// account `account` (nil: the default account, or none when there is none). Returns the Call-ID.
    public func placeCall(to target: String, account: Int? = nil) throws(CallCommandError) -> String {
        let wanted: Int? = account ?? configuration.accounts.first?.index
        var entry: UserAgentAccount?
        if let wanted {
            entry = configuration.accounts.first { $0.index == wanted }
            if entry == nil { throw CallCommandError("there is no [proxy_\(wanted)]") }
        }
        let uri: SIPURI
        if let parsed = try? SIPURI(target), parsed.isSIP {
            uri = parsed
        } else if let entry, !target.contains(":"), !target.contains("@") {
            uri = SIPURI(scheme: entry.aor.scheme, user: target, host: entry.aor.host, port: entry.aor.port)
        } else {
            throw CallCommandError("\"\(target)\" is not a SIP address (e.g. sip:apartment@192.168.1.20)")
        }
        let callID = String(TransactionLayer.makeBranch(using: &random).dropFirst(7)) + "@doorstation"
        let transportKind = preferredTransport(toward: uri)
        let configuration = sessionConfiguration(account: entry, toward: uri, transport: transportKind)
        let ports = try reserveMedia(callID, localAddress: configuration.contact.hostAddress)
        let media = CallMedia(settings: self.configuration.calls.media, localAddress: configuration.contact.hostAddress, ports: ports, seed: random.next())
        let session = CallSession(calling: uri, callID: callID, localTag: String(TransactionLayer.makeBranch(using: &random).suffix(10)),
                                  configuration: configuration, negotiator: media, seed: random.next())
        calls[callID] = CallEntry(session: session, direction: .outgoing, account: entry?.index, remote: uri.description, transport: transportKind)
        report(callID, .outgoing(to: uri.description))
        logger.info("call.placing", metadata: ["sip.call_id": "\(callID)", "call.to": "\(uri)"])
        drive(callID, .start)
        return callID
    }

    public func answerCall(_ callID: String) throws(CallCommandError) { try command(callID, .accept) }
    public func ringCall(_ callID: String, earlyMedia: Bool? = nil) throws(CallCommandError) {
        try command(callID, .ring(earlyMedia: earlyMedia ?? configuration.calls.media.incomingEarlyMedia))
    }
    public func rejectCall(_ callID: String, statusCode: Int = 486) throws(CallCommandError) { try command(callID, .reject(statusCode: statusCode)) }
    public func hangUp(_ callID: String) throws(CallCommandError) { try command(callID, .hangUp) }

    /// Sends `digits` in order: as RFC 4733 events when `use_rfc2833` is on and the peer
    /// negotiated telephone-event, as SIP INFO (`application/dtmf-relay`) when `use_info` is on
    /// or the events could not be sent.
    public func sendDTMF(_ callID: String, digits: String, durationMilliseconds: Int = 100) throws(CallCommandError) {
        guard calls[callID] != nil else { throw CallCommandError("no call \(callID)") }
        if let bad = digits.first(where: { !"0123456789*#ABCDabcd".contains($0) }) {
            throw CallCommandError("\"\(bad)\" is not a DTMF digit (0-9, *, #, A-D)")
        }
        let calls = configuration.calls
        let asEvents = calls.dtmfAsRTPEvents && media?.sendDTMF(callID: callID, digits: digits.uppercased(), durationMilliseconds: durationMilliseconds) == true
        if asEvents {
            logger.info("call.dtmf_sent", metadata: ["sip.call_id": "\(callID)", "digits": "\(digits.count)", "via": "RFC4733"])
        }
        guard calls.dtmfAsInfo || !asEvents else { return }
        for digit in digits { try command(callID, .sendDTMF(digit, durationMilliseconds: durationMilliseconds)) }
    }

    /// Puts the call on hold (sendonly) or resumes it (sendrecv) with a re-INVITE.
    public func setHold(_ callID: String, _ hold: Bool) throws(CallCommandError) {
        guard calls[callID] != nil else { throw CallCommandError("no call \(callID)") }
        calls[callID]?.session.negotiator.setHold(hold)
        try command(callID, .reoffer)
    }

    /// Every live call, for `ctl status`.
    public func callStatus() -> [CallStatus] {
        calls.values.map { entry in
            var status = entry.status
            let callID = entry.session.callID
            status.streams = [media?.statistics(callID: callID), media?.videoStatistics(callID: callID)].compactMap { $0 }
            return status
        }.sorted { $0.callID < $1.callID }
    }

    /// The last calls that ended (up to 16), oldest first.
    public func recentCalls() -> [CallStatus] { endedCalls }

    /// Hangs up every call (at shutdown).
    func hangUpAll() {
        for callID in calls.keys { drive(callID, .hangUp) }
    }

    private func command(_ callID: String, _ event: CallSession.Event) throws(CallCommandError) {
        guard calls[callID] != nil else { throw CallCommandError("no call \(callID)") }
        drive(callID, event)
    }

    /// Feeds `event` to the call's session and carries out its actions.
    func drive(_ callID: String, _ event: CallSession.Event) {
        guard var entry = calls[callID] else { return }
        let actions = entry.session.handle(event, now: now)
        calls[callID] = entry
        for action in actions { perform(action, call: callID) }
    }

    private func perform(_ action: CallSession.Action, call callID: String) {
        switch action {
        case .send(let request, let kind, let nextHop):
            sendCallRequest(request, kind: kind, nextHop: nextHop, call: callID)
        case .cancelInvite:
            guard let entry = calls[callID], let invite = entry.sentInvite, let target = entry.inviteTarget else { return }
            startClientTransaction(invite.makeCancel(), owner: .call(callID, .cancel), target: target)
        case .sendAck(let ack, let nextHop):
            withTarget(nextHop, call: callID) { agent, target in agent.sendStateless(ack, to: target) }
        case .respond(let response, let key):
            perform(transactions.handle(.respond(response, to: key), now: now))
        case .startTimer(let timer, let delay):
            schedule(.call(callID, timer), after: delay)
        case .cancelTimer(let timer):
            cancelTimer(.call(callID, timer))
        case .notify(let event):
            callEvent(event, call: callID)
        }
    }

    private func callEvent(_ event: CallEvent, call callID: String) {
        guard var entry = calls[callID] else { return }
        switch event {
        case .progress(let code, _): entry.state = code == 180 ? "ringing" : "progress"
        case .earlyMedia: entry.state = "early-media"
        case .established: entry.state = "established"
        case .ended(let reason): entry.state = "ended"; entry.endReason = reason
        default: break
        }
        calls[callID] = entry
        var metadata: Logger.Metadata = ["sip.call_id": "\(callID)", "call.event": "\(event)"]
        if case .established = event { metadata["call.media"] = "\(entry.session.negotiator.summary.joined(separator: "; "))" }
        // Keys are logged by whoever consumes the updates, which knows whether they are secret.
        if case .dtmf = event {} else { logger.info("call.\(event.name)", metadata: metadata) }
        switch event {
        case .earlyMedia:
            startMedia(callID, early: true)
        case .established, .mediaUpdated:
            startMedia(callID, early: false)
        case .keyFrameRequested:
            media?.requestKeyFrame(callID: callID)
        case .dtmf(let digit, let duration):
            report(callID, .dtmf(digit: digit, durationMilliseconds: duration, via: .info))
            return
        default:
            break
        }
        report(callID, .session(event))
        if case .ended = event {
            for timer in CallSession.SessionTimerKind.allCases { cancelTimer(.call(callID, timer)) }
            endedCalls.append(entry.status)
            if endedCalls.count > 16 { endedCalls.removeFirst() }
            calls[callID] = nil
            stopMedia(callID)
        }
    }

    func report(_ callID: String, _ kind: CallUpdate.Kind) {
        callUpdates.yield(CallUpdate(callID: callID, kind: kind))
    }

    /// A request of the session: the INVITE goes to the account's current server when it uses
    /// one, everything else to its next hop (RFC 3263 for host names).
    private func sendCallRequest(_ request: SIPRequest, kind: CallSession.RequestKind, nextHop: SIPURI, call callID: String) {
        if kind == .invite, let entry = calls[callID], let index = entry.account, let current = accounts[index]?.current,
           accounts[index]?.account.routes.isEmpty == false || nextHop.host.lowercased() == accounts[index]?.account.registrar.host.lowercased() {
            sendInvite(request, to: current, call: callID)
            return
        }
        withTarget(nextHop, call: callID) { agent, target in
            if kind == .invite { agent.sendInvite(request, to: target, call: callID) } else {
                agent.startClientTransaction(request, owner: .call(callID, kind), target: target)
            }
        }
    }

    private func sendInvite(_ request: SIPRequest, to target: SIPServerTarget, call callID: String) {
        guard let sent = startClientTransaction(request, owner: .call(callID, .invite), target: target) else { return }
        calls[callID]?.sentInvite = sent
        calls[callID]?.inviteTarget = target
    }
}

extension CallEvent {
    /// `established`, `ended`…: the log message suffix.
    var name: String {
        switch self {
        case .progress: "progress"
        case .earlyMedia: "early_media"
        case .established: "established"
        case .mediaUpdated: "media_updated"
        case .dtmf: "dtmf"
        case .keyFrameRequested: "key_frame_requested"
        case .ended: "ended"
        }
    }
}

import Logging
