/// A fixed-capacity ring of samples between stages that work in different frame sizes (the 20 ms
/// tick and speex's power-of-two frames). It never grows, so the media tick does not allocate.
public struct SampleFIFO: ~Copyable {
    private let storage: UnsafeMutableBufferPointer<Int16>
    private var start = 0
    public private(set) var count = 0

    public init(capacity: Int) {
        storage = .allocate(capacity: max(1, capacity))
        storage.initialize(repeating: 0)
    }

    deinit { storage.deallocate() }

    public var capacity: Int { storage.count }

    /// Appends what fits; returns how many samples were dropped because the ring was full.
    @discardableResult
    public mutating func append(_ samples: UnsafeBufferPointer<Int16>) -> Int {
        var dropped = 0
        for sample in samples {
            if count == storage.count {
                dropped += 1
                continue
            }
            storage[(start + count) % storage.count] = sample
            count += 1
        }
        return dropped
    }

    /// Appends `count` zeros (latency priming, delay lines).
    public mutating func appendSilence(_ silence: Int) {
        for _ in 0..<min(silence, storage.count - count) {
            storage[(start + count) % storage.count] = 0
            count += 1
        }
    }

    /// Moves `destination.count` samples out; false (and nothing moved) when fewer are queued.
    public mutating func pop(into destination: UnsafeMutableBufferPointer<Int16>) -> Bool {
        guard count >= destination.count else { return false }
        for index in 0..<destination.count { destination[index] = storage[(start + index) % storage.count] }
        start = (start + destination.count) % storage.count
        count -= destination.count
        return true
    }

    /// Drops `samples` of the oldest samples (at most all of them).
    public mutating func discard(_ samples: Int) {
        let dropped = min(samples, count)
        start = (start + dropped) % storage.count
        count -= dropped
    }
}
