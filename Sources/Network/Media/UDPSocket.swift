import Devices

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A non-blocking UDP socket for RTP or RTCP. The media thread drains it once per tick, so
/// receiving and sending never block and never allocate.
public final class UDPSocket: @unchecked Sendable {
    let descriptor: Int32
    public let localPort: UInt16
    public let isIPv6: Bool

    /// Binds the wildcard address of the family of `localAddress` on `port`, with the DSCP mark
    /// (`IP_TOS`, or `IPV6_TCLASS`). A port in use throws `.portInUse`.
    init(localAddress: String, port: UInt16, dscp: Int) throws(MediaSocketError) {
        let ipv6 = localAddress.contains(":")
        guard var address = MediaAddress(host: ipv6 ? "::" : "0.0.0.0", port: port) else {
            throw .system(operation: "address", errno: Errno(EINVAL))
        }
        let descriptor = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .system(operation: "socket", errno: .current) }
        var traffic = Int32(dscp << 2)
        if ipv6 {
            _ = setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_TCLASS, &traffic, socklen_t(MemoryLayout<Int32>.size))
        } else {
            _ = setsockopt(descriptor, Int32(IPPROTO_IP), IP_TOS, &traffic, socklen_t(MemoryLayout<Int32>.size))
        }
        var size = Int32(256 * 1024)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, address.length) }
        }
        guard bound == 0 else {
            let error = Errno.current
            Glibc.close(descriptor)
            throw error.code == EADDRINUSE || error.code == EACCES ? .portInUse(port) : .system(operation: "bind", errno: error)
        }
        self.descriptor = descriptor
        self.localPort = port
        self.isIPv6 = ipv6
    }

    deinit { Glibc.close(descriptor) }

    /// The DSCP the socket marks its packets with, as the kernel reports it.
    var dscp: Int {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        let result = isIPv6 ? getsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_TCLASS, &value, &length)
            : getsockopt(descriptor, Int32(IPPROTO_IP), IP_TOS, &value, &length)
        return result == 0 ? Int(value) >> 2 : -1
    }

    /// Sends one datagram; false when the kernel refused it (counted by the caller).
    func send(_ bytes: UnsafeRawBufferPointer, to destination: MediaAddress) -> Bool {
        var target = destination
        let sent = withUnsafePointer(to: &target.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), $0, target.length)
            }
        }
        return sent == bytes.count
    }

    /// Receives one datagram into `buffer`; nil when none is waiting. `source` is set to its sender.
    /// A result above `buffer.count` means the datagram was too large and was cut.
    func receive(into buffer: UnsafeMutableRawBufferPointer, source: inout MediaAddress) -> Int? {
        source.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let count = withUnsafeMutablePointer(to: &source.storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT) | Int32(MSG_TRUNC), $0, &source.length)
                }
            }
            if count >= 0 { return count }  // MSG_TRUNC: a datagram larger than the buffer shows its real size
            // ICMP port-unreachable from an earlier send surfaces as ECONNREFUSED: skip it.
            if errno == EINTR || errno == ECONNREFUSED { continue }
            return nil
        }
    }
}

/// Why a media socket could not be opened.
public enum MediaSocketError: Error, Sendable, CustomStringConvertible {
    case portInUse(UInt16)
    case noFreePort(ClosedRange<Int>)
    case system(operation: String, errno: Errno)

    public var description: String {
        switch self {
        case .portInUse(let port): "UDP port \(port) is in use"
        case .noFreePort(let range): "no free RTP/RTCP port pair in \(range.lowerBound)…\(range.upperBound)"
        case .system(let operation, let errno): "\(operation): \(errno)"
        }
    }
}
