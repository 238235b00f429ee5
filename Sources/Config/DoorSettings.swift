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
    /// `event_hook` (absolute path, none): a program run with each event's name and details.
    public var eventHook: String?

    public enum LogLevel: String, Sendable, Hashable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    init(_ r: inout SectionReader) {
        name = r.string("name", default: "doorstation", reload: .live)!
        logLevel = r.choice("log_level", default: LogLevel.info, reload: .live)
        controlSocket = r.string("control_socket", default: "/run/doorstation/ctl.sock", validate: ConfigValidators.absolutePath)!
        allowedCallers = r.list("allowed_callers", reload: .live, validateItem: ConfigValidators.sipAddress)
        eventHook = r.string("event_hook", reload: .live, validate: ConfigValidators.absolutePath)
    }
}
