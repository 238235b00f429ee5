/// Why SRTP could not protect or unprotect a packet, or set up a context. No case carries key bytes.
public enum SRTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The authentication tag did not verify: the packet was altered, is not SRTP, or is keyed differently
    /// (RFC 3711 §3.3 step 5). libsrtp's `srtp_err_status_auth_fail`.
    case authenticationFailed
    /// The packet index was seen before, or is older than the replay window (RFC 3711 §3.3.2);
    /// when protecting, a sequence number sent before. libsrtp's `srtp_err_status_replay_fail` and `…_replay_old`.
    case replayed
    /// The buffer cannot hold the packet plus the trailer libsrtp may write after it.
    case bufferTooSmall(needed: Int, capacity: Int)
    /// The packet is shorter than its fixed header plus, for an inbound packet, its SRTP/SRTCP trailer.
    case packetTooShort(length: Int, minimum: Int)
    /// The master key ‖ salt does not fit the profile; the message gives lengths only.
    case badKey(String)
    /// The linked libsrtp cannot run this profile (see `SRTPProfile.isSupported`).
    case unsupportedProfile(SRTPProfile)
    /// `srtp_init` failed, so no profile runs: its `srtp_err_status_t` code.
    case libraryUnavailable(status: Int32)
    /// Any other libsrtp failure: its `srtp_err_status_t` code and the C function that returned it.
    case library(status: Int32, operation: String)

    /// Maps a libsrtp status to an error of this type.
    init(_ status: SRTPStatus, operation: String) {
        if status == .authenticationFailure {
            self = .authenticationFailed
        } else if status == .replay || status == .replayOld {
            self = .replayed
        } else {
            self = .library(status: status.code, operation: operation)
        }
    }

    public var description: String {
        switch self {
        case .authenticationFailed:
            "SRTP authentication failed: the packet was altered, is not SRTP, or is keyed differently"
        case .replayed:
            "SRTP replay: the packet index was seen before or is older than the replay window"
        case .bufferTooSmall(let needed, let capacity):
            "SRTP buffer too small: needs \(needed) bytes (packet and trailer), has \(capacity)"
        case .packetTooShort(let length, let minimum):
            "SRTP packet too short: \(length) bytes, at least \(minimum) expected"
        case .badKey(let message):
            "bad SRTP key material: \(message)"
        case .libraryUnavailable(let status):
            "libsrtp did not initialise (srtp_init returned \(status)); Debian's libsrtp2 does its ciphers through NSS, "
                + "which loads libsoftokn3.so and libfreeblpriv3.so (package libnss3) when it starts"
        case .unsupportedProfile(let profile):
            "\(profile) is not supported by the linked libsrtp (AEAD suites need it built with OpenSSL or NSS)"
        case .library(let status, let operation):
            "\(operation) failed: \(Self.statusName(status)) (\(status))"
        }
    }

    /// The `srtp_err_status_t` constant for a code, as in srtp.h (libsrtp 2.5).
    static func statusName(_ code: Int32) -> String {
        let names = [
            "ok", "fail", "bad_param", "alloc_fail", "dealloc_fail", "init_fail", "terminus", "auth_fail",
            "cipher_fail", "replay_fail", "replay_old", "algo_fail", "no_such_op", "no_ctx", "cant_check",
            "key_expired", "socket_err", "signal_err", "nonce_bad", "read_fail", "write_fail", "parse_err",
            "encode_err", "semaphore_err", "pfkey_err", "bad_mki", "pkt_idx_old", "pkt_idx_adv",
        ]
        return names.indices.contains(Int(code)) ? "srtp_err_status_\(names[Int(code)])" : "unknown status"
    }
}
