import Testing
import Video

@Suite struct CameraFormatChoiceTests {
    static func size(_ width: Int, _ height: Int) -> FrameSize { FrameSize(width: width, height: height) }

    static let webcamSizes = FrameSizes.discrete([size(640, 480), size(320, 240), size(1920, 1080), size(1280, 720), size(800, 600)])

    @Test(arguments: [
        ((1280, 720), (1280, 720)),  // offered
        ((1024, 576), (1280, 720)),  // the smallest covering it
        ((1280, 960), (1920, 1080)),  // 1280x720 is too short
        ((2560, 1440), (1920, 1080)),  // none covers it: the largest
        ((100, 100), (320, 240)),
        ((640, 360), (640, 480)),
    ])
    func discreteSizeIsExactElseSmallestCoveringElseLargest(wanted: (Int, Int), chosen: (Int, Int)) {
        #expect(CameraFormatChoice.size(in: Self.webcamSizes, closestTo: Self.size(wanted.0, wanted.1)) == Self.size(chosen.0, chosen.1))
    }

    /// Each dimension on its own: the smallest step not below the one asked for, within the range.
    @Test(arguments: [
        ((1280, 720), (1280, 720)),
        ((1283, 721), (1288, 722)),
        ((4000, 100), (1920, 100)),
        ((8, 8), (16, 16)),
        ((1920, 1081), (1920, 1080)),
    ])
    func stepwiseSizeRoundsUpToAStepWithinTheRange(wanted: (Int, Int), chosen: (Int, Int)) {
        let range = FrameSizes.stepwise(minimum: Self.size(16, 16), maximum: Self.size(1920, 1080), step: Self.size(8, 2))
        #expect(CameraFormatChoice.size(in: range, closestTo: Self.size(wanted.0, wanted.1)) == Self.size(chosen.0, chosen.1))
    }

    @Test func stepwiseMaximumOffTheStepGridIsNotExceeded() {
        let range = FrameSizes.stepwise(minimum: Self.size(16, 16), maximum: Self.size(1000, 1000), step: Self.size(16, 16))
        #expect(CameraFormatChoice.size(in: range, closestTo: Self.size(999, 999)) == Self.size(992, 992))
        #expect(CameraFormatChoice.size(in: .discrete([]), closestTo: Self.size(640, 480)) == nil)
    }

    @Test func cheapestFormatWinsAmongEqualOffers() throws {
        let offers = [PixelFormat.mjpeg, .yuyv, .nv12, .yuv420, .uyvy].map { CameraFormatOffer(format: $0, sizes: Self.webcamSizes) }
        let choice = try #require(CameraFormatChoice(choosingFrom: offers, width: 640, height: 480, framerate: 25))
        #expect(choice.format == .yuv420 && choice.size == Self.size(640, 480) && choice.match == .exact)
    }

    @Test func exactSizeBeatsACheaperFormat() throws {
        let offers = [CameraFormatOffer(format: .yuyv, sizes: .discrete([Self.size(640, 480)])),
                      CameraFormatOffer(format: .mjpeg, sizes: .discrete([Self.size(640, 480), Self.size(1280, 720)]))]
        let choice = try #require(CameraFormatChoice(choosingFrom: offers, width: 1280, height: 720, framerate: 25))
        #expect(choice.format == .mjpeg && choice.size == Self.size(1280, 720))
    }

    @Test func largerSizeBeatsSmallerOne() throws {
        let offers = [CameraFormatOffer(format: .yuyv, sizes: .discrete([Self.size(640, 480)])),
                      CameraFormatOffer(format: .mjpeg, sizes: .discrete([Self.size(1920, 1080)]))]
        let choice = try #require(CameraFormatChoice(choosingFrom: offers, width: 1280, height: 720, framerate: 25))
        #expect(choice.format == .mjpeg && choice.match == .larger)
    }

    /// The USB 2 webcam case: 720p as YUYV only at 10 fps, as MJPEG at 30.
    @Test(arguments: [(25.0, PixelFormat.mjpeg), (10, .yuyv), (5, .yuyv)])
    func formatReachingTheRateWins(framerate: Double, expected: PixelFormat) throws {
        let hd = Self.size(1280, 720)
        let offers = [CameraFormatOffer(format: .yuyv, sizes: Self.webcamSizes, maximumFramerates: [hd: 10]),
                      CameraFormatOffer(format: .mjpeg, sizes: Self.webcamSizes, maximumFramerates: [hd: 30])]
        let choice = try #require(CameraFormatChoice(choosingFrom: offers, width: 1280, height: 720, framerate: framerate))
        #expect(choice.format == expected)
    }

    @Test func noOfferNoChoice() {
        #expect(CameraFormatChoice(choosingFrom: [], width: 640, height: 480, framerate: 25) == nil)
        #expect(CameraFormatChoice(choosingFrom: [CameraFormatOffer(format: .yuyv, sizes: .discrete([]))], width: 640, height: 480, framerate: 25) == nil)
    }

    @Test(arguments: [
        (1280, 720, 25.0, "MJPG 1280x720 (the size asked for; up to 30 fps) for 1280x720 at 25 fps; also offered: YUYV 1280x720 up to 10 fps"),
        (1280, 720, 29.97, "MJPG 1280x720 (the size asked for; up to 30 fps) for 1280x720 at 29.97 fps; also offered: YUYV 1280x720 up to 10 fps"),
        (2000, 1000, 25, "MJPG 1280x720 (the largest size offered, below the one asked for; up to 30 fps) for 2000x1000 at 25 fps; also offered: YUYV 1280x720 up to 10 fps"),
        (1000, 700, 60, "MJPG 1280x720 (the smallest offered size above the one asked for; up to 30 fps, fewer than asked for) for 1000x700 at 60 fps; also offered: YUYV 1280x720 up to 10 fps"),
    ])
    func descriptionSaysWhatWasChosenAndWhy(width: Int, height: Int, framerate: Double, expected: String) throws {
        let hd = Self.size(1280, 720)
        let offers = [CameraFormatOffer(format: .yuyv, sizes: .discrete([hd]), maximumFramerates: [hd: 10]),
                      CameraFormatOffer(format: .mjpeg, sizes: .discrete([hd]), maximumFramerates: [hd: 30])]
        let choice = try #require(CameraFormatChoice(choosingFrom: offers, width: width, height: height, framerate: framerate))
        #expect(choice.description == expected)
    }
}
