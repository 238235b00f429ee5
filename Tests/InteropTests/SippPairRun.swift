import Foundation
import TestSupport

/// A sipp UAS scenario and a sipp UAC scenario run against each other on free loopback ports: how each
/// scenario is proven before the door station meets it (every scenario in Peers/sipp has a counterpart
/// in Peers/sipp/selftest that behaves as the door station should).
struct SippPairRun {
    let uas: Sipp
    let uac: Sipp
    /// sipp's exit statuses (0 = the call succeeded, 1 = it failed); nil = still running after the wait.
    let uasStatus: Int32?
    let uacStatus: Int32?

    /// Both sides' commands, error logs and message traces, for failure messages.
    var report: String { "UAS:\n\(uas.report)\nUAC:\n\(uac.report)" }

    /// Starts the UAS scenario `uas` on a free port, runs the UAC scenario `uac` against it and waits for
    /// both to exit. `timeout` is sipp's `-timeout` for both (a scenario's `sipp-args:` line may raise
    /// it); each wait is bounded by `timeout` + 10 s.
    init(
        uas uasScenario: String, uac uacScenario: String,
        uasKeys: [String: String] = [:], uacKeys: [String: String] = [:],
        authUser: String? = nil, authPassword: String? = nil, timeout: Int = 15
    ) throws {
        let port = try freeLoopbackPort()
        uas = try Sipp(scenario: scenario(uasScenario), localPort: port, timeout: timeout, keys: uasKeys)
        try uas.start()
        uac = try Sipp(
            scenario: scenario(uacScenario), localPort: try freeLoopbackPort(), remote: "127.0.0.1:\(port)",
            timeout: timeout, keys: uacKeys, authUser: authUser, authPassword: authPassword)
        uacStatus = try uac.run(timeout: Double(timeout + 10))
        uasStatus = uas.wait(timeout: Double(timeout + 10))
    }
}
