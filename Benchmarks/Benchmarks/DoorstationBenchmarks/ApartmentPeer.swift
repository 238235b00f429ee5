import Glibc
import SIPMessage

/// The apartment the door calls, as the daemon benchmarks need it: a SIP user agent server on
/// one UDP socket at 127.0.0.1 that answers each INVITE the way the benchmark says (486 Busy
/// Here, or 200 OK with an SDP answer), and every other request with 200 OK.
///
/// Stateless apart from what RFC 3261 asks of a UAS over UDP: a retransmitted request gets the
/// same final response again (§17.2.1, §17.2.2), and a 2xx to an INVITE is retransmitted at T1,
/// doubling up to T2, until its ACK arrives (§13.3.1.4). Responses go to the address the request
/// came from (the daemon asks for `rport`, RFC 3581 §4).
final class ApartmentPeer: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A request as received: `arrival` is CLOCK_MONOTONIC (ns) right after `recvfrom`.
    struct Received {
        var request: SIPRequest
        var source: sockaddr_in
        var arrival: UInt64
        var callID: String { request.headers[.callID] ?? "" }
    }

    let socket: LoopbackUDPSocket
    private let parser = SIPMessageParser()
    /// The final response sent for each transaction (Call-ID and CSeq), for retransmitted requests.
    private var finalResponses: [String: [UInt8]] = [:]
    private var nextTag = 0x5EED_0001

    init() throws(LoopbackUDPSocket.Failure) {
        socket = try LoopbackUDPSocket()
    }

    /// What the door's `[button_N] targets` should name.
    var uri: String { "sip:apartment@127.0.0.1:\(socket.port)" }

    private static func transactionKey(_ request: SIPRequest) -> String {
        "\(request.headers[.callID] ?? "")|\(request.headers[.cseq] ?? "")"
    }

    /// The next request that is not a retransmission (those are answered again here, as are
    /// requests that are not worth returning: stray responses and keep-alives are dropped).
    func nextRequest(timeout: Double) -> Received? {
        let deadline = monotonicNanoseconds() + UInt64(timeout * 1e9)
        while true {
            let now = monotonicNanoseconds()
            guard now < deadline, let datagram = socket.receive(timeout: Double(deadline - now) / 1e9) else { return nil }
            guard let parsed = try? parser.parse(datagram.bytes), case .request(let request) = parsed.message else { continue }
            if request.method != .ack, let answer = finalResponses[Self.transactionKey(request)] {
                socket.send(answer, to: datagram.source)
                continue
            }
            return Received(request: request, source: datagram.source, arrival: datagram.arrival)
        }
    }

    /// The next new INVITE; other requests meanwhile get 200 OK (ACKs nothing).
    func nextInvite(timeout: Double) -> Received? {
        let deadline = monotonicNanoseconds() + UInt64(timeout * 1e9)
        while true {
            let now = monotonicNanoseconds()
            guard now < deadline, let received = nextRequest(timeout: Double(deadline - now) / 1e9) else { return nil }
            if received.request.method == .invite { return received }
            answerOther(received)
        }
    }

    /// Waits for a request with `method` in the call `callID`, answering everything else; while
    /// waiting for an ACK, `retransmitting` (a 2xx to the INVITE) is sent again at T1, doubling up
    /// to T2 (RFC 3261 §13.3.1.4; T1 = 500 ms, T2 = 4 s).
    func waitFor(_ method: SIPMethod, in callID: String, timeout: Double, retransmitting: (bytes: [UInt8], to: sockaddr_in)? = nil) -> Received? {
        let deadline = monotonicNanoseconds() + UInt64(timeout * 1e9)
        var interval: UInt64 = 500_000_000
        var resendAt = monotonicNanoseconds() + interval
        while true {
            let now = monotonicNanoseconds()
            guard now < deadline else { return nil }
            let wake = retransmitting == nil ? deadline : min(deadline, resendAt)
            guard let received = nextRequest(timeout: Double(wake - now) / 1e9) else {
                if let retransmitting, monotonicNanoseconds() >= resendAt {
                    socket.send(retransmitting.bytes, to: retransmitting.to)
                    interval = min(interval * 2, 4_000_000_000)
                    resendAt = monotonicNanoseconds() + interval
                }
                continue
            }
            if received.request.method == method, received.callID == callID { return received }
            answerOther(received)
        }
    }

    /// Answers whatever arrives for `seconds`: in-dialog requests of a running call.
    func serve(for seconds: Double) {
        let deadline = monotonicNanoseconds() + UInt64(seconds * 1e9)
        while true {
            let now = monotonicNanoseconds()
            guard now < deadline else { return }
            if let received = nextRequest(timeout: Double(deadline - now) / 1e9) { answerOther(received) }
        }
    }

    /// ACK: nothing. Another INVITE: 486 (one call at a time). Anything else (BYE, INFO, UPDATE, OPTIONS): 200 OK.
    private func answerOther(_ received: Received) {
        switch received.request.method {
        case .ack: return
        case .invite: respond(to: received, 486, reason: "Busy Here")
        default: respond(to: received, 200)
        }
    }

    /// Sends a response built as RFC 3261 §8.2.6.2 says (Vias, From, To with our tag, Call-ID,
    /// CSeq), with `sdp` as its body; a 2xx to an INVITE also gets a Contact. Returns its bytes.
    @discardableResult
    func respond(to received: Received, _ statusCode: Int, reason: String? = nil, sdp: String? = nil) -> [UInt8] {
        let request = received.request
        var response = request.makeResponse(statusCode, reason: reason, toTag: String(nextTag, radix: 16))
        nextTag += 1
        if request.method == .invite, (200..<300).contains(statusCode) {
            response.headers.append(.contact, "<\(uri)>")
            response.headers.append(.allow, "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE")
        }
        if let sdp {
            response.headers.append(.contentType, "application/sdp")
            response.body = Array(sdp.utf8)
        }
        let bytes = response.serialized()
        if statusCode >= 200 { finalResponses[Self.transactionKey(request)] = bytes }
        socket.send(bytes, to: received.source)
        return bytes
    }
}
