import SIPMessage

/// A dialog of RFC 3261 §12: the peer-to-peer relation an INVITE sets up, identified by Call-ID
/// and the two tags, with the route set and remote target every in-dialog request follows and
/// the CSeq numbers of each side.
public struct Dialog: Sendable, Equatable {
    public let callID: String
    public let localTag: String
    public let remoteTag: String
    /// From (for our requests) and To of the dialog, without tags.
    public let localAddress: NameAddress
    public let remoteAddress: NameAddress
    /// Where in-dialog requests go: the peer's Contact, refreshed by target-refresh requests (§12.2).
    public internal(set) var remoteTarget: SIPURI
    /// Record-Route as seen from our side (§12.1.1, §12.1.2); never changes after creation.
    public let routeSet: [NameAddress]
    public internal(set) var localCSeq: UInt32
    /// The CSeq of the last request from the peer; nil until it sends one (the UAC side).
    public internal(set) var remoteCSeq: UInt32?
    /// §12.1.1: sips Request-URI over TLS.
    public let isSecure: Bool

    /// The UAS side (§12.1.1): the dialog made by our 2xx or reliable 1xx to `request`.
    public init?(serverRequest request: SIPRequest, localTag: String) {
        guard let callID = request.headers[.callID],
              let from = request.headers[.from].flatMap({ try? NameAddress($0) }), let remoteTag = from.tag,
              let to = request.headers[.to].flatMap({ try? NameAddress($0) }),
              let cseq = request.headers[.cseq].flatMap({ try? CSeq($0) }),
              let contact = request.headers[.contact].flatMap({ try? NameAddress($0) }) else { return nil }
        self.callID = callID
        self.localTag = localTag
        self.remoteTag = remoteTag
        localAddress = to.withoutTag
        remoteAddress = from.withoutTag
        remoteTarget = contact.uri
        // §12.1.1: the route set is the Record-Route list in order.
        routeSet = request.headers.values(.recordRoute).compactMap { try? NameAddress($0) }
        remoteCSeq = cseq.number
        localCSeq = 0
        isSecure = request.uri.isSecure
    }

    /// The UAC side (§12.1.2): the (early or confirmed) dialog made by `response` to our `request`.
    public init?(clientRequest request: SIPRequest, response: SIPResponse) {
        guard let callID = request.headers[.callID],
              let from = request.headers[.from].flatMap({ try? NameAddress($0) }), let localTag = from.tag,
              let to = response.headers[.to].flatMap({ try? NameAddress($0) }), let remoteTag = to.tag,
              let cseq = request.headers[.cseq].flatMap({ try? CSeq($0) }) else { return nil }
        self.callID = callID
        self.localTag = localTag
        self.remoteTag = remoteTag
        localAddress = from.withoutTag
        remoteAddress = to.withoutTag
        // §12.1.2: a 1xx without Contact still makes an early dialog; requests then go to the Request-URI.
        remoteTarget = response.headers[.contact].flatMap { try? NameAddress($0) }?.uri ?? request.uri
        // §12.1.2: the route set is the Record-Route list in reverse order.
        routeSet = response.headers.values(.recordRoute).compactMap { try? NameAddress($0) }.reversed()
        localCSeq = cseq.number
        remoteCSeq = nil
        isSecure = request.uri.isSecure
    }

    /// Whether `message` belongs to this dialog (§12.2.2: Call-ID and both tags).
    public func matches(_ message: SIPMessage) -> Bool {
        guard message.headers[.callID] == callID else { return false }
        let from = message.headers[.from].flatMap { try? NameAddress($0) }?.tag
        let to = message.headers[.to].flatMap { try? NameAddress($0) }?.tag
        switch message {
        case .request: return from == remoteTag && to == localTag
        case .response: return from == localTag && to == remoteTag
        }
    }

    /// §12.2.2: a request whose CSeq is lower than (or, for a new request, equal to) the last
    /// one is out of order; the caller answers 500. ACK and CANCEL reuse their INVITE's number.
    public mutating func acceptRemoteCSeq(of request: SIPRequest) -> Bool {
        guard let cseq = request.headers[.cseq].flatMap({ try? CSeq($0) }) else { return false }
        if request.method == .ack || request.method == .cancel { return true }
        if let last = remoteCSeq, cseq.number <= last { return false }
        remoteCSeq = cseq.number
        return true
    }

    /// §12.2.1.2, §12.2.2: a target-refresh request or its 2xx (re-INVITE, UPDATE) replaces the
    /// remote target with its Contact.
    public mutating func refreshTarget(from message: SIPMessage) {
        if let contact = message.headers[.contact].flatMap({ try? NameAddress($0) }) { remoteTarget = contact.uri }
    }
}

extension NameAddress {
    /// The same address without its `tag` parameter.
    var withoutTag: NameAddress {
        var copy = self
        copy.parameters.remove("tag")
        return copy
    }
}
