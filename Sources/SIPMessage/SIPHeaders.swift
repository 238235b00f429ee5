/// The header fields of a message, in order. List headers (`Via`, `Contact`, …) hold one field
/// per element, however they were written on the wire: `Via: a, b` and two `Via` lines parse the
/// same. Values are kept as text in one shared buffer, so parsing a message costs a couple of
/// allocations rather than one per header; typed views (`Via`, `NameAddress`, …) parse on demand.
public struct SIPHeaders: Sendable {
    struct Field: Sendable {
        var name: SIPHeaderName
        var start: Int32
        var end: Int32
    }

    var storage: [UInt8]
    var fields: [Field]

    public init() {
        storage = []
        fields = []
    }

    init(storage: [UInt8], fields: [Field]) {
        self.storage = storage
        self.fields = fields
    }

    /// Number of fields (list headers count once per element).
    public var count: Int { fields.count }

    /// All fields in order, as (name, value).
    public var all: [(name: SIPHeaderName, value: String)] {
        fields.map { ($0.name, text($0)) }
    }

    /// Every value of `name`, in order.
    public func values(_ name: SIPHeaderName) -> [String] {
        fields.lazy.filter { $0.name == name }.map(text)
    }

    /// The first value of `name`.
    public subscript(_ name: SIPHeaderName) -> String? {
        guard let field = fields.first(where: { $0.name == name }) else { return nil }
        return text(field)
    }

    public func contains(_ name: SIPHeaderName) -> Bool { fields.contains { $0.name == name } }

    /// Number of fields named `name`.
    public func count(of name: SIPHeaderName) -> Int { fields.reduce(0) { $0 + ($1.name == name ? 1 : 0) } }

    /// Appends a field. A list value given with commas stays one field; call once per element.
    public mutating func append(_ name: SIPHeaderName, _ value: String) {
        fields.append(store(name, value))
    }

    /// Inserts a field before every other field of the same name (or at the end when there is
    /// none), as a UA or proxy adds its own `Via` on top (RFC 3261 §8.1.1.7).
    public mutating func prepend(_ name: SIPHeaderName, _ value: String) {
        let field = store(name, value)
        if let index = fields.firstIndex(where: { $0.name == name }) {
            fields.insert(field, at: index)
        } else {
            fields.append(field)
        }
    }

    /// Replaces every field of `name` by one field with `value`, where the first one was.
    public mutating func set(_ name: SIPHeaderName, _ value: String) {
        let field = store(name, value)
        if let index = fields.firstIndex(where: { $0.name == name }) {
            fields[index] = field
            var kept = fields[...index].map { $0 }
            kept.append(contentsOf: fields[(index + 1)...].filter { $0.name != name })
            fields = kept
        } else {
            fields.append(field)
        }
    }

    /// Removes every field of `name`.
    public mutating func remove(_ name: SIPHeaderName) {
        fields.removeAll { $0.name == name }
    }

    /// Removes the first field of `name` (the top `Via` when a response is passed up).
    public mutating func removeFirst(_ name: SIPHeaderName) {
        if let index = fields.firstIndex(where: { $0.name == name }) { fields.remove(at: index) }
    }

    func text(_ field: Field) -> String {
        String(decoding: storage[Int(field.start)..<Int(field.end)], as: UTF8.self)
    }

    func bytes(_ field: Field) -> ArraySlice<UInt8> {
        storage[Int(field.start)..<Int(field.end)]
    }

    func firstField(_ name: SIPHeaderName) -> Field? { fields.first { $0.name == name } }

    private mutating func store(_ name: SIPHeaderName, _ value: String) -> Field {
        let start = storage.count
        storage.append(contentsOf: value.utf8)
        return Field(name: name, start: Int32(start), end: Int32(storage.count))
    }
}

extension SIPHeaders: Equatable {
    public static func == (lhs: SIPHeaders, rhs: SIPHeaders) -> Bool {
        guard lhs.fields.count == rhs.fields.count else { return false }
        for (a, b) in zip(lhs.fields, rhs.fields) where a.name != b.name || lhs.bytes(a) != rhs.bytes(b) {
            return false
        }
        return true
    }
}

extension SIPHeaders: ExpressibleByDictionaryLiteral {
    /// Builds headers in the literal's order (a literal with one name twice keeps both).
    public init(dictionaryLiteral elements: (SIPHeaderName, String)...) {
        self.init()
        for (name, value) in elements { append(name, value) }
    }
}
