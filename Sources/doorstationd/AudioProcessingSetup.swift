import AudioDSP
import Config

extension UserAgentSetup {
    /// `[sound]` as the audio chain needs it: linphone's keys with linphone's meaning
    /// (shared/reference/linphonerc.md §3–§5) plus doorstation's residual echo suppressor.
    static func audioProcessing(_ sound: SoundSettings) -> AudioProcessingParameters {
        var volume = VolumeParameters()
        volume.echoLimiter = sound.echoLimiter
        volume.echoLimiterType = sound.echoLimiterType == .full ? .full : .mic
        volume.echoLimiterThreshold = sound.echoLimiterThreshold
        volume.echoLimiterForce = sound.echoLimiterForce
        volume.echoLimiterSustainMilliseconds = sound.echoLimiterSustain
        volume.echoLimiterTransmitThreshold = sound.echoLimiterTransmitThreshold
        volume.echoLimiterSpeed = sound.echoLimiterSpeed
        volume.noiseGate = sound.noiseGate
        volume.noiseGateThreshold = sound.noiseGateThreshold
        volume.noiseGateFloorGain = sound.noiseGateFloorGain
        volume.agc = sound.agc
        volume.speakerAGC = sound.speakerAGC
        volume.dcRemoval = sound.dcRemoval
        volume.micGainDB = sound.micGainDB
        volume.playbackGainDB = sound.playbackGainDB
        return AudioProcessingParameters(
            echoCancellation: sound.echoCancellation,
            echoTailMilliseconds: sound.echoTailLength,
            echoFrameSizeAt8kHz: sound.echoFrameSize,
            echoDelayMilliseconds: sound.echoDelay,
            suppression: ResidualEchoSuppressor.Parameters(
                enabled: sound.echoSuppression,
                maximumAttenuationDB: sound.echoSuppressionMaxAttenuationDB,
                overdriveDB: sound.echoSuppressionOverdriveDB,
                doubleTalkCoherence: sound.echoSuppressionDoubleTalkCoherence),
            volume: volume)
    }
}
