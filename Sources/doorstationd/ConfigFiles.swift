import Config
import Foundation

/// Finds and reads the configuration: the board profile, then the user's file.
struct ConfigFiles {
    /// The user's configuration file.
    var userFile: String
    /// `--board`: a profile name or a path to a `.conf` file; overrides `[board] profile`.
    var board: String?
    /// Folders searched for `NAME.conf`, first match wins.
    var boardDirectories: [String]
    /// `ctl set` values, read after the files.
    var overrides: ConfigOverrides?

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(userFile: String, board: String?, boardDirectory: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.userFile = userFile
        self.board = board
        var directories: [String] = []
        if let boardDirectory { directories.append(boardDirectory) }
        if let fromEnvironment = environment["DOORSTATION_BOARD_DIR"] { directories.append(fromEnvironment) }
        directories += ["/etc/doorstation/board", "/usr/share/doorstation/board"]
        // Next to the binary of a source build: .build/debug/doorstationd → ./board.
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            directories.append(folder.appendingPathComponent("board").path)
            directories.append(folder.appendingPathComponent("share/doorstation/board").path)
            folder = folder.deletingLastPathComponent()
        }
        boardDirectories = directories
    }

    /// Reads the files and parses them into settings. Fails only when a file cannot be read;
    /// configuration problems are in the result's diagnostics.
    func load() throws(Failure) -> ConfigLoadResult {
        let user = try read(userFile)
        let extra = overrides?.source.map { [$0] } ?? []
        let profile = board ?? Self.profileName(in: user)
        guard let profile else {
            return ConfigLoader.load([user] + extra)
        }
        let boardPath = try boardPath(for: profile)
        return ConfigLoader.load([try read(boardPath), user] + extra)
    }

    /// The `[board] profile` a user file names, read leniently: problems with it are reported by the full load.
    static func profileName(in source: ConfigSource) -> String? {
        let (file, _) = ConfigFileParser().parse(source.text, path: source.path)
        return file["board"]?["profile"].map { String($0.raw.split(separator: " ").first ?? "") }
    }

    func boardPath(for profile: String) throws(Failure) -> String {
        if profile.contains("/") || profile.hasSuffix(".conf") {
            return profile
        }
        for directory in boardDirectories {
            let candidate = "\(directory)/\(profile).conf"
            if FileManager.default.isReadableFile(atPath: candidate) { return candidate }
        }
        let known = Set(boardDirectories.flatMap { directory in
            ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
                .filter { $0.hasSuffix(".conf") }.map { String($0.dropLast(5)) }
        }).sorted()
        let list = known.isEmpty ? "no profiles found" : "known profiles: \(known.joined(separator: ", "))"
        throw Failure(description: "board profile \"\(profile)\" not found in \(boardDirectories.prefix(3).joined(separator: ", "))…; \(list)")
    }

    func read(_ path: String) throws(Failure) -> ConfigSource {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let text = String(data: data, encoding: .utf8) else {
                throw Failure(description: "\(path): not UTF-8 text")
            }
            return ConfigSource(path: path, text: text)
        } catch let failure as Failure {
            throw failure
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
            throw Failure(description: "\(path): cannot read: \(reason)")
        }
    }
}
