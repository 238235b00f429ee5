import NIOSSL

extension TLSSettings {
    /// The client context for outbound TLS (RFC 3261 §26.3.1): trust roots, how much of the
    /// server's certificate to check, and the optional client certificate.
    func makeClientContext() throws(SIPTransportError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch trustRoots {
        case .system: configuration.trustRoots = .default
        case .file(let path): configuration.trustRoots = .file(path)
        }
        configuration.certificateVerification = switch (verifyServerCertificate, verifyHostname) {
        case (false, _): .none
        case (true, false): .noHostnameVerification
        case (true, true): .fullVerification
        }
        if let chainFile = clientCertificateChainFile, let keyFile = clientPrivateKeyFile {
            let (chain, key) = try Self.load(chainFile: chainFile, keyFile: keyFile)
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(key)
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            if trustRoots == .system {
                throw .tlsConfiguration(reason: "client context: the system's CA certificates (/etc/ssl/certs) do not load "
                                        + "(apt-get install ca-certificates, or name a CA file in [sip] root_ca): \(error)")
            }
            throw .tlsConfiguration(reason: "client context: \(error)")
        }
    }

    /// The server context for the TLS listener; nil without a certificate and key.
    func makeServerContext() throws(SIPTransportError) -> NIOSSLContext? {
        guard let chainFile = certificateChainFile, let keyFile = privateKeyFile else { return nil }
        let (chain, key) = try Self.load(chainFile: chainFile, keyFile: keyFile)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .tlsConfiguration(reason: "server context: \(error)")
        }
    }

    /// Reads a PEM chain (leaf first) and its key, naming the file that failed.
    private static func load(chainFile: String, keyFile: String) throws(SIPTransportError) -> ([NIOSSLCertificate], NIOSSLPrivateKey) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(chainFile)
        } catch {
            throw .tlsConfiguration(reason: "cannot load certificate chain \(chainFile): \(error)")
        }
        guard !chain.isEmpty else { throw .tlsConfiguration(reason: "no certificate in \(chainFile)") }
        do {
            return (chain, try NIOSSLPrivateKey(file: keyFile, format: .pem))
        } catch {
            throw .tlsConfiguration(reason: "cannot load private key \(keyFile): \(error)")
        }
    }
}
