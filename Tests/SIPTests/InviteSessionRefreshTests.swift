import SIP
import SIPMessage
import Testing

/// Session timers within the dialog (RFC 4028): who refreshes, how, and what a missing refresh does.
extension InviteSessionInDialogTests {
    /// RFC 4028 §7.2, §10: the refresher refreshes at half the interval; the other side gives up
    /// `min(32, interval/3)` before the end.
    @Test(arguments: [
        (String?.some("90;refresher=uac"), Session.SessionTimerKind.sessionRefresh, Duration.seconds(45)),
        ("90;refresher=uas", .sessionExpiry, .seconds(60)),
        ("1800;refresher=uas", .sessionExpiry, .seconds(1768)),
        (nil, .sessionRefresh, .seconds(900)),
    ])
    func callerArmsTheTimerThe2xxSettles(sessionExpires: String?, timer: Session.SessionTimerKind, after: Duration) {
        var session = Peer.caller()
        let invite = session.handle(.start, now: .zero).sent(.invite)[0]
        let headers = sessionExpires.map { [(SIPHeaderName.sessionExpires, $0)] } ?? []
        let answered = session.handle(.response(Peer.response(200, to: invite, body: "answer-1", headers: headers), .invite), now: .seconds(1))
        #expect(answered.timer(timer) == after)
        #expect(answered.compactMap(\.startedTimer).count == 1)
    }

    @Test func callerRefreshesByUpdateWhenThePeerAllowsIt() throws {
        var call = EstablishedCall(.caller, headers: [(.sessionExpires, "90;refresher=uac"), (.allow, "INVITE, ACK, BYE, UPDATE")])
        let fired = call.handle(.timerFired(.sessionRefresh), now: .seconds(46))
        let update = try #require(fired.sent(.update).first)
        #expect(fired.count == 1)
        #expect(update.headers[.sessionExpires] == "90;refresher=uac")
        #expect(update.headers[.cseq] == "2 UPDATE")
        #expect(update.headers[.contact] == Self.doorContact)
        #expect(update.body.isEmpty, "a refresh, not an offer")
        let ok = Peer.response(200, to: update, headers: [(.sessionExpires, "90;refresher=uac"), (.require, "timer")])
        #expect(call.handle(.response(ok, .update), now: .seconds(47)).timer(.sessionRefresh) == .seconds(45))
    }

    @Test func callerRefreshesByReinviteWhenThePeerDoesNotAllowUpdate() throws {
        var call = EstablishedCall(.caller, headers: [(.sessionExpires, "90;refresher=uac")])
        let fired = call.handle(.timerFired(.sessionRefresh), now: .seconds(46))
        let reinvite = try #require(fired.sent(.invite).first)
        #expect(reinvite.headers[.sessionExpires] == "90;refresher=uac")
        #expect(reinvite.headers[.cseq] == "2 INVITE")
        #expect(Self.text(reinvite.body) == "offer-2")
        let ok = Peer.response(200, to: reinvite, body: "answer-2", headers: [(.sessionExpires, "90;refresher=uac")])
        let answered = call.handle(.response(ok, .reinvite), now: .seconds(47))
        #expect(answered.compactMap(\.ack).count == 1)
        #expect(answered.timer(.sessionRefresh) == .seconds(45))
    }

    /// A peer that lists UPDATE but refuses it: the refresh goes again as re-INVITE.
    @Test func refusedUpdateRefreshFallsBackToReinvite() throws {
        var call = EstablishedCall(.caller, headers: [(.sessionExpires, "90;refresher=uac"), (.allow, "INVITE, ACK, BYE, UPDATE")])
        let update = try #require(call.handle(.timerFired(.sessionRefresh), now: .seconds(46)).sent(.update).first)
        let refused = call.handle(.response(Peer.response(501, to: update), .update), now: .seconds(47))
        let reinvite = try #require(refused.sent(.invite).first)
        #expect(reinvite.headers[.sessionExpires] == "90;refresher=uac")
        #expect(refused.events().isEmpty)
    }

    @Test func missingRefreshEndsTheCallWithBye() throws {
        var call = EstablishedCall(.caller, headers: [(.sessionExpires, "90;refresher=uas")])
        let expired = call.handle(.timerFired(.sessionExpiry), now: .seconds(61))
        #expect(expired.sent(.bye).first?.headers[.cseq] == "2 BYE")
        #expect(expired.events() == [.ended(.timeout("session timer expired without refresh"))])
    }

    /// RFC 4028 §4: `refresher` names the UAC or UAS *of the message it is in*. When the peer
    /// refreshes without naming the timer, the agreement stands, stated from its new side.
    @Test(arguments: [
        ("90;refresher=uac", "90;refresher=uas", false, Session.SessionTimerKind.sessionRefresh, Duration.seconds(45)),
        ("90;refresher=uas", "90;refresher=uac", true, .sessionExpiry, .seconds(60)),
    ])
    func peersRefreshKeepsWhoRefreshes(agreed: String, stated: String, requireTimer: Bool,
                                       timer: Session.SessionTimerKind, after: Duration) throws {
        var call = EstablishedCall(.caller, headers: [(.sessionExpires, agreed)])
        for request in [call.request(.update, cseq: 20), call.request(.invite, cseq: 21, body: "offer-again")] {
            let actions = call.receive(request, now: .seconds(40))
            let ok = try #require(actions.compactMap(\.response).first)
            #expect(ok.headers[.sessionExpires] == stated)
            #expect(ok.headers.values(.require) == (requireTimer ? ["timer"] : []))
            #expect(actions.timer(timer) == after)
        }
    }

    /// RFC 4028 §9: a refresh naming the timer settles it anew.
    @Test func peersRefreshWithSessionExpiresSettlesItAnew() throws {
        var call = EstablishedCall(.callee, headers: [(.supported, "timer"), (.sessionExpires, "1800;refresher=uac")])
        let update = call.request(.update, cseq: 20, headers: [(.supported, "timer"), (.sessionExpires, "600;refresher=uas")])
        let actions = call.receive(update, now: .seconds(100))
        let ok = try #require(actions.compactMap(\.response).first)
        #expect(ok.headers[.sessionExpires] == "600;refresher=uas")
        #expect(!ok.headers.contains(.require))
        #expect(actions.timer(.sessionRefresh) == .seconds(300))
    }
}
