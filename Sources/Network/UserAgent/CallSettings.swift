import SIP
import SIPMessage

/// How the user agent places and takes calls.
public struct CallSettings: Sendable {
    /// Our identity for calls outside any account (`[sip] contact`); nil uses `sip:door@<address>`.
    public var identity: NameAddress?
    public var sessionTimer: SessionTimerSettings
    /// Longest ring of an outgoing call before CANCEL.
    public var ringTimeout: Duration
    /// Take incoming INVITEs at all (report them for the policy); off, they get 480.
    public var acceptIncoming: Bool
    /// The media we offer and accept.
    public var media: CallMediaSettings
    /// How `sendDTMF` sends digits (`[sip] use_rfc2833`, `use_info`).
    public var dtmfAsRTPEvents: Bool
    public var dtmfAsInfo: Bool

    public init(identity: NameAddress? = nil, sessionTimer: SessionTimerSettings = SessionTimerSettings(),
                ringTimeout: Duration = .seconds(60), acceptIncoming: Bool = true, media: CallMediaSettings = CallMediaSettings(),
                dtmfAsRTPEvents: Bool = true, dtmfAsInfo: Bool = false) {
        self.dtmfAsRTPEvents = dtmfAsRTPEvents
        self.dtmfAsInfo = dtmfAsInfo
        self.identity = identity
        self.sessionTimer = sessionTimer
        self.ringTimeout = ringTimeout
        self.acceptIncoming = acceptIncoming
        self.media = media
    }
}
