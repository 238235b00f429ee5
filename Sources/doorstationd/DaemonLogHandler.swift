import Config
import Foundation
import Logging
import Synchronization

/// The level every logger of the daemon follows; SIGHUP and `--log-level` change it at run time.
final class SharedLogLevel: Sendable {
    private let raw: Atomic<UInt8>

    init(_ level: Logger.Level) { raw = Atomic(Self.code(level)) }

    var level: Logger.Level {
        get { Logger.Level.allCases[Int(raw.load(ordering: .relaxed))] }
        set { raw.store(Self.code(newValue), ordering: .relaxed) }
    }

    private static func code(_ level: Logger.Level) -> UInt8 { UInt8(Logger.Level.allCases.firstIndex(of: level)!) }
}

/// Writes one line per message to stderr: `LEVEL label: message key=value …`.
///
/// Under systemd (stderr connected to the journal, `$JOURNAL_STREAM`), each line starts with the
/// sd-daemon priority prefix `<N>` so journald keeps the level, and the time is left to the journal.
/// Otherwise each line starts with an ISO 8601 time.
struct DaemonLogHandler: LogHandler {
    let label: String
    let sharedLevel: SharedLogLevel
    let toJournal: Bool
    var metadata: Logger.Metadata = [:]

    var logLevel: Logger.Level {
        get { sharedLevel.level }
        set { sharedLevel.level = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = toJournal ? "<\(Self.priority(event.level))>" : Self.timestamp() + " "
        line += "\(event.level.rawValue.uppercased()) \(label): \(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() {
            line += " \(key)=\(Self.quoted("\(merged[key]!)"))"
        }
        line += "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// syslog priorities as sd-daemon(3) defines them.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func quoted(_ value: String) -> String {
        value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) || value.isEmpty
            ? "\"" + value.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : value
    }

    static func timestamp() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var broken = tm()
        var seconds = time.tv_sec
        gmtime_r(&seconds, &broken)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", broken.tm_year + 1900, broken.tm_mon + 1, broken.tm_mday,
                      broken.tm_hour, broken.tm_min, broken.tm_sec, time.tv_nsec / 1_000_000)
    }

    /// Whether stderr is the journal stream systemd connected (`$JOURNAL_STREAM` names its device and inode).
    static func stderrIsJournal(environment: [String: String]) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}

extension Logger.Level {
    init(_ level: DoorSettings.LogLevel) {
        self = Logger.Level(rawValue: level.rawValue) ?? .info
    }
}
