import Glibc

/// A UDP socket bound to 127.0.0.1, for the benchmarks' stand-in peers (the apartment's SIP
/// socket and its media ports). Blocking, with every wait bounded.
final class LoopbackUDPSocket: @unchecked Sendable {
    let fd: Int32
    let port: UInt16
    /// Allocated once, so that nothing runs between `recvfrom` returning and the arrival time but the clock read.
    private let receiveBuffer: UnsafeMutableRawBufferPointer

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A datagram and where it came from; `arrival` is CLOCK_MONOTONIC (ns) read as soon as
    /// `recvfrom` returned.
    struct Datagram {
        var bytes: [UInt8]
        var source: sockaddr_in
        var arrival: UInt64
    }

    /// Binds 127.0.0.1:`port` (0: a free port the kernel picks). The corresponding C function is `bind`.
    init(port: UInt16 = 0) throws(Failure) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = Self.loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "bind 127.0.0.1:\(port): \(reason)")
        }
        var size = 1 << 20  // a second of 1080p video without drops while the drain thread sleeps
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = UInt16(bigEndian: local.sin_port)
        receiveBuffer = .allocate(byteCount: 65536, alignment: 8)
    }

    deinit {
        close(fd)
        receiveBuffer.deallocate()
    }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    /// An IPv4 literal and a port; nil for anything else. The corresponding C function is `inet_pton`.
    static func address(_ literal: String, port: UInt16) -> sockaddr_in? {
        var address = loopback(port: port)
        guard inet_pton(AF_INET, literal, &address.sin_addr) == 1 else { return nil }
        return address
    }

    /// Waits at most `timeout` seconds for a datagram. The corresponding C functions are `poll` and `recvfrom`.
    func receive(timeout: Double) -> Datagram? {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let deadline = monotonicNanoseconds() + UInt64(max(0, timeout) * 1e9)
        while true {
            let now = monotonicNanoseconds()
            let left = deadline > now ? Int32((deadline - now + 999_999) / 1_000_000) : 0
            let ready = poll(&entry, 1, left)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            break
        }
        var source = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let count = withUnsafeMutablePointer(to: &source) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, receiveBuffer.baseAddress, receiveBuffer.count, 0, $0, &length) }
        }
        let arrival = monotonicNanoseconds()
        guard count >= 0 else { return nil }
        return Datagram(bytes: Array(receiveBuffer[0..<count]), source: source, arrival: arrival)
    }

    /// Reads whatever is queued without waiting and returns the datagrams and bytes read.
    func drain(into buffer: UnsafeMutableRawBufferPointer) -> (datagrams: Int, bytes: Int) {
        var datagrams = 0, bytes = 0
        while true {
            let count = recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            guard count >= 0 else { return (datagrams, bytes) }
            datagrams += 1
            bytes += count
        }
    }

    /// The corresponding C function is `sendto`.
    func send(_ bytes: [UInt8], to destination: sockaddr_in) {
        var destination = destination
        _ = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &destination) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }
}

/// CLOCK_MONOTONIC, ns: the clock the daemon stamps button edges with.
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}
