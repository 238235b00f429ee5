extension AudioProcessingChain {
    /// What `tools aec` (and the echo tests) get from running recordings through the send pipeline.
    public struct OfflineResult: Sendable {
        /// The send path's output, as long as the microphone recording.
        public var output: [Int16]
        /// ERLE and residual echo of each half second of far-end single talk, in order.
        public var windows: [EchoQualityMeter.Window]
        public var quality: EchoQualityMeter.Summary
        /// Samples the output lags the microphone by (the chain's re-framing).
        public var latencySamples: Int
    }

    /// Runs the send pipeline over two recordings made at the same time on the panel: `farEnd` is
    /// what the speaker played, `microphone` what the microphone heard. Frames go through exactly
    /// the calls the media thread makes, 20 ms at a time, with the far end already played (no
    /// playback gain is applied to it again).
    public func runOffline(farEnd: [Int16], microphone: [Int16]) -> OfflineResult {
        let tick = sampleRate / 50
        var output = [Int16](repeating: 0, count: microphone.count)
        var windows: [EchoQualityMeter.Window] = []
        let far = UnsafeMutableBufferPointer<Int16>.allocate(capacity: tick)
        let mic = UnsafeMutableBufferPointer<Int16>.allocate(capacity: tick)
        defer {
            far.deallocate()
            mic.deallocate()
        }
        var position = 0
        var lastWindow = lastQualityWindow
        while position < microphone.count {
            let count = min(tick, microphone.count - position)
            for index in 0..<tick {
                far[index] = position + index < farEnd.count ? farEnd[position + index] : 0
                mic[index] = index < count ? microphone[position + index] : 0
            }
            processPlayback(far, queuedSamples: 0, alreadyPlayed: true)
            processCapture(mic)
            for index in 0..<count { output[position + index] = mic[index] }
            if let window = lastQualityWindow, window != lastWindow {
                windows.append(window)
                lastWindow = window
            }
            position += count
        }
        return OfflineResult(output: output, windows: windows, quality: quality, latencySamples: latencySamples)
    }
}
