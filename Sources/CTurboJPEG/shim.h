#ifndef DOORSTATION_CTURBOJPEG_SHIM_H
#define DOORSTATION_CTURBOJPEG_SHIM_H
// libjpeg-turbo's TurboJPEG API: decodes the MJPEG frames of cameras that offer nothing else.
// It reports errors by return value (no longjmp), which Swift can handle.
#include <turbojpeg.h>
#endif
