/// `name-addr` or `addr-spec` with header parameters, as in From, To, Contact, Route and
/// Record-Route (RFC 3261 §20.10, §25.1).
public struct NameAddress: Sendable, Hashable, CustomStringConvertible {
    /// The display name, unquoted and unescaped.
    public var displayName: String?
    public var uri: SIPURI
    /// Header parameters after the address (`tag`, `expires`, `q`, `+sip.instance`, …).
    public var parameters: SIPParameters

    public init(displayName: String? = nil, uri: SIPURI, parameters: SIPParameters = SIPParameters()) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    public var tag: String? {
        get { parameters.value("tag") }
        set { if let newValue { parameters.set("tag", newValue) } else { parameters.remove("tag") } }
    }

    /// Always written as name-addr (`<uri>`), which is never ambiguous.
    public var description: String {
        var text = ""
        if let displayName, !displayName.isEmpty { text += Self.quoted(displayName) + " " }
        return text + "<" + uri.description + ">" + parameters.serialized
    }

    public init(_ text: String) throws(SIPParseError) {
        do {
            self = try NameAddress.parse(Array(text.utf8)[...])
        } catch {
            throw SIPParseError(.malformed, "\"\(text)\": \(error.reason)")
        }
    }

    static func parse(_ bytes: ArraySlice<UInt8>) throws(SIPValueError) -> NameAddress {
        var scanner = ByteScanner(bytes)
        scanner.skipLWS()
        var displayName: String?
        let uri: SIPURI
        if scanner.peek == ByteClass.quote {
            displayName = unquote(try scanner.quotedString())
            scanner.skipLWS()
            guard scanner.peek == ByteClass.lessThan else { throw SIPValueError("expected <URI> after the display name", at: scanner.offset) }
        } else if let open = bytes[scanner.index...].firstIndex(of: ByteClass.lessThan) {
            // An unquoted display name is a run of tokens separated by LWS (RFC 3261 §25.1).
            let words = bytes[scanner.index..<open]
            if let bad = words.firstIndex(where: { !ByteClass.isToken($0) && !ByteClass.isWhitespace($0) }) {
                throw SIPValueError("display name with \"\(String(decoding: [bytes[bad]], as: UTF8.self))\" must be quoted", at: bad - bytes.startIndex)
            }
            let name = String(decoding: words, as: UTF8.self).trimmingLWS()
            displayName = name.isEmpty ? nil : String(name)
            scanner.index = open
        }
        if scanner.consume(ByteClass.lessThan) {
            let inner = scanner.scan { $0 == ByteClass.greaterThan }
            guard scanner.consume(ByteClass.greaterThan) else { throw SIPValueError("missing > after the URI", at: scanner.offset) }
            do { uri = try SIPURI.parse(inner) } catch {
                throw SIPValueError(error.reason, at: inner.startIndex - bytes.startIndex + error.offset)
            }
        } else {
            // addr-spec: the URI ends at the first ';' (header parameters follow). A URI with
            // parameters or headers of its own must be in <> (RFC 3261 §20, RFC 4475 §3.1.2.13).
            let start = scanner.index
            let spec = scanner.scan { $0 == ByteClass.semicolon || ByteClass.isWhitespace($0) || $0 == ByteClass.comma }
            if spec.contains(UInt8(ascii: "?")) {
                throw SIPValueError("a URI with headers must be enclosed in <>", at: start - bytes.startIndex)
            }
            do { uri = try SIPURI.parse(spec) } catch {
                throw SIPValueError(error.reason, at: start - bytes.startIndex + error.offset)
            }
        }
        let parameters = try scanner.parameters()
        scanner.skipLWS()
        guard scanner.isAtEnd else { throw SIPValueError("unexpected text after the address", at: scanner.offset) }
        return NameAddress(displayName: displayName, uri: uri, parameters: parameters)
    }

    /// Removes the quotes and `\` escapes of a quoted-string.
    static func unquote(_ quoted: ArraySlice<UInt8>) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(quoted.count)
        var index = quoted.startIndex + 1
        let end = quoted.endIndex - 1
        while index < end {
            if quoted[index] == ByteClass.backslash, index + 1 < end { index += 1 }
            bytes.append(quoted[index])
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text.unicodeScalars {
            if character == "\"" || character == "\\" { result += "\\" }
            result.unicodeScalars.append(character)
        }
        return result + "\""
    }
}
