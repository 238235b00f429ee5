@testable import Config
import Testing

/// The lexical rules of linphonerc (shared/reference/linphonerc.md §1.1).
@Suite struct ConfigFileParserTests {
    private func parse(_ text: String) -> ConfigFile { ConfigFileParser().parse(text, path: "t.conf").file }

    @Test(arguments: ["a\nb\n", "a\r\nb\r\n", "a\rb\r", "a\nb"])
    func lineEndings(_ text: String) {
        #expect(ConfigFileParser.lines(of: text).map(String.init) == ["a", "b"])
    }

    @Test func valueKeepsLeadingSpaceAndLosesTrailingSpaces() {
        let file = parse("[s]\nk= value with = and # inside  \n")
        #expect(file["s"]?["k"]?.raw == " value with = and # inside")
    }

    @Test func lastDuplicateWinsAndKeepsItsLine() {
        let file = parse("[s]\nk=1\nk=2\n")
        #expect(file["s"]?["k"] == ConfigValue(raw: "2", file: "t.conf", line: 3))
    }

    @Test func reopenedSectionMerges() {
        let file = parse("[s]\na=1\n[t]\nb=2\n[s]\nc=3\n")
        #expect(file.sections.map(\.name) == ["s", "t"])
        #expect(file["s"]?.keys == ["a", "c"])
    }

    @Test func sectionParametersAreKept() {
        let file = parse("[proxy_0 readonly=1 x=y]\nk=v\n")
        #expect(file["proxy_0"]?.parameters == ["readonly": "1", "x": "y"])
    }

    @Test func commentsAndBlankLinesAreSkippedAndBOMIgnored() {
        let (file, diagnostics) = ConfigFileParser().parse("\u{FEFF}# top\n[s]\n   # indented comment\n\nk=v\n", path: "t.conf")
        #expect(file["s"]?["k"]?.raw == "v")
        #expect(diagnostics.isEmpty)
    }

    @Test func quotesAreLiteral() {
        #expect(parse("[s]\nk=\"a\" <sip:b@c>\n")["s"]?["k"]?.raw == "\"a\" <sip:b@c>")
    }

    @Test func overlongLineIsAnError() {
        let long = String(repeating: "x", count: ConfigFileParser.maximumLineLength + 1)
        let (_, diagnostics) = ConfigFileParser().parse("[s]\nk=\(long)\n", path: "t.conf")
        #expect(diagnostics.map(\.description) == ["t.conf:2: line is 16386 bytes long; linphonerc lines are at most 16383 bytes"])
    }
}
