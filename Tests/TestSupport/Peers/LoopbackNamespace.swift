import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The safety guard of the interop tests: SIP peers are only started when this process runs in a
/// network namespace whose only interface is `lo` (e.g. `unshare -n sh -c 'ip link set lo up && …'`,
/// as `make test` does), so nothing can leave the machine whatever a peer or the code under test sends.
public enum LoopbackNamespace {
    /// The interface names of this process's network namespace, from `/proc/net/dev`
    /// (per namespace; `/sys/class/net` shows the namespace sysfs was mounted in).
    public static var interfaces: [String] {
        guard let text = try? String(contentsOfFile: "/proc/net/dev", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst(2).compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return line[..<colon].trimmingCharacters(in: .whitespaces)
        }
    }

    /// True when the only network interface is `lo`.
    public static var isIsolated: Bool { interfaces == ["lo"] }
}

/// A UDP socket on 127.0.0.1 for exchanging raw SIP datagrams with a peer.
public final class LoopbackUDPSocket: @unchecked Sendable {
    public let port: UInt16
    private let fd: Int32

    /// Binds 127.0.0.1:`port` (0 = any free port).
    public init(port: UInt16 = 0) throws {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw PeerError("socket: errno \(errno)") }
        guard let bound = bindLoopback(fd, port: port) else {
            close(fd)
            throw PeerError("cannot bind UDP 127.0.0.1:\(port): errno \(errno)")
        }
        self.port = bound
    }

    /// Sends `text` to `host`:`port`; throws with the errno (e.g. ENETUNREACH outside loopback in an isolated namespace).
    public func send(_ text: String, to port: UInt16, host: String = "127.0.0.1") throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        let bytes = Array(text.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard sent == bytes.count else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// The next datagram, or nil after `timeout` seconds.
    public func receive(timeout: Double) -> String? {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(max(0, timeout) * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count >= 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }

    /// Sends an OPTIONS to 127.0.0.1:`port` and returns the first response (nil after `timeout` seconds).
    public func options(to port: UInt16, timeout: Double = 3) throws -> String? {
        let callID = UUID().uuidString
        try send(
            "OPTIONS sip:127.0.0.1:\(port) SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:\(self.port);branch=z9hG4bK\(callID.prefix(8));rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:harness@127.0.0.1>;tag=\(callID.suffix(8))\r\n"
                + "To: <sip:127.0.0.1:\(port)>\r\n"
                + "Call-ID: \(callID)@127.0.0.1\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n",
            to: port)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, let reply = receive(timeout: deadline.timeIntervalSinceNow) {
            if reply.contains(callID) { return reply }
        }
        return nil
    }

    deinit { close(fd) }
}
