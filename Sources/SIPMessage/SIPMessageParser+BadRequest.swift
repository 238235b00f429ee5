extension SIPMessageParser {
    /// The 400 (or 505/513) answer to a request that failed to parse, when enough of it can be
    /// read to address one (RFC 3261 §8.2.2, §16.3): the start line must name a method other than
    /// ACK, and Via, From, To, Call-ID and CSeq lines must be present as text. The reason phrase and
    /// a Warning (399) name the fault. Returns nil for responses and for unreadable input: those
    /// are dropped with a log line.
    public func errorResponse(for bytes: [UInt8], error: SIPParseError, warningAgent: String = "doorstation") -> SIPResponse? {
        var lines = bytes.split(separator: ByteClass.lf, maxSplits: 200, omittingEmptySubsequences: false).map { line -> ArraySlice<UInt8> in
            line.last == ByteClass.cr ? line.dropLast() : line
        }
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        guard let startLine = lines.first, !startLine.starts(with: "SIP/".utf8),
              let method = startLine.split(separator: ByteClass.space).first, ByteClass.isToken(method),
              !method.elementsEqual("ACK".utf8) else { return nil }
        var headers = SIPHeaders()
        let wanted: [SIPHeaderName] = [.via, .from, .to, .callID, .cseq]
        var found: [SIPHeaderName: [String]] = [:]
        for line in lines.dropFirst() {
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ByteClass.colon) else { continue }
            let name = SIPHeaderName(bytes: line[..<colon].filter { !ByteClass.isWhitespace($0) })
            guard wanted.contains(name) else { continue }
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingLWS()
            guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x20 || $0 == ByteClass.tab }) else { continue }
            found[name, default: []].append(String(value))
        }
        for name in wanted {
            guard let values = found[name], !values.isEmpty else { return nil }
            // Each Via line goes back whole; only the first of the single-valued headers is used.
            for value in name == .via ? values : [values[0]] { headers.append(name, value) }
        }
        let reason = String(error.reason.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\"" && $0.value < 0x7F }.prefix(100).map(Character.init))
        headers.append(.warning, "399 \(warningAgent) \"\(reason)\"")
        let phrase = SIPResponse.defaultReason(for: error.statusCode) + " (" + reason + ")"
        return SIPResponse(statusCode: error.statusCode, reason: phrase, headers: headers)
    }
}
