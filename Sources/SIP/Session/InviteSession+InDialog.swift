import SIPMessage

/// Requests from the peer (§12.2.2): ACK, PRACK and CANCEL of the INVITE, then BYE, re-INVITE,
/// UPDATE, INFO and OPTIONS within the dialog; anything else gets 405 or 501.
extension InviteSession {
    mutating func requestArrived(_ request: SIPRequest, _ key: TransactionKey?) -> [Action] {
        if request.method == .ack { return ackArrived(request) }
        guard let key else { return [] }
        if request.method == .cancel { return cancelArrived(request, key) }
        guard var dialog, dialog.matches(.request(request)) else {
            return [.respond(reply(to: request, 481), key)]
        }
        // §12.2.2: an out-of-order CSeq gets 500.
        guard dialog.acceptRemoteCSeq(of: request) else {
            return [.respond(reply(to: request, 500, reason: "Server Internal Error (CSeq out of order)"), key)]
        }
        self.dialog = dialog
        switch request.method {
        case .prack: return prackArrived(request, key)
        case .bye: return byeArrived(request, key)
        case .invite: return reinviteArrived(request, key)
        case .update: return updateArrived(request, key)
        case .info: return infoArrived(request, key)
        case .options:
            var response = reply(to: request, 200)
            response.headers.append(.allow, InviteSessionConfiguration.allow)
            response.headers.append(.accept, (["application/sdp"] + InfoBody.acceptedTypes).joined(separator: ", "))
            for option in configuration.supported { response.headers.append(.supported, option) }
            return [.respond(response, key)]
        case .register, .subscribe, .notify, .refer, .message, SIPMethod("PUBLISH"):
            var response = reply(to: request, 405)
            response.headers.append(.allow, InviteSessionConfiguration.allow)
            return [.respond(response, key)]
        default:
            // RFC 3261 §12.2.2 with §8.2.1: a method we do not know.
            var response = reply(to: request, 501)
            response.headers.append(.allow, InviteSessionConfiguration.allow)
            return [.respond(response, key)]
        }
    }

    /// BYE (§15.1.2): 200, and the INVITE still unanswered in an early dialog gets 487
    /// ("the UAS MUST still respond to any pending requests received for that dialog").
    private mutating func byeArrived(_ bye: SIPRequest, _ key: TransactionKey) -> [Action] {
        var actions: [Action] = [.respond(reply(to: bye, 200), key)]
        if role == .callee, phase == .calling || phase == .early, let (invite, inviteKey) = incoming {
            actions.append(.respond(reply(to: invite, 487), inviteKey))
        }
        return actions + end(.remoteHangUp)
    }

    /// §14.2: a re-INVITE. With an offer we answer in the 2xx; without, we offer in the 2xx and
    /// the answer comes in the ACK. While our own offer is out: 491 (glare); while the previous
    /// re-INVITE waits for its ACK: 500 with Retry-After.
    private mutating func reinviteArrived(_ request: SIPRequest, _ key: TransactionKey) -> [Action] {
        guard phase == .confirmed else { return [.respond(reply(to: request, 491), key)] }
        if localOffer != nil { return [.respond(reply(to: request, 491), key)] }
        if remoteReinvite != nil {
            var response = reply(to: request, 500)
            response.headers.append(.retryAfter, "1")
            return [.respond(response, key)]
        }
        var response = dialogResponse(to: request, 200)
        response.headers.append(.allow, InviteSessionConfiguration.allow)
        var actions = refreshSessionTimer(from: request, into: &response)
        let offerInAck = request.body.isEmpty
        if offerInAck {
            response.headers.append(.contentType, "application/sdp")
            response.body = negotiator.makeOffer()
        } else {
            switch negotiator.answer(to: request.body) {
            case .success(let body):
                response.headers.append(.contentType, "application/sdp")
                response.body = body
            case .failure(let failure):
                // §14.2: a refused re-offer leaves the session as it was.
                var refusal = reply(to: request, 488)
                refusal.headers.append(.warning, warning(failure.reason))
                return [.respond(refusal, key)]
            }
        }
        dialog?.refreshTarget(from: .request(request))
        remoteReinvite = (request, key, response, offerInAck)
        retransmitInterval = configuration.timers.t1
        actions += [.respond(response, key), .startTimer(.retransmit2xx, after: retransmitInterval),
                    .startTimer(.ackTimeout, after: configuration.timers.transactionTimeout)]
        if !offerInAck { actions.append(.notify(.mediaUpdated)) }
        return actions
    }

    mutating func reinviteAcknowledged(_ ack: SIPRequest) -> [Action] {
        guard let pending = remoteReinvite else { return [] }
        remoteReinvite = nil
        var actions: [Action] = [.cancelTimer(.retransmit2xx), .cancelTimer(.ackTimeout)]
        if pending.offerInAck {
            let accepted = ack.body.isEmpty ? .failure(NegotiationFailure("the ACK carries no answer to our offer")) : negotiator.accept(answer: ack.body)
            if case .failure(let failure) = accepted { return actions + sendBye() + end(.failed(failure.reason)) }
            actions.append(.notify(.mediaUpdated))
        }
        return actions + sendQueued()
    }

    /// RFC 3311: UPDATE with an offer is answered in its 200; without one it refreshes the session.
    private mutating func updateArrived(_ request: SIPRequest, _ key: TransactionKey) -> [Action] {
        var response = reply(to: request, 200)
        response.headers.append(.contact, NameAddress(uri: configuration.contact).description)
        if request.body.isEmpty {
            let actions = refreshSessionTimer(from: request, into: &response)
            dialog?.refreshTarget(from: .request(request))
            return actions + [.respond(response, key)]
        }
        // RFC 3311 §5.2: an offer while ours is out is glare (491); while a re-INVITE of theirs is
        // not settled, 500 with Retry-After.
        if localOffer != nil { return [.respond(reply(to: request, 491), key)] }
        if remoteReinvite != nil {
            var busy = reply(to: request, 500)
            busy.headers.append(.retryAfter, "1")
            return [.respond(busy, key)]
        }
        switch negotiator.answer(to: request.body) {
        case .success(let body):
            var actions = refreshSessionTimer(from: request, into: &response)
            response.headers.append(.contentType, "application/sdp")
            response.body = body
            dialog?.refreshTarget(from: .request(request))
            actions += [.respond(response, key), .notify(.mediaUpdated)]
            return actions
        case .failure(let failure):
            var refusal = reply(to: request, 488)
            refusal.headers.append(.warning, warning(failure.reason))
            return [.respond(refusal, key)]
        }
    }

    /// RFC 6086 INFO: DTMF and key-frame requests; an empty INFO is a keep-alive (200).
    private mutating func infoArrived(_ request: SIPRequest, _ key: TransactionKey) -> [Action] {
        if request.body.isEmpty { return [.respond(reply(to: request, 200), key)] }
        do {
            let body = try InfoBody(contentType: request.headers[.contentType] ?? "", body: request.body)
            let event: CallEvent = switch body {
            case .dtmf(let digit, let duration): .dtmf(digit: digit, durationMilliseconds: duration)
            case .pictureFastUpdate: .keyFrameRequested
            }
            return [.respond(reply(to: request, 200), key), .notify(event)]
        } catch .unsupportedType {
            // RFC 6086 §4.2.2: a body we do not understand is refused with 415 and what we accept.
            var response = reply(to: request, 415)
            response.headers.append(.accept, InfoBody.acceptedTypes.joined(separator: ", "))
            return [.respond(response, key)]
        } catch {
            return [.respond(reply(to: request, 400, reason: "Bad Request (\(error.description))"), key)]
        }
    }

    /// RFC 4028 §9: a refresh from the peer re-arms our timers and states the agreement in the 2xx.
    private mutating func refreshSessionTimer(from request: SIPRequest, into response: inout SIPResponse) -> [Action] {
        guard configuration.sessionTimer.enabled else { return [] }
        switch SessionTimerAgreement.fromRequest(request, settings: configuration.sessionTimer) {
        case .agreed(let agreement, _):
            sessionTimer = agreement
        case .tooSmall, .none:
            // The peer refreshed without naming the timer: the agreement stands, stated from this
            // transaction's side — RFC 4028 §4: `refresher` names the UAC or UAS of the message
            // it is in, and the peer is the UAC here whichever side set the call up.
            if let weRefresh = sessionTimer?.weRefresh { sessionTimer?.refresher = weRefresh ? .uas : .uac }
        }
        guard let sessionTimer else { return [] }
        response.headers.append(.sessionExpires, sessionTimer.headerValue)
        if sessionTimer.refresher == .uac { response.headers.append(.require, "timer") }
        return armSessionTimer()
    }
}
