import Benchmark
import Foundation
import SIP
import SIPMessage

/// SIP signalling: parsing and serializing real messages, and the transaction layer.
/// Baseline: copying the message bytes and finding the end of the header block, which any
/// parser must at least do.
func sipBenchmarks(repository: URL) {
    let fixtures = repository.appendingPathComponent("Tests/SIPMessageTests/Fixtures")
    func load(_ name: String) -> [UInt8] { [UInt8](try! Data(contentsOf: fixtures.appendingPathComponent(name))) }
    let invite = load("invite-linphone.sip")
    let corpus = ["invite-linphone.sip", "register-baresip.sip", "200-register.sip", "401-kamailio.sip"].map(load)
    let parser = SIPMessageParser()

    Benchmark("SIP: copy INVITE and find its header end (baseline)") { benchmark in
        for _ in benchmark.scaledIterations {
            let copy = Array(invite)
            var end = 0
            for index in 3..<copy.count where copy[index] == 0x0A && copy[index - 1] == 0x0D && copy[index - 2] == 0x0A {
                end = index
                break
            }
            blackHole(end)
        }
    }
    Benchmark("SIP: parse INVITE (linphone, 13 headers + SDP)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! parser.parse(invite))
        }
    }
    Benchmark("SIP: parse + serialize INVITE/REGISTER/200/401 corpus (per message)",
              configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations {
            for message in corpus {
                blackHole(try! parser.parse(message).message.serialized())
            }
        }
    }

    // One non-INVITE client transaction over TCP from send to 200 to termination, plus the
    // server transaction on the other side: the per-transaction cost of the layer.
    let register = try! parser.parse(corpus[1]).message
    guard case .request(let request) = register else { fatalError("fixture is a request") }
    let ok = request.makeResponse(200, toTag: "b1")
    Benchmark("SIP: transaction layer, client + server REGISTER transaction") { benchmark in
        var client = TransactionLayer()
        var server = TransactionLayer()
        var random = SystemRandomNumberGenerator()
        for _ in benchmark.scaledIterations {
            var outgoing = request
            let branch = TransactionLayer.makeBranch(using: &random)
            outgoing.headers.set(.via, "SIP/2.0/TCP 127.0.0.1:5062;branch=\(branch)")
            blackHole(client.handle(.send(outgoing, reliable: true), now: .zero))
            let received = server.handle(.receive(.request(outgoing), reliable: true), now: .zero)
            guard case .transaction(let key, _) = received.first else { fatalError("no server transaction") }
            var answer = ok
            answer.headers.set(.via, "SIP/2.0/TCP 127.0.0.1:5062;branch=\(branch)")
            blackHole(server.handle(.respond(answer, to: key), now: .zero))
            blackHole(client.handle(.receive(.response(answer), reliable: true), now: .zero))
        }
        precondition(client.count == 0 && server.count == 0, "transactions must terminate on reliable transports")
    }
}
