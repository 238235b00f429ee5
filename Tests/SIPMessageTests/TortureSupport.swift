import Foundation

/// The RFC 4475 / RFC 5118 torture corpora in the workspace's shared test data (never copied
/// into this repository). Tests that need them are skipped when the folder is absent.
enum TortureCorpus {
    static var root: URL {
        var folder = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { folder.deleteLastPathComponent() }
        return folder.appendingPathComponent("../shared/testdata/sip-torture").standardizedFileURL
    }

    static var isPresent: Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent("rfc4475/archive/wsinv.dat").path) }

    static func rfc4475(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent("rfc4475/archive/\(name)")))
    }

    /// RFC 5118 messages with CRLF line ends, as they travel.
    static func rfc5118(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent("rfc5118/wire/\(name)")))
    }
}

/// This suite's own fixture messages (`Fixtures/*.sip`).
enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!
        return [UInt8](try Data(contentsOf: url))
    }

    static var names: [String] {
        let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".sip") }.sorted()
    }
}
