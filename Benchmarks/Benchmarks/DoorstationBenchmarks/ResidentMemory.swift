import Foundation
import Glibc

/// A process's memory as Linux reports it in /proc/PID/status (proc(5)): resident set (VmRSS)
/// split into anonymous, file-backed and shared memory, its high-water mark (VmHWM) and the
/// thread count. Sizes in KiB, as the kernel gives them.
struct ResidentMemory: Sendable {
    var rss = 0
    var peak = 0
    var anonymous = 0
    var file = 0
    var shmem = 0
    var threads = 0

    init?(pid: Int32) {
        guard let text = readProcFile("/proc/\(pid)/status") else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1].split(whereSeparator: \.isWhitespace).first ?? "") else { continue }
            switch parts[0] {
            case "VmRSS": rss = value
            case "VmHWM": peak = value
            case "RssAnon": anonymous = value
            case "RssFile": file = value
            case "RssShmem": shmem = value
            case "Threads": threads = value
            default: break
            }
        }
        guard rss > 0 else { return nil }
    }

    /// `kib` KiB in MB (10⁶ bytes, the unit of the target).
    static func megabytes(_ kib: Int) -> Double { Double(kib) * 1024 / 1e6 }

    var summary: String {
        String(format: "%.1f MB RSS (anonymous %.1f, file-backed %.1f, shmem %.1f), peak %.1f MB, %d threads",
               Self.megabytes(rss), Self.megabytes(anonymous), Self.megabytes(file), Self.megabytes(shmem), Self.megabytes(peak), threads)
    }
}

/// Where a process's resident memory is, from /proc/PID/smaps: each mapping's `Rss` and
/// `Anonymous` summed by what it maps (the executable and each library, their .bss included, the
/// heap), and the unnamed
/// anonymous mappings told apart as glibc lays them out: a malloc arena of another thread starts
/// a 64 MiB-aligned reservation whose unused rest (`---p`) is just above it; a thread stack has
/// its guard page (`---p`, at most 64 KiB) just below it. `Pss` (shared pages divided among their users)
/// comes from /proc/PID/smaps_rollup.
struct MemoryBreakdown: Sendable {
    struct Entry: Sendable {
        var name: String
        var rss = 0
        var anonymous = 0
        var mappings = 0
    }

    var entries: [Entry] = []
    var pss = 0

    /// glibc's HEAP_MAX_SIZE on 64-bit: each arena of another thread is a 64 MiB reservation, aligned to its size.
    private static let arenaSize: UInt64 = 64 << 20

    private struct Mapping {
        var start: UInt64
        var end: UInt64
        var permissions: Substring
        var path: String
        var rss = 0
        var anonymous = 0
    }

    init?(pid: Int32) {
        guard let text = readProcFile("/proc/\(pid)/smaps") else { return nil }
        var mappings: [Mapping] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.contains("-"), fields.count >= 5, let dash = first.firstIndex(of: "-"),
               let start = UInt64(first[..<dash], radix: 16), let end = UInt64(first[first.index(after: dash)...], radix: 16) {
                mappings.append(Mapping(start: start, end: end, permissions: fields[1], path: fields.dropFirst(5).joined(separator: " ")))
            } else if first == "Rss:", let value = Int(fields[1]) {
                mappings[mappings.count - 1].rss = value
            } else if first == "Anonymous:", let value = Int(fields[1]) {
                mappings[mappings.count - 1].anonymous = value
            }
        }
        var groups: [String: Entry] = [:]
        for (index, mapping) in mappings.enumerated() where mapping.rss > 0 {
            var name = mapping.path
            if name.isEmpty {
                let below = index > 0 ? mappings[index - 1] : nil
                let above = index + 1 < mappings.count ? mappings[index + 1] : nil
                if let below, below.path.hasPrefix("/"), below.end == mapping.start {
                    name = below.path  // the rest of its .bss, beyond the file's last page
                } else if mapping.start % Self.arenaSize == 0, let above, above.path.isEmpty, above.permissions == "---p", above.start == mapping.end {
                    name = "[anonymous: malloc arenas of other threads]"
                } else if let below, below.path.isEmpty, below.permissions == "---p", below.end == mapping.start, below.end - below.start <= 65536 {
                    name = "[anonymous: thread stacks]"
                } else {
                    name = "[anonymous: other (large allocations, runtime)]"
                }
            }
            var entry = groups[name] ?? Entry(name: name)
            entry.rss += mapping.rss
            entry.anonymous += mapping.anonymous
            entry.mappings += 1
            groups[name] = entry
        }
        entries = groups.values.sorted { $0.rss > $1.rss }
        if let rollup = readProcFile("/proc/\(pid)/smaps_rollup"),
           let line = rollup.split(separator: "\n").first(where: { $0.hasPrefix("Pss:") }) {
            pss = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
        }
    }

    /// The `count` largest entries, one per line, indented.
    func lines(top count: Int) -> [String] {
        let total = entries.reduce(0) { $0 + $1.rss }
        var lines = entries.prefix(count).map { entry in
            String(format: "      %7.2f MB (anon %6.2f)  ", ResidentMemory.megabytes(entry.rss), ResidentMemory.megabytes(entry.anonymous))
                + Self.shortName(entry.name) + (entry.mappings > 1 ? " ×\(entry.mappings)" : "")
        }
        let rest = entries.dropFirst(count).reduce(0) { $0 + $1.rss }
        if rest > 0 { lines.append(String(format: "      %7.2f MB        everything else (%d groups)", ResidentMemory.megabytes(rest), entries.count - count)) }
        lines.append(String(format: "      %7.2f MB total; PSS %.2f MB (shared library pages divided among the processes mapping them)",
                            ResidentMemory.megabytes(total), ResidentMemory.megabytes(pss)))
        return lines
    }

    /// A library's file name without its folder; other names as they are.
    static func shortName(_ path: String) -> String {
        path.hasPrefix("/") ? String(path.split(separator: "/").last ?? Substring(path)) : path
    }
}

/// The whole of a /proc file, read until end of file: their size is 0 for `stat`, and
/// `String(contentsOfFile:)` returned only the start of a large `smaps`. The corresponding C
/// functions are `open` and `read`.
func readProcFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count >= 0 else { return nil }
        if count == 0 { return String(decoding: bytes, as: UTF8.self) }
        bytes += chunk[0..<count]
    }
}
