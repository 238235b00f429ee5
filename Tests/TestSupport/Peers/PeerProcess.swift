import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Why a peer (Kamailio, sipp, openssl …) could not be used.
public struct PeerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A third-party program run as a child process for the interop tests: output (stdout and stderr) goes
/// to a log file, every wait is bounded, and it is stopped by its pid (SIGTERM, bounded wait, SIGKILL),
/// at the latest when the object goes away.
///
/// Started with posix_spawn in a process group of its own (so helpers it forks can be killed with it),
/// and reaped with waitpid here. Not Foundation's `Process`: its Linux implementation takes the close
/// of an inherited socket as the exit and then blocks its single manager thread in `waitpid` — Kamailio
/// closes inherited descriptors at start-up, which froze every other `Process` in the test run.
public final class PeerProcess: @unchecked Sendable {
    public let executable: String
    public let arguments: [String]
    public let logPath: String
    /// The child's pid, also its process group id.
    public let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` (a path, or a name looked up in `$PATH`, /usr/sbin and /sbin).
    /// The log file is appended to, so a restarted peer keeps one log.
    public init(
        _ executable: String, arguments: [String], environment: [String: String] = [:],
        logPath: String, workingDirectory: String? = nil
    ) throws {
        guard let path = Self.findExecutable(executable) else { throw PeerError("\(executable) not found (is it installed? see `make deps`)") }
        self.executable = path
        self.arguments = arguments
        self.logPath = logPath

        let log = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw PeerError("cannot open \(logPath): errno \(errno)") }
        defer { close(log) }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard null >= 0 else { throw PeerError("cannot open /dev/null: errno \(errno)") }
        defer { close(null) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, null, 0)
        posix_spawn_file_actions_adddup2(&actions, log, 1)
        posix_spawn_file_actions_adddup2(&actions, log, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        sigdelset(&defaultSignals, SIGKILL)
        sigdelset(&defaultSignals, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        // A working directory is set by a shell that then execs the program (same pid; glibc's
        // posix_spawn_file_actions_addchdir_np is not visible to Swift).
        let command = workingDirectory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, path] + arguments } ?? [path] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        var child: pid_t = 0
        let result = posix_spawn(&child, command[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw PeerError("cannot start \(path): \(String(cString: strerror(result)))") }
        pid = child
    }

    /// False once the process has exited (and has been reaped).
    public var isRunning: Bool { status == nil }
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The exit status once exited (128 + signal number if killed by a signal), else nil. Does not block.
    public var status: Int32? {
        lock.withLock {
            if exitStatus == nil {
                var raw: Int32 = 0
                if waitpid(pid, &raw, WNOHANG) == pid {
                    let signal = raw & 0x7f
                    exitStatus = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
                }
            }
            return exitStatus
        }
    }

    /// The last `lines` lines of the log, for failure messages.
    public func logTail(_ lines: Int = 30) -> String {
        log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Waits until the log contains `text`; false after `timeout` seconds or when the process has exited without it.
    public func waitForLog(_ text: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if log.contains(text) { return true }
            if !isRunning { return log.contains(text) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return log.contains(text)
    }

    /// The exit status, or nil if the process still runs after `timeout` seconds (it is left running).
    public func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let status { return status }
            if Date() >= deadline { return nil }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Sends `number` to the process (not to its group).
    public func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    /// SIGTERM to the process, SIGKILL after `timeout` seconds; then SIGKILL to whatever is left of its
    /// process group (children it forked). Returns the exit status.
    @discardableResult
    public func stop(timeout: Double = 5) -> Int32? {
        if isRunning {
            kill(pid, SIGTERM)
            if waitForExit(timeout: timeout) == nil {
                kill(-pid, SIGKILL)
                _ = waitForExit(timeout: 5)
            }
        }
        // Children in the group get a moment to finish after their parent, then are killed.
        let deadline = Date().addingTimeInterval(timeout)
        while kill(-pid, 0) == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if kill(-pid, 0) == 0 { kill(-pid, SIGKILL) }
        return status
    }

    deinit { stop(timeout: 2) }

    // MARK: - Helpers

    /// `name` if it is a path, else the first executable `name` in `$PATH`, /usr/sbin, /sbin, /usr/bin.
    public static func findExecutable(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Pids of the processes (other than this one) whose command line contains `text`, read from /proc
    /// (what `pgrep -f text` reports).
    public static func pids(commandLineContaining text: String) -> [pid_t] {
        let own = getpid()
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), pid != own,
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"), !data.isEmpty
            else { return nil }
            let commandLine = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return commandLine.contains(text) ? pid : nil
        }
    }

    /// Runs a short command to completion (bounded; killed after `timeout` seconds) and returns its
    /// exit status (nil on timeout) and combined output.
    public static func run(
        _ executable: String, _ arguments: [String], timeout: Double = 10, workingDirectory: String? = nil
    ) throws -> (status: Int32?, output: String) {
        let logPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("peer-run-\(UUID().uuidString.prefix(8)).log").path
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        let child = try PeerProcess(executable, arguments: arguments, logPath: logPath, workingDirectory: workingDirectory)
        let status = child.waitForExit(timeout: timeout)
        if status == nil { child.stop(timeout: 1) }
        return (status, child.log)
    }
}

// MARK: - Ports

private let handedOutPorts = PortRegistry()

private final class PortRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var ports = Set<UInt16>()
    func claim(_ port: UInt16) -> Bool { lock.withLock { ports.insert(port).inserted } }
}

/// A port on 127.0.0.1 that is free for both UDP and TCP right now and that no other caller in this
/// process has been given (tests run in parallel). Ask once per listening address.
public func freeLoopbackPort() throws -> UInt16 {
    for _ in 0..<200 {
        let tcp = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard tcp >= 0 else { throw PeerError("socket: errno \(errno)") }
        defer { close(tcp) }
        guard let port = bindLoopback(tcp, port: 0) else { continue }
        let udp = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard udp >= 0 else { throw PeerError("socket: errno \(errno)") }
        defer { close(udp) }
        if bindLoopback(udp, port: port) != nil, handedOutPorts.claim(port) { return port }
    }
    throw PeerError("no free UDP+TCP port on 127.0.0.1")
}

/// `count` consecutive ports on 127.0.0.1 (the first is returned), each free for UDP and TCP right now
/// and none handed out before in this process. For peers that also bind the next port: baresip listens
/// for TLS on TCP `sip_listen` port + 1 even without a certificate.
public func freeConsecutiveLoopbackPorts(_ count: Int) throws -> UInt16 {
    precondition(count >= 1)
    for _ in 0..<200 {
        let first = try freeLoopbackPort()
        guard Int(first) + count - 1 <= Int(UInt16.max) else { continue }
        let rest = (1..<count).map { first + UInt16($0) }
        if rest.allSatisfy(isFreeLoopbackPort), rest.allSatisfy(handedOutPorts.claim) { return first }
    }
    throw PeerError("no \(count) consecutive free UDP+TCP ports on 127.0.0.1")
}

/// True if 127.0.0.1:`port` can be bound for both TCP and UDP right now.
func isFreeLoopbackPort(_ port: UInt16) -> Bool {
    for type in [SOCK_STREAM, SOCK_DGRAM] {
        let fd = socket(AF_INET, Int32(type.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if bindLoopback(fd, port: port) == nil { return false }
    }
    return true
}

/// Binds `fd` to 127.0.0.1:`port` (0 = any) and returns the bound port.
func bindLoopback(_ fd: Int32, port: UInt16) -> UInt16? {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { return nil }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return named == 0 ? UInt16(bigEndian: address.sin_port) : nil
}
