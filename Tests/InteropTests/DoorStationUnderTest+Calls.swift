import Foundation
import TestSupport

/// Calls through `doorstationd ctl` and what the log and `ctl status` say about them.
extension DoorStationUnderTest {
    /// `ctl ARGS…` parsed as JSON.
    func ctl(_ arguments: [String]) throws -> [String: Any] {
        let output = try runDoorstationd(["ctl", "--socket", socket] + arguments, timeout: 10).output
        return (try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]) ?? ["raw": output]
    }

    /// Places a call and returns its Call-ID.
    func call(_ target: String) throws -> String {
        let answer = try ctl(["call", target])
        guard let callID = answer["call_id"] as? String else { throw PeerError("ctl call failed: \(answer)") }
        return callID
    }

    /// The live calls of `ctl status` (`state`, `remote`, `media`, …), and the recently ended ones.
    func calls() throws -> (live: [[String: Any]], recent: [[String: Any]]) {
        let object = try JSONSerialization.jsonObject(with: Data(status().utf8)) as? [String: Any]
        let sip = object?["sip"] as? [String: Any]
        return ((sip?["calls"] as? [[String: Any]]) ?? [], (sip?["recent_calls"] as? [[String: Any]]) ?? [])
    }

    /// The log lines of call events (`call.established`, `call.ended`, …), in order.
    var callEvents: [String] {
        log.split(separator: "\n").filter { $0.contains(" call.") }.map(String.init)
    }

    /// Waits until a log line contains every one of `fragments`.
    func waitForLog(_ fragments: String..., timeout: Double) -> Bool {
        eventually(timeout: timeout) {
            log.split(separator: "\n").contains { line in fragments.allSatisfy { line.contains($0) } }
        }
    }

    /// A door station for calls without a PBX: UDP on `port`, everyone in `allowed` auto-answered.
    static func forCalls(port: UInt16, allowed: [String] = [], extra: String = "", board: String = "") throws -> DoorStationUnderTest {
        try DoorStationUnderTest("""
            \(allowed.isEmpty ? "" : "allowed_callers=" + allowed.joined(separator: ","))
            [sip]
            sip_port=\(port)
            sip_tcp_port=0
            listen_address=127.0.0.1
            \(extra)
            """, board: board)
    }

    /// A door station on 127.0.0.1 that registers as `door` at the registrar on `registrarPort`;
    /// `door` are more `[door]` keys, `extra` more sections.
    static func registered(at registrarPort: UInt16, password: String, realm: String? = nil, door: String = "", extra: String = "") throws -> DoorStationUnderTest {
        try DoorStationUnderTest("""
            \(door)
            [sip]
            sip_port=\(try freeLoopbackPort())
            sip_tcp_port=0
            listen_address=127.0.0.1
            [proxy_0]
            reg_identity=sip:door@127.0.0.1
            reg_proxy=sip:127.0.0.1:\(registrarPort)
            [auth_info_0]
            username=door
            passwd=\(password)
            \(realm.map { "realm=\($0)" } ?? "")
            \(extra)
            """)
    }
}
