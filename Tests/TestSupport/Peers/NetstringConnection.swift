import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to 127.0.0.1 carrying netstrings (`<length>:<bytes>,`), each holding one JSON
/// object: the framing of baresip's `ctrl_tcp` module. Blocking socket, every read bounded by `poll`.
/// Not thread-safe: the owner serialises calls.
final class NetstringConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var isClosed = false

    /// Connects to 127.0.0.1:`port`; throws at once if nothing listens there (ECONNREFUSED).
    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw PeerError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let error = errno
            close(fd)
            throw PeerError("connect 127.0.0.1:\(port): \(String(cString: strerror(error)))")
        }
    }

    /// Sends `object` as one netstring.
    func send(_ object: [String: String]) throws {
        let payload = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let frame = Array("\(payload.count):".utf8) + Array(payload) + Array(",".utf8)
        var sent = 0
        while sent < frame.count {
            let count = frame[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw PeerError("ctrl_tcp send: \(String(cString: strerror(errno)))") }
            sent += count
        }
    }

    /// Reads what arrives within `timeout` seconds (returning as soon as at least one complete message is
    /// there) and returns the complete messages as (JSON object, JSON text). Sets `isClosed` when the peer
    /// closed the connection.
    func receive(timeout: Double) -> [([String: Any], String)] {
        let deadline = Date().addingTimeInterval(timeout)
        var messages = takeMessages()
        while messages.isEmpty && !isClosed {
            let remaining = deadline.timeIntervalSinceNow
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(max(0, remaining) * 1000))
            if ready < 0 && errno == EINTR { continue }
            guard ready == 1 else { break }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { isClosed = true; break }
            buffer += chunk[0..<count]
            messages = takeMessages()
            if remaining <= 0 { break }
        }
        return messages
    }

    /// Cuts complete netstrings off the front of the buffer. A frame that is not a netstring holding a JSON
    /// object is a protocol error: the connection is treated as closed.
    private func takeMessages() -> [([String: Any], String)] {
        var messages: [([String: Any], String)] = []
        while let colon = buffer.prefix(12).firstIndex(of: UInt8(ascii: ":")) {
            guard let length = Int(String(decoding: buffer[..<colon], as: UTF8.self)) else { isClosed = true; break }
            let start = colon + 1
            guard buffer.count >= start + length + 1 else { break }
            let payload = Array(buffer[start..<start + length])
            guard buffer[start + length] == UInt8(ascii: ","),
                  let object = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any]
            else { isClosed = true; break }
            messages.append((object, String(decoding: payload, as: UTF8.self)))
            buffer.removeFirst(start + length + 1)
        }
        return messages
    }

    deinit { close(fd) }
}
