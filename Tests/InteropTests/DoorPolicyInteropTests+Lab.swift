import Foundation
import Testing
import TestSupport

/// The lab of `DoorPolicyInteropTests`: one Kamailio for the whole suite, door stations that
/// register with it, baresips registered as apartments, and the daemon's log read as events.

/// Starts one Kamailio (registrar and proxy, realm `doorlab`) before the suite's first test and
/// stops it by pid after the last; the tests reach it through `SharedRegistrar.require()`.
/// (A type of its own: nested in the suite, the `@Suite` macro could not resolve it.)
/// Every door and baresip of a test is stopped inside the test, so each un-REGISTERs while
/// Kamailio still answers (baresip waits ~30 s for that answer otherwise).
struct SharedRegistrar: SuiteTrait, TestScoping {
    @TaskLocal static var current: Kamailio?

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        guard LoopbackNamespace.isIsolated else { return try await function() }
        let kamailio = try Kamailio(listen: ["udp:127.0.0.1:\(try freeLoopbackPort())"], files: peerFiles)
        defer { kamailio.stop() }
        try await Self.$current.withValue(kamailio) { try await function() }
    }

    /// The suite's Kamailio and its UDP port.
    static func require() throws -> (kamailio: Kamailio, port: UInt16) {
        guard let kamailio = current, let address = kamailio.listen.first,
              let port = address.split(separator: ":").last.flatMap({ UInt16($0) }) else {
            throw PeerError("no Kamailio: the suite runs without its SharedRegistrar trait")
        }
        return (kamailio, port)
    }
}

extension DoorPolicyInteropTests {
    /// Kamailio's users (Peers/kamailio/kamailio.cfg) and their passwords.
    static let passwords = ["door": "doorpass", "apartment": "aptpass", "1001": "secret1001"]

    /// The address of record of `user` at the registrar: `sip:<user>@127.0.0.1:<port>` (Kamailio
    /// takes 127.0.0.1 as its own domain, so the port only says where to send).
    static func aor(_ user: String, port: UInt16) -> String { "sip:\(user)@127.0.0.1:\(port)" }

    /// A baresip registered with the suite's Kamailio as `user` (waits for the 200 to REGISTER).
    static func apartment(_ user: String, answerMode: Baresip.AnswerMode = .auto) throws -> Baresip {
        let (kamailio, port) = try SharedRegistrar.require()
        let phone = try Baresip(user: user, registrar: .init(port: port, password: passwords[user] ?? ""), answerMode: answerMode)
        guard phone.waitForRegistration(timeout: 10) else {
            phone.stop()
            throw PeerError("\(user) did not register:\n\(phone.report)\n\(kamailio.logTail())")
        }
        return phone
    }

    /// A door station on the sim board, registered at the suite's Kamailio as `door`.
    /// `door`, `button` and `relay` are the keys of `[door]`, `[button_1]` and `[relay_1]`.
    static func door(door: [String] = [], button: [String] = [], relay: [String] = []) throws -> DoorStationUnderTest {
        let (kamailio, port) = try SharedRegistrar.require()
        let station = try DoorStationUnderTest.registered(at: port, password: passwords["door"]!, realm: "doorlab", door: door.joined(separator: "\n"), extra: """
            [button_1]
            \(button.joined(separator: "\n"))
            [relay_1]
            \(relay.joined(separator: "\n"))
            """)
        guard station.waitForRegistration("registered", timeout: 15) else {
            station.stop()
            throw PeerError("the door did not register:\n\(station.log)\n\(kamailio.logTail())")
        }
        return station
    }
}

/// One line of the daemon's log (`DaemonLogHandler`):
/// `2025-05-01T07:29:53.123Z INFO doorstationd: door.opened by=dtmf label="Door opener" relay=1`.
struct DaemonLogLine: CustomStringConvertible {
    let time: Date
    /// The message: the event's name for station events (`door.opened`, `call.ended`).
    let message: String
    /// The key=value pairs after the message, quotes removed.
    let details: [String: String]
    let description: String

    init?(_ line: Substring) {
        guard let labelEnd = line.range(of: ": ") else { return nil }
        let head = line[..<labelEnd.lowerBound].split(separator: " ")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let stamp = head.first, let time = formatter.date(from: String(stamp)) else { return nil }
        self.time = time
        description = String(line)
        let tokens = Self.tokens(line[labelEnd.upperBound...])
        message = tokens.first ?? ""
        var details: [String: String] = [:]
        for token in tokens.dropFirst() {
            guard let equals = token.firstIndex(of: "=") else { continue }
            details[String(token[..<equals])] = String(token[token.index(after: equals)...])
        }
        self.details = details
    }

    /// The call this line is about (`call_id`, or `sip.call_id` for the user agent's lines).
    var callID: String? { details["call_id"] ?? details["sip.call_id"] }

    /// Whether every pair of `expected` is among the details.
    func has(_ expected: [String: String]) -> Bool {
        expected.allSatisfy { details[$0.key] == $0.value }
    }

    /// Splits at spaces outside double quotes; `\"` inside quotes is a quote.
    static func tokens(_ text: Substring) -> [String] {
        var tokens: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == " " && !quoted {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}

extension DoorStationUnderTest {
    /// The log lines whose message is `name` and whose details include `details`, in order.
    func events(_ name: String, _ details: [String: String] = [:]) -> [DaemonLogLine] {
        log.split(separator: "\n").compactMap(DaemonLogLine.init).filter { $0.message == name && $0.has(details) }
    }

    /// Waits (at most `timeout` seconds) until there are `count` such lines and returns the last of them.
    @discardableResult
    func waitForEvent(_ name: String, _ details: [String: String] = [:], count: Int = 1, timeout: Double) -> DaemonLogLine? {
        var found: [DaemonLogLine] = []
        _ = eventually(timeout: timeout) {
            found = events(name, details)
            return found.count >= count || !daemon.process.isRunning
        }
        return found.count >= count ? found[count - 1] : nil
    }

    /// The station events and door-code lines of the log, for failure messages.
    var policyEvents: String {
        log.split(separator: "\n").filter { line in
            ["button.", "call.", "door.", "output.", "registration."].contains { line.contains(" \($0)") }
        }.joined(separator: "\n")
    }

    /// `ctl status` → `status.relays`: index → active.
    func relays() throws -> [Int: Bool] {
        let object = try JSONSerialization.jsonObject(with: Data(status().utf8)) as? [String: Any]
        let relays = (object?["status"] as? [String: Any])?["relays"] as? [[String: Any]] ?? []
        return Dictionary(relays.compactMap { relay in (relay["index"] as? Int).map { ($0, relay["active"] as? Bool ?? false) } }) { $1 }
    }
}
