/* The project's record types (doc/RECORDS.md): new STIX SDOs (`cx-...`)
 * declared by the project's extension-definitions, each with a JSON schema
 * (schemas/ in the repository, compiled in, served at /schemas/TYPE.json)
 * that every write of such an object must pass. */
#ifndef CX_CORE_RECORDS_H
#define CX_CORE_RECORDS_H

#include <jansson.h>
#include <stddef.h>

#include "stix/error.h"

struct cx_record_type {
	const char *type;         /* "cx-commitment" */
	const char *extension_id; /* the extension-definition that declares it */
	const char *title;
	const char *schema;       /* JSON schema text */
};

extern const struct cx_record_type cx_record_types[];
extern const size_t cx_record_types_count;

/* By type name or by extension-definition id; NULL when not ours. */
const struct cx_record_type *cx_record_type_named(const char *type);
const struct cx_record_type *cx_record_type_declared_by(const char *extension_id);

/* The validator hook (struct cx_stix_validate_opts.extension): objects of
 * our types must match their schema. arg is unused. */
int cx_records_check(void *arg, const char *extension_id, const json_t *obj,
		     struct cx_stix_error *err);

/* The extension-definition object of t (new reference), as the node stores
 * it at init. */
json_t *cx_record_extension_definition(const struct cx_record_type *t);

#endif
