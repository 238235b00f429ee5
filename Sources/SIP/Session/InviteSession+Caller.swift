import SIPMessage

/// The caller's side: the INVITE, its provisional and final responses, CANCEL (RFC 3261 §13.2, §9).
extension InviteSession {
    mutating func startCall() -> [Action] {
        guard phase == .idle else { return [] }
        phase = .calling
        let request = makeInvite(cseq: 1, offer: negotiator.makeOffer())
        invite = request
        return [.send(request, .invite, nextHop: initialNextHop), .startTimer(.ringTimeout, after: configuration.ringTimeout)]
    }

    /// The first outbound proxy, or the target itself (§8.1.2).
    var initialNextHop: SIPURI { configuration.routes.first ?? target }

    /// The INVITE of §13.2.1, without Via: offer in the body, Supported/Allow, session timer.
    func makeInvite(cseq: UInt32, offer: [UInt8]) -> SIPRequest {
        var headers = SIPHeaders()
        for var route in configuration.routes {
            if !route.parameters.contains("lr") { route.parameters.set("lr", nil) }
            headers.append(.route, NameAddress(uri: route).description)
        }
        headers.append(.maxForwards, "70")
        var from = configuration.localIdentity
        from.tag = localTagValue
        headers.append(.from, from.description)
        var to = target
        to.parameters = SIPParameters()
        to.headers = nil
        headers.append(.to, NameAddress(uri: to).description)
        headers.append(.callID, callIDValue)
        headers.append(.cseq, CSeq(cseq, .invite).description)
        headers.append(.contact, NameAddress(uri: configuration.contact).description)
        headers.append(.allow, InviteSessionConfiguration.allow)
        for option in configuration.supported { headers.append(.supported, option) }
        if configuration.sessionTimer.enabled {
            // RFC 4028 §7.1: we ask for an interval; the refresher is left to the UAS.
            headers.append(.sessionExpires, String(sessionExpiresAsked))
            headers.append(.minSE, String(configuration.sessionTimer.minSE))
        }
        if let userAgent = configuration.userAgent { headers.append(.userAgent, userAgent) }
        headers.append(.contentType, "application/sdp")
        return SIPRequest(method: .invite, uri: target, headers: headers, body: offer)
    }

    /// A response to our INVITE (initial, redirected or authenticated).
    mutating func inviteResponse(_ response: SIPResponse) -> [Action] {
        guard let invite, response.headers[.cseq].flatMap({ try? CSeq($0) })?.number == invite.cseqNumber else { return [] }
        switch response.statusCode {
        case 100:
            return []
        case 101..<200:
            return provisional(response, to: invite)
        case 200..<300:
            return success(response, to: invite)
        default:
            return failure(response, to: invite)
        }
    }

    private mutating func provisional(_ response: SIPResponse, to invite: SIPRequest) -> [Action] {
        var actions: [Action] = []
        let first = !gotProvisional
        gotProvisional = true
        if phase == .calling { phase = .early }
        // §9.1: a CANCEL waits for the first provisional response.
        if first, hangUpPending, !cancelSent {
            cancelSent = true
            actions += [.cancelInvite, .startTimer(.cancelGuard, after: configuration.timers.transactionTimeout)]
        }
        guard let tag = response.toTag, let made = Dialog(clientRequest: invite, response: response) else {
            return actions + [.notify(.progress(statusCode: response.statusCode, reason: response.reason))]
        }
        var early = earlyDialogs[tag] ?? EarlyDialog(dialog: made, lastRSeq: nil)
        let isReliable = response.headers.requires("100rel")
        if isReliable {
            // RFC 3262 §4: PRACK each new reliable response once, in order; drop retransmissions.
            guard let rseq = response.headers[.rseq].flatMap({ UInt32($0.trimmed) }) else {
                return actions + [.notify(.progress(statusCode: response.statusCode, reason: response.reason))]
            }
            if let last = early.lastRSeq, rseq <= last { return actions }
            early.lastRSeq = rseq
            var prack = early.dialog.makeRequest(.prack, contact: nil)
            prack.headers.append(.rack, "\(rseq) \(invite.cseqNumber) INVITE")
            if let userAgent = configuration.userAgent { prack.headers.append(.userAgent, userAgent) }
            actions.append(.send(prack, .prack, nextHop: early.dialog.nextHop))
        }
        earlyDialogs[tag] = early
        actions.append(.notify(.progress(statusCode: response.statusCode, reason: response.reason)))
        // RFC 3261 §13.2.1 / RFC 3262 §5: an answer in a 18x gives early media; one in a reliable
        // 18x is final, one in an unreliable 18x is a preview that the 2xx repeats.
        if !response.body.isEmpty, answeredEarly != .reliable, !cancelSent {
            switch negotiator.accept(answer: response.body) {
            case .success:
                answeredEarly = isReliable ? .reliable : .unreliable
                actions.append(.notify(.earlyMedia))
            case .failure(let failure):
                // The answer is unusable: give up the call (§13.2.1 has no way to reject an answer).
                cancelSent = true
                endReasonAfterCancel = .failed("unusable answer in \(response.statusCode): \(failure.reason)")
                actions += [.cancelInvite, .startTimer(.cancelGuard, after: configuration.timers.transactionTimeout)]
            }
        }
        return actions
    }

    private mutating func success(_ response: SIPResponse, to invite: SIPRequest) -> [Action] {
        guard let tag = response.toTag, var made = Dialog(clientRequest: invite, response: response) else {
            return end(.failed("2xx to INVITE without To tag"))
        }
        if let early = earlyDialogs[tag] { made.localCSeq = max(made.localCSeq, early.dialog.localCSeq) }
        if let dialog {
            // §13.2.2.4: a retransmission is ACKed again; a 2xx from another fork is ACKed and ended.
            if dialog.remoteTag == tag, let ack = lastAck { return [.sendAck(ack, nextHop: dialog.nextHop)] }
            return forkedSuccess(made, invite: invite)
        }
        let ack = made.makeAck(cseq: invite.cseqNumber)
        dialog = made
        lastAck = ack
        earlyDialogs = [:]
        var actions: [Action] = [.cancelTimer(.ringTimeout), .cancelTimer(.cancelGuard), .sendAck(ack, nextHop: made.nextHop)]
        peerAllowsUpdate = response.headers.allows(.update)
        if cancelSent || hangUpPending {
            // §9.1: the 2xx crossed our CANCEL; the call exists now and is ended with BYE.
            phase = .confirmed
            return actions + sendBye() + end(endReasonAfterCancel)
        }
        if answeredEarly != .reliable {
            if response.body.isEmpty, answeredEarly == nil {
                phase = .confirmed
                return actions + sendBye() + end(.failed("the 2xx to our offer carries no answer"))
            }
            if !response.body.isEmpty, case .failure(let failure) = negotiator.accept(answer: response.body) {
                phase = .confirmed
                return actions + sendBye() + end(.failed("unusable answer: \(failure.reason)"))
            }
        }
        phase = .confirmed
        sessionTimer = SessionTimerAgreement.fromResponse(response, settings: configuration.sessionTimer, asked: sessionExpiresAsked)
        actions += armSessionTimer()
        actions.append(.notify(.established))
        return actions
    }

    /// A 2xx from a second fork: ACK it and end that dialog with BYE, keep the first (§13.2.2.4).
    private mutating func forkedSuccess(_ made: Dialog, invite: SIPRequest) -> [Action] {
        var other = made
        let ack = other.makeAck(cseq: invite.cseqNumber)
        let bye = other.makeRequest(.bye, contact: nil)
        return [.sendAck(ack, nextHop: other.nextHop), .send(bye, .forkedBye, nextHop: other.nextHop)]
    }

    private mutating func failure(_ response: SIPResponse, to invite: SIPRequest) -> [Action] {
        let code = response.statusCode
        if cancelSent || hangUpPending { return end(endReasonAfterCancel) }
        switch code {
        case 300..<400:
            // §8.1.3.4: try the Contacts of the redirect, a bounded number of times.
            guard redirects < configuration.maxRedirects,
                  let next = response.headers.values(.contact).compactMap({ try? NameAddress($0) }).first?.uri else {
                return end(.rejected(statusCode: code, reason: response.reason))
            }
            redirects += 1
            target = next
            return resend(makeInvite(cseq: invite.cseqNumber + 1, offer: invite.body))
        case 401, 407:
            // §22.2: once per challenge; a second challenge of the same nonce is a wrong password.
            guard let authorized = try? authenticator.authenticate(invite, challengedBy: response, using: &random) else {
                return end(.rejected(statusCode: code, reason: response.reason))
            }
            return resend(authorized)
        case 422:
            // RFC 4028 §7.4: ask again with at least the peer's Min-SE.
            guard let minSE = response.headers[.minSE].flatMap({ Int($0.split(separator: ";").first.map(String.init)?.trimmed ?? "") }),
                  minSE > sessionExpiresAsked else { return end(.rejected(statusCode: code, reason: response.reason)) }
            sessionExpiresAsked = minSE
            var request = makeInvite(cseq: invite.cseqNumber + 1, offer: invite.body)
            request.headers.set(.minSE, String(minSE))
            return resend(authenticator.authorize(request))
        default:
            return end(.rejected(statusCode: code, reason: response.reason))
        }
    }

    /// A new INVITE transaction for the same call (redirect, credentials, Min-SE).
    private mutating func resend(_ request: SIPRequest) -> [Action] {
        invite = request
        earlyDialogs = [:]
        gotProvisional = false
        answeredEarly = nil
        phase = .calling
        return [.send(request, .invite, nextHop: initialNextHop)]
    }

    /// Caller hang-up before the answer: CANCEL once a provisional response came (§9.1).
    mutating func cancelCall(reason: CallEndReason) -> [Action] {
        endReasonAfterCancel = reason
        guard !cancelSent else { return [] }
        hangUpPending = true
        guard gotProvisional else { return [.cancelTimer(.ringTimeout), .startTimer(.cancelGuard, after: configuration.timers.transactionTimeout)] }
        cancelSent = true
        return [.cancelTimer(.ringTimeout), .cancelInvite, .startTimer(.cancelGuard, after: configuration.timers.transactionTimeout)]
    }
}

extension SIPRequest {
    var cseqNumber: UInt32 { headers[.cseq].flatMap { try? CSeq($0) }?.number ?? 0 }
}

extension SIPResponse {
    var cseqNumber: UInt32? { headers[.cseq].flatMap { try? CSeq($0) }?.number }

    var toTag: String? { headers[.to].flatMap { try? NameAddress($0) }?.tag }
}

extension SIPHeaders {
    /// `Require` names the option tag (`100rel`, `timer`), case-insensitively.
    func requires(_ option: String) -> Bool { values(.require).contains { $0.trimmed.caseInsensitiveEquals(option) } }
    /// `Supported` names the option tag.
    func supports(_ option: String) -> Bool { values(.supported).contains { $0.trimmed.caseInsensitiveEquals(option) } }
    /// `Allow` lists the method.
    func allows(_ method: SIPMethod) -> Bool { values(.allow).contains { $0.trimmed.uppercased() == method.rawValue } }
}
