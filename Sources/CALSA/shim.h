#ifndef DOORSTATION_CALSA_SHIM_H
#define DOORSTATION_CALSA_SHIM_H
#include <alsa/asoundlib.h>
#endif
