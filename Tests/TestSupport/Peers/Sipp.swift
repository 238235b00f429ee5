import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One run of sipp (Debian package `sip-tester`) with a scenario file, on 127.0.0.1, traces in its own folder.
///
/// A UAS scenario (`remote` nil) is started in the background and waits for the client under test:
///
///     let sipp = try Sipp(scenario: Sipp.scenario("uas_register_401.xml"), localPort: port)
///     try sipp.start()
///     … let the door station register to 127.0.0.1:port …
///     #expect(sipp.wait(timeout: 30) == 0, "\(sipp.report)")
///
/// Exit status (sipp's): 0 every call succeeded, 1 a call failed, 97/99 stopped without result,
/// 255 fatal error (e.g. the scenario does not load); nil from `wait` = still running after the timeout.
/// A scenario comment line `sipp-args: …` adds those arguments (e.g. `-nr`).
public final class Sipp: @unchecked Sendable {
    public enum Transport: String, Sendable {
        case udp = "u1", tcp = "t1", tls = "l1"
    }

    public let scenario: URL
    public let localPort: UInt16
    public let remote: String?
    public let folder: URL
    public let arguments: [String]
    private var process: PeerProcess?
    private let keepFolder: Bool

    /// Default `-key` values used by the scenarios: the credentials the client under test was given
    /// (`user`, `pass`, checked by `verifyauth`).
    public static let defaultKeys = ["user": "door", "pass": "doorpass"]

    /// - Parameters:
    ///   - scenario: the XML file (see `Sipp.scenario(_:)`).
    ///   - localPort: sipp's own port on 127.0.0.1 (`-i 127.0.0.1 -p`).
    ///   - remote: "127.0.0.1:PORT" for a UAC scenario; nil for a UAS that waits.
    ///   - calls: `-m`; timeout: `-timeout` seconds, with `-timeout_error` (a timeout is a failure).
    ///   - keys: `-key name value`, merged over `defaultKeys`.
    ///   - authUser/authPassword: `-au`/`-ap`, for `[authentication]` in UAC scenarios.
    ///   - extraArguments: anything else (appended last).
    public init(
        scenario: URL, localPort: UInt16, remote: String? = nil, transport: Transport = .udp,
        calls: Int = 1, timeout: Int = 30, keys: [String: String] = [:],
        authUser: String? = nil, authPassword: String? = nil,
        extraArguments: [String] = [], keepFolder: Bool = false
    ) throws {
        guard FileManager.default.fileExists(atPath: scenario.path) else { throw PeerError("no sipp scenario \(scenario.path)") }
        self.scenario = scenario
        self.localPort = localPort
        self.remote = remote
        self.keepFolder = keepFolder
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("sipp-\(scenario.deletingPathExtension().lastPathComponent)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)

        var arguments = [
            "-sf", scenario.path, "-t", transport.rawValue,
            "-i", "127.0.0.1", "-p", String(localPort),
            "-m", String(calls), "-timeout", String(timeout), "-timeout_error", "-nostdin",
            "-trace_msg", "-message_file", folder.appendingPathComponent("messages.log").path,
            "-trace_err", "-error_file", folder.appendingPathComponent("errors.log").path,
            "-trace_logs", "-log_file", folder.appendingPathComponent("actions.log").path,
        ]
        for (name, value) in Self.defaultKeys.merging(keys, uniquingKeysWith: { $1 }).sorted(by: { $0.key < $1.key }) {
            arguments += ["-key", name, value]
        }
        if let authUser { arguments += ["-au", authUser] }
        if let authPassword { arguments += ["-ap", authPassword] }
        arguments += Self.scenarioArguments(scenario)
        arguments += extraArguments
        if let remote { arguments.append(remote) }
        self.arguments = arguments
    }

    /// A scenario file in the Peers folder, e.g. `Sipp.scenario("uas_register_401.xml")`,
    /// `Sipp.scenario("selftest/uac_register_401.xml")`.
    public static func scenario(_ name: String, files: URL = PeerFiles.sourceDirectory) -> URL {
        files.appendingPathComponent("sipp").appendingPathComponent(name)
    }

    /// The arguments a scenario asks for in a `sipp-args: …` comment line.
    public static func scenarioArguments(_ scenario: URL) -> [String] {
        guard let text = try? String(contentsOf: scenario, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").flatMap { line -> [String] in
            guard let range = line.range(of: "sipp-args:") else { return [] }
            return line[range.upperBound...].split(separator: " ").map(String.init)
        }
    }

    /// Starts sipp in the background (a UAS then waits for the client). Throws if sipp exits at once
    /// (e.g. the scenario does not load, the port is taken).
    public func start() throws {
        precondition(process == nil, "sipp already started")
        let child = try PeerProcess(
            "sipp", arguments: arguments, logPath: folder.appendingPathComponent("sipp.out").path,
            workingDirectory: folder.path)
        process = child
        // A UAS loads the scenario and binds its port before anything else; a failure shows within moments.
        if remote == nil, let status = child.waitForExit(timeout: 0.3) {
            throw PeerError("sipp exited at once with \(status):\n\(report)")
        }
    }

    /// Waits (bounded) for sipp's exit status; stops sipp and returns nil if it still runs after `timeout` seconds.
    public func wait(timeout: Double) -> Int32? {
        guard let process else { return nil }
        if let status = process.waitForExit(timeout: timeout) { return status }
        process.stop(timeout: 2)
        return nil
    }

    /// `start()` then `wait(timeout:)`: for UAC scenarios.
    public func run(timeout: Double) throws -> Int32? {
        try start()
        return wait(timeout: timeout)
    }

    /// Stops sipp (SIGTERM, bounded wait, SIGKILL) if it still runs.
    public func stop() { process?.stop(timeout: 3) }

    public var pid: pid_t? { process?.pid }
    /// Every SIP message sent and received (`-trace_msg`).
    public var messageLog: String { read("messages.log") }
    /// Unexpected messages, failed regexp checks, timeouts (`-trace_err`).
    public var errorLog: String { read("errors.log") }
    /// `<log>` actions (`-trace_logs`).
    public var actionLog: String { read("actions.log") }
    /// sipp's stdout/stderr (statistics screens, fatal errors).
    public var output: String { read("sipp.out") }

    /// A summary for test failure messages: the command, the error log and the message log tail.
    public var report: String {
        let messages = messageLog.split(separator: "\n", omittingEmptySubsequences: false).suffix(60).joined(separator: "\n")
        let out = output.split(separator: "\n", omittingEmptySubsequences: false).suffix(15).joined(separator: "\n")
        return "sipp \(arguments.joined(separator: " "))\n--- errors:\n\(errorLog)\n--- output:\n\(out)\n--- messages (tail):\n\(messages)"
    }

    private func read(_ name: String) -> String {
        (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    deinit {
        stop()
        if !keepFolder { try? FileManager.default.removeItem(at: folder) }
    }
}
