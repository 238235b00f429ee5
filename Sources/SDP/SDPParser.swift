/// Reads a session description (RFC 8866 §5, §9), strictly where a fault would mislead the call
/// and leniently where real peers are sloppy.
///
/// Accepted: LF or CRLF line ends, trailing spaces, blank lines, `o=`/`s=` in any order after
/// `v=`, a missing `t=` (taken as `t=0 0`), attributes and line types it does not know (kept).
/// Rejected, with the line and a reason: input that does not start with `v=0`; a missing or
/// repeated `o=` or `s=`; malformed `o=`, `c=`, `b=`, `t=`, `m=` lines; ports beyond 65535;
/// session-only lines inside a media section; more than `limits` allow. No input traps.
public struct SDPParser: Sendable {
    public var limits: SDPParserLimits

    public init(limits: SDPParserLimits = .default) {
        self.limits = limits
    }

    public func parse(_ text: String) throws(SDPParseError) -> SessionDescription {
        try parse(bytes: text.utf8)
    }

    public func parse(bytes: some Collection<UInt8>) throws(SDPParseError) -> SessionDescription {
        guard bytes.count <= limits.maxBytes else {
            throw SDPParseError(line: 0, "the description is \(bytes.count) bytes, more than the limit of \(limits.maxBytes)")
        }
        var builder = Builder(limits: limits)
        var lineNumber = 0
        var line: [UInt8] = []
        line.reserveCapacity(128)
        for byte in bytes {
            if byte == 0x0A {
                lineNumber += 1
                try builder.take(line, number: lineNumber)
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(byte)
            }
        }
        if !line.isEmpty {
            lineNumber += 1
            try builder.take(line, number: lineNumber)
        }
        return try builder.finish(lastLine: lineNumber)
    }
}

extension SDPParser {
    /// Collects lines into a description, one section at a time.
    struct Builder {
        let limits: SDPParserLimits
        var sawVersion = false
        var origin: (Origin, line: Int)?
        var sessionName: String?
        var connection: Connection?
        var bandwidths: [Bandwidth] = []
        var timing: [Timing] = []
        var attributes: [SDPAttribute] = []
        var otherLines: [SDPLine] = []
        var media: [MediaDescription] = []
        var firstMediaLine: Int?

        init(limits: SDPParserLimits) {
            self.limits = limits
        }

        /// One line without its LF. `number` is 1-based.
        mutating func take(_ raw: [UInt8], number: Int) throws(SDPParseError) {
            guard number <= limits.maxLines else {
                throw SDPParseError(line: number, "more than \(limits.maxLines) lines")
            }
            var bytes = raw[...]
            if bytes.last == 0x0D { bytes = bytes.dropLast() }
            while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
            if bytes.isEmpty { return }  // blank lines: tolerated (RFC 8866 §5 has none)
            if bytes.contains(0x0D) { throw SDPParseError(line: number, "stray CR inside the line") }
            if bytes.contains(0x00) { throw SDPParseError(line: number, "NUL byte inside the line") }
            guard bytes.count >= 2, bytes[bytes.startIndex + 1] == UInt8(ascii: "=") else {
                throw SDPParseError(line: number, "expected <type>=<value>, got \(quoted(bytes))")
            }
            let letter = bytes[bytes.startIndex]
            guard letter >= UInt8(ascii: "a"), letter <= UInt8(ascii: "z") else {
                throw SDPParseError(line: number, "the type must be one lowercase letter, got \(quoted(bytes.prefix(1)))")
            }
            let type = Character(Unicode.Scalar(letter))
            let value = Substring(String(decoding: bytes.dropFirst(2), as: UTF8.self))
            guard sawVersion else {
                guard type == "v" else { throw SDPParseError(line: number, "the description must start with v=, got \(quoted(bytes))") }
                guard value == "0" else { throw SDPParseError(line: number, "unsupported SDP version \"\(value)\" (only v=0 exists)") }
                sawVersion = true
                return
            }
            if media.isEmpty {
                try takeSessionLine(type, value, number: number)
            } else {
                try takeMediaLine(type, value, number: number)
            }
        }

        mutating func takeSessionLine(_ type: Character, _ value: Substring, number: Int) throws(SDPParseError) {
            switch type {
            case "v": throw SDPParseError(line: number, "duplicate v= line")
            case "o":
                guard origin == nil else { throw SDPParseError(line: number, "duplicate o= line") }
                origin = (try SDPParser.origin(value, line: number), number)
            case "s":
                guard sessionName == nil else { throw SDPParseError(line: number, "duplicate s= line") }
                sessionName = String(value)
            case "c":
                let parsed = try SDPParser.connection(value, line: number)
                if connection == nil { connection = parsed } else { otherLines.append(SDPLine(type: "c", value: String(value))) }
            case "b": bandwidths.append(try SDPParser.bandwidth(value, line: number))
            case "t": timing.append(try SDPParser.timing(value, line: number))
            case "r":
                guard !timing.isEmpty else { throw SDPParseError(line: number, "r= must follow a t= line") }
                timing[timing.count - 1].repeats.append(String(value))
            case "a": attributes.append(try SDPParser.attribute(value, line: number))
            case "m": try startMedia(value, number: number)
            default: otherLines.append(SDPLine(type: type, value: String(value)))
            }
        }

        mutating func takeMediaLine(_ type: Character, _ value: Substring, number: Int) throws(SDPParseError) {
            let index = media.count - 1
            switch type {
            case "v", "o", "s", "t", "r":
                throw SDPParseError(line: number, "\(type)= is only allowed before the first m= line")
            case "c":
                let parsed = try SDPParser.connection(value, line: number)
                if media[index].connection == nil {
                    media[index].connection = parsed
                } else {
                    media[index].otherLines.append(SDPLine(type: "c", value: String(value)))
                }
            case "b": media[index].bandwidths.append(try SDPParser.bandwidth(value, line: number))
            case "a": media[index].attributes.append(try SDPParser.attribute(value, line: number))
            case "m": try startMedia(value, number: number)
            default: media[index].otherLines.append(SDPLine(type: type, value: String(value)))
            }
        }

        mutating func startMedia(_ value: Substring, number: Int) throws(SDPParseError) {
            guard media.count < limits.maxMedia else {
                throw SDPParseError(line: number, "more than \(limits.maxMedia) m= lines")
            }
            if firstMediaLine == nil { firstMediaLine = number }
            media.append(try SDPParser.mediaLine(value, line: number))
        }

        func finish(lastLine: Int) throws(SDPParseError) -> SessionDescription {
            let endOfSession = firstMediaLine ?? lastLine + 1
            guard sawVersion else { throw SDPParseError(line: 0, "the description is empty") }
            guard let origin else { throw SDPParseError(line: endOfSession, "the session section has no o= line") }
            guard let sessionName else { throw SDPParseError(line: endOfSession, "the session section has no s= line") }
            var media = self.media
            for index in media.indices { media[index].otherLines = sortedMediaLines(media[index].otherLines) }
            return SessionDescription(
                origin: origin.0,
                sessionName: sessionName,
                connection: connection,
                bandwidths: bandwidths,
                timing: timing.isEmpty ? [.unbounded] : timing,
                attributes: attributes,
                media: media,
                otherLines: sortedSessionLines(otherLines)
            )
        }
    }
}

/// A short, printable excerpt of a faulty line for error messages.
func quoted(_ bytes: some Collection<UInt8>) -> String {
    let text = String(decoding: bytes.prefix(40), as: UTF8.self)
    let printable = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    return "\"" + printable + (bytes.count > 40 ? "…" : "") + "\""
}
