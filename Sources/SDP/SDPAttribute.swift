/// `a=<attribute-name>[:<attribute-value>]` (RFC 8866 §5.13).
///
/// Attributes are kept in the order they came and written back verbatim; an attribute this
/// library does not know is simply carried along ("unknown attributes … MUST be ignored",
/// RFC 8866 §5.13).
public struct SDPAttribute: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    /// The text after the first `:`; nil for a property attribute such as `a=sendrecv`.
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    public var description: String {
        if let value { return "\(name):\(value)" }
        return name
    }

    /// The line's field value, as parsed: `name` or `name:value`.
    init(fieldValue: Substring) {
        let (name, value) = fieldValue.splitOnce(at: ":")
        self.init(String(name), value.map(String.init))
    }
}

extension Array where Element == SDPAttribute {
    /// The value of the first attribute with this name (attribute names are case-sensitive,
    /// RFC 8866 §5.13); `""` for a property attribute.
    public func first(_ name: String) -> String? {
        first(where: { $0.name == name }).map { $0.value ?? "" }
    }

    /// The values of every attribute with this name, in order.
    public func values(_ name: String) -> [String] {
        compactMap { $0.name == name ? ($0.value ?? "") : nil }
    }

    /// Whether a property or value attribute with this name is present.
    public func contains(_ name: String) -> Bool {
        contains(where: { $0.name == name })
    }

    /// The direction attribute among these, if any (the last one wins if a peer sends two).
    var direction: MediaDirection? {
        last(where: { MediaDirection(rawValue: $0.name) != nil && $0.value == nil }).flatMap { MediaDirection(rawValue: $0.name) }
    }

    /// Removes every direction attribute (used when writing a new one).
    mutating func removeDirection() {
        removeAll { MediaDirection(rawValue: $0.name) != nil && $0.value == nil }
    }
}
