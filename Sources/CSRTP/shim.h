#ifndef DOORSTATION_CSRTP_SHIM_H
#define DOORSTATION_CSRTP_SHIM_H
#include <srtp2/srtp.h>
#endif
