import SDP
import Testing

/// Hold and resume (RFC 3264 §8.4, RFC 6337 §5): directions, RFC 2543's c=0.0.0.0, and what
/// the media plane may do afterwards.
struct HoldTests {
    enum PeerHold: String, Sendable, CaseIterable {
        case none, sendonly, recvonly, inactive, zeroAddress, zeroAddressRecvonly
    }

    /// The Asterisk offer, turned into each kind of (non-)hold.
    static func offer(_ hold: PeerHold) throws -> SessionDescription {
        var sdp = try Fixture.description("asterisk-g711.sdp")
        switch hold {
        case .none: break
        case .sendonly: sdp.media[0].direction = .sendonly
        case .recvonly: sdp.media[0].direction = .recvonly
        case .inactive: sdp.media[0].direction = .inactive
        case .zeroAddress: sdp.connection?.address = "0.0.0.0"
        case .zeroAddressRecvonly:
            sdp.connection?.address = "0.0.0.0"
            sdp.media[0].direction = .recvonly
        }
        return sdp
    }

    static let cases: [(ours: MediaDirection, peer: PeerHold, answered: MediaDirection, heldByPeer: Bool)] = [
        (.sendrecv, .none, .sendrecv, false),
        (.sendrecv, .sendonly, .recvonly, true),
        (.sendrecv, .recvonly, .sendonly, false),
        (.sendrecv, .inactive, .inactive, true),
        (.sendrecv, .zeroAddress, .recvonly, true),
        (.sendrecv, .zeroAddressRecvonly, .inactive, true),
        (.sendonly, .none, .sendonly, false),
        (.sendonly, .sendonly, .inactive, true),
        (.inactive, .none, .inactive, false),
        (.recvonly, .recvonly, .inactive, false),
    ]

    @Test(arguments: cases)
    func answerDirection(_ ours: MediaDirection, peer: PeerHold, answered: MediaDirection, heldByPeer: Bool) throws {
        var capabilities = doorCapabilities()
        capabilities.direction = ours
        var state = SDPSessionState(sessionID: 3)
        var keys = SeededGenerator()
        let (answer, session) = try state.makeAnswer(to: Self.offer(peer), capabilities: capabilities, keys: &keys)
        #expect(answer.media[0].direction == answered)
        #expect(session.audio?.direction == answered)
        #expect(session.isHeldByPeer == heldByPeer)
        #expect(session.isOnHold == (answered != .sendrecv))
        #expect(session.audio?.canSend == answered.sends)
        #expect(session.audio?.canReceive == answered.receives)
    }

    /// We hold (re-offer sendonly), the peer answers recvonly; we resume; the peer answers
    /// sendrecv. Versions go up with each change.
    @Test func holdAndResumeAsOfferer() throws {
        var door = SDPSessionState(sessionID: 3)
        var peer = SDPSessionState(sessionID: 4)
        var keys = SeededGenerator()
        var capabilities = doorCapabilities()
        let peerCapabilities = MediaCapabilities(localAddress: "198.51.100.50", audioPort: 6000)

        let offer = door.makeOffer(capabilities, keys: &keys)
        let talking = try door.processAnswer(peer.makeAnswer(to: offer, capabilities: peerCapabilities, keys: &keys).answer, to: offer)
        #expect(!talking.isOnHold)

        capabilities.direction = .sendonly
        let holdOffer = door.makeOffer(capabilities, keys: &keys)
        #expect(holdOffer.origin.sessionVersion == offer.origin.sessionVersion + 1)
        #expect(holdOffer.media.map(\.direction) == [.sendonly, .sendonly])
        let (holdAnswer, peerSide) = try peer.makeAnswer(to: holdOffer, capabilities: peerCapabilities, keys: &keys)
        #expect(holdAnswer.media[0].direction == .recvonly)
        #expect(peerSide.isHeldByPeer)
        let held = try door.processAnswer(holdAnswer, to: holdOffer)
        #expect(held.isOnHold && !held.isHeldByPeer)
        #expect(held.audio?.direction == .sendonly)
        // The SRTP-less stream itself is unchanged apart from direction.
        #expect(held.audio?.remotePort == talking.audio?.remotePort)

        capabilities.direction = .sendrecv
        let resumeOffer = door.makeOffer(capabilities, keys: &keys)
        #expect(resumeOffer.origin.sessionVersion == offer.origin.sessionVersion + 2)
        let resumed = try door.processAnswer(peer.makeAnswer(to: resumeOffer, capabilities: peerCapabilities, keys: &keys).answer, to: resumeOffer)
        #expect(resumed == talking)
    }
}
