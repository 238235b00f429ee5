/// A DTMF key as an RFC 4733 telephone event (§3.2, Table 7): codes 0–9 are the digits, 10 is `*`,
/// 11 is `#`, 12–15 are `A`–`D`. Other telephone events (flash, modem tones) are not DTMF keys.
public struct DTMFEvent: Sendable, Hashable, CustomStringConvertible {
    /// The event code, 0…15.
    public let code: UInt8

    private static let characters: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D"]

    /// The key with this event code; nil above 15.
    public init?(code: UInt8) {
        guard code < 16 else { return nil }
        self.code = code
    }

    /// The key written as `0`–`9`, `*`, `#` or `A`–`D` (`a`–`d` accepted); nil for anything else.
    public init?(_ character: Character) {
        guard let ascii = character.asciiValue else { return nil }
        switch ascii {
        case 0x30...0x39: code = ascii - 0x30  // 0–9
        case 0x2A: code = 10  // *
        case 0x23: code = 11  // #
        case 0x41...0x44: code = ascii - 0x41 + 12  // A–D
        case 0x61...0x64: code = ascii - 0x61 + 12  // a–d
        default: return nil
        }
    }

    /// `0`–`9`, `*`, `#` or `A`–`D`.
    public var character: Character { Self.characters[Int(code)] }

    public var description: String { String(character) }
}

/// The payload of a telephone-event packet (RFC 4733 §2.3, Figure 1):
///
///     0                   1                   2                   3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    |     event     |E|R| volume    |          duration             |
public struct TelephoneEventPayload: Sendable, Hashable {
    /// The event code (§3.2); DTMF keys are 0…15.
    public var event: UInt8
    /// The E bit: the last packet(s) of the event (§2.5.1.4).
    public var isEnd: Bool
    /// Power level in −dBm0, 0…63 (§2.3.4); larger is quieter.
    public var volume: UInt8
    /// Duration so far in RTP timestamp units, counted from the event's timestamp (§2.3.5).
    public var duration: UInt16

    /// Bytes of one event.
    public static let length = 4

    public init(event: UInt8, isEnd: Bool, volume: UInt8, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume & 0x3F
        self.duration = duration
    }

    /// Reads the first event of a payload; nil when it is shorter than 4 bytes. The R bit is
    /// ignored, as §2.3.3 asks of receivers.
    public init?(parsing bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.length else { return nil }
        event = bytes[0]
        isEnd = bytes[1] & 0x80 != 0
        volume = bytes[1] & 0x3F
        duration = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
    }

    /// Writes the 4 bytes at the start of `buffer` and returns 4.
    @discardableResult
    public func write(to buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "a telephone event needs 4 bytes")
        buffer[0] = event
        buffer[1] = (isEnd ? 0x80 : 0) | (volume & 0x3F)
        buffer[2] = UInt8(truncatingIfNeeded: duration >> 8)
        buffer[3] = UInt8(truncatingIfNeeded: duration)
        return Self.length
    }
}
