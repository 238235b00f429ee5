/// Why the H.264 encoder could not open, encode or change its bit rate: the operation and a reason an
/// installer or a log reader can act on (the rejected value, the C function that failed, x264's own words).
public struct H264EncoderError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What was attempted: `open`, `encode` or `reconfigure`.
    public var operation: String
    /// What went wrong, naming the values involved.
    public var reason: String

    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "H.264 encoder: \(operation) failed: \(reason)" }
}
