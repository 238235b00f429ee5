import Foundation
import TestSupport
import Testing

/// The station's outputs and events as an installer sees them: the event hook program, LED
/// patterns in `ctl status`, and the repeat-press policy.
@Suite struct DaemonStationTests {
    func start(_ extra: String) throws -> (daemon: DaemonProcess, folder: URL, ctl: (String...) throws -> String) {
        let folder = try temporaryFolder()
        let config = folder.appendingPathComponent("doorstation.conf")
        let socket = folder.appendingPathComponent("ctl.sock").path
        try """
            [board]
            profile=sim
            [door]
            control_socket=\(socket)
            [sip]
            sip_tcp_port=0
            listen_address=127.0.0.1
            \(extra)
            """.write(to: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(
            arguments: ["run", "--config", config.path, "--board-dir", DaemonProcess.boardDirectory],
            logPath: folder.appendingPathComponent("daemon.log").path)
        #expect(daemon.waitForLog("control socket ready", timeout: 30), "\(daemon.log)")
        let ctl: (String...) throws -> String = { words in try runDoorstationd(["ctl", "--socket", socket] + words).output }
        return (daemon, folder, ctl)
    }

    @Test func theEventHookGetsTheEventAndItsDetails() throws {
        let folder = try temporaryFolder()
        let hook = folder.appendingPathComponent("hook.sh")
        let out = folder.appendingPathComponent("hook.out")
        try "#!/bin/sh\necho \"$1 relay=$DOORSTATION_RELAY by=$DOORSTATION_BY name=$DOORSTATION_NAME\" >> \(out.path)\n"
            .write(to: hook, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        let station = try start("[sip]\nsip_port=-1\n[door]\nname=Front\nevent_hook=\(hook.path)\n[relay_1]\npulse_ms=100\n")
        _ = try station.ctl("open", "1")
        let seen = eventually(timeout: 10) { (try? String(contentsOf: out, encoding: .utf8))?.contains("door.opened relay=1 by=ctl name=Front") == true }
        #expect(seen, "\((try? String(contentsOf: out, encoding: .utf8)) ?? "no hook output")\n\(station.daemon.log)")
        let lines = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        #expect(!lines.contains("output.changed"), "output changes do not run the hook")
        station.daemon.signal(SIGTERM)
        #expect(station.daemon.waitForExit(timeout: 10) == 0)
    }

    @Test func theCallLEDBlinksWhileTheButtonsCallRingsAndAPressCanHangItUp() throws {
        // The apartment rings for 30 s before it answers: long enough to press again.
        let apartment = try start("[sip]\nsip_port=5391\n[door]\nallowed_callers=sip:127.0.0.1\nanswer_delay=30\n[rtp]\naudio_rtp_port=34000-34099\nvideo_rtp_port=34100-34199\n")
        defer { apartment.daemon.signal(SIGTERM); _ = apartment.daemon.waitForExit(timeout: 10) }
        let station = try start("[sip]\nsip_port=-1\n[button_1]\ntargets=sip:apartment@127.0.0.1:5391\non_repeat=hangup\nring_time=60\n")
        let idle = try station.ctl("status")
        #expect(idle.contains("\"pattern\" : \"on\""), "no account: the status LED is steady on\n\(idle)")
        _ = try station.ctl("press", "1")
        #expect(station.daemon.waitForLog("call.target button=1 leg=1 target=sip:apartment@127.0.0.1:5391", timeout: 5), "\(station.daemon.log)")
        #expect(station.daemon.waitForLog("call.ringing", timeout: 10), "\(station.daemon.log)")
        let ringing = eventually(timeout: 5) { (try? station.ctl("status"))?.contains("\"pattern\" : \"blink\"") == true }
        #expect(ringing, "the call LED blinks while the call rings")
        Thread.sleep(forTimeInterval: 0.3)  // the sim press holds the button for 150 ms, then debounce
        _ = try station.ctl("press", "1")
        #expect(station.daemon.waitForLog("call.press_while_up button=1 on_repeat=hangup", timeout: 5), "\(station.daemon.log)")
        #expect(station.daemon.waitForLog("button.calls_finished button=1 outcome=hung_up", timeout: 10), "\(station.daemon.log)")
        #expect(apartment.daemon.waitForLog("call.ended", timeout: 5), "the apartment saw the CANCEL\n\(apartment.daemon.log)")
        #expect(!apartment.daemon.log.contains("call.answered"))
        station.daemon.signal(SIGTERM)
        #expect(station.daemon.waitForExit(timeout: 10) == 0)
    }
}

/// Polls `condition` every 50 ms until it holds or `timeout` seconds pass.
func eventually(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return false
}
