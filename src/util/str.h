/* Strict string-to-number parsing (the banned atoi/strtol-without-checks
 * replacement) and small string helpers. */
#ifndef CX_UTIL_STR_H
#define CX_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse a whole decimal integer in [min, max]. Returns 0, -EINVAL (not a
 * number, trailing characters, empty) or -ERANGE. */
int cx_parse_i64(const char *s, int64_t min, int64_t max, int64_t *ret);

/* Parse a size with an optional K, M or G suffix (powers of 1024). */
int cx_parse_size(const char *s, uint64_t max, uint64_t *ret);

/* Parse "true/false/yes/no/on/off/1/0". */
int cx_parse_bool(const char *s, bool *ret);

/* Copy src into dst of size n, always NUL-terminated. Returns -E2BIG when
 * src did not fit (dst then holds a truncated copy), else 0. */
int cx_strlcpy(char *dst, const char *src, size_t n);

/* The value of a hexadecimal digit (either case), or -1. */
int cx_hex_digit(char c);

#endif
