import H264Encoder
import Testing

@Suite struct H264EncoderConfigurationTests {
    @Test func defaultsAreUsable() {
        #expect(H264EncoderConfiguration(width: 640, height: 480).problem == nil)
        #expect(H264EncoderConfiguration(width: 1280, height: 720, preset: "veryfast", profile: .main, maxNALUnitSize: 1200).problem == nil)
    }

    @Test(arguments: [
        (H264EncoderConfiguration(width: 641, height: 480), "picture size 641x480"),
        (H264EncoderConfiguration(width: 640, height: 480, framerate: 0), "frame rate 0.0"),
        (H264EncoderConfiguration(width: 640, height: 480, bitrateKbps: 5), "bit rate 5 kbit/s"),
        (H264EncoderConfiguration(width: 640, height: 480, preset: "quick"), "x264 preset \"quick\": expected one of ultrafast"),
        (H264EncoderConfiguration(width: 640, height: 480, levelIDC: 7), "H.264 level_idc 7"),
        (H264EncoderConfiguration(width: 640, height: 480, keyFrameInterval: 0), "key frame interval 0"),
        (H264EncoderConfiguration(width: 640, height: 480, maxNALUnitSize: 100), "largest NAL unit 100 bytes"),
    ])
    func problemsNameTheValue(configuration: H264EncoderConfiguration, expected: String) {
        let problem = configuration.problem
        #expect(problem?.hasPrefix(expected) == true, "\(problem ?? "nil")")
    }
}
