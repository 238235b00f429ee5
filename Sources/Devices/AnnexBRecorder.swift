#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The simulated screen: records what it is shown to an H.264 Annex B file (`[board]
/// sim_video_sink`), which `ffprobe -f h264`, `ffplay` or `ffmpeg -f h264 -i FILE -c copy OUT.mp4`
/// read. The file is replaced when the recorder opens (each call), and flushed after every access
/// unit, so that it holds whole pictures even while the call runs.
public final class AnnexBRecorder: VideoDisplay {
    public let path: String
    private var file: UnsafeMutablePointer<FILE>?
    public private(set) var accessUnits = 0
    public private(set) var keyFrames = 0
    public private(set) var bytes = 0

    /// Creates (or truncates) the file. The corresponding C function is `fopen`.
    public init(path: String) throws(DeviceError) {
        guard let file = fopen(path, "wb") else {
            throw DeviceError(device: path, operation: "creating the video recording", reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.file = file
    }

    /// Appends one access unit as it came (the start codes are already in it). The corresponding
    /// C functions are `fwrite` and `fflush`. After a failure the file is closed and further
    /// units are ignored.
    public func show(annexB: UnsafeRawBufferPointer, isKeyFrame: Bool) throws(DeviceError) {
        guard let file, let base = annexB.baseAddress, !annexB.isEmpty else { return }
        guard fwrite(base, 1, annexB.count, file) == annexB.count, fflush(file) == 0 else {
            let reason = String(cString: strerror(errno))
            close()
            throw DeviceError(device: path, operation: "writing the video recording", reason: reason)
        }
        accessUnits += 1
        if isKeyFrame { keyFrames += 1 }
        bytes += annexB.count
    }

    /// Closes the file. Safe to call twice.
    public func close() {
        guard let file else { return }
        fclose(file)
        self.file = nil
    }

    deinit {
        close()
    }
}
