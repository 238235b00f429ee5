import AudioDSP
import Devices
@testable import LinuxDevices
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The ALSA backend through the real libasound2, on devices the tests define themselves (no
/// sound card exists where they run): a `file` plugin over `null` records what is played or
/// feeds capture from a file, and a `plug` fixed at 48000 Hz over `null` (under a `multi` for
/// stereo) stands in for a card that only runs at 48 kHz. None of these devices is paced in real
/// time, so each test passes a second of audio or less in milliseconds.
@Suite struct ALSAPCMTests {
    static let rates = [8000, 16000]

    @Test(arguments: rates)
    func nullDeviceCapturesAndPlaysByItsPlainName(rate: Int) throws {
        let started = ContinuousClock.now
        let capture = try ALSACapture(device: "null", format: AudioFormat(sampleRate: rate))
        let playback = try ALSAPlayback(device: "null", format: AudioFormat(sampleRate: rate))
        let period = rate / 50
        #expect(capture.periodSize == period)
        #expect(capture.negotiated == ALSAConfiguration(direction: .capture, device: "null", deviceRate: rate, rate: rate,
                                                         channels: 1, periodFrames: period, bufferFrames: 8 * period))
        #expect(playback.negotiated == ALSAConfiguration(direction: .playback, device: "null", deviceRate: rate, rate: rate,
                                                          channels: 1, periodFrames: period, bufferFrames: 4 * period))
        var buffer = [Int16](repeating: 7, count: period + 10)
        for _ in 0..<50 {  // one second of audio
            let count = try buffer.withUnsafeMutableBufferPointer { try capture.read(into: $0) }
            #expect(count == period, "a read returns one period even into a larger buffer")
            try buffer.withUnsafeBufferPointer { try playback.write(UnsafeBufferPointer(rebasing: $0[0..<count])) }
        }
        #expect(buffer[0..<period].allSatisfy { $0 == 0 }, "null captures silence")
        #expect(playback.queuedSamples == 0, "null plays everything at once")
        #expect(capture.xruns == 0 && playback.xruns == 0)
        #expect(ContinuousClock.now - started < .milliseconds(500), "null is not paced in real time")
        capture.close()
        playback.close()
        let closed = #expect(throws: DeviceError.self) { _ = try buffer.withUnsafeMutableBufferPointer { try capture.read(into: $0) } }
        #expect(closed?.reason == "closed")
    }

    @Test(arguments: rates)
    func playbackWritesTheExactSamplesOfATone(rate: Int) throws {
        let scratch = Scratch()
        let output = scratch.path("played.raw")
        let definitions = try ALSADefinitions("pcm.dstest_play { type file; slave.pcm { type null }; file \"\(output)\"; format raw }")
        let playback = try ALSAPlayback(device: "dstest_play", format: AudioFormat(sampleRate: rate), definitions: definitions)
        let tone = Self.tone(rate: rate, milliseconds: 500)
        let half = tone.count / 2
        try tone.withUnsafeBufferPointer { samples in
            for start in stride(from: 0, to: half, by: playback.periodSize) {
                try playback.write(UnsafeBufferPointer(rebasing: samples[start..<min(half, start + playback.periodSize)]))
            }
            try playback.write(UnsafeBufferPointer(rebasing: samples[half...]))  // cut into periods by the backend
        }
        #expect(playback.xruns == 0)
        playback.close()
        #expect(scratch.bytes(output) == tone.withUnsafeBytes { Array($0) })
        let period = rate / 50
        #expect(playback.negotiated.description == "playback dstest_play: \(rate) Hz mono S16, period \(period) (20 ms), buffer \(4 * period) (80 ms)")
    }

    @Test(arguments: rates)
    func captureReturnsTheFileInOrderInPeriods(rate: Int) throws {
        let scratch = Scratch()
        let input = scratch.path("heard.raw")
        let ramp = (0..<rate / 2).map { Int16(truncatingIfNeeded: $0 &* 7 - 9000) }
        scratch.write(ramp, to: input)
        let definitions = try ALSADefinitions(
            "pcm.dstest_cap { type file; slave.pcm { type null }; file \"/dev/null\"; infile \"\(input)\"; format raw }")
        let capture = try ALSACapture(device: "dstest_cap", format: AudioFormat(sampleRate: rate), definitions: definitions)
        let captured = try Self.read(capture, periods: 25)
        #expect(captured == ramp)
        let period = rate / 50
        #expect(capture.negotiated.description == "capture dstest_cap: \(rate) Hz mono S16, period \(period) (20 ms), buffer \(8 * period) (160 ms)")
    }

    @Test(arguments: rates, [false, true])
    func playbackToACardFixedAt48kHzResamplesTheTone(rate: Int, stereo: Bool) throws {
        let scratch = Scratch()
        let output = scratch.path("played48k.raw")
        let definitions = try ALSADefinitions(Self.card48kHz("dstest_48k", stereo: stereo, file: output))
        let playback = try ALSAPlayback(device: "dstest_48k", format: AudioFormat(sampleRate: rate), definitions: definitions)
        let channels = stereo ? 2 : 1
        #expect(playback.negotiated == ALSAConfiguration(direction: .playback, device: "dstest_48k", deviceRate: 48000, rate: rate,
                                                          channels: channels, periodFrames: 960, bufferFrames: 3840))
        #expect(playback.negotiated.description == "playback dstest_48k: 48000 Hz \(stereo ? "stereo" : "mono") S16, "
                + "period 960 (20 ms), buffer 3840 (80 ms), converted from \(rate) Hz mono")
        let tone = Self.tone(rate: rate, milliseconds: 500)
        try tone.withUnsafeBufferPointer { try playback.write($0) }
        #expect(playback.queuedSamples > 0 && playback.queuedSamples < rate / 100, "the resampler's filter holds a few samples")
        playback.close()
        let played = scratch.samples(output)
        let frames = played.count / channels
        #expect(abs(frames - 24000) <= 96, "500 ms at 48 kHz, give or take the resampler's filter")
        let left = stride(from: 0, to: played.count, by: channels).map { played[$0] }
        if stereo {
            #expect(stride(from: 0, to: played.count, by: 2).allSatisfy { played[$0] == played[$0 + 1] }, "both channels carry the call")
        }
        #expect(ToneDetector.relativePower(of: left.dropFirst(960), at: 1000, sampleRate: 48000) > 0.95)
        #expect(Self.peak(left.dropFirst(960)) > 14_000 && Self.peak(left) < 18_000, "unity gain: the tone's amplitude is 0.5")
    }

    @Test(arguments: rates, [false, true])
    func captureFromACardFixedAt48kHzResamplesTheTone(rate: Int, stereo: Bool) throws {
        let scratch = Scratch()
        let input = scratch.path("heard48k.raw")
        // A microphone on the left channel only: mixing down averages it with the silent right one.
        let tone = Self.tone(rate: 48000, milliseconds: 600)
        scratch.write(stereo ? tone.flatMap { [$0, 0] } : tone, to: input)
        let definitions = try ALSADefinitions(Self.card48kHz("dstest_48k", stereo: stereo, file: "/dev/null", infile: input))
        let capture = try ALSACapture(device: "dstest_48k", format: AudioFormat(sampleRate: rate), definitions: definitions)
        #expect(capture.negotiated.deviceRate == 48000 && capture.negotiated.resampling)
        #expect(capture.negotiated.channels == (stereo ? 2 : 1))
        let captured = try Self.read(capture, periods: 25)
        let settled = captured.dropFirst(capture.periodSize)
        #expect(ToneDetector.relativePower(of: settled, at: 1000, sampleRate: rate) > 0.95)
        let expectedPeak = stereo ? 8192.0 : 16384.0
        #expect(abs(Double(Self.peak(settled)) - expectedPeak) < expectedPeak * 0.1)
    }

    @Test(arguments: ["dstest_no_such_pcm", "hw:CARD=NoSuchCard", "plughw:CARD=NoSuchCard,DEV=0"])
    func missingDeviceIsNamedWithHowToListThem(name: String) {
        let capture = #expect(throws: DeviceError.self) { try ALSACapture(device: name, format: .telephony) }
        let playback = #expect(throws: DeviceError.self) { try ALSAPlayback(device: name, format: .telephony) }
        for (error, operation) in [(capture, "opening for capture"), (playback, "opening for playback")] {
            #expect(error?.device == name)
            #expect(error?.operation == operation)
            #expect(error?.reason.hasPrefix("no ALSA device with this name (arecord -L / aplay -L list them)") == true, "\(String(describing: error))")
        }
        if name == "dstest_no_such_pcm" {
            #expect(capture?.reason.hasSuffix("; alsa-lib: Unknown PCM dstest_no_such_pcm") == true, "alsa-lib's own word, not on stderr")
        }
    }

    @Test func deviceWithoutS16SaysWhatItOffers() throws {
        let definitions = try ALSADefinitions("pcm.dstest_alaw { type alaw; slave { pcm { type null }; format S16_LE } }")
        let error = #expect(throws: DeviceError.self) {
            try ALSAPlayback(device: "dstest_alaw", format: .telephony, definitions: definitions)
        }
        #expect(error?.operation == "opening for playback")
        #expect(error?.reason == "16-bit samples (S16_LE) asked, the device offers A_LAW (the plughw: device of this card converts)")
    }

    @Test func brokenDefinitionsAreRefused() {
        let error = #expect(throws: DeviceError.self) { try ALSADefinitions("pcm.dstest_broken { type file; slave.pcm {") }
        #expect(error?.operation == "parsing")
    }

    @Test(arguments: [EPIPE, ESTRPIPE])
    func playbackRecoversFromAnUnderrunWithAPeriodOfSilence(code: Int32) throws {
        let scratch = Scratch()
        let output = scratch.path("played.raw")
        let definitions = try ALSADefinitions("pcm.dstest_play { type file; slave.pcm { type null }; file \"\(output)\"; format raw }")
        let playback = try ALSAPlayback(device: "dstest_play", format: .telephony, definitions: definitions)
        let tone = Self.tone(rate: 8000, milliseconds: 80)
        try tone.withUnsafeBufferPointer { samples in
            try playback.write(UnsafeBufferPointer(rebasing: samples[0..<320]))
            try playback.recover(from: ALSAError(returned: -code))
            try playback.write(UnsafeBufferPointer(rebasing: samples[320...]))
        }
        #expect(playback.xruns == 1)
        playback.close()
        let expected = Array(tone[0..<320]) + [Int16](repeating: 0, count: 160) + Array(tone[320...])
        #expect(scratch.samples(output) == expected)
    }

    @Test(arguments: [EPIPE, ESTRPIPE])
    func captureRecoversFromAnOverrunAndReadsOn(code: Int32) throws {
        let scratch = Scratch()
        let input = scratch.path("heard.raw")
        let ramp = (0..<1600).map { Int16($0) }
        scratch.write(ramp, to: input)
        let definitions = try ALSADefinitions(
            "pcm.dstest_cap { type file; slave.pcm { type null }; file \"/dev/null\"; infile \"\(input)\"; format raw }")
        let capture = try ALSACapture(device: "dstest_cap", format: .telephony, definitions: definitions)
        let before = try Self.read(capture, periods: 2)
        try capture.recover(from: ALSAError(returned: -code))
        let after = try Self.read(capture, periods: 2)
        #expect(capture.xruns == 1)
        #expect(before + after == Array(ramp[0..<640]), "the file plugin has nothing to lose: the stream goes on where it was")
    }

    @Test func simulatedPlaybackReportsWhatItsBufferHolds() throws {
        let clock = SteppedClock()
        let playback = try SimulatedAudioPlayback(format: .telephony, bufferMilliseconds: 60, clock: clock)
        let period = [Int16](repeating: 100, count: 160)
        #expect(playback.queuedSamples == 0)
        try period.withUnsafeBufferPointer { try playback.write($0) }
        #expect(playback.queuedSamples == 160)
        clock.advance(milliseconds: 10)
        #expect(playback.queuedSamples == 80)
        try period.withUnsafeBufferPointer { try playback.write($0) }
        #expect(playback.queuedSamples == 240)
        clock.advance(milliseconds: 100)
        #expect(playback.queuedSamples == 0, "played out")
        #expect(SilentSpeaker().queuedSamples == 0, "a backend that cannot tell reports nothing queued")
    }

    @Test(arguments: [(160, 8000, "20 ms"), (1024, 48000, "21.3 ms"), (882, 44100, "20 ms"), (3840, 48000, "80 ms"), (940, 44100, "21.3 ms")])
    func millisecondsInTheLogLine(frames: Int, rate: Int, text: String) {
        #expect(ALSAConfiguration.milliseconds(frames, at: rate) == text)
    }
}

extension ALSAPCMTests {
    /// A card that only runs at 48000 Hz (and, with `stereo`, only in stereo), under a file plugin.
    /// The file plugin must sit on top: it feeds `infile` only in `snd_pcm_readi`, which `multi`
    /// and a converting `plug` above it would bypass (they move data through mmap).
    static func card48kHz(_ name: String, stereo: Bool, file: String, infile: String? = nil) -> String {
        let card = "{ type plug; slave { pcm { type null }; rate 48000 } }"
        let slave = stereo
            ? "{ type multi; slaves.a { pcm \(card) channels 2 }; bindings { 0 { slave a; channel 0 } 1 { slave a; channel 1 } } }"
            : card
        let feed = infile.map { "infile \"\($0)\";" } ?? ""
        return "pcm.\(name) { type file; file \"\(file)\"; \(feed) format raw; slave.pcm \(slave) }"
    }

    /// A 1 kHz tone at half of full scale.
    static func tone(rate: Int, milliseconds: Int) -> [Int16] {
        var generator = ToneGenerator(frequency: 1000, sampleRate: rate, amplitude: 0.5)
        var samples = [Int16](repeating: 0, count: rate * milliseconds / 1000)
        samples.withUnsafeMutableBufferPointer { generator.fill($0) }
        return samples
    }

    static func read(_ capture: ALSACapture, periods: Int) throws -> [Int16] {
        var captured: [Int16] = []
        var buffer = [Int16](repeating: 0, count: capture.periodSize)
        for _ in 0..<periods {
            let count = try buffer.withUnsafeMutableBufferPointer { try capture.read(into: $0) }
            #expect(count == capture.periodSize)
            captured += buffer[0..<count]
        }
        return captured
    }

    static func peak(_ samples: some Collection<Int16>) -> Int { samples.map { abs(Int($0)) }.max() ?? 0 }
}

/// A temporary directory for the files the file plugin reads and writes, removed with them.
final class Scratch {
    let directory: String
    private var names: [String] = []

    init() {
        var template = Array("/tmp/dstest-alsa-XXXXXX".utf8CString)
        precondition(mkdtemp(&template) != nil, "cannot make a temporary directory")
        directory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func path(_ name: String) -> String {
        names.append(name)
        return directory + "/" + name
    }

    func write(_ samples: [Int16], to path: String) {
        let file = fopen(path, "wb")!
        samples.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    }

    func bytes(_ path: String) -> [UInt8] {
        guard let file = fopen(path, "rb") else { return [] }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    func samples(_ path: String) -> [Int16] {
        bytes(path).withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
    }

    deinit {
        for name in names { unlink(directory + "/" + name) }
        rmdir(directory)
    }
}

/// A clock the test moves by hand; `sleep` jumps to the deadline.
final class SteppedClock: MediaClock {
    private let time = Mutex<UInt64>(1_000_000_000)
    func now() -> UInt64 { time.withLock { $0 } }
    func sleep(until deadline: UInt64) { time.withLock { $0 = max($0, deadline) } }
    func advance(milliseconds: UInt64) { time.withLock { $0 += milliseconds * 1_000_000 } }
}

/// A speaker that says nothing about its queue, to check the protocol's default.
final class SilentSpeaker: AudioPlayback {
    let format = AudioFormat.telephony
    func write(_ samples: UnsafeBufferPointer<Int16>) throws(DeviceError) {}
    func close() {}
}
