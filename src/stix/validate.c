/* Entry points of STIX validation and the rules every object shares: the
 * nesting depth, numbers the node can read back, and the common properties
 * (the structures they hold are checked in validate_structures.c; custom
 * properties, extensions and custom object types declared by an
 * extension-definition in validate_ext.c). After
 * these, cx_stix_validate() hands the object to the validator of its type;
 * property tables (cx_v_props) serve those. */
#include "stix/validate.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stix/validate_internal.h"

static const char *const identity_only[] = {"identity", NULL};
static const char *const marking_only[] = {"marking-definition", NULL};

enum cx_stix_kind cx_stix_kind_of(const char *type)
{
	if (!type)
		return CX_STIX_UNKNOWN;
	if (cx_v_is_sdo_type(type))
		return CX_STIX_SDO;
	if (strcmp(type, "relationship") == 0 || strcmp(type, "sighting") == 0)
		return CX_STIX_SRO;
	if (strcmp(type, "marking-definition") == 0 || strcmp(type, "language-content") == 0 ||
	    strcmp(type, "extension-definition") == 0)
		return CX_STIX_META;
	if (strcmp(type, "bundle") == 0)
		return CX_STIX_BUNDLE;
	if (cx_stix_is_sco_type(type))
		return CX_STIX_SCO;
	return CX_STIX_UNKNOWN;
}

/* ---- Common properties --------------------------------------------------- */

static int common_values(const json_t *obj, const char *type, struct cx_stix_error *err)
{
	const char *s;
	int r;

	if ((r = cx_v_string(obj, "", "spec_version", 0, &s, err)) < 0)
		return r;
	if (s && strcmp(s, "2.1") != 0)
		return cx_v_fail(err, "", "spec_version", CX_RULE_SPEC_VERSION,
		                 "spec_version must be \"2.1\", not \"%.20s\"", s);
	if ((r = cx_v_string(obj, "", "id", CX_V_REQUIRED, &s, err)) < 0)
		return r;
	if (!cx_v_identifier_valid(s, type))
		return cx_v_fail(err, "", "id", CX_RULE_IDENTIFIER,
		                 "id must be \"%.100s--\" followed by an RFC 4122 UUID", type);
	if ((r = cx_v_ref(obj, "", "created_by_ref", 0, identity_only, err)) < 0 ||
	    (r = cx_v_timestamp(obj, "", "created", CX_V_MILLIS, NULL, NULL, err)) < 0 ||
	    (r = cx_v_timestamp(obj, "", "modified", CX_V_MILLIS, NULL, NULL, err)) < 0 ||
	    (r = cx_v_time_order(obj, "", "created", "modified", false, err)) < 0 ||
	    (r = cx_v_boolean(obj, "", "revoked", 0, err)) < 0 ||
	    (r = cx_v_string_list(obj, "", "labels", 0, err)) < 0 ||
	    (r = cx_v_integer(obj, "", "confidence", 0, 0, 100, NULL, err)) < 0 ||
	    (r = cx_v_lang(obj, "", "lang", 0, err)) < 0 ||
	    (r = cx_v_external_references(obj, "", "external_references", 0, err)) < 0 ||
	    (r = cx_v_ref_list(obj, "", "object_marking_refs", 0, marking_only, err)) < 0 ||
	    (r = cx_v_granular_markings(obj, "", "granular_markings", 0, err)) < 0 ||
	    (r = cx_v_boolean(obj, "", "defanged", 0, err)) < 0)
		return r;
	return 0;
}

/* ---- Structure -------------------------------------------------------------- */

/* The canonical form (RFC 8785) writes a number of magnitude below 10^21 as
 * an integer literal (every double from 2^53 on is whole), and an integer
 * past 2^53 as the nearest double. From 2^63 on, that literal is outside
 * the 64-bit integers that jansson, and so every reader in this node, can
 * parse: the stored object could never be read again. -2^63 itself is out
 * too: its shortest form is -9223372036854776000. */
static bool number_unreadable(const json_t *v)
{
	double d;

	if (json_is_integer(v))
		d = (double)json_integer_value(v);
	else if (json_is_real(v))
		d = json_real_value(v);
	else
		return false;
	return (d >= 9223372036854775808.0 && d < 1e21) ||
	       (d <= -9223372036854775808.0 && d > -1e21);
}

static int depth_walk(const json_t *v, int level, int max, char *path, size_t cap,
                      struct cx_stix_error *err)
{
	size_t len = strlen(path);
	int r = 0;

	if (number_unreadable(v))
		return cx_v_fail(err, path, NULL, CX_RULE_RANGE,
		                 "the number %.17g cannot be stored: in canonical form (RFC 8785) "
		                 "it is an integer outside the 64-bit range",
		                 json_number_value(v));
	if (!json_is_object(v) && !json_is_array(v))
		return 0;
	if (level > max)
		return cx_v_fail(err, path, NULL, CX_RULE_DEPTH,
		                 "JSON containers are nested deeper than %d levels", max);
	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v) && r == 0; i++) {
			snprintf(path + len, cap - len, "[%zu]", i);
			r = depth_walk(json_array_get(v, i), level + 1, max, path, cap, err);
			path[len] = '\0';
		}
		return r;
	}
	for (void *it = json_object_iter((json_t *)v); it && r == 0;
	     it = json_object_iter_next((json_t *)v, it)) {
		snprintf(path + len, cap - len, "%s%s", len ? "." : "", json_object_iter_key(it));
		r = depth_walk(json_object_iter_value(it), level + 1, max, path, cap, err);
		path[len] = '\0';
	}
	return r;
}

/* The cheap pass: only when it finds a problem does depth_walk build paths. */
static bool structure_bad(const json_t *v, int level, int max)
{
	if (number_unreadable(v))
		return true;
	if (json_is_array(v)) {
		if (level > max)
			return true;
		for (size_t i = 0; i < json_array_size(v); i++)
			if (structure_bad(json_array_get(v, i), level + 1, max))
				return true;
	} else if (json_is_object(v)) {
		if (level > max)
			return true;
		for (void *it = json_object_iter((json_t *)v); it;
		     it = json_object_iter_next((json_t *)v, it))
			if (structure_bad(json_object_iter_value(it), level + 1, max))
				return true;
	}
	return false;
}

int cx_v_depth(const json_t *v, int max, struct cx_stix_error *err)
{
	char path[CX_V_PATH_MAX] = "";

	if (!structure_bad(v, 1, max))
		return 0;
	return depth_walk(v, 1, max, path, sizeof(path), err);
}

/* Which objects carry which common properties (STIX 2.1 sections 3.2, 4-7). */
enum {
	P_SDO = 1 << 0,
	P_SRO = 1 << 1,
	P_SCO = 1 << 2,
	P_LC = 1 << 3, /* language-content */
	P_MD = 1 << 4, /* marking-definition */
	P_ED = 1 << 5, /* extension-definition */
	P_ALL = P_SDO | P_SRO | P_SCO | P_LC | P_MD | P_ED,
};

static const struct {
	const char *name;
	unsigned allowed, required;
} commons[] = {
    {"type", P_ALL, P_ALL},
    {"spec_version", P_ALL, P_ALL & ~P_SCO},
    {"id", P_ALL, P_ALL},
    {"created_by_ref", P_SDO | P_SRO | P_LC | P_MD | P_ED, P_ED},
    {"created", P_SDO | P_SRO | P_LC | P_MD | P_ED, P_SDO | P_SRO | P_LC | P_MD | P_ED},
    {"modified", P_SDO | P_SRO | P_LC | P_ED, P_SDO | P_SRO | P_LC | P_ED},
    {"revoked", P_SDO | P_SRO | P_LC | P_ED, 0},
    {"labels", P_SDO | P_SRO | P_LC | P_ED, 0},
    {"confidence", P_SDO | P_SRO | P_LC, 0},
    {"lang", P_SDO | P_SRO, 0},
    {"external_references", P_SDO | P_SRO | P_LC | P_MD | P_ED, 0},
    {"object_marking_refs", P_ALL, 0},
    {"granular_markings", P_ALL, 0},
    {"extensions", P_SDO | P_SRO | P_SCO | P_LC | P_MD, 0},
    {"defanged", P_SCO, 0},
};

static unsigned profile_of(enum cx_stix_kind kind, const char *type)
{
	switch (kind) {
	case CX_STIX_SDO:
		return P_SDO;
	case CX_STIX_SRO:
		return P_SRO;
	case CX_STIX_SCO:
		return P_SCO;
	case CX_STIX_META:
		if (type && strcmp(type, "language-content") == 0)
			return P_LC;
		if (type && strcmp(type, "marking-definition") == 0)
			return P_MD;
		if (type && strcmp(type, "extension-definition") == 0)
			return P_ED;
		return 0;
	default:
		return 0;
	}
}

bool cx_v_common_property(enum cx_stix_kind kind, const char *type, const char *name,
                          bool *ret_allowed, bool *ret_required)
{
	unsigned p = profile_of(kind, type);

	for (size_t i = 0; i < sizeof(commons) / sizeof(commons[0]); i++) {
		if (strcmp(commons[i].name, name) == 0) {
			if (ret_allowed)
				*ret_allowed = (commons[i].allowed & p) != 0;
			if (ret_required)
				*ret_required = (commons[i].required & p) != 0;
			return true;
		}
	}
	return false;
}

/* Presence of the common properties: required ones present, ones that do
 * not apply to this kind of object absent. */
static int common_presence(const json_t *obj, enum cx_stix_kind kind, const char *type,
                           struct cx_stix_error *err)
{
	for (size_t i = 0; i < sizeof(commons) / sizeof(commons[0]); i++) {
		const char *n = commons[i].name;
		bool allowed = false, required = false;
		bool present = json_object_get(obj, n) != NULL;

		cx_v_common_property(kind, type, n, &allowed, &required);
		if (present && !allowed)
			return cx_v_fail(err, "", n, CX_RULE_FORBIDDEN,
			                 "the common property %s does not apply to %s objects", n,
			                 type);
		if (!present && required)
			return cx_v_fail(err, "", n, CX_RULE_REQUIRED,
			                 "the property %s is required", n);
	}
	return 0;
}

/* ---- Declarative property tables ------------------------------------------ */

static int check_prop(const json_t *o, const char *at, const struct cx_v_prop *p,
                      struct cx_stix_error *err)
{
	unsigned f = p->flags;
	bool bounded = p->min < p->max;

	switch (p->type) {
	case CX_VP_STRING:
		return cx_v_string(o, at, p->name, f, NULL, err);
	case CX_VP_STRING_LIST:
		return cx_v_string_list(o, at, p->name, f, err);
	case CX_VP_OPEN_VOCAB:
		return cx_v_open_vocab(o, at, p->name, f, err);
	case CX_VP_OPEN_VOCAB_LIST:
		return cx_v_open_vocab_list(o, at, p->name, f, err);
	case CX_VP_ENUM:
		return cx_v_enum(o, at, p->name, f, p->set, err);
	case CX_VP_ENUM_LIST:
		return cx_v_enum_list(o, at, p->name, f, p->set, err);
	case CX_VP_TIMESTAMP:
		return cx_v_timestamp(o, at, p->name, f, NULL, NULL, err);
	case CX_VP_BOOLEAN:
		return cx_v_boolean(o, at, p->name, f, err);
	case CX_VP_INTEGER:
		return cx_v_integer(o, at, p->name, f, bounded ? (json_int_t)p->min : LLONG_MIN,
		                    bounded ? (json_int_t)p->max : LLONG_MAX, NULL, err);
	case CX_VP_NUMBER:
		return cx_v_number(o, at, p->name, f, bounded ? p->min : -HUGE_VAL,
		                   bounded ? p->max : HUGE_VAL, NULL, err);
	case CX_VP_REF:
		return cx_v_ref(o, at, p->name, f, p->set, err);
	case CX_VP_REF_LIST:
		return cx_v_ref_list(o, at, p->name, f, p->set, err);
	case CX_VP_KILL_CHAIN:
		return cx_v_kill_chain_phases(o, at, p->name, f, err);
	case CX_VP_HASHES:
		return cx_v_hashes(o, at, p->name, f, err);
	case CX_VP_URL:
		return cx_v_url(o, at, p->name, f, err);
	case CX_VP_BINARY:
		return cx_v_binary(o, at, p->name, f, err);
	case CX_VP_HEX:
		return cx_v_hex(o, at, p->name, f, err);
	case CX_VP_LANG:
		return cx_v_lang(o, at, p->name, f, err);
	case CX_VP_DICT:
		return cx_v_dict(o, at, p->name, f, CX_VJ_ANY, NULL, err);
	case CX_VP_OBJECT:
		return cx_v_get(o, at, p->name, f, CX_VJ_OBJECT, NULL, err);
	case CX_VP_LIST:
		return cx_v_list(o, at, p->name, f, NULL, err);
	case CX_VP_RESERVED:
		if (json_object_get(o, p->name))
			return cx_v_fail(err, at, p->name, CX_RULE_FORBIDDEN,
			                 "%s is a reserved property name and must not be used",
			                 p->name);
		return 0;
	}
	return 0;
}

int cx_v_props(const json_t *o, const char *at, enum cx_stix_kind kind,
               const struct cx_v_prop *props, size_t n, struct cx_stix_error *err)
{
	const char *names[CX_V_PROPS_MAX + 1];
	int r;

	if (n > CX_V_PROPS_MAX)
		return cx_v_fail(err, at, NULL, CX_RULE_SIZE, "property table too large");
	for (size_t i = 0; i < n; i++) {
		r = check_prop(o, at, &props[i], err);
		if (r < 0)
			return r;
		names[i] = props[i].name;
	}
	names[n] = NULL;
	return cx_v_properties(o, at, kind, names, err);
}

/* ---- Entry points -------------------------------------------------------------- */

static int validate_object(const json_t *obj, const struct cx_stix_validate_opts *opts,
                           struct cx_stix_error *err)
{
	const char *type;
	enum cx_stix_kind kind;
	bool custom = false;
	int r;

	if ((r = cx_v_depth(obj, CX_STIX_MAX_DEPTH, err)) < 0 ||
	    (r = cx_v_string(obj, "", "type", CX_V_REQUIRED, &type, err)) < 0)
		return r;
	if (!cx_v_type_name_valid(type))
		return cx_v_fail(err, "", "type", CX_RULE_TYPE_NAME,
		                 "a type name is 3-250 characters of a-z, 0-9 and single "
		                 "hyphens, beginning with a letter and not ending with a hyphen");
	kind = cx_stix_kind_of(type);
	if (kind == CX_STIX_BUNDLE)
		return cx_v_fail(err, "", "type", CX_RULE_TYPE_NAME,
		                 "a bundle is not a STIX object");
	if (kind == CX_STIX_UNKNOWN) {
		kind = cx_v_custom_kind(obj);
		custom = true;
		if (kind == CX_STIX_UNKNOWN)
			return cx_v_fail(err, "", "type", CX_RULE_TYPE_NAME,
			                 "%.100s is neither a STIX 2.1 type nor declared by an "
			                 "extension-definition (new-sdo, new-sco, new-sro)",
			                 type);
	}
	if ((r = common_presence(obj, kind, type, err)) < 0 ||
	    (r = common_values(obj, type, err)) < 0 ||
	    (r = cx_v_extensions(obj, type, kind, custom, err)) < 0)
		return r;
	if (custom)
		r = cx_v_properties(obj, "", kind, NULL, err);
	else if (kind == CX_STIX_SDO)
		r = cx_v_sdo(type, obj, err);
	else if (kind == CX_STIX_SRO)
		r = cx_v_sro(type, obj, err);
	else if (kind == CX_STIX_META)
		r = cx_v_meta(type, obj, err);
	else
		r = cx_stix_validate_sco_type(type, obj, err);
	if (r < 0)
		return r;
	return cx_v_extension_hooks(obj, opts, err);
}

int cx_stix_validate(const json_t *obj, const struct cx_stix_validate_opts *opts,
                     struct cx_stix_error *err)
{
	const char *id;
	int r;

	cx_stix_error_clear(err);
	if (!json_is_object(obj))
		return cx_stix_error_set(err, "", CX_RULE_NOT_OBJECT,
		                         "a STIX object must be a JSON object");
	id = json_string_value(json_object_get(obj, "id"));
	r = validate_object(obj, opts, err);
	if (r < 0) {
		/* Validators and hooks fill everything but the id, set once here. */
		cx_stix_error_set_id(err, id);
		return -EINVAL;
	}
	return 0;
}

int cx_stix_validate_bundle(const json_t *bundle, struct cx_stix_error *err)
{
	static const char *const names[] = {"type", "id", "objects", NULL};
	const char *type, *id;
	const json_t *objects;
	char path[CX_V_PATH_MAX];
	int r;

	cx_stix_error_clear(err);
	if (!json_is_object(bundle))
		return cx_stix_error_set(err, "", CX_RULE_NOT_OBJECT,
		                         "a bundle must be a JSON object");
	id = json_string_value(json_object_get(bundle, "id"));
	cx_stix_error_set_id(err, id);
	if ((r = cx_v_string(bundle, "", "type", CX_V_REQUIRED, &type, err)) < 0)
		return r;
	if (strcmp(type, "bundle") != 0)
		return cx_v_fail(err, "", "type", CX_RULE_TYPE_NAME,
		                 "a bundle has type \"bundle\", not \"%.100s\"", type);
	if ((r = cx_v_string(bundle, "", "id", CX_V_REQUIRED, &id, err)) < 0)
		return r;
	if (!cx_v_identifier_valid(id, "bundle"))
		return cx_v_fail(err, "", "id", CX_RULE_IDENTIFIER,
		                 "a bundle id is \"bundle--\" followed by an RFC 4122 UUID");
	if ((r = cx_v_list(bundle, "", "objects", 0, &objects, err)) < 0)
		return r;
	for (size_t i = 0; objects && i < json_array_size(objects); i++) {
		if (!json_is_object(json_array_get(objects, i)))
			return cx_v_fail(err, cx_v_path_index(path, sizeof(path), "objects", i),
			                 NULL, CX_RULE_NOT_OBJECT,
			                 "every bundle entry must be a "
			                 "JSON object");
	}
	return cx_v_properties(bundle, "", CX_STIX_UNKNOWN, names, err);
}
