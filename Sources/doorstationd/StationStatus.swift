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
        /// `off`, `on`, `blink` or `blink_fast`.
        var pattern: String
    }

    /// A call the station knows and what its party may do.
    struct Call: Codable, Sendable {
        var callID: String
        var party: String
        var direction: String
        var mayOpenDoor: Bool
    }

    struct DoorCodes: Codable, Sendable {
        var enabled: Bool
        var lockedOut: Bool
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
    var calls: [Call]
    var doorCodes: DoorCodes
    var eventsTotal: Int
    var events: [Event]
}
