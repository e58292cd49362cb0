/* Helpers outside the core: reading whole files and standard input into heap buffers. */
#ifndef MXT_IO_H
#define MXT_IO_H
#include <stddef.h>
#include <stdint.h>

/* Reads all of `path` ("-" = stdin) into a malloc'd buffer (NUL-terminated for convenience, the
 * NUL not counted in *len). Returns NULL and sets errno on failure. */
uint8_t *mxt_read_file(const char *path, size_t *len);

/* Seconds on the monotonic clock (for durations and deadlines). */
double mxt_now_s(void);

#endif
