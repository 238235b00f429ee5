import SIP
import SIPMessage
import Testing

/// Dialogs of RFC 3261 §12: creation on either side, the route set, loose and strict routing,
/// CSeq rules, target refresh, and the CANCEL and ACK built from a request (§9.1, §13.2.2.4).
@Suite struct DialogTests {
    static let apartmentContact = try! SIPURI("sip:apartment@10.0.0.2:5070;transport=udp")

    /// The apartment's INVITE as it reaches the door through proxies that recorded `recordRoutes`.
    static func incomingInvite(recordRoutes: [String] = []) -> SIPRequest {
        var headers: SIPHeaders = [.via: "SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1"]
        headers.append(.via, "SIP/2.0/UDP 10.0.0.2:5070;branch=z9hG4bKd1")
        for route in recordRoutes { headers.append(.recordRoute, route) }
        headers.append(.from, "\"Apartment 3\" <sip:apartment@example.com>;tag=aptag")
        headers.append(.to, "<sip:door@example.com>")
        headers.append(.callID, "dialog-1@apartment")
        headers.append(.cseq, "10 INVITE")
        headers.append(.contact, "<sip:apartment@10.0.0.2:5070;transport=udp>")
        return SIPRequest(method: .invite, uri: try! SIPURI("sip:door@example.com"), headers: headers, body: Array("v=0".utf8))
    }

    /// The door's INVITE (as sent, with its Via and an outbound proxy) and a response to it.
    static func outgoingInvite() -> SIPRequest {
        var headers: SIPHeaders = [.via: "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKout1"]
        headers.append(.route, "<sip:outbound.example.com;lr>")
        headers.append(.maxForwards, "70")
        headers.append(.from, "\"Door\" <sip:door@example.com>;tag=doortag")
        headers.append(.to, "<sip:apartment@example.com>")
        headers.append(.callID, "dialog-2@door")
        headers.append(.cseq, "1 INVITE")
        headers.append(.contact, "<sip:door@10.0.0.1:5060>")
        headers.append(.contentType, "application/sdp")
        return SIPRequest(method: .invite, uri: try! SIPURI("sip:apartment@example.com"), headers: headers, body: Array("v=0".utf8))
    }

    static func response(_ status: Int, to request: SIPRequest, toTag: String? = "aptag", contact: String? = "<sip:apartment@10.0.0.2:5070;transport=udp>",
                         recordRoutes: [String] = []) -> SIPResponse {
        var response = request.makeResponse(status, toTag: toTag)
        for route in recordRoutes { response.headers.append(.recordRoute, route) }
        if let contact { response.headers.append(.contact, contact) }
        return response
    }

    static let routes = ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]

    // MARK: Creation

    @Test func serverSideDialogFromTheInvite() throws {
        let dialog = try #require(Dialog(serverRequest: Self.incomingInvite(recordRoutes: Self.routes), localTag: "doortag"))
        #expect(dialog.callID == "dialog-1@apartment")
        #expect(dialog.localTag == "doortag")
        #expect(dialog.remoteTag == "aptag")
        #expect(dialog.localAddress == NameAddress(uri: try SIPURI("sip:door@example.com")))
        #expect(dialog.remoteAddress == NameAddress(displayName: "Apartment 3", uri: try SIPURI("sip:apartment@example.com")))
        #expect(dialog.remoteTarget == Self.apartmentContact)
        #expect(dialog.routeSet.map(\.description) == Self.routes, "§12.1.1: Record-Route in order")
        #expect(dialog.remoteCSeq == 10)
        #expect(dialog.localCSeq == 0, "§12.1.1: the local sequence number is empty")
        #expect(!dialog.isSecure)
    }

    @Test func clientSideDialogFromTheResponse() throws {
        let invite = Self.outgoingInvite()
        let dialog = try #require(Dialog(clientRequest: invite, response: Self.response(200, to: invite, recordRoutes: Self.routes)))
        #expect(dialog.callID == "dialog-2@door")
        #expect(dialog.localTag == "doortag")
        #expect(dialog.remoteTag == "aptag")
        #expect(dialog.localAddress == NameAddress(displayName: "Door", uri: try SIPURI("sip:door@example.com")))
        #expect(dialog.remoteAddress == NameAddress(uri: try SIPURI("sip:apartment@example.com")))
        #expect(dialog.remoteTarget == Self.apartmentContact)
        #expect(dialog.routeSet.map(\.description) == Self.routes.reversed(), "§12.1.2: Record-Route in reverse order")
        #expect(dialog.localCSeq == 1)
        #expect(dialog.remoteCSeq == nil)
    }

    @Test func provisionalResponseWithoutContactTargetsTheRequestURI() throws {
        let invite = Self.outgoingInvite()
        let dialog = try #require(Dialog(clientRequest: invite, response: Self.response(180, to: invite, contact: nil)))
        #expect(dialog.remoteTarget == invite.uri)
    }

    @Test func sipsRequestURIMakesASecureDialog() throws {
        var invite = Self.incomingInvite()
        invite.uri = try SIPURI("sips:door@example.com")
        #expect(Dialog(serverRequest: invite, localTag: "doortag")?.isSecure == true)
    }

    @Test(arguments: [SIPHeaderName.contact, .callID, .cseq, .from])
    func serverSideNeeds(header: SIPHeaderName) {
        var invite = Self.incomingInvite()
        invite.headers.remove(header)
        #expect(Dialog(serverRequest: invite, localTag: "doortag") == nil)
    }

    @Test func serverSideNeedsTheFromTag() {
        var invite = Self.incomingInvite()
        invite.headers.set(.from, "<sip:apartment@example.com>")
        #expect(Dialog(serverRequest: invite, localTag: "doortag") == nil)
    }

    @Test func clientSideNeedsTheToTag() {
        let invite = Self.outgoingInvite()
        #expect(Dialog(clientRequest: invite, response: Self.response(200, to: invite, toTag: nil)) == nil)
    }

    // MARK: Requests within the dialog

    /// §12.2.1.1: loose routing keeps the remote target as Request-URI and the route set as
    /// Route; a strict router (no `lr`) becomes the Request-URI, the target the last Route.
    @Test(arguments: [
        ([String](), "sip:apartment@10.0.0.2:5070;transport=udp", [String](), "sip:apartment@10.0.0.2:5070;transport=udp"),
        (["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"], "sip:apartment@10.0.0.2:5070;transport=udp",
         ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"], "sip:p1.example.com;lr"),
        (["<sip:strict.example.com;method=INVITE;maddr=10.0.0.9>", "<sip:p2.example.com;lr>"], "sip:strict.example.com;maddr=10.0.0.9",
         ["<sip:p2.example.com;lr>", "<sip:apartment@10.0.0.2:5070;transport=udp>"], "sip:strict.example.com;method=INVITE;maddr=10.0.0.9"),
        (["<sip:strict.example.com>"], "sip:strict.example.com",
         ["<sip:apartment@10.0.0.2:5070;transport=udp>"], "sip:strict.example.com"),
    ])
    func routing(recordRoutes: [String], requestURI: String, routes: [String], nextHop: String) throws {
        var dialog = try #require(Dialog(serverRequest: Self.incomingInvite(recordRoutes: recordRoutes), localTag: "doortag"))
        let bye = dialog.makeRequest(.bye, contact: nil)
        #expect(bye.uri == (try SIPURI(requestURI)))
        #expect(bye.headers.values(.route) == routes)
        #expect(dialog.nextHop == (try SIPURI(nextHop)))
    }

    @Test func requestsCountTheLocalCSeqUpAndCarryTheDialog() throws {
        var dialog = try #require(Dialog(serverRequest: Self.incomingInvite(), localTag: "doortag"))
        let info = dialog.makeRequest(.info, contact: nil, body: Array("Signal=1".utf8), contentType: "application/dtmf-relay")
        #expect(info.method == .info)
        #expect(info.headers[.cseq] == "1 INFO")
        #expect(info.headers[.from] == "<sip:door@example.com>;tag=doortag")
        #expect(info.headers[.to] == "\"Apartment 3\" <sip:apartment@example.com>;tag=aptag")
        #expect(info.headers[.callID] == "dialog-1@apartment")
        #expect(info.headers[.maxForwards] == "70")
        #expect(info.headers[.contentType] == "application/dtmf-relay")
        #expect(!info.headers.contains(.via), "the driver adds Via with a fresh branch")
        #expect(!info.headers.contains(.contact))
        let reinvite = dialog.makeRequest(.invite, contact: try SIPURI("sip:door@10.0.0.1:5060"))
        #expect(reinvite.headers[.cseq] == "2 INVITE")
        #expect(reinvite.headers[.contact] == "<sip:door@10.0.0.1:5060>")
        #expect(!reinvite.headers.contains(.contentType), "no body, no Content-Type")
        let ack = dialog.makeAck(cseq: 2)
        #expect(ack.method == .ack)
        #expect(ack.headers[.cseq] == "2 ACK")
        #expect(dialog.localCSeq == 2, "an ACK takes its INVITE's number")
        #expect(dialog.makeRequest(.bye, contact: nil).headers[.cseq] == "3 BYE")
    }

    @Test func clientSideCSeqContinuesFromTheInvite() throws {
        let invite = Self.outgoingInvite()
        var dialog = try #require(Dialog(clientRequest: invite, response: Self.response(200, to: invite)))
        #expect(dialog.makeAck(cseq: 1).headers[.cseq] == "1 ACK")
        #expect(dialog.makeRequest(.bye, contact: nil).headers[.cseq] == "2 BYE")
    }

    // MARK: Requests from the peer

    /// §12.2.2: lower than the last CSeq is out of order; equal is too for a new request; ACK
    /// and CANCEL reuse their INVITE's number.
    @Test(arguments: [
        (SIPMethod.bye, UInt32(11), true, UInt32(11)),
        (.bye, 10, false, 10),
        (.bye, 9, false, 10),
        (.info, 2_147_483_647, true, 2_147_483_647),
        (.info, 2_147_483_648, false, 10),
        (.ack, 10, true, 10),
        (.ack, 3, true, 10),
        (.cancel, 10, true, 10),
    ])
    func remoteCSeq(method: SIPMethod, cseq: UInt32, accepted: Bool, remoteCSeq: UInt32) throws {
        var dialog = try #require(Dialog(serverRequest: Self.incomingInvite(), localTag: "doortag"))
        var request = Self.incomingInvite()
        request.method = method
        request.headers.set(.cseq, CSeq(cseq, method).description)
        #expect(dialog.acceptRemoteCSeq(of: request) == accepted)
        #expect(dialog.remoteCSeq == remoteCSeq)
    }

    @Test func clientSideTakesAnyFirstRemoteCSeq() throws {
        let invite = Self.outgoingInvite()
        var dialog = try #require(Dialog(clientRequest: invite, response: Self.response(200, to: invite)))
        var bye = SIPRequest(method: .bye, uri: invite.uri, headers: [.cseq: "1 BYE"])
        let first = dialog.acceptRemoteCSeq(of: bye)
        #expect(first)
        #expect(dialog.remoteCSeq == 1)
        bye.headers.set(.cseq, "garbage")
        let garbled = dialog.acceptRemoteCSeq(of: bye)
        #expect(!garbled, "no CSeq, no order")
    }

    @Test func matchingByCallIDAndBothTags() throws {
        let invite = Self.outgoingInvite()
        let response = Self.response(200, to: invite)
        let dialog = try #require(Dialog(clientRequest: invite, response: response))
        #expect(dialog.matches(.response(response)))
        var fromPeer = SIPRequest(method: .bye, uri: invite.uri)
        fromPeer.headers.append(.from, "<sip:apartment@example.com>;tag=aptag")
        fromPeer.headers.append(.to, "<sip:door@example.com>;tag=doortag")
        fromPeer.headers.append(.callID, "dialog-2@door")
        #expect(dialog.matches(.request(fromPeer)))
        var otherCall = fromPeer
        otherCall.headers.set(.callID, "other")
        #expect(!dialog.matches(.request(otherCall)))
        var otherFork = fromPeer
        otherFork.headers.set(.from, "<sip:apartment@example.com>;tag=other")
        #expect(!dialog.matches(.request(otherFork)))
        #expect(!dialog.matches(.response(Self.response(200, to: invite, toTag: "other"))))
        #expect(!dialog.matches(.request(SIPRequest(method: .bye, uri: invite.uri, headers: response.headers))), "tags the wrong way round")
    }

    @Test func targetRefreshTakesTheContact() throws {
        var dialog = try #require(Dialog(serverRequest: Self.incomingInvite(recordRoutes: Self.routes), localTag: "doortag"))
        var reinvite = Self.incomingInvite()
        reinvite.headers.set(.contact, "<sip:apartment@10.0.0.3:5070>")
        dialog.refreshTarget(from: .request(reinvite))
        #expect(dialog.remoteTarget == (try SIPURI("sip:apartment@10.0.0.3:5070")))
        reinvite.headers.remove(.contact)
        dialog.refreshTarget(from: .request(reinvite))
        #expect(dialog.remoteTarget == (try SIPURI("sip:apartment@10.0.0.3:5070")), "no Contact, no change")
        #expect(dialog.routeSet.map(\.description) == Self.routes, "§12.2: the route set never changes")
    }

    // MARK: CANCEL and ACK built from a request

    @Test func cancelCopiesTheInviteAsSent() {
        var invite = Self.outgoingInvite()
        invite.headers.append(.via, "SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKlower")
        let cancel = invite.makeCancel()
        #expect(cancel.method == .cancel)
        #expect(cancel.uri == invite.uri)
        #expect(cancel.headers.values(.via) == ["SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKout1"], "§9.1: one Via, the top one, same branch")
        #expect(cancel.headers.values(.route) == ["<sip:outbound.example.com;lr>"])
        #expect(cancel.headers[.from] == invite.headers[.from])
        #expect(cancel.headers[.to] == invite.headers[.to])
        #expect(cancel.headers[.callID] == invite.headers[.callID])
        #expect(cancel.headers[.cseq] == "1 CANCEL")
        #expect(cancel.headers[.maxForwards] == "70")
        #expect(!cancel.headers.contains(.contact))
        #expect(!cancel.headers.contains(.contentType))
        #expect(cancel.body.isEmpty)
        #expect(TransactionKey(inviteCancelledBy: cancel) == TransactionKey(serverRequest: invite), "§9.2: it finds the INVITE's transaction")
    }

    @Test func ackForA2xxFollowsTheResponsesRouteAndContact() throws {
        let invite = Self.outgoingInvite()
        let ack = try #require(invite.makeAck(for: Self.response(200, to: invite, recordRoutes: Self.routes)))
        #expect(ack.method == .ack)
        #expect(ack.uri == Self.apartmentContact)
        #expect(ack.headers.values(.route) == Self.routes.reversed())
        #expect(ack.headers[.cseq] == "1 ACK")
        #expect(ack.headers[.to] == "<sip:apartment@example.com>;tag=aptag")
        #expect(ack.headers[.from] == "\"Door\" <sip:door@example.com>;tag=doortag")
        #expect(ack.headers[.callID] == "dialog-2@door")
        #expect(!ack.headers.contains(.via), "its own branch, added by the driver")
        #expect(ack.body.isEmpty)
        #expect(invite.makeAck(for: Self.response(200, to: invite, toTag: nil)) == nil, "no To tag, no dialog")
    }
}
