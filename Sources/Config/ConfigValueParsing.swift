/// Strict readers for linphonerc values.
///
/// linphone reads numbers with C's `%i`/`%f`, so `true`, `abc` or `12ms` silently become 0 or a
/// default. Here each of those is an error whose message says what was expected and what linphone
/// would have done, so a file that works here means the same thing to linphone.
enum ConfigValueParsing {
    struct Problem: Error, Equatable {
        var message: String
    }

    /// A decimal integer with optional sign, or `0x` hexadecimal (linphonerc §1.2).
    /// A decimal with a leading zero is refused: linphone reads `010` as octal 8.
    static func integer(_ raw: String) -> Result<Int, Problem> {
        let text = raw.trimmingWhitespace()
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            let hex = digits.dropFirst(2)
            guard !hex.isEmpty, hex.allSatisfy(\.isHexDigit), let value = Int(hex, radix: 16) else {
                return .failure(Problem(message: "expected a hexadecimal integer, got \"\(raw)\""))
            }
            return .success(negative ? -value : value)
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .failure(Problem(message: "expected an integer, got \"\(raw)\"" + hint(for: raw)))
        }
        if digits.count > 1, digits.first == "0" {
            let octal = Int(digits, radix: 8).map { "linphone reads it as octal \($0)" } ?? "linphone reads it as octal"
            return .failure(Problem(message: "\"\(raw)\" has a leading zero and \(octal); write it without the zero"))
        }
        guard let value = Int(digits) else {
            return .failure(Problem(message: "integer \"\(raw)\" is too large"))
        }
        return .success(negative ? -value : value)
    }

    /// `0` or `1` only: linphone reads booleans as integers, so `true` and `yes` mean false there.
    static func boolean(_ raw: String) -> Result<Bool, Problem> {
        switch raw.trimmingWhitespace() {
        case "0": return .success(false)
        case "1": return .success(true)
        default:
            let lower = raw.trimmingWhitespace().lowercased()
            let word = ["true", "yes", "on", "false", "no", "off"].contains(lower)
                ? " (linphone reads \"\(raw.trimmingWhitespace())\" as 0)" : ""
            return .failure(Problem(message: "expected 0 or 1, got \"\(raw)\"\(word)"))
        }
    }

    /// A finite decimal number with `.` as the separator (`1.5`, `-3`, `2e-3`).
    static func number(_ raw: String) -> Result<Double, Problem> {
        let text = String(raw.trimmingWhitespace())
        let allowed = text.allSatisfy { $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }
        guard allowed, text.contains(where: \.isNumber), let value = Double(text), value.isFinite else {
            return .failure(Problem(message: "expected a number, got \"\(raw)\"" + hint(for: raw)))
        }
        return .success(value)
    }

    /// A comma-separated list. Items are trimmed of spaces and empty items are refused
    /// (linphone keeps both; doorstation's own list keys are friendlier).
    static func list(_ raw: String) -> Result<[String], Problem> {
        let items = raw.split(separator: ",", omittingEmptySubsequences: false).map { String($0.trimmingWhitespace()) }
        if items.contains(where: \.isEmpty) {
            return .failure(Problem(message: "empty item in the comma-separated list \"\(raw)\""))
        }
        return .success(items)
    }

    /// Why a value that looks almost right is refused.
    private static func hint(for raw: String) -> String {
        let text = raw.trimmingWhitespace()
        if text.contains("#") {
            return " (linphonerc has no inline comments: everything after '=' is the value)"
        }
        if text.contains(","), text.allSatisfy({ $0.isNumber || $0 == "," || $0 == "-" }) {
            return " (use '.' as the decimal separator)"
        }
        if let first = text.first, first.isNumber || first == "-", let last = text.last, last.isLetter {
            return " (write the number without a unit)"
        }
        return ""
    }
}
