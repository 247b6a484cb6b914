/* RFC 8785 JSON Canonicalization Scheme.
 *
 * Objects' members sorted by the UTF-16 code units of their names, no
 * whitespace, strings with the minimal escaping of RFC 8785 §3.2.2.2, and
 * numbers in the ECMAScript Number.prototype.toString form (integers whose
 * magnitude exceeds 2^53 are first converted to the nearest double, as a
 * JavaScript reader would). */
#ifndef CX_STIX_JCS_H
#define CX_STIX_JCS_H

#include <jansson.h>

#include "util/buf.h"

/* Append the canonical form of v to out. Returns 0; -EINVAL for a value JCS
 * cannot represent (a non-finite real, NULL, nesting past 2048 levels), in
 * which case out keeps partial output; -ENOMEM; or the buffer's error. */
int cx_jcs_append(struct cx_buf *out, const json_t *v);

/* Append the ECMAScript shortest round-trip form of a finite double. */
int cx_jcs_append_number(struct cx_buf *out, double d);

#endif
