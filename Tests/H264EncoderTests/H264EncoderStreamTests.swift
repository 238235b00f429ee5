import H264Encoder
import Testing

/// The bitstream's structure, read from the bytes: where IDRs fall, what the parameter sets say, how large NAL units get.
@Suite struct H264EncoderStreamTests {
    /// NAL unit types (H.264 Table 7-1).
    static let idrSlice: UInt8 = 5, sei: UInt8 = 6, sps: UInt8 = 7, pps: UInt8 = 8

    @Test(arguments: [
        // (key frame interval, frames, forced IDRs, expected IDRs)
        (150, 30, [10], [0, 10]),
        (15, 31, [], [0, 15, 30]),
        (10, 25, [], [0, 10, 20]),
        // A forced IDR restarts the interval.
        (15, 25, [5], [0, 5, 20]),
        (1, 4, [], [0, 1, 2, 3]),
    ])
    func keyFramesFallWhereExpected(interval: Int, frames: Int, forced: [Int], expected: [Int]) throws {
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 320, height: 240, keyFrameInterval: interval))
        var stream = EncodedStream()
        try stream.encode(0..<frames, with: encoder, keyFramesAt: Set(forced))

        #expect(stream.units.indices.filter { stream.units[$0].isKeyFrame } == expected)
        #expect(encoder.keyFramesEncoded == expected.count)
        for (index, unit) in stream.units.enumerated() {
            let types = unit.nalTypes
            if expected.contains(index) {
                // SPS and PPS in band, then the IDR picture's slices.
                #expect(Array(types.prefix(2)) == [Self.sps, Self.pps], "frame \(index): \(types)")
                #expect(types.dropFirst(2).allSatisfy { $0 == Self.idrSlice }, "frame \(index): \(types)")
            } else {
                #expect(!types.contains(Self.idrSlice) && !types.contains(Self.sps), "frame \(index): \(types)")
            }
        }
    }

    /// profile_idc, the constraint flags and level_idc are SPS bytes 1…3 (after the NAL header), the SDP's profile-level-id.
    /// Constrained Baseline is profile_idc 66 with constraint_set1 (x264 also sets constraint_set0: the stream is Baseline too);
    /// PPS entropy_coding_mode_flag shows CAVLC for Constrained Baseline and CABAC for Main.
    @Test(arguments: [
        (H264EncoderConfiguration.Profile.constrainedBaseline, Int?.none, "42c016", false),
        (.constrainedBaseline, 31, "42c01f", false),
        (.main, nil, "4d4016", true),
        (.main, 40, "4d4028", true),
    ])
    func parameterSetsNameProfileAndLevel(profile: H264EncoderConfiguration.Profile, level: Int?, profileLevelID: String, cabac: Bool) throws {
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 640, height: 480, profile: profile, levelIDC: level))
        let sps = encoder.sequenceParameterSet
        #expect(sps.first == 0x67)
        #expect(sps[1...3].map { hex($0) }.joined() == profileLevelID)
        if profile == .constrainedBaseline {
            #expect(sps[1] == 66 && sps[2] & 0x40 != 0, "constraint_set1_flag marks Constrained Baseline")
        }
        // pic_parameter_set_id and seq_parameter_set_id are ue(v) 0, one bit "1" each; the entropy flag follows.
        let pps = encoder.pictureParameterSet
        #expect(pps.first == 0x68)
        #expect(pps[1] & 0xC0 == 0xC0)
        #expect((pps[1] & 0x20 != 0) == cabac)
    }

    @Test(arguments: [H264EncoderConfiguration.Profile.constrainedBaseline, .main])
    func inBandParameterSetsMatchTheAPI(profile: H264EncoderConfiguration.Profile) throws {
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 352, height: 288, profile: profile))
        var stream = EncodedStream()
        try stream.encode(0..<12, with: encoder, keyFramesAt: [8])
        for index in [0, 8] {
            let units = stream.units[index].nalUnits
            #expect(Array(units[0]) == encoder.sequenceParameterSet)
            #expect(Array(units[1]) == encoder.pictureParameterSet)
        }
        // x264's version SEI (its option string) is removed from the first access unit.
        #expect(!stream.units[0].nalTypes.contains(Self.sei))
    }

    /// x264's slice-max-size: every NAL unit, parameter sets and slices alike, fits the limit. Noise makes the pictures
    /// large enough that the unlimited stream has bigger units, so the limit is what keeps them small.
    @Test(arguments: [(640, 480, 1000), (640, 480, 500), (320, 240, 1200)])
    func nalUnitsStayWithinTheLimit(width: Int, height: Int, limit: Int) throws {
        func largestNALUnit(_ maxNALUnitSize: Int?) throws -> (largest: Int, count: Int) {
            let encoder = try H264Encoder(H264EncoderConfiguration(width: width, height: height, maxNALUnitSize: maxNALUnitSize))
            var stream = EncodedStream()
            try stream.encode(0..<20, with: encoder, keyFramesAt: [10], noise: true)
            let sizes = stream.units.flatMap { $0.nalUnits.map(\.count) }
            return (sizes.max() ?? 0, sizes.count)
        }
        let limited = try largestNALUnit(limit)
        let unlimited = try largestNALUnit(nil)
        print("\(width)x\(height) slice-max-size \(limit): largest NAL unit \(limited.largest) bytes in \(limited.count) units; without limit \(unlimited.largest) bytes in \(unlimited.count)")
        #expect(unlimited.largest > limit)
        #expect(limited.largest <= limit)
    }
}

func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
}
