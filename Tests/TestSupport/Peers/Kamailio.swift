import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The interop tests' peer files: `Tests/InteropTests/Peers` (kamailio/, sipp/). The InteropTests
/// target also carries them as a resource (`Bundle.module`); this is the same folder in the source tree.
public enum PeerFiles {
    public static var sourceDirectory: URL {
        var folder = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { folder.deleteLastPathComponent() }   // Peers, TestSupport, Tests
        return folder.appendingPathComponent("InteropTests/Peers")
    }
}

/// A Kamailio 5.6 registrar/proxy (Tests/InteropTests/Peers/kamailio/kamailio.cfg) on loopback:
/// digest auth in realm `doorlab` (door/doorpass, 1001/secret1001, apartment/aptpass), bindings in
/// memory only, its own folder (config copy, certificates, ctl socket, pid file, log).
///
///     let port = try freeLoopbackPort()
///     let kamailio = try Kamailio(listen: ["udp:127.0.0.1:\(port)", "tcp:127.0.0.1:\(port)"])
///     defer { kamailio.stop() }
public final class Kamailio: @unchecked Sendable {
    public let listen: [String]
    public let tls: Bool
    public let defines: [String]
    /// The instance folder (removed when this object goes away, unless `keepFolder`).
    public let folder: URL
    public let configPath: String
    public let ctlSocket: String
    public let pidFile: String
    public let logPath: String
    /// The test CA that signed the TLS server certificate (127.0.0.1-3, localhost, registrar.test); with `tls` only.
    public var caCertificatePath: String { folder.appendingPathComponent("ca.pem").path }
    public var serverCertificatePath: String { folder.appendingPathComponent("server.pem").path }

    private let startTimeout: Double
    private var process: PeerProcess?
    private let keepFolder: Bool

    /// Starts Kamailio listening on `listen` (Kamailio `-l` syntax, e.g. "udp:127.0.0.1:5060",
    /// "tls:127.0.0.1:5061") and waits (at most `startTimeout` s) until it answers on its ctl socket.
    /// `tls` loads the tls module with a fresh test certificate; `defines` are extra `-A` defines
    /// (e.g. "AUTH_INVITE_OFF", "NO_AUTH"). `files` is the Peers folder (default: the source tree's).
    public init(
        listen: [String], tls: Bool = false, defines: [String] = [], files: URL = PeerFiles.sourceDirectory,
        startTimeout: Double = 15, keepFolder: Bool = false
    ) throws {
        precondition(!listen.isEmpty, "Kamailio needs at least one listen address")
        self.listen = listen
        self.tls = tls || listen.contains { $0.hasPrefix("tls:") }
        self.defines = defines
        self.startTimeout = startTimeout
        self.keepFolder = keepFolder
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kamailio-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        configPath = folder.appendingPathComponent("kamailio.cfg").path
        ctlSocket = folder.appendingPathComponent("ctl.sock").path
        pidFile = folder.appendingPathComponent("kamailio.pid").path
        logPath = folder.appendingPathComponent("kamailio.log").path

        let source = files.appendingPathComponent("kamailio")
        for name in ["kamailio.cfg", "tls.cfg"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        if self.tls {
            let generator = source.appendingPathComponent("gen-test-certs.sh").path
            let result = try PeerProcess.run("/bin/sh", [generator, folder.path], timeout: 60)
            guard result.status == 0 else { throw PeerError("gen-test-certs.sh failed: \(result.output)") }
        }
        try start()
    }

    /// The running main process's pid (nil when stopped).
    public var pid: pid_t? { process?.isRunning == true ? process?.pid : nil }
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    public func logTail(_ lines: Int = 40) -> String {
        log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    public func waitForLog(_ text: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if log.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return false
    }

    /// Starts the stopped instance on the same addresses (a no-op while it runs).
    public func start() throws {
        if process?.isRunning == true { return }
        try? FileManager.default.removeItem(atPath: ctlSocket)
        try? FileManager.default.removeItem(atPath: pidFile)
        var arguments = ["-f", configPath, "-DD", "-E", "-m", "64", "-M", "8", "-P", pidFile]
        for address in listen { arguments += ["-l", address] }
        arguments += ["-A", "CTL_SOCK=\"unix:\(ctlSocket)\""]
        if tls { arguments += ["-A", "WITH_TLS"] }
        for define in defines { arguments += ["-A", define] }
        let child = try PeerProcess("kamailio", arguments: arguments, logPath: logPath, workingDirectory: folder.path)
        process = child

        let deadline = Date().addingTimeInterval(startTimeout)
        while Date() < deadline {
            guard child.isRunning else {
                stop()
                throw PeerError("kamailio exited during start-up:\n\(logTail())")
            }
            if FileManager.default.fileExists(atPath: ctlSocket),
               let reply = try? kamcmd(["core.uptime"], timeout: 2), reply.contains("uptime") {
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop()
        throw PeerError("kamailio not ready after \(startTimeout) s:\n\(logTail())")
    }

    /// Stops the main process (SIGTERM, it stops its children) and then any process still running this
    /// instance's config (SIGKILL), each wait bounded. Safe to call twice.
    public func stop() {
        if let child = process {
            child.stop(timeout: 5)
            process = nil
        }
        // Children that outlived the main process (e.g. after a SIGKILL) still have the config path in their command line.
        let deadline = Date().addingTimeInterval(3)
        var survivors = PeerProcess.pids(commandLineContaining: configPath)
        while !survivors.isEmpty && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            survivors = PeerProcess.pids(commandLineContaining: configPath)
        }
        for pid in survivors { kill(pid, SIGKILL) }
    }

    /// Stops and starts again on the same addresses (bindings are lost: usrloc is memory only).
    public func restart() throws {
        stop()
        try start()
    }

    /// Processes still running this instance's config (empty after `stop()`).
    public var processes: [pid_t] { PeerProcess.pids(commandLineContaining: configPath) }

    /// `kamcmd -s unix:<ctl> <arguments>`; throws if it fails or takes longer than `timeout` seconds.
    public func kamcmd(_ arguments: [String], timeout: Double = 5) throws -> String {
        let result = try PeerProcess.run("kamcmd", ["-s", "unix:\(ctlSocket)"] + arguments, timeout: timeout)
        guard result.status == 0 else { throw PeerError("kamcmd \(arguments.joined(separator: " ")) failed (\(result.status.map(String.init) ?? "timeout")): \(result.output)") }
        return result.output
    }

    /// All bindings from `ul.dump`: AOR (as usrloc stores it: the user part, e.g. "door") → contact URIs.
    public func bindings() throws -> [String: [String]] {
        Self.parseBindings(try kamcmd(["ul.dump"]))
    }

    /// The contact URIs registered for `aor` ("door", "door@127.0.0.1" or "sip:door@127.0.0.1"),
    /// e.g. ["sip:door@127.0.0.1:5062;transport=udp"]; [] when none.
    public func registeredContacts(aor: String) throws -> [String] {
        let all = try bindings()
        let wanted = Self.aorKeys(aor)
        return all.filter { wanted.contains($0.key.lowercased()) }.flatMap(\.value)
    }

    /// Polls `registeredContacts(aor:)` until it is non-empty (and `matching` holds) or `timeout` seconds
    /// pass; returns the last answer ([] on timeout).
    public func waitForContacts(
        aor: String, timeout: Double, matching: ([String]) -> Bool = { !$0.isEmpty }
    ) -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var contacts: [String] = []
        repeat {
            contacts = (try? registeredContacts(aor: aor)) ?? []
            if matching(contacts) { return contacts }
            Thread.sleep(forTimeInterval: 0.1)
        } while Date() < deadline
        return contacts
    }

    /// Parses `kamcmd ul.dump` output ("AoR: door" … "Address: sip:…" lines).
    public static func parseBindings(_ dump: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        var current: String?
        for line in dump.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("AoR:") {
                let aor = trimmed.dropFirst(4).trimmingCharacters(in: .whitespaces)
                current = aor
                result[aor, default: []] += []
            } else if trimmed.hasPrefix("Address:"), let aor = current {
                result[aor, default: []].append(trimmed.dropFirst(8).trimmingCharacters(in: .whitespaces))
            }
        }
        return result
    }

    /// The forms an AOR can take in usrloc (with or without domain), lower-cased.
    static func aorKeys(_ aor: String) -> Set<String> {
        var text = aor.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
        for scheme in ["sip:", "sips:"] where text.lowercased().hasPrefix(scheme) { text = String(text.dropFirst(scheme.count)) }
        if let semicolon = text.firstIndex(of: ";") { text = String(text[..<semicolon]) }
        var keys: Set<String> = [text.lowercased()]
        if let at = text.firstIndex(of: "@") {
            keys.insert(String(text[..<at]).lowercased())
            // user@host:port → user@host as well
            let host = text[text.index(after: at)...]
            if let colon = host.firstIndex(of: ":") { keys.insert((String(text[...at]) + host[..<colon]).lowercased()) }
        }
        return keys
    }

    deinit {
        stop()
        if !keepFolder { try? FileManager.default.removeItem(at: folder) }
    }
}
