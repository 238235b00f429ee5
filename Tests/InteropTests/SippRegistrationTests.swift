import Foundation
import TestSupport
import Testing

/// REGISTER against sipp registrars that challenge in each way a PBX may (401, 407, SHA-256,
/// stale nonce, 423 Min-Expires) and one that sends malformed responses first. Each scenario
/// checks what the door station sends; the door station must end up registered.
@Suite(.enabled(if: LoopbackNamespace.isIsolated, "needs a loopback-only network namespace (make test runs one)"))
struct SippRegistrationTests {
    static let scenarios: [(file: String, port: UInt16, expires: Int)] = [
        ("uas_register_401.xml", 15201, 600),
        ("uas_register_407.xml", 15202, 600),
        ("uas_register_sha256.xml", 15203, 600),
        ("uas_register_stale.xml", 15204, 600),
        ("uas_register_423.xml", 15205, 120),
        ("uas_malformed_response.xml", 15206, 600),
    ]

    @Test(arguments: scenarios)
    func registersAgainst(_ file: String, port: UInt16, expires: Int) throws {
        let sipp = try Sipp(scenario: Sipp.scenario(file), localPort: port, timeout: 30)
        try sipp.start()
        defer { sipp.stop() }
        let door = try DoorStationUnderTest("""
            [sip]
            sip_tcp_port=0
            [proxy_0]
            reg_identity=sip:door@127.0.0.1
            reg_proxy=sip:127.0.0.1:\(port)
            reg_expires=\(expires)
            [auth_info_0]
            username=door
            passwd=doorpass
            """)
        defer { door.stop() }
        #expect(door.waitForRegistration("registered", timeout: 20), "\(door.log)\n\(sipp.messageLog)")
        #expect(sipp.wait(timeout: 15) == 0, "sipp: \(sipp.errorLog)\n\(sipp.output)")
        if file == "uas_malformed_response.xml" {
            #expect(door.log.contains("malformed") || door.log.contains("dropped"), "each malformed response is logged: \(door.log)")
        }
        if file == "uas_register_423.xml" {
            #expect(try door.registration()["expires"] as? Int == 600, "the registrar's Min-Expires is used")
        }
    }
}
