#ifndef DOORSTATION_CV4L2_SHIM_H
#define DOORSTATION_CV4L2_SHIM_H
// libv4l2 plus the kernel's videodev2.h. The VIDIOC_* request numbers are function-like macros that
// Swift cannot import, so each one used by doorstation is exposed here as a constant function.
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <linux/videodev2.h>
#include <libv4l2.h>

static inline unsigned long cv4l2_vidioc_querycap(void) { return VIDIOC_QUERYCAP; }
static inline unsigned long cv4l2_vidioc_enum_fmt(void) { return VIDIOC_ENUM_FMT; }
static inline unsigned long cv4l2_vidioc_enum_framesizes(void) { return VIDIOC_ENUM_FRAMESIZES; }
static inline unsigned long cv4l2_vidioc_enum_frameintervals(void) { return VIDIOC_ENUM_FRAMEINTERVALS; }
static inline unsigned long cv4l2_vidioc_g_fmt(void) { return VIDIOC_G_FMT; }
static inline unsigned long cv4l2_vidioc_s_fmt(void) { return VIDIOC_S_FMT; }
static inline unsigned long cv4l2_vidioc_g_parm(void) { return VIDIOC_G_PARM; }
static inline unsigned long cv4l2_vidioc_s_parm(void) { return VIDIOC_S_PARM; }
static inline unsigned long cv4l2_vidioc_reqbufs(void) { return VIDIOC_REQBUFS; }
static inline unsigned long cv4l2_vidioc_querybuf(void) { return VIDIOC_QUERYBUF; }
static inline unsigned long cv4l2_vidioc_qbuf(void) { return VIDIOC_QBUF; }
static inline unsigned long cv4l2_vidioc_dqbuf(void) { return VIDIOC_DQBUF; }
static inline unsigned long cv4l2_vidioc_streamon(void) { return VIDIOC_STREAMON; }
static inline unsigned long cv4l2_vidioc_streamoff(void) { return VIDIOC_STREAMOFF; }

/// v4l2_ioctl is variadic in C; this fixed-argument form is callable from Swift.
static inline int cv4l2_ioctl(int fd, unsigned long request, void *arg) {
    return v4l2_ioctl(fd, request, arg);
}

/// The kernel's ioctl without libv4l2, to ask whether a file is a V4L2 device before handing it to
/// libv4l2 (which prints to stderr about files that are not). ioctl is variadic in C.
static inline int cv4l2_raw_ioctl(int fd, unsigned long request, void *arg) {
    return ioctl(fd, request, arg);
}

/// v4l2_open is variadic in C (the mode argument); doorstation never creates device files.
static inline int cv4l2_open(const char *path, int flags) {
    return v4l2_open(path, flags);
}
#endif
