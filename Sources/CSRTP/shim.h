#ifndef DOORSTATION_CSRTP_SHIM_H
#define DOORSTATION_CSRTP_SHIM_H
#include <srtp2/srtp.h>

// What srtp.h (libsrtp 2.5) defines as macros, as functions Swift can import.

/// srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 is a macro for
/// srtp_crypto_policy_set_rtp_default; the other setters are real functions.
static inline void csrtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(srtp_crypto_policy_t *p) {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(p);
}

/// SRTP_MAX_TRAILER_LEN: the bytes srtp_protect may write after an RTP packet
/// (srtp_protect_rtcp: 4 more, for the E flag and SRTCP index).
static inline int csrtp_max_trailer_len(void) {
    return SRTP_MAX_TRAILER_LEN;
}

#endif
