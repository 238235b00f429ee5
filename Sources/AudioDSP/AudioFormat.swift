/// Mono 16-bit PCM at a given rate, the format every audio stage of doorstation works in.
public struct AudioFormat: Sendable, Hashable, CustomStringConvertible {
    public var sampleRate: Int
    public var channels: Int

    public init(sampleRate: Int, channels: Int = 1) {
        precondition(sampleRate > 0 && channels > 0, "invalid audio format")
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Narrow-band telephony, the rate of G.711.
    public static let telephony = AudioFormat(sampleRate: 8000)

    /// Samples per channel in `milliseconds` of audio.
    public func samples(milliseconds: Int) -> Int { sampleRate * milliseconds / 1000 }

    /// Nanoseconds taken by `samples` samples per channel.
    public func nanoseconds(samples: Int) -> UInt64 { UInt64(samples) * 1_000_000_000 / UInt64(sampleRate) }

    public var description: String { "\(sampleRate) Hz, \(channels == 1 ? "mono" : "\(channels) channels"), S16" }
}
