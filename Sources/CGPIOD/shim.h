#ifndef DOORSTATION_CGPIOD_SHIM_H
#define DOORSTATION_CGPIOD_SHIM_H
// libgpiod v1 (1.6 in Debian 12).
#include <gpiod.h>
#endif
