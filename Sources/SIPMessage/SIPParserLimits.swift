/// Bounds that keep a hostile message from costing unbounded memory or time.
public struct SIPParserLimits: Sendable, Hashable {
    /// Longest header line (after unfolding) in bytes.
    public var maxLineLength: Int
    /// Most header fields, counting each list element.
    public var maxHeaderFields: Int
    /// Largest start line + header block in bytes.
    public var maxHeaderBytes: Int
    /// Largest body in bytes.
    public var maxBodyBytes: Int

    public init(maxLineLength: Int = 8192, maxHeaderFields: Int = 256, maxHeaderBytes: Int = 65_536, maxBodyBytes: Int = 65_536) {
        self.maxLineLength = maxLineLength
        self.maxHeaderFields = maxHeaderFields
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }

    public static let `default` = SIPParserLimits()
}
