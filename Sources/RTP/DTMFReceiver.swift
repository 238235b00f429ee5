/// A DTMF key received as an RFC 4733 telephone event.
public struct DTMFDetection: Sendable, Hashable {
    public var event: DTMFEvent
    /// The event's RTP timestamp: when the key went down, in the sender's clock.
    public var timestamp: UInt32
    /// The duration carried by the packet that revealed the event, in milliseconds. Usually one
    /// packet interval (the key has just gone down); longer when the first packets were lost.
    public var durationMilliseconds: Int
    /// True when that packet already had the E bit: all earlier packets were lost.
    public var isEnd: Bool

    public var character: Character { event.character }
}

/// Turns received telephone-event packets into DTMF keys, each reported exactly once.
///
/// A key is reported at the first packet of its event that arrives, not at its end: a door is
/// opened on the key, and waiting for the end would add the tone duration (and, when the end
/// packets are lost, forever). The first packet that arrives may be the one with the marker bit,
/// a continuation, or even an end packet when everything before it was lost.
///
/// An event is identified by its RTP timestamp (RFC 4733 §2.5.1.2: all packets of an event carry
/// the event's start timestamp) and its code. Continuation packets, the three end packets,
/// retransmitted or duplicated first packets and late packets of an event already reported carry
/// a known identity and are ignored; so the marker bit is not needed to decide anything. A new
/// event reports even when the previous one never sent an end packet. The receiver remembers the
/// last few events, each for `eventMemory` after its last packet, so reordering between events
/// neither loses nor repeats a key.
///
/// Packets shorter than 4 bytes or carrying an event above 15 (not a DTMF key: flash, modem tones)
/// are counted in `malformedPackets` and ignored.
///
/// Nothing allocates after `init`.
public struct DTMFReceiver: Sendable {
    /// Packets ignored because they are not a DTMF telephone event.
    public private(set) var malformedPackets = 0
    /// Keys reported.
    public private(set) var detectedEvents = 0
    /// Set by the `receive` call whose packet was the first end packet of a key already
    /// reported: the key went up after being held this long. Nil after every other packet.
    public private(set) var releasedKey: (event: DTMFEvent, durationMilliseconds: Int)?

    /// How long an event is remembered after its last packet, in nanoseconds (5 s): a packet of the
    /// same timestamp and code arriving within this time is part of it.
    public static let eventMemory: UInt64 = 5_000_000_000

    private static let remembered = 4
    private let clockRate: Int
    private var events: [Event]
    private var nextSlot = 0

    private struct Event {
        var timestamp: UInt32
        var code: UInt8
        var lastArrival: UInt64
        var isUsed = false
        var isEnded = false
    }

    /// - Parameter clockRate: the telephone-event clock rate (that of the audio, 8000 for G.711).
    public init(clockRate: Int = 8000) {
        precondition(clockRate > 0, "clock rate must be positive")
        self.clockRate = clockRate
        events = [Event](repeating: Event(timestamp: 0, code: 0, lastArrival: 0), count: Self.remembered)
    }

    /// Handles the payload of one telephone-event packet; returns the key when this packet is the
    /// first seen of a new event.
    /// - Parameters:
    ///   - timestamp: the packet's RTP timestamp.
    ///   - arrival: when the packet arrived (monotonic nanoseconds).
    public mutating func receive(payload: UnsafeRawBufferPointer, timestamp: UInt32, arrival: UInt64) -> DTMFDetection? {
        releasedKey = nil
        guard let parsed = TelephoneEventPayload(parsing: payload), let event = DTMFEvent(code: parsed.event) else {
            malformedPackets += 1
            return nil
        }
        for slot in events.indices where events[slot].isUsed
            && events[slot].timestamp == timestamp && events[slot].code == event.code {
            let last = events[slot].lastArrival
            // A clock that went backwards counts as recent: better miss a key than repeat one.
            if arrival < last || arrival - last < Self.eventMemory {
                events[slot].lastArrival = max(last, arrival)
                if parsed.isEnd, !events[slot].isEnded {
                    events[slot].isEnded = true
                    releasedKey = (event, Int(parsed.duration) * 1000 / clockRate)
                }
                return nil
            }
        }
        events[nextSlot] = Event(timestamp: timestamp, code: event.code, lastArrival: arrival, isUsed: true, isEnded: parsed.isEnd)
        nextSlot = (nextSlot + 1) % Self.remembered
        detectedEvents += 1
        return DTMFDetection(event: event, timestamp: timestamp,
                             durationMilliseconds: Int(parsed.duration) * 1000 / clockRate, isEnd: parsed.isEnd)
    }

    /// Forgets all events (for a new stream: another SSRC, a re-INVITE); the counters stay.
    public mutating func reset() {
        for slot in events.indices { events[slot].isUsed = false }
        nextSlot = 0
    }
}
