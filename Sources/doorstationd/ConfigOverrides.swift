import Config
import Synchronization

/// Values set with `ctl set SECTION.KEY VALUE` while the daemon runs: read after the files on every
/// (re)load, so they win over the file until the daemon restarts. They are not written back: a
/// value found by tuning goes into the file by hand, where it is reviewed and kept.
final class ConfigOverrides: Sendable {
    /// The path diagnostics name, so a bad value reads `ctl set:1: [sound] el_thres: …`.
    static let origin = "ctl set"

    private let entries = Mutex<[(section: String, key: String, value: String)]>([])

    /// One override per section and key; a second `set` replaces the first. Returns the value it
    /// replaced, so a refused value can be taken back with `restore`.
    @discardableResult
    func set(section: String, key: String, value: String?) -> String? {
        entries.withLock { entries in
            let previous = entries.first { $0.section == section && $0.key == key }?.value
            entries.removeAll { $0.section == section && $0.key == key }
            if let value { entries.append((section, key, value)) }
            return previous
        }
    }

    /// The overrides as one more configuration file, or nil when there are none.
    var source: ConfigSource? {
        let lines = entries.withLock { entries in entries.map { "[\($0.section)]\n\($0.key)=\($0.value)" } }
        return lines.isEmpty ? nil : ConfigSource(path: Self.origin, text: lines.joined(separator: "\n") + "\n")
    }

    /// Splits `sound.el_thres` into its section and key.
    static func parse(_ name: String) -> (section: String, key: String)? {
        guard let dot = name.firstIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex else { return nil }
        let section = String(name[..<dot])
        let key = String(name[name.index(after: dot)...])
        let allowed = { (c: Character) in c.isLetter || c.isNumber || c == "_" || c == "-" }
        guard section.allSatisfy(allowed), key.allSatisfy(allowed) else { return nil }
        return (section, key)
    }
}
