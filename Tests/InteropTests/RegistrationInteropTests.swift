import Foundation
import TestSupport
import Testing

/// Registration against a real Kamailio registrar (Debian package) with digest authentication,
/// over UDP, TCP and TLS; wrong passwords; a registrar restart. Loopback only: the suite runs
/// only inside a network namespace that has nothing but `lo` (`make test` makes one).
@Suite(.enabled(if: LoopbackNamespace.isIsolated, "needs a loopback-only network namespace (make test runs one)"))
struct RegistrationInteropTests {
    static func account(_ user: String, _ password: String, proxy: String, expires: Int = 600) -> String {
        """
        [proxy_0]
        reg_identity=sip:\(user)@127.0.0.1
        reg_proxy=\(proxy)
        reg_expires=\(expires)
        [auth_info_0]
        username=\(user)
        passwd=\(password)
        realm=doorlab
        """
    }

    @Test func registersOverUDPAndTCPAndUnregistersAtStop() throws {
        let kamailio = try Kamailio(listen: ["udp:127.0.0.1:15060", "tcp:127.0.0.1:15060"])
        defer { kamailio.stop() }
        let udp = try DoorStationUnderTest(Self.account("door", "doorpass", proxy: "sip:127.0.0.1:15060"))
        let tcp = try DoorStationUnderTest(Self.account("1001", "secret1001", proxy: "<sip:127.0.0.1:15060;transport=tcp>"))
        #expect(udp.waitForRegistration("registered", timeout: 15), "\(udp.log)")
        #expect(tcp.waitForRegistration("registered", timeout: 15), "\(tcp.log)")
        let udpContacts = try kamailio.registeredContacts(aor: "door")
        let tcpContacts = try kamailio.registeredContacts(aor: "1001")
        #expect(udpContacts.count == 1 && udpContacts[0].hasPrefix("sip:door@127.0.0.1:"), "\(udpContacts)")
        #expect(tcpContacts.count == 1 && tcpContacts[0].contains("transport=tcp"), "\(tcpContacts)")
        let status = try udp.registration()
        #expect(status["state"] as? String == "registered", "\(status)")
        #expect(status["expires"] as? Int == 600, "\(status)")
        #expect(status["server"] as? String == "UDP 127.0.0.1:15060 (127.0.0.1)", "\(status)")
        #expect(udp.stop() == 0)
        #expect(tcp.stop() == 0)
        #expect(try eventually(timeout: 3) { try kamailio.registeredContacts(aor: "door").isEmpty && kamailio.registeredContacts(aor: "1001").isEmpty })
        #expect(udp.registrationChanges.last?.contains(": unregistered") == true)
    }

    @Test func wrongPasswordFailsClearlyAndBacksOff() throws {
        let kamailio = try Kamailio(listen: ["udp:127.0.0.1:15070"])
        defer { kamailio.stop() }
        let door = try DoorStationUnderTest(Self.account("door", "not-the-password", proxy: "sip:127.0.0.1:15070"))
        defer { door.stop() }
        #expect(door.waitForRegistration("failed", timeout: 10), "\(door.log)")
        #expect(door.log.contains("wrong username or password"), "\(door.log)")
        #expect(!door.log.contains("not-the-password"), "the password must never be logged")
        // Backoff: over 8 s at most two attempts (5 s, then 10 s apart), never a tight loop.
        Thread.sleep(forTimeInterval: 8)
        let failures = door.registrationChanges.filter { $0.contains(": failed") }.count
        let attempts = door.registrationChanges.filter { $0.contains(": registering") }.count
        #expect((1...2).contains(attempts), "\(door.registrationChanges)")
        #expect(failures <= 2, "\(door.registrationChanges)")
        #expect(try kamailio.registeredContacts(aor: "door").isEmpty)
        let status = try door.registration()
        #expect(status["state"] as? String == "failed", "\(status)")
        #expect((status["last_error"] as? String)?.contains("retrying in") == true, "\(status)")
    }

    @Test func recoversAfterTheRegistrarRestarts() throws {
        let kamailio = try Kamailio(listen: ["udp:127.0.0.1:15080"])
        defer { kamailio.stop() }
        let door = try DoorStationUnderTest(Self.account("door", "doorpass", proxy: "sip:127.0.0.1:15080", expires: 30))
        defer { door.stop() }
        #expect(door.waitForRegistration("registered", timeout: 15), "\(door.log)")
        try kamailio.restart()
        #expect(try kamailio.registeredContacts(aor: "door").isEmpty, "a restarted registrar forgets its bindings (usrloc in memory)")
        // The refresh at 90 % of 30 s registers again with the new instance.
        #expect(try eventually(timeout: 35) { try !kamailio.registeredContacts(aor: "door").isEmpty }, "\(door.log)")
    }

    @Test func registersOverTLSVerifyingTheServerAgainstItsCA() throws {
        let kamailio = try Kamailio(listen: ["udp:127.0.0.1:15090", "tls:127.0.0.1:15091"], tls: true)
        defer { kamailio.stop() }
        let door = try DoorStationUnderTest("""
            [sip]
            root_ca=\(kamailio.caCertificatePath)
            \(Self.account("door", "doorpass", proxy: "<sip:127.0.0.1:15091;transport=tls>"))
            """)
        defer { door.stop() }
        #expect(door.waitForRegistration("registered", timeout: 15), "\(door.log)")
        let contacts = try kamailio.registeredContacts(aor: "door")
        #expect(contacts.count == 1 && contacts[0].contains("transport=tls"), "\(contacts)")
    }

    @Test func tlsWithAnUntrustedServerFailsAndSaysWhy() throws {
        let kamailio = try Kamailio(listen: ["udp:127.0.0.1:15095", "tls:127.0.0.1:15096"], tls: true)
        defer { kamailio.stop() }
        // No root_ca: the system store does not know the test CA.
        let door = try DoorStationUnderTest(Self.account("door", "doorpass", proxy: "<sip:127.0.0.1:15096;transport=tls>"))
        defer { door.stop() }
        #expect(door.waitForRegistration("failed", timeout: 15), "\(door.log)")
        #expect(door.log.lowercased().contains("certificate") || door.log.contains("handshake"), "\(door.log)")
        #expect(try kamailio.registeredContacts(aor: "door").isEmpty)
    }
}
