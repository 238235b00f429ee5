import Foundation
import Network

/// Carries out one line received on the control socket and answers with one line of JSON:
/// `{"ok":true,…}` or `{"ok":false,"error":"…"}`.
struct ControlRequests: Sendable {
    let station: Station
    let reloader: Reloader
    let userAgent: SIPUserAgent

    static let help = "commands: status | press N [HOLD_MS] | open N | call SIP-URI [ACCOUNT] | hangup [CALL-ID] | answer CALL-ID | reject CALL-ID [CODE] | dtmf CALL-ID DIGITS [KEY_MS] | hold CALL-ID | resume CALL-ID | reload | set SECTION.KEY VALUE | ping"

    func answer(_ line: String) async -> String {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        do throws(ControlError) {
            guard let command = words.first else { throw ControlError("empty request; \(Self.help)") }
            switch (command, words.count) {
            case ("ping", 1):
                return Self.encode(["ok": true, "answer": "pong"])
            case ("status", 1):
                let status = await station.status()
                let encoder = JSONEncoder()
                encoder.keyEncodingStrategy = .convertToSnakeCase
                encoder.outputFormatting = [.sortedKeys]
                let body = (try? encoder.encode(status)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                let registrations = await userAgent.registrationStatus().map(Self.registration)
                let calls = await userAgent.callStatus().map(Self.call)
                let recent = await userAgent.recentCalls().map(Self.call)
                let sip = Self.encode(["registrations": registrations, "calls": calls, "recent_calls": recent])
                return #"{"ok":true,"sip":\#(sip),"status":\#(body)}"#
            case ("press", 2), ("press", 3):
                let button = try Self.number(words[1], what: "button")
                let hold = words.count == 3 ? try Self.number(words[2], what: "hold time", in: 1...60000) : 150
                try await station.press(button: button, holdMilliseconds: hold)
                return Self.encode(["ok": true, "pressed": button, "hold_ms": hold])
            case ("open", 2):
                let relay = try Self.number(words[1], what: "relay")
                try await station.openDoor(relay: relay, by: "ctl")
                return Self.encode(["ok": true, "opened": relay])
            case ("call", _), ("hangup", _), ("answer", _), ("reject", _), ("dtmf", _), ("hold", _), ("resume", _):
                return try await callCommand(words)
            case ("reload", 1):
                let outcome = await reloader.reload()
                return Self.encode([
                    "ok": outcome.errors.isEmpty, "errors": outcome.errors, "applied": outcome.applied, "need_restart": outcome.needRestart,
                ])
            case ("set", _) where words.count >= 3:
                guard let (section, key) = ConfigOverrides.parse(words[1]) else {
                    throw ControlError("set needs SECTION.KEY VALUE, e.g. set sound.el_thres 0.05; got \"\(words[1])\"")
                }
                let outcome = await reloader.set(section: section, key: key, value: words[2...].joined(separator: " "))
                return Self.encode([
                    "ok": outcome.errors.isEmpty, "errors": outcome.errors, "applied": outcome.applied, "need_restart": outcome.needRestart,
                ])
            default:
                throw ControlError("unknown request \"\(line)\"; \(Self.help)")
            }
        } catch {
            return Self.encode(["ok": false, "error": error.description])
        }
    }

    static func registration(_ status: RegistrationStatus) -> [String: Any] {
        var entry: [String: Any] = ["account": status.account, "aor": status.aor, "state": status.state]
        if let server = status.server { entry["server"] = server }
        if let expires = status.expires { entry["expires"] = expires }
        if let address = status.publicAddress { entry["public_address"] = address }
        if let error = status.lastError { entry["last_error"] = error }
        return entry
    }

    static func call(_ status: CallStatus) -> [String: Any] {
        var entry: [String: Any] = ["call_id": status.callID, "direction": status.direction, "remote": status.remote, "state": status.state, "media": status.media]
        if let reason = status.endReason { entry["end_reason"] = reason }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        entry["streams"] = status.streams.compactMap { stream in
            (try? encoder.encode(stream)).flatMap { try? JSONSerialization.jsonObject(with: $0) }
        }
        return entry
    }

    static func number(_ text: String, what: String, in range: ClosedRange<Int> = 0...99) throws(ControlError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw ControlError("\(what) must be a number in \(range.lowerBound)…\(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    static func encode(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
