import Foundation
import TestSupport
import Testing

/// `ctl set SECTION.KEY VALUE`: live tuning checked like the file, kept across SIGHUP, refused
/// with the configuration's own message.
@Suite struct DaemonTuningTests {
    @Test func ctlSetAppliesLiveAndRefusesBadValues() throws {
        let folder = try temporaryFolder()
        let socket = folder.appendingPathComponent("ctl.sock").path
        let config = folder.appendingPathComponent("doorstation.conf")
        try "[board]\nprofile=sim\n[door]\ncontrol_socket=\(socket)\n[sound]\nel_thres=0.1\n".write(to: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(arguments: ["run", "--config", config.path, "--board-dir", DaemonProcess.boardDirectory],
                                       logPath: folder.appendingPathComponent("daemon.log").path)
        #expect(daemon.waitForLog("control socket ready", timeout: 30), "\(daemon.log)")
        func ctl(_ words: String...) throws -> (status: Int32?, output: String) { try runDoorstationd(["ctl", "--socket", socket] + words) }

        let set = try ctl("set", "sound.el_thres", "0.05")
        #expect(set.status == 0, "\(set.output)")
        #expect(set.output.contains("[sound] el_thres: 0.1 → 0.05"), "\(set.output)")
        #expect(daemon.waitForLog("applied: [sound] el_thres: 0.1 → 0.05", timeout: 10), "\(daemon.log)")

        let bad = try ctl("set", "sound.el_thres", "7")
        #expect(bad.status == 1)
        #expect(bad.output.contains("ctl set:2: [sound] el_thres: expected a number in 0.0…1.0, got 7"), "\(bad.output)")
        let unknown = try ctl("set", "sound.el_thresh", "0.2")
        #expect(unknown.status == 1)
        #expect(unknown.output.contains("unknown key, ignored; did you mean el_thres?"), "\(unknown.output)")
        let malformed = try ctl("set", "el_thres", "0.2")
        #expect(malformed.status == 1)
        #expect(malformed.output.contains("set needs SECTION.KEY VALUE"), "\(malformed.output)")

        // The accepted value survives a reload of the (unchanged) file; the refused ones left no trace.
        let reload = try ctl("reload")
        #expect(reload.status == 0, "\(reload.output)")
        #expect(daemon.waitForLog("configuration unchanged", timeout: 10), "\(daemon.log)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 10) == 0)
    }
}
