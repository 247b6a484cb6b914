/* RFC 4122 UUIDs as STIX uses them in identifiers. */
#ifndef CX_UTIL_UUID_H
#define CX_UTIL_UUID_H

#include <stdbool.h>
#include <stddef.h>

#define CX_UUID_STRLEN 37 /* 36 characters + NUL */

/* Write a random (version 4) UUID in lower case to out. Returns out. */
char *cx_uuid_v4(char *out);

/* Write the name-based (version 5, SHA-1) UUID of name (len bytes) in the
 * namespace ns (a UUID string) to out, in lower case: the same name in the
 * same namespace always gives the same UUID. Returns out, or NULL when ns
 * is not a UUID. */
char *cx_uuid_v5(const char *ns, const char *name, size_t len, char *out);

/* True when s[0..n) is a lower- or upper-case hyphenated UUID whose variant
 * is RFC 4122 (10xx) and whose version is 1 to 8. */
bool cx_uuid_valid(const char *s, size_t n);

#endif
