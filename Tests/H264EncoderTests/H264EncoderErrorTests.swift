import H264Encoder
import Testing
import Video

/// Bad input and bad settings throw errors that name the values; nothing traps.
@Suite struct H264EncoderErrorTests {
    @Test(arguments: [(320, 240), (640, 482), (642, 480)])
    func aFrameOfTheWrongSizeIsRefused(width: Int, height: Int) throws {
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 640, height: 480))
        let frame = I420Frame(width: width, height: height)
        var called = false
        #expect(throws: H264EncoderError(operation: "encode", reason: "frame is \(width)x\(height), the encoder was opened for 640x480")) {
            try encoder.encode(frame, forceKeyFrame: false) { _ in called = true }
        }
        #expect(!called)
        #expect(encoder.framesEncoded == 0)
        // The encoder is still usable.
        var stream = EncodedStream()
        try stream.encode(0..<2, with: encoder)
        #expect(stream.units.count == 2 && stream.units[0].isKeyFrame)
    }

    @Test(arguments: [
        H264EncoderConfiguration(width: 641, height: 480),
        H264EncoderConfiguration(width: 640, height: 480, framerate: 0),
        H264EncoderConfiguration(width: 640, height: 480, bitrateKbps: 5),
        H264EncoderConfiguration(width: 640, height: 480, vbvBufferMilliseconds: 20),
        H264EncoderConfiguration(width: 640, height: 480, preset: "quick"),
        H264EncoderConfiguration(width: 640, height: 480, levelIDC: 60),
        H264EncoderConfiguration(width: 640, height: 480, keyFrameInterval: 0),
        H264EncoderConfiguration(width: 640, height: 480, maxNALUnitSize: 100),
        H264EncoderConfiguration(width: 640, height: 480, threads: 0),
    ])
    func anInvalidConfigurationThrowsItsProblem(configuration: H264EncoderConfiguration) throws {
        let problem = try #require(configuration.problem)
        #expect(throws: H264EncoderError(operation: "open", reason: problem)) { try H264Encoder(configuration) }
    }

    /// A size the configuration allows but x264 does not (sides up to 16384): the error carries x264's own reason,
    /// which x264 gives only in its log.
    @Test func x264sReasonReachesTheError() throws {
        let configuration = H264EncoderConfiguration(width: 16386, height: 16)
        #expect(configuration.problem == nil)
        let error = try #require(throws: H264EncoderError.self) { try H264Encoder(configuration) }
        #expect(error.operation == "open")
        #expect(error.reason == "x264_encoder_open refused the parameters: x264: invalid width x height (16386x16)")
        #expect(error.description == "H.264 encoder: open failed: \(error.reason)")
    }

    @Test(arguments: [0, 15, -256, 50_001])
    func reconfigureRejectsBitRatesOutOfRange(kbps: Int) throws {
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 320, height: 240, bitrateKbps: 512))
        #expect(throws: H264EncoderError(operation: "reconfigure", reason: "bit rate \(kbps) kbit/s: expected 16…50000")) {
            try encoder.reconfigure(bitrateKbps: kbps)
        }
        #expect(encoder.configuration.bitrateKbps == 512)
    }

    @Test func reconfigureAcceptsTheLimits() throws {
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 320, height: 240))
        for kbps in [16, 50_000, 300] {
            try encoder.reconfigure(bitrateKbps: kbps)
            #expect(encoder.configuration.bitrateKbps == kbps)
            var stream = EncodedStream()
            try stream.encode(0..<3, with: encoder)
            #expect(stream.units.count == 3)
        }
    }

    @Test func errorsDescribeThemselves() {
        let error = H264EncoderError(operation: "encode", reason: "frame is 320x240, the encoder was opened for 640x480")
        #expect(error.description == "H.264 encoder: encode failed: frame is 320x240, the encoder was opened for 640x480")
    }
}
