/// What an ALSA device really accepted, which may differ from what was asked: a `hw:` device
/// often runs only at 48000 or 44100 Hz and in stereo, and rounds periods to its DMA sizes.
///
/// Logged at start-up and when a call opens the devices, so that an installer sees at once
/// whether the backend resamples or mixes channels, and how much latency the buffer adds.
public struct ALSAConfiguration: Sendable, Hashable, CustomStringConvertible {
    public enum Direction: String, Sendable, Hashable {
        case capture
        case playback
    }

    public var direction: Direction
    /// The ALSA PCM name as configured, e.g. `plughw:CARD=wm8960soundcard`.
    public var device: String
    /// The rate the device runs at.
    public var deviceRate: Int
    /// The rate of `read` and `write`; differs from `deviceRate` when the backend resamples.
    public var rate: Int
    /// 1, or 2 when the device takes no mono and the backend mixes down (capture) or duplicates (playback).
    public var channels: Int
    /// The device's period (frames at `deviceRate`): how often it wakes a blocked read or write.
    public var periodFrames: Int
    /// The device's ring buffer (frames at `deviceRate`): the most playback can queue.
    public var bufferFrames: Int

    /// True when speexdsp converts between `deviceRate` and `rate`.
    public var resampling: Bool { deviceRate != rate }

    /// e.g. `capture plughw:CARD=x: 8000 Hz mono S16, period 160 (20 ms), buffer 640 (80 ms)`.
    public var description: String {
        let layout = channels == 1 ? "mono" : channels == 2 ? "stereo" : "\(channels) channels"
        var text = "\(direction.rawValue) \(device): \(deviceRate) Hz \(layout) S16, "
            + "period \(periodFrames) (\(Self.milliseconds(periodFrames, at: deviceRate))), "
            + "buffer \(bufferFrames) (\(Self.milliseconds(bufferFrames, at: deviceRate)))"
        if resampling || channels != 1 {
            let converted = direction == .capture ? "converted to" : "converted from"
            text += ", \(converted) \(rate) Hz mono"
        }
        return text
    }

    /// "20 ms", or "21.3 ms" when the frames are not a whole number of milliseconds.
    static func milliseconds(_ frames: Int, at rate: Int) -> String {
        let tenths = (frames * 10_000 + rate / 2) / rate
        return tenths % 10 == 0 ? "\(tenths / 10) ms" : "\(tenths / 10).\(tenths % 10) ms"
    }
}
