import SIP
import SIPMessage
import Testing

/// The apartment calls the door: checking the INVITE, 18x (reliable with 100rel), the 2xx and its
/// retransmission until the ACK, PRACK, CANCEL, refusals, offer-less INVITEs and session timers
/// (RFC 3261 §13.3, §9.2, §15; RFC 3262 §3; RFC 4028 §9).
@Suite struct InviteSessionCalleeTests {
    static let allow = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, PRACK, UPDATE"
    static let doorContact = "<sip:door@127.0.0.1:5060>"
    static let apartmentContact = SIPURI(user: "apartment", host: "127.0.0.1", port: 5070)
    static let everyTimerCancelled = Session.SessionTimerKind.allCases.map { Session.Action.cancelTimer($0) }

    /// A session that has checked `invite` (and found nothing to refuse).
    static func started(_ invite: SIPRequest = Peer.invite(), configuration: InviteSessionConfiguration = Peer.configuration) -> Session {
        var session = Peer.callee(invite, configuration: configuration)
        let actions = session.handle(.start, now: .zero)
        #expect(actions.isEmpty, "the 100 Trying is the transaction layer's")
        return session
    }

    /// The apartment's ACK for the door's 2xx: the INVITE's CSeq number, a branch of its own.
    static func ack(body: String = "") -> SIPRequest {
        Peer.inDialog(.ack, cseq: 10, body: body, branch: "z9hG4bKack1")
    }

    /// The PRACK for the reliable provisional response numbered `rack`.
    static func prack(cseq: UInt32, rack: String) -> SIPRequest {
        Peer.inDialog(.prack, cseq: cseq, branch: "z9hG4bKprack\(cseq)", headers: [(.rack, rack)])
    }

    @Test func ringAcceptRetransmitUntilTheAck() throws {
        let invite = Peer.invite()
        let key = Peer.key(invite)
        var session = Self.started(invite)

        let ringing = session.handle(.ring(earlyMedia: false), now: .seconds(1))
        let ring = try #require(ringing.first?.response)
        #expect(ringing == [.respond(ring, key)])
        #expect(ring.statusCode == 180)
        #expect(ring.headers[.to] == "<sip:door@127.0.0.1>;tag=doortag")
        #expect(ring.headers[.contact] == Self.doorContact)
        #expect(ring.headers[.cseq] == "10 INVITE")
        #expect(ring.body.isEmpty)
        #expect(!ring.headers.contains(.require), "not reliable: the caller did not ask for 100rel")

        let accepted = session.handle(.accept, now: .seconds(2))
        let ok = try #require(accepted.compactMap(\.response).first)
        #expect(accepted == [.cancelTimer(.retransmitProvisional), .cancelTimer(.prackTimeout), .respond(ok, key),
                             .startTimer(.retransmit2xx, after: .milliseconds(500)), .startTimer(.ackTimeout, after: .seconds(32))])
        #expect(ok.statusCode == 200)
        #expect(String(decoding: ok.body, as: UTF8.self) == "answer-to-offer-apt")
        #expect(ok.headers[.contentType] == "application/sdp")
        #expect(ok.headers[.allow] == Self.allow)
        #expect(ok.headers.values(.supported) == ["100rel", "timer"])
        #expect(ok.headers[.contact] == Self.doorContact)
        #expect(ok.headers[.to] == "<sip:door@127.0.0.1>;tag=doortag")
        #expect(ok.headers[.server] == "doorstationd-test")
        #expect(!ok.headers.contains(.sessionExpires), "the caller asked for no session timer")
        #expect(session.negotiator.answered == ["offer-apt"])

        // §13.3.1.4: T1, then doubling up to T2, until the ACK.
        for interval: Duration in [.seconds(1), .seconds(2), .seconds(4), .seconds(4)] {
            #expect(session.handle(.timerFired(.retransmit2xx), now: .seconds(3)) == [.respond(ok, key), .startTimer(.retransmit2xx, after: interval)])
        }

        let confirmed = session.handle(.request(Self.ack(), nil), now: .seconds(10))
        #expect(confirmed == [.cancelTimer(.retransmit2xx), .cancelTimer(.ackTimeout),
                              .cancelTimer(.sessionRefresh), .cancelTimer(.sessionExpiry), .notify(.established)])
        #expect(session.isEstablished)
        #expect(session.dialog?.remoteTarget == Self.apartmentContact)
        // A timer that fired before its cancellation arrived changes nothing.
        #expect(session.handle(.timerFired(.retransmit2xx), now: .seconds(10)).isEmpty)
        #expect(session.handle(.timerFired(.ackTimeout), now: .seconds(34)).isEmpty, "a late ackTimeout must not end a confirmed call")
        #expect(session.isEstablished)
    }

    @Test func reliableEarlyMediaIsRetransmittedUntilPrackAndHoldsBackThe2xx() throws {
        let invite = Peer.invite(headers: [(.require, "100rel")])
        let key = Peer.key(invite)
        var session = Self.started(invite)

        let early = session.handle(.ring(earlyMedia: true), now: .seconds(1))
        let progress = try #require(early.compactMap(\.response).first)
        #expect(early == [.respond(progress, key), .startTimer(.retransmitProvisional, after: .milliseconds(500)),
                          .startTimer(.prackTimeout, after: .seconds(32)), .notify(.earlyMedia)])
        #expect(progress.statusCode == 183)
        #expect(progress.headers.values(.require) == ["100rel"])
        #expect(String(decoding: progress.body, as: UTF8.self) == "answer-to-offer-apt")
        #expect(progress.headers[.contentType] == "application/sdp")
        let rseq = try #require(progress.headers[.rseq].flatMap { UInt32($0) })
        #expect((1...0x7FFF_FFFF).contains(rseq), "RFC 3262 §3: the first RSeq is between 1 and 2**31 - 1")

        // RFC 3262 §3: T1, doubling, no T2 cap.
        for interval: Duration in [.seconds(1), .seconds(2), .seconds(4), .seconds(8)] {
            #expect(session.handle(.timerFired(.retransmitProvisional), now: .seconds(2)) == [.respond(progress, key), .startTimer(.retransmitProvisional, after: interval)])
        }
        #expect(session.handle(.ring(earlyMedia: false), now: .seconds(2)).isEmpty, "no second reliable 18x before the PRACK")
        #expect(session.handle(.accept, now: .seconds(3)).isEmpty, "RFC 3262 §3: no 2xx before the PRACK of an 18x with an answer")

        let prack = Self.prack(cseq: 11, rack: "\(rseq) 10 INVITE")
        let acknowledged = session.handle(.request(prack, Peer.key(prack)), now: .seconds(4))
        let responses = acknowledged.compactMap(\.response)
        #expect(responses.map(\.statusCode) == [200, 200])
        #expect(responses.map { $0.headers[.cseq] } == ["11 PRACK", "10 INVITE"])
        #expect(acknowledged.compactMap(\.responseKey) == [Peer.key(prack), key])
        #expect(acknowledged.contains(.cancelTimer(.retransmitProvisional)))
        #expect(acknowledged.contains(.cancelTimer(.prackTimeout)))
        #expect(acknowledged.timer(.retransmit2xx) == .milliseconds(500))
        #expect(String(decoding: responses[1].body, as: UTF8.self) == "answer-to-offer-apt")
        #expect(session.handle(.timerFired(.retransmitProvisional), now: .seconds(5)).isEmpty)
        #expect(session.handle(.timerFired(.prackTimeout), now: .seconds(33)).isEmpty)
        #expect(session.handle(.request(Self.ack(), nil), now: .seconds(5)).events() == [.established])
    }

    /// RFC 3262 §3, §7.2: a PRACK matches when its RAck names the RSeq, the INVITE's CSeq number
    /// and INVITE; anything else gets 481. The RAck is (RSeq + offset, rest), or `rest` alone.
    @Test(arguments: [(UInt32?.some(1), "10 INVITE"), (0, "9 INVITE"), (0, "10 BYE"), (0, "10"), (nil, ""), (nil, "garbage")])
    func prackNotMatchingTheReliableResponseGets481(offset: UInt32?, rest: String) throws {
        var session = Self.started(Peer.invite(headers: [(.require, "100rel")]))
        let progress = try #require(session.handle(.ring(earlyMedia: true), now: .seconds(1)).compactMap(\.response).first)
        let rseq = try #require(progress.headers[.rseq].flatMap { UInt32($0) })
        let prack = Self.prack(cseq: 11, rack: offset.map { "\(rseq + $0) \(rest)" } ?? rest)
        #expect(session.handle(.request(prack, Peer.key(prack)), now: .seconds(2)).responses() == [481])
        // The reliable 183 is still unacknowledged: still retransmitted, and the 2xx still waits.
        #expect(session.handle(.timerFired(.retransmitProvisional), now: .seconds(2)).responses() == [183])
        #expect(session.handle(.accept, now: .seconds(3)).isEmpty)
    }

    @Test func prackOfAReliable180WithoutMediaLetsTheCallRingOn() throws {
        var session = Self.started(Peer.invite(headers: [(.require, "100rel")]))
        let ringing = try #require(session.handle(.ring(earlyMedia: false), now: .seconds(1)).compactMap(\.response).first)
        #expect(ringing.statusCode == 180)
        let rseq = try #require(ringing.headers[.rseq].flatMap { UInt32($0) })
        let prack = Self.prack(cseq: 11, rack: "\(rseq) 10 INVITE")
        let acknowledged = session.handle(.request(prack, Peer.key(prack)), now: .seconds(2))
        let ok = try #require(acknowledged.first?.response)
        #expect(acknowledged == [.respond(ok, Peer.key(prack)), .cancelTimer(.retransmitProvisional), .cancelTimer(.prackTimeout)])
        #expect(ok.statusCode == 200)
        // Timers that fired before their cancellation arrived change nothing.
        #expect(session.handle(.timerFired(.retransmitProvisional), now: .seconds(2)).isEmpty)
        #expect(session.handle(.timerFired(.prackTimeout), now: .seconds(33)).isEmpty, "a late prackTimeout must not refuse a PRACKed call")
        // The next reliable 18x counts on from the first RSeq (RFC 3262 §3).
        let again = try #require(session.handle(.ring(earlyMedia: false), now: .seconds(34)).compactMap(\.response).first)
        #expect(again.headers[.rseq] == String(rseq + 1))
        // We hold the 2xx back until the PRACK even without a session description in the 18x, so
        // the caller never sees it overtake the 200 to its PRACK.
        #expect(session.handle(.accept, now: .seconds(35)).responses().isEmpty)
        let second = Self.prack(cseq: 12, rack: "\(rseq + 1) 10 INVITE")
        #expect(session.handle(.request(second, Peer.key(second)), now: .seconds(36)).responses() == [200, 200])
    }

    @Test func noPrackWithin64T1RefusesTheInviteWith504() throws {
        var session = Self.started(Peer.invite(headers: [(.require, "100rel")]))
        _ = session.handle(.ring(earlyMedia: false), now: .seconds(1))
        let actions = session.handle(.timerFired(.prackTimeout), now: .seconds(33))
        let refusal = try #require(actions.compactMap(\.response).first)
        #expect(refusal.statusCode == 504)
        #expect(refusal.headers[.to] == "<sip:door@127.0.0.1>;tag=doortag")
        #expect(Array(actions.dropFirst()) == Self.everyTimerCancelled + [.notify(.ended(.timeout("no PRACK for our reliable provisional response")))])
        #expect(session.isEnded)
    }

    /// Whether a 18x is sent reliably (RFC 3262 §3): when the caller requires 100rel, or supports
    /// it and we send early media with reliable provisional responses enabled.
    @Test(arguments: [
        ([(SIPHeaderName.require, "100rel")], false, true, true),
        ([(SIPHeaderName.require, "100rel")], true, false, true),
        ([(SIPHeaderName.supported, "100rel")], true, true, true),
        ([(SIPHeaderName.supported, "100rel")], true, false, false),
        ([(SIPHeaderName.supported, "100rel")], false, true, false),
        ([(SIPHeaderName.supported, "timer")], true, true, false),
    ])
    func provisionalReliability(headers: [(SIPHeaderName, String)], earlyMedia: Bool, configured: Bool, reliable: Bool) throws {
        var configuration = Peer.configuration
        configuration.reliableProvisional = configured
        var session = Self.started(Peer.invite(headers: headers), configuration: configuration)
        let response = try #require(session.handle(.ring(earlyMedia: earlyMedia), now: .seconds(1)).compactMap(\.response).first)
        #expect(response.statusCode == (earlyMedia ? 183 : 180))
        #expect(response.headers.contains(.rseq) == reliable)
        #expect(response.headers.values(.require) == (reliable ? ["100rel"] : []))
    }

    /// Refusals decided from the INVITE alone: the session answers and ends at once.
    @Test(arguments: [
        ([(SIPHeaderName.require, "foo, 100rel")], "offer-apt", 420, SIPHeaderName.unsupported, ["foo"]),
        ([(SIPHeaderName.supported, "timer"), (.sessionExpires, "60")], "offer-apt", 422, SIPHeaderName.minSE, ["90"]),
        ([], "bad-offer", 488, SIPHeaderName.warning, ["399 127.0.0.1 \"no common audio codec\""]),
    ])
    func inviteRefusedAtOnce(headers: [(SIPHeaderName, String)], body: String, status: Int,
                             header: SIPHeaderName, values: [String]) throws {
        let invite = Peer.invite(body: body, headers: headers)
        var session = Peer.callee(invite)
        let actions = session.handle(.start, now: .zero)
        let refusal = try #require(actions.first?.response)
        #expect(actions.first == .respond(refusal, Peer.key(invite)))
        #expect(refusal.statusCode == status)
        #expect(refusal.headers.values(header) == values)
        #expect(refusal.headers[.to] == "<sip:door@127.0.0.1>;tag=doortag")
        #expect(Array(actions.dropFirst()) == Self.everyTimerCancelled + [.notify(.ended(.declined(statusCode: status)))])
        #expect(session.isEnded)
        #expect(session.handle(.accept, now: .seconds(1)).isEmpty)
    }

    /// RFC 4028 §9: the interval asked for is kept; the refresher is the one the caller named,
    /// else the caller when it supports timers, else the door.
    @Test(arguments: [
        ([(SIPHeaderName.supported, "timer"), (.sessionExpires, "1800;refresher=uac")], "1800;refresher=uac", true, Session.SessionTimerKind.sessionExpiry, Duration.seconds(1768)),
        ([(SIPHeaderName.supported, "timer"), (.sessionExpires, "1800")], "1800;refresher=uac", true, .sessionExpiry, .seconds(1768)),
        ([(SIPHeaderName.supported, "timer"), (.sessionExpires, "600;refresher=uas")], "600;refresher=uas", false, .sessionRefresh, .seconds(300)),
        ([(SIPHeaderName.sessionExpires, "1800")], "1800;refresher=uas", false, .sessionRefresh, .seconds(900)),
        ([(SIPHeaderName.sessionExpires, "1800;refresher=uac")], "1800;refresher=uas", false, .sessionRefresh, .seconds(900)),
    ])
    func sessionTimerIsSettledInThe2xx(headers: [(SIPHeaderName, String)], sessionExpires: String, requireTimer: Bool,
                                      timer: Session.SessionTimerKind, after: Duration) throws {
        var session = Self.started(Peer.invite(headers: headers))
        let ok = try #require(session.handle(.accept, now: .seconds(1)).compactMap(\.response).first)
        #expect(ok.headers[.sessionExpires] == sessionExpires)
        #expect(ok.headers.values(.require) == (requireTimer ? ["timer"] : []))
        let confirmed = session.handle(.request(Self.ack(), nil), now: .seconds(2))
        #expect(confirmed.timer(timer) == after)
        #expect(confirmed.compactMap(\.startedTimer).count == 1)
    }

    @Test func sessionExpiresWithoutRefreshEndsTheCallWithBye() throws {
        var session = Self.started(Peer.invite(headers: [(.supported, "timer"), (.sessionExpires, "1800;refresher=uac")]))
        _ = session.handle(.accept, now: .seconds(1))
        #expect(session.handle(.request(Self.ack(), nil), now: .seconds(2)).timer(.sessionExpiry) == .seconds(1768))
        let expired = session.handle(.timerFired(.sessionExpiry), now: .seconds(1770))
        let bye = try #require(expired.sent(.bye).first)
        #expect(bye.uri == Self.apartmentContact)
        #expect(bye.headers[.cseq] == "1 BYE")
        #expect(expired.events() == [.ended(.timeout("session timer expired without refresh"))])
    }

    @Test func cancelWhileRingingAnswers200And487() throws {
        let invite = Peer.invite()
        var session = Self.started(invite)
        _ = session.handle(.ring(earlyMedia: false), now: .seconds(1))
        let cancel = invite.makeCancel()
        #expect(cancel.headers[.via] == invite.headers[.via], "CANCEL has the INVITE's branch")
        let actions = session.handle(.request(cancel, Peer.key(cancel)), now: .seconds(2))
        let responses = actions.compactMap(\.response)
        #expect(responses.map(\.statusCode) == [200, 487])
        #expect(responses.map { $0.headers[.cseq] } == ["10 CANCEL", "10 INVITE"])
        #expect(actions.compactMap(\.responseKey) == [Peer.key(cancel), Peer.key(invite)])
        #expect(responses[1].headers[.to] == "<sip:door@127.0.0.1>;tag=doortag")
        #expect(actions.events() == [.ended(.remoteHangUp)])
        #expect(session.isEnded)
    }

    @Test func cancelAfterThe2xxChangesNothing() {
        let invite = Peer.invite()
        var session = Self.started(invite)
        _ = session.handle(.accept, now: .seconds(1))
        let cancel = invite.makeCancel()
        #expect(session.handle(.request(cancel, Peer.key(cancel)), now: .seconds(2)).responses() == [200])
        #expect(session.handle(.request(Self.ack(), nil), now: .seconds(2)).events() == [.established])
    }

    @Test(arguments: [(Session.Event.reject(statusCode: 403), 403), (.reject(statusCode: 486), 486), (.hangUp, 603)])
    func refusingWhileRinging(event: Session.Event, status: Int) throws {
        let invite = Peer.invite()
        var session = Self.started(invite)
        _ = session.handle(.ring(earlyMedia: false), now: .seconds(1))
        let actions = session.handle(event, now: .seconds(2))
        let refusal = try #require(actions.first?.response)
        #expect(refusal.statusCode == status)
        #expect(refusal.headers[.to] == "<sip:door@127.0.0.1>;tag=doortag")
        #expect(Array(actions.dropFirst()) == Self.everyTimerCancelled + [.notify(.ended(.declined(statusCode: status)))])
    }

    @Test func noAckEndsTheCallWithBye() throws {
        var session = Self.started()
        _ = session.handle(.accept, now: .seconds(1))
        let actions = session.handle(.timerFired(.ackTimeout), now: .seconds(33))
        let bye = try #require(actions.sent(.bye).first)
        #expect(bye.uri == Self.apartmentContact)
        #expect(bye.headers[.cseq] == "1 BYE")
        #expect(bye.headers[.from] == "<sip:door@127.0.0.1>;tag=doortag")
        #expect(bye.headers[.to] == "<sip:apartment@127.0.0.1>;tag=aptag")
        #expect(bye.headers[.callID] == "call-2@apartment")
        #expect(actions.events() == [.ended(.timeout("no ACK for our 2xx"))])
    }

    /// RFC 3261 §15: the callee sends no BYE before the ACK of its 2xx (or before it gives up on it).
    @Test func hangUpBeforeTheAckWaitsForIt() throws {
        var session = Self.started()
        _ = session.handle(.accept, now: .seconds(1))
        #expect(session.handle(.hangUp, now: .seconds(2)).isEmpty)
        let acked = session.handle(.request(Self.ack(), nil), now: .seconds(2))
        #expect(acked.sent(.bye).count == 1)
        #expect(acked.events() == [.ended(.localHangUp)])

        var unacknowledged = Self.started()
        _ = unacknowledged.handle(.accept, now: .seconds(1))
        _ = unacknowledged.handle(.hangUp, now: .seconds(2))
        let gaveUp = unacknowledged.handle(.timerFired(.ackTimeout), now: .seconds(33))
        #expect(gaveUp.sent(.bye).count == 1)
        #expect(gaveUp.events() == [.ended(.localHangUp)])
    }

    /// RFC 3261 §15.1.2: a BYE in the early dialog ends the call; the INVITE still gets its 487.
    @Test func byeInTheEarlyDialogAlsoAnswersTheInvite() {
        let invite = Peer.invite()
        var session = Self.started(invite)
        _ = session.handle(.ring(earlyMedia: false), now: .seconds(1))
        let bye = Peer.inDialog(.bye, cseq: 11, branch: "z9hG4bKbye")
        let actions = session.handle(.request(bye, Peer.key(bye)), now: .seconds(2))
        #expect(actions.responses() == [200, 487])
        #expect(actions.compactMap(\.responseKey) == [Peer.key(bye), Peer.key(invite)])
        #expect(actions.events() == [.ended(.remoteHangUp)])
    }

    @Test func offerlessInviteGetsOurOfferAndTheAnswerComesInTheAck() throws {
        var session = Self.started(Peer.invite(body: ""))
        let ringing = session.handle(.ring(earlyMedia: true), now: .seconds(1))
        #expect(ringing.responses() == [180], "no answer to send early")
        let ok = try #require(session.handle(.accept, now: .seconds(2)).compactMap(\.response).first)
        #expect(String(decoding: ok.body, as: UTF8.self) == "offer-1")
        #expect(ok.headers[.contentType] == "application/sdp")
        let confirmed = session.handle(.request(Self.ack(body: "answer-x"), nil), now: .seconds(3))
        #expect(confirmed.events() == [.established])
        #expect(session.negotiator.accepted == ["answer-x"])
        #expect(session.negotiator.answered.isEmpty)
    }

    @Test(arguments: [("", "the ACK carries no answer to our offer"), ("bad-answer", "answer names a codec we did not offer")])
    func offerlessInviteWithoutUsableAnswerInTheAckEndsWithBye(body: String, reason: String) throws {
        var session = Self.started(Peer.invite(body: ""))
        _ = session.handle(.accept, now: .seconds(1))
        let actions = session.handle(.request(Self.ack(body: body), nil), now: .seconds(2))
        #expect(actions.sent(.bye).count == 1)
        #expect(actions.events() == [.ended(.failed(reason))])
    }

    @Test func inviteWithoutContactIsRefusedWith400() {
        var invite = Peer.invite()
        invite.headers.remove(.contact)
        var session = Peer.callee(invite)
        let actions = session.handle(.start, now: .zero)
        #expect(actions.responses() == [400])
        #expect(actions.events() == [.ended(.declined(statusCode: 400))])
    }
}
