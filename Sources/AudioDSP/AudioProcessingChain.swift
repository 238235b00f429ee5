/// One call's audio processing, both directions, in linphone's order (shared/DESIGN.md):
/// send: microphone → echo canceller → residual echo suppressor → echo limiter → noise gate → AGC →
/// mic gain; receive: playback gain (→ speaker gate for `el_type=full`) → speaker, with what is
/// played kept as the canceller's reference and its level given to the echo limiter.
///
/// It works on the media tick's frames (20 ms) and re-frames internally to the canceller's frame,
/// which adds at most two canceller frames of latency (16 ms at the defaults). Everything is
/// allocated in `init`; `processCapture` and `processPlayback` do not allocate.
public final class AudioProcessingChain {
    public let sampleRate: Int
    public let sizing: EchoCancellerSizing
    private let canceller: (any LinearEchoCanceller)?
    private let suppressor: ResidualEchoSuppressor?
    private var send: SendVolume
    private var receive: ReceiveVolume
    private var microphone: SampleFIFO
    private var reference: SampleFIFO
    private var processed: SampleFIFO
    private let frameMicrophone: UnsafeMutableBufferPointer<Int16>
    private let frameReference: UnsafeMutableBufferPointer<Int16>
    private let frameCancelled: UnsafeMutableBufferPointer<Int16>
    private let frameOutput: UnsafeMutableBufferPointer<Int16>
    /// A copy of an already-played frame, measured by the receive stages and thrown away.
    private let scratch: UnsafeMutableBufferPointer<Int16>
    private var meter: EchoQualityMeter
    private var divergentFrames = 0
    private var alignment: PlaybackAlignment
    /// Set when the canceller diverged and was reset; the media thread reports it and clears it.
    public var resetPending = false

    /// - Parameters:
    ///   - makeCanceller: builds the linear canceller for the sizing (speexdsp's in the daemon).
    public init(sampleRate: Int, parameters: AudioProcessingParameters, makeCanceller: (EchoCancellerSizing) -> any LinearEchoCanceller) {
        self.sampleRate = sampleRate
        let sizing = parameters.sizing(sampleRate: sampleRate)
        self.sizing = sizing
        if parameters.echoCancellation {
            canceller = makeCanceller(sizing)
            suppressor = ResidualEchoSuppressor(frameSize: sizing.frameSize, sampleRate: sampleRate, parameters: parameters.suppression)
        } else {
            canceller = nil
            suppressor = nil
        }
        send = SendVolume(parameters: parameters.volume, sampleRate: sampleRate)
        receive = ReceiveVolume(parameters: parameters.volume, sampleRate: sampleRate)
        let second = sampleRate
        microphone = SampleFIFO(capacity: second)
        reference = SampleFIFO(capacity: 2 * second + sizing.delaySamples)
        processed = SampleFIFO(capacity: second)
        frameMicrophone = .allocate(capacity: sizing.frameSize)
        frameReference = .allocate(capacity: sizing.frameSize)
        frameCancelled = .allocate(capacity: sizing.frameSize)
        frameOutput = .allocate(capacity: sizing.frameSize)
        scratch = .allocate(capacity: sampleRate / 10)
        meter = EchoQualityMeter(sampleRate: sampleRate, frameSize: sizing.frameSize)
        alignment = PlaybackAlignment()
        // The canceller's own `ec_delay`, and one frame so a tick never waits for output.
        reference.appendSilence(sizing.delaySamples)
        processed.appendSilence(sizing.frameSize)
    }

    deinit {
        frameMicrophone.deallocate()
        frameReference.deallocate()
        frameCancelled.deallocate()
        frameOutput.deallocate()
        scratch.deallocate()
    }

    /// Live tuning (SIGHUP, `ctl set`): the suppressor and the gain stages retarget smoothly;
    /// the canceller's sizes stay until the next call.
    public func update(_ parameters: AudioProcessingParameters) {
        suppressor?.update(parameters.suppression)
        send.update(parameters.volume)
        receive.update(parameters.volume)
    }

    /// How far the send path's output lags its input: the canceller's re-framing and the suppressor's overlap.
    public var latencySamples: Int { canceller == nil ? 0 : 2 * sizing.frameSize }

    /// False with `echocancellation=0`.
    public var isCancellingEcho: Bool { canceller != nil }

    /// Echo figures so far.
    public var quality: EchoQualityMeter.Summary { meter.summary }

    /// The last closed measurement window (for `tools aec`'s time line).
    public var lastQualityWindow: EchoQualityMeter.Window? { meter.lastWindow }

    /// The receive side, in place: gains and the speaker gate, then keeps what will be heard as the
    /// canceller's reference. `queuedSamples` is the speaker's backlog (what is written but not yet
    /// heard); the reference is delayed by it, so the canceller's tail is spent on the room, not the buffer.
    /// - Parameter alreadyPlayed: the frame is a recording of what the speaker played (`tools aec`):
    ///   it is measured for the echo limiter and kept as the reference, but not changed.
    public func processPlayback(_ frame: UnsafeMutableBufferPointer<Int16>, queuedSamples: Int = 0, alreadyPlayed: Bool = false) {
        if alreadyPlayed {
            let count = min(frame.count, scratch.count)
            let copy = UnsafeMutableBufferPointer(rebasing: scratch[0..<count])
            _ = copy.update(fromContentsOf: frame[0..<count])
            receive.process(copy)
        } else {
            receive.process(frame)
        }
        guard canceller != nil else { return }
        let extra = alignment.observe(queuedSamples: queuedSamples, tick: frame.count)
        if extra > 0 { reference.appendSilence(extra) }
        reference.append(UnsafeBufferPointer(frame))
    }

    /// The send side, in place.
    public func processCapture(_ frame: UnsafeMutableBufferPointer<Int16>) {
        if let canceller, let suppressor {
            microphone.append(UnsafeBufferPointer(frame))
            let size = sizing.frameSize
            while microphone.count >= size {
                _ = microphone.pop(into: frameMicrophone)
                if !reference.pop(into: frameReference) { frameReference.update(repeating: 0) }
                cancelFrame(canceller, suppressor, size: size)
                processed.append(UnsafeBufferPointer(frameOutput))
            }
            if !processed.pop(into: frame) { frame.update(repeating: 0) }
            // A reference backlog beyond the alignment means the speaker side ran ahead (after a
            // stall of the microphone): drop the excess so the echo stays inside the filter's tail.
            let excess = reference.count - (sizing.delaySamples + alignment.delay + 2 * frame.count)
            if excess > sampleRate / 10 { reference.discard(excess) }
        }
        send.process(frame, farEnd: receive.farEndLevel)
    }

    private func cancelFrame(_ canceller: any LinearEchoCanceller, _ suppressor: ResidualEchoSuppressor, size: Int) {
        let mic = UnsafePointer(frameMicrophone.baseAddress!)
        canceller.cancel(microphone: mic, reference: UnsafePointer(frameReference.baseAddress!), output: frameCancelled.baseAddress!)
        suppressor.process(error: UnsafePointer(frameCancelled.baseAddress!), microphone: mic, output: frameOutput.baseAddress!)
        let micPower = Self.power(frameMicrophone)
        let cancelledPower = Self.power(frameCancelled)
        let farActive = Self.power(frameReference) > Self.activeFarEndPower * Double(size)
        // A canceller whose output is far louder than its input has diverged (clipping, a
        // broken reference); start it over rather than send amplified noise.
        if farActive, micPower > Self.divergenceFloor * Double(size), cancelledPower > 4 * micPower {
            divergentFrames += 1
            if divergentFrames * size > sampleRate / 5 {
                canceller.reset()
                suppressor.reset()
                meter.countReset()
                divergentFrames = 0
                resetPending = true
            }
        } else {
            divergentFrames = 0
        }
        meter.add(microphone: micPower, echoRemoved: cancelledPower, sent: Self.power(frameOutput), samples: size,
                  farEndActive: farActive, nearEndActive: suppressor.echoDominance < Self.singleTalkDominance)
    }

    /// Far end counts as talking above −50 dBFS.
    static let activeFarEndPower = 104.0 * 104.0
    static let divergenceFloor = 30.0 * 30.0
    /// Below this share of echo-only bands the visitor is taken to be talking.
    static let singleTalkDominance: Float = 0.6

    static func power(_ samples: UnsafeMutableBufferPointer<Int16>) -> Double {
        var sum = 0.0
        for sample in samples { sum += Double(sample) * Double(sample) }
        return sum
    }
}

/// Delays the canceller's reference by the speaker's steady backlog, learned from the smallest
/// backlog seen over the call's first half second (minus two ticks for the capture side).
struct PlaybackAlignment {
    private(set) var delay = 0
    private var ticks = 0
    private var smallest = Int.max

    /// Returns the silence to add to the reference now (once, when learned).
    mutating func observe(queuedSamples: Int, tick: Int) -> Int {
        guard ticks <= 30 else { return 0 }
        ticks += 1
        if ticks > 5 { smallest = min(smallest, max(0, queuedSamples)) }
        guard ticks == 30, smallest != Int.max else { return 0 }
        delay = max(0, smallest - 2 * tick)
        return delay
    }
}
