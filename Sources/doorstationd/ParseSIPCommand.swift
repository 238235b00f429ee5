import ArgumentParser
import Foundation
import Network
import SIPMessage

/// `doorstationd tools parse-sip FILE…`: shows how the door station reads captured SIP messages
/// (one message per file, as a datagram), or where and why it rejects them.
struct ParseSIPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse-sip",
        abstract: "Parse SIP messages from files and print their structure as JSON.",
        discussion: "Exit status 0 only when every file parses. With --repeat N, parse and re-serialize each file N times without printing and report messages per second.")

    @Argument(help: "Files holding one SIP message each (CRLF or LF line ends).")
    var files: [String]

    @Option(name: .customLong("repeat"), help: "Parse and serialize each file this many times and report the rate.")
    var repetitions: Int?

    func validate() throws {
        if let repetitions, repetitions < 1 { throw ValidationError("--repeat must be at least 1") }
    }

    func run() throws {
        var allParsed = true
        var loaded: [(String, [UInt8])] = []
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("\(path): cannot read the file\n".utf8))
                allParsed = false
                continue
            }
            loaded.append((path, [UInt8](data)))
        }
        if let repetitions {
            allParsed = benchmark(loaded, repetitions: repetitions) && allParsed
        } else {
            for (path, bytes) in loaded {
                allParsed = printStructure(path, bytes) && allParsed
            }
        }
        if !allParsed { throw ExitCode(1) }
    }

    private func printStructure(_ path: String, _ bytes: [UInt8]) -> Bool {
        var document: [String: Any] = ["file": path]
        var parsed = true
        do {
            let result = try SIPMessageParser().parse(bytes)
            document["message"] = result.message.structure
            if result.discardedBytes > 0 { document["discarded-bytes"] = result.discardedBytes }
        } catch {
            var entry: [String: Any] = ["reason": error.reason, "status": error.statusCode]
            if error.line > 0 { entry["line"] = error.line; entry["column"] = error.column }
            if let header = error.header { entry["header"] = header }
            document["error"] = entry
            parsed = false
        }
        let json = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        print(String(decoding: json, as: UTF8.self))
        return parsed
    }

    private func benchmark(_ loaded: [(String, [UInt8])], repetitions: Int) -> Bool {
        let parser = SIPMessageParser()
        var allParsed = true
        var total = Duration.zero
        var count = 0
        for (path, bytes) in loaded {
            guard (try? parser.parse(bytes)) != nil else {
                print("\(path): does not parse")
                allParsed = false
                continue
            }
            var size = 0
            let elapsed = ContinuousClock().measure {
                for _ in 0..<repetitions {
                    if let parsed = try? parser.parse(bytes) { size &+= parsed.message.serialized().count }
                }
            }
            precondition(size > 0)
            total += elapsed
            count += repetitions
            print("\(path): \(repetitions) parses+serializations in \(Self.format(elapsed)) = \(Self.rate(repetitions, elapsed)) messages/s (\(Self.perMessage(elapsed, repetitions)) each)")
        }
        if count > 0 {
            print("total: \(count) messages in \(Self.format(total)) = \(Self.rate(count, total)) messages/s on one core")
        }
        return allParsed
    }

    static func seconds(_ duration: Duration) -> Double { duration.inSeconds }

    static func format(_ duration: Duration) -> String { String(format: "%.3f s", seconds(duration)) }
    static func rate(_ count: Int, _ duration: Duration) -> String { String(format: "%.0f", Double(count) / max(seconds(duration), 1e-9)) }
    static func perMessage(_ duration: Duration, _ count: Int) -> String { String(format: "%.2f µs", seconds(duration) * 1e6 / Double(count)) }
}
