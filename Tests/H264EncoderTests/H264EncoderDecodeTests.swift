import H264Encoder
import Testing
import Video

/// The encoder's output as a receiver sees it: the real ffmpeg decodes it without complaint, every frame
/// arrives once, in order, with the frame number the test pattern drew into it.
@Suite struct H264EncoderDecodeTests {
    @Test(arguments: [
        (320, 240, H264EncoderConfiguration.Profile.constrainedBaseline),
        (640, 480, .constrainedBaseline),
        (352, 288, .constrainedBaseline),
        (640, 480, .main),
        (352, 288, .main),
    ])
    func thirtyFramesDecodeInOrder(width: Int, height: Int, profile: H264EncoderConfiguration.Profile) throws {
        let encoder = try H264Encoder(H264EncoderConfiguration(width: width, height: height, profile: profile))
        var stream = EncodedStream()
        try stream.encode(0..<30, with: encoder)

        // zerolatency with one thread: each call returns its own frame's access unit, with that frame's timing.
        #expect(stream.units.map(\.sequence) == Array(0..<30))
        #expect(stream.units.map(\.captureTimestamp) == (0..<30).map { EncodedStream.timestamp($0, framerate: 15) })
        #expect(encoder.framesEncoded == 30)

        let decoded = try FFmpegDecoder().decode(stream.annexB, width: width, height: height)
        #expect(decoded.errors.isEmpty, "ffmpeg: \(decoded.errors)")
        #expect(decoded.sequences(width: width, height: height) == (0..<30).map { UInt64($0) })
    }

    /// Frame threads delay the output; each access unit must still carry the sequence and capture time of the
    /// frame it encodes, not of the frame just submitted.
    @Test func frameThreadsKeepEachFramesTiming() throws {
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 320, height: 240, threads: 2))
        var stream = EncodedStream()
        try stream.encode(0..<30, with: encoder)

        let delayed = 30 - stream.units.count
        #expect((1...2).contains(delayed), "two frame threads hold back one or two frames, not \(delayed)")
        let sequences = stream.units.map(\.sequence)
        #expect(sequences == (0..<UInt64(stream.units.count)).map { $0 })
        #expect(stream.units.map(\.captureTimestamp) == sequences.map { EncodedStream.timestamp(Int($0), framerate: 15) })
        let decoded = try FFmpegDecoder().decode(stream.annexB, width: 320, height: 240)
        #expect(decoded.errors.isEmpty, "ffmpeg: \(decoded.errors)")
        #expect(decoded.sequences(width: 320, height: 240) == sequences.map { $0 })
    }

    /// Slices cut to a NAL size limit (packetization-mode 0) still decode to whole, correct pictures.
    @Test func slicedPicturesDecode() throws {
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 640, height: 480, maxNALUnitSize: 1000))
        var stream = EncodedStream()
        try stream.encode(0..<30, with: encoder, noise: true)

        #expect(stream.units.contains { $0.nalUnits.count > 5 }, "noise at 640x480 should need many slices per picture")
        let decoded = try FFmpegDecoder().decode(stream.annexB, width: 640, height: 480)
        #expect(decoded.errors.isEmpty, "ffmpeg: \(decoded.errors)")
        #expect(decoded.sequences(width: 640, height: 480) == (0..<30).map { UInt64($0) })
    }

    /// The frame rate goes to x264 as thousandths of a frame per second, reduced; a receiver reads it back from the SPS.
    @Test(arguments: [(15.0, "15/1"), (7.5, "15/2"), (29.97, "2997/100"), (30, "30/1"), (12.5, "25/2")])
    func frameRateReachesTheStream(framerate: Double, expected: String) throws {
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 320, height: 240, framerate: framerate))
        var stream = EncodedStream()
        try stream.encode(0..<3, with: encoder)
        #expect(try FFmpegDecoder().frameRate(of: stream.annexB) == expected)
    }
}
