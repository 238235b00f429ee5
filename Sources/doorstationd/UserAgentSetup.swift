import Config
import Network
import SDP
import SIP
import SIPMessage
import Foundation
import Logging
import NIOCore

/// Turns the validated `[sip]`, `[proxy_N]` and `[auth_info_N]` settings into the user agent's
/// configuration. Config already checked the syntax; what fails here is reported the same way.
enum UserAgentSetup {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// - Parameter camera: the board has a camera to send from (found at start-up).
    static func configuration(_ settings: Settings, camera: Bool = true) throws(Problem) -> UserAgentConfiguration {
        let credentials = settings.authInfos.map { info in
            DigestCredentials(
                username: info.username, userID: info.userID, password: info.password, ha1: info.ha1,
                ha1Algorithm: info.algorithm == .sha256 ? .sha256 : .md5, realm: info.realm)
        }
        var accounts: [UserAgentAccount] = []
        for account in settings.accounts {
            let identity = try address(account.identity, "[proxy_\(account.index)] reg_identity")
            let registrar: SIPURI
            if let proxy = account.proxy {
                registrar = try address(proxy, "[proxy_\(account.index)] reg_proxy").uri
            } else {
                registrar = SIPURI(scheme: identity.uri.scheme, host: identity.uri.host, port: identity.uri.port)
            }
            var routes: [SIPURI] = []
            for route in account.routes {
                var uri = try address(route, "[proxy_\(account.index)] reg_route").uri
                if !uri.parameters.contains("lr") { uri.parameters.set("lr", nil) }
                routes.append(uri)
            }
            var parameters = SIPParameters()
            for item in (account.requestURIParameters ?? "").split(separator: ";") {
                let pair = item.split(separator: "=", maxSplits: 1)
                parameters.set(String(pair[0]), pair.count > 1 ? String(pair[1]) : nil)
            }
            accounts.append(UserAgentAccount(
                index: account.index, aor: identity.uri.addressOfRecord, displayName: identity.displayName, registrar: registrar,
                routes: routes, expires: account.expires, register: account.register, unregisterAtStop: account.unregisterAtStop,
                credentials: credentials, requestURIParameters: parameters, reliableProvisional: account.reliableProvisional))
        }
        let sip = settings.sip
        var transports: [SIPTransport] = []
        if sip.udpPort != 0 { transports.append(.udp) }
        if sip.tcpPort != 0 { transports.append(.tcp) }
        if sip.tlsPort != 0 { transports.append(.tls) }
        return UserAgentConfiguration(
            accounts: accounts,
            timers: TransactionTimerSettings(t1: .milliseconds(sip.timerT1), t2: .milliseconds(sip.timerT2), t4: .milliseconds(sip.timerT4)),
            keepAlivePeriod: sip.keepAlivePeriod > 0 ? .milliseconds(sip.keepAlivePeriod) : nil,
            udpKeepAlive: sip.udpKeepAlive,
            failoverTimeout: .milliseconds(sip.failoverTimeout),
            quarantine: Double(sip.failoverQuarantine),
            instanceID: sip.instanceID,
            userAgent: "doorstationd/\(Doorstationd.version)",
            transports: transports,
            calls: try calls(settings, camera: camera))
    }

    /// `[sip]` call keys, `[rtp]` ports, the media encryption policy and the ring time.
    static func calls(_ settings: Settings, camera: Bool = true) throws(Problem) -> CallSettings {
        let sip = settings.sip
        let identity = try sip.contact.map { text throws(Problem) in try address(text, "[sip] contact") }
        let srtp: SRTPPolicy = sip.mediaEncryption == .none ? .off : sip.mediaEncryptionMandatory ? .mandatory : .optional
        let media = CallMediaSettings(
            audioPorts: settings.rtp.audioPorts.mediaPorts.range,
            videoPorts: nil, ptime: settings.rtp.uploadPtime > 0 ? settings.rtp.uploadPtime : 20, srtp: srtp,
            incomingEarlyMedia: sip.incomingEarlyMedia,
            video: videoCapability(settings, sends: camera && settings.video.capture),
            offerVideo: settings.video.automaticallyInitiate, acceptVideo: settings.video.automaticallyAccept)
        return CallSettings(
            identity: identity,
            sessionTimer: SessionTimerSettings(enabled: sip.sessionTimers, sessionExpires: sip.sessionExpires, minSE: sip.sessionExpiresMinimum),
            ringTimeout: .seconds(settings.buttons.map(\.ringTime).max() ?? 60),
            media: media, dtmfAsRTPEvents: sip.dtmfAsRTPEvents, dtmfAsInfo: sip.dtmfAsInfo)
    }

    private static func address(_ text: String, _ key: String) throws(Problem) -> NameAddress {
        do {
            return try NameAddress(text)
        } catch {
            throw Problem(description: "\(key): \(error.reason)")
        }
    }
}

extension UserAgentSetup {
    /// linphone's port convention: -1 = any free port, 0 = transport off.
    static func port(_ value: Int) -> Int? { value == 0 ? nil : value == -1 ? 0 : value }

    static func transportConfiguration(_ sip: SIPSettings) -> SIPTransportConfiguration {
        var addresses = sip.listenAddresses
        if addresses.isEmpty { addresses = sip.useIPv6 ? ["0.0.0.0", "::"] : ["0.0.0.0"] }
        let tls = TLSSettings(
            trustRoots: sip.rootCA.map { .file($0) } ?? .system,
            verifyServerCertificate: sip.verifyServerCertificates,
            verifyHostname: sip.verifyServerName,
            clientCertificateChainFile: sip.clientCertificateChain,
            clientPrivateKeyFile: sip.clientCertificateKey)
        // TLS is only used outwards (to registrars and proxies): a TLS listener would need a
        // server certificate, which a door station does not have.
        return SIPTransportConfiguration(
            listenAddresses: addresses, udpPort: port(sip.udpPort), tcpPort: port(sip.tcpPort), tlsPort: nil, tls: tls,
            connectTimeout: .milliseconds(sip.transportTimeout))
    }

    /// RFC 3263 resolution through `[sip] dns_server`, or the system's name server (resolv.conf's first).
    static func locator(_ sip: SIPSettings, group: any EventLoopGroup, transports: [SIPTransport], logger: Logger) -> SIPServerLocator {
        let resolver: DNSResolver
        if let server = sip.dnsServer {
            var host = server
            var port = 53
            if let colon = server.lastIndex(of: ":"), !server.hasSuffix("]"), server.filter({ $0 == ":" }).count == 1 || server.hasPrefix("[") {
                port = Int(server[server.index(after: colon)...]) ?? 53
                host = String(server[..<colon])
            }
            host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            resolver = DNSResolver(group: group, configuration: .init(server: DNSNameServer(host: host, port: port)))
        } else {
            let server: DNSNameServer
            do {
                server = try .systemDefault()
            } catch {
                // As the C library does without one: the name server on this machine. Numeric
                // targets need no DNS, and a board whose DHCP client writes the file late still starts.
                server = DNSNameServer(host: "127.0.0.1")
                logger.warning("dns.no_nameserver", metadata: ["reason": "\(error)", "using": "\(server)"])
            }
            resolver = DNSResolver(group: group, configuration: .init(server: server))
        }
        return SIPServerLocator(resolver: resolver, transports: transports)
    }
}
