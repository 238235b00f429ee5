import SIP
import SIPMessage
import Testing

/// Routing in `TransactionLayer`: client transactions by §17.1.3, server ones by §17.2.3,
/// strays to the TU, terminated transactions forgotten.
@Suite struct TransactionLayerTests {
    /// The layer's actions as `key-side action` lines: `c send INVITE`, `s TU ACK`, `stray 200`.
    static func lines(_ actions: [TransactionLayer.Action]) -> [String] {
        actions.map {
            switch $0 {
            case .transaction(let key, let action): (key.side == .client ? "c " : "s ") + describe(action)
            case .stray(let message): "stray " + describe(message)
            }
        }
    }

    @Test func clientInviteIsRoutedUntilItTerminates() throws {
        var layer = TransactionLayer()
        let invite = Fixture.request()
        let key = try #require(TransactionKey(clientRequest: invite))
        let start = layer.handle(.send(invite, reliable: false), now: .zero)
        #expect(start == [.transaction(key, .send(.request(invite))), .transaction(key, .startTimer(.a, after: .milliseconds(500))),
                          .transaction(key, .startTimer(.b, after: .seconds(32)))])
        #expect(Self.lines(layer.handle(.timerFired(.a, key), now: .milliseconds(500))) == ["c send INVITE", "c start a 1000"])
        #expect(Self.lines(layer.handle(.receive(.response(Fixture.response(180)), reliable: false), now: .seconds(1))) ==
            ["c cancel a", "c cancel b", "c TU 180"])
        #expect(Self.lines(layer.handle(.receive(.response(Fixture.response(200)), reliable: false), now: .seconds(2))) ==
            ["c TU 200", "c start m 32000"])
        #expect(Self.lines(layer.handle(.receive(.response(Fixture.response(200)), reliable: false), now: .seconds(3))) == ["c TU 200"])
        #expect(Self.lines(layer.handle(.timerFired(.m, key), now: .seconds(34))) == ["c terminated"])
        #expect(layer.count == 0)
        // After the transaction, a 2xx still reaches the TU (RFC 6026 §7.2: the dialog ACKs it).
        #expect(Self.lines(layer.handle(.receive(.response(Fixture.response(200)), reliable: false), now: .seconds(35))) == ["stray 200"])
        #expect(layer.handle(.timerFired(.b, key), now: .seconds(40)) == [])
    }

    @Test func responsesWithoutTransactionAreStray() {
        var layer = TransactionLayer(timers: TransactionTimerSettings(acceptedState: false))
        _ = layer.handle(.send(Fixture.request(), reliable: true), now: .zero)
        #expect(Self.lines(layer.handle(.receive(.response(Fixture.response(200, to: Fixture.request(branch: "z9hG4bKother"))), reliable: true), now: .zero))
            == ["stray 200"])
        #expect(Self.lines(layer.handle(.receive(.response(Fixture.response(200)), reliable: true), now: .seconds(1))) == ["c TU 200", "c terminated"])
        #expect(Self.lines(layer.handle(.receive(.response(Fixture.response(200)), reliable: true), now: .seconds(2))) == ["stray 200"])
        var noCSeq = Fixture.response(486)
        noCSeq.headers.remove(.cseq)
        #expect(Self.lines(layer.handle(.receive(.response(noCSeq), reliable: true), now: .seconds(3))) == ["stray 486"])
    }

    @Test func cancelResponseGoesToTheCancelTransaction() throws {
        var layer = TransactionLayer()
        let cancel = Fixture.request(.cancel)
        _ = layer.handle(.send(Fixture.request(), reliable: false), now: .zero)
        _ = layer.handle(.send(cancel, reliable: false), now: .seconds(1))
        #expect(layer.count == 2)
        let actions = layer.handle(.receive(.response(Fixture.response(200, to: cancel)), reliable: false), now: .seconds(2))
        let cancelKey = try #require(TransactionKey(clientRequest: cancel))
        #expect(actions.first == .transaction(cancelKey, .passToTU(.response(Fixture.response(200, to: cancel)))))
        #expect(Self.lines(actions) == ["c TU 200", "c cancel e", "c cancel f", "c start k 5000"])
    }

    @Test func serverInviteWithAckAndCancel() throws {
        var layer = TransactionLayer()
        let invite = Fixture.request()
        let key = try #require(TransactionKey(serverRequest: invite))
        #expect(layer.handle(.receive(.request(invite), reliable: false), now: .zero) ==
            [.transaction(key, .passToTU(.request(invite))), .transaction(key, .startTimer(.trying, after: .milliseconds(200)))])
        #expect(layer.handle(.receive(.request(invite), reliable: false), now: .milliseconds(100)) == [])
        #expect(layer.count == 1)

        // CANCEL: its own transaction, and the key of the INVITE it cancels.
        let cancel = Fixture.request(.cancel)
        #expect(Self.lines(layer.handle(.receive(.request(cancel), reliable: false), now: .milliseconds(150))) == ["s TU CANCEL"])
        #expect(layer.count == 2)
        #expect(TransactionKey(inviteCancelledBy: cancel) == key)
        let cancelKey = try #require(TransactionKey(serverRequest: cancel))
        #expect(Self.lines(layer.handle(.respond(Fixture.response(200, to: cancel), to: cancelKey), now: .milliseconds(160))) ==
            ["s send 200", "s start j 32000"])

        #expect(Self.lines(layer.handle(.respond(Fixture.response(487), to: key), now: .milliseconds(170))) ==
            ["s cancel trying", "s send 487", "s start g 500", "s start h 32000"])
        // An ACK with another branch is the ACK of a 2xx: stray, and no transaction.
        let ackFor2xx = Fixture.request(.ack, branch: "z9hG4bKack2xx")
        #expect(Self.lines(layer.handle(.receive(.request(ackFor2xx), reliable: false), now: .milliseconds(180))) == ["stray ACK"])
        #expect(layer.count == 2)
        let ack = ClientInviteTransaction.acknowledgement(of: invite, for: Fixture.response(487))
        #expect(Self.lines(layer.handle(.receive(.request(ack), reliable: false), now: .milliseconds(200))) ==
            ["s cancel g", "s cancel h", "s start i 5000"])
        #expect(Self.lines(layer.handle(.timerFired(.i, key), now: .milliseconds(5200))) == ["s terminated"])
        #expect(layer.count == 1)
    }

    /// §17.2.3: an RFC 2543 ACK also needs the To tag of the response it acknowledges.
    @Test(arguments: [("srv", ["s cancel g", "s cancel h", "s start i 5000"]), ("other", ["stray ACK"]), (nil, ["stray ACK"])])
    func rfc2543AckNeedsTheResponseTag(tag: String?, expected: [String]) throws {
        var layer = TransactionLayer()
        let invite = TransactionKeyTests.old()
        let key = try #require(TransactionKey(serverRequest: invite))
        #expect(key.isRFC2543)
        _ = layer.handle(.receive(.request(invite), reliable: false), now: .zero)
        // The retransmission matches by the RFC 2543 rules: absorbed, no second transaction.
        #expect(layer.handle(.receive(.request(invite), reliable: false), now: .milliseconds(100)) == [])
        #expect(layer.count == 1)
        _ = layer.handle(.respond(Fixture.response(486, to: invite, toTag: "srv"), to: key), now: .seconds(1))
        let ack = TransactionKeyTests.old(.ack, to: Fixture.bob + (tag.map { ";tag=" + $0 } ?? ""))
        #expect(Self.lines(layer.handle(.receive(.request(ack), reliable: false), now: .seconds(2))) == expected)
    }

    @Test func reliableServerTransactionIsForgottenAtOnce() throws {
        var layer = TransactionLayer()
        let options = Fixture.request(.options)
        let key = try #require(TransactionKey(serverRequest: options))
        _ = layer.handle(.receive(.request(options), reliable: true), now: .zero)
        #expect(Self.lines(layer.handle(.respond(Fixture.response(200, to: options), to: key), now: .zero)) == ["s send 200", "s terminated"])
        #expect(layer.count == 0)
        #expect(!layer.contains(key))
        #expect(layer.handle(.respond(Fixture.response(200, to: options), to: key), now: .zero) == [])
    }

    @Test func transportErrorIsRouted() throws {
        var layer = TransactionLayer()
        let register = Fixture.request(.register)
        let key = try #require(TransactionKey(clientRequest: register))
        _ = layer.handle(.send(register, reliable: true), now: .zero)
        #expect(Self.lines(layer.handle(.transportError(key), now: .zero)) == ["c transportFailed", "c terminated"])
        #expect(layer.count == 0)
        #expect(layer.handle(.transportError(key), now: .zero) == [])
    }

    /// Failover (RFC 3263 §4.3): the TU abandons a transaction; its late response is then a stray.
    @Test func abandonedTransactionIsForgotten() throws {
        var layer = TransactionLayer()
        let register = Fixture.request(.register)
        let key = try #require(TransactionKey(clientRequest: register))
        _ = layer.handle(.send(register, reliable: false), now: .zero)
        #expect(Self.lines(layer.handle(.abandon(key), now: .seconds(4))) == ["c terminated"])
        #expect(layer.count == 0)
        #expect(layer.handle(.abandon(key), now: .seconds(4)) == [])
        let late = Fixture.response(200, to: register)
        #expect(Self.lines(layer.handle(.receive(.response(late), reliable: false), now: .seconds(5))) == ["stray 200"])
    }

    @Test func requestWithoutViaIsStray() {
        var layer = TransactionLayer()
        var request = Fixture.request(.options)
        request.headers.remove(.via)
        #expect(Self.lines(layer.handle(.receive(.request(request), reliable: false), now: .zero)) == ["stray OPTIONS"])
        #expect(layer.count == 0)
    }

    /// §8.1.1.7: `z9hG4bK` and a random token; a seeded generator gives the same branches.
    @Test func branches() throws {
        var first = SeededGenerator(state: 42)
        var second = SeededGenerator(state: 42)
        let a = TransactionLayer.makeBranch(using: &first)
        let b = TransactionLayer.makeBranch(using: &first)
        #expect(a == TransactionLayer.makeBranch(using: &second))
        #expect(a != b)
        #expect(a.hasPrefix("z9hG4bK") && a.count == 27)
        #expect(a.dropFirst(7).allSatisfy { "abcdefghijklmnopqrstuvwxyz234567".contains($0) })
        let via = try Via("SIP/2.0/UDP pc33.atlanta.com;branch=\(a)")
        #expect(via.hasRFC3261Branch)
    }
}
