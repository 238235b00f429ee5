import AudioDSP
@testable import Devices
import Testing
import Video

@Suite struct SimulatedDevicePacingTests {
    @Test(arguments: [(8000, 20, 160), (16000, 20, 320), (8000, 10, 80)])
    func captureDeliversOnePeriodAtEachPeriodEnd(rate: Int, period: Int, samples: Int) throws {
        let clock = ManualClock()
        let capture = SimulatedAudioCapture(format: AudioFormat(sampleRate: rate), periodMilliseconds: period,
                                            source: .tone(frequency: 1000, amplitude: 0.5), clock: clock)
        var buffer = [Int16](repeating: 0, count: samples * 2)
        for _ in 0..<5 {
            let count = try buffer.withUnsafeMutableBufferPointer { try capture.read(into: $0) }
            #expect(count == samples)
        }
        // Period n is due at start + (n + 1) · period: deadlines, not relative sleeps, so no drift.
        #expect(clock.sleepsInMilliseconds == (1...5).map { Double($0 * period) })
    }

    @Test func captureDoesNotDriftWhenTheReaderIsLate() throws {
        let clock = ManualClock()
        let capture = SimulatedAudioCapture(source: .tone(frequency: 440, amplitude: 0.5), clock: clock)
        var buffer = [Int16](repeating: 0, count: 160)
        _ = try buffer.withUnsafeMutableBufferPointer { try capture.read(into: $0) }
        clock.advance(byMilliseconds: 55)  // the reader stalls for almost three periods
        for _ in 0..<3 { _ = try buffer.withUnsafeMutableBufferPointer { try capture.read(into: $0) } }
        #expect(clock.sleepsInMilliseconds == [20, 40, 60, 80], "late periods are delivered at once, then the schedule resumes")
    }

    @Test func captureToneIsTheConfiguredFrequency() throws {
        let capture = SimulatedAudioCapture(source: .tone(frequency: 1000, amplitude: 0.5), clock: ManualClock())
        var all: [Int16] = []
        var buffer = [Int16](repeating: 0, count: 160)
        for _ in 0..<25 {
            let count = try buffer.withUnsafeMutableBufferPointer { try capture.read(into: $0) }
            all += buffer[0..<count]
        }
        #expect(ToneDetector.relativePower(of: all, at: 1000, sampleRate: 8000) > 0.95)
        #expect(ToneDetector.relativePower(of: all, at: 440, sampleRate: 8000) < 0.01)
    }

    @Test func captureLoopsASampleSource() throws {
        let capture = SimulatedAudioCapture(periodMilliseconds: 20, source: .samples([1, 2, 3]), clock: ManualClock())
        var buffer = [Int16](repeating: 0, count: 160)
        _ = try buffer.withUnsafeMutableBufferPointer { try capture.read(into: $0) }
        #expect(Array(buffer[0..<7]) == [1, 2, 3, 1, 2, 3, 1])
    }

    @Test func closedCaptureFails() {
        let capture = SimulatedAudioCapture(source: .tone(frequency: 440, amplitude: 0.5), clock: ManualClock())
        capture.close()
        var buffer = [Int16](repeating: 0, count: 160)
        #expect(throws: DeviceError.self) { _ = try buffer.withUnsafeMutableBufferPointer { try capture.read(into: $0) } }
    }

    @Test func playbackBlocksOnlyWhenItsBufferIsFull() throws {
        let clock = ManualClock()
        let playback = try SimulatedAudioPlayback(bufferMilliseconds: 60, clock: clock)
        let frame = [Int16](repeating: 0, count: 160)  // 20 ms
        for _ in 0..<5 { try frame.withUnsafeBufferPointer { try playback.write($0) } }
        // Three frames fill the 60 ms buffer; the fourth waits until one has played (at 20 ms), the fifth until 40 ms.
        #expect(clock.sleepsInMilliseconds == [20, 40])
        #expect(playback.underruns == 0)
    }

    @Test func playbackCountsUnderruns() throws {
        let clock = ManualClock()
        let playback = try SimulatedAudioPlayback(bufferMilliseconds: 60, clock: clock)
        let frame = [Int16](repeating: 0, count: 160)
        try frame.withUnsafeBufferPointer { try playback.write($0) }
        clock.advance(byMilliseconds: 50)  // the 20 ms that were queued ran out 30 ms ago
        try frame.withUnsafeBufferPointer { try playback.write($0) }
        #expect(playback.underruns == 1)
        #expect(playback.samplesPlayed == 320)
    }

    @Test func cameraDeliversFramesAtItsRateWithCountersInThePicture() throws {
        let clock = ManualClock()
        let camera = SimulatedCamera(width: 320, height: 240, framerate: 25, clock: clock)
        var sequences: [UInt64] = []
        for _ in 0..<4 {
            let frame = try camera.capture()
            sequences.append(try #require(TestPattern.decodeSequence(from: frame)))
        }
        #expect(sequences == [0, 1, 2, 3])
        #expect(clock.sleepsInMilliseconds == [0, 40, 80, 120])
    }

    /// One check against the real clock: 10 periods of 20 ms cannot arrive in less than 200 ms.
    @Test func realClockPacingIsNotFasterThanRealTime() throws {
        let clock = MonotonicClock()
        let capture = SimulatedAudioCapture(source: .tone(frequency: 1000, amplitude: 0.5), clock: clock)
        var buffer = [Int16](repeating: 0, count: 160)
        let start = clock.now()
        for _ in 0..<10 { _ = try buffer.withUnsafeMutableBufferPointer { try capture.read(into: $0) } }
        let elapsed = Double(clock.now() - start) / 1e6
        #expect(elapsed >= 199, "10 periods took \(elapsed) ms")
    }
}
