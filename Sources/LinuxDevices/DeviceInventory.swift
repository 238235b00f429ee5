import CALSA
import CGPIOD
import CV4L2

#if canImport(Glibc)
import Glibc
#endif

/// What hardware this machine has, for `doorstationd tools list-devices`: the names an installer
/// writes into `[button_N] chip`, `[sound] capture_dev_id` and `[video] device`.
public struct DeviceInventory: Sendable {
    public struct GPIOChip: Sendable, Hashable {
        public var name: String
        public var label: String
        public var lines: Int
    }

    public struct SoundCard: Sendable, Hashable {
        public var index: Int
        /// The card's id, as used in `plughw:CARD=ID`.
        public var id: String
        public var name: String
    }

    public struct Camera: Sendable, Hashable {
        public var path: String
        public var driver: String
        public var card: String
        public var canCapture: Bool
    }

    public var gpioChips: [GPIOChip] = []
    public var soundCards: [SoundCard] = []
    public var cameras: [Camera] = []

    /// Versions of the C libraries doorstation is linked with.
    public static var libraryVersions: [(name: String, version: String)] {
        [
            ("libasound", String(cString: snd_asoundlib_version())),
            ("libgpiod", String(cString: gpiod_version_string())),
        ]
    }

    /// Looks at the GPIO chips, ALSA cards and V4L2 devices present now.
    public static func scan(devicePaths: [String]? = nil) -> DeviceInventory {
        var inventory = DeviceInventory()
        inventory.gpioChips = scanGPIO()
        inventory.soundCards = scanSound()
        inventory.cameras = (devicePaths ?? videoDevicePaths()).compactMap(queryCamera)
        return inventory
    }

    /// The corresponding C functions are `gpiod_chip_iter_new` and `gpiod_chip_iter_next`.
    static func scanGPIO() -> [GPIOChip] {
        guard let iterator = gpiod_chip_iter_new() else { return [] }
        defer { gpiod_chip_iter_free(iterator) }
        var chips: [GPIOChip] = []
        while let chip = gpiod_chip_iter_next(iterator) {
            chips.append(GPIOChip(
                name: String(cString: gpiod_chip_name(chip)), label: String(cString: gpiod_chip_label(chip)),
                lines: Int(gpiod_chip_num_lines(chip))))
        }
        return chips
    }

    /// The corresponding C functions are `snd_card_next`, `snd_card_get_name` and `snd_ctl_card_info`.
    static func scanSound() -> [SoundCard] {
        var cards: [SoundCard] = []
        var index: Int32 = -1
        while snd_card_next(&index) == 0, index >= 0 {
            var name: UnsafeMutablePointer<CChar>?
            let display = snd_card_get_name(index, &name) == 0 && name != nil ? String(cString: name!) : "card \(index)"
            free(name)
            cards.append(SoundCard(index: Int(index), id: cardID(index) ?? String(index), name: display))
        }
        return cards
    }

    private static func cardID(_ index: Int32) -> String? {
        var control: OpaquePointer?
        guard snd_ctl_open(&control, "hw:\(index)", 0) == 0, let control else { return nil }
        defer { snd_ctl_close(control) }
        var info: OpaquePointer?
        guard snd_ctl_card_info_malloc(&info) == 0, let info else { return nil }
        defer { snd_ctl_card_info_free(info) }
        guard snd_ctl_card_info(control, info) == 0 else { return nil }
        return String(cString: snd_ctl_card_info_get_id(info))
    }

    static func videoDevicePaths() -> [String] {
        guard let directory = opendir("/dev") else { return [] }
        defer { closedir(directory) }
        var paths: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix("video"), Int(name.dropFirst(5)) != nil { paths.append("/dev/" + name) }
        }
        return paths.sorted { $0.count == $1.count ? $0 < $1 : $0.count < $1.count }
    }

    /// Asks a V4L2 device what it is. The corresponding C call is `ioctl(VIDIOC_QUERYCAP)` through libv4l2.
    static func queryCamera(_ path: String) -> Camera? {
        let fd = cv4l2_open(path, O_RDWR | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { v4l2_close(fd) }
        var capability = v4l2_capability()
        var result: Int32
        repeat { result = cv4l2_ioctl(fd, cv4l2_vidioc_querycap(), &capability) } while result < 0 && errno == EINTR
        guard result == 0 else { return nil }
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let caps = capability.capabilities & UInt32(V4L2_CAP_DEVICE_CAPS) != 0 ? capability.device_caps : capability.capabilities
        return Camera(path: path, driver: text(capability.driver), card: text(capability.card),
                      canCapture: caps & UInt32(V4L2_CAP_VIDEO_CAPTURE) != 0)
    }
}
