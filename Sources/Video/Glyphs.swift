/// A 5×7 bitmap font for the characters the test pattern prints, one glyph packed into an integer:
/// seven rows of 5 bits, the top row in the highest bits, the leftmost pixel the highest bit of its row.
enum Glyphs {
    static func rows(for character: UInt8) -> UInt64 {
        switch character {
        case UInt8(ascii: "0"): 0x3A33AE62E
        case UInt8(ascii: "1"): 0x11842108E
        case UInt8(ascii: "2"): 0x3A211111F
        case UInt8(ascii: "3"): 0x7C441062E
        case UInt8(ascii: "4"): 0x08CA97C42
        case UInt8(ascii: "5"): 0x7E1E0862E
        case UInt8(ascii: "6"): 0x1910F462E
        case UInt8(ascii: "7"): 0x7C2222108
        case UInt8(ascii: "8"): 0x3A317462E
        case UInt8(ascii: "9"): 0x3A317844C
        case UInt8(ascii: "#"): 0x295F57D4A
        case UInt8(ascii: "T"): 0x7C8421084
        case UInt8(ascii: "."): 0x00000018C
        default: 0
        }
    }

    /// Whether the pixel at `row` (0 = top) and `column` (0 = left) of a glyph is lit.
    static func isLit(_ glyph: UInt64, row: Int, column: Int) -> Bool {
        (glyph >> UInt64(5 * (6 - row) + (4 - column))) & 1 == 1
    }
}
