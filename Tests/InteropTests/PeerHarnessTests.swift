import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The Peers folder as shipped with this test target.
let peerFiles = Bundle.module.url(forResource: "Peers", withExtension: nil) ?? PeerFiles.sourceDirectory

func scenario(_ name: String) -> URL { Sipp.scenario(name, files: peerFiles) }

/// Tests of the harness itself (Kamailio, sipp, the namespace guard). They start real peers, so they
/// run only inside a network namespace whose only interface is lo (`make test` sets one up).
@Suite(.enabled(if: LoopbackNamespace.isIsolated, "needs a loopback-only network namespace: unshare -n sh -c 'ip link set lo up && swift test --skip-build'"), .serialized)
struct PeerHarnessTests {

    @Test func namespaceHasOnlyLoopbackAndCannotReachOut() throws {
        #expect(LoopbackNamespace.interfaces == ["lo"])
        let socket = try LoopbackUDPSocket()
        // TEST-NET-1: must be unreachable in the namespace, whatever the host's routes are.
        #expect(throws: (any Error).self) { try socket.send("x", to: 5060, host: "192.0.2.1") }
    }

    @Test func freePortsAreDistinct() throws {
        let ports = try (0..<20).map { _ in try freeLoopbackPort() }
        #expect(Set(ports).count == ports.count)
    }

    @Test func kamailioAnswersOptionsAndStartsWithoutBindings() throws {
        let port = try freeLoopbackPort()
        let kamailio = try Kamailio(listen: ["udp:127.0.0.1:\(port)", "tcp:127.0.0.1:\(port)"], files: peerFiles)
        defer { kamailio.stop() }
        let reply = try LoopbackUDPSocket().options(to: port)
        #expect(reply?.hasPrefix("SIP/2.0 200 ") == true, "OPTIONS reply: \(reply ?? "none")\n\(kamailio.logTail())")
        #expect(try kamailio.registeredContacts(aor: "door") == [])
        #expect(try kamailio.bindings().isEmpty)
    }

    @Test func kamailioChallengesABogusAuthorization() throws {
        let port = try freeLoopbackPort()
        let kamailio = try Kamailio(listen: ["udp:127.0.0.1:\(port)"], files: peerFiles)
        defer { kamailio.stop() }
        let sipp = try Sipp(
            scenario: scenario("selftest/uac_register_bogus_auth.xml"), localPort: try freeLoopbackPort(),
            remote: "127.0.0.1:\(port)", timeout: 10)
        defer { sipp.stop() }
        #expect(try sipp.run(timeout: 20) == 0, "\(sipp.report)\n\(kamailio.logTail())")
        #expect(sipp.messageLog.contains("SIP/2.0 401 Unauthorized"))
        #expect(try kamailio.registeredContacts(aor: "sip:door@127.0.0.1") == [])
    }

    @Test func kamailioRegistersADigestClientAndForgetsItOnRestart() throws {
        let port = try freeLoopbackPort()
        let kamailio = try Kamailio(listen: ["udp:127.0.0.1:\(port)", "tcp:127.0.0.1:\(port)"], files: peerFiles)
        defer { kamailio.stop() }
        let clientPort = try freeLoopbackPort()
        // sipp computes the MD5 digest itself from -au/-ap.
        let sipp = try Sipp(
            scenario: scenario("selftest/uac_register_401.xml"), localPort: clientPort,
            remote: "127.0.0.1:\(port)", timeout: 10, authUser: "door", authPassword: "doorpass")
        defer { sipp.stop() }
        #expect(try sipp.run(timeout: 20) == 0, "\(sipp.report)\n\(kamailio.logTail())")
        let contacts = kamailio.waitForContacts(aor: "sip:door@127.0.0.1", timeout: 5)
        let dump = try kamailio.kamcmd(["ul.dump"])
        #expect(contacts == ["sip:door@127.0.0.1:\(clientPort);transport=UDP"], "\(dump)")
        #expect(try kamailio.registeredContacts(aor: "1001") == [])

        let before = kamailio.pid
        try kamailio.restart()
        #expect(kamailio.pid != nil && kamailio.pid != before)
        #expect(try kamailio.registeredContacts(aor: "door") == [])
        #expect(try LoopbackUDPSocket().options(to: port)?.hasPrefix("SIP/2.0 200 ") == true)
    }

    @Test func kamailioWrongPasswordIsRejected() throws {
        let port = try freeLoopbackPort()
        let kamailio = try Kamailio(listen: ["udp:127.0.0.1:\(port)"], files: peerFiles)
        defer { kamailio.stop() }
        let sipp = try Sipp(
            scenario: scenario("selftest/uac_register_401.xml"), localPort: try freeLoopbackPort(),
            remote: "127.0.0.1:\(port)", timeout: 5, authUser: "door", authPassword: "wrong")
        defer { sipp.stop() }
        #expect(try sipp.run(timeout: 20) == 1, "\(sipp.report)")
        #expect(try kamailio.registeredContacts(aor: "door") == [])
    }

    @Test func kamailioStopLeavesNoProcess() throws {
        let port = try freeLoopbackPort()
        let kamailio = try Kamailio(listen: ["udp:127.0.0.1:\(port)"], files: peerFiles)
        let running = kamailio.processes
        #expect(running.count > 1, "main process and its children")
        kamailio.stop()
        #expect(kamailio.processes == [])
        #expect(kamailio.pid == nil)
        for pid in running { #expect(kill(pid, 0) != 0, "pid \(pid) survived") }
        #expect(try LoopbackUDPSocket().options(to: port, timeout: 0.5) == nil)
    }

    @Test func kamailioWithTLSHandsOutItsTestCertificate() throws {
        let port = try freeLoopbackPort()
        let tlsPort = try freeLoopbackPort()
        let kamailio = try Kamailio(
            listen: ["udp:127.0.0.1:\(port)", "tcp:127.0.0.1:\(port)", "tls:127.0.0.1:\(tlsPort)"], tls: true, files: peerFiles)
        defer { kamailio.stop() }
        let result = try PeerProcess.run(
            "openssl", ["s_client", "-connect", "127.0.0.1:\(tlsPort)", "-CAfile", kamailio.caCertificatePath, "-verify_return_error"],
            timeout: 10)
        #expect(result.output.contains("Verify return code: 0 (ok)"), "\(result.output)\n\(kamailio.logTail())")
    }

    @Test func kamailioStartFailureIsReported() throws {
        let port = try freeLoopbackPort()
        let blocker = try LoopbackUDPSocket(port: port)   // the port is taken
        _ = withExtendedLifetime(blocker) {
            #expect(throws: PeerError.self) {
                _ = try Kamailio(listen: ["udp:127.0.0.1:\(port)"], files: peerFiles, startTimeout: 10)
            }
        }
    }

    // MARK: - sipp scenarios, each run against its self-test client

    struct Pair: CustomTestStringConvertible, Sendable {
        let uas: String
        let uac: String
        var keys: [String: String] = [:]
        var password = "doorpass"
        let expected: Int32
        var testDescription: String { "\(uas) ← \(uac)\(keys.isEmpty ? "" : " \(keys)")\(password == "doorpass" ? "" : " pass=\(password)") → \(expected)" }
    }

    static let pairs: [Pair] = [
        Pair(uas: "uas_register_401.xml", uac: "selftest/uac_register_401.xml", expected: 0),
        Pair(uas: "uas_register_401.xml", uac: "selftest/uac_register_401.xml", password: "wrong", expected: 1),
        Pair(uas: "uas_register_407.xml", uac: "selftest/uac_register_407.xml", expected: 0),
        Pair(uas: "uas_register_sha256.xml", uac: "selftest/uac_register_sha256.xml", keys: ["alg": "SHA-256"], expected: 0),
        Pair(uas: "uas_register_sha256.xml", uac: "selftest/uac_register_sha256.xml", keys: ["alg": "MD5"], expected: 1),
        Pair(uas: "uas_register_stale.xml", uac: "selftest/uac_register_stale.xml", expected: 0),
        Pair(uas: "uas_register_stale.xml", uac: "selftest/uac_register_stale.xml", password: "wrong", expected: 1),
        Pair(uas: "uas_malformed_response.xml", uac: "selftest/uac_malformed_response.xml", expected: 0),
        Pair(uas: "uas_register_423.xml", uac: "selftest/uac_register_423.xml", keys: ["exp": "300"], expected: 0),
        Pair(uas: "uas_register_423.xml", uac: "selftest/uac_register_423.xml", keys: ["exp": "600"], expected: 1),
    ]

    @Test(arguments: pairs)
    func sippScenarioAgainstItsSelfTestClient(_ pair: Pair) throws {
        let run = try SippPairRun(
            uas: pair.uas, uac: pair.uac, uacKeys: pair.keys, authUser: "door", authPassword: pair.password)
        #expect(run.uasStatus == pair.expected, "\(run.report)")
        #expect(run.uacStatus == pair.expected, "UAC:\n\(run.uac.report)")
        if pair.expected != 0 {
            #expect(run.uas.messageLog.contains("SIP/2.0 403 Forbidden"), "a rejected client gets 403, never 200")
        }
    }

    @Test func sippUASTimesOutWithoutClient() throws {
        let uas = try Sipp(scenario: scenario("uas_register_401.xml"), localPort: try freeLoopbackPort(), timeout: 1)
        defer { uas.stop() }
        try uas.start()
        let status = uas.wait(timeout: 15)
        #expect(status != nil && status != 0, "\(uas.report)")
    }
}
