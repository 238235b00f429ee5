import Dispatch
import Foundation
import SIPMessage
import TestSupport
import Testing
@testable import Network

/// A throw-away CA and a server certificate it signed for localhost and 127.0.0.1 (not ::1, so
/// that a server on ::1 can be reached under a name the certificate does not carry).
struct TestCertificates {
    var caFile: String
    var serverChain: String
    var serverKey: String

    /// Runs openssl off the cooperative pool (it blocks while it works).
    static func make() async throws -> TestCertificates {
        let folder = try temporaryFolder().path
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try generate(in: folder) })
            }
        }
        return TestCertificates(caFile: folder + "/ca.pem", serverChain: folder + "/server.pem", serverKey: folder + "/server.key")
    }

    private static func generate(in folder: String) throws {
        let extensions = folder + "/server.ext"
        try """
            subjectAltName = DNS:localhost, IP:127.0.0.1
            basicConstraints = CA:FALSE
            keyUsage = critical, digitalSignature
            extendedKeyUsage = serverAuth

            """.write(toFile: extensions, atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=doorstation test CA",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], in: folder)
        try openssl(["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], in: folder)
        try openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", "server.pem", "-days", "2", "-extfile", extensions], in: folder)
    }

    private static func openssl(_ arguments: [String], in folder: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TransportTest.TimedOut(what: "openssl \(arguments.first ?? "") (exit \(process.terminationStatus))")
        }
    }
}

@Suite struct SIPTransportTLSTests {
    static func server(_ certificates: TestCertificates, address: String = "127.0.0.1") -> SIPTransportConfiguration {
        SIPTransportConfiguration(
            listenAddresses: [address], tlsPort: 0,
            tls: TLSSettings(certificateChainFile: certificates.serverChain, privateKeyFile: certificates.serverKey)
        )
    }

    static func client(_ tls: TLSSettings) -> SIPTransportConfiguration {
        SIPTransportConfiguration(listenAddresses: ["127.0.0.1"], tls: tls, connectTimeout: .seconds(5))
    }

    @Test func clientTrustingTheCAExchangesMessages() async throws {
        let certificates = try await TestCertificates.make()
        try await TransportTest.withLayer(Self.server(certificates)) { door, doorEvents in
            let doorEndpoint = try TransportTest.endpoint(door, .tls)
            try await TransportTest.withLayer(Self.client(TLSSettings(trustRoots: .file(certificates.caFile)))) { alice, aliceEvents in
                try await alice.send(TransportTest.options(transport: "TLS"), to: doorEndpoint, serverName: "localhost")
                let request = try await doorEvents.nextMessage()
                #expect(request.source.transport == .tls)
                try await door.send(TransportTest.ok(to: request.message), to: request.source)
                let response = try await aliceEvents.nextMessage()
                #expect(response.source == doorEndpoint)
                #expect(alice.connections.all.count == 1)
            }
            // Without a server name the certificate must name the IP address, which it does.
            try await TransportTest.withLayer(Self.client(TLSSettings(trustRoots: .file(certificates.caFile)))) { alice, _ in
                try await alice.send(TransportTest.options(transport: "TLS"), to: doorEndpoint)
                _ = try await doorEvents.nextMessage()
            }
        }
    }

    @Test func systemTrustStoreRejectsThePrivateCA() async throws {
        let certificates = try await TestCertificates.make()
        try await TransportTest.withLayer(Self.server(certificates)) { door, doorEvents in
            let doorEndpoint = try TransportTest.endpoint(door, .tls)
            try await TransportTest.withLayer(Self.client(TLSSettings(trustRoots: .system))) { alice, _ in
                await expectHandshakeFailure { try await alice.send(TransportTest.options(transport: "TLS"), to: doorEndpoint, serverName: "localhost") }
                #expect(alice.connections.all.isEmpty)
            }
            #expect(doorEvents.snapshot.isEmpty)
        }
    }

    /// NIOSSL also accepts a certificate naming the peer's IP address whatever the server name,
    /// so the mismatch is tested on ::1, which the certificate does not name.
    @Test func hostnameMismatchFailsUnlessHostnameVerificationIsOff() async throws {
        let certificates = try await TestCertificates.make()
        try await TransportTest.withLayer(Self.server(certificates, address: "::1")) { door, doorEvents in
            let doorEndpoint = try TransportTest.endpoint(door, .tls, ipv6: true)
            try await TransportTest.withLayer(Self.client(TLSSettings(trustRoots: .file(certificates.caFile)))) { alice, _ in
                try await alice.send(TransportTest.options(transport: "TLS"), to: doorEndpoint, serverName: "localhost")
                _ = try await doorEvents.nextMessage()
            }
            try await TransportTest.withLayer(Self.client(TLSSettings(trustRoots: .file(certificates.caFile)))) { alice, _ in
                await expectHandshakeFailure { try await alice.send(TransportTest.options(transport: "TLS"), to: doorEndpoint, serverName: "pbx.example.org") }
            }
            let lenient = TLSSettings(trustRoots: .file(certificates.caFile), verifyHostname: false)
            try await TransportTest.withLayer(Self.client(lenient)) { alice, _ in
                try await alice.send(TransportTest.options(transport: "TLS"), to: doorEndpoint, serverName: "pbx.example.org")
                _ = try await doorEvents.nextMessage()
            }
        }
    }

    @Test func missingCertificateFileIsAConfigurationError() async throws {
        let layer = SIPTransportLayer(
            group: TransportTest.group,
            configuration: SIPTransportConfiguration(tlsPort: 0, tls: TLSSettings(certificateChainFile: "/nonexistent/cert.pem", privateKeyFile: "/nonexistent/key.pem")),
            logger: TransportTest.logger()
        )
        defer { Task { await layer.shutdown() } }
        do {
            try await layer.start()
            Issue.record("start succeeded without a certificate file")
        } catch {
            guard case .tlsConfiguration(let reason) = error else { Issue.record("got \(error)"); return }
            #expect(reason.contains("/nonexistent/cert.pem"))
        }
    }

    private func expectHandshakeFailure(_ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("the TLS handshake succeeded")
        } catch {
            guard case .tlsHandshakeFailed? = error as? SIPTransportError else { Issue.record("expected tlsHandshakeFailed, got \(error)"); return }
        }
    }
}
