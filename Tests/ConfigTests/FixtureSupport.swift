@testable import Config
import Foundation

/// Reads configuration fixtures shipped with the test bundle.
enum Fixtures {
    static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    /// The fixture as a source whose path is just its file name, so messages are stable.
    static func source(_ name: String) -> ConfigSource {
        let text = try! String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        return ConfigSource(path: name, text: text)
    }

    /// The expected diagnostics, one per line, from the source tree (not the bundle) so that
    /// `RECORD_FIXTURES=1 swift test` can rewrite them.
    static func expectedURL(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name.replacingOccurrences(of: ".conf", with: ".expected"))
    }

    static func load(_ names: String...) -> ConfigLoadResult {
        ConfigLoader.load(names.map(source))
    }

    static func text(_ text: String, path: String = "test.conf") -> ConfigLoadResult {
        ConfigLoader.load([ConfigSource(path: path, text: text)])
    }
}
