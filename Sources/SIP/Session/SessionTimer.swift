import SIPMessage

/// RFC 4028 session timers: what we ask for, and the agreement a 2xx settles.
public struct SessionTimerSettings: Sendable, Equatable {
    /// Off: neither `Session-Expires` asked nor `timer` supported.
    public var enabled: Bool
    /// The interval we ask for (seconds; RFC 4028 §4 recommends 1800).
    public var sessionExpires: Int
    /// The smallest interval we accept (≥ 90, RFC 4028 §4).
    public var minSE: Int

    public init(enabled: Bool = true, sessionExpires: Int = 1800, minSE: Int = 90) {
        self.enabled = enabled
        self.sessionExpires = max(sessionExpires, 90)
        self.minSE = max(min(minSE, sessionExpires), 90)
    }
}

/// The agreed session timer of a dialog.
public struct SessionTimerAgreement: Sendable, Equatable {
    public enum Refresher: String, Sendable { case uac, uas }
    public var interval: Int
    public var refresher: Refresher
    /// Whether this side sends the refreshes (else it watches for them).
    public var weRefresh: Bool

    /// RFC 4028 §10: the refresher refreshes at half the interval.
    public var refreshAfter: Duration { .seconds(interval) / 2 }
    /// RFC 4028 §10: without a refresh, the session ends `min(32, interval/3)` seconds before it expires.
    public var expiryAfter: Duration { .seconds(interval - min(32, interval / 3)) }

    /// `1800;refresher=uac`.
    public var headerValue: String { "\(interval);refresher=\(refresher.rawValue)" }

    /// Parses `Session-Expires: 1800;refresher=uas` (compact `x`).
    static func parse(_ value: String?) -> (interval: Int, refresher: Refresher?)? {
        guard let value else { return nil }
        let parts = value.split(separator: ";").map { String($0).trimmed }
        guard let first = parts.first, let interval = Int(first), interval > 0 else { return nil }
        let refresher = parts.dropFirst().compactMap { part -> Refresher? in
            let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmed.lowercased() }
            return pair.count == 2 && pair[0] == "refresher" ? Refresher(rawValue: pair[1]) : nil
        }.first
        return (interval, refresher)
    }

    /// The UAC side: the agreement a 2xx (or its absence of Session-Expires) settles (§7.2).
    /// No Session-Expires in the 2xx: the UAS does not do timers; we refresh ourselves only if
    /// we asked for them (§7.2: the UAC may still run the timer, acting as refresher).
    static func fromResponse(_ response: SIPResponse, settings: SessionTimerSettings, asked: Int) -> SessionTimerAgreement? {
        guard settings.enabled else { return nil }
        guard let (interval, refresher) = parse(response.headers[.sessionExpires]) else {
            return SessionTimerAgreement(interval: asked, refresher: .uac, weRefresh: true)
        }
        let chosen = refresher ?? .uac
        return SessionTimerAgreement(interval: interval, refresher: chosen, weRefresh: chosen == .uac)
    }

    /// The UAS side (§9): the request's Session-Expires is honoured when at least our Min-SE (else
    /// 422), the refresher is the one the UAC named, else the UAC when it supports timers, else us.
    /// A UAC that does not support timers cannot refresh, whatever a proxy wrote: then it is us.
    static func fromRequest(_ request: SIPRequest, settings: SessionTimerSettings) -> Outcome {
        guard settings.enabled else { return .none }
        let supported = request.headers.supports("timer")
        // §9: without Session-Expires the UAC asked for no timer; we impose none (a peer that
        // does not know timers would only see unexpected re-INVITEs).
        guard let (interval, refresher) = parse(request.headers[.sessionExpires]) else { return .none }
        if interval < settings.minSE { return .tooSmall(minSE: settings.minSE) }
        // RFC 4028 §9: `uac` only for a UAC that supports timers (it would never refresh, and
        // would not understand the Require: timer that tells it to).
        let chosen = supported ? (refresher ?? .uac) : .uas
        return .agreed(SessionTimerAgreement(interval: interval, refresher: chosen, weRefresh: chosen == .uas), requireTimer: supported)
    }

    enum Outcome: Equatable {
        case none
        case tooSmall(minSE: Int)
        case agreed(SessionTimerAgreement, requireTimer: Bool)
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool { lowercased() == other.lowercased() }
}
