/// What `doorstationd ctl status` prints: the station's state and recent events.
struct StationStatus: Codable, Sendable {
    struct Button: Codable, Sendable {
        var index: Int
        var label: String
        var pressed: Bool
        var targets: [String]
    }

    struct Output: Codable, Sendable {
        var index: Int
        var label: String
        var active: Bool
    }

    struct LED: Codable, Sendable {
        var index: Int
        var label: String
        var role: String
        var active: Bool
    }

    struct Event: Codable, Sendable {
        var event: String
        /// Milliseconds since 1970.
        var time: Int64
        var details: [String: String]
    }

    var name: String
    var board: String
    var backend: String
    var uptimeSeconds: Int
    var buttons: [Button]
    var relays: [Output]
    var leds: [LED]
    var eventsTotal: Int
    var events: [Event]
}
