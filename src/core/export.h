/* Export: write stored object versions as one STIX bundle. */
#ifndef CX_CORE_EXPORT_H
#define CX_CORE_EXPORT_H

#include <stdio.h>

#include "store/store.h"

/* Write {"id":"bundle--…","objects":[…],"type":"bundle"} and a newline to out,
 * each object exactly in its stored canonical form, in date_added order,
 * inside one read transaction (a consistent snapshot). Returns 0 and the
 * object count in *ret_count (may be NULL); -EIO when writing failed; or
 * -EPROTO on a store failure (then s->error() says why). */
int cx_export_bundle(struct cx_store *s, const struct cx_object_filter *f, FILE *out,
		     size_t *ret_count);

#endif
