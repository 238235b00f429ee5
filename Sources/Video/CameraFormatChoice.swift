/// What a camera offers in one pixel format.
public struct CameraFormatOffer: Sendable, Hashable {
    public var format: PixelFormat
    public var sizes: FrameSizes
    /// The highest frame rate the camera names for a size (`VIDIOC_ENUM_FRAMEINTERVALS`), for the
    /// sizes where it is known.
    public var maximumFramerates: [FrameSize: Double]

    public init(format: PixelFormat, sizes: FrameSizes, maximumFramerates: [FrameSize: Double] = [:]) {
        self.format = format
        self.sizes = sizes
        self.maximumFramerates = maximumFramerates
    }
}

/// The pixel format and size to ask a camera for, chosen from what it offers.
///
/// In each format the size is the one asked for if offered, else the smallest offered size that
/// covers it (scaled down later is better than blurred up), else the largest. Among formats, the
/// one whose size is closest in that sense wins; then one that reaches the frame rate asked for,
/// or comes closest (a USB 2 webcam typically sends 1280x720 as YUYV at 10 fps but as MJPEG at
/// 30); then the one cheapest to convert (`PixelFormat.preferenceOrder`).
public struct CameraFormatChoice: Sendable, Hashable, CustomStringConvertible {
    /// How the chosen size relates to the size asked for.
    public enum SizeMatch: Int, Sendable, Hashable, Comparable {
        case exact, larger, smaller

        public static func < (lhs: SizeMatch, rhs: SizeMatch) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var format: PixelFormat
    public var size: FrameSize
    public var match: SizeMatch
    /// The camera's highest rate at `size`, if it says.
    public var maximumFramerate: Double?
    public var wanted: FrameSize
    public var wantedFramerate: Double
    /// The other formats offered, with the size each would have given, for the log line.
    public var alternatives: [String]

    /// Chooses among `offers`; `nil` if none of them has a size (or there are none).
    public init?(choosingFrom offers: [CameraFormatOffer], width: Int, height: Int, framerate: Double) {
        let wanted = FrameSize(width: width, height: height)
        let candidates = offers.compactMap { offer -> Candidate? in
            guard let size = Self.size(in: offer.sizes, closestTo: wanted) else { return nil }
            return Candidate(offer: offer, size: size, match: Self.match(size, wanted),
                             maximumFramerate: offer.maximumFramerates[size])
        }
        guard let best = candidates.min(by: { $0.rank(framerate) < $1.rank(framerate) }) else { return nil }
        format = best.offer.format
        size = best.size
        match = best.match
        maximumFramerate = best.maximumFramerate
        self.wanted = wanted
        wantedFramerate = framerate
        alternatives = candidates.filter { $0.offer.format != best.offer.format }
            .sorted { $0.rank(framerate) < $1.rank(framerate) }
            .map { "\($0.offer.format) \($0.size)" + ($0.maximumFramerate.map { " up to \(Self.rate($0)) fps" } ?? "") }
    }

    /// The size a camera offering `sizes` is asked for when `wanted` is: that size if offered,
    /// else the smallest covering it, else the largest. A stepwise range does this per dimension.
    public static func size(in sizes: FrameSizes, closestTo wanted: FrameSize) -> FrameSize? {
        switch sizes {
        case .discrete(let list):
            if list.contains(wanted) { return wanted }
            return list.filter { $0.covers(wanted) }.min() ?? list.max()
        case .stepwise(let minimum, let maximum, let step):
            guard minimum.width > 0, minimum.height > 0, maximum.covers(minimum) else { return nil }
            return FrameSize(width: dimension(wanted.width, minimum.width, maximum.width, step.width),
                             height: dimension(wanted.height, minimum.height, maximum.height, step.height))
        }
    }

    /// The smallest value of `minimum + k · step` (up to `maximum`) not below `wanted`, else the largest.
    private static func dimension(_ wanted: Int, _ minimum: Int, _ maximum: Int, _ step: Int) -> Int {
        let step = max(1, step)
        let largest = minimum + (maximum - minimum) / step * step
        guard wanted > minimum else { return minimum }
        return min(largest, minimum + (wanted - minimum + step - 1) / step * step)
    }

    static func match(_ size: FrameSize, _ wanted: FrameSize) -> SizeMatch {
        size == wanted ? .exact : size.covers(wanted) ? .larger : .smaller
    }

    private struct Candidate {
        let offer: CameraFormatOffer
        let size: FrameSize
        let match: SizeMatch
        let maximumFramerate: Double?

        /// Lower is better: size match, then how far the rate falls short of the one asked for
        /// (unknown counts as reaching it), then the size itself (closest to the one asked for),
        /// then conversion cost.
        func rank(_ framerate: Double) -> (Int, Int, Int, Int) {
            let shortfall = maximumFramerate.map { $0 < framerate * 0.99 ? Int(((framerate - $0) * 1000).rounded()) : 0 } ?? 0
            let closeness = match == .smaller ? -size.area : size.area
            return (match.rawValue, shortfall, closeness, offer.format.preference)
        }
    }

    private static func rate(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String((value * 100).rounded() / 100)
    }

    /// E.g. `MJPG 1280x720 (the size asked for; up to 30 fps) for 1280x720 at 25 fps; also offered: YUYV 1280x720 up to 10 fps`.
    public var description: String {
        var text = "\(format) \(size) ("
        switch match {
        case .exact: text += "the size asked for"
        case .larger: text += "the smallest offered size above the one asked for"
        case .smaller: text += "the largest size offered, below the one asked for"
        }
        if let maximumFramerate {
            text += "; up to \(Self.rate(maximumFramerate)) fps"
            if maximumFramerate < wantedFramerate * 0.99 { text += ", fewer than asked for" }
        }
        text += ") for \(wanted) at \(Self.rate(wantedFramerate)) fps"
        if !alternatives.isEmpty { text += "; also offered: " + alternatives.joined(separator: ", ") }
        return text
    }
}
