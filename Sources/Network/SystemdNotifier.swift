#if canImport(Glibc)
import Glibc
#endif

/// The sd_notify protocol, spoken directly: datagrams such as `READY=1` sent to `$NOTIFY_SOCKET`.
/// See sd_notify(3). Outside systemd (no `NOTIFY_SOCKET`) there is no notifier and nothing is sent.
public struct SystemdNotifier: Sendable {
    public let socketPath: String

    /// A notifier for `NOTIFY_SOCKET` in `environment`, or `nil` when the daemon is not run by systemd.
    public init?(environment: [String: String]) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty, UnixAddress(path) != nil else { return nil }
        socketPath = path
    }

    /// Sends one state string (`READY=1`, `WATCHDOG=1`, `STOPPING=1`, `STATUS=…`). Returns whether it was sent.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard var address = UnixAddress(socketPath) else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(state.utf8)
        let sent = address.withSockaddr { pointer, length in
            bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), pointer, length) }
        }
        return sent == bytes.count
    }

    /// How often to send `WATCHDOG=1`: half of `WATCHDOG_USEC`, as sd_watchdog_enabled(3) advises,
    /// or `nil` when the watchdog is off or meant for another process (`WATCHDOG_PID`).
    public static func watchdogInterval(environment: [String: String], pid: Int32) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"], Int32(owner) != pid { return nil }
        return .microseconds(microseconds / 2)
    }
}
