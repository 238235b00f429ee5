/// The H.264 payload format parameters of `a=fmtp` (RFC 6184 §8.1).
///
/// Absent parameters take the RFC's defaults (packetization-mode 0, profile-level-id 42000A).
/// Unknown parameters, and known ones whose value does not parse, are kept in `otherParameters`
/// and written back; they never make the format unusable.
public struct H264Parameters: Sendable, Hashable {
    /// 0 = single NAL unit, 1 = non-interleaved (FU-A, STAP-A), 2 = interleaved (RFC 6184 §5.4).
    public var packetizationMode: Int
    public var profileLevelID: H264ProfileLevelID
    /// `sprop-parameter-sets`: base64 SPS and PPS NAL units, in order (RFC 6184 §8.1).
    public var spropParameterSets: [String]
    /// `max-fs`: largest frame in macroblocks the receiver takes beyond its level.
    public var maxFS: Int?
    /// `max-mbps`: macroblocks per second.
    public var maxMBPS: Int?
    /// `max-br`: bit rate in units of 1000 (VCL) or 1200 (NAL) bit/s (RFC 6184 §8.1).
    public var maxBR: Int?
    /// `level-asymmetry-allowed=1`: each direction may use its own level (RFC 6184 §8.2.2).
    public var levelAsymmetryAllowed: Bool
    /// Every other `key=value`, in order.
    public var otherParameters: [FormatParameters.Parameter]
    /// Text without `=`, in order.
    public var other: [String]

    public init(
        packetizationMode: Int = 0,
        profileLevelID: H264ProfileLevelID = .default,
        spropParameterSets: [String] = [],
        maxFS: Int? = nil,
        maxMBPS: Int? = nil,
        maxBR: Int? = nil,
        levelAsymmetryAllowed: Bool = false,
        otherParameters: [FormatParameters.Parameter] = [],
        other: [String] = []
    ) {
        self.packetizationMode = packetizationMode
        self.profileLevelID = profileLevelID
        self.spropParameterSets = spropParameterSets
        self.maxFS = maxFS
        self.maxMBPS = maxMBPS
        self.maxBR = maxBR
        self.levelAsymmetryAllowed = levelAsymmetryAllowed
        self.otherParameters = otherParameters
        self.other = other
    }

    /// Reads the parameters of one fmtp line.
    public init(_ fmtp: FormatParameters) {
        self.init(other: fmtp.other)
        for parameter in fmtp.parameters {
            let value = parameter.value.trimmingSDPSpaces
            var understood = true
            switch parameter.key.lowercased() {
            case "packetization-mode":
                if let mode = parseDecimal(value, as: UInt8.self), mode <= 2 { packetizationMode = Int(mode) } else { understood = false }
            case "profile-level-id":
                if let id = H264ProfileLevelID(hex: value) { profileLevelID = id } else { understood = false }
            case "sprop-parameter-sets":
                spropParameterSets = value.split(separator: ",").map { String($0.trimmingSDPSpaces) }
            case "max-fs": understood = Self.read(value, into: &maxFS)
            case "max-mbps": understood = Self.read(value, into: &maxMBPS)
            case "max-br": understood = Self.read(value, into: &maxBR)
            case "level-asymmetry-allowed":
                switch value {
                case "1": levelAsymmetryAllowed = true
                case "0": levelAsymmetryAllowed = false
                default: understood = false
                }
            default: understood = false
            }
            if !understood { otherParameters.append(parameter) }
        }
    }

    private static func read(_ text: Substring, into field: inout Int?) -> Bool {
        guard let number = parseDecimal(text, as: UInt32.self) else { return false }
        field = Int(number)
        return true
    }

    /// The fmtp to write: profile-level-id, packetization-mode, then the rest that is set.
    public var formatParameters: FormatParameters {
        var fmtp = FormatParameters(parameters: [
            .init("profile-level-id", profileLevelID.description),
            .init("packetization-mode", String(packetizationMode)),
        ])
        if levelAsymmetryAllowed { fmtp.parameters.append(.init("level-asymmetry-allowed", "1")) }
        if let maxFS { fmtp.parameters.append(.init("max-fs", String(maxFS))) }
        if let maxMBPS { fmtp.parameters.append(.init("max-mbps", String(maxMBPS))) }
        if let maxBR { fmtp.parameters.append(.init("max-br", String(maxBR))) }
        if !spropParameterSets.isEmpty { fmtp.parameters.append(.init("sprop-parameter-sets", spropParameterSets.joined(separator: ","))) }
        fmtp.parameters += otherParameters
        fmtp.other = other
        return fmtp
    }
}
