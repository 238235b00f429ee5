import SIPMessage

/// Our own requests in the call: hang-up (CANCEL, BYE or refusal), re-INVITE, INFO, session
/// refreshes, and what their responses, failures and timers mean.
extension InviteSession {
    mutating func hangUp() -> [Action] {
        switch (role, phase) {
        case (.caller, .calling), (.caller, .early): return cancelCall(reason: .localHangUp)
        case (.callee, .calling), (.callee, .early): return reject(603)
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
        guard localOffer == nil, remoteReinvite == nil else {
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
        return [.send(authenticator.authorize(request), .reinvite, nextHop: dialog.nextHop)]
    }

    mutating func queueInfo(_ body: InfoBody) -> [Action] {
        guard phase == .confirmed else { return [] }
        infoQueue.append(body)
        return sendQueued()
    }

    /// Sends the next queued INFO (one at a time, so digits keep their order) or re-offer.
    mutating func sendQueued() -> [Action] {
        guard phase == .confirmed, !ended else { return [] }
        if reofferQueued, localOffer == nil, remoteReinvite == nil { return reoffer() }
        guard !infoInFlight, !infoQueue.isEmpty, var dialog else { return [] }
        let (type, body) = infoQueue.removeFirst().encoded
        var info = dialog.makeRequest(.info, contact: nil, body: body, contentType: type)
        if let userAgent = configuration.userAgent { info.headers.append(.userAgent, userAgent) }
        self.dialog = dialog
        infoInFlight = true
        return [.send(info, .info, nextHop: dialog.nextHop)]
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
            return inDialogFailure(response.statusCode, what: "UPDATE")
        case .info:
            guard !response.isProvisional else { return [] }
            infoInFlight = false
            if response.statusCode == 481 { return inDialogFailure(481, what: "INFO") }
            return sendQueued()
        case .prack, .cancel, .bye, .forkedBye, .options:
            // RFC 3262 §4: a PRACK refused (405 from peers that demand 100rel without supporting
            // PRACK) does not end the call; the INVITE's answer decides.
            return []
        }
    }

    private mutating func reinviteResponse(_ response: SIPResponse) -> [Action] {
        guard !response.isProvisional, var dialog else { return [] }
        if response.isSuccess {
            // §14.1: ACK the 2xx of our re-INVITE; its answer replaces the media.
            let ack = dialog.makeAck(cseq: response.headers[.cseq].flatMap { try? CSeq($0) }?.number ?? dialog.localCSeq)
            dialog.refreshTarget(from: .response(response))
            self.dialog = dialog
            lastAck = ack
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
        localOffer = nil
        negotiator.withdrawOffer()
        switch response.statusCode {
        case 491:
            // §14.1: glare. The Call-ID owner (the caller) waits 2.1–4 s, the other 0–2 s.
            let range: ClosedRange<Int> = role == .caller ? 2100...4000 : 0...2000
            return [.startTimer(.glareRetry, after: .milliseconds(Int.random(in: range, using: &random)))]
        case 401, 407:
            return reoffer()
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
            infoInFlight = false
            return sendQueued()
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
            // §13.3.1.4: no ACK for our 2xx: the session is ended with BYE.
            return sendBye() + end(.timeout("no ACK for our 2xx"))
        case .retransmitProvisional:
            return retransmitProvisional()
        case .prackTimeout:
            // RFC 3262 §3: no PRACK within 64·T1: the INVITE is refused with a 5xx.
            guard let (request, key) = incoming, phase == .early else { return [] }
            return [.respond(reply(to: request, 504, reason: "Server Time-out (no PRACK)"), key)] + end(.timeout("no PRACK for our reliable provisional response"))
        case .sessionRefresh:
            return refresh()
        case .sessionExpiry:
            return sendBye() + end(.timeout("session timer expired without refresh"))
        case .glareRetry:
            guard phase == .confirmed, localOffer == nil else { return [] }
            return sendReinvite(offer: negotiator.makeOffer())
        }
    }
}
