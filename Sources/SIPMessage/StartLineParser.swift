/// The Request-Line and Status-Line (RFC 3261 §7.1, §7.2). Elements are separated by exactly
/// one SP; RFC 4475 §3.1.2.7–3.1.2.10 lists what this rejects.
enum StartLineParser {
    static let version: [UInt8] = Array("SIP/2.0".utf8)

    static func parse(_ bytes: ArraySlice<UInt8>, line: Int) throws(SIPParseError) -> ParsedHead.StartLine {
        func fail(_ reason: String, at index: Int, _ kind: SIPParseError.Kind = .malformed) -> SIPParseError {
            SIPParseError(kind, reason, line: line, column: index - bytes.startIndex + 1)
        }
        if bytes.starts(with: "SIP/".utf8) {
            return try parseStatusLine(bytes, fail: fail)
        }
        let parts = bytes.split(separator: ByteClass.space, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            if parts.contains(where: \.isEmpty) {
                let empty = parts.firstIndex(where: \.isEmpty)!
                throw fail("Request-Line elements must be separated by a single space", at: empty == 0 ? bytes.startIndex : parts[empty - 1].endIndex)
            }
            throw fail("Request-Line has \(parts.count) elements, expected method, Request-URI and version (whitespace inside the Request-URI?)", at: bytes.startIndex)
        }
        let (methodBytes, uriBytes, versionBytes) = (parts[0], parts[1], parts[2])
        guard ByteClass.isToken(methodBytes) else { throw fail("method is not a token", at: methodBytes.startIndex) }
        try checkVersion(versionBytes, fail: fail)
        if uriBytes.first == ByteClass.lessThan {
            throw fail("Request-URI must not be enclosed in <>", at: uriBytes.startIndex)
        }
        let uri: SIPURI
        do { uri = try SIPURI.parse(uriBytes) } catch {
            throw fail("Request-URI: \(error.reason)", at: uriBytes.startIndex + error.offset)
        }
        if uri.headers != nil, uri.isSIP {
            // RFC 3261 §19.1.5: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
            throw fail("Request-URI must not contain headers (?…)", at: uriBytes.startIndex)
        }
        return .request(SIPMethod(String(decoding: methodBytes, as: UTF8.self)), uri)
    }

    private static func parseStatusLine(_ bytes: ArraySlice<UInt8>, fail: (String, Int, SIPParseError.Kind) -> SIPParseError) throws(SIPParseError) -> ParsedHead.StartLine {
        guard let firstSpace = bytes.firstIndex(of: ByteClass.space) else {
            throw fail("Status-Line without a status code", bytes.endIndex, .malformed)
        }
        try checkVersion(bytes[..<firstSpace]) { fail($0, $1, $2) }
        let afterCode = bytes[(firstSpace + 1)...].firstIndex(of: ByteClass.space) ?? bytes.endIndex
        let code = bytes[(firstSpace + 1)..<afterCode]
        guard code.count == 3, code.allSatisfy(ByteClass.isDigit), let value = Int(String(decoding: code, as: UTF8.self)), (100...699).contains(value) else {
            throw fail("status code must be three digits from 100 to 699", firstSpace + 1, .malformed)
        }
        let reason = afterCode < bytes.endIndex ? bytes[(afterCode + 1)...] : bytes[bytes.endIndex...]
        if let bad = reason.firstIndex(where: { $0 < 0x20 && $0 != ByteClass.tab }) {
            throw fail("control character in the reason phrase", bad, .malformed)
        }
        return .response(value, String(decoding: reason, as: UTF8.self))
    }

    private static func checkVersion(_ bytes: ArraySlice<UInt8>, fail: (String, Int, SIPParseError.Kind) -> SIPParseError) throws(SIPParseError) {
        if bytes.count == version.count, zip(bytes, version).allSatisfy({ ByteClass.lower($0) == ByteClass.lower($1) }) { return }
        let text = String(decoding: bytes, as: UTF8.self)
        if text.uppercased().hasPrefix("SIP/") {
            throw fail("version \(text) is not supported (only SIP/2.0)", bytes.startIndex, .unsupportedVersion)
        }
        throw fail("expected SIP/2.0, got \"\(text)\"", bytes.startIndex, .malformed)
    }
}
