/// A cursor over the bytes of one header value or URI, with the small steps the RFC 3261
/// grammar is made of. LWS here is spaces and tabs: folded lines were joined before.
struct ByteScanner {
    let bytes: ArraySlice<UInt8>
    var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    var isAtEnd: Bool { index >= bytes.endIndex }
    var peek: UInt8? { index < bytes.endIndex ? bytes[index] : nil }
    /// Offset from the start of the value, for error messages.
    var offset: Int { index - bytes.startIndex }

    mutating func skipLWS() {
        while index < bytes.endIndex, ByteClass.isWhitespace(bytes[index]) { index += 1 }
    }

    /// Consumes `byte` (after optional LWS around it when `lws`), returning whether it was there.
    mutating func consume(_ byte: UInt8, lws: Bool = false) -> Bool {
        let saved = index
        if lws { skipLWS() }
        if index < bytes.endIndex, bytes[index] == byte {
            index += 1
            if lws { skipLWS() }
            return true
        }
        index = saved
        return false
    }

    mutating func expect(_ byte: UInt8, lws: Bool = false, _ what: String) throws(SIPValueError) {
        guard consume(byte, lws: lws) else { throw SIPValueError("expected \(what)", at: offset) }
    }

    /// A run of token characters (may be empty).
    mutating func token() -> ArraySlice<UInt8> {
        let start = index
        while index < bytes.endIndex, ByteClass.isToken(bytes[index]) { index += 1 }
        return bytes[start..<index]
    }

    mutating func requireToken(_ what: String) throws(SIPValueError) -> ArraySlice<UInt8> {
        let run = token()
        if run.isEmpty { throw SIPValueError("expected \(what)", at: offset) }
        return run
    }

    /// Bytes up to (not including) the first byte for which `stop` is true.
    mutating func scan(until stop: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        let start = index
        while index < bytes.endIndex, !stop(bytes[index]) { index += 1 }
        return bytes[start..<index]
    }

    /// A quoted-string including its quotes (RFC 3261 §25.1: `\` escapes any byte but CR/LF).
    mutating func quotedString() throws(SIPValueError) -> ArraySlice<UInt8> {
        let start = index
        guard consume(ByteClass.quote) else { throw SIPValueError("expected a quoted string", at: offset) }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == ByteClass.backslash {
                index += 2
                continue
            }
            index += 1
            if byte == ByteClass.quote { return bytes[start..<index] }
        }
        throw SIPValueError("unterminated quoted string", at: start - bytes.startIndex)
    }

    /// Parameters `*( SEMI name [ EQUAL value ] )`, where value is a token, a quoted string or an
    /// IPv6 reference (`received=[2001:db8::9]`, RFC 5118 §4.5).
    mutating func parameters() throws(SIPValueError) -> SIPParameters {
        var parameters = SIPParameters()
        while consume(ByteClass.semicolon, lws: true) {
            let name = token()
            if name.isEmpty { throw SIPValueError("empty parameter", at: offset) }
            var value: String?
            if consume(ByteClass.equals, lws: true) {
                let raw: ArraySlice<UInt8>
                if peek == ByteClass.quote {
                    raw = try quotedString()
                } else if peek == UInt8(ascii: "[") {
                    raw = scan { $0 == UInt8(ascii: "]") }
                    _ = consume(UInt8(ascii: "]"))
                    value = String(decoding: raw, as: UTF8.self) + "]"
                    parameters.set(String(decoding: name, as: UTF8.self), value)
                    skipLWS()
                    continue
                } else {
                    raw = scan { !ByteClass.isToken($0) && $0 != ByteClass.colon }
                }
                if raw.isEmpty { throw SIPValueError("parameter \(String(decoding: name, as: UTF8.self)) has no value", at: offset) }
                value = String(decoding: raw, as: UTF8.self)
            }
            parameters.set(String(decoding: name, as: UTF8.self), value)
            skipLWS()
        }
        return parameters
    }

    /// Unsigned decimal of at most `max`; `what` names the field in the error.
    mutating func number(max: UInt64, _ what: String) throws(SIPValueError) -> UInt64 {
        let start = offset
        let digits = scan { !ByteClass.isDigit($0) }
        guard !digits.isEmpty else { throw SIPValueError("\(what) must be a non-negative number", at: start) }
        var value: UInt64 = 0
        for digit in digits {
            value = value &* 10 &+ UInt64(digit - 0x30)
            if value > max { throw SIPValueError("\(what) exceeds \(max)", at: start) }
        }
        return value
    }
}
