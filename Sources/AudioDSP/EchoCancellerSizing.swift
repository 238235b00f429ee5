/// linphone's sizing rules for the speex canceller (`speexec.c`, shared/reference/linphonerc.md
/// §4.1): the frame is the largest power of two not above `ec_framesize`·rate/8000
/// (`ec_framesize` counts samples at 8 kHz, 0 means 64), the filter is `ec_tail_len` ms (0 means
/// 250), the reference delay `ec_delay` ms (≤ 0 means none).
public struct EchoCancellerSizing: Sendable, Hashable {
    public var frameSize: Int
    public var filterLength: Int
    public var delaySamples: Int

    public init(sampleRate: Int, framesizeAt8kHz: Int, tailMilliseconds: Int, delayMilliseconds: Int) {
        let framesize = framesizeAt8kHz > 0 ? framesizeAt8kHz : 64
        let scaled = max(1, framesize * sampleRate / 8000)
        var frame = 1
        while frame * 2 <= scaled { frame *= 2 }
        frameSize = frame
        let tail = tailMilliseconds > 0 ? tailMilliseconds : 250
        filterLength = max(frame, tail * sampleRate / 1000)
        delaySamples = max(0, delayMilliseconds) * sampleRate / 1000
    }
}
