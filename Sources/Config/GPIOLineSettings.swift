/// Where a button, relay or LED is wired: a GPIO chip and a line offset on it (libgpiod terms).
public struct GPIOLineSettings: Sendable, Hashable {
    /// `chip` (string): chip name, path or label, e.g. `gpiochip0` or `pinctrl-bcm2711`. Required on the linux backend.
    public var chip: String?
    /// `line` (int 0…1023): line offset on the chip (the BCM GPIO number on a Raspberry Pi). Required on the linux backend.
    public var line: Int?
    /// `active_low` (bool): the line reads 0 when the button is pressed or the output is on.
    public var activeLow: Bool

    init(_ r: inout SectionReader, activeLowByDefault: Bool) {
        chip = r.string("chip") { raw in raw.contains(" ") ? "expected a chip name, path or label without spaces, got \"\(raw)\"" : nil }
        line = r.optionalInt("line", in: 0...1023)
        activeLow = r.bool("active_low", default: activeLowByDefault)
    }

    /// "gpiochip0 line 17", for messages.
    public var description: String { "\(chip ?? "?") line \(line.map(String.init) ?? "?")" }
}
