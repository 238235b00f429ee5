/// An ordered list of `;name=value` (or `;name`) parameters. Names compare case-insensitively;
/// values keep their spelling (RFC 3261 §19.1.4, §7.3.1).
public struct SIPParameters: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Parameter: Sendable, Hashable {
        public var name: String
        /// nil for a flag parameter such as `lr` or `rport`.
        public var value: String?
    }

    public private(set) var items: [Parameter] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, String?)...) {
        items = elements.map { Parameter(name: $0.0, value: $0.1) }
    }

    public func makeIterator() -> IndexingIterator<[Parameter]> { items.makeIterator() }
    public var isEmpty: Bool { items.isEmpty }

    /// The value of `name`; `.some(nil)` for a flag that is present without a value.
    public subscript(_ name: String) -> String?? {
        get {
            guard let item = items.first(where: { $0.name.caseInsensitiveEquals(name) }) else { return nil }
            return .some(item.value)
        }
        set {
            if let newValue {
                if let index = items.firstIndex(where: { $0.name.caseInsensitiveEquals(name) }) {
                    items[index].value = newValue
                } else {
                    items.append(Parameter(name: name, value: newValue))
                }
            } else {
                items.removeAll { $0.name.caseInsensitiveEquals(name) }
            }
        }
    }

    /// The value of `name` when it has one.
    public func value(_ name: String) -> String? { self[name] ?? nil }

    public func contains(_ name: String) -> Bool { items.contains { $0.name.caseInsensitiveEquals(name) } }

    public mutating func set(_ name: String, _ value: String?) { self[name] = .some(value) }
    public mutating func remove(_ name: String) { self[name] = nil }

    /// `;a=1;b` as written on the wire.
    public var serialized: String {
        var text = ""
        for item in items {
            text += ";" + item.name
            if let value = item.value { text += "=" + value }
        }
        return text
    }
}

extension String {
    /// ASCII case-insensitive comparison without allocating.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { ByteClass.lower($0) == ByteClass.lower($1) }
    }
}
