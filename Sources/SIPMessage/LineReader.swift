/// Reads the start line and the header block of a message into `SIPHeaders` storage, joining
/// folded lines and splitting list headers, with the position of every fault.
struct LineReader {
    let bytes: [UInt8]
    let limits: SIPParserLimits
    /// Offset of the next unread byte; after `readHead` the start of the body.
    private(set) var position = 0
    /// 1-based number of the line at `position`.
    private(set) var line = 1

    init(bytes: [UInt8], limits: SIPParserLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    mutating func readHead() throws(SIPParseError) -> ParsedHead {
        // RFC 3261 §7.5: CRLFs before the start line are ignored.
        while position < bytes.count, bytes[position] == ByteClass.cr || bytes[position] == ByteClass.lf {
            if bytes[position] == ByteClass.lf { line += 1 }
            position += 1
        }
        guard let start = try nextLine(), !start.isEmpty else {
            throw SIPParseError(.malformed, "empty message", line: line, column: 1)
        }
        let startLine = try StartLineParser.parse(bytes[start], line: line - 1)
        var storage = [UInt8]()
        storage.reserveCapacity(min(bytes.count - position, limits.maxHeaderBytes))
        var fields = [SIPHeaders.Field]()
        fields.reserveCapacity(24)
        var fieldLines = [Int32]()
        fieldLines.reserveCapacity(24)

        while let range = try nextLine(), !range.isEmpty {
            let headerLine = line - 1
            if position > limits.maxHeaderBytes {
                throw SIPParseError(.tooLarge, "header block exceeds \(limits.maxHeaderBytes) bytes", line: headerLine, column: 1)
            }
            if ByteClass.isWhitespace(bytes[range.lowerBound]) {
                throw SIPParseError(.malformed, "continuation line without a header before it", line: headerLine, column: 1)
            }
            // field-name [LWS] ":" — RFC 4475 §3.1.1.1 has "TO :" and "Content-Length   :".
            var index = range.lowerBound
            while index < range.upperBound, ByteClass.isToken(bytes[index]) { index += 1 }
            let nameEnd = index
            while index < range.upperBound, ByteClass.isWhitespace(bytes[index]) { index += 1 }
            guard nameEnd > range.lowerBound, index < range.upperBound, bytes[index] == ByteClass.colon else {
                throw SIPParseError(.malformed, nameEnd == range.lowerBound ? "invalid header name" : "missing colon after the header name",
                                    line: headerLine, column: nameEnd - range.lowerBound + 1)
            }
            let name = SIPHeaderName(bytes: bytes[range.lowerBound..<nameEnd])
            let valueStart = storage.count
            append(bytes[(index + 1)..<range.upperBound], to: &storage)
            // Folded continuation lines (RFC 3261 §7.3.1) join with one space.
            while position < bytes.count, ByteClass.isWhitespace(bytes[position]), let next = try nextLine() {
                if storage.count > valueStart, !ByteClass.isWhitespace(storage[storage.count - 1]) { storage.append(ByteClass.space) }
                append(bytes[next], to: &storage)
            }
            while storage.count > valueStart, ByteClass.isWhitespace(storage[storage.count - 1]) { storage.removeLast() }
            if storage.count - valueStart > limits.maxLineLength {
                throw SIPParseError(.tooLarge, "header value longer than \(limits.maxLineLength) bytes", line: headerLine, column: 1, header: name.description)
            }
            if name.isList {
                try split(name, valueStart..<storage.count, storage, into: &fields, lines: &fieldLines, line: headerLine)
            } else {
                fields.append(SIPHeaders.Field(name: name, start: Int32(valueStart), end: Int32(storage.count)))
                fieldLines.append(Int32(headerLine))
            }
            if fields.count > limits.maxHeaderFields {
                throw SIPParseError(.tooLarge, "more than \(limits.maxHeaderFields) header fields", line: headerLine, column: 1)
            }
        }
        let headers = SIPHeaders(storage: storage, fields: fields)
        var validator = HeadValidator(startLine: startLine, headers: headers, lines: fieldLines)
        let contentLength = try validator.validate()
        return ParsedHead(startLine: startLine, headers: headers, contentLength: contentLength)
    }

    /// The next line without its CRLF or LF; at the end of input the unterminated rest, or nil.
    private mutating func nextLine() throws(SIPParseError) -> Range<Int>? {
        guard position < bytes.count else { return nil }
        let start = position
        var end = start
        let limit = min(bytes.count, start + limits.maxLineLength + 2)
        while end < limit, bytes[end] != ByteClass.lf { end += 1 }
        if end == limit, end < bytes.count {
            throw SIPParseError(.tooLarge, "line longer than \(limits.maxLineLength) bytes", line: line, column: 1)
        }
        position = end < bytes.count ? end + 1 : end
        line += 1
        if end > start, bytes[end - 1] == ByteClass.cr { end -= 1 }
        return start..<end
    }

    private func append(_ piece: ArraySlice<UInt8>, to storage: inout [UInt8]) {
        var start = piece.startIndex
        while start < piece.endIndex, ByteClass.isWhitespace(piece[start]) { start += 1 }
        storage.append(contentsOf: piece[start...])
    }

    /// Splits a list value at commas outside quotes and angle brackets (RFC 3261 §7.3.1).
    private func split(_ name: SIPHeaderName, _ range: Range<Int>, _ storage: [UInt8], into fields: inout [SIPHeaders.Field],
                       lines: inout [Int32], line: Int) throws(SIPParseError) {
        var elementStart = range.lowerBound
        var inQuote = false
        var depth = 0
        var index = range.lowerBound
        func emit(_ end: Int) throws(SIPParseError) {
            var start = elementStart
            var stop = end
            while start < stop, ByteClass.isWhitespace(storage[start]) { start += 1 }
            while stop > start, ByteClass.isWhitespace(storage[stop - 1]) { stop -= 1 }
            guard stop > start else {
                throw SIPParseError(.malformed, "empty element in the list", line: line, column: 1, header: name.description)
            }
            fields.append(SIPHeaders.Field(name: name, start: Int32(start), end: Int32(stop)))
            lines.append(Int32(line))
        }
        while index < range.upperBound {
            let byte = storage[index]
            if inQuote {
                if byte == ByteClass.backslash { index += 1 } else if byte == ByteClass.quote { inQuote = false }
            } else if byte == ByteClass.quote {
                inQuote = true
            } else if byte == ByteClass.lessThan {
                depth += 1
            } else if byte == ByteClass.greaterThan {
                depth = max(0, depth - 1)
            } else if byte == ByteClass.comma, depth == 0 {
                try emit(index)
                elementStart = index + 1
            }
            index += 1
        }
        if range.isEmpty { return }  // an empty list header (e.g. "Supported:") carries nothing
        try emit(range.upperBound)
    }
}
