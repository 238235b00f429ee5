import Foundation
import TestSupport
import Testing

/// A `doorstationd` on the sim board with a generated configuration, for tests against real
/// peers. Its log is kept in a temporary folder; it is stopped by pid when the test ends.
final class DoorStationUnderTest: @unchecked Sendable {
    let folder: URL
    let daemon: DaemonProcess
    var socket: String { folder.appendingPathComponent("ctl.sock").path }

    /// `sections` is appended to the configuration: `[sip]`, `[proxy_0]`, `[auth_info_0]`, ….
    /// `board` adds keys to `[board]` (e.g. `sim_audio_source=tone:1000`).
    init(_ sections: String, board: String = "") throws {
        let folder = try temporaryFolder()
        self.folder = folder
        let config = folder.appendingPathComponent("doorstation.conf")
        try """
            [board]
            profile=sim
            \(board)
            [door]
            control_socket=\(folder.appendingPathComponent("ctl.sock").path)
            log_level=debug
            \(sections)
            """.write(to: config, atomically: true, encoding: .utf8)
        daemon = try DaemonProcess(
            arguments: ["run", "--config", config.path, "--board-dir", DaemonProcess.boardDirectory],
            logPath: folder.appendingPathComponent("daemon.log").path)
    }

    var log: String { daemon.log }

    /// Lines of the log that report a registration change, in order.
    var registrationChanges: [String] {
        log.split(separator: "\n").filter { $0.contains("registration.changed") }.map(String.init)
    }

    /// Waits until the latest registration change of `account` reports `state`.
    func waitForRegistration(_ state: String, account: Int = 0, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let mine = registrationChanges.filter { $0.contains("account=\(account) ") }
            if let last = mine.last, last.contains(": \(state)") { return true }
            if !daemon.process.isRunning { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    func status() throws -> String {
        try runDoorstationd(["ctl", "--socket", socket, "status"], timeout: 10).output
    }

    /// The first account's entry of `ctl status` (`state`, `server`, `expires`, `last_error`, …).
    func registration() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(status().utf8)) as? [String: Any]
        let sip = object?["sip"] as? [String: Any]
        return (sip?["registrations"] as? [[String: Any]])?.first ?? [:]
    }

    /// SIGTERM and the exit status (nil when it had to be killed).
    @discardableResult
    func stop(timeout: Double = 15) -> Int32? {
        daemon.signal(SIGTERM)
        return daemon.waitForExit(timeout: timeout)
    }
}
