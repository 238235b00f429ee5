import SIP
import SIPMessage
import Testing

/// The door calls the apartment: INVITE, provisional and final responses, PRACK, CANCEL,
/// redirects, credentials, forks (RFC 3261 §13.2, RFC 3262 §4).
@Suite struct InviteSessionCallerTests {
    /// Starts a call and returns the session and the INVITE it sent.
    static func started(_ configuration: InviteSessionConfiguration = Peer.configuration) -> (Session, SIPRequest) {
        var session = Peer.caller(configuration)
        let actions = session.handle(.start, now: .zero)
        return (session, actions.sent(.invite)[0])
    }

    @Test func inviteCarriesOfferAndExtensions() {
        var session = Peer.caller()
        let actions = session.handle(.start, now: .zero)
        let invite = actions.sent(.invite)[0]
        #expect(String(decoding: invite.body, as: UTF8.self) == "offer-1")
        #expect(invite.headers[.contentType] == "application/sdp")
        #expect(invite.headers.values(.supported) == ["100rel", "timer"])
        #expect(invite.headers[.sessionExpires] == "1800")
        #expect(invite.headers[.minSE] == "90")
        #expect(invite.headers[.cseq] == "1 INVITE")
        #expect(invite.headers[.from]?.contains("tag=doortag") == true)
        #expect(invite.headers[.to] == "<sip:apartment@127.0.0.1:5070>")
        #expect(invite.headers.contains(.via) == false, "the driver adds Via")
        #expect(actions.timer(.ringTimeout) == .seconds(60))
    }

    @Test func advertisingOf100relCanBeSwitchedOff() {
        var configuration = Peer.configuration
        configuration.reliableProvisional = false
        let (_, invite) = Self.started(configuration)
        #expect(invite.headers.values(.supported) == ["timer"])
    }

    @Test func ringThenAnswerIsAckedAndEstablished() {
        var (session, invite) = Self.started()
        let ringing = session.handle(.response(Peer.response(180, to: invite), .invite), now: .seconds(1))
        #expect(ringing.events() == [.progress(statusCode: 180, reason: "Ringing")])
        let answered = session.handle(.response(Peer.response(200, to: invite, body: "answer-1"), .invite), now: .seconds(2))
        let ack = try! #require(answered.compactMap(\.ack).first)
        #expect(ack.headers[.cseq] == "1 ACK")
        #expect(ack.uri == SIPURI(user: "apartment", host: "127.0.0.1", port: 5070))
        #expect(ack.headers[.to]?.contains("tag=aptag") == true)
        #expect(answered.events() == [.established])
        #expect(session.negotiator.accepted == ["answer-1"])
        #expect(session.isEstablished)
        // A retransmitted 2xx is ACKed again and changes nothing else.
        let again = session.handle(.response(Peer.response(200, to: invite, body: "answer-1"), .invite), now: .seconds(3))
        #expect(again.compactMap(\.ack) == [ack])
        #expect(again.events().isEmpty)
    }

    @Test func reliable183IsPrackedOnceAndA405ToPrackDoesNotEndTheCall() {
        var (session, invite) = Self.started()
        let reliable = Peer.response(183, to: invite, body: "answer-1", headers: [(.require, "100rel"), (.rseq, "4711")])
        let first = session.handle(.response(reliable, .invite), now: .seconds(1))
        let prack = try! #require(first.sent(.prack).first)
        #expect(prack.headers[.rack] == "4711 1 INVITE")
        #expect(prack.headers[.cseq] == "2 PRACK")
        #expect(first.events() == [.progress(statusCode: 183, reason: "Session Progress"), .earlyMedia])
        // The retransmission of the same 183 is not PRACKed again.
        #expect(session.handle(.response(reliable, .invite), now: .seconds(2)).sent(.prack).isEmpty)
        // A peer that demands 100rel but refuses PRACK: the call goes on.
        #expect(session.handle(.response(Peer.response(405, to: prack), .prack), now: .seconds(2)).isEmpty)
        let answered = session.handle(.response(Peer.response(200, to: invite, body: "answer-1"), .invite), now: .seconds(3))
        #expect(answered.events() == [.established])
        #expect(answered.compactMap(\.ack).first?.headers[.cseq] == "1 ACK")
        #expect(session.negotiator.accepted == ["answer-1"], "the answer of a reliable 18x is final")
    }

    @Test(arguments: [(486, "Busy Here"), (600, "Busy Everywhere"), (603, "Decline"), (404, "Not Found")])
    func failuresAreReportedWithTheirCode(code: Int, reason: String) {
        var (session, invite) = Self.started()
        let actions = session.handle(.response(Peer.response(code, to: invite), .invite), now: .seconds(1))
        #expect(actions.events() == [.ended(.rejected(statusCode: code, reason: reason))])
        #expect(session.isEnded)
    }

    @Test func cancelWhileRingingEndsWith487() {
        var (session, invite) = Self.started()
        _ = session.handle(.response(Peer.response(180, to: invite), .invite), now: .seconds(1))
        let hangUp = session.handle(.hangUp, now: .seconds(2))
        #expect(hangUp.contains(.cancelInvite))
        let done = session.handle(.response(Peer.response(487, to: invite), .invite), now: .seconds(2))
        #expect(done.events() == [.ended(.localHangUp)])
    }

    @Test func cancelWaitsForTheFirstProvisionalResponse() {
        var (session, invite) = Self.started()
        #expect(!session.handle(.hangUp, now: .seconds(1)).contains(.cancelInvite), "§9.1: no CANCEL before a 1xx")
        #expect(session.handle(.response(Peer.response(100, to: invite), .invite), now: .seconds(1)).isEmpty)
        #expect(session.handle(.response(Peer.response(180, to: invite), .invite), now: .seconds(2)).contains(.cancelInvite))
    }

    @Test func answerCrossingTheCancelIsAckedThenEndedWithBye() {
        var (session, invite) = Self.started()
        _ = session.handle(.response(Peer.response(180, to: invite), .invite), now: .seconds(1))
        _ = session.handle(.hangUp, now: .seconds(2))
        let late = session.handle(.response(Peer.response(200, to: invite, body: "answer-1"), .invite), now: .seconds(2))
        #expect(late.compactMap(\.ack).count == 1)
        #expect(late.sent(.bye).first?.headers[.cseq] == "2 BYE")
        #expect(late.events() == [.ended(.localHangUp)])
    }

    @Test func ringTimeoutCancelsAndReportsNoAnswer() {
        var (session, invite) = Self.started()
        _ = session.handle(.response(Peer.response(180, to: invite), .invite), now: .seconds(1))
        #expect(session.handle(.timerFired(.ringTimeout), now: .seconds(60)).contains(.cancelInvite))
        let done = session.handle(.response(Peer.response(487, to: invite), .invite), now: .seconds(60))
        #expect(done.events() == [.ended(.noAnswer)])
    }

    @Test func cancelWithoutAnyAnswerGivesUpAfter64T1() {
        var (session, _) = Self.started()
        let hangUp = session.handle(.hangUp, now: .seconds(1))
        #expect(hangUp.timer(.cancelGuard) == .seconds(32))
        #expect(session.handle(.timerFired(.cancelGuard), now: .seconds(33)).events() == [.ended(.localHangUp)])
    }

    @Test func forkedSecondAnswerIsAckedAndEndedWithBye() {
        var (session, invite) = Self.started()
        _ = session.handle(.response(Peer.response(200, to: invite, body: "answer-1"), .invite), now: .seconds(1))
        let fork = session.handle(.response(Peer.response(200, to: invite, tag: "othertag", body: "answer-1"), .invite), now: .seconds(1))
        let ack = try! #require(fork.compactMap(\.ack).first)
        #expect(ack.headers[.to]?.contains("tag=othertag") == true)
        let bye = try! #require(fork.sent(.bye).first)
        #expect(bye.headers[.to]?.contains("tag=othertag") == true)
        #expect(fork.events().isEmpty, "the first answer keeps the call")
        #expect(session.dialog?.remoteTag == "aptag")
    }

    @Test func redirectIsFollowedAndBounded() {
        var configuration = Peer.configuration
        configuration.maxRedirects = 1
        var (session, invite) = Self.started(configuration)
        let moved = Peer.response(302, to: invite, headers: [(.contact, "<sip:mobile@127.0.0.1:5080>")])
        let next = try! #require(session.handle(.response(moved, .invite), now: .seconds(1)).sent(.invite).first)
        #expect(next.uri == SIPURI(user: "mobile", host: "127.0.0.1", port: 5080))
        #expect(next.headers[.cseq] == "2 INVITE")
        #expect(next.headers[.callID] == invite.headers[.callID])
        let again = Peer.response(302, to: next, headers: [(.contact, "<sip:elsewhere@127.0.0.1:5090>")])
        #expect(session.handle(.response(again, .invite), now: .seconds(2)).events() == [.ended(.rejected(statusCode: 302, reason: "Moved Temporarily"))])
    }

    @Test func proxyChallengeIsAnsweredOnce() {
        var (session, invite) = Self.started()
        let challenge = Peer.response(407, to: invite, headers: [(.proxyAuthenticate, "Digest realm=\"pbx\", nonce=\"abc\", algorithm=MD5")])
        let retried = try! #require(session.handle(.response(challenge, .invite), now: .seconds(1)).sent(.invite).first)
        #expect(retried.headers[.proxyAuthorization]?.contains("username=\"door\"") == true)
        #expect(retried.headers[.cseq] == "2 INVITE")
        // The same nonce challenged again: the password is wrong, the call fails with the code.
        let wrong = Peer.response(407, to: retried, headers: [(.proxyAuthenticate, "Digest realm=\"pbx\", nonce=\"abc\", algorithm=MD5")])
        #expect(session.handle(.response(wrong, .invite), now: .seconds(2)).events() == [.ended(.rejected(statusCode: 407, reason: "Proxy Authentication Required"))])
    }

    @Test func unusableAnswerEndsTheCallWithBye() {
        var (session, invite) = Self.started()
        let actions = session.handle(.response(Peer.response(200, to: invite, body: "bad-answer"), .invite), now: .seconds(1))
        #expect(actions.compactMap(\.ack).count == 1)
        #expect(actions.sent(.bye).count == 1)
        #expect(actions.events() == [.ended(.failed("unusable answer: answer names a codec we did not offer"))])
    }

    @Test func sessionIntervalTooSmallIsRetriedWithTheirMinSE() {
        var (session, invite) = Self.started()
        let tooSmall = Peer.response(422, to: invite, headers: [(.minSE, "3600")])
        let retried = try! #require(session.handle(.response(tooSmall, .invite), now: .seconds(1)).sent(.invite).first)
        #expect(retried.headers[.sessionExpires] == "3600")
        #expect(retried.headers[.minSE] == "3600")
    }

    @Test func inviteTimeoutEndsTheCall() {
        var (session, _) = Self.started()
        #expect(session.handle(.requestFailed(.invite, "no response (timeout)"), now: .seconds(32)).events()
                == [.ended(.timeout("INVITE: no response (timeout)"))])
    }
}
