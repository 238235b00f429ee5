@testable import Network
import Testing

/// Port pairs, DSCP marks and addresses of the media sockets.
@Suite struct MediaSocketTests {
    @Test func aConfiguredPortIsTakenFirstThenThePairsAboveIt() throws {
        var random = SystemRandomNumberGenerator()
        let ports = MediaPortRange(31000...31098, sequential: true)
        let first = try RTPPortPair.bind(localAddress: "127.0.0.1", ports: ports, dscp: 0x2E, using: &random)
        let second = try RTPPortPair.bind(localAddress: "127.0.0.1", ports: ports, dscp: 0x2E, using: &random)
        #expect(first.port == 31000 && first.rtcp.localPort == 31001)
        #expect(second.port == 31002 && second.rtcp.localPort == 31003)
    }

    @Test func aFullRangeSaysSo() throws {
        var random = SystemRandomNumberGenerator()
        let ports = MediaPortRange(31200...31203)
        let pairs = [try RTPPortPair.bind(localAddress: "127.0.0.1", ports: ports, dscp: 0, using: &random),
                     try RTPPortPair.bind(localAddress: "127.0.0.1", ports: ports, dscp: 0, using: &random)]
        #expect(Set(pairs.map(\.port)) == [31200, 31202])
        #expect(throws: MediaSocketError.self) { try RTPPortPair.bind(localAddress: "127.0.0.1", ports: ports, dscp: 0, using: &random) }
        #expect("\(MediaSocketError.noFreePort(31200...31203))" == "no free RTP/RTCP port pair in 31200…31203")
    }

    @Test(arguments: [("127.0.0.1", 0x2E), ("127.0.0.1", 0x22), ("::1", 0x2E)])
    func socketsCarryTheirDSCP(address: String, dscp: Int) throws {
        let socket = try UDPSocket(localAddress: address, port: 0, dscp: dscp)
        #expect(socket.dscp == dscp)
    }

    @Test(arguments: [("127.0.0.1", UInt16(4000), "127.0.0.1:4000"), ("::1", 5004, "[::1]:5004"), ("[::1]", 5004, "[::1]:5004")])
    func addressesRoundTrip(host: String, port: UInt16, text: String) throws {
        let address = try #require(MediaAddress(host: host, port: port))
        #expect(address.description == text)
        #expect(address.port == port)
        #expect(address == MediaAddress(host: host, port: port))
        #expect(address != MediaAddress(host: host, port: port + 2))
    }

    @Test func hostNamesAreNotAddresses() {
        #expect(MediaAddress(host: "door.example", port: 5060) == nil)
    }
}
