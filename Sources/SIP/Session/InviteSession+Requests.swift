import SIPMessage

/// Our own requests in the call: hang-up (CANCEL, BYE or refusal), re-INVITE, INFO, session
/// refreshes, and what their responses, failures and timers mean.
extension InviteSession {
    mutating func hangUp() -> [Action] {
        switch (role, phase) {
        case (.caller, .calling), (.caller, .early): return cancelCall(reason: .localHangUp)
        case (.callee, .calling), (.callee, .early): return reject(603)
        case (.callee, .answered):
            // RFC 3261 §15: "the callee's UA MUST NOT send a BYE on a confirmed dialog until it
            // has received an ACK for its 2xx response or until the server transaction times out."
            byeAfterAck = true
            return []
        case (_, .answered), (_, .confirmed): return sendBye() + end(.localHangUp)
        default: return end(.localHangUp)
        }
    }

    /// BYE in the confirmed dialog (§15.1.1).
    mutating func sendBye() -> [Action] {
        guard var dialog else { return [] }
        var bye = dialog.makeRequest(.bye, contact: nil)
        if let userAgent = configuration.userAgent { bye.headers.append(.userAgent, userAgent) }
        self.dialog = dialog
        return [.send(bye, .bye, nextHop: dialog.nextHop)]
    }

    /// A re-INVITE with a new offer (§14.1), once nothing else is being negotiated.
    mutating func reoffer() -> [Action] {
        guard phase == .confirmed else { return [] }
        // §14.1: not while another INVITE transaction is in progress either way, nor before the
        // wait after a 491 is over (the retry then carries the newest offer).
        guard localOffer == nil, remoteReinvite == nil, !glareBackoff else {
            reofferQueued = true
            return []
        }
        return sendReinvite(offer: negotiator.makeOffer())
    }

    private mutating func sendReinvite(offer: [UInt8]) -> [Action] {
        guard var dialog else { return [] }
        var request = dialog.makeRequest(.invite, contact: configuration.contact, body: offer, contentType: "application/sdp")
        request.headers.append(.allow, InviteSessionConfiguration.allow)
        for option in configuration.supported { request.headers.append(.supported, option) }
        if let sessionTimer {
            request.headers.append(.sessionExpires, "\(sessionTimer.interval);refresher=\(sessionTimer.weRefresh ? "uac" : "uas")")
        }
        if let userAgent = configuration.userAgent { request.headers.append(.userAgent, userAgent) }
        self.dialog = dialog
        localOffer = .reinvite
        reofferQueued = false
        let authorized = authenticator.authorize(request)
        reinvite = authorized
        return [.send(authorized, .reinvite, nextHop: dialog.nextHop)]
    }

    mutating func queueInfo(_ body: InfoBody) -> [Action] {
        guard phase == .confirmed else { return [] }
        infoQueue.append(body)
        return sendQueued()
    }

    /// Sends the queued re-offer once nothing else is being negotiated, and the next queued INFO
    /// (one at a time, so digits keep their order).
    mutating func sendQueued() -> [Action] {
        guard phase == .confirmed, !ended else { return [] }
        // A re-offer and an INFO may be in flight together; one must not hold back the other.
        var actions: [Action] = []
        if reofferQueued, localOffer == nil, remoteReinvite == nil, !glareBackoff { actions = reoffer() }
        guard !infoInFlight, !infoQueue.isEmpty, var dialog else { return actions }
        let (type, body) = infoQueue.removeFirst().encoded
        var info = dialog.makeRequest(.info, contact: nil, body: body, contentType: type)
        if let userAgent = configuration.userAgent { info.headers.append(.userAgent, userAgent) }
        self.dialog = dialog
        infoInFlight = true
        return actions + [.send(info, .info, nextHop: dialog.nextHop)]
    }

    /// RFC 4028 §10: the refresher refreshes at half the interval; the other side ends the call
    /// if no refresh came shortly before the interval runs out.
    mutating func armSessionTimer() -> [Action] {
        guard let sessionTimer else { return [.cancelTimer(.sessionRefresh), .cancelTimer(.sessionExpiry)] }
        if sessionTimer.weRefresh {
            return [.cancelTimer(.sessionExpiry), .startTimer(.sessionRefresh, after: sessionTimer.refreshAfter)]
        }
        return [.cancelTimer(.sessionRefresh), .startTimer(.sessionExpiry, after: sessionTimer.expiryAfter)]
    }

    /// Our refresh: UPDATE without a body when the peer allows it (RFC 4028 §7.4 prefers it),
    /// else a re-INVITE with our current offer.
    private mutating func refresh() -> [Action] {
        guard phase == .confirmed, let sessionTimer else { return [] }
        guard localOffer == nil, remoteReinvite == nil else {
            // Something is being negotiated; that transaction refreshes too. Try again shortly.
            return [.startTimer(.sessionRefresh, after: .seconds(2))]
        }
        guard peerAllowsUpdate, var dialog else { return sendReinvite(offer: negotiator.makeOffer()) }
        var update = dialog.makeRequest(.update, contact: configuration.contact)
        update.headers.append(.sessionExpires, "\(sessionTimer.interval);refresher=uac")
        for option in configuration.supported { update.headers.append(.supported, option) }
        self.dialog = dialog
        localOffer = nil
        return [.send(authenticator.authorize(update), .update, nextHop: dialog.nextHop)]
    }

    mutating func responseArrived(_ response: SIPResponse, _ kind: RequestKind) -> [Action] {
        switch kind {
        case .invite:
            return inviteResponse(response)
        case .reinvite:
            return reinviteResponse(response)
        case .update:
            guard !response.isProvisional else { return [] }
            if response.isSuccess {
                sessionTimer = SessionTimerAgreement.fromResponse(response, settings: configuration.sessionTimer, asked: sessionTimer?.interval ?? sessionExpiresAsked)
                return armSessionTimer()
            }
            let failure = inDialogFailure(response.statusCode, what: "UPDATE")
            guard failure.isEmpty, peerAllowsUpdate else { return failure }
            // A peer that lists UPDATE but refuses our refresh: refresh by re-INVITE instead
            // (RFC 4028 §7.4 allows either), else nothing would re-arm the timer.
            peerAllowsUpdate = false
            return refresh()
        case .info:
            guard !response.isProvisional else { return [] }
            infoInFlight = false
            // §12.2.1.2: 481 and 408 end the dialog; any other refusal loses this INFO only.
            let failure = inDialogFailure(response.statusCode, what: "INFO")
            return failure.isEmpty ? sendQueued() : failure
        case .prack, .cancel, .bye, .forkedBye, .options:
            // RFC 3262 §4: a PRACK refused (405 from peers that demand 100rel without supporting
            // PRACK) does not end the call; the INVITE's answer decides.
            return []
        }
    }

    private mutating func reinviteResponse(_ response: SIPResponse) -> [Action] {
        guard !response.isProvisional, var dialog else { return [] }
        guard let sent = reinvite, response.cseqNumber == sent.cseqNumber else {
            // RFC 6026 §8.4: a 2xx retransmission of a re-INVITE already answered is ACKed
            // again, and is neither a new answer nor the answer to a later re-INVITE.
            if response.isSuccess, let ack = reinviteAck, response.cseqNumber == ack.cseqNumber {
                return [.sendAck(ack, nextHop: dialog.nextHop)]
            }
            return []
        }
        reinvite = nil
        if response.isSuccess {
            // §14.1: ACK the 2xx of our re-INVITE; its answer replaces the media. §12.2.1.2: the
            // 2xx refreshes the remote target first, so the ACK goes to the new one.
            dialog.refreshTarget(from: .response(response))
            let ack = dialog.makeAck(cseq: sent.cseqNumber)
            self.dialog = dialog
            reinviteAck = ack
            localOffer = nil
            var actions: [Action] = [.sendAck(ack, nextHop: dialog.nextHop)]
            if case .failure(let failure) = negotiator.accept(answer: response.body) {
                return actions + sendBye() + end(.failed("unusable answer to re-INVITE: \(failure.reason)"))
            }
            if configuration.sessionTimer.enabled, sessionTimer != nil {
                sessionTimer = SessionTimerAgreement.fromResponse(response, settings: configuration.sessionTimer, asked: sessionTimer?.interval ?? sessionExpiresAsked)
                actions += armSessionTimer()
            }
            return actions + [.notify(.mediaUpdated)] + sendQueued()
        }
        if response.statusCode == 401 || response.statusCode == 407,
           var authorized = try? authenticator.authenticate(sent, challengedBy: response, using: &random) {
            // §22.2: the same offer again with credentials, once per challenge (a second challenge
            // of the same nonce throws), under the dialog's next CSeq (§12.2.1.1).
            authorized.headers.set(.cseq, CSeq(dialog.localCSeq + 1, .invite).description)
            dialog.localCSeq += 1
            self.dialog = dialog
            reinvite = authorized
            return [.send(authorized, .reinvite, nextHop: dialog.nextHop)]
        }
        localOffer = nil
        negotiator.withdrawOffer()
        switch response.statusCode {
        case 491:
            // §14.1: glare. The Call-ID owner (the caller) waits 2.1–4 s, the other 0–2 s.
            let range: ClosedRange<Int> = role == .caller ? 2100...4000 : 0...2000
            glareBackoff = true
            return [.startTimer(.glareRetry, after: .milliseconds(Int.random(in: range, using: &random)))]
        case 401, 407:
            // Credentials refused or missing: the media stay as they were.
            return sendQueued()
        default:
            return inDialogFailure(response.statusCode, what: "re-INVITE") + sendQueued()
        }
    }

    /// RFC 5057 §5.1: 481 and 408 to an in-dialog request end the dialog; other failures leave
    /// the call as it was.
    private mutating func inDialogFailure(_ statusCode: Int, what: String) -> [Action] {
        switch statusCode {
        case 481: return end(.failed("the peer no longer knows the call (481 to \(what))"))
        case 408: return sendBye() + end(.timeout("\(what) timed out"))
        default: return []
        }
    }

    mutating func requestFailed(_ kind: RequestKind, _ reason: String) -> [Action] {
        switch kind {
        case .invite:
            return end(cancelSent || hangUpPending ? endReasonAfterCancel : .timeout("INVITE: \(reason)"))
        case .reinvite, .update:
            localOffer = nil
            return end(.timeout("\(kind == .update ? "UPDATE" : "re-INVITE"): \(reason)"))
        case .info:
            // §12.2.1.2: no response at all to a request in the dialog ends it, like a 408.
            infoInFlight = false
            return end(.timeout("INFO: \(reason)"))
        case .prack, .cancel, .bye, .forkedBye, .options:
            return []
        }
    }

    mutating func timerFired(_ timer: SessionTimerKind) -> [Action] {
        switch timer {
        case .ringTimeout:
            guard role == .caller, phase == .calling || phase == .early else { return [] }
            return cancelCall(reason: .noAnswer)
        case .cancelGuard:
            // §9.1: no final response 64·T1 after the CANCEL (or before a provisional came).
            return end(endReasonAfterCancel)
        case .retransmit2xx:
            if let pending = remoteReinvite {
                retransmitInterval = min(retransmitInterval * 2, configuration.timers.t2)
                return [.respond(pending.response, pending.key), .startTimer(.retransmit2xx, after: retransmitInterval)]
            }
            return retransmitFinal()
        case .ackTimeout:
            // §13.3.1.4, §14.2: no ACK for our 2xx: the session is ended with BYE. A timer that
            // fired before the ACK's cancellation reached the driver is ignored.
            guard phase == .answered || remoteReinvite != nil else { return [] }
            return sendBye() + end(byeAfterAck ? .localHangUp : .timeout("no ACK for our 2xx"))
        case .retransmitProvisional:
            return retransmitProvisional()
        case .prackTimeout:
            // RFC 3262 §3: no PRACK within 64·T1: the INVITE is refused with a 5xx.
            guard let (request, key) = incoming, phase == .early, reliable?.acknowledged == false else { return [] }
            return [.respond(reply(to: request, 504, reason: "Server Time-out (no PRACK)"), key)] + end(.timeout("no PRACK for our reliable provisional response"))
        case .sessionRefresh:
            return refresh()
        case .sessionExpiry:
            return sendBye() + end(.timeout("session timer expired without refresh"))
        case .glareRetry:
            guard glareBackoff else { return [] }
            glareBackoff = false
            guard phase == .confirmed, localOffer == nil else { return [] }
            // §14.1: still no re-INVITE while the peer's waits for its ACK; it goes after.
            guard remoteReinvite == nil else {
                reofferQueued = true
                return []
            }
            return sendReinvite(offer: negotiator.makeOffer())
        }
    }
}
