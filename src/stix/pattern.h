/* The STIX 2.1 patterning language (STIX 2.1 part 9): a parser for the whole
 * grammar that builds a syntax tree and reports the first error with its
 * offset. Pure code: no I/O, no logging. */
#ifndef CX_STIX_PATTERN_H
#define CX_STIX_PATTERN_H

#include <stddef.h>

struct cx_pattern; /* the syntax tree; see pattern.c */

struct cx_pattern_error {
	size_t offset;      /* byte offset in the pattern where the error was found */
	char message[200];  /* one sentence naming what was expected or wrong */
};

/* Parse src (NUL-terminated UTF-8). On success stores the tree in *ret (caller
 * frees with cx_pattern_free) and returns 0. On failure fills err (may be
 * NULL) and returns -EINVAL; *ret is untouched. ret may be NULL to only check. */
int cx_pattern_parse(const char *src, struct cx_pattern **ret, struct cx_pattern_error *err);

void cx_pattern_free(struct cx_pattern *p);

#endif
