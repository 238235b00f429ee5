import Foundation
import TestSupport
import Testing

/// `doorstationd run` on the sim board: readiness and watchdog, button presses through the
/// control socket and by script, relay pulses, SIGHUP reload, and a clean SIGTERM.
@Suite struct DaemonRunTests {
    struct Running {
        let daemon: DaemonProcess
        let folder: URL
        let config: URL
        var socket: String { folder.appendingPathComponent("ctl.sock").path }

        func ctl(_ words: String...) throws -> (status: Int32?, output: String) {
            try runDoorstationd(["ctl", "--socket", socket] + words)
        }
    }

    func start(_ extra: String = "", environment: [String: String] = [:]) throws -> Running {
        let folder = try temporaryFolder()
        let config = folder.appendingPathComponent("doorstation.conf")
        try """
            [board]
            profile=sim
            [door]
            control_socket=\(folder.appendingPathComponent("ctl.sock").path)
            [button_1]
            label=Apartment 1
            targets=sip:apartment1@127.0.0.1
            [sound]
            el_thres=0.1
            \(extra)
            """.write(to: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(
            arguments: ["run", "--config", config.path, "--board-dir", DaemonProcess.boardDirectory],
            environment: environment, logPath: folder.appendingPathComponent("daemon.log").path)
        let running = Running(daemon: daemon, folder: folder, config: config)
        #expect(daemon.waitForLog("control socket ready", timeout: 30), "\(daemon.log)")
        return running
    }

    @Test func notifiesReadyFeedsTheWatchdogAndSaysStopping() throws {
        let sink = try DatagramSink()
        let running = try start(environment: ["NOTIFY_SOCKET": sink.path, "WATCHDOG_USEC": "400000"])
        let first = sink.receive(until: "READY=1", timeout: 10)
        #expect(first.last?.hasPrefix("READY=1") == true, "\(first)")
        let watchdog = sink.receive(until: "WATCHDOG=1", timeout: 5)
        #expect(watchdog.last == "WATCHDOG=1", "\(watchdog)")
        running.daemon.signal(SIGTERM)
        let stopping = sink.receive(until: "STOPPING=1", timeout: 10)
        #expect(stopping.last == "STOPPING=1", "\(stopping)")
        #expect(running.daemon.waitForExit(timeout: 10) == 0)
    }

    @Test func pressThroughTheControlSocketReachesTheLogAndStatus() throws {
        let running = try start()
        let (status, output) = try running.ctl("press", "1")
        #expect(status == 0, "\(output)")
        #expect(running.daemon.waitForLog("button.pressed button=1 label=\"Apartment 1\" targets=sip:apartment1@127.0.0.1", timeout: 5), "\(running.daemon.log)")
        let (_, statusOutput) = try running.ctl("status")
        #expect(statusOutput.contains("\"event\" : \"button.pressed\""))
        #expect(statusOutput.contains("\"board\" : \"sim\""))
        running.daemon.signal(SIGTERM)
        #expect(running.daemon.waitForExit(timeout: 10) == 0)
    }

    @Test func badRequestsAreRefusedWithAReason() throws {
        let running = try start()
        let unknown = try running.ctl("press", "9")
        #expect(unknown.status == 1)
        #expect(unknown.output.contains("there is no [button_9]"))
        let garbage = try running.ctl("frobnicate")
        #expect(garbage.status == 1)
        #expect(garbage.output.contains("unknown request \"frobnicate\""))
        running.daemon.signal(SIGTERM)
        #expect(running.daemon.waitForExit(timeout: 10) == 0)
    }

    @Test func scriptedPressAndRelayPulse() throws {
        let running = try start("[relay_1]\npulse_ms=300\n[board]\nsim_presses=1@0.2\n")
        #expect(running.daemon.waitForLog("scripted press", timeout: 10))
        #expect(running.daemon.waitForLog("button.pressed", timeout: 5))
        #expect(try running.ctl("open", "1").status == 0)
        #expect(running.daemon.waitForLog("output.changed output=relay_1 state=on", timeout: 5))
        #expect(running.daemon.waitForLog("output.changed output=relay_1 state=off", timeout: 5), "the pulse ends by itself")
        #expect(running.daemon.log.contains("door.opened by=ctl label=\"Door opener\" pulse_ms=300 relay=1"))
        running.daemon.signal(SIGTERM)
        #expect(running.daemon.waitForExit(timeout: 10) == 0)
    }

    @Test func sighupAppliesTuningAndReportsWhatNeedsARestart() throws {
        let running = try start()
        var text = try String(contentsOf: running.config, encoding: .utf8)
        text = text.replacingOccurrences(of: "el_thres=0.1", with: "el_thres=0.05\necho_limiter_typo=1\n[sip]\nsip_port=5070")
        try text.write(to: running.config, atomically: true, encoding: .utf8)
        running.daemon.signal(SIGHUP)
        #expect(running.daemon.waitForLog("applied: [sound] el_thres: 0.1 → 0.05", timeout: 10), "\(running.daemon.log)")
        #expect(running.daemon.waitForLog("needs a restart: [sip] sip_port: -1 → 5070", timeout: 5))
        #expect(running.daemon.log.contains("warning: [sound] echo_limiter_typo: unknown key"))

        // A broken file is refused and the running settings stay.
        try text.replacingOccurrences(of: "el_thres=0.05", with: "el_thres=abc").write(to: running.config, atomically: true, encoding: .utf8)
        let reload = try running.ctl("reload")
        #expect(reload.status == 1)
        #expect(reload.output.contains("el_thres: expected a number in 0.0…1.0, got \\\"abc\\\"") || reload.output.contains("got \"abc\""), "\(reload.output)")
        #expect(running.daemon.waitForLog("reload refused: 1 problem(s); keeping the running configuration", timeout: 5))
        running.daemon.signal(SIGTERM)
        #expect(running.daemon.waitForExit(timeout: 10) == 0)
    }

    @Test func invalidConfigurationRefusesToStart() throws {
        let folder = try temporaryFolder()
        let config = folder.appendingPathComponent("bad.conf")
        try "[board]\nprofile=sim\n[sound]\nagc=true\nng_thres=-1\n".write(to: config, atomically: true, encoding: .utf8)
        let (status, output) = try runDoorstationd(["run", "--config", config.path, "--board-dir", DaemonProcess.boardDirectory])
        #expect(status == 1)
        #expect(output.contains("\(config.path):4: [sound] agc: expected 0 or 1, got \"true\""))
        #expect(output.contains("refusing to start: 2 configuration problem(s)"))
    }

    @Test func missingGPIOChipRefusesToStartNamingChipAndLine() throws {
        let folder = try temporaryFolder()
        let config = folder.appendingPathComponent("pi.conf")
        try """
            [board]
            profile=rpi4
            [door]
            control_socket=\(folder.appendingPathComponent("ctl.sock").path)
            [button_1]
            targets=sip:a@b
            """.write(to: config, atomically: true, encoding: .utf8)
        let (status, output) = try runDoorstationd(["run", "--config", config.path, "--board-dir", DaemonProcess.boardDirectory])
        #expect(status == 1)
        #expect(output.contains("pinctrl-bcm2711 line 17: opening GPIO chip failed"), "\(output)")
        #expect(output.contains("pinctrl-bcm2711 line 23: opening GPIO chip failed"), "every faulty line is named")
        #expect(output.contains("refusing to start: 5 device problem(s)"))
    }
}
