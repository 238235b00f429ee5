import AudioDSP
import Video

/// A problem with a device, named so that an installer can fix the wiring or the configuration.
public struct DeviceError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The device as configured, e.g. `gpiochip0 line 17`, `/dev/video0`, `plughw:CARD=wm8960soundcard`.
    public var device: String
    /// What was being done, e.g. "opening", "reading".
    public var operation: String
    public var reason: String

    public init(device: String, operation: String, reason: String) {
        self.device = device
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "\(device): \(operation) failed: \(reason)" }
}

/// The microphone. `read` blocks until a period of samples is available, which paces the send path.
public protocol AudioCapture: AnyObject {
    var format: AudioFormat { get }
    /// Samples per channel delivered by each `read`.
    var periodSize: Int { get }
    /// Fills `buffer` (at most `periodSize` samples) and returns how many samples were written.
    func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws(DeviceError) -> Int
    func close()
}

/// The speaker. `write` blocks while the device's buffer is full, which paces the receive path.
public protocol AudioPlayback: AnyObject {
    var format: AudioFormat { get }
    /// Samples written but not yet heard, at `format`'s rate. The echo canceller delays its
    /// far-end reference by this much, so that it compares the microphone with what the speaker
    /// is playing now rather than with what was last written.
    var queuedSamples: Int { get }
    func write(_ samples: UnsafeBufferPointer<Int16>) throws(DeviceError)
    func close()
}

extension AudioPlayback {
    /// A backend that cannot tell its queue reports none: the echo canceller then relies on
    /// `[sound] ec_delay` alone.
    public var queuedSamples: Int { 0 }
}

/// The camera. `capture` blocks until the next frame and fills a frame allocated once by the backend.
public protocol VideoCapture: AnyObject {
    var width: Int { get }
    var height: Int { get }
    var framerate: Double { get }
    func capture() throws(DeviceError) -> I420Frame
    func close()
}

/// The screen for received video. `show` takes whole H.264 access units in Annex B (each NAL
/// unit after a `00 00 00 01` start code), each decodable from the ones before it: the caller
/// starts at a key frame and, after loss, resumes only at the next one. A failed `show` means
/// the screen is gone for the rest of the call.
public protocol VideoDisplay: AnyObject {
    func show(annexB: UnsafeRawBufferPointer, isKeyFrame: Bool) throws(DeviceError)
    func close()
}

/// A logical change of an input line: `pressed` means active, whatever the electrical level.
public struct LineEdge: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case pressed
        case released
    }

    public var kind: Kind
    /// Nanoseconds on the monotonic clock (the kernel's event time for GPIO).
    public var timestamp: UInt64

    public init(_ kind: Kind, at timestamp: UInt64) {
        self.kind = kind
        self.timestamp = timestamp
    }
}

/// A button or other digital input. Edges arrive in order on `edges` until the line is closed.
public protocol InputLine: AnyObject, Sendable {
    var name: String { get }
    var edges: AsyncStream<LineEdge> { get }
    func close()
}

/// A relay or LED.
public protocol OutputLine: AnyObject, Sendable {
    var name: String { get }
    var isActive: Bool { get }
    func set(_ active: Bool) throws(DeviceError)
    func close()
}
