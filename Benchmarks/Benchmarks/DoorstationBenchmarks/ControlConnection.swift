import Foundation
import Glibc

/// One connection to the daemon's control socket, kept open for the whole run, speaking its
/// protocol directly (`Network.ControlServer`): a request is one line of text, the answer one
/// line of JSON, in order. Unlike `doorstationd ctl` (a process per request, a connection per
/// request), this lets the benchmark take its clock reading right before the request's bytes
/// are written.
final class ControlConnection: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let fd: Int32
    private var pending: [UInt8] = []

    /// Connects to `path`; every read and write is bounded by `timeout` seconds. The corresponding C function is `connect`.
    init(path: String, timeout: Int = 10) throws(Failure) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw Failure(description: "control socket path is too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { target in
            for (index, byte) in bytes.enumerated() { target[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "cannot connect to \(path): \(reason)")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Writes one request line without waiting for its answer. The corresponding C function is `write`.
    func write(_ request: String) throws(Failure) {
        let message = Array((request + "\n").utf8)
        var sent = 0
        while sent < message.count {
            let count = message[sent...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw Failure(description: "sending \"\(request)\": \(String(cString: strerror(errno)))") }
            sent += count
        }
    }

    /// Reads the next answer line (without the newline). The corresponding C function is `read`.
    func readLine() throws(Failure) -> String {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<end], as: UTF8.self)
                pending.removeSubrange(...end)
                return line
            }
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw Failure(description: "no answer from the daemon: \(String(cString: strerror(errno)))") }
            if count == 0 { throw Failure(description: "the daemon closed the control connection") }
            pending += chunk[0..<count]
        }
    }

    /// One request and its answer, parsed; refuses `{"ok":false,…}`.
    @discardableResult
    func request(_ line: String) throws(Failure) -> [String: Any] {
        try write(line)
        let answer = try readLine()
        guard let object = (try? JSONSerialization.jsonObject(with: Data(answer.utf8))) as? [String: Any] else {
            throw Failure(description: "\"\(line)\": the answer is not a JSON object: \(answer.prefix(200))")
        }
        guard object["ok"] as? Bool == true else {
            throw Failure(description: "\"\(line)\" was refused: \(object["error"] ?? answer)")
        }
        return object
    }
}

/// The parts of `ctl status` the benchmarks look at (the JSON keys are snake_case).
struct ControlStatus {
    let object: [String: Any]

    init(_ object: [String: Any]) { self.object = object }

    private var sip: [String: Any] { object["sip"] as? [String: Any] ?? [:] }
    private var station: [String: Any] { object["status"] as? [String: Any] ?? [:] }

    /// The live calls (`call_id`, `state`, `streams`, …).
    var calls: [[String: Any]] { sip["calls"] as? [[String: Any]] ?? [] }

    func call(_ callID: String) -> [String: Any]? { calls.first { $0["call_id"] as? String == callID } }

    /// Whether the station recorded `call.ended` for `callID`: it forgets the button's call in the
    /// same step, so after this a press of that button calls again.
    func stationEnded(_ callID: String) -> Bool {
        let events = station["events"] as? [[String: Any]] ?? []
        return events.contains { event in
            event["event"] as? String == "call.ended" && (event["details"] as? [String: Any])?["call_id"] as? String == callID
        }
    }

    /// Whether the debouncer reports button `index` as held.
    func buttonPressed(_ index: Int) -> Bool {
        let buttons = station["buttons"] as? [[String: Any]] ?? []
        return buttons.first { $0["index"] as? Int == index }?["pressed"] as? Bool ?? false
    }

    /// A stream of a call by kind (`audio`, `video`).
    static func stream(_ kind: String, of call: [String: Any]) -> [String: Any]? {
        (call["streams"] as? [[String: Any]])?.first { $0["kind"] as? String == kind }
    }
}
