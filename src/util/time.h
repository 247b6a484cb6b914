/* Time in microseconds since the Unix epoch, and the RFC 3339 forms STIX and
 * TAXII use (always UTC with a "Z"). */
#ifndef CX_UTIL_TIME_H
#define CX_UTIL_TIME_H

#include <stdint.h>

#define CX_TIME_STRLEN 32 /* enough for "YYYY-MM-DDTHH:MM:SS.ffffffZ" + NUL */

/* Wall-clock now, in microseconds. */
int64_t cx_time_now_us(void);
/* Monotonic clock in microseconds, for measuring durations. */
int64_t cx_time_mono_us(void);

/* Parse a STIX timestamp "YYYY-MM-DDTHH:MM:SS[.s+]Z" (RFC 3339, UTC only).
 * Fractional digits past the sixth are accepted but must not change the
 * microsecond value's meaning: they are truncated. On success writes the
 * instant to *ret_us and the number of fractional digits to *ret_frac
 * (either may be NULL) and returns 0; returns -EINVAL otherwise. */
int cx_time_parse(const char *s, int64_t *ret_us, int *ret_frac);

/* Format with exactly `frac` fractional digits (0, 3 or 6 are usual;
 * 0..6 accepted). out must hold CX_TIME_STRLEN bytes. Returns out. */
char *cx_time_format(int64_t us, int frac, char *out);

#endif
