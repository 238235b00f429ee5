/// `a=fmtp:<format> <format specific parameters>` (RFC 8866 §6.15), read as the common
/// `key=value;key=value` form (RFC 4855 §3) without losing anything else.
///
/// Keys compare case-insensitively, values are kept verbatim, and text that is not
/// `key=value` (telephone-event's `0-15`, RFC 4733 §2.4.1) is kept in `other`. A parameter this
/// library does not understand is carried along and never makes a codec unusable.
public struct FormatParameters: Sendable, Hashable, CustomStringConvertible {
    public struct Parameter: Sendable, Hashable {
        public var key: String
        public var value: String

        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The `key=value` parameters in order.
    public var parameters: [Parameter]
    /// The parts without `=`, in order (e.g. `["0-15"]`).
    public var other: [String]

    public init(parameters: [Parameter] = [], other: [String] = []) {
        self.parameters = parameters
        self.other = other
    }

    /// Splits at `;` and trims spaces around each part (peers write `a; b` as often as `a;b`).
    public init(parsing text: String) {
        var parameters: [Parameter] = []
        var other: [String] = []
        for part in text.split(separator: ";") {
            let trimmed = part.trimmingSDPSpaces
            if trimmed.isEmpty { continue }
            let (key, value) = trimmed.splitOnce(at: "=")
            if let value, !key.trimmingSDPSpaces.isEmpty {
                parameters.append(Parameter(String(key.trimmingSDPSpaces), String(value)))
            } else {
                other.append(String(trimmed))
            }
        }
        self.init(parameters: parameters, other: other)
    }

    /// The value of the first parameter with this key, ignoring case.
    public subscript(key: String) -> String? {
        get { parameters.first { $0.key.equalsIgnoringCase(key) }?.value }
        set {
            if let index = parameters.firstIndex(where: { $0.key.equalsIgnoringCase(key) }) {
                if let newValue { parameters[index].value = newValue } else { parameters.remove(at: index) }
            } else if let newValue {
                parameters.append(Parameter(key, newValue))
            }
        }
    }

    public var isEmpty: Bool { parameters.isEmpty && other.isEmpty }

    /// `key=value;key=value;other`: the value to put after `a=fmtp:<pt> `.
    public var description: String {
        (parameters.map { "\($0.key)=\($0.value)" } + other).joined(separator: ";")
    }
}
