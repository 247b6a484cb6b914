/* The project's record types (doc/RECORDS.md): new STIX SDOs (`cx-...`)
 * declared by the project's extension-definitions, each with a JSON schema
 * (schemas/ in the repository, compiled in, served at /schemas/TYPE.json)
 * that every write of such an object must pass. */
#ifndef CX_CORE_RECORDS_H
#define CX_CORE_RECORDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "stix/error.h"

/* The property-extension that makes a STIX incident an incident report. */
#define CX_INCIDENT_EXTENSION "extension-definition--24c5a9d5-5359-55d0-9ac5-d79afd75ff12"

struct cx_record_type {
	const char *name;           /* "cx-commitment": its schema is /schemas/NAME.json */
	const char *type;           /* the STIX type it declares or extends; "*": any */
	const char *extension_id;   /* the extension-definition that declares it */
	const char *extension_type; /* "new-sdo", or "property-extension" of `type` */
	const char *title;
	const char *schema;         /* JSON schema text */
};

extern const struct cx_record_type cx_record_types[];
extern const size_t cx_record_types_count;

/* By name or by extension-definition id; NULL when not ours. */
const struct cx_record_type *cx_record_type_named(const char *name);
const struct cx_record_type *cx_record_type_declared_by(const char *extension_id);
/* The record type of an object: its new-SDO type, or the property-extension
 * of ours for its type it carries (not one of any type, such as
 * cx-provenance: that makes no record); NULL when it is neither. */
const struct cx_record_type *cx_record_type_of(const json_t *obj);
/* True when the object is a new-SDO record type. */
bool cx_record_is_new_sdo(const struct cx_record_type *t);

/* The validator hook (struct cx_stix_validate_opts.extension): objects of
 * our new-SDO types, and our property-extensions inside an object, must
 * match their schema. arg is unused. */
int cx_records_check(void *arg, const char *extension_id, const json_t *obj,
		     struct cx_stix_error *err);

/* The extension-definition object of t (new reference), as the node stores
 * it at init. */
json_t *cx_record_extension_definition(const struct cx_record_type *t);

#endif
