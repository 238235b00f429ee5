import Foundation

extension Baresip {
    /// One event baresip's `ctrl_tcp` module sent, e.g.
    /// `{"event":true,"type":"CALL_CLOSED","class":"call","accountaor":"sip:apartment@127.0.0.1",
    /// "direction":"incoming","peeruri":"sip:door@127.0.0.1","id":"5fa709cf7c87cf2e","param":"Connection reset by peer"}`.
    public struct Event: Sendable, CustomStringConvertible {
        /// The `type` field.
        public let kind: Kind
        /// `class`: "call", "register", "application" or "other" (SDP, RTP and media-encryption notices).
        public let eventClass: String?
        /// `id`: the SIP Call-ID of the call the event is about (absent on some early events such as the caller's first CALL_LOCAL_SDP).
        public let callID: String?
        /// `direction`: "incoming" or "outgoing".
        public let direction: String?
        /// `peeruri`: the other side's URI (for an incoming call its From URI).
        public let peerURI: String?
        /// `accountaor`: the account the event belongs to.
        public let accountAOR: String?
        /// `param`, whose meaning depends on the kind:
        /// CALL_CLOSED the reason ("Connection reset by peer", "488 Not Acceptable Here", …);
        /// CALL_INCOMING/RINGING/ESTABLISHED the peer URI; CALL_RTPESTAB the media ("audio", "video");
        /// CALL_MENC "<index>,<media>,<suite>" ("0,audio,AES_CM_128_HMAC_SHA1_80"); CALL_DTMF_START the digit;
        /// CALL_LOCAL_SDP/REMOTE_SDP "offer" or "answer".
        public let param: String?
        /// The whole event as baresip sent it (JSON).
        public let json: String

        /// The `param` of a CALL_CLOSED event.
        public var reason: String? { kind == .callClosed ? param : nil }

        public var description: String {
            [kind.rawValue, direction, callID.map { "id=\($0)" }, param.map { "\"\($0)\"" }].compactMap { $0 }.joined(separator: " ")
        }

        init(json object: [String: Any], text: String) {
            kind = Kind(rawValue: object["type"] as? String ?? "")
            eventClass = object["class"] as? String
            callID = object["id"] as? String
            direction = object["direction"] as? String
            peerURI = object["peeruri"] as? String
            accountAOR = object["accountaor"] as? String
            param = object["param"] as? String
            json = text
        }
    }
}

extension Baresip.Event {
    /// An event type as baresip 1.0 names it (`ua_event_str`); any string baresip sends is accepted.
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// An INVITE arrived and waits for `answer()` (answer mode manual only: auto-answer skips this event).
        public static let callIncoming = Self(rawValue: "CALL_INCOMING")
        /// The caller got 180 Ringing.
        public static let callRinging = Self(rawValue: "CALL_RINGING")
        /// The caller got 183 Session Progress (early media).
        public static let callProgress = Self(rawValue: "CALL_PROGRESS")
        /// 200 OK sent (callee) or received and ACKed (caller).
        public static let callEstablished = Self(rawValue: "CALL_ESTABLISHED")
        /// The call ended, failed or was rejected; `reason` tells why.
        public static let callClosed = Self(rawValue: "CALL_CLOSED")
        /// The first RTP packet of a stream arrived; `param` is "audio" or "video".
        public static let callRTPEstablished = Self(rawValue: "CALL_RTPESTAB")
        /// RTCP statistics of a stream (every few seconds during a call).
        public static let callRTCP = Self(rawValue: "CALL_RTCP")
        /// SRTP is on for a stream; `param` is "<index>,<media>,<crypto suite>".
        public static let callMediaEncryption = Self(rawValue: "CALL_MENC")
        /// A DTMF digit (RFC 4733 telephone-event or SIP INFO) started; `param` is the digit.
        public static let callDTMFStart = Self(rawValue: "CALL_DTMF_START")
        public static let callDTMFEnd = Self(rawValue: "CALL_DTMF_END")
        /// An SDP offer or answer was made (`param` "offer"/"answer").
        public static let callLocalSDP = Self(rawValue: "CALL_LOCAL_SDP")
        /// An SDP offer or answer arrived (`param` "offer"/"answer").
        public static let callRemoteSDP = Self(rawValue: "CALL_REMOTE_SDP")
        /// REGISTER answered 2xx / failed. The first one usually comes before the control connection exists;
        /// use `Baresip.waitForRegistration(timeout:)` instead of waiting for it.
        public static let registerOK = Self(rawValue: "REGISTER_OK")
        public static let registerFail = Self(rawValue: "REGISTER_FAIL")
        public static let unregistering = Self(rawValue: "UNREGISTERING")
        public static let audioError = Self(rawValue: "AUDIO_ERROR")
        public static let shutdown = Self(rawValue: "SHUTDOWN")
        public static let exit = Self(rawValue: "EXIT")
    }
}
