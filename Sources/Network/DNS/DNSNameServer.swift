#if canImport(Glibc)
import Glibc
#endif

/// The recursive name server queries go to. By default the first `nameserver` of resolv.conf(5),
/// as the C library's stub resolver would use; a configured one (a site's own DNS) overrides it.
public struct DNSNameServer: Sendable, Hashable, CustomStringConvertible {
    /// A numeric IPv4 or IPv6 address: a resolver cannot resolve its own server's name.
    public var host: String
    public var port: Int

    public init(host: String, port: Int = 53) {
        self.host = host
        self.port = port
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The first `nameserver` line of `path`, port 53.
    public static func systemDefault(resolvConfPath path: String = "/etc/resolv.conf") throws(DNSError) -> DNSNameServer {
        guard let text = readSmallFile(path), let server = parseResolvConf(text) else { throw .noNameServer(path: path) }
        return server
    }

    /// The first `nameserver` line with a numeric address. Comments start with `#` or `;`.
    /// A link-local IPv6 server's zone (`fe80::1%eth0`) is kept, since the socket layer needs it.
    static func parseResolvConf(_ text: String) -> DNSNameServer? {
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver" else { continue }
            let address = fields[1]
            let withoutZone = address.split(separator: "%", maxSplits: 1).first ?? address
            if IPAddress(withoutZone) != nil { return DNSNameServer(host: String(address)) }
        }
        return nil
    }

    /// Reads up to 64 KiB; resolv.conf is a few lines, and a bound keeps a wrong path from hurting.
    private static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65536 {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
