import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A private dnsmasq serving given records on a free port of 127.0.0.1, for tests that need a real
/// DNS server (SIP server location, registration failover). It reads no config, hosts file or
/// resolv.conf and forwards nothing, so no real name server is ever asked; names under
/// `localDomains` it does not know get NXDOMAIN, anything else REFUSED.
///
/// Start it with records, point the resolver at `address`:`port`, and `stop()` it in a `defer`;
/// `deinit` stops it too. It is stopped by its pid: SIGTERM, then SIGKILL after a bounded wait.
///
///     let dns = try await Dnsmasq.start(records: [
///         .srv(service: "_sip._udp.door.test", target: "reg1.door.test", port: 5060, priority: 10, weight: 50),
///         .host("reg1.door.test", "127.0.0.2"),
///     ])
///     defer { dns.stop() }
public final class Dnsmasq: @unchecked Sendable {
    public enum Record: Sendable {
        /// An A or AAAA (and PTR) record: `--host-record=<name>,<address>[,<ttl>]`; dnsmasq's TTL is
        /// 0 unless given. Only loopback addresses are allowed.
        case host(String, String, ttl: Int? = nil)
        /// `--srv-host=<service>,<target>,<port>,<priority>,<weight>`.
        case srv(service: String, target: String, port: Int, priority: Int, weight: Int)
        /// `--naptr-record=<name>,<order>,<preference>,<flags>,<service>,<regexp>,<replacement>`.
        case naptr(name: String, order: Int, preference: Int, flags: String, service: String, regexp: String = "", replacement: String)
        /// `--cname=<alias>,<target>`.
        case cname(String, target: String)

        var argument: String {
            switch self {
            case .host(let name, let address, let ttl): "--host-record=\(name),\(address)" + (ttl.map { ",\($0)" } ?? "")
            case .srv(let service, let target, let port, let priority, let weight): "--srv-host=\(service),\(target),\(port),\(priority),\(weight)"
            case .naptr(let name, let order, let preference, let flags, let service, let regexp, let replacement):
                "--naptr-record=\(name),\(order),\(preference),\(flags),\(service),\(regexp),\(replacement)"
            case .cname(let alias, let target): "--cname=\(alias),\(target)"
            }
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static let executable = "/usr/sbin/dnsmasq"

    public let address: String
    public let port: Int
    public let pid: pid_t
    public let logPath: String
    private let folder: URL
    private let state = NSLock()
    private var exited = false

    /// Starts dnsmasq and waits (at most `timeout` seconds) until it serves. A port taken between
    /// choosing and binding it is retried with another, up to three times. This blocks the calling
    /// thread for a few milliseconds; from async code prefer `start(records:…)`.
    public init(records: [Record], localDomains: [String] = ["test"], address: String = "127.0.0.1", timeout: Double = 15) throws {
        guard Self.isLoopback(address) else { throw Failure(description: "dnsmasq may only listen on 127.0.0.0/8, not \(address)") }
        for record in records {
            if case .host(let name, let target, _) = record, !Self.isLoopback(target) {
                throw Failure(description: "host record \(name) → \(target): tests may only use loopback addresses")
            }
        }
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw Failure(description: "\(Self.executable) not found (apt-get install dnsmasq-base)")
        }
        folder = try temporaryFolder()
        logPath = folder.appendingPathComponent("dnsmasq.log").path
        self.address = address
        let errorPath = folder.appendingPathComponent("stderr").path
        var lastFailure = ""
        for _ in 0..<3 {
            let port = try Self.freePort(address: address)
            var arguments = [
                Self.executable, "--keep-in-foreground", "--port=\(port)", "--listen-address=\(address)", "--bind-interfaces",
                "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--cache-size=0",
                "--pid-file=\(folder.appendingPathComponent("dnsmasq.pid").path)",
                "--log-facility=\(logPath)", "--log-queries",
            ]
            // As root, dnsmasq would switch to `nobody`, who cannot write the log in our folder.
            if geteuid() == 0 { arguments.append("--user=root") }
            arguments += localDomains.map { "--local=/\($0)/" }
            arguments += records.map(\.argument)
            let pid = try Self.spawn(arguments, stderr: errorPath)
            if Self.waitUntilServing(pid: pid, logPath: logPath, timeout: timeout) {
                self.port = port
                self.pid = pid
                return
            }
            _ = Self.terminate(pid, timeout: 2)
            lastFailure = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            guard lastFailure.contains("in use") else { break }
        }
        throw Failure(description: "dnsmasq did not start: \(lastFailure.isEmpty ? "no output within \(timeout) s" : lastFailure)")
    }

    /// `init` on a dispatch queue, so the bounded wait for dnsmasq does not hold a thread of
    /// Swift's cooperative pool (two on a two-core machine) that other tests need.
    public static func start(records: [Record], localDomains: [String] = ["test"], address: String = "127.0.0.1", timeout: Double = 15) async throws -> Dnsmasq {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Dnsmasq(records: records, localDomains: localDomains, address: address, timeout: timeout) })
            }
        }
    }

    /// dnsmasq's log: one line per query with `--log-queries`.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    public var isRunning: Bool {
        state.withLock {
            if !exited && Self.reaped(pid) { exited = true }
            return !exited
        }
    }

    /// SIGTERM, then SIGKILL if it has not exited after `timeout` seconds. Safe to call twice.
    public func stop(timeout: Double = 2) {
        state.withLock {
            if !exited { exited = Self.terminate(pid, timeout: timeout) }
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts `arguments` with stdin and stdout on /dev/null and stderr into `stderr`.
    ///
    /// posix_spawn rather than Foundation's `Process`: a child inherits the spawning thread's signal
    /// mask, and under `swift test` that mask blocks SIGTERM (seen in /proc/<pid>/status), which
    /// dnsmasq never unblocks, so it would ignore the polite stop and always wait for SIGKILL.
    /// Here the child starts with an empty mask and default handlers.
    private static func spawn(_ arguments: [String], stderr: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard result == 0 else { throw Failure(description: "cannot start \(arguments[0]): \(String(cString: strerror(result)))") }
        return pid
    }

    /// Whether `pid` has exited; reaps it if so.
    private static func reaped(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        return result == pid || (result < 0 && errno == ECHILD)
    }

    /// SIGTERM, a bounded wait, then SIGKILL and another bounded wait. Returns whether it was reaped.
    private static func terminate(_ pid: pid_t, timeout: Double) -> Bool {
        if reaped(pid) { return true }
        kill(pid, SIGTERM)
        if waitForExit(pid, timeout: timeout) { return true }
        kill(pid, SIGKILL)
        return waitForExit(pid, timeout: 2)
    }

    private static func waitForExit(_ pid: pid_t, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if reaped(pid) { return true }
            Thread.sleep(forTimeInterval: 0.01)
        } while Date() < deadline
        return reaped(pid)
    }

    /// dnsmasq binds its sockets before it logs "started", and exits (status 2) if it cannot.
    private static func waitUntilServing(pid: pid_t, logPath: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if reaped(pid) { return false }
            if let log = try? String(contentsOfFile: logPath, encoding: .utf8), log.contains("started, version") { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// A port that is free for both UDP and TCP on `address` right now (dnsmasq binds both).
    private static func freePort(address: String) throws -> Int {
        for _ in 0..<20 {
            guard let port = bindEphemeral(type: SOCK_DGRAM, address: address, port: 0) else { continue }
            if bindEphemeral(type: SOCK_STREAM, address: address, port: port) != nil { return Int(port) }
        }
        throw Failure(description: "no free port on \(address)")
    }

    /// Binds a socket of `type` to `address`:`port`, closes it, and returns the port it got.
    private static func bindEphemeral(type: __socket_type, address: String, port: UInt16) -> UInt16? {
        let fd = socket(AF_INET, Int32(type.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        return bound ? UInt16(bigEndian: socketAddress.sin_port) : nil
    }

    static func isLoopback(_ address: String) -> Bool {
        if address == "::1" { return true }
        let parts = address.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
