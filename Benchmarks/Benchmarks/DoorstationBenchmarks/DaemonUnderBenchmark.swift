import Foundation
import Glibc

/// The release `doorstationd` on the sim board, run as a child process for the daemon-level
/// benchmarks: its configuration and log live in a temporary folder, everything it binds is on
/// 127.0.0.1, and it is always stopped by its pid (SIGTERM, then SIGKILL after a bounded wait).
final class DaemonUnderBenchmark: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let folder: URL
    let process = Process()
    var logPath: String { folder.appendingPathComponent("daemon.log").path }
    var socketPath: String { folder.appendingPathComponent("ctl.sock").path }
    var pid: Int32 { process.processIdentifier }

    /// The repository root: this file is Benchmarks/Benchmarks/DoorstationBenchmarks/….
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `.build/release/doorstationd` of the repository (`$DOORSTATIOND` overrides it). The benchmarks
    /// build nothing themselves: `make bench` builds the release binary first.
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["DOORSTATIOND"] { return URL(fileURLWithPath: path) }
        return repository.appendingPathComponent(".build/release/doorstationd")
    }

    /// Why the daemon benchmarks cannot run (no release binary), or nil.
    static var missingExecutable: String? {
        let path = executable.path
        guard !FileManager.default.isExecutableFile(atPath: path) else { return nil }
        if ProcessInfo.processInfo.environment["DOORSTATIOND"] != nil { return "DOORSTATIOND=\(path) is not an executable" }
        return "no release doorstationd at \(path): build it in the repository root with "
            + "`swift build -c release --static-swift-stdlib` (what `make release` runs), then run the benchmarks again"
    }

    /// Source files changed after the binary was linked: the numbers would be those of older code.
    static var newerSources: [String] {
        let fileManager = FileManager.default
        guard let built = (try? fileManager.attributesOfItem(atPath: executable.path))?[.modificationDate] as? Date,
              let files = fileManager.enumerator(at: repository.appendingPathComponent("Sources"), includingPropertiesForKeys: [.contentModificationDateKey])
        else { return [] }
        var newer: [String] = []
        for case let file as URL in files {
            if let changed = try? file.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate, changed > built {
                newer.append(file.path.replacingOccurrences(of: repository.path + "/", with: ""))
            }
        }
        return newer.sorted()
    }

    /// Writes the configuration (the sim board, `[door] control_socket` in the folder, SIP on
    /// 127.0.0.1 at a free port, no media encryption, `sections` appended) and starts the daemon.
    init(sections: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("doorstation-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("doorstation.conf")
        try """
            [board]
            profile=sim
            [door]
            control_socket=\(socketPath)
            [sip]
            listen_address=127.0.0.1
            sip_port=-1
            sip_tcp_port=0
            media_encryption=none
            \(sections)
            """.write(to: config, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = Self.executable
        process.arguments = ["run", "--config", config.path, "--board-dir", Self.repository.appendingPathComponent("board").path]
        process.environment = Self.daemonEnvironment(ProcessInfo.processInfo.environment)
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit { stop() }

    /// Ours without what does not belong to the daemon: not under systemd (no readiness
    /// notifications, no watchdog, the log on stderr), and without the benchmark plugin's malloc
    /// and Swift runtime interposers, which it puts in LD_PRELOAD for the benchmark process: a
    /// daemon that inherited them would load the toolchain's shared Swift runtime beside its
    /// static one (2–3 MB more RSS) and run every malloc through the interposer.
    static func daemonEnvironment(_ environment: [String: String]) -> [String: String] {
        var environment = environment.filter {
            !$0.key.hasPrefix("NOTIFY_") && !$0.key.hasPrefix("WATCHDOG_") && $0.key != "JOURNAL_STREAM"
        }
        if let preload = environment["LD_PRELOAD"] {
            let kept = preload.split(whereSeparator: { $0 == ":" || $0 == " " }).filter { !$0.contains("Interposer") }
            environment["LD_PRELOAD"] = kept.isEmpty ? nil : kept.joined(separator: ":")
        }
        return environment
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The last `count` lines of the log, for failure messages.
    func logTail(_ count: Int = 20) -> String {
        log.split(separator: "\n").suffix(count).joined(separator: "\n")
    }

    /// Waits until the log contains `text`; throws after `timeout` seconds or when the daemon exits.
    func waitForLog(_ text: String, timeout: Double) throws(Failure) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if log.contains(text) { return }
            guard process.isRunning else {
                throw Failure(description: "doorstationd exited (status \(process.terminationStatus)) before logging \"\(text)\":\n\(logTail())")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw Failure(description: "doorstationd did not log \"\(text)\" within \(timeout) s:\n\(logTail())")
    }

    /// SIGTERM (a graceful stop: calls are hung up), SIGKILL if it is still running after
    /// `timeout` seconds. Returns the exit status, nil when it had to be killed. Idempotent.
    @discardableResult
    func stop(timeout: Double = 10) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        guard !process.isRunning else {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// Removes the folder (configuration, log, socket): after a run that went well.
    func removeFolder() {
        try? FileManager.default.removeItem(at: folder)
    }
}
