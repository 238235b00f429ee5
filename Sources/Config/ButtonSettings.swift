/// `[button_N]`: a call button and whom it calls.
public struct ButtonSettings: Sendable, Hashable {
    public var index: Int
    /// `label` (string, `button N`): shown in logs and `ctl status`.
    public var label: String
    public var wiring: GPIOLineSettings
    /// `bias` (`as-is` | `disable` | `pull-up` | `pull-down`, `pull-up`): the line's internal resistor.
    public var bias: Bias
    /// `debounce_ms` (int ms, 30, 0…1000): edges closer together than this are one press.
    public var debounce: Int
    /// `long_press_ms` (int ms, 0 = off, 0…10000): a press held this long is a long press.
    public var longPress: Int
    /// `targets` (list of SIP addresses, none): whom the button calls.
    public var targets: [String]
    /// `call_mode` (`parallel` | `sequential`, `parallel`): ring all targets at once, or one after another.
    public var callMode: CallMode
    /// `ring_time` (int s, 30, 1…600): how long a target rings (each in sequential mode, all together in parallel).
    public var ringTime: Int
    /// `max_ring_time` (int s, 120, 1…3600): the whole ringing phase ends after this, whatever the mode.
    public var maxRingTime: Int
    /// `call_time` (int s, 300, 0 = no limit, 0…86400): an answered call is hung up after this.
    public var callTime: Int
    /// `on_repeat` (`ignore` | `restart` | `hangup`, `ignore`): a press while the call rings.
    public var onRepeat: RepeatAction

    public enum Bias: String, Sendable, Hashable, CaseIterable {
        case asIs = "as-is"
        case disable
        case pullUp = "pull-up"
        case pullDown = "pull-down"
    }

    public enum CallMode: String, Sendable, Hashable, CaseIterable {
        case parallel
        case sequential
    }

    public enum RepeatAction: String, Sendable, Hashable, CaseIterable {
        case ignore
        case restart
        case hangup
    }

    init(index: Int, _ r: inout SectionReader) {
        self.index = index
        label = r.string("label", default: "button \(index)", reload: .live)!
        wiring = GPIOLineSettings(&r, activeLowByDefault: true)
        bias = r.choice("bias", default: Bias.pullUp)
        debounce = r.int("debounce_ms", default: 30, in: 0...1000, unit: "ms", reload: .live)
        longPress = r.int("long_press_ms", default: 0, in: 0...10000, unit: "ms", reload: .live)
        targets = r.list("targets", reload: .nextCall, validateItem: ConfigValidators.sipAddress)
        callMode = r.choice("call_mode", default: CallMode.parallel, reload: .nextCall)
        ringTime = r.int("ring_time", default: 30, in: 1...600, unit: "s", reload: .nextCall)
        maxRingTime = r.int("max_ring_time", default: 120, in: 1...3600, unit: "s", reload: .nextCall)
        callTime = r.int("call_time", default: 300, in: 0...86400, unit: "s", reload: .nextCall)
        onRepeat = r.choice("on_repeat", default: RepeatAction.ignore, reload: .live)
        if targets.isEmpty {
            r.warning("targets", "no targets: pressing this button calls nobody")
        }
    }
}
