import Devices
import Foundation
import Testing

/// The sim board's screen writes exactly the access units it is shown, one after the other,
/// replaces the previous call's file, and names the file when it cannot write.
@Suite struct AnnexBRecorderTests {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("doorstation-\(UUID().uuidString)-\(name)").path
    }

    static let idr: [UInt8] = [0, 0, 0, 1, 0x67, 0x42, 0xC0, 0x1E, 0, 0, 0, 1, 0x68, 0xCE, 0x3C, 0x80, 0, 0, 0, 1, 0x65, 0x88, 0x84]
    static let p: [UInt8] = [0, 0, 0, 1, 0x41, 0x9A, 0x02]

    @Test(arguments: [
        ([AnnexBRecorderTests.idr], 1),
        ([AnnexBRecorderTests.idr, AnnexBRecorderTests.p, AnnexBRecorderTests.p], 1),
        ([AnnexBRecorderTests.idr, AnnexBRecorderTests.p, AnnexBRecorderTests.idr, AnnexBRecorderTests.p], 2),
        ([AnnexBRecorderTests.idr, [], AnnexBRecorderTests.p], 1),
    ] as [([[UInt8]], Int)])
    func unitsAreWrittenBackToBack(_ units: [[UInt8]], keyFrames: Int) throws {
        let path = temporaryPath("units.h264")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recorder = try AnnexBRecorder(path: path)
        for unit in units {
            try unit.withUnsafeBytes { try recorder.show(annexB: $0, isKeyFrame: unit.count > 4 && unit[4] == 0x67) }
        }
        // Flushed unit by unit: the file is complete before it is closed.
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == units.flatMap { $0 })
        #expect(recorder.accessUnits == units.filter { !$0.isEmpty }.count)
        #expect(recorder.keyFrames == keyFrames)
        recorder.close()
        recorder.close()
        try Self.p.withUnsafeBytes { try recorder.show(annexB: $0, isKeyFrame: false) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == units.joined().count, "closed: further units are ignored")
    }

    @Test func eachRecordingReplacesThePreviousOne() throws {
        let path = temporaryPath("calls.h264")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for _ in 0..<2 {
            let recorder = try AnnexBRecorder(path: path)
            try Self.idr.withUnsafeBytes { try recorder.show(annexB: $0, isKeyFrame: true) }
            recorder.close()
        }
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == Self.idr)
    }

    @Test func aFileThatCannotBeCreatedIsNamed() {
        #expect(throws: DeviceError(device: "/nonexistent/received.h264", operation: "creating the video recording", reason: "No such file or directory")) {
            _ = try AnnexBRecorder(path: "/nonexistent/received.h264")
        }
    }

    @Test func aFullDiskIsReportedAndTheRecordingStops() throws {
        // /dev/full takes the open and fails every write with ENOSPC.
        let recorder = try AnnexBRecorder(path: "/dev/full")
        #expect(throws: DeviceError(device: "/dev/full", operation: "writing the video recording", reason: "No space left on device")) {
            try Self.idr.withUnsafeBytes { try recorder.show(annexB: $0, isKeyFrame: true) }
        }
        #expect(recorder.accessUnits == 0)
        try Self.p.withUnsafeBytes { try recorder.show(annexB: $0, isKeyFrame: false) }
    }
}
