/// How `[door] event_hook` is run for an event: the program gets the event's name as its only
/// argument, and the event's details in the environment as `DOORSTATION_<KEY>` (upper case,
/// anything but letters and digits turned into `_`), with `DOORSTATION_EVENT` and
/// `DOORSTATION_TIME` (milliseconds since 1970). Nothing reaches a shell, so details such as a
/// caller's display name cannot inject commands.
public struct EventHookInvocation: Sendable, Hashable {
    public var arguments: [String]
    public var environment: [String: String]

    public init(_ event: StationEvent, stationName: String) {
        arguments = [event.kind.rawValue]
        var environment = [
            "DOORSTATION_EVENT": event.kind.rawValue,
            "DOORSTATION_TIME": String(event.time),
            "DOORSTATION_NAME": stationName,
        ]
        for (key, value) in event.details {
            let name = "DOORSTATION_" + String(key.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
            environment[name] = String(value.map { $0 == "\0" ? " " : $0 })
        }
        self.environment = environment
    }

    /// The events a hook is run for: what an installer automates (a light, a notification, a
    /// log), not the station's internal chatter.
    public static func wants(_ kind: StationEvent.Kind) -> Bool {
        switch kind {
        case .buttonReleased, .outputChanged: false
        default: true
        }
    }
}
