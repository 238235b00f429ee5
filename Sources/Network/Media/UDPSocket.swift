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
        // The kernel stamps each datagram's arrival: jitter and round trip then measure the
        // network, not when the media tick happened to read the socket.
        var on = Int32(1)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_TIMESTAMPNS, &on, socklen_t(MemoryLayout<Int32>.size))
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

    /// Receives one datagram into `buffer`; nil when none is waiting. `source` is set to its
    /// sender and `arrival` to the kernel's receive time (`CLOCK_REALTIME` ns, 0 when absent).
    /// A result above `buffer.count` means the datagram was too large and was cut.
    func receive(into buffer: UnsafeMutableRawBufferPointer, source: inout MediaAddress, arrival: inout UInt64) -> Int? {
        source.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        arrival = 0
        while true {
            var vector = iovec(iov_base: buffer.baseAddress, iov_len: buffer.count)
            var control = ControlBuffer()
            let count = withUnsafeMutablePointer(to: &source.storage) { name in
                withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    withUnsafeMutableBytes(of: &control) { controlBytes in
                        var message = msghdr(msg_name: UnsafeMutableRawPointer(name), msg_namelen: socklen_t(MemoryLayout<sockaddr_storage>.size),
                                             msg_iov: vectorPointer, msg_iovlen: 1, msg_control: controlBytes.baseAddress,
                                             msg_controllen: controlBytes.count, msg_flags: 0)
                        let received = recvmsg(descriptor, &message, Int32(MSG_DONTWAIT) | Int32(MSG_TRUNC))
                        source.length = message.msg_namelen
                        if received >= 0 { arrival = Self.timestamp(in: UnsafeRawBufferPointer(rebasing: controlBytes[0..<Int(message.msg_controllen)])) }
                        return received
                    }
                }
            }
            if count >= 0 { return count }  // MSG_TRUNC: a datagram larger than the buffer shows its real size
            // ICMP port-unreachable from an earlier send surfaces as ECONNREFUSED: skip it.
            if errno == EINTR || errno == ECONNREFUSED { continue }
            return nil
        }
    }
}

extension UDPSocket {
    /// Room for one `SCM_TIMESTAMPNS` control message (a `cmsghdr` and a `timespec`), on the stack.
    struct ControlBuffer {
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    }

    /// The `SCM_TIMESTAMPNS` time in the control messages, in ns; 0 when there is none.
    /// (The `CMSG_*` macros are not visible to Swift: a `cmsghdr` is `len`, `level`, `type`,
    /// then the data aligned to `size_t`.)
    static func timestamp(in control: UnsafeRawBufferPointer) -> UInt64 {
        let header = MemoryLayout<cmsghdr>.size
        var offset = 0
        while offset + header <= control.count {
            let message = control.loadUnaligned(fromByteOffset: offset, as: cmsghdr.self)
            let length = Int(message.cmsg_len)
            guard length >= header else { return 0 }
            if message.cmsg_level == SOL_SOCKET, message.cmsg_type == SO_TIMESTAMPNS,
               offset + header + MemoryLayout<timespec>.size <= control.count {
                let time = control.loadUnaligned(fromByteOffset: offset + header, as: timespec.self)
                return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
            }
            offset += (length + MemoryLayout<Int>.size - 1) & ~(MemoryLayout<Int>.size - 1)
        }
        return 0
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
