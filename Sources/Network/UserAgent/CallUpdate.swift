import SIP

/// What the user agent reports about calls, in order per call, for the door-station policy,
/// the log and `ctl status`.
public struct CallUpdate: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A new incoming call passed the protocol checks; the policy rings, answers or rejects it.
        case incoming(from: String, to: String)
        /// An outgoing call was placed.
        case outgoing(to: String)
        case session(CallEvent)
        /// A key pressed at the far end, once per press, whichever way it came.
        case dtmf(digit: Character, durationMilliseconds: Int, via: DTMFTransport)
        /// An RFC 4733 key went up after being held this long (INFO gives the duration at once).
        case dtmfReleased(digit: Character, durationMilliseconds: Int)
    }

    /// How a DTMF digit travelled.
    public enum DTMFTransport: String, Sendable, Equatable {
        /// SIP INFO (`application/dtmf-relay` or `application/dtmf`).
        case info = "INFO"
        /// RTP telephone-event (RFC 4733).
        case rtpEvent = "RFC4733"
    }

    /// The SIP Call-ID: the call's name in every command and log line.
    public var callID: String
    public var kind: Kind
}

/// One call as `ctl status` shows it.
public struct CallStatus: Sendable, Equatable, Codable {
    public var callID: String
    public var direction: String
    public var remote: String
    public var state: String
    /// Negotiated media in one line each (`audio PCMU/8000 pt 0 → 127.0.0.1:4000 ptime 20 sendrecv`).
    public var media: [String]
    public var endReason: String?
    /// Each running (or, once ended, finished) stream's counters.
    public var streams: [MediaStatistics] = []
}

/// Why a call command could not be carried out.
public struct CallCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
