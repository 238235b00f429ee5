import ArgumentParser
import Config
import Foundation

/// `doorstationd check-config FILE`: validate and show the effective settings.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration and print the effective settings with where each value comes from.",
        discussion: "Exit status 0 when the configuration is valid, 1 when it has errors (all are listed). Secrets are shown as ********.")

    @Argument(help: "The configuration file.")
    var file: String

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let result: ConfigLoadResult
        do {
            result = try ConfigFiles(userFile: file, board: options.board, boardDirectory: options.boardDir).load()
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
        for diagnostic in result.warnings { printError(diagnostic.description) }
        guard let settings = result.settings else {
            for diagnostic in result.errors { printError(diagnostic.description) }
            printError("\(result.errors.count) error(s), \(result.warnings.count) warning(s)")
            throw ExitCode(1)
        }
        print("# effective settings from \(settings.files.joined(separator: " then "))")
        print(settings.describeEffective(), terminator: "")
    }
}

func printError(_ line: String) {
    var standardError = StandardError()
    print(line, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}

