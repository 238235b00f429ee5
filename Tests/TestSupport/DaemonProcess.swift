import Foundation

/// The built `doorstationd`, run as a child process with its stderr captured to a file.
/// Every wait is bounded and the process is always stopped by its pid.
public final class DaemonProcess: @unchecked Sendable {
    public let process = Process()
    public let logPath: String

    /// `.build/debug/doorstationd` next to the tests, or `$DOORSTATIOND`.
    public static var executable: String {
        if let path = ProcessInfo.processInfo.environment["DOORSTATIOND"] { return path }
        var folder = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { folder.deleteLastPathComponent() }
        return folder.appendingPathComponent(".build/debug/doorstationd").path
    }

    /// The repository's `board/` folder.
    public static var boardDirectory: String {
        var folder = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { folder.deleteLastPathComponent() }
        return folder.appendingPathComponent("board").path
    }

    public init(arguments: [String], environment: [String: String] = [:], logPath: String) throws {
        self.logPath = logPath
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("NOTIFY_") && !$0.key.hasPrefix("WATCHDOG_") && $0.key != "JOURNAL_STREAM" }
        merged.merge(environment) { $1 }
        process.environment = merged
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until the log contains `text`; false after `timeout` seconds or if the process exits.
    public func waitForLog(_ text: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if log.contains(text) { return true }
            if !process.isRunning { return log.contains(text) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the exit; kills the process if it has not exited after `timeout` seconds.
    @discardableResult
    public func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Runs `doorstationd` to completion (bounded) and returns its exit status and output.
public func runDoorstationd(_ arguments: [String], timeout: Double = 30) throws -> (status: Int32?, output: String) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ds-\(UUID().uuidString.prefix(8)).log").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let daemon = try DaemonProcess(arguments: arguments, logPath: path)
    let status = daemon.waitForExit(timeout: timeout)
    return (status, daemon.log)
}

/// A fresh temporary folder for one test.
public func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("doorstation-test-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
