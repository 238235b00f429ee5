import ArgumentParser

/// The doorstationd command line.
@main
struct Doorstationd: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "doorstationd",
        abstract: "A SIP video door station for Linux single-board computers.",
        version: version,
        subcommands: [RunCommand.self, CheckConfigCommand.self, CtlCommand.self, ToolsCommand.self]
    )
}

/// Options shared by the commands that read the configuration.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Board profile name (sim, rpi4, …) or path to a profile; overrides [board] profile.")
    var board: String?

    @Option(name: .long, help: "Folder with board profiles (default: /etc/doorstation/board, /usr/share/doorstation/board, ./board).")
    var boardDir: String?
}
