/// One telephone-event packet to send in place of an audio packet.
public struct DTMFPacket: Sendable, Hashable {
    /// Bytes written to the payload buffer (always 4).
    public var payloadBytes: Int
    /// The RTP marker bit: set on the first packet of an event only (RFC 4733 §2.5.1.1).
    public var marker: Bool
    /// The RTP timestamp: the event's start, the same for all its packets (§2.5.1.2).
    public var timestamp: UInt32
}

/// Sends DTMF keys as RFC 4733 telephone events, one packet per packet interval.
///
/// The media engine calls `nextPacket` once per packet interval (its ptime) with the timestamp the
/// audio packet would carry. While it returns a packet, the engine sends that packet, with the
/// telephone-event payload type, instead of audio; on nil it sends audio.
///
/// An event goes out as (RFC 4733 §2.5.1):
/// - a first packet with the marker bit, the timestamp of that moment, and a duration of one interval;
/// - one packet per interval with the same timestamp and the duration grown by one interval;
/// - when the tone duration is reached, the end packet (E bit), sent three times with identical
///   content (§2.5.1.4: retransmitted to survive loss);
/// - then at least 40 ms of audio packets (the inter-digit pause of ITU-T Q.24) before the next key.
///
/// Tone durations are clamped to 40 ms (Q.24's minimum) … 0xFFFF timestamp units, so one event
/// never needs the long-event segmentation of §2.5.1.3.
///
/// The key queue has a fixed capacity; nothing allocates after `init`.
public struct DTMFSender: Sendable {
    /// The negotiated telephone-event payload type (dynamic, from the SDP `a=rtpmap`).
    public let payloadType: UInt8
    /// Keys the queue holds at most.
    public static let queueCapacity = 32

    private let interval: Int
    private let toneDuration: Int
    private let clockRate: Int
    /// The tone length of each queued key, in timestamp units (parallel to `queue`).
    private var queueDurations: [Int]
    /// The tone length of the key being sent.
    private var currentDuration = 0
    private let volume: UInt8
    private let pauseIntervals: Int

    private var queue: [UInt8]
    private var queueStart = 0
    private var queueCount = 0
    private var state = State.idle(pauseRemaining: 0)

    private enum State {
        case idle(pauseRemaining: Int)
        case sending(event: UInt8, start: UInt32, duration: Int)
        case ending(event: UInt8, start: UInt32, duration: Int, repeatsLeft: Int)
    }

    /// - Parameters:
    ///   - clockRate: RTP clock rate of telephone-event, equal to the audio's (8000 for G.711).
    ///   - packetIntervalMilliseconds: how often `nextPacket` is called (the audio ptime).
    ///   - toneDurationMilliseconds: length of each key's tone, at least 40.
    ///   - volume: power level in −dBm0 (0…63), 10 meaning −10 dBm0.
    public init(payloadType: UInt8, clockRate: Int = 8000, packetIntervalMilliseconds: Int = 20,
                toneDurationMilliseconds: Int = 100, volume: UInt8 = 10) {
        precondition(clockRate > 0 && packetIntervalMilliseconds > 0, "clock rate and packet interval must be positive")
        self.payloadType = payloadType
        interval = max(1, clockRate * packetIntervalMilliseconds / 1000)
        self.clockRate = clockRate
        toneDuration = min(0xFFFF, clockRate * max(40, toneDurationMilliseconds) / 1000)
        queueDurations = [Int](repeating: 0, count: Self.queueCapacity)
        self.volume = min(volume, 63)
        pauseIntervals = max(1, (40 + packetIntervalMilliseconds - 1) / packetIntervalMilliseconds)
        queue = [UInt8](repeating: 0, count: Self.queueCapacity)
    }

    /// Queues a key, held for `durationMilliseconds` (nil: the sender's tone duration; clamped
    /// like it); false when `digit` is not a DTMF key or the queue is full.
    public mutating func enqueue(_ digit: Character, durationMilliseconds: Int? = nil) -> Bool {
        guard let event = DTMFEvent(digit), queueCount < Self.queueCapacity else { return false }
        let slot = (queueStart + queueCount) % Self.queueCapacity
        queue[slot] = event.code
        queueDurations[slot] = durationMilliseconds.map { min(0xFFFF, clockRate * max(40, $0) / 1000) } ?? toneDuration
        queueCount += 1
        return true
    }

    /// Keys waiting to be sent (not counting the one being sent).
    public var queuedDigits: Int { queueCount }

    /// True from the first packet of an event to its last end packet.
    public var isActive: Bool {
        if case .idle = state { false } else { true }
    }

    /// The packet to send in this interval, written into `payload` (at least 4 bytes), or nil
    /// when audio should be sent.
    public mutating func nextPacket(currentTimestamp: UInt32, into payload: UnsafeMutableRawBufferPointer) -> DTMFPacket? {
        switch state {
        case .idle(let pauseRemaining):
            if pauseRemaining > 0 {
                state = .idle(pauseRemaining: pauseRemaining - 1)
                return nil
            }
            guard queueCount > 0 else { return nil }
            let event = queue[queueStart]
            currentDuration = queueDurations[queueStart]
            queueStart = (queueStart + 1) % Self.queueCapacity
            queueCount -= 1
            return send(event: event, start: currentTimestamp, duration: min(interval, currentDuration), marker: true, into: payload)
        case .sending(let event, let start, let duration):
            return send(event: event, start: start, duration: min(duration + interval, currentDuration), marker: false, into: payload)
        case .ending(let event, let start, let duration, let repeatsLeft):
            state = repeatsLeft > 1
                ? .ending(event: event, start: start, duration: duration, repeatsLeft: repeatsLeft - 1)
                : .idle(pauseRemaining: pauseIntervals)
            return write(event: event, start: start, duration: duration, isEnd: true, marker: false, into: payload)
        }
    }

    /// Drops the queued keys; an event already started still ends properly.
    public mutating func removeQueuedDigits() {
        queueStart = 0
        queueCount = 0
    }

    private mutating func send(event: UInt8, start: UInt32, duration: Int, marker: Bool,
                               into payload: UnsafeMutableRawBufferPointer) -> DTMFPacket {
        let isEnd = duration >= currentDuration
        // §2.5.1.4: the end packet goes out three times in all; two repeats follow.
        state = isEnd
            ? .ending(event: event, start: start, duration: duration, repeatsLeft: 2)
            : .sending(event: event, start: start, duration: duration)
        return write(event: event, start: start, duration: duration, isEnd: isEnd, marker: marker, into: payload)
    }

    private func write(event: UInt8, start: UInt32, duration: Int, isEnd: Bool, marker: Bool,
                       into payload: UnsafeMutableRawBufferPointer) -> DTMFPacket {
        let bytes = TelephoneEventPayload(event: event, isEnd: isEnd, volume: volume, duration: UInt16(duration))
            .write(to: payload)
        return DTMFPacket(payloadBytes: bytes, marker: marker, timestamp: start)
    }
}
