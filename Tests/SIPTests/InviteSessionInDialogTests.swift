import SIP
import SIPMessage
import Testing

/// Within the dialog (RFC 3261 §12.2, §14; RFC 3311; RFC 4028; RFC 6086): re-INVITE and UPDATE both
/// ways, glare, INFO, other methods, CSeq and dialog matching, the end, and session refreshes.
@Suite struct InviteSessionInDialogTests {
    static let roles: [Session.Role] = [.caller, .callee]
    static let allow = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, PRACK, UPDATE"
    static let doorContact = "<sip:door@127.0.0.1:5060>"
    static let apartment = SIPURI(user: "apartment", host: "127.0.0.1", port: 5070)
    /// The Contact of the apartment's target-refresh requests (`Peer.inDialog`).
    static let movedApartment = SIPURI(user: "apartment", host: "127.0.0.1", port: 5072)

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    // MARK: re-INVITE and UPDATE from the peer

    @Test(arguments: roles)
    func reinviteWithOfferIsAnsweredAndRefreshesTheTarget(role: Session.Role) throws {
        var call = EstablishedCall(role)
        let reinvite = call.request(.invite, cseq: 20, body: "offer-sendonly")
        let actions = call.receive(reinvite)
        let ok = try #require(actions.compactMap(\.response).first)
        #expect(ok.statusCode == 200)
        #expect(Self.text(ok.body) == "answer-to-offer-sendonly")
        #expect(ok.headers[.contentType] == "application/sdp")
        #expect(ok.headers[.contact] == Self.doorContact)
        #expect(ok.headers[.allow] == Self.allow)
        #expect(actions.compactMap(\.responseKey) == [Peer.key(reinvite)])
        #expect(actions.events() == [.mediaUpdated])
        #expect(actions.timer(.retransmit2xx) == .milliseconds(500))
        #expect(actions.timer(.ackTimeout) == .seconds(32))
        #expect(call.session.dialog?.remoteTarget == Self.movedApartment, "§12.2.2: a re-INVITE is a target refresh")

        #expect(call.handle(.timerFired(.retransmit2xx)) == [.respond(ok, Peer.key(reinvite)), .startTimer(.retransmit2xx, after: .seconds(1))])
        #expect(call.receive(call.request(.ack, cseq: 20)) == [.cancelTimer(.retransmit2xx), .cancelTimer(.ackTimeout)])
        #expect(call.handle(.timerFired(.retransmit2xx)).isEmpty)
        #expect(call.handle(.timerFired(.ackTimeout), now: .seconds(42)).isEmpty, "a late ackTimeout must not end the call")

        let bye = try #require(call.handle(.hangUp).sent(.bye).first)
        #expect(bye.uri == Self.movedApartment)
        #expect(bye.headers[.cseq] == "\(call.firstLocalCSeq) BYE")
    }

    @Test(arguments: roles)
    func offerlessReinviteGetsOurOfferAndTheAnswerComesInTheAck(role: Session.Role) throws {
        var call = EstablishedCall(role)
        let actions = call.receive(call.request(.invite, cseq: 20))
        let ok = try #require(actions.compactMap(\.response).first)
        #expect(ok.statusCode == 200)
        #expect(Self.text(ok.body) == "offer-\(call.session.negotiator.offers)")
        #expect(actions.events().isEmpty, "nothing changed until the answer")
        let acked = call.receive(call.request(.ack, cseq: 20, body: "answer-y"))
        #expect(acked == [.cancelTimer(.retransmit2xx), .cancelTimer(.ackTimeout), .notify(.mediaUpdated)])
        #expect(call.session.negotiator.accepted.last == "answer-y")
    }

    @Test func offerlessReinviteWhoseAckHasNoAnswerEndsWithBye() {
        var call = EstablishedCall(.callee)
        _ = call.receive(call.request(.invite, cseq: 20))
        let acked = call.receive(call.request(.ack, cseq: 20))
        #expect(acked.sent(.bye).count == 1)
        #expect(acked.events() == [.ended(.failed("the ACK carries no answer to our offer"))])
    }

    @Test func secondReinviteBeforeTheAckGets500WithRetryAfter() throws {
        var call = EstablishedCall(.callee)
        _ = call.receive(call.request(.invite, cseq: 20, body: "offer-a"))
        let busy = try #require(call.receive(call.request(.invite, cseq: 21, body: "offer-b")).first?.response)
        #expect(busy.statusCode == 500)
        #expect(busy.headers[.retryAfter] != nil)
    }

    @Test func refusedReofferLeavesTheCallAsItWas() throws {
        var call = EstablishedCall(.callee)
        let actions = call.receive(call.request(.invite, cseq: 20, body: "bad-offer"))
        let refusal = try #require(actions.first?.response)
        #expect(refusal.statusCode == 488)
        #expect(refusal.headers[.warning] == "399 127.0.0.1 \"no common audio codec\"")
        #expect(actions.count == 1)
        #expect(call.session.isEstablished)
        #expect(call.session.dialog?.remoteTarget == Self.apartment, "a refused re-INVITE refreshes nothing")
    }

    @Test(arguments: roles)
    func updateWithOfferIsAnsweredInIts200(role: Session.Role) throws {
        var call = EstablishedCall(role)
        let update = call.request(.update, cseq: 20, body: "offer-video")
        let actions = call.receive(update)
        let ok = try #require(actions.compactMap(\.response).first)
        #expect(ok.statusCode == 200)
        #expect(Self.text(ok.body) == "answer-to-offer-video")
        #expect(ok.headers[.contact] == Self.doorContact)
        #expect(actions.events() == [.mediaUpdated])
        #expect(actions.timer(.retransmit2xx) == nil, "RFC 3311: no ACK, so no retransmission of our own")
        #expect(call.session.dialog?.remoteTarget == Self.movedApartment)
    }

    @Test func updateWithoutBodyIsARefresh() throws {
        var call = EstablishedCall(.callee)
        let actions = call.receive(call.request(.update, cseq: 20))
        let ok = try #require(actions.first?.response)
        #expect(actions.count == 1)
        #expect(ok.statusCode == 200)
        #expect(ok.body.isEmpty)
        #expect(ok.headers[.contact] == Self.doorContact)
    }

    // MARK: Our re-INVITE and glare

    /// §14.1: the owner of the Call-ID (the caller) waits 2.1–4 s after a 491, the other side 0–2 s.
    @Test(arguments: [(Session.Role.caller, 2100...4000), (.callee, 0...2000)])
    func glareIsRetriedAfterARandomWait(role: Session.Role, milliseconds: ClosedRange<Int>) throws {
        var call = EstablishedCall(role)
        let ours = try #require(call.handle(.reoffer).sent(.invite).first)
        #expect(ours.headers[.cseq] == "\(call.firstLocalCSeq) INVITE")
        #expect(ours.uri == Self.apartment)
        #expect(ours.headers[.contact] == Self.doorContact)
        #expect(Self.text(ours.body) == "offer-\(call.session.negotiator.offers)")
        #expect(ours.headers[.contentType] == "application/sdp")

        // The apartment re-offers meanwhile: glare.
        #expect(call.receive(call.request(.invite, cseq: 20, body: "offer-theirs")).responses() == [491])
        #expect(call.receive(call.request(.update, cseq: 21, body: "offer-theirs")).responses() == [491])

        let refused = call.handle(.response(Peer.response(491, to: ours), .reinvite))
        let wait = try #require(refused.timer(.glareRetry))
        #expect(wait >= .milliseconds(milliseconds.lowerBound) && wait <= .milliseconds(milliseconds.upperBound))
        #expect(call.session.negotiator.withdrawn == 1)
        #expect(call.handle(.reoffer).isEmpty, "§14.1: nothing before the wait is over; the retry carries the newest offer")

        let retry = try #require(call.handle(.timerFired(.glareRetry), now: .seconds(14)).sent(.invite).first)
        #expect(retry.headers[.cseq] == "\(call.firstLocalCSeq + 1) INVITE")
        let answered = call.handle(.response(Peer.response(200, to: retry, body: "answer-2"), .reinvite), now: .seconds(15))
        let ack = try #require(answered.compactMap(\.ack).first)
        #expect(ack.headers[.cseq] == "\(call.firstLocalCSeq + 1) ACK")
        #expect(ack.uri == Self.apartment)
        #expect(answered.events() == [.mediaUpdated])
        #expect(answered.sent(.invite).isEmpty, "the queued re-offer went with the retry")
        #expect(call.session.negotiator.accepted.last == "answer-2")
    }

    /// §14.1: no re-INVITE of ours while the peer's waits for its ACK; it goes after.
    @Test func glareRetryWaitsForThePeersReinviteToComplete() throws {
        var call = EstablishedCall(.callee)
        let ours = try #require(call.handle(.reoffer).sent(.invite).first)
        _ = call.handle(.response(Peer.response(491, to: ours), .reinvite))
        _ = call.receive(call.request(.invite, cseq: 20, body: "offer-theirs"))
        #expect(call.handle(.timerFired(.glareRetry)).sent(.invite).isEmpty)
        let acked = call.receive(call.request(.ack, cseq: 20))
        let retry = try #require(acked.sent(.invite).first)
        #expect(retry.headers[.cseq] == "2 INVITE")
    }

    @Test(arguments: roles)
    func refusedReinviteOfOursLeavesTheCallAsItWas(role: Session.Role) throws {
        var call = EstablishedCall(role)
        let ours = try #require(call.handle(.reoffer).sent(.invite).first)
        let refused = call.handle(.response(Peer.response(488, to: ours), .reinvite))
        #expect(refused.events().isEmpty)
        #expect(refused.sent(.bye).isEmpty)
        #expect(call.session.negotiator.withdrawn == 1)
        #expect(call.session.isEstablished)
        #expect(call.handle(.reoffer).sent(.invite).count == 1, "the next re-offer may go")
    }

    /// §12.2.1.2: the 2xx to our re-INVITE refreshes the remote target; the ACK goes to the new one.
    @Test func answerToOurReinviteRefreshesTheTarget() throws {
        var call = EstablishedCall(.callee)
        let ours = try #require(call.handle(.reoffer).sent(.invite).first)
        var ok = Peer.response(200, to: ours, body: "answer-2")
        ok.headers.set(.contact, "<sip:apartment@127.0.0.1:5072>")
        let answered = call.handle(.response(ok, .reinvite))
        let ack = try #require(answered.compactMap(\.ack).first)
        #expect(answered.first == .sendAck(ack, nextHop: Self.movedApartment))
        #expect(ack.uri == Self.movedApartment)
        #expect(ack.headers[.cseq] == "1 ACK")
        #expect(call.session.dialog?.remoteTarget == Self.movedApartment)
    }

    /// RFC 6026 §8.4: 2xx retransmissions reach the session; each is ACKed again, nothing else.
    @Test(arguments: roles)
    func retransmitted2xxToOurReinviteIsAckedAgainOnly(role: Session.Role) throws {
        var call = EstablishedCall(role)
        let ours = try #require(call.handle(.reoffer).sent(.invite).first)
        let ok = Peer.response(200, to: ours, body: "answer-2")
        let ack = try #require(call.handle(.response(ok, .reinvite)).compactMap(\.ack).first)
        let again = call.handle(.response(ok, .reinvite), now: .seconds(11))
        #expect(again == [.sendAck(ack, nextHop: Self.apartment)])
        #expect(call.session.negotiator.accepted.filter { $0 == "answer-2" }.count == 1)
        if let invite = call.invite {
            // And the initial INVITE's 2xx still gets the INVITE's ACK, not the re-INVITE's.
            let initial = call.handle(.response(Peer.response(200, to: invite, body: "answer-1"), .invite), now: .seconds(12))
            #expect(initial.compactMap(\.ack).map { $0.headers[.cseq] } == ["1 ACK"])
        }
        // A queued re-offer that went out is not answered by an old 2xx either.
        let next = try #require(call.handle(.reoffer, now: .seconds(13)).sent(.invite).first)
        #expect(call.handle(.response(ok, .reinvite), now: .seconds(14)).compactMap(\.ack) == [ack])
        #expect(call.handle(.response(Peer.response(200, to: next, body: "answer-3"), .reinvite), now: .seconds(15)).events() == [.mediaUpdated])
    }

    /// §22.2: a challenged re-INVITE is sent again once, with credentials and the next CSeq; a
    /// second challenge of the same nonce means the password is wrong, and the offer is withdrawn.
    @Test func challengedReinviteIsAnsweredOnce() throws {
        var call = EstablishedCall(.caller)
        let ours = try #require(call.handle(.reoffer).sent(.invite).first)
        let challenge: [(SIPHeaderName, String)] = [(.wwwAuthenticate, "Digest realm=\"pbx\", nonce=\"abc\", algorithm=MD5")]
        let retried = try #require(call.handle(.response(Peer.response(401, to: ours, headers: challenge), .reinvite)).sent(.invite).first)
        #expect(retried.headers[.authorization]?.contains("username=\"door\"") == true)
        #expect(retried.headers[.cseq] == "3 INVITE")
        #expect(retried.body == ours.body, "the same offer")
        #expect(call.session.negotiator.withdrawn == 0)
        let wrong = call.handle(.response(Peer.response(401, to: retried, headers: challenge), .reinvite))
        #expect(wrong.sent(.invite).isEmpty)
        #expect(wrong.events().isEmpty)
        #expect(call.session.negotiator.withdrawn == 1)
        #expect(call.session.isEstablished)
    }

    // MARK: INFO

    @Test(arguments: [
        ("application/dtmf-relay", "Signal=5\r\nDuration=160", 200, CallEvent?.some(.dtmf(digit: "5", durationMilliseconds: 160))),
        ("application/dtmf-relay", "Signal=10\r\nDuration=250\r\n", 200, .dtmf(digit: "*", durationMilliseconds: 250)),
        ("application/dtmf", "#", 200, .dtmf(digit: "#", durationMilliseconds: 160)),
        ("application/media_control+xml",
         "<?xml version=\"1.0\"?><media_control><vc_primitive><to_encoder><picture_fast_update/></to_encoder></vc_primitive></media_control>",
         200, .keyFrameRequested),
        ("text/plain", "hello", 415, nil),
        ("application/dtmf-relay", "Signal=X", 400, nil),
        ("application/dtmf-relay", "", 200, nil),
    ])
    func infoFromThePeer(contentType: String, body: String, status: Int, event: CallEvent?) throws {
        var call = EstablishedCall(.callee)
        let info = call.request(.info, cseq: 20, body: body, contentType: body.isEmpty ? nil : contentType)
        let actions = call.receive(info)
        let response = try #require(actions.first?.response)
        #expect(response.statusCode == status)
        #expect(actions.first?.responseKey == Peer.key(info))
        #expect(actions.events() == (event.map { [$0] } ?? []))
        if status == 415 {
            // RFC 6086 §4.2.2: say what we accept.
            #expect(response.headers[.accept] == "application/dtmf-relay, application/dtmf, application/media_control+xml")
        }
    }

    @Test(arguments: roles)
    func dtmfGoesOneInfoAtATime(role: Session.Role) throws {
        var call = EstablishedCall(role)
        let first = call.handle(.sendDTMF("1", durationMilliseconds: 100))
        let info = try #require(first.sent(.info).first)
        #expect(first.count == 1)
        #expect(Self.text(info.body) == "Signal=1\r\nDuration=100\r\n")
        #expect(info.headers[.contentType] == "application/dtmf-relay")
        #expect(info.headers[.cseq] == "\(call.firstLocalCSeq) INFO")
        #expect(info.uri == Self.apartment)
        #expect(call.handle(.sendDTMF("2", durationMilliseconds: 100)).isEmpty, "one INFO in flight keeps the digits in order")
        let next = try #require(call.handle(.response(Peer.response(200, to: info), .info)).sent(.info).first)
        #expect(Self.text(next.body) == "Signal=2\r\nDuration=100\r\n")
        #expect(next.headers[.cseq] == "\(call.firstLocalCSeq + 1) INFO")
        #expect(call.handle(.response(Peer.response(200, to: next), .info)).isEmpty)
    }

    @Test func refusedInfoLosesTheDigitOnly() throws {
        var call = EstablishedCall(.callee)
        let info = try #require(call.handle(.sendDTMF("1", durationMilliseconds: 100)).sent(.info).first)
        _ = call.handle(.sendDTMF("2", durationMilliseconds: 100))
        let refused = call.handle(.response(Peer.response(415, to: info), .info))
        #expect(refused.sent(.info).count == 1, "the next digit goes")
        #expect(refused.events().isEmpty)
    }

    /// §12.2.1.2, RFC 5057 §5.1: 481 to a request in the dialog ends it; 408 (or no response at
    /// all) ends it too, with a BYE in case the peer still has it.
    @Test(arguments: [
        (Session.RequestKind.info, 481, false, CallEndReason.failed("the peer no longer knows the call (481 to INFO)")),
        (.info, 408, true, .timeout("INFO timed out")),
        (.reinvite, 481, false, .failed("the peer no longer knows the call (481 to re-INVITE)")),
        (.reinvite, 408, true, .timeout("re-INVITE timed out")),
    ])
    func requestInTheDialogFailingEndsTheCall(kind: Session.RequestKind, status: Int, bye: Bool, reason: CallEndReason) throws {
        var call = EstablishedCall(.caller)
        let actions = call.handle(kind == .info ? .sendDTMF("1", durationMilliseconds: 100) : .reoffer)
        let request = try #require(actions.compactMap(\.sentRequest).first)
        let failed = call.handle(.response(Peer.response(status, to: request), kind))
        #expect(failed.sent(.bye).count == (bye ? 1 : 0))
        #expect(failed.events() == [.ended(reason)])
        #expect(call.session.isEnded)
    }

    @Test(arguments: [(Session.RequestKind.info, "INFO: no response (timeout)"), (.reinvite, "re-INVITE: no response (timeout)")])
    func requestInTheDialogWithoutResponseEndsTheCall(kind: Session.RequestKind, reason: String) {
        var call = EstablishedCall(.callee)
        _ = call.handle(kind == .info ? .sendDTMF("1", durationMilliseconds: 100) : .reoffer)
        #expect(call.handle(.requestFailed(kind, "no response (timeout)")).events() == [.ended(.timeout(reason))])
    }

    // MARK: Other requests, CSeq, matching, the end

    @Test(arguments: roles, [(SIPMethod.options, 200), (SIPMethod("FOO"), 501), (.refer, 405), (.message, 405), (.subscribe, 405)])
    func otherMethods(role: Session.Role, expected: (method: SIPMethod, status: Int)) throws {
        let (method, status) = expected
        var call = EstablishedCall(role)
        let request = call.request(method, cseq: 20)
        let actions = call.receive(request)
        let response = try #require(actions.first?.response)
        #expect(actions.count == 1)
        #expect(response.statusCode == status)
        #expect(response.headers[.allow] == Self.allow)
        #expect(response.headers[.to] == "<sip:door@127.0.0.1>;tag=doortag")
        if method == .options {
            #expect(response.headers.values(.supported) == ["100rel", "timer"])
            #expect(response.headers[.accept]?.hasPrefix("application/sdp") == true)
        }
    }

    /// §12.2.2: a CSeq lower than the last one is out of order (500); ACK reuses its INVITE's number.
    @Test(arguments: roles)
    func outOfOrderCSeqGets500(role: Session.Role) {
        var call = EstablishedCall(role)
        #expect(call.receive(call.request(.options, cseq: 20)).responses() == [200])
        #expect(call.receive(call.request(.options, cseq: 19)).responses() == [500])
        #expect(call.receive(call.request(.info, cseq: 21)).responses() == [200], "the dialog goes on")
    }

    @Test func outOfOrderCSeqBelowTheInviteGets500() {
        var call = EstablishedCall(.callee)
        #expect(call.receive(call.request(.options, cseq: 9)).responses() == [500], "below the INVITE's 10")
    }

    @Test(arguments: roles, [(SIPHeaderName.to, "<sip:door@127.0.0.1>;tag=other"), (.from, "<sip:apartment@127.0.0.1>;tag=other"),
                             (.callID, "another-call")])
    func requestOfAnotherDialogGets481(role: Session.Role, changed: (header: SIPHeaderName, value: String)) {
        let (header, value) = changed
        var call = EstablishedCall(role)
        var request = call.request(.bye, cseq: 20)
        request.headers.set(header, value)
        #expect(call.receive(request).responses() == [481])
        #expect(call.session.isEstablished)
    }

    @Test(arguments: roles)
    func byeEndsTheCallAndLateMessagesGetTheirDue(role: Session.Role) throws {
        var call = EstablishedCall(role)
        let bye = call.request(.bye, cseq: 20)
        let actions = call.receive(bye)
        let ok = try #require(actions.first?.response)
        #expect(ok.statusCode == 200)
        #expect(actions.first?.responseKey == Peer.key(bye))
        #expect(Array(actions.dropFirst()) == Session.SessionTimerKind.allCases.map { .cancelTimer($0) } + [.notify(.ended(.remoteHangUp))])
        #expect(call.session.isEnded)

        // After the end: requests get 481, an ACK is dropped, a retransmitted 2xx to our INVITE is ACKed.
        #expect(call.receive(call.request(.options, cseq: 21)).responses() == [481])
        #expect(call.receive(call.request(.ack, cseq: 20)).isEmpty)
        #expect(call.handle(.hangUp).isEmpty)
        #expect(call.handle(.sendDTMF("1", durationMilliseconds: 100)).isEmpty)
        if let invite = call.invite {
            let again = call.handle(.response(Peer.response(200, to: invite, body: "answer-1"), .invite))
            #expect(again.compactMap(\.ack).map { $0.headers[.cseq] } == ["1 ACK"])
            #expect(again.events().isEmpty)
        }
    }
}
