import SIPMessage

/// The callee's side: checking the INVITE, 18x (reliable when the caller requires it, RFC 3262),
/// the 2xx and its retransmission until the ACK (§13.3.1.4), refusal and CANCEL (§9.2).
extension InviteSession {
    /// Extensions we implement, for `Require` checks (§8.2.2.3).
    static var understood: Set<String> { ["100rel", "timer"] }

    mutating func startIncoming() -> [Action] {
        guard phase == .idle, let (request, key) = incoming else { return [] }
        phase = .calling
        // §8.2.2.3: an extension we do not know is refused with 420 and Unsupported.
        let unknown = request.headers.values(.require).map(\.trimmed).filter { !Self.understood.contains($0.lowercased()) }
        if !unknown.isEmpty {
            var response = reply(to: request, 420)
            for option in unknown { response.headers.append(.unsupported, option) }
            return [.respond(response, key)] + end(.declined(statusCode: 420))
        }
        guard let made = Dialog(serverRequest: request, localTag: localTagValue) else {
            return [.respond(reply(to: request, 400, reason: "Bad Request (no usable Contact, From tag or CSeq)"), key)]
                + end(.declined(statusCode: 400))
        }
        dialog = made
        peerAllowsUpdate = request.headers.allows(.update)
        switch SessionTimerAgreement.fromRequest(request, settings: configuration.sessionTimer) {
        case .tooSmall(let minSE):
            // RFC 4028 §8.1.
            var response = reply(to: request, 422)
            response.headers.append(.minSE, String(minSE))
            return [.respond(response, key)] + end(.declined(statusCode: 422))
        case .agreed(let agreement, _):
            sessionTimer = agreement
        case .none:
            sessionTimer = nil
        }
        if request.body.isEmpty {
            // §13.2.1: no offer in the INVITE; ours goes into the 2xx, the answer comes in the ACK.
            offerInAck = true
            return []
        }
        switch negotiator.answer(to: request.body) {
        case .success(let body):
            answer = body
            return []
        case .failure(let failure):
            // §13.3.1.3, RFC 3261 §21.4.26: 488 with a Warning that says why.
            var response = reply(to: request, 488)
            response.headers.append(.warning, warning(failure.reason))
            return [.respond(response, key)] + end(.declined(statusCode: 488))
        }
    }

    mutating func ring(earlyMedia: Bool) -> [Action] {
        guard role == .callee, phase == .calling || phase == .early, let (request, key) = incoming, reliable?.acknowledged != false else { return [] }
        phase = .early
        let withMedia = earlyMedia && answer != nil
        var response = dialogResponse(to: request, withMedia ? 183 : 180)
        if withMedia, let answer {
            response.headers.append(.contentType, "application/sdp")
            response.body = answer
        }
        // RFC 3262 §3: reliable when the caller requires it, or supports it and we send media.
        let callerRequires = request.headers.requires("100rel")
        let callerSupports = request.headers.supports("100rel")
        guard callerRequires || (callerSupports && withMedia && configuration.reliableProvisional) else {
            return [.respond(response, key)] + (withMedia ? [.notify(.earlyMedia)] : [])
        }
        let rseq = (reliable?.rseq).map { $0 + 1 } ?? UInt32.random(in: 1...0x7FFF_FFFF, using: &random)
        response.headers.append(.require, "100rel")
        response.headers.append(.rseq, String(rseq))
        reliable = ReliableProvisional(response: response, rseq: rseq, hasBody: withMedia, acknowledged: false)
        retransmitInterval = configuration.timers.t1
        return [.respond(response, key), .startTimer(.retransmitProvisional, after: retransmitInterval),
                .startTimer(.prackTimeout, after: configuration.timers.transactionTimeout)]
            + (withMedia ? [.notify(.earlyMedia)] : [])
    }

    mutating func accept() -> [Action] {
        guard role == .callee, phase == .calling || phase == .early, let (request, key) = incoming else { return [] }
        // RFC 3262 §3 forbids a 2xx only while a reliable 18x *with a session description* is
        // unacknowledged; we wait for every PRACK, so the caller never sees the 2xx overtake the
        // 200 to its PRACK (strict UACs, sipp scenarios among them, expect that order).
        if let reliable, !reliable.acknowledged {
            acceptPending = true
            return []
        }
        var response = dialogResponse(to: request, 200)
        response.headers.append(.allow, InviteSessionConfiguration.allow)
        for option in configuration.supported { response.headers.append(.supported, option) }
        if let sessionTimer {
            response.headers.append(.sessionExpires, sessionTimer.headerValue)
            if sessionTimer.refresher == .uac { response.headers.append(.require, "timer") }
        }
        let body = offerInAck ? negotiator.makeOffer() : (answer ?? [])
        if !body.isEmpty {
            response.headers.append(.contentType, "application/sdp")
            response.body = body
        }
        finalResponse = response
        phase = .answered
        retransmitInterval = configuration.timers.t1
        var actions: [Action] = [.cancelTimer(.retransmitProvisional), .cancelTimer(.prackTimeout), .respond(response, key)]
        actions += [.startTimer(.retransmit2xx, after: retransmitInterval), .startTimer(.ackTimeout, after: configuration.timers.transactionTimeout)]
        return actions
    }

    mutating func reject(_ statusCode: Int) -> [Action] {
        guard role == .callee, phase == .calling || phase == .early, let (request, key) = incoming else { return [] }
        return [.respond(reply(to: request, statusCode), key)] + end(.declined(statusCode: statusCode))
    }

    /// A response that forms the dialog (§12.1.1): To tag and our Contact.
    func dialogResponse(to request: SIPRequest, _ statusCode: Int) -> SIPResponse {
        var response = reply(to: request, statusCode)
        for recordRoute in request.headers.values(.recordRoute) { response.headers.append(.recordRoute, recordRoute) }
        response.headers.append(.contact, NameAddress(uri: configuration.contact).description)
        return response
    }

    /// The ACK of our 2xx: the call is confirmed (an offer-less INVITE gets its answer here).
    mutating func ackArrived(_ ack: SIPRequest) -> [Action] {
        if let pending = remoteReinvite, ack.cseqNumber == pending.request.cseqNumber {
            return reinviteAcknowledged(ack)
        }
        guard phase == .answered, let (request, _) = incoming, ack.cseqNumber == request.cseqNumber else { return [] }
        phase = .confirmed
        var actions: [Action] = [.cancelTimer(.retransmit2xx), .cancelTimer(.ackTimeout)]
        // RFC 3261 §15: a hang-up before the ACK sends its BYE now.
        if byeAfterAck { return actions + sendBye() + end(.localHangUp) }
        if offerInAck {
            offerInAck = false
            let accepted = ack.body.isEmpty ? .failure(NegotiationFailure("the ACK carries no answer to our offer")) : negotiator.accept(answer: ack.body)
            if case .failure(let failure) = accepted { return actions + sendBye() + end(.failed(failure.reason)) }
        }
        actions += armSessionTimer()
        actions.append(.notify(.established))
        return actions
    }

    /// PRACK for our reliable 18x (RFC 3262 §3): 200, stop retransmitting, send a deferred 2xx.
    mutating func prackArrived(_ prack: SIPRequest, _ key: TransactionKey) -> [Action] {
        // RFC 3262 §7.2: RAck is the RSeq, the CSeq number and the method of the INVITE; a PRACK
        // that names anything else matches no reliable response (§3: 481).
        let rack = prack.headers[.rack]?.split(separator: " ", omittingEmptySubsequences: true) ?? []
        guard var current = reliable, let (request, _) = incoming, rack.count == 3,
              UInt32(rack[0]) == current.rseq, UInt32(rack[1]) == request.cseqNumber,
              String(rack[2]).caseInsensitiveEquals(SIPMethod.invite.rawValue) else {
            return [.respond(reply(to: prack, 481), key)]
        }
        var actions: [Action] = [.respond(reply(to: prack, 200), key)]
        if !current.acknowledged {
            current.acknowledged = true
            reliable = current
            actions += [.cancelTimer(.retransmitProvisional), .cancelTimer(.prackTimeout)]
            if acceptPending {
                acceptPending = false
                actions += accept()
            }
        }
        return actions
    }

    /// CANCEL of the INVITE before our final response (§9.2): 200 for the CANCEL, 487 for the INVITE.
    mutating func cancelArrived(_ cancel: SIPRequest, _ key: TransactionKey) -> [Action] {
        var actions: [Action] = [.respond(reply(to: cancel, 200), key)]
        guard role == .callee, phase == .calling || phase == .early, let (request, inviteKey) = incoming else { return actions }
        actions.append(.respond(reply(to: request, 487), inviteKey))
        return actions + end(.remoteHangUp)
    }

    mutating func retransmitFinal() -> [Action] {
        guard phase == .answered, let finalResponse, let (_, key) = incoming else { return [] }
        retransmitInterval = min(retransmitInterval * 2, configuration.timers.t2)
        return [.respond(finalResponse, key), .startTimer(.retransmit2xx, after: retransmitInterval)]
    }

    mutating func retransmitProvisional() -> [Action] {
        guard let reliable, !reliable.acknowledged, phase == .early, let (_, key) = incoming else { return [] }
        // RFC 3262 §3: T1 doubling, without the T2 cap.
        retransmitInterval = retransmitInterval * 2
        return [.respond(reliable.response, key), .startTimer(.retransmitProvisional, after: retransmitInterval)]
    }
}
