/// `[relay_N]`: a door opener driven by a GPIO output.
public struct RelaySettings: Sendable, Hashable {
    public var index: Int
    /// `label` (string, `relay N`).
    public var label: String
    public var wiring: GPIOLineSettings
    /// `pulse_ms` (int ms, 3000, 50…60000): how long the opener is energised.
    public var pulse: Int
    /// `dtmf_code` (secret, 1–16 of 0-9 * # A-D): the code that opens this door during a call.
    public var dtmfCode: String?
    /// `hold` (bool, 0): the opener stays energised while the far end holds the code's last key
    /// (at least `pulse_ms`, at most 60 s), as with a door buzzer held down.
    public var hold: Bool

    init(index: Int, _ r: inout SectionReader) {
        self.index = index
        label = r.string("label", default: "relay \(index)", reload: .live)!
        wiring = GPIOLineSettings(&r, activeLowByDefault: false)
        pulse = r.int("pulse_ms", default: 3000, in: 50...60000, unit: "ms", reload: .live)
        dtmfCode = r.string("dtmf_code", secret: true, reload: .live) { raw in
            (1...16).contains(raw.count) && raw.allSatisfy({ "0123456789*#ABCD".contains($0) })
                ? nil : "expected 1 to 16 DTMF digits (0-9 * # A-D)"
        }
        hold = r.bool("hold", default: false, reload: .live)
    }
}

/// `[led_N]`: an indicator LED.
public struct LEDSettings: Sendable, Hashable {
    public var index: Int
    /// `label` (string, `led N`).
    public var label: String
    public var wiring: GPIOLineSettings
    /// `role` (`status` | `call` | `door`, `status`): what the LED shows.
    /// `status`: on when registered, blinking on error; `call`: blinking while ringing, on in a call; `door`: on while a relay is energised.
    public var role: Role
    /// `blink_ms` (int ms, 500, 100…5000): on and off time of a blinking LED.
    public var blink: Int

    public enum Role: String, Sendable, Hashable, CaseIterable {
        case status
        case call
        case door
    }

    init(index: Int, _ r: inout SectionReader) {
        self.index = index
        label = r.string("label", default: "led \(index)", reload: .live)!
        wiring = GPIOLineSettings(&r, activeLowByDefault: false)
        role = r.choice("role", default: Role.status, reload: .live)
        blink = r.int("blink_ms", default: 500, in: 100...5000, unit: "ms", reload: .live)
    }
}
