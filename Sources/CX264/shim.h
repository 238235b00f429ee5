#ifndef DOORSTATION_CX264_SHIM_H
#define DOORSTATION_CX264_SHIM_H
#include <stdint.h>
#include <x264.h>

// x264_encoder_open is a macro that pastes X264_BUILD into the symbol name; Swift cannot import it.
static inline x264_t *cx264_encoder_open(x264_param_t *param) {
    return x264_encoder_open(param);
}

static inline int cx264_build(void) { return X264_BUILD; }
#endif
