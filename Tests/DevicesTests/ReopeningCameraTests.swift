@testable import Devices
import Testing
import Video

/// A camera that delivers `frames` frames 40 ms apart (on the test's clock), each filled with
/// its `shade` of luma, then fails as an unplugged camera does.
final class ScriptedCamera: VideoCapture {
    let width: Int, height: Int
    let framerate = 25.0
    let shade: UInt8
    private let clock: ManualClock
    private var framesLeft: Int
    private let frame: I420Frame
    private(set) var closed = false
    static let unplugged = DeviceError(device: "/dev/video0", operation: "capturing", reason: "the camera disappeared (VIDIOC_DQBUF: No such device)")

    init(frames: Int, shade: UInt8, clock: ManualClock, width: Int = 64, height: Int = 48) {
        self.width = width
        self.height = height
        self.shade = shade
        self.clock = clock
        framesLeft = frames
        frame = I420Frame(width: width, height: height)
    }

    func capture() throws(DeviceError) -> I420Frame {
        guard !closed, framesLeft > 0 else { throw Self.unplugged }
        framesLeft -= 1
        clock.sleep(until: clock.now() + 40_000_000)
        frame.withPlanes { y, _, _ in y.update(repeating: shade) }
        frame.timestamp = clock.now()
        frame.sequence = 1000  // the wrapper numbers frames itself
        return frame
    }

    func close() { closed = true }
}

/// What `open` does on each call, in order; the last entry repeats.
final class OpenScript {
    enum Step {
        case fail(DeviceError)
        case open(ScriptedCamera)
    }

    private let steps: [Step]
    private(set) var calls = 0

    init(_ steps: [Step]) { self.steps = steps }

    func open() throws(DeviceError) -> any VideoCapture {
        let step = steps[min(calls, steps.count - 1)]
        calls += 1
        switch step {
        case .fail(let error): throw error
        case .open(let camera): return camera
        }
    }
}

@Suite struct ReopeningCameraTests {
    static let missing = DeviceError(device: "/dev/video0", operation: "opening the camera", reason: "No such file or directory")
    static let busy = DeviceError(device: "/dev/video0", operation: "opening the camera", reason: "Device or resource busy")

    static func luma(_ frame: I420Frame) -> UInt8 { frame.luma(x: 10, y: 10) }

    @Test func framesPassThroughWhileTheCameraWorks() throws {
        let clock = ManualClock()
        let camera = ScriptedCamera(frames: 10, shade: 100, clock: clock)
        let script = OpenScript([.fail(Self.missing)])
        var events: [CameraEvent] = []
        let reopening = ReopeningCamera(width: 64, height: 48, framerate: 25, clock: clock, camera: camera,
                                        report: { events.append($0) }, open: script.open)
        for expected: UInt64 in 0..<3 {
            let frame = try reopening.capture()
            #expect(frame.sequence == expected)
            #expect(frame.timestamp == clock.now(), "the camera's own timestamp")
            #expect(Self.luma(frame) == 100)
        }
        #expect(events.isEmpty && script.calls == 0 && !reopening.isLost)
        #expect(clock.sleepsInMilliseconds == [40, 80, 120], "only the camera paces")
    }

    /// The camera dies after two frames; it is tried again once a second and comes back on the
    /// `retries`th try. Meanwhile the last picture is repeated once a second, numbered on.
    @Test(arguments: [1, 2, 5])
    func lostCameraShowsTheLastPictureAndIsReopened(retries: Int) throws {
        let clock = ManualClock()
        let first = ScriptedCamera(frames: 2, shade: 100, clock: clock), second = ScriptedCamera(frames: 10, shade: 200, clock: clock)
        let script = OpenScript(Array(repeating: .fail(Self.missing), count: retries - 1) + [.open(second)])
        var events: [CameraEvent] = []
        let reopening = ReopeningCamera(width: 64, height: 48, framerate: 25, clock: clock, camera: first,
                                        report: { events.append($0) }, open: script.open)
        _ = try reopening.capture()
        _ = try reopening.capture()  // delivered at 80 ms
        for index in 0..<retries - 1 {
            let frame = try reopening.capture()
            #expect(first.closed)
            #expect(Self.luma(frame) == 100, "the last good picture")
            #expect(frame.sequence == UInt64(2 + index))
            #expect(frame.timestamp == clock.now())
            #expect(reopening.isLost)
        }
        // Lost once; the failed retries once more, as their reason differs from the loss's.
        let whileLost: [CameraEvent] = retries > 1 ? [.lost(ScriptedCamera.unplugged), .stillMissing(Self.missing)] : []
        #expect(events == whileLost)
        let back = try reopening.capture()
        #expect(Self.luma(back) == 200 && back.sequence == UInt64(retries + 1))
        #expect(events == (retries > 1 ? whileLost : [.lost(ScriptedCamera.unplugged)]) + [.reopened])
        #expect(script.calls == retries && !reopening.isLost)
        // Repeats and retries at 80 ms + 1 s, + 2 s, ...; the new camera's frame 40 ms after the last retry.
        let repeats = (1..<retries + 1).map { 80 + 1000 * Double($0) }
        #expect(clock.sleepsInMilliseconds == [40, 80] + repeats + [repeats.last! + 40])
    }

    @Test func cameraMissingFromTheStartShowsBlackAndReportsOnlyNewReasons() throws {
        let clock = ManualClock()
        let script = OpenScript([.fail(Self.missing), .fail(Self.missing), .fail(Self.busy), .fail(Self.busy), .fail(Self.missing)])
        var events: [CameraEvent] = []
        let reopening = ReopeningCamera(width: 64, height: 48, framerate: 25, clock: clock, report: { events.append($0) }, open: script.open)
        for expected: UInt64 in 0..<5 {
            let frame = try reopening.capture()
            #expect(frame.sequence == expected)
            #expect(frame.width == 64 && Self.luma(frame) == 16)
            #expect(frame.withPlanes { _, u, v in u.allSatisfy { $0 == 128 } && v.allSatisfy { $0 == 128 } }, "black")
        }
        #expect(events == [.lost(Self.missing), .stillMissing(Self.busy), .stillMissing(Self.missing)])
        #expect(script.calls == 5, "one try per picture")
        #expect(clock.sleepsInMilliseconds == [1000, 2000, 3000, 4000], "the first picture at once, then one a second")
    }

    @Test func cameraBackAtAnotherSizeIsClosedAndTheLastPictureStays() throws {
        let clock = ManualClock()
        let first = ScriptedCamera(frames: 1, shade: 100, clock: clock)
        let other = ScriptedCamera(frames: 10, shade: 200, clock: clock, width: 32, height: 24)
        let script = OpenScript([.open(other)])
        var events: [CameraEvent] = []
        let reopening = ReopeningCamera(width: 64, height: 48, framerate: 25, clock: clock, camera: first, device: "/dev/video0",
                                        report: { events.append($0) }, open: script.open)
        _ = try reopening.capture()
        let frame = try reopening.capture()
        #expect(Self.luma(frame) == 100 && frame.width == 64)
        #expect(other.closed)
        let sizeError = DeviceError(device: "/dev/video0", operation: "reopening the camera",
                                    reason: "it came back at 32x24, but the call sends 64x48; showing the last picture until it is back at that size")
        #expect(events == [.lost(ScriptedCamera.unplugged), .stillMissing(sizeError)])
    }

    @Test func reopenedCameraThatFailsAtOnceIsClosedAgain() throws {
        let clock = ManualClock()
        let dead = ScriptedCamera(frames: 0, shade: 50, clock: clock)
        let script = OpenScript([.open(dead)])
        var events: [CameraEvent] = []
        let reopening = ReopeningCamera(width: 64, height: 48, framerate: 25, clock: clock, report: { events.append($0) }, open: script.open)
        let frame = try reopening.capture()
        #expect(Self.luma(frame) == 16 && dead.closed)
        #expect(events == [.lost(ScriptedCamera.unplugged)])
    }

    @Test func closedCameraThrowsAndClosesTheOneBehindIt() {
        let clock = ManualClock()
        let camera = ScriptedCamera(frames: 10, shade: 100, clock: clock)
        let reopening = ReopeningCamera(width: 64, height: 48, framerate: 25, clock: clock, camera: camera, report: { _ in },
                                        open: OpenScript([.fail(Self.missing)]).open)
        reopening.close()
        #expect(camera.closed)
        let error = #expect(throws: DeviceError.self) { _ = try reopening.capture() }
        #expect(error?.reason == "closed")
    }
}
