/// `profile-level-id` (RFC 6184 §8.1): three bytes in hex, `profile_idc`, `profile-iop` (the
/// constraint_set flags) and `level_idc`, e.g. `42e01f` = Constrained Baseline, level 3.1.
public struct H264ProfileLevelID: Sendable, Hashable, CustomStringConvertible {
    public var profileIDC: UInt8
    /// constraint_set0_flag is bit 7, set1 bit 6, set2 bit 5, set3 bit 4 (H.264 §7.4.2.1.1).
    public var profileIOP: UInt8
    public var levelIDC: UInt8

    public init(profileIDC: UInt8, profileIOP: UInt8, levelIDC: UInt8) {
        self.profileIDC = profileIDC
        self.profileIOP = profileIOP
        self.levelIDC = levelIDC
    }

    /// Six hex digits, either case; nil otherwise.
    public init?(hex text: some StringProtocol) {
        let digits = Array(text.utf8)
        guard digits.count == 6, text.allSatisfy(\.isASCIIHexDigit) else { return nil }
        func byte(_ index: Int) -> UInt8 { UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) ?? 0 }
        self.init(profileIDC: byte(0), profileIOP: byte(2), levelIDC: byte(4))
    }

    /// RFC 6184 §8.1: the value when the parameter is absent, Baseline level 1.0.
    public static let `default` = H264ProfileLevelID(profileIDC: 0x42, profileIOP: 0x00, levelIDC: 0x0A)
    /// Constrained Baseline level 3.1: what a door station's encoder produces by default.
    public static let constrainedBaseline31 = H264ProfileLevelID(profileIDC: 0x42, profileIOP: 0xE0, levelIDC: 0x1F)

    /// Lowercase hex, as libwebrtc and baresip write it.
    public var description: String {
        [profileIDC, profileIOP, levelIDC].map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// The profile these bytes name per RFC 6184 §8.1 Table 5, nil for one it does not list.
    /// The low four profile-iop bits (constraint_set4/5 and reserved in later H.264 editions)
    /// are ignored, as libwebrtc does.
    public var profile: H264Profile? {
        let set0 = profileIOP & 0x80 != 0, set1 = profileIOP & 0x40 != 0, set2 = profileIOP & 0x20 != 0, set3 = profileIOP & 0x10 != 0
        switch profileIDC {
        case 0x42: return set1 ? .constrainedBaseline : .baseline
        case 0x4D: return set0 ? .constrainedBaseline : (set2 ? nil : .main)
        case 0x58: return set0 ? (set1 ? .constrainedBaseline : .baseline) : (set1 ? nil : .extended)
        case 0x64: return profileIOP & 0xF0 == 0 ? .high : nil
        case 0x6E: return set3 ? .high10Intra : .high10
        case 0x7A: return set3 ? .high422Intra : .high422
        case 0xF4: return set3 ? .high444Intra : .high444
        case 0x2C: return .cavlc444Intra
        default: return nil
        }
    }

    /// The level, reading level 1b the two ways H.264 §A.3.1 encodes it.
    public var level: H264Level {
        if levelIDC == 9 { return .level1b }
        if levelIDC == 11, profileIOP & 0x10 != 0, [0x42, 0x4D, 0x58].contains(profileIDC) { return .level1b }
        return H264Level(levelIDC: levelIDC)
    }

    /// The same profile at another level (encoding 1b as the profile requires).
    public func with(level: H264Level) -> H264ProfileLevelID {
        var copy = self
        let usesSet3ForLevel1b = [0x42, 0x4D, 0x58].contains(profileIDC)
        if usesSet3ForLevel1b { copy.profileIOP &= ~0x10 }
        if level == .level1b {
            if usesSet3ForLevel1b {
                copy.profileIOP |= 0x10
                copy.levelIDC = 11
            } else {
                copy.levelIDC = 9
            }
        } else {
            copy.levelIDC = level.levelIDC
        }
        return copy
    }
}

/// The H.264 profiles of RFC 6184 §8.1 Table 5.
public enum H264Profile: String, Sendable, Hashable {
    case constrainedBaseline, baseline, main, extended, high, high10, high422, high444
    case high10Intra, high422Intra, high444Intra, cavlc444Intra

    /// Whether a decoder of this profile decodes every stream of `stream`'s profile, which is
    /// what RFC 6184 §8.1 profile compatibility comes down to for a sender. Constrained Baseline
    /// is the common subset of Baseline, Main and Extended (H.264 §A.2.1.1); Extended decoders
    /// take Baseline (§A.2.3); the High profiles decode Main and each other upwards (§A.2.4–
    /// A.2.6); the intra-only profiles decode nothing with P slices, only themselves.
    public func decodes(_ stream: H264Profile) -> Bool {
        if self == stream { return true }
        let highFamily: [H264Profile] = [.high, .high10, .high422, .high444]
        switch stream {
        case .constrainedBaseline: return [.baseline, .main, .extended].contains(self) || highFamily.contains(self)
        case .baseline: return self == .extended
        case .main: return highFamily.contains(self)
        case .high, .high10, .high422, .high444:
            guard let streamRank = highFamily.firstIndex(of: stream), let ownRank = highFamily.firstIndex(of: self) else { return false }
            return ownRank >= streamRank
        case .extended, .high10Intra, .high422Intra, .high444Intra, .cavlc444Intra: return false
        }
    }
}

/// An H.264 level (H.264 Annex A), ordered, with level 1b between 1 and 1.1.
public struct H264Level: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `level_idc`: ten times the level number (31 = 3.1); 1b is kept apart.
    public var levelIDC: UInt8
    public var is1b: Bool

    public init(levelIDC: UInt8) {
        self.levelIDC = levelIDC
        self.is1b = false
    }

    private init(level1b: ()) {
        levelIDC = 11
        is1b = true
    }

    public static let level1b = H264Level(level1b: ())
    public static let level3_1 = H264Level(levelIDC: 31)

    /// 1 → 100, 1b → 105, 1.1 → 110, …
    private var rank: Int { is1b ? 105 : Int(levelIDC) * 10 }

    public static func < (lhs: H264Level, rhs: H264Level) -> Bool { lhs.rank < rhs.rank }

    public var description: String {
        if is1b { return "1b" }
        return levelIDC % 10 == 0 ? "\(levelIDC / 10)" : "\(levelIDC / 10).\(levelIDC % 10)"
    }
}
