#if canImport(Glibc)
import Glibc
#endif

/// A blocking client for the control socket, used by `doorstationd ctl`.
public enum ControlClient {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Sends one request line and returns the one-line answer. Every step is bounded by `timeout` seconds.
    public static func send(_ request: String, to path: String, timeout: Int = 5) throws(Failure) -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))

        guard var address = UnixAddress(path) else {
            throw Failure(description: "control socket path is too long: \(path)")
        }
        let connected = address.withSockaddr { connect(fd, $0, $1) }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            throw Failure(description: "cannot reach the daemon at \(path): \(reason) (is doorstationd running, and are you in its group?)")
        }
        let message = Array((request + "\n").utf8)
        var sent = 0
        while sent < message.count {
            let count = message[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw Failure(description: "sending to \(path): \(String(cString: strerror(errno)))") }
            sent += count
        }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !answer.contains(UInt8(ascii: "\n")) {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw Failure(description: "no answer from the daemon within \(timeout) s") }
            if count == 0 { break }
            answer += chunk[0..<count]
        }
        guard let end = answer.firstIndex(of: UInt8(ascii: "\n")) else {
            throw Failure(description: "the daemon closed the connection without answering")
        }
        return String(decoding: answer[..<end], as: UTF8.self)
    }
}

/// A `sockaddr_un`; a path starting with `@` names an abstract socket (as systemd's NOTIFY_SOCKET may).
struct UnixAddress {
    private var storage = sockaddr_un()
    private var length: socklen_t

    init?(_ path: String) {
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else { return nil }
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { target in
            for (index, byte) in bytes.enumerated() { target[index] = byte }
        }
        // Abstract names are not NUL-terminated: their length is part of the address.
        length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
    }

    mutating func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        let length = length
        return withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
