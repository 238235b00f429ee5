import H264Encoder
import Testing

/// Rate control on noisy test-pattern video (see `NoiseGenerator`), 640x480 at 15 fps.
///
/// The VBV bounds every window: bits sent in T seconds ≤ peak rate · T + buffer. With the peak at the target and
/// a 500 ms buffer, no one-second window may exceed 1.5 × target; the average over 10 s should be near the target.
@Suite struct H264EncoderRateTests {
    static let framerate = 15.0

    /// The most bytes in any run of `framerate` consecutive access units, as kbit/s.
    static func largestOneSecondRate(_ units: ArraySlice<EncodedStream.AccessUnit>) -> Int {
        let sizes = units.map(\.bytes.count)
        let window = Int(framerate)
        var largest = 0
        for start in 0...max(0, sizes.count - window) { largest = max(largest, sizes[start..<min(sizes.count, start + window)].reduce(0, +)) }
        return largest * 8 / 1000
    }

    static func averageRate(_ units: ArraySlice<EncodedStream.AccessUnit>) -> Int {
        units.reduce(0) { $0 + $1.bytes.count } * 8 / 1000 * Int(framerate) / max(1, units.count)
    }

    static func encoder(kbps: Int) throws -> H264Encoder {
        try H264Encoder(H264EncoderConfiguration(width: 640, height: 480, framerate: framerate, bitrateKbps: kbps, vbvBufferMilliseconds: 500))
    }

    @Test func tenSecondsStayWithinTheTarget() throws {
        var averages: [Int] = []
        for target in [256, 1024] {
            var stream = EncodedStream()
            try stream.encode(0..<150, with: try Self.encoder(kbps: target), noise: true)
            let average = Self.averageRate(stream.units[...]), peak = Self.largestOneSecondRate(stream.units[...])
            print("target \(target) kbit/s: average \(average) kbit/s over 10 s, largest 1 s window \(peak) kbit/s, first IDR \(stream.units[0].bytes.count) bytes")
            #expect(peak <= target * 3 / 2, "target \(target): a 1 s window reached \(peak) kbit/s")
            #expect(Double(average) >= Double(target) * 0.8 && Double(average) <= Double(target) * 1.15, "target \(target): average \(average) kbit/s")
            averages.append(average)
        }
        #expect(averages[1] > averages[0] * 3, "1024 kbit/s produced \(averages[1]), 256 kbit/s \(averages[0])")
    }

    /// Dropping from 1024 to 256 kbit/s mid-stream (the peer's b=AS shrank, or RTCP shows loss) takes effect within a
    /// second or two; rising again brings the rate back.
    @Test func reconfigureChangesTheRate() throws {
        let encoder = try Self.encoder(kbps: 1024)
        var stream = EncodedStream()
        try stream.encode(0..<75, with: encoder, noise: true)
        try encoder.reconfigure(bitrateKbps: 256)
        #expect(encoder.configuration.bitrateKbps == 256)
        try stream.encode(75..<150, with: encoder, noise: true)
        try encoder.reconfigure(bitrateKbps: 1024)
        try stream.encode(150..<225, with: encoder, noise: true)

        // Each phase's last three seconds, after the rate control has settled.
        let high = Self.averageRate(stream.units[30..<75]), low = Self.averageRate(stream.units[105..<150])
        let again = Self.averageRate(stream.units[180..<225])
        print("reconfigure: 1024 kbit/s → \(high), 256 → \(low), 1024 again → \(again) kbit/s (each over 3 s)")
        #expect(high > 800 && high < 1200)
        #expect(low > 180 && low < 300)
        #expect(again > 800 && again < 1200)
        #expect(Self.largestOneSecondRate(stream.units[90..<150]) <= 256 * 3 / 2)
    }
}
