/// `[board]`: which hardware the daemon drives. A board profile (`board/NAME.conf`) sets these;
/// the user's file may override any of them.
public struct BoardSettings: Sendable, Hashable {
    /// `profile` (string, none): the board profile to read before this file (`sim`, `rpi4`, …); `--board` overrides it.
    public var profile: String?
    /// `backend` (`sim` | `linux`, `linux`): simulated devices, or ALSA, V4L2 and libgpiod.
    public var backend: Backend
    /// `description` (string): what the profile is for, shown in `ctl status`.
    public var description: String?
    /// `sim_audio_source` (`tone:HZ` or an absolute WAV path, `tone:1000`): what the simulated microphone hears.
    public var simulatedAudioSource: SimulatedAudioSource
    /// `sim_audio_sink` (absolute WAV path, none): where the simulated speaker writes; none discards the audio.
    public var simulatedAudioSink: String?
    /// `sim_video_sink` (absolute path, none): where received video is written as an H.264 Annex B stream (each call replaces the previous one; needs `[video] display=1`).
    public var simulatedVideoSink: String?
    /// `sim_presses` (list of `BUTTON@SECONDS`, none): scripted presses after start-up, e.g. `1@2.5,2@10`.
    public var simulatedPresses: [ScriptedPress]

    public enum Backend: String, Sendable, Hashable, CaseIterable {
        case sim
        case linux
    }

    public enum SimulatedAudioSource: Sendable, Hashable, CustomStringConvertible {
        case tone(frequency: Double)
        case file(String)

        public var description: String {
            switch self {
            case .tone(let frequency): "tone:\(SectionReader.render(frequency))"
            case .file(let path): path
            }
        }

        static func parse(_ raw: String) -> Result<Self, ConfigProblem> {
            let text = String(raw.trimmingWhitespace())
            if text.hasPrefix("tone:") {
                guard case .success(let frequency) = ConfigValueParsing.number(String(text.dropFirst(5))),
                    (20...3900).contains(frequency)
                else {
                    return .failure(ConfigProblem("expected tone:HZ with HZ in 20…3900 (below half of 8 kHz), got \"\(raw)\""))
                }
                return .success(.tone(frequency: frequency))
            }
            if let problem = ConfigValidators.absolutePath(text) {
                return .failure(ConfigProblem("expected tone:HZ or an absolute WAV path: \(problem)"))
            }
            return .success(.file(text))
        }
    }

    public struct ScriptedPress: Sendable, Hashable, CustomStringConvertible {
        public var button: Int
        /// Seconds after start-up.
        public var at: Double

        public var description: String { "\(button)@\(SectionReader.render(at))" }

        static func parse(_ item: String) -> Result<ScriptedPress, ConfigProblem> {
            let parts = item.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2,
                case .success(let button) = ConfigValueParsing.integer(String(parts[0])), button >= 0,
                case .success(let at) = ConfigValueParsing.number(String(parts[1])), at >= 0, at <= 86400
            else {
                return .failure(ConfigProblem("expected BUTTON@SECONDS such as 1@2.5, got \"\(item)\""))
            }
            return .success(ScriptedPress(button: button, at: at))
        }
    }

    init(_ r: inout SectionReader) {
        profile = r.string("profile") { raw in
            raw.contains("/") || raw.contains(" ") ? "expected a profile name such as rpi4, got \"\(raw)\"" : nil
        }
        backend = r.choice("backend", default: Backend.linux)
        description = r.string("description")
        simulatedAudioSource = r.custom("sim_audio_source", default: .tone(frequency: 1000), reload: .nextCall,
                                        render: \.description, parse: SimulatedAudioSource.parse)
        simulatedAudioSink = r.string("sim_audio_sink", reload: .nextCall, validate: ConfigValidators.absolutePath)
        simulatedVideoSink = r.string("sim_video_sink", reload: .nextCall, validate: ConfigValidators.absolutePath)
        simulatedPresses = r.custom("sim_presses", default: [], render: { $0.map(\.description).joined(separator: ",") }) { raw in
            ConfigValueParsing.list(raw).flatMap { items in
                var presses: [ScriptedPress] = []
                for item in items {
                    switch ScriptedPress.parse(item) {
                    case .success(let press): presses.append(press)
                    case .failure(let problem): return .failure(problem)
                    }
                }
                return .success(presses)
            }
        }
    }
}
