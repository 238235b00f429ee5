/// A picture size in pixels.
public struct FrameSize: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var area: Int { width * height }

    /// Whether the picture is at least as wide and as tall as `other`.
    public func covers(_ other: FrameSize) -> Bool { width >= other.width && height >= other.height }

    /// By area, then width: "smaller" and "larger" as the choice uses them.
    public static func < (lhs: FrameSize, rhs: FrameSize) -> Bool {
        (lhs.area, lhs.width) < (rhs.area, rhs.width)
    }

    public var description: String { "\(width)x\(height)" }
}

/// The sizes a camera offers in one format, as `VIDIOC_ENUM_FRAMESIZES` lists them
/// (Documentation/userspace-api/media/v4l/vidioc-enum-framesizes.rst).
public enum FrameSizes: Sendable, Hashable {
    /// `V4L2_FRMSIZE_TYPE_DISCRETE`: these sizes only.
    case discrete([FrameSize])
    /// `V4L2_FRMSIZE_TYPE_STEPWISE` (and `CONTINUOUS`, with steps of 1): every size from
    /// `minimum` to `maximum` in steps of `step`, each dimension on its own.
    case stepwise(minimum: FrameSize, maximum: FrameSize, step: FrameSize)
}
