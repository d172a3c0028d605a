/* LD_PRELOAD probe: appends the CLOCK_MONOTONIC time (ns) of every frame a Qt xcb application
 * hands to the X server to the file named by CHORAGEN_FRAME_LOG, one per line. A frame is a
 * backing-store flush, i.e. an xcb_put_image or xcb_shm_put_image call. The same probe is used for
 * choragen and for the bare Qt window it is compared with, so both are timed the same way.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct
{
    unsigned int sequence;
} cookie_t;

static void log_frame(void)
{
    static int fd = -2;
    if (fd == -2) {
        const char *path = getenv("CHORAGEN_FRAME_LOG");
        fd = path ? open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
    }
    if (fd < 0)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    char line[32];
    const int n
        = snprintf(line, sizeof line, "%lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
    if (write(fd, line, (size_t)n) < 0)
        return;
}

/* The real function: Qt's xcb plugin is dlopen()ed with its libraries kept local, so RTLD_NEXT
 * may not see them; the library it already loaded does. */
static void *resolve(const char *name, const char *library)
{
    void *symbol = dlsym(RTLD_NEXT, name);
    if (!symbol) {
        void *handle = dlopen(library, RTLD_NOW | RTLD_NOLOAD);
        if (!handle)
            handle = dlopen(library, RTLD_NOW);
        symbol = handle ? dlsym(handle, name) : NULL;
    }
    if (!symbol) {
        fprintf(stderr, "frame_probe: %s not found in %s\n", name, library);
        abort();
    }
    return symbol;
}

/* Each wrapper forwards its argument registers and stack slots unchanged, so its prototype only
 * has to cover as many slots as the widest call: xcb_shm_put_image takes 16 arguments, all of
 * them integers or pointers. Slots beyond a call's own arguments are read and ignored. */
#define SLOTS                                                                                      \
    uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t,        \
        uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t
#define FORWARD(name, library)                                                                     \
    cookie_t name(void *c, uintptr_t a1, uintptr_t a2, uintptr_t a3, uintptr_t a4, uintptr_t a5,   \
                  uintptr_t a6, uintptr_t a7, uintptr_t a8, uintptr_t a9, uintptr_t a10,           \
                  uintptr_t a11, uintptr_t a12, uintptr_t a13, uintptr_t a14, uintptr_t a15)       \
    {                                                                                              \
        static cookie_t (*real)(void *, SLOTS);                                                    \
        if (!real)                                                                                 \
            *(void **)&real = resolve(#name, library);                                             \
        cookie_t cookie                                                                            \
            = real(c, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15);           \
        log_frame();                                                                               \
        return cookie;                                                                             \
    }

FORWARD(xcb_put_image, "libxcb.so.1")
FORWARD(xcb_put_image_checked, "libxcb.so.1")
FORWARD(xcb_shm_put_image, "libxcb-shm.so.0")
FORWARD(xcb_shm_put_image_checked, "libxcb-shm.so.0")
