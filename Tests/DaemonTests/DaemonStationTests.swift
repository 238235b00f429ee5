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

    /// `[relay_N] hold=1`: the apartment holds the code's key for 1.5 s (RFC 4733), the opener stays
    /// energised that long although its pulse is 300 ms; a short key gives the plain pulse.
    @Test func aHeldKeyHoldsTheDoorOpen() throws {
        let apartment = try start("[sip]\nsip_port=5393\n[door]\nallowed_callers=sip:127.0.0.1\n[rtp]\naudio_rtp_port=34200-34299\nvideo_rtp_port=34300-34399\n")
        defer { apartment.daemon.signal(SIGTERM); _ = apartment.daemon.waitForExit(timeout: 10) }
        let station = try start("[sip]\nsip_port=-1\n[button_1]\ntargets=sip:apartment@127.0.0.1:5393\n[relay_1]\ndtmf_code=7\npulse_ms=300\nhold=1\n[door]\nlog_level=debug\n")
        _ = try station.ctl("press", "1")
        #expect(apartment.daemon.waitForLog("call.answered", timeout: 10), "\(apartment.daemon.log)")
        let status = try JSONSerialization.jsonObject(with: Data(apartment.ctl("status").utf8)) as? [String: Any]
        let calls = (status?["sip"] as? [String: Any])?["calls"] as? [[String: Any]]
        let callID = try #require(calls?.first?["call_id"] as? String)
        _ = try apartment.ctl("dtmf", callID, "7", "1500")
        #expect(station.daemon.waitForLog("output.changed output=relay_1 state=off", timeout: 10), "\(station.daemon.log)")
        let held = try #require(Self.relayOnMilliseconds(station.daemon.log))
        #expect((1300...2500).contains(held), "the relay was on for \(held) ms")
        #expect(station.daemon.log.contains("call.dtmf_released digit=hidden held_ms=1500"))
        _ = try apartment.ctl("dtmf", callID, "7", "100")
        #expect(eventually(timeout: 10) { station.daemon.log.components(separatedBy: "output=relay_1 state=off").count == 3 }, "\(station.daemon.log)")
        let short = try #require(Self.relayOnMilliseconds(station.daemon.log, occurrence: 1))
        #expect((250...700).contains(short), "a short key gives the pulse: \(short) ms")
        station.daemon.signal(SIGTERM)
        #expect(station.daemon.waitForExit(timeout: 10) == 0)
    }

    /// Milliseconds between the relay's `occurrence`-th on and the following off, from the log's timestamps.
    static func relayOnMilliseconds(_ log: String, occurrence: Int = 0) -> Int? {
        func time(_ line: Substring) -> Double? {
            guard let t = line.split(separator: " ").first?.split(separator: "T").last?.dropLast() else { return nil }
            let parts = t.split(separator: ":").compactMap { Double($0) }
            return parts.count == 3 ? (parts[0] * 3600 + parts[1] * 60 + parts[2]) * 1000 : nil
        }
        let lines = log.split(separator: "\n")
        let ons = lines.filter { $0.contains("output=relay_1 state=on") }.compactMap(time)
        let offs = lines.filter { $0.contains("output=relay_1 state=off") }.compactMap(time)
        guard ons.count > occurrence, offs.count > occurrence else { return nil }
        return Int((offs[occurrence] - ons[occurrence]).rounded())
    }
}
