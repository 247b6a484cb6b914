/* One machine-readable error for a STIX object that breaks a rule.
 *
 * Every rejection names the object (`id`, empty when the object has none
 * usable), the offending property as a JSON path relative to the object
 * (`external_references[0].url`; empty for the object as a whole), a rule
 * code from the list below, and one human sentence. */
#ifndef CX_STIX_ERROR_H
#define CX_STIX_ERROR_H

#include <jansson.h>

/* Rule codes. Keep this list the single registry: tests and clients match on
 * these strings. */
#define CX_RULE_JSON "invalid-json"               /* not JSON, duplicate key, bad UTF-8 */
#define CX_RULE_NOT_OBJECT "not-an-object"        /* value is not a JSON object */
#define CX_RULE_REQUIRED "required"               /* required property missing */
#define CX_RULE_TYPE "wrong-type"                 /* property has the wrong JSON type */
#define CX_RULE_EMPTY "empty"                     /* empty string, list or dictionary */
#define CX_RULE_IDENTIFIER "invalid-identifier"   /* not type--UUID, or type mismatch */
#define CX_RULE_REF_TYPE "invalid-reference-type" /* *_ref points at a type not allowed */
#define CX_RULE_TIMESTAMP "invalid-timestamp"     /* not RFC 3339 UTC, or precision */
#define CX_RULE_TIME_ORDER "timestamp-order"      /* e.g. modified before created */
#define CX_RULE_SPEC_VERSION "invalid-spec-version"
#define CX_RULE_TYPE_NAME "invalid-type-name"     /* type name syntax, unknown type */
#define CX_RULE_PROPERTY_NAME "invalid-property-name"
#define CX_RULE_VOCAB "not-in-vocabulary"         /* closed enumeration value */
#define CX_RULE_RANGE "out-of-range"              /* number or length outside bounds */
#define CX_RULE_FORBIDDEN "forbidden-property"    /* property not allowed here */
#define CX_RULE_DEPENDENCY "property-dependency"  /* one property requires/excludes another */
#define CX_RULE_PATTERN "invalid-pattern"         /* STIX patterning language */
#define CX_RULE_EXTENSION "invalid-extension"
#define CX_RULE_FORMAT "invalid-format"           /* hash, URL, MAC, IP, language tag ... */
#define CX_RULE_DEPTH "too-deep"                  /* nesting past the limit */
#define CX_RULE_SIZE "too-large"                  /* string, list or object too large */
#define CX_RULE_UNKNOWN_MARKING "unknown-marking" /* marking ref the node does not know */
#define CX_RULE_MARKING "invalid-marking"         /* a releasability marking that is malformed */
#define CX_RULE_CONFLICT "version-conflict"       /* same id and version, other content */
#define CX_RULE_IMMUTABLE "immutable"             /* marking definitions never change */
#define CX_RULE_TRANSITION "invalid-transition"   /* a record's status may not change so */
#define CX_RULE_APPROVER "approver-step"          /* this status change needs the approver */
#define CX_RULE_ENDORSEMENT "not-endorsed"        /* a principal partner has not agreed */
#define CX_RULE_UNKNOWN_CODE "unknown-code"       /* a code not in the node's tables */
#define CX_RULE_NOT_RELEASED "not-released"       /* not releasable to a partner it must reach */
#define CX_RULE_NEED_TO_KNOW "need-to-know"       /* releasable beyond who needs to know */
#define CX_RULE_NOT_HOST "not-host-nation"        /* decided by another than the host nation */
#define CX_RULE_NOT_HOME "not-home-nation"        /* decided by another than the home nation */
#define CX_RULE_UNKNOWN_REFERENCE "unknown-reference" /* the referenced record is not here */
#define CX_RULE_WRONG_STATE "wrong-state"         /* the decided record does not await it */
#define CX_RULE_NOT_DECIDED "not-decided"         /* the deciding partner has not said so */
#define CX_RULE_ROLE "role-required"              /* the type needs a role the writer lacks */
#define CX_RULE_MINIMISED "minimised"             /* details a completed record must drop */
#define CX_RULE_PERSONAL_DATA "personal-data"     /* personal data outside the vault */

struct cx_stix_error {
	char id[300];
	char property[160];
	char rule[40];
	char message[300];
};

/* Fill err (which may be NULL) and return -EINVAL, so that validators can
 * write `return cx_stix_error_set(err, "created", CX_RULE_TIMESTAMP, ...);`.
 * The id is not touched; cx_stix_error_set_id() sets it. */
int cx_stix_error_set(struct cx_stix_error *err, const char *property, const char *rule,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void cx_stix_error_set_id(struct cx_stix_error *err, const char *id);
void cx_stix_error_clear(struct cx_stix_error *err);

/* The error as a JSON object {"id","property","rule","message"} (caller owns). */
json_t *cx_stix_error_to_json(const struct cx_stix_error *err);

#endif
