import Testing
import Video

@Suite struct PixelFormatTests {
    @Test(arguments: [
        (PixelFormat.yuyv, UInt32(0x5659_5559), "YUYV"), (.uyvy, 0x5956_5955, "UYVY"), (.nv12, 0x3231_564E, "NV12"),
        (.nv21, 0x3132_564E, "NV21"), (.yuv420, 0x3231_5559, "YU12"), (.yvu420, 0x3231_5659, "YV12"), (.mjpeg, 0x4750_4A4D, "MJPG"),
    ])
    func fourccMatchesVideodev2(format: PixelFormat, code: UInt32, name: String) {
        #expect(format.fourcc == code)
        #expect(format.description == name)
        #expect(PixelFormat(fourcc: code) == format)
    }

    @Test func unknownCodesAreNamedButNotConverted() {
        let h264: UInt32 = 0x3436_3248
        #expect(PixelFormat(fourcc: h264) == nil)
        #expect(PixelFormat.name(ofFourcc: h264) == "H264")
        #expect(PixelFormat.name(ofFourcc: 0x0001_4142) == "BA??")
    }

    @Test func preferenceOrderPutsI420FirstAndMJPEGLast() {
        #expect(PixelFormat.preferenceOrder == [.yuv420, .yvu420, .nv12, .nv21, .yuyv, .uyvy, .mjpeg])
        #expect(Set(PixelFormat.preferenceOrder) == Set(PixelFormat.allCases))
        #expect(PixelFormat.yuv420.preference < PixelFormat.nv12.preference && PixelFormat.uyvy.preference < PixelFormat.mjpeg.preference)
    }
}
