#ifndef DOORSTATION_BENCHMARKS_CX264BASELINE_SHIM_H
#define DOORSTATION_BENCHMARKS_CX264BASELINE_SHIM_H
// libx264 for the video benchmarks' baseline (bare encoding). The main package's CX264 module is
// not in a product, so the benchmarks wrap the library again, under their own module name.
#include <stdint.h>
#include <x264.h>

// x264_encoder_open is a macro that pastes X264_BUILD into the symbol name; Swift cannot import it.
static inline x264_t *cx264baseline_encoder_open(x264_param_t *param) {
    return x264_encoder_open(param);
}
#endif
