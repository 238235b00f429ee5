/// Small text helpers shared by the parser and the attribute readers. SDP is line- and
/// token-oriented ASCII (RFC 8866 §9), so these work on `Substring`s without Foundation.

extension Character {
    /// SP or HTAB: the separators RFC 8866 §9 allows between fields (HTAB tolerated).
    var isSDPSpace: Bool { self == " " || self == "\t" }

    var isASCIIDigit: Bool { asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }

    var isASCIIHexDigit: Bool {
        guard let value = asciiValue else { return false }
        return (0x30...0x39).contains(value) || (0x41...0x46).contains(value) || (0x61...0x66).contains(value)
    }
}

extension StringProtocol {
    /// The text without spaces or tabs at either end.
    var trimmingSDPSpaces: SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end, self[start].isSDPSpace { start = index(after: start) }
        while end > start, self[index(before: end)].isSDPSpace { end = index(before: end) }
        return self[start..<end]
    }

    /// The text without spaces or tabs at its end (sloppy peers pad lines).
    var trimmingTrailingSDPSpaces: SubSequence {
        var end = endIndex
        while end > startIndex, self[index(before: end)].isSDPSpace { end = index(before: end) }
        return self[startIndex..<end]
    }

    /// Fields separated by one or more spaces or tabs.
    var sdpFields: [SubSequence] {
        split(whereSeparator: { $0.isSDPSpace })
    }

    /// Splits once at the first `separator`: `("name", "value")`, or `(self, nil)` without one.
    func splitOnce(at separator: Character) -> (head: SubSequence, tail: SubSequence?) {
        guard let index = firstIndex(of: separator) else { return (self[...], nil) }
        return (self[startIndex..<index], self[self.index(after: index)...])
    }

    /// True when both spell the same ASCII text, ignoring case (SDP tokens such as encoding names
    /// and fmtp keys compare case-insensitively: RFC 4855 §3, RFC 6184 §8.1).
    func equalsIgnoringCase(_ other: some StringProtocol) -> Bool {
        lowercased() == other.lowercased()
    }
}

/// A decimal number made of ASCII digits only (no sign, no spaces): `UInt16("+80")` would accept
/// a sign, which no SDP grammar rule allows.
func parseDecimal<Number: FixedWidthInteger & UnsignedInteger>(_ text: some StringProtocol, as type: Number.Type = Number.self) -> Number? {
    guard !text.isEmpty, text.count <= 20, text.allSatisfy(\.isASCIIDigit) else { return nil }
    return Number(text, radix: 10)
}

/// A port number, or why it is not one: used by m=, a=rtcp and the parser's messages.
func parsePort(_ text: some StringProtocol) -> Result<UInt16, PortError> {
    guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit) else { return .failure(.notANumber) }
    guard text.count <= 5, let value = Int(text), value <= 65_535 else { return .failure(.outOfRange) }
    return .success(UInt16(value))
}

enum PortError: Error {
    case notANumber
    case outOfRange
}
