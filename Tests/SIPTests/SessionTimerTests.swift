@testable import SIP
import SIPMessage
import Testing

/// RFC 4028 session timers: the header, the agreement each side reaches, and when to act.
@Suite struct SessionTimerTests {
    typealias Agreement = SessionTimerAgreement

    @Test(arguments: [
        ("1800;refresher=uas", 1800, Agreement.Refresher?.some(.uas)),
        ("1800", 1800, nil),
        (" 90 ; refresher = UAC ", 90, .uac),
        ("600;foo=bar;refresher=uac", 600, .uac),
        ("600;refresher=nobody", 600, nil),
    ])
    func parses(value: String, interval: Int, refresher: Agreement.Refresher?) throws {
        let parsed = try #require(Agreement.parse(value))
        #expect(parsed.interval == interval)
        #expect(parsed.refresher == refresher)
    }

    @Test(arguments: [String?.none, "", "abc", "0", "-5", ";refresher=uac"])
    func refusesToParse(value: String?) {
        #expect(Agreement.parse(value) == nil)
    }

    /// RFC 4028 §9: the UAS keeps the interval asked for (422 below our Min-SE); the refresher is
    /// the one named, else the UAC when it supports timers, else the UAS — which is also the
    /// only choice when the UAC does not support them.
    @Test(arguments: [
        ([(SIPHeaderName, String)](), Agreement.Outcome.none),
        ([(.supported, "timer")], .none),
        ([(.supported, "timer"), (.sessionExpires, "60")], .tooSmall(minSE: 90)),
        ([(.sessionExpires, "89")], .tooSmall(minSE: 90)),
        ([(.supported, "timer"), (.sessionExpires, "90")], .agreed(Agreement(interval: 90, refresher: .uac, weRefresh: false), requireTimer: true)),
        ([(.supported, "timer"), (.sessionExpires, "1800;refresher=uac")], .agreed(Agreement(interval: 1800, refresher: .uac, weRefresh: false), requireTimer: true)),
        ([(.supported, "timer"), (.sessionExpires, "1800;refresher=uas")], .agreed(Agreement(interval: 1800, refresher: .uas, weRefresh: true), requireTimer: true)),
        ([(.sessionExpires, "1800")], .agreed(Agreement(interval: 1800, refresher: .uas, weRefresh: true), requireTimer: false)),
        ([(.sessionExpires, "1800;refresher=uac")], .agreed(Agreement(interval: 1800, refresher: .uas, weRefresh: true), requireTimer: false)),
        ([(.supported, "100rel"), (.supported, "TIMER"), (.sessionExpires, "7200")], .agreed(Agreement(interval: 7200, refresher: .uac, weRefresh: false), requireTimer: true)),
    ])
    func uasAgreement(headers: [(SIPHeaderName, String)], expected: Agreement.Outcome) {
        #expect(Agreement.fromRequest(Self.request(headers), settings: SessionTimerSettings()) == expected)
    }

    @Test func uasWithTimersOffAgreesToNothing() {
        let request = Self.request([(.supported, "timer"), (.sessionExpires, "60")])
        #expect(Agreement.fromRequest(request, settings: SessionTimerSettings(enabled: false)) == .none)
    }

    @Test func uasMinSEIsOurs() {
        let request = Self.request([(.supported, "timer"), (.sessionExpires, "300")])
        #expect(Agreement.fromRequest(request, settings: SessionTimerSettings(sessionExpires: 1800, minSE: 600)) == .tooSmall(minSE: 600))
    }

    /// RFC 4028 §7.2: the 2xx names the interval and refresher; without Session-Expires the UAS
    /// does not do timers and the UAC refreshes what it asked for.
    @Test(arguments: [
        (String?.some("90;refresher=uac"), Agreement?.some(Agreement(interval: 90, refresher: .uac, weRefresh: true))),
        ("90;refresher=uas", Agreement(interval: 90, refresher: .uas, weRefresh: false)),
        ("3600", Agreement(interval: 3600, refresher: .uac, weRefresh: true)),
        (nil, Agreement(interval: 1200, refresher: .uac, weRefresh: true)),
    ])
    func uacAgreement(sessionExpires: String?, expected: Agreement?) {
        var response = SIPResponse(statusCode: 200)
        if let sessionExpires { response.headers.append(.sessionExpires, sessionExpires) }
        #expect(Agreement.fromResponse(response, settings: SessionTimerSettings(), asked: 1200) == expected)
        #expect(Agreement.fromResponse(response, settings: SessionTimerSettings(enabled: false), asked: 1200) == nil)
    }

    /// RFC 4028 §10: refresh at half the interval; give up `min(32, interval/3)` before the end.
    @Test(arguments: [(90, 45, 60), (120, 60, 88), (1800, 900, 1768), (91, 45, 61)])
    func whenToAct(interval: Int, refreshAfter: Int, expiryAfter: Int) {
        let agreement = Agreement(interval: interval, refresher: .uac, weRefresh: true)
        #expect(agreement.refreshAfter == .seconds(interval) / 2)
        #expect(agreement.refreshAfter >= .seconds(refreshAfter) && agreement.refreshAfter < .seconds(refreshAfter + 1))
        #expect(agreement.expiryAfter == .seconds(expiryAfter))
    }

    @Test func headerValueNamesTheRefresher() {
        #expect(Agreement(interval: 1800, refresher: .uas, weRefresh: false).headerValue == "1800;refresher=uas")
    }

    /// RFC 4028 §4: at least 90 s; Min-SE no larger than the interval asked for.
    @Test(arguments: [(1800, 90, 1800, 90), (30, 10, 90, 90), (120, 200, 120, 120), (600, 300, 600, 300)])
    func settingsAreClamped(sessionExpires: Int, minSE: Int, keptInterval: Int, keptMinSE: Int) {
        let settings = SessionTimerSettings(sessionExpires: sessionExpires, minSE: minSE)
        #expect(settings.sessionExpires == keptInterval)
        #expect(settings.minSE == keptMinSE)
    }

    static func request(_ extra: [(SIPHeaderName, String)]) -> SIPRequest {
        var headers: SIPHeaders = [.cseq: "1 INVITE"]
        for (name, value) in extra { headers.append(name, value) }
        return SIPRequest(method: .invite, uri: SIPURI(user: "door", host: "127.0.0.1"), headers: headers)
    }
}
