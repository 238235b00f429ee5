/// How well the echo is removed, measured where it matters: during far-end single talk, when
/// everything the microphone hears is echo. Echo return loss enhancement (ERLE) is the microphone
/// power over the power sent; the residual echo is the level sent, in dBFS.
///
/// Frames are classified by the caller (far end active, visitor silent); the meter sums them in
/// windows of `windowFrames` single-talk frames, so each figure covers the same amount of echo.
public struct EchoQualityMeter: Sendable {
    /// One closed window of far-end single talk.
    public struct Window: Sendable, Hashable {
        /// Seconds since the start of the call (of the window's last frame).
        public var time: Double
        public var erleDB: Double
        public var residualDBFS: Double
    }

    public struct Summary: Sendable, Hashable, Codable {
        /// ERLE over the far-end single talk after the first `convergenceSeconds` of it (the
        /// canceller learning the room), nil before then.
        public var erleDB: Double?
        /// ERLE of the last window.
        public var currentERLEDB: Double?
        /// Level of the echo left in what is sent, during far-end single talk.
        public var residualEchoDBFS: Double?
        /// Attenuation of the send path while both talk (what the visitor loses), in dB.
        public var doubleTalkAttenuationDB: Double?
        /// Seconds of far-end single talk and of double talk measured.
        public var singleTalkSeconds: Double
        public var doubleTalkSeconds: Double
        /// True when the last windows suggest the far end hears itself.
        public var echoLikelyAudible: Bool
        /// Times the canceller diverged and was reset.
        public var resets: Int

        public init() {
            singleTalkSeconds = 0
            doubleTalkSeconds = 0
            echoLikelyAudible = false
            resets = 0
        }
    }

    public let sampleRate: Int
    public let windowFrames: Int
    private var windowMicrophone = 0.0
    private var windowSent = 0.0
    private var windowSamples = 0
    private var windowCount = 0
    private var totalMicrophone = 0.0
    private var totalSent = 0.0
    private var totalSingleTalkSamples = 0
    private var doubleTalkBefore = 0.0
    private var doubleTalkAfter = 0.0
    private var doubleTalkSamples = 0
    private var samplesSeen = 0
    private var audibleWindows = 0
    public private(set) var summary = Summary()
    /// The most recent closed window, for `tools aec`'s time line.
    public private(set) var lastWindow: Window?

    /// Far-end single talk the canceller is given to converge before ERLE is summed.
    public static let convergenceSeconds = 2

    /// Echo is called audible when a window's residual is above this level while ERLE is below `audibleERLEDB`.
    public static let audibleResidualDBFS = -50.0
    public static let audibleERLEDB = 20.0

    public init(sampleRate: Int, windowMilliseconds: Int = 500, frameSize: Int) {
        self.sampleRate = sampleRate
        windowFrames = max(1, windowMilliseconds * sampleRate / 1000 / max(1, frameSize))
    }

    /// Adds one frame. Returns true when it closed a window (`lastWindow` is then new).
    /// - Parameters:
    ///   - microphone/echoRemoved/sent: power sums (Σx²) of the frame at the canceller's input, after
    ///     the canceller and after the whole echo removal.
    ///   - farEndActive/nearEndActive: the classification of the frame.
    @discardableResult
    public mutating func add(microphone: Double, echoRemoved: Double, sent: Double, samples: Int, farEndActive: Bool, nearEndActive: Bool) -> Bool {
        samplesSeen += samples
        guard farEndActive, microphone.isFinite, sent.isFinite, echoRemoved.isFinite else { return false }
        if nearEndActive {
            doubleTalkBefore += echoRemoved
            doubleTalkAfter += sent
            doubleTalkSamples += samples
            summary.doubleTalkSeconds = Double(doubleTalkSamples) / Double(sampleRate)
            summary.doubleTalkAttenuationDB = Self.decibels(doubleTalkBefore, doubleTalkAfter)
            return false
        }
        windowMicrophone += microphone
        windowSent += sent
        windowSamples += samples
        windowCount += 1
        guard windowCount >= windowFrames else { return false }
        let erle = Self.decibels(windowMicrophone, windowSent)
        let residual = Self.dbfs(power: windowSent / Double(windowSamples))
        lastWindow = Window(time: Double(samplesSeen) / Double(sampleRate), erleDB: erle, residualDBFS: residual)
        if totalSingleTalkSamples >= Self.convergenceSeconds * sampleRate {
            totalMicrophone += windowMicrophone
            totalSent += windowSent
            summary.erleDB = Self.decibels(totalMicrophone, totalSent)
        }
        totalSingleTalkSamples += windowSamples
        summary.currentERLEDB = erle
        summary.residualEchoDBFS = residual
        summary.singleTalkSeconds = Double(totalSingleTalkSamples) / Double(sampleRate)
        let audible = residual > Self.audibleResidualDBFS && erle < Self.audibleERLEDB
        audibleWindows = audible ? audibleWindows + 1 : 0
        // Two windows in a row (a second of far-end speech), so one loud syllable does not warn.
        summary.echoLikelyAudible = audibleWindows >= 2
        windowMicrophone = 0
        windowSent = 0
        windowSamples = 0
        windowCount = 0
        return true
    }

    public mutating func countReset() { summary.resets += 1 }

    /// 10·log10(before/after), capped at 100 dB when nothing is left.
    static func decibels(_ before: Double, _ after: Double) -> Double {
        guard before > 0 else { return 0 }
        guard after > 0 else { return 100 }
        return min(100, 10 * log10(before / after))
    }

    /// The level of a mean square in dB re a full-scale 16-bit square wave (32768²).
    static func dbfs(power: Double) -> Double {
        power > 0 ? max(-120, 10 * log10(power / (32768.0 * 32768.0))) : -120
    }
}

#if canImport(Glibc)
import func Glibc.log10
#elseif canImport(Musl)
import func Musl.log10
#endif
