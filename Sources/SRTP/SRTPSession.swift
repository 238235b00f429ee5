import CSRTP

/// A libsrtp status other than `srtp_err_status_ok`, as its raw code.
struct SRTPStatus: Error, Equatable {
    let code: Int32

    init(_ status: srtp_err_status_t) {
        code = Int32(bitPattern: status.rawValue)
    }

    var isOK: Bool { self == SRTPStatus(srtp_err_status_ok) }

    static let authenticationFailure = SRTPStatus(srtp_err_status_auth_fail)
    static let replay = SRTPStatus(srtp_err_status_replay_fail)
    static let replayOld = SRTPStatus(srtp_err_status_replay_old)
}

/// `srtp_init`, once per process: a global `let` is initialised lazily and exactly once, thread-safely.
/// libsrtp is never shut down; its crypto kernel lives as long as the process.
private let libraryInitialization = SRTPStatus(srtp_init())

enum SRTPLibrary {
    /// `srtp_init`'s failure, nil when it worked.
    static var initializationFailure: SRTPStatus? { libraryInitialization.isOK ? nil : libraryInitialization }
}

/// One libsrtp session (`srtp_t`) holding one stream template; deallocated with its owner.
///
/// The thin layer over C: failures come back as the raw libsrtp status; `SRTPContext` turns them into `SRTPError`.
/// A libsrtp session is not thread-safe; its owner calls it from one thread at a time.
struct SRTPSession: ~Copyable {
    enum Direction {
        /// `ssrc_any_outbound`: a stream for every SSRC passed to `srtp_protect`.
        case outbound
        /// `ssrc_any_inbound`: a stream, with its own ROC and replay window, for every authenticated SSRC.
        case inbound
    }

    /// The libsrtp packet function an operation calls.
    enum Operation: String {
        case protectRTP = "srtp_protect"
        case unprotectRTP = "srtp_unprotect"
        case protectRTCP = "srtp_protect_rtcp"
        case unprotectRTCP = "srtp_unprotect_rtcp"

        var isInbound: Bool { self == .unprotectRTP || self == .unprotectRTCP }
    }

    private let session: srtp_t

    /// Creates a session for one direction. libsrtp derives the session keys from `keyMaterial`
    /// (master key ‖ master salt) in `srtp_create` and keeps no pointer to it.
    ///
    /// The corresponding C functions are `srtp_init` (first use only) and `srtp_create`.
    init(
        profile: SRTPProfile, direction: Direction, replayWindowSize: Int, keyMaterial: [UInt8]
    ) throws(SRTPStatus) {
        if !libraryInitialization.isOK { throw libraryInitialization }
        precondition(keyMaterial.count == profile.keyMaterialLength, "key material length is checked by the caller")
        var policy = srtp_policy_t()  // zeroed: no MKI, no encrypted header extensions, no next policy
        profile.setCryptoPolicies(rtp: &policy.rtp, rtcp: &policy.rtcp)
        policy.ssrc.type = direction == .outbound ? ssrc_any_outbound : ssrc_any_inbound
        policy.window_size = UInt(replayWindowSize)
        policy.allow_repeat_tx = 0
        var created: srtp_t?
        // libsrtp only reads the key (srtp_stream_init_keys copies it); the mutable pointer is its C signature.
        let status = keyMaterial.withUnsafeBufferPointer { key in
            policy.key = UnsafeMutablePointer(mutating: key.baseAddress)
            return srtp_create(&created, &policy)
        }
        let result = SRTPStatus(status)
        guard result.isOK, let created else { throw result }
        session = created
    }

    deinit {
        srtp_dealloc(session)
    }

    /// Applies `operation` in place to the `length` bytes at `packet`; returns the new length.
    ///
    /// The corresponding C functions are `srtp_protect`, `srtp_unprotect`, `srtp_protect_rtcp` and `srtp_unprotect_rtcp`.
    func apply(_ operation: Operation, to packet: UnsafeMutableRawPointer, length: Int32) -> Result<Int, SRTPStatus> {
        var length = length
        let status =
            switch operation {
            case .protectRTP: srtp_protect(session, packet, &length)
            case .unprotectRTP: srtp_unprotect(session, packet, &length)
            case .protectRTCP: srtp_protect_rtcp(session, packet, &length)
            case .unprotectRTCP: srtp_unprotect_rtcp(session, packet, &length)
            }
        let result = SRTPStatus(status)
        return result.isOK ? .success(Int(length)) : .failure(result)
    }
}
