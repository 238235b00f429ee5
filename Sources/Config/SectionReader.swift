/// Reads one section's keys as typed values.
///
/// Each read names the key, its type, its default and its range once; the reader validates the
/// raw text, records the effective value with its origin (for `check-config` and reload), and
/// remembers that the key is known. Keys left unread are reported as unknown by `finish()`.
/// A bad value is an error and the default is returned only so that reading can go on and
/// report every problem at once; settings with errors are never used.
struct SectionReader {
    let name: String
    let section: ConfigSection?
    let context: ConfigReadContext
    private(set) var known: [String] = []

    init(_ name: String, _ section: ConfigSection?, context: ConfigReadContext) {
        self.name = name
        self.section = section
        self.context = context
    }

    /// Where to point a diagnostic about the section as a whole.
    var place: (file: String, line: Int)? { section.map { ($0.file, $0.line) } }

    mutating func bool(_ key: String, default fallback: Bool, reload: ReloadPolicy = .restart) -> Bool {
        read(key, default: fallback, reload: reload, render: { $0 ? "1" : "0" }) { raw in
            ConfigValueParsing.boolean(raw)
        }
    }

    mutating func int(_ key: String, default fallback: Int, in range: ClosedRange<Int>? = nil, unit: String? = nil, reload: ReloadPolicy = .restart) -> Int {
        read(key, default: fallback, reload: reload, render: { String($0) }) { raw in
            ConfigValueParsing.integer(raw).flatMap { value in
                guard let range, !range.contains(value) else { return .success(value) }
                return .failure(ConfigProblem("expected an integer in \(Self.describe(range, unit: unit)), got \(value)"))
            }
        }
    }

    mutating func number(_ key: String, default fallback: Double, in range: ClosedRange<Double>? = nil, unit: String? = nil, reload: ReloadPolicy = .restart) -> Double {
        read(key, default: fallback, reload: reload, render: Self.render) { raw in
            ConfigValueParsing.number(raw).mapError { problem in
                guard let range else { return problem }
                return ConfigProblem(problem.message.replacing("expected a number", with: "expected a number in \(Self.describe(range, unit: unit))", maxReplacements: 1))
            }.flatMap { value in
                guard let range, !range.contains(value) else { return .success(value) }
                return .failure(ConfigProblem("expected a number in \(Self.describe(range, unit: unit)), got \(raw.trimmingWhitespace())"))
            }
        }
    }

    /// A free-form string; `validate` returns a problem description or `nil`.
    mutating func string(_ key: String, default fallback: String? = nil, secret: Bool = false, reload: ReloadPolicy = .restart, validate: (String) -> String? = { _ in nil }) -> String? {
        read(key, default: fallback, secret: secret, reload: reload, render: { $0 ?? "" }) { raw -> Result<String?, ConfigProblem> in
            if let problem = validate(raw) { return .failure(ConfigProblem(problem)) }
            return .success(raw)
        }
    }

    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, default fallback: Choice, reload: ReloadPolicy = .restart) -> Choice where Choice.RawValue == String {
        read(key, default: fallback, reload: reload, render: { $0.rawValue }) { raw in
            let text = String(raw.trimmingWhitespace())
            if let value = Choice(rawValue: text) { return .success(value) }
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(ConfigProblem("expected one of \(allowed), got \"\(raw)\""))
        }
    }

    mutating func list(_ key: String, default fallback: [String] = [], reload: ReloadPolicy = .restart, validateItem: (String) -> String? = { _ in nil }) -> [String] {
        read(key, default: fallback, reload: reload, render: { $0.joined(separator: ",") }) { raw in
            ConfigValueParsing.list(raw).flatMap { items in
                for item in items { if let problem = validateItem(item) { return .failure(ConfigProblem(problem)) } }
                return .success(items)
            }
        }
    }

    /// A value with a custom parser, for types such as port ranges and video sizes.
    mutating func custom<Value>(_ key: String, default fallback: Value, reload: ReloadPolicy = .restart, render: (Value) -> String, parse: (String) -> Result<Value, ConfigProblem>) -> Value {
        read(key, default: fallback, reload: reload, render: render, parse: parse)
    }

    /// Whether the file sets the key at all.
    func isSet(_ key: String) -> Bool { section?[key] != nil }

    /// Reports a problem about a key that is set, or about the section when it is missing.
    func error(_ key: String?, _ message: String) {
        context.error(key.flatMap { section?[$0] }, section: name, key: key, message, fallback: place)
    }

    /// Reports a doubtful but usable setting: at the key's line when set, else at the section header.
    func warning(_ key: String?, _ message: String) {
        let value = key.flatMap { section?[$0] } ?? place.map { ConfigValue(raw: "", file: $0.file, line: $0.line) }
        context.warning(value, section: name, key: key, message)
    }

    /// An integer without a default: `nil` when the key is not set.
    mutating func optionalInt(_ key: String, in range: ClosedRange<Int>, unit: String? = nil, reload: ReloadPolicy = .restart) -> Int? {
        custom(key, default: nil as Int?, reload: reload, render: { $0.map(String.init) ?? "" }) { raw in
            ConfigValueParsing.integer(raw).flatMap { value in
                range.contains(value) ? .success(value)
                    : .failure(ConfigProblem("expected an integer in \(Self.describe(range, unit: unit)), got \(value)"))
            }
        }
    }

    /// Reports keys of the section that no read asked for, naming the nearest known key.
    func finish() {
        guard let section else { return }
        for key in section.keys where !known.contains(key) {
            let value = section[key]
            let suggestion = NearestName.find(key, among: known).map { "; did you mean \($0)?" } ?? ""
            context.warning(value, section: name, key: key, "unknown key, ignored\(suggestion)")
        }
    }

    private mutating func read<Value>(
        _ key: String, default fallback: Value, secret: Bool = false, reload: ReloadPolicy,
        render: (Value) -> String, parse: (String) -> Result<Value, ConfigProblem>
    ) -> Value {
        precondition(!known.contains(key), "[\(name)] \(key) is read twice")
        known.append(key)
        var result = fallback
        var origin = ConfigOrigin.defaultValue
        if let value = section?[key] {
            switch parse(value.raw) {
            case .success(let parsed):
                result = parsed
                origin = value.origin
            case .failure(let problem):
                // A secret's value is never repeated in a message.
                let message = secret ? problem.message.replacing(value.raw, with: "********") : problem.message
                context.error(value, section: name, key: key, message)
            }
        }
        let rendered = render(result)
        context.effective.append(EffectiveSetting(
            section: name, key: key, value: secret ? "" : rendered, origin: origin,
            isSecret: secret, reload: reload, secretFingerprint: secret ? rendered.hashValue : nil))
        return result
    }

    static func describe<Bound: Comparable>(_ range: ClosedRange<Bound>, unit: String?) -> String {
        let unitText = unit.map { " \($0)" } ?? ""
        return "\(range.lowerBound)…\(range.upperBound)\(unitText)"
    }

    /// Shortest form that reads back to the same number (`0.05`, `25`, `-3.5`).
    static func render(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}

typealias ConfigProblem = ConfigValueParsing.Problem

extension ConfigValueParsing.Problem {
    init(_ message: String) { self.message = message }
}
