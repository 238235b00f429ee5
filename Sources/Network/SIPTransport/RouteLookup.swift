import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Finds which local address the kernel would use toward a peer, for a socket bound to a wildcard
/// address whose Via/Contact must carry a real one (RFC 3261 §18.1.1 sent-by, §8.1.1.8 Contact).
enum RouteLookup {
    /// The source address of the route to `remote`. The corresponding C calls are `connect(2)` on
    /// an unbound UDP socket, which sends nothing and does not block, then `getsockname(2)`.
    static func localAddress(toward remote: SocketAddress) -> String? {
        let family = remote.protocol.rawValue
        let descriptor = socket(family, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        let connected = remote.withSockAddr { address, size in
            connect(descriptor, address, socklen_t(size))
        }
        guard connected == 0 else { return nil }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { return nil }
        let local: SocketAddress
        switch Int32(storage.ss_family) {
        case AF_INET: local = withUnsafeBytes(of: storage) { SocketAddress($0.load(as: sockaddr_in.self)) }
        case AF_INET6: local = withUnsafeBytes(of: storage) { SocketAddress($0.load(as: sockaddr_in6.self)) }
        default: return nil
        }
        return local.ipAddress
    }

    /// With no peer to route toward: the first address of the family on an interface that is up,
    /// preferring non-loopback ones.
    static func someLocalAddress(ipv6: Bool) -> String? {
        let devices = (try? System.enumerateDevices()) ?? []
        let addresses = devices.compactMap { device -> (String, Bool)? in
            guard let address = device.address, let ip = address.ipAddress,
                  (address.protocol == .inet6) == ipv6, !ip.hasPrefix("fe80") else { return nil }
            return (ip, ip == "127.0.0.1" || ip == "::1")
        }
        return (addresses.first { !$0.1 } ?? addresses.first)?.0
    }
}
