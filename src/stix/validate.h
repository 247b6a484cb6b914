/* The STIX 2.1 object model: validation of every object type.
 *
 * Covers the common properties, every SDO, both SROs, every SCO,
 * marking-definition, language-content, extension-definition, custom
 * properties and extensions (including new-sdo/new-sco/new-sro types declared
 * by an extension-definition) and, for indicators with pattern_type "stix",
 * the patterning language. Pure code: no I/O, no logging. */
#ifndef CX_STIX_VALIDATE_H
#define CX_STIX_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>

#include "stix/error.h"

#define CX_STIX_MAX_DEPTH 32 /* nesting of JSON containers within one object */

struct cx_stix_validate_opts {
	/* Optional hook for types declared by an extension-definition (new-sdo,
	 * new-sco, new-sro) and for property-extensions: called after the
	 * generic rules pass, with the extension-definition id. Returns 0 or
	 * fills err and returns -EINVAL. May be NULL. */
	int (*extension)(void *arg, const char *extension_id, const json_t *obj,
			 struct cx_stix_error *err);
	void *arg;
};

/* Validate one STIX object (not a bundle). opts may be NULL. Returns 0 when
 * valid; otherwise fills err (id, property path, rule, message) and returns
 * -EINVAL. */
int cx_stix_validate(const json_t *obj, const struct cx_stix_validate_opts *opts,
		     struct cx_stix_error *err);

/* Validate a bundle's own properties (type "bundle", id "bundle--UUID",
 * "objects" an array when present) without validating the objects in it. */
int cx_stix_validate_bundle(const json_t *bundle, struct cx_stix_error *err);

/* Classes of a type name as the model knows it. */
enum cx_stix_kind {
	CX_STIX_UNKNOWN = 0,
	CX_STIX_SDO,
	CX_STIX_SRO,
	CX_STIX_SCO,
	CX_STIX_META, /* marking-definition, language-content, extension-definition */
	CX_STIX_BUNDLE,
};

/* The kind of a predefined type name; CX_STIX_UNKNOWN for custom names. */
enum cx_stix_kind cx_stix_kind_of(const char *type);

#endif
