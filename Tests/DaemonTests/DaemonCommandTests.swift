import Foundation
import TestSupport
import Testing

/// `doorstationd check-config`, `--version` and the shipped files, through the built binary.
@Suite struct DaemonCommandTests {
    let board = ["--board-dir", DaemonProcess.boardDirectory]

    func write(_ text: String, to name: String = "doorstation.conf") throws -> String {
        let url = try temporaryFolder().appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func versionIsPrinted() throws {
        let (status, output) = try runDoorstationd(["--version"])
        #expect(status == 0)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }

    @Test func checkConfigPrintsEffectiveSettingsWithOriginsAndMasksSecrets() throws {
        let file = try write("""
            [board]
            profile=sim
            [auth_info_0]
            username=door
            passwd=NeverPrintMe
            [sound]
            el_thres=0.05
            """)
        let (status, output) = try runDoorstationd(["check-config", file] + board)
        #expect(status == 0, "\(output)")
        #expect(output.contains("# \(file):7\nel_thres=0.05"))
        #expect(output.contains("sim.conf:"), "values from the board profile name it")
        #expect(output.contains("passwd=********"))
        #expect(!output.contains("NeverPrintMe"))
    }

    @Test func checkConfigListsEveryProblemAndFails() throws {
        let file = try write("""
            [board]
            profile=sim
            [button_1]
            targets=sip:apartment@pbx.example.org
            [sound]
            el_thres=abc
            ng_thres=2
            el_thrs=0.1
            """)
        let (status, output) = try runDoorstationd(["check-config", file] + board)
        #expect(status == 1)
        #expect(output.contains("\(file):6: [sound] el_thres: expected a number in 0.0…1.0, got \"abc\""))
        #expect(output.contains("\(file):7: [sound] ng_thres: expected a number in 0.0…1.0, got 2"))
        #expect(output.contains("\(file):8: warning: [sound] el_thrs: unknown key, ignored; did you mean el_thres?"))
        #expect(output.contains("2 error(s), 1 warning(s)"))
    }

    @Test func unknownBoardProfileIsNamed() throws {
        let file = try write("[board]\nprofile=nope\n")
        let (status, output) = try runDoorstationd(["check-config", file] + board)
        #expect(status == 1)
        #expect(output.contains("board profile \"nope\" not found"))
        #expect(output.contains("known profiles: qemu-sim, rpi-zero2w, rpi4, rpi5, sim"))
    }

    @Test func missingFileIsNamed() throws {
        let (status, output) = try runDoorstationd(["check-config", "/nonexistent/doorstation.conf"])
        #expect(status == 1)
        #expect(output.contains("/nonexistent/doorstation.conf: cannot read"))
    }

    /// Every shipped board profile, and the example configuration, check without errors or warnings.
    @Test(arguments: ["sim", "rpi4", "rpi5", "rpi-zero2w", "qemu-sim"])
    func shippedProfilesAreClean(_ profile: String) throws {
        let file = try write("[button_1]\ntargets=sip:apartment@pbx.example.org\n")
        let (status, output) = try runDoorstationd(["check-config", file, "--board", profile] + board)
        #expect(status == 0, "\(output)")
        #expect(!output.contains("warning"), "\(output)")
    }

    @Test func exampleConfigurationIsClean() throws {
        var repository = URL(fileURLWithPath: DaemonProcess.boardDirectory)
        repository.deleteLastPathComponent()
        let example = repository.appendingPathComponent("config/doorstation.conf").path
        let (status, output) = try runDoorstationd(["check-config", example] + board)
        #expect(status == 0, "\(output)")
        #expect(!output.contains("warning"), "\(output)")
        #expect(!output.contains("change-me") && !output.contains("1234#"))
    }

    @Test func systemdUnitVerifies() throws {
        let analyzer = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyzer) else { return }  // where systemd is installed
        var repository = URL(fileURLWithPath: DaemonProcess.boardDirectory)
        repository.deleteLastPathComponent()
        let unit = try String(contentsOf: repository.appendingPathComponent("systemd/doorstationd.service"), encoding: .utf8)
        // As `make install` does: ExecStart points at the installed binary; here, the built one.
        let path = try write(unit.replacingOccurrences(of: "/usr/bin/doorstationd", with: DaemonProcess.executable), to: "doorstationd.service")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: analyzer)
        process.arguments = ["verify", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.isEmpty, "systemd-analyze verify is silent for a clean unit: \(output)")
    }
}
