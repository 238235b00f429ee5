/// An RTP port setting in linphone's forms: `-1` (the system picks), `7078` (that port, then +2, +4…),
/// or `7078-7178` (a random even port inside the range). RTCP takes the port after each RTP port.
public enum PortRange: Sendable, Hashable, CustomStringConvertible {
    case any
    case single(Int)
    case range(ClosedRange<Int>)

    public var description: String {
        switch self {
        case .any: "-1"
        case .single(let port): String(port)
        case .range(let range): "\(range.lowerBound)-\(range.upperBound)"
        }
    }

    /// Parses the forms above; a range needs two ports in order and room for an RTP/RTCP pair.
    static func parse(_ raw: String) -> Result<PortRange, ConfigProblem> {
        let text = raw.trimmingWhitespace()
        if text == "-1" { return .success(.any) }
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let expected = "expected -1, an even port such as 7078, or a range such as 7078-7178"
        func port(_ part: Substring) -> Int? {
            guard case .success(let value) = ConfigValueParsing.integer(String(part)), (1024...65534).contains(value) else { return nil }
            return value
        }
        if parts.count == 1 {
            guard let single = port(parts[0]) else { return .failure(ConfigProblem("\(expected) (ports 1024…65534), got \"\(raw)\"")) }
            guard single.isMultiple(of: 2) else {
                return .failure(ConfigProblem("RTP port \(single) is odd; RTP uses even ports and RTCP the odd port after them"))
            }
            return .success(.single(single))
        }
        guard let low = port(parts[0]), let high = port(parts[1]) else {
            return .failure(ConfigProblem("\(expected) (ports 1024…65534), got \"\(raw)\""))
        }
        guard low < high else {
            return .failure(ConfigProblem("range \"\(raw)\" is empty: the first port must be below the second"))
        }
        return .success(.range(low...high))
    }
}
