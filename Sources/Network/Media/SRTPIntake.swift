import RTP
import SRTP

/// The way in that the audio and video receivers share: SRTP and SRTCP decryption in place, the
/// RTP header parse, and the counters `ctl status` shows for the datagrams dropped there.
struct SRTPIntake {
    /// nil for plain RTP.
    var srtp: SRTPContext?
    private(set) var malformed = 0
    private(set) var authenticationFailures = 0
    private(set) var replays = 0

    /// An RTP datagram, decrypted in place and parsed into its header and payload; nil (and
    /// counted) when either fails.
    mutating func openRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) -> (header: RTPHeader, payload: UnsafeRawBufferPointer)? {
        var length = length
        if let srtp {
            do {
                length = try srtp.unprotectRTP(buffer, length: length)
            } catch {
                count(error)
                return nil
            }
        }
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
        guard let packet = try? RTPPacketView(parsing: bytes) else {
            malformed += 1
            return nil
        }
        return (packet.header, UnsafeRawBufferPointer(rebasing: bytes[packet.payload]))
    }

    /// An RTCP datagram, decrypted in place; nil (and counted) when SRTCP refuses it.
    mutating func openRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) -> UnsafeRawBufferPointer? {
        var length = length
        if let srtp {
            do {
                length = try srtp.unprotectRTCP(buffer, length: length)
            } catch {
                count(error)
                return nil
            }
        }
        return UnsafeRawBufferPointer(rebasing: buffer[0..<length])
    }

    mutating func countMalformed() { malformed += 1 }

    private mutating func count(_ error: SRTPError) {
        switch error {
        case .replayed: replays += 1
        case .authenticationFailed: authenticationFailures += 1
        default: malformed += 1
        }
    }
}
