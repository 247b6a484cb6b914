/* Helpers shared by the STIX validators (validate*.c); not part of the public
 * interface. Each section below names the file that implements it.
 *
 * Conventions for every helper below:
 * - A property is addressed by the object that holds it (`o`), the JSON path
 *   of that object inside the STIX object being validated (`at`: "" for the
 *   top level, "extensions.archive-ext", "external_references[2]") and the
 *   property name (`key`). On failure the helper writes the full path
 *   ("extensions.archive-ext.contains_refs[0]") to err->property, a rule code
 *   from stix/error.h and a message, and returns -EINVAL. It never sets
 *   err->id: cx_stix_validate() sets it once for the whole object.
 * - `flags` combine the CX_V_* bits. Without CX_V_REQUIRED an absent property
 *   is valid; a property present with JSON null is never valid (STIX has no
 *   null values).
 * - `ret` out-parameters are optional (may be NULL); they are written on
 *   success only, with NULL (or 0) when the property is absent. Returned
 *   json_t and string pointers are borrowed from `o`.
 * - Lists must not be empty and dictionaries must have at least one key, as
 *   STIX 2.1 requires; both are reported as CX_RULE_EMPTY. */
#ifndef CX_STIX_VALIDATE_INTERNAL_H
#define CX_STIX_VALIDATE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stix/error.h"
#include "stix/validate.h"
#include "stix/vocab.h"

#define CX_V_PATH_MAX 160 /* == sizeof(((struct cx_stix_error *)0)->property) */

/* Flags for the property checks. */
#define CX_V_REQUIRED (1u << 0) /* absent is CX_RULE_REQUIRED */
#define CX_V_NONEMPTY (1u << 1) /* strings: "" is CX_RULE_EMPTY */
#define CX_V_MILLIS (1u << 2)   /* timestamps: at least 3 fractional digits */

/* The integer range of STIX 2.1 (section 2.10): [-(2^53)+1, (2^53)-1], what a
 * JSON number holds exactly. */
#define CX_V_INT_MAX ((json_int_t)9007199254740991LL)
#define CX_V_INT_MIN (-CX_V_INT_MAX)

/* ASCII character classes, independent of the locale (unlike <ctype.h>). */
static inline bool cx_v_is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static inline bool cx_v_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool cx_v_is_alpha(char c)
{
	return cx_v_is_lower(c) || (c >= 'A' && c <= 'Z');
}

static inline bool cx_v_is_alnum(char c)
{
	return cx_v_is_alpha(c) || cx_v_is_digit(c);
}

static inline bool cx_v_is_hex(char c)
{
	return cx_v_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline bool cx_v_is_hex_lower(char c)
{
	return cx_v_is_digit(c) || (c >= 'a' && c <= 'f');
}

/* ---- Entry points implemented in validate_sco.c ---------------------------
 *
 * cx_stix_validate() calls cx_stix_validate_sco_type() for every type for
 * which cx_stix_is_sco_type() is true, after it has already checked, for the
 * object as a whole: the nesting depth, `type` syntax, `id` (type--UUID with
 * the matching type), `spec_version` ("2.1" when present), `object_marking_refs`,
 * `granular_markings`, `defanged` and, inside `extensions`, that every value is
 * a JSON object and that every `extension-definition--UUID` key is well formed
 * (its value checked by cx_v_extension_definition_value() and passed to the
 * caller's hook). Keys of `extensions` that are NOT extension-definition ids are
 * left to the SCO validator: each must be a predefined extension of that type
 * (e.g. "archive-ext" on file), validated in full, or rejected with
 * CX_RULE_EXTENSION at path "extensions.<key>".
 *
 * The SCO validator checks the type's own properties, including custom
 * properties with cx_v_properties(obj, "", CX_STIX_SCO, own_names, err).
 * Returns 0 when valid, or -EINVAL with err filled (property, rule, message;
 * not id). */
int cx_stix_validate_sco_type(const char *type, const json_t *obj, struct cx_stix_error *err);
/* True for the 18 SCO type names of STIX 2.1 (artifact ... x509-certificate). */
bool cx_stix_is_sco_type(const char *type);

/* ---- Errors and paths (validate_names.c) ----------------------------------- */

/* Write "at.key" (or "key" when at is "" or NULL) to out (n bytes, truncated
 * safely). Returns out. */
char *cx_v_path(char *out, size_t n, const char *at, const char *key);
/* Write "at[i]" to out. Returns out. */
char *cx_v_path_index(char *out, size_t n, const char *at, size_t i);
/* Fill err with path "at.key" (key may be NULL: the path is `at` itself),
 * the rule and a formatted message. Returns -EINVAL. */
int cx_v_fail(struct cx_stix_error *err, const char *at, const char *key, const char *rule,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- Names (validate_names.c) ---------------------------------------------- */

/* STIX type name syntax: 3-250 characters of a-z, 0-9 and hyphen, beginning
 * with a letter, with no trailing or doubled hyphen (a "--" would make the
 * identifier "type--UUID" ambiguous). */
bool cx_v_type_name_valid(const char *s);
/* Custom property name syntax: 3-250 characters of a-z, 0-9 and underscore,
 * beginning with a letter. (Predefined names such as "id" are shorter.) */
bool cx_v_property_name_valid(const char *s);
/* Dictionary key syntax: 1-250 ASCII characters of a-z, A-Z, 0-9, hyphen
 * and underscore. */
bool cx_v_dict_key_valid(const char *s);
/* "type--UUID" where type has valid syntax and UUID is RFC 4122. When
 * type is not NULL the type part must equal it. */
bool cx_v_identifier_valid(const char *s, const char *type);
/* Copy the type part of identifier s (text before "--") into out (n bytes).
 * Returns false when s has no "--" or the type does not fit. */
bool cx_v_identifier_type(const char *s, char *out, size_t n);

/* ---- Typed property checks (validate_values.c) ---------------------------
 *
 * All follow the conventions at the top of this file. */

/* Presence and JSON type only. */
enum cx_v_json {
	CX_VJ_ANY = 0, /* any non-null value */
	CX_VJ_STRING,
	CX_VJ_INTEGER, /* a JSON integer (1.0 is not an integer) */
	CX_VJ_NUMBER,  /* integer or real */
	CX_VJ_BOOLEAN,
	CX_VJ_OBJECT, /* a JSON object (structure or dictionary) */
	CX_VJ_LIST,   /* a JSON array (may be empty; see cx_v_list) */
};
int cx_v_get(const json_t *o, const char *at, const char *key, unsigned flags, enum cx_v_json type,
             const json_t **ret, struct cx_stix_error *err);

/* A string (with no embedded NUL, CX_RULE_FORMAT). The list checks below
 * apply the same rule to each element. */
int cx_v_string(const json_t *o, const char *at, const char *key, unsigned flags, const char **ret,
                struct cx_stix_error *err);
int cx_v_boolean(const json_t *o, const char *at, const char *key, unsigned flags,
                 struct cx_stix_error *err);
/* A JSON integer in [min, max], else CX_RULE_TYPE or CX_RULE_RANGE. The
 * bounds are narrowed to [CX_V_INT_MIN, CX_V_INT_MAX], so LLONG_MIN and
 * LLONG_MAX mean "any STIX integer". *ret is left untouched when the property
 * is absent. */
int cx_v_integer(const json_t *o, const char *at, const char *key, unsigned flags, json_int_t min,
                 json_int_t max, json_int_t *ret, struct cx_stix_error *err);
/* A JSON number (integer or real) in [min, max]. */
int cx_v_number(const json_t *o, const char *at, const char *key, unsigned flags, double min,
                double max, double *ret, struct cx_stix_error *err);
/* A STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s+]Z). With CX_V_MILLIS it must carry
 * at least millisecond precision. *ret_us (microseconds since the epoch) is
 * written only when the property is present and valid; *ret_set tells whether
 * it was (both optional). */
int cx_v_timestamp(const json_t *o, const char *at, const char *key, unsigned flags,
                   int64_t *ret_us, bool *ret_set, struct cx_stix_error *err);
/* Reject `later` < `earlier` (both present) with CX_RULE_TIME_ORDER at
 * later_key. When strict, equal instants are rejected too. Does nothing when
 * either is absent or malformed (their own checks report that). */
int cx_v_time_order(const json_t *o, const char *at, const char *earlier_key, const char *later_key,
                    bool strict, struct cx_stix_error *err);

/* A non-empty JSON array; its elements are not checked. */
int cx_v_list(const json_t *o, const char *at, const char *key, unsigned flags, const json_t **ret,
              struct cx_stix_error *err);
/* A non-empty list of strings (CX_V_NONEMPTY applies to each element). */
int cx_v_string_list(const json_t *o, const char *at, const char *key, unsigned flags,
                     struct cx_stix_error *err);
/* A dictionary: a JSON object with at least one key, each key with dictionary
 * key syntax (CX_RULE_PROPERTY_NAME at "at.key.<k>"), each value of JSON type
 * value_type (CX_VJ_ANY: any non-null). */
int cx_v_dict(const json_t *o, const char *at, const char *key, unsigned flags,
              enum cx_v_json value_type, const json_t **ret, struct cx_stix_error *err);

/* Closed vocabulary (enumeration): a string among vocab (NULL-terminated),
 * else CX_RULE_VOCAB. */
int cx_v_enum(const json_t *o, const char *at, const char *key, unsigned flags,
              const char *const *vocab, struct cx_stix_error *err);
/* A non-empty list of closed-vocabulary strings. */
int cx_v_enum_list(const json_t *o, const char *at, const char *key, unsigned flags,
                   const char *const *vocab, struct cx_stix_error *err);
/* Open vocabulary: any string (values outside the suggested vocabulary are
 * allowed by STIX). CX_V_NONEMPTY is implied. */
int cx_v_open_vocab(const json_t *o, const char *at, const char *key, unsigned flags,
                    struct cx_stix_error *err);
int cx_v_open_vocab_list(const json_t *o, const char *at, const char *key, unsigned flags,
                         struct cx_stix_error *err);

/* ---- Identifiers and references (validate_values.c) ---------------------
 *
 * `types` is a NULL-terminated list of allowed target type names, or NULL to
 * allow any type. Besides literal names it may hold the tokens below, which
 * cannot collide with type names (they contain '*'). A reference whose form
 * is wrong is CX_RULE_IDENTIFIER; one to a type not allowed is
 * CX_RULE_REF_TYPE. */
#define CX_V_REF_SDO "*sdo"       /* any predefined SDO type */
#define CX_V_REF_SCO "*sco"       /* any predefined SCO type */
#define CX_V_REF_SRO "*sro"       /* relationship or sighting */
#define CX_V_REF_CUSTOM "*custom" /* any type name that is not predefined */

/* Check one identifier value s found at `path` (already complete). */
int cx_v_ref_value(const char *s, const char *path, const char *const *types,
                   struct cx_stix_error *err);
/* A *_ref property. */
int cx_v_ref(const json_t *o, const char *at, const char *key, unsigned flags,
             const char *const *types, struct cx_stix_error *err);
/* A *_refs property: non-empty list, each element checked; duplicates are
 * allowed. */
int cx_v_ref_list(const json_t *o, const char *at, const char *key, unsigned flags,
                  const char *const *types, struct cx_stix_error *err);

/* ---- Formats (validate_formats.c) ------------------------------------------ */

/* A hashes dictionary: non-empty; keys naming an algorithm of the
 * hash-algorithm-ov vocabulary (cx_vocab_hash_algorithm; recognised ignoring
 * case, hyphens and underscores, so "sha256" counts as SHA-256) must have
 * values in that algorithm's format (hex of the right length, SSDEEP/TLSH
 * form) else CX_RULE_FORMAT at "at.key.<ALGO>"; other keys are custom
 * algorithm names (dictionary key syntax, 3-250 characters, else
 * CX_RULE_PROPERTY_NAME) with any string value. */
int cx_v_hashes(const json_t *o, const char *at, const char *key, unsigned flags,
                struct cx_stix_error *err);
/* Check one hash value for algorithm name algo at `path`. */
int cx_v_hash_value(const char *algo, const char *value, const char *path,
                    struct cx_stix_error *err);
/* A URL: an RFC 3986 absolute URI (scheme ":" rest, no whitespace or control
 * characters). CX_RULE_FORMAT otherwise. */
int cx_v_url(const json_t *o, const char *at, const char *key, unsigned flags,
             struct cx_stix_error *err);
/* Base64 (RFC 4648 section 4, with padding) for the `binary` type. */
int cx_v_binary(const json_t *o, const char *at, const char *key, unsigned flags,
                struct cx_stix_error *err);
/* The `hex` type: an even number of the digits 0-9 and a-f (lower case
 * only, as STIX 2.1 section 2.8 requires). */
int cx_v_hex(const json_t *o, const char *at, const char *key, unsigned flags,
             struct cx_stix_error *err);
/* An RFC 5646 language tag (syntax only) for `lang` and language-content. */
bool cx_v_lang_tag_valid(const char *s);
int cx_v_lang(const json_t *o, const char *at, const char *key, unsigned flags,
              struct cx_stix_error *err);

/* ---- Structure and common properties (validate.c) ------------------------ */

/* Reject JSON containers nested deeper than max levels below v (v itself is
 * level 1) with CX_RULE_DEPTH at the path of the first too-deep container,
 * and numbers whose canonical form no 64-bit reader can parse (magnitude
 * from 2^63 to 10^21) with CX_RULE_RANGE at theirs. */
int cx_v_depth(const json_t *v, int max, struct cx_stix_error *err);

/* Whether `name` is one of the STIX common properties (type, spec_version,
 * id, created_by_ref, created, modified, revoked, labels, confidence, lang,
 * external_references, object_marking_refs, granular_markings, extensions,
 * defanged). When it is, *ret_allowed tells whether an object of this kind
 * (and, for CX_STIX_META, this type) may carry it and *ret_required whether it
 * must (both optional). Custom objects use the kind they declare. */
bool cx_v_common_property(enum cx_stix_kind kind, const char *type, const char *name,
                          bool *ret_allowed, bool *ret_required);

/* ---- Custom properties and extensions (validate_ext.c) --------------------- */

/* Check every property of o (path `at`) that is neither in names
 * (NULL-terminated, may be NULL) nor a common property of `kind`
 * (CX_STIX_UNKNOWN: no common properties, for nested structures):
 * such a property is a custom property and must have custom property name
 * syntax (CX_RULE_PROPERTY_NAME), must not be null (CX_RULE_TYPE) or an empty
 * list (CX_RULE_EMPTY), and must not be the name
 * of a common property that `kind` does not allow (CX_RULE_FORBIDDEN; e.g.
 * `created` on an SCO). On a predefined object type (not a custom one, whose
 * definition may use any name, nor a nested structure) it must not be a
 * reserved property name either (CX_RULE_FORBIDDEN; see validate_ext.c). */
int cx_v_properties(const json_t *o, const char *at, enum cx_stix_kind kind,
                    const char *const *names, struct cx_stix_error *err);

/* The value of one `extension-definition--UUID` key of `extensions` (path
 * `at`, e.g. "extensions.extension-definition--..."): a JSON object with an
 * `extension_type` from cx_vocab_extension_type (required, as in the OASIS
 * schema of extensions) and custom-property names for the rest. */
int cx_v_extension_definition_value(const json_t *v, const char *at, struct cx_stix_error *err);

/* For a type name the model does not know: the kind that an
 * extension-definition in `extensions` declares for it (STIX 2.1 section
 * 7.3), from the first `extension-definition--UUID` key whose value has
 * extension_type new-sdo, new-sco or new-sro; CX_STIX_UNKNOWN when nothing
 * declares it. */
enum cx_stix_kind cx_v_custom_kind(const json_t *obj);
/* The `extensions` dictionary of obj, an object of this type and kind
 * (custom: a type that an extension-definition declares): every value a JSON
 * object. A key that is not an extension-definition id is left to the SCO
 * validator on a predefined SCO and is CX_RULE_EXTENSION on any other object;
 * an extension-definition key must be a well-formed identifier
 * (CX_RULE_IDENTIFIER) whose value cx_v_extension_definition_value() accepts,
 * and may declare a new type (new-sdo, new-sco, new-sro) only on a custom
 * object of that kind (CX_RULE_EXTENSION at "extensions.<key>.extension_type"). */
int cx_v_extensions(const json_t *obj, const char *type, enum cx_stix_kind kind, bool custom,
                    struct cx_stix_error *err);
/* Call opts->extension (when opts and the hook are set) for each
 * `extension-definition--UUID` key of obj's `extensions`, in order, stopping at
 * the first rejection. A hook that rejects without filling err leaves a
 * CX_RULE_EXTENSION error at "extensions.<key>". Returns 0 or -EINVAL. */
int cx_v_extension_hooks(const json_t *obj, const struct cx_stix_validate_opts *opts,
                         struct cx_stix_error *err);

/* ---- Structures in common properties (validate_structures.c) --------------- */

/* kill_chain_phases: a non-empty list of {kill_chain_name, phase_name}. */
int cx_v_kill_chain_phases(const json_t *o, const char *at, const char *key, unsigned flags,
                           struct cx_stix_error *err);
/* external_references: a non-empty list of external-reference objects. */
int cx_v_external_references(const json_t *o, const char *at, const char *key, unsigned flags,
                             struct cx_stix_error *err);
/* granular_markings: a non-empty list of granular-marking objects. */
int cx_v_granular_markings(const json_t *o, const char *at, const char *key, unsigned flags,
                           struct cx_stix_error *err);

/* ---- Declarative property tables (validate.c) ------------------------------
 *
 * A type's own properties as a table, checked in order by cx_v_props(). */
enum cx_v_ptype {
	CX_VP_STRING,
	CX_VP_STRING_LIST,
	CX_VP_OPEN_VOCAB,
	CX_VP_OPEN_VOCAB_LIST,
	CX_VP_ENUM,      /* set: the closed vocabulary */
	CX_VP_ENUM_LIST, /* set: the closed vocabulary */
	CX_VP_TIMESTAMP, /* CX_V_MILLIS applies */
	CX_VP_BOOLEAN,
	CX_VP_INTEGER,  /* bounds [min, max] when min < max */
	CX_VP_NUMBER,   /* bounds [min, max] when min < max */
	CX_VP_REF,      /* set: allowed target types, NULL for any */
	CX_VP_REF_LIST, /* set: allowed target types, NULL for any */
	CX_VP_KILL_CHAIN,
	CX_VP_HASHES,
	CX_VP_URL,
	CX_VP_BINARY,
	CX_VP_HEX,
	CX_VP_LANG,
	CX_VP_DICT,     /* a dictionary of any non-null values */
	CX_VP_OBJECT,   /* a JSON object, contents checked by the caller */
	CX_VP_LIST,     /* a non-empty list, contents checked by the caller */
	CX_VP_RESERVED, /* a reserved name: present is CX_RULE_FORBIDDEN */
};

struct cx_v_prop {
	const char *name;
	enum cx_v_ptype type;
	unsigned flags;
	const char *const *set;
	double min, max;
};

#define CX_V_PROPS_MAX 64

/* Check the n (at most CX_V_PROPS_MAX) properties of table props on o (path
 * `at`), in table order, then every other property of o with
 * cx_v_properties(o, at, kind, <the table's names>, err). */
int cx_v_props(const json_t *o, const char *at, enum cx_stix_kind kind,
               const struct cx_v_prop *props, size_t n, struct cx_stix_error *err);

/* ---- Type validators of this module ------------------------------------------
 *
 * Called by cx_stix_validate() after the common properties (and the
 * extension-definition keys of `extensions`) have been checked; each checks
 * the type's own properties and its custom properties. Same return
 * convention as cx_stix_validate_sco_type(). */
bool cx_v_is_sdo_type(const char *type);                                      /* the 19 SDO types */
int cx_v_sdo(const char *type, const json_t *obj, struct cx_stix_error *err); /* validate_sdo.c */
int cx_v_sro(const char *type, const json_t *obj, struct cx_stix_error *err); /* validate_sro.c */
/* marking-definition, language-content, extension-definition (validate_meta.c). */
int cx_v_meta(const char *type, const json_t *obj, struct cx_stix_error *err);

#endif
/* ready */
