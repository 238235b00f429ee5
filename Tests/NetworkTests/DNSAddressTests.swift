@testable import Network
import Testing

extension DNS {
    @Suite struct AddressTests {
        @Test(arguments: [
            ("127.0.0.1", "127.0.0.1"),
            ("0.0.0.0", "0.0.0.0"),
            ("::1", "::1"),
            ("[::1]", "::1"),
            ("::", "::"),
            ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),  // RFC 5952 §4.2.3: the first of equal runs
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),  // §4.2.2: a single zero group stays
            ("fe80::1:2", "fe80::1:2"),
            ("::ffff:127.0.0.1", "::ffff:7f00:1"),
            ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ])
        func parsesAndPrintsCanonically(_ text: String, _ canonical: String) throws {
            let address = try #require(IPAddress(text))
            #expect(address.description == canonical)
            #expect(IPAddress(canonical) == address)
        }

        @Test(arguments: [
            "", "door.test", "127.0.0", "127.0.0.1.2", "256.0.0.1", "01.2.3.4", "1.2.3.-4", "1:2:3:4:5:6:7:8:9",
            "1::2::3", ":::", "12345::", "fe80::1%eth0", "g::1", "1:2:3:4:5:6:7", "::1.2.3", "[::1", "1.2.3.4:5060",
        ])
        func refusesWhatIsNotANumericAddress(_ text: String) {
            #expect(IPAddress(text) == nil)
        }

        @Test(arguments: [
            ("nameserver 10.255.255.53\n", "10.255.255.53"),
            ("# generated\nsearch lan\n;nameserver 1.1.1.1\nnameserver\tfe80::1%eth0\nnameserver 9.9.9.9\n", "fe80::1%eth0"),
            ("options ndots:2\nnameserver localhost\nnameserver 127.0.0.53", "127.0.0.53"),
        ])
        func firstNumericNameServerOfResolvConf(_ text: String, _ expected: String) {
            #expect(DNSNameServer.parseResolvConf(text) == DNSNameServer(host: expected, port: 53))
        }

        @Test func resolvConfWithoutNameServer() {
            #expect(DNSNameServer.parseResolvConf("search lan\n") == nil)
            #expect(throws: DNSError.noNameServer(path: "/nonexistent/resolv.conf")) {
                try DNSNameServer.systemDefault(resolvConfPath: "/nonexistent/resolv.conf")
            }
        }
    }
}
