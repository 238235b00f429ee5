/// `[door]`: the door station itself.
public struct DoorSettings: Sendable, Hashable {
    /// `name` (string, `doorstation`): shown in logs and `ctl status`.
    public var name: String
    /// `log_level` (`trace` | `debug` | `info` | `notice` | `warning` | `error` | `critical`, `info`).
    public var logLevel: LogLevel
    /// `control_socket` (absolute path, `/run/doorstation/ctl.sock`): where `doorstationd ctl` connects.
    public var controlSocket: String
    /// `allowed_callers` (list of SIP addresses, none): who may call the door to look and talk.
    public var allowedCallers: [String]
    /// `answer_delay` (int s, 0, 0…30): an allowed caller hears ringing this long before the door answers.
    public var answerDelay: Int
    /// `event_hook` (absolute path, none): a program run with each event's name and details.
    public var eventHook: String?
    /// `code_attempts` (int, 3, 1…20): wrong door codes (in any calls) before codes are locked out.
    public var codeAttempts: Int
    /// `lockout_time` (int s, 300, 10…86400): how long codes are refused after too many wrong ones.
    public var lockoutTime: Int
    /// `code_timeout` (int s, 5, 1…60): a partly entered code is discarded after this long without a key.
    public var codeTimeout: Int
    /// `hangup_after_open` (bool, 0): the call ends when a code has opened the door and the pulse is over.
    public var hangupAfterOpen: Bool

    public enum LogLevel: String, Sendable, Hashable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    init(_ r: inout SectionReader) {
        name = r.string("name", default: "doorstation", reload: .live)!
        logLevel = r.choice("log_level", default: LogLevel.info, reload: .live)
        controlSocket = r.string("control_socket", default: "/run/doorstation/ctl.sock", validate: ConfigValidators.absolutePath)!
        allowedCallers = r.list("allowed_callers", reload: .live, validateItem: ConfigValidators.sipAddress)
        answerDelay = r.int("answer_delay", default: 0, in: 0...30, unit: "s", reload: .live)
        eventHook = r.string("event_hook", reload: .live, validate: ConfigValidators.absolutePath)
        codeAttempts = r.int("code_attempts", default: 3, in: 1...20, reload: .live)
        lockoutTime = r.int("lockout_time", default: 300, in: 10...86400, unit: "s", reload: .live)
        codeTimeout = r.int("code_timeout", default: 5, in: 1...60, unit: "s", reload: .live)
        hangupAfterOpen = r.bool("hangup_after_open", default: false, reload: .live)
    }
}
