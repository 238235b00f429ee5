@testable import Config
import Testing

@Suite struct ConfigValueParsingTests {
    @Test(arguments: [
        ("0", 0), ("42", 42), ("-1", -1), ("+7", 7), ("0x2e", 46), ("0X1F", 31), (" 60", 60), ("60\t", 60),
    ])
    func integersLinphoneReadsTheSame(_ raw: String, _ value: Int) {
        #expect(ConfigValueParsing.integer(raw) == .success(value))
    }

    @Test(arguments: [
        ("abc", "expected an integer, got \"abc\""),
        ("12ms", "expected an integer, got \"12ms\" (write the number without a unit)"),
        ("010", "\"010\" has a leading zero and linphone reads it as octal 8; write it without the zero"),
        ("09", "\"09\" has a leading zero and linphone reads it as octal; write it without the zero"),
        ("2 #note", "expected an integer, got \"2 #note\" (linphonerc has no inline comments: everything after '=' is the value)"),
        ("0x", "expected a hexadecimal integer, got \"0x\""),
        ("1.5", "expected an integer, got \"1.5\""),
        ("99999999999999999999", "integer \"99999999999999999999\" is too large"),
    ])
    func integersRefusedWithReason(_ raw: String, _ message: String) {
        #expect(ConfigValueParsing.integer(raw) == .failure(.init(message)))
    }

    @Test(arguments: [("0", false), ("1", true), (" 1", true)])
    func booleans(_ raw: String, _ value: Bool) {
        #expect(ConfigValueParsing.boolean(raw) == .success(value))
    }

    @Test(arguments: [
        ("true", "expected 0 or 1, got \"true\" (linphone reads \"true\" as 0)"),
        ("yes", "expected 0 or 1, got \"yes\" (linphone reads \"yes\" as 0)"),
        ("2", "expected 0 or 1, got \"2\""),
        ("", "expected 0 or 1, got \"\""),
    ])
    func booleansRefused(_ raw: String, _ message: String) {
        #expect(ConfigValueParsing.boolean(raw) == .failure(.init(message)))
    }

    @Test(arguments: [("0.05", 0.05), ("25", 25), ("-3.5", -3.5), ("2e-3", 0.002), (".5", 0.5)])
    func numbers(_ raw: String, _ value: Double) {
        #expect(ConfigValueParsing.number(raw) == .success(value))
    }

    @Test(arguments: [
        ("abc", "expected a number, got \"abc\""),
        ("0,5", "expected a number, got \"0,5\" (use '.' as the decimal separator)"),
        ("nan", "expected a number, got \"nan\""),
        ("inf", "expected a number, got \"inf\""),
        ("1e999", "expected a number, got \"1e999\""),
        ("3dB", "expected a number, got \"3dB\" (write the number without a unit)"),
    ])
    func numbersRefused(_ raw: String, _ message: String) {
        #expect(ConfigValueParsing.number(raw) == .failure(.init(message)))
    }

    @Test(arguments: [
        ("-1", PortRange.any), ("7078", .single(7078)), ("7078-7178", .range(7078...7178)), (" 9078-9178", .range(9078...9178)),
    ])
    func portRanges(_ raw: String, _ value: PortRange) {
        #expect(PortRange.parse(raw) == .success(value))
        #expect(PortRange.parse(value.description) == .success(value), "what is printed reads back")
    }

    @Test(arguments: [
        ("7079", "RTP port 7079 is odd; RTP uses even ports and RTCP the odd port after them"),
        ("80", "expected -1, an even port such as 7078, or a range such as 7078-7178 (ports 1024…65534), got \"80\""),
        ("9000-8000", "range \"9000-8000\" is empty: the first port must be below the second"),
        ("7078-", "expected -1, an even port such as 7078, or a range such as 7078-7178 (ports 1024…65534), got \"7078-\""),
    ])
    func portRangesRefused(_ raw: String, _ message: String) {
        #expect(PortRange.parse(raw) == .failure(.init(message)))
    }

    @Test func listsAreTrimmedAndRefuseEmptyItems() {
        #expect(ConfigValueParsing.list("a, b ,c") == .success(["a", "b", "c"]))
        #expect(ConfigValueParsing.list("a,,b") == .failure(.init("empty item in the comma-separated list \"a,,b\"")))
    }

    @Test(arguments: [("el_thrs", "el_thres"), ("echo_cancellation", "echocancellation"), ("ng_floor", "ng_floorgain")])
    func nearestKey(_ typo: String, _ expected: String) {
        let known = ["el_thres", "el_force", "echocancellation", "ng_thres", "ng_floorgain", "agc"]
        #expect(NearestName.find(typo, among: known) == expected)
    }

    @Test func nothingNearForUnrelatedNames() {
        #expect(NearestName.find("video_codec", among: ["el_thres", "agc"]) == nil)
    }
}
