import CALSA
import Devices

/// PCM definitions in asoundrc syntax in which device names are looked up instead of the
/// system's configuration (`/usr/share/alsa/alsa.conf`, `/etc/asound.conf`, `~/.asoundrc`).
///
/// Tests build their devices this way (a `file` plugin over `null`, a "card" fixed at 48 kHz
/// stereo) because no sound card exists where they run, and changing the process-wide
/// `ALSA_CONFIG_PATH` would race with every other test that opens `null`. The daemon never uses
/// it: its names go through the system configuration, as `aplay -D` does. Definitions must name
/// their slaves inline (`slave.pcm { type null }`): `null`, `hw` and the rest of alsa.conf are
/// not in here.
final class ALSADefinitions {
    /// The configuration tree (`snd_config_t`).
    let root: OpaquePointer

    /// Parses `text`. The corresponding C functions are `snd_config_top`, `snd_input_buffer_open`
    /// and `snd_config_load`.
    init(_ text: String) throws(DeviceError) {
        var root: OpaquePointer?
        var input: OpaquePointer?
        guard snd_config_top(&root) == 0, let root else {
            throw DeviceError(device: "ALSA definitions", operation: "parsing", reason: "out of memory")
        }
        guard snd_input_buffer_open(&input, text, -1) == 0, let input else {
            snd_config_delete(root)
            throw DeviceError(device: "ALSA definitions", operation: "parsing", reason: "out of memory")
        }
        let (loaded, messages) = ALSALibraryMessages.collecting { snd_config_load(root, input) }
        snd_input_close(input)
        guard loaded == 0 else {
            snd_config_delete(root)
            let detail = messages.first.map { " (\($0))" } ?? ""
            throw DeviceError(device: "ALSA definitions", operation: "parsing", reason: ALSAError(returned: loaded).description + detail)
        }
        self.root = root
    }

    deinit { snd_config_delete(root) }
}
