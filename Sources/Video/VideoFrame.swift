/// A planar YUV 4:2:0 picture (I420: Y, then U, then V, each plane tightly packed), the encoder's input format.
///
/// The storage is allocated once; capture fills it again for every frame, so steady-state capture allocates nothing.
public final class I420Frame: @unchecked Sendable {
    public let width: Int
    public let height: Int
    /// Capture time, nanoseconds on the monotonic clock.
    public var timestamp: UInt64 = 0
    /// Frame number since capture started.
    public var sequence: UInt64 = 0
    public private(set) var storage: [UInt8]

    public init(width: Int, height: Int) {
        precondition(width > 0 && height > 0 && width % 2 == 0 && height % 2 == 0, "I420 needs even, positive sizes")
        self.width = width
        self.height = height
        storage = [UInt8](repeating: 0, count: width * height * 3 / 2)
    }

    public var lumaSize: Int { width * height }
    public var chromaWidth: Int { width / 2 }
    public var chromaHeight: Int { height / 2 }
    public var chromaSize: Int { chromaWidth * chromaHeight }
    /// Offsets of the U and V planes in `storage`.
    public var uOffset: Int { lumaSize }
    public var vOffset: Int { lumaSize + chromaSize }

    /// Gives access to the planes for filling or reading without copying.
    public func withPlanes<Result>(
        _ body: (_ y: UnsafeMutableBufferPointer<UInt8>, _ u: UnsafeMutableBufferPointer<UInt8>, _ v: UnsafeMutableBufferPointer<UInt8>) throws -> Result
    ) rethrows -> Result {
        let lumaSize = lumaSize, chromaSize = chromaSize
        return try storage.withUnsafeMutableBufferPointer { all in
            let base = all.baseAddress!
            return try body(
                UnsafeMutableBufferPointer(start: base, count: lumaSize),
                UnsafeMutableBufferPointer(start: base + lumaSize, count: chromaSize),
                UnsafeMutableBufferPointer(start: base + lumaSize + chromaSize, count: chromaSize))
        }
    }

    /// The luma value at a pixel.
    public func luma(x: Int, y: Int) -> UInt8 { storage[y * width + x] }
}
