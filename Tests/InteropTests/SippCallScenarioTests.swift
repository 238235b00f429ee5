import Foundation
import TestSupport
import Testing

/// The call scenarios the door station's call engine is tested against (Peers/sipp/uas_call_*.xml: the
/// door calls sipp, the apartment; uac_call_*.xml: sipp calls the door), each run against its self-test
/// counterpart in Peers/sipp/selftest, which behaves as the door station should. A few pairs run with a
/// self-test that misbehaves on purpose (chosen by a key) to prove that the scenario's checks fail the call.
@Suite(.enabled(if: LoopbackNamespace.isIsolated, "needs a loopback-only network namespace (make test runs one)"))
struct SippCallScenarioTests {
    struct Pair: CustomTestStringConvertible, Sendable {
        /// The scenario under test: a UAS scenario if its name starts with "uas_", else a UAC scenario.
        let scenario: String
        /// `-key` values, given to both sides (each side ignores the ones it does not use).
        var keys: [String: String] = [:]
        /// sipp's `-timeout` for both sides; the session-timer scenario takes about 50 s.
        var seconds = 15
        /// nil: both sides must succeed. Otherwise the scenario under test must fail (exit status 1) and
        /// say this in its error log.
        var failsOn: String? = nil

        var isServer: Bool { scenario.hasPrefix("uas_") }
        /// selftest/uac_<name> for uas_<name>, selftest/uas_<name> for uac_<name>.
        var selfTest: String { "selftest/\(isServer ? "uac" : "uas")\(scenario.dropFirst(3))" }
        var testDescription: String {
            let keyList = keys.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "\(scenario) ↔ \(selfTest)\(keyList.isEmpty ? "" : " [\(keyList)]")\(failsOn == nil ? "" : " → fails")"
        }
    }

    static let pairs: [Pair] = [
        Pair(scenario: "uas_call_answer.xml"),
        Pair(scenario: "uas_call_ring_answer.xml"),
        Pair(scenario: "uas_call_100rel.xml", keys: ["rack_cseq": "1"]),
        Pair(scenario: "uas_call_100rel.xml", keys: ["rack_cseq": "2"], failsOn: "RAck must be"),
        Pair(scenario: "uas_call_100rel_prack_405.xml", keys: ["rack_cseq": "1"]),
        Pair(scenario: "uas_call_busy.xml"),
        Pair(scenario: "uas_call_cancel_race.xml"),
        Pair(scenario: "uas_call_reinvite_hold.xml", keys: ["hold_dir": "recvonly"]),
        Pair(scenario: "uas_call_reinvite_hold.xml", keys: ["hold_dir": "sendrecv"], failsOn: "a=recvonly"),
        Pair(scenario: "uas_call_info_dtmf.xml", keys: ["digit": "5"]),
        Pair(scenario: "uas_call_info_dtmf.xml", keys: ["digit": "7"], failsOn: "Signal"),
        Pair(scenario: "uas_call_session_timer.xml", keys: ["refresh": "INVITE", "refresh_after": "45000"], seconds: 90),
        Pair(scenario: "uas_call_session_timer.xml", keys: ["refresh": "UPDATE", "refresh_after": "45000"], seconds: 90),
        Pair(
            scenario: "uas_call_session_timer.xml", keys: ["refresh": "UPDATE", "refresh_after": "10000"], seconds: 90,
            failsOn: "less than 30 s"),
        Pair(scenario: "uac_call_door.xml", keys: ["caller": "apartment"]),
        Pair(scenario: "uac_call_rejected.xml", keys: ["caller": "stranger"]),
        Pair(scenario: "uac_call_bad_sdp.xml", keys: ["caller": "apartment", "warn_code": "399"]),
        Pair(scenario: "uac_call_bad_sdp.xml", keys: ["caller": "apartment", "warn_code": "370"], failsOn: "399"),
        Pair(scenario: "uac_call_100rel.xml", keys: ["caller": "apartment", "prov": "180"]),
        Pair(scenario: "uac_call_100rel.xml", keys: ["caller": "apartment", "prov": "183"]),
    ]

    @Test(arguments: pairs)
    func scenarioAgainstItsSelfTest(_ pair: Pair) throws {
        let run = try SippPairRun(
            uas: pair.isServer ? pair.scenario : pair.selfTest, uac: pair.isServer ? pair.selfTest : pair.scenario,
            uasKeys: pair.keys, uacKeys: pair.keys, timeout: pair.seconds)
        let (underTest, selfTest) = pair.isServer ? (run.uas, run.uac) : (run.uac, run.uas)
        let (status, selfTestStatus) = pair.isServer ? (run.uasStatus, run.uacStatus) : (run.uacStatus, run.uasStatus)
        if let reason = pair.failsOn {
            #expect(status == 1, "\(run.report)")
            #expect(underTest.errorLog.contains(reason), "the failure is the intended one: \(underTest.errorLog)")
        } else {
            #expect(status == 0, "\(run.report)")
            #expect(selfTestStatus == 0, "self-test side: \(selfTest.report)")
        }
    }
}
