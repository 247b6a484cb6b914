/* Entry points of STIX validation and the rules every object shares: the
 * nesting depth, the common properties (with the structures they hold:
 * external references, granular markings, kill chain phases), custom
 * property names, extensions and custom object types declared by an
 * extension-definition. After these, cx_stix_validate() hands the object to
 * the validator of its type; property tables (cx_v_props) serve those. */
#include "stix/validate.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stix/validate_internal.h"

#define EXTDEF_PREFIX "extension-definition--"

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

/* ---- Structures shared by many objects ------------------------------------- */

/* Fetch element i of a list that must be a JSON object, and its path. */
static int list_object(const json_t *list, const char *base, size_t i, char *path, size_t n,
                       const json_t **ret, struct cx_stix_error *err)
{
	const json_t *e = json_array_get(list, i);

	cx_v_path_index(path, n, base, i);
	if (!json_is_object(e))
		return cx_v_fail(err, path, NULL, CX_RULE_TYPE, "%s must be an object", path);
	*ret = e;
	return 0;
}

int cx_v_kill_chain_phases(const json_t *o, const char *at, const char *key, unsigned flags,
                           struct cx_stix_error *err)
{
	static const char *const names[] = {"kill_chain_name", "phase_name", NULL};
	const json_t *list, *e = NULL;
	char base[CX_V_PATH_MAX], path[CX_V_PATH_MAX];
	int r = cx_v_list(o, at, key, flags, &list, err);

	if (r < 0 || !list)
		return r;
	cx_v_path(base, sizeof(base), at, key);
	for (size_t i = 0; i < json_array_size(list); i++) {
		if ((r = list_object(list, base, i, path, sizeof(path), &e, err)) < 0 ||
		    (r = cx_v_string(e, path, "kill_chain_name", CX_V_REQUIRED | CX_V_NONEMPTY,
		                     NULL, err)) < 0 ||
		    (r = cx_v_string(e, path, "phase_name", CX_V_REQUIRED | CX_V_NONEMPTY, NULL,
		                     err)) < 0 ||
		    (r = cx_v_properties(e, path, CX_STIX_UNKNOWN, names, err)) < 0)
			return r;
	}
	return 0;
}

/* "CVE-YYYY-NNNN..." (at least four digits) or "CAPEC-N...". */
static bool digits_only(const char *s, size_t min)
{
	size_t n = 0;

	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9')
			return false;
	}
	return n >= min;
}

static bool cve_id_valid(const char *s)
{
	return strncmp(s, "CVE-", 4) == 0 && strlen(s) >= 9 && s[8] == '-' && s[4] >= '0' &&
	       s[4] <= '9' && s[5] >= '0' && s[5] <= '9' && s[6] >= '0' && s[6] <= '9' &&
	       s[7] >= '0' && s[7] <= '9' && digits_only(s + 9, 4);
}

/* External references admit only the hash-algorithm-ov names (STIX 2.1
 * section 2.5), unlike the hashes of observables. */
static int reference_hash_names(const json_t *e, const char *path, struct cx_stix_error *err)
{
	const json_t *hashes = json_object_get(e, "hashes");
	char base[CX_V_PATH_MAX];

	cx_v_path(base, sizeof(base), path, "hashes");
	for (void *it = json_object_iter((json_t *)hashes); it;
	     it = json_object_iter_next((json_t *)hashes, it)) {
		const char *k = json_object_iter_key(it);

		if (!cx_vocab_has(cx_vocab_hash_algorithm, k))
			return cx_v_fail(err, base, k, CX_RULE_VOCAB,
			                 "%.60s is not a hash-algorithm-ov name", k);
	}
	return 0;
}

static int external_reference(const json_t *e, const char *path, struct cx_stix_error *err)
{
	static const char *const names[] = {"source_name", "description", "url",
	                                    "hashes",      "external_id", NULL};
	const char *source, *ext_id;
	int r;

	if ((r = cx_v_string(e, path, "source_name", CX_V_REQUIRED | CX_V_NONEMPTY, &source, err)) <
	        0 ||
	    (r = cx_v_string(e, path, "description", 0, NULL, err)) < 0 ||
	    (r = cx_v_url(e, path, "url", 0, err)) < 0 ||
	    (r = cx_v_hashes(e, path, "hashes", 0, err)) < 0 ||
	    (r = reference_hash_names(e, path, err)) < 0 ||
	    (r = cx_v_string(e, path, "external_id", 0, &ext_id, err)) < 0)
		return r;
	if (!json_object_get(e, "description") && !json_object_get(e, "url") && !ext_id)
		return cx_v_fail(err, path, NULL, CX_RULE_DEPENDENCY,
		                 "an external reference needs description, url or external_id "
		                 "besides source_name");
	if (strcmp(source, "cve") == 0 || strcmp(source, "capec") == 0) {
		bool cve = source[1] == 'v';

		if (!ext_id)
			return cx_v_fail(err, path, "external_id", CX_RULE_REQUIRED,
			                 "a %s reference needs external_id", source);
		if (cve ? !cve_id_valid(ext_id)
		        : (strncmp(ext_id, "CAPEC-", 6) != 0 || !digits_only(ext_id + 6, 1)))
			return cx_v_fail(err, path, "external_id", CX_RULE_FORMAT,
			                 "'%.60s' is not a %s identifier", ext_id,
			                 cve ? "CVE-YYYY-NNNN" : "CAPEC-N");
	}
	return cx_v_properties(e, path, CX_STIX_UNKNOWN, names, err);
}

int cx_v_external_references(const json_t *o, const char *at, const char *key, unsigned flags,
                             struct cx_stix_error *err)
{
	const json_t *list, *e = NULL;
	char base[CX_V_PATH_MAX], path[CX_V_PATH_MAX];
	int r = cx_v_list(o, at, key, flags, &list, err);

	if (r < 0 || !list)
		return r;
	cx_v_path(base, sizeof(base), at, key);
	for (size_t i = 0; i < json_array_size(list); i++) {
		if ((r = list_object(list, base, i, path, sizeof(path), &e, err)) < 0 ||
		    (r = external_reference(e, path, err)) < 0)
			return r;
	}
	return 0;
}

/* A granular-marking selector (STIX 2.1 section 7.2.3.1): property names and
 * list indices ("[2]") joined by dots, which must select something present in
 * the object. Returns 0 when it does, 1 when well formed but selecting
 * nothing, -1 when malformed. */
static int selector_resolve(const json_t *obj, const char *sel)
{
	const json_t *cur = obj;
	const char *p = sel;
	char seg[256];
	bool first = true;

	while (first || *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (n == 0 || n >= sizeof(seg) || (dot && dot[1] == '\0'))
			return -1;
		memcpy(seg, p, n);
		seg[n] = '\0';
		if (seg[0] == '[') {
			size_t idx = 0;

			if (first || n < 3 || seg[n - 1] != ']')
				return -1;
			for (size_t i = 1; i + 1 < n; i++) {
				if (seg[i] < '0' || seg[i] > '9' || idx > 100000000)
					return -1;
				idx = idx * 10 + (size_t)(seg[i] - '0');
			}
			if (!json_is_array(cur) || idx >= json_array_size(cur))
				return 1;
			cur = json_array_get(cur, idx);
		} else {
			if (!cx_v_dict_key_valid(seg))
				return -1;
			if (!json_is_object(cur) || !(cur = json_object_get(cur, seg)))
				return 1;
		}
		first = false;
		p += n + (dot ? 1 : 0);
	}
	return 0;
}

static int granular_marking(const json_t *obj, const json_t *e, const char *path,
                            struct cx_stix_error *err)
{
	static const char *const names[] = {"selectors", "marking_ref", "lang", NULL};
	const json_t *sels;
	char base[CX_V_PATH_MAX], spath[CX_V_PATH_MAX];
	int r;

	if ((r = cx_v_string_list(e, path, "selectors", CX_V_REQUIRED | CX_V_NONEMPTY, err)) < 0 ||
	    (r = cx_v_ref(e, path, "marking_ref", 0, marking_only, err)) < 0 ||
	    (r = cx_v_lang(e, path, "lang", 0, err)) < 0)
		return r;
	if (json_object_get(e, "marking_ref") && json_object_get(e, "lang"))
		return cx_v_fail(err, path, "lang", CX_RULE_DEPENDENCY,
		                 "a granular marking has marking_ref or lang, not both");
	if (!json_object_get(e, "marking_ref") && !json_object_get(e, "lang"))
		return cx_v_fail(err, path, "marking_ref", CX_RULE_REQUIRED,
		                 "a granular marking needs marking_ref or lang");
	sels = json_object_get(e, "selectors");
	cx_v_path(base, sizeof(base), path, "selectors");
	for (size_t i = 0; i < json_array_size(sels); i++) {
		const char *s = json_string_value(json_array_get(sels, i));

		cx_v_path_index(spath, sizeof(spath), base, i);
		r = selector_resolve(obj, s);
		if (r < 0)
			return cx_v_fail(err, spath, NULL, CX_RULE_FORMAT,
			                 "'%.80s' is not a selector (names and [index] joined "
			                 "by dots)",
			                 s);
		if (r > 0)
			return cx_v_fail(err, spath, NULL, CX_RULE_DEPENDENCY,
			                 "the selector '%.80s' selects nothing in this object", s);
	}
	return cx_v_properties(e, path, CX_STIX_UNKNOWN, names, err);
}

int cx_v_granular_markings(const json_t *o, const char *at, const char *key, unsigned flags,
                           struct cx_stix_error *err)
{
	const json_t *list, *e = NULL;
	char base[CX_V_PATH_MAX], path[CX_V_PATH_MAX];
	int r = cx_v_list(o, at, key, flags, &list, err);

	if (r < 0 || !list)
		return r;
	cx_v_path(base, sizeof(base), at, key);
	for (size_t i = 0; i < json_array_size(list); i++) {
		if ((r = list_object(list, base, i, path, sizeof(path), &e, err)) < 0 ||
		    (r = granular_marking(o, e, path, err)) < 0)
			return r;
	}
	return 0;
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

/* ---- Extensions and custom object types ----------------------------------- */

static bool is_extdef_key(const char *k)
{
	return strncmp(k, EXTDEF_PREFIX, strlen(EXTDEF_PREFIX)) == 0;
}

/* The kind an extension value declares with extension_type new-sdo/new-sco/
 * new-sro, or CX_STIX_UNKNOWN. */
static enum cx_stix_kind declared_kind(const json_t *ext)
{
	const char *t = json_string_value(json_object_get(ext, "extension_type"));

	if (!t)
		return CX_STIX_UNKNOWN;
	if (strcmp(t, "new-sdo") == 0)
		return CX_STIX_SDO;
	if (strcmp(t, "new-sco") == 0)
		return CX_STIX_SCO;
	if (strcmp(t, "new-sro") == 0)
		return CX_STIX_SRO;
	return CX_STIX_UNKNOWN;
}

/* For a type name the model does not know: the kind declared for it by an
 * extension-definition in `extensions` (STIX 2.1 section 7.3), or
 * CX_STIX_UNKNOWN when nothing declares it. */
static enum cx_stix_kind custom_kind(const json_t *obj)
{
	const json_t *exts = json_object_get(obj, "extensions");

	if (!json_is_object(exts))
		return CX_STIX_UNKNOWN;
	for (void *it = json_object_iter((json_t *)exts); it;
	     it = json_object_iter_next((json_t *)exts, it)) {
		enum cx_stix_kind k = declared_kind(json_object_iter_value(it));

		if (is_extdef_key(json_object_iter_key(it)) && k != CX_STIX_UNKNOWN)
			return k;
	}
	return CX_STIX_UNKNOWN;
}

static int check_extensions(const json_t *obj, const char *type, enum cx_stix_kind kind,
                            bool custom, struct cx_stix_error *err)
{
	const json_t *exts;
	char path[CX_V_PATH_MAX];
	int r = cx_v_dict(obj, "", "extensions", 0, CX_VJ_OBJECT, &exts, err);

	if (r < 0 || !exts)
		return r;
	for (void *it = json_object_iter((json_t *)exts); it;
	     it = json_object_iter_next((json_t *)exts, it)) {
		const char *k = json_object_iter_key(it);
		const json_t *v = json_object_iter_value(it);
		enum cx_stix_kind declared;

		cx_v_path(path, sizeof(path), "extensions", k);
		if (!is_extdef_key(k)) {
			/* Only SCOs have predefined extensions; their validator checks them. */
			if (kind == CX_STIX_SCO && !custom)
				continue;
			return cx_v_fail(err, path, NULL, CX_RULE_EXTENSION,
			                 "extensions of %s objects must be named by an "
			                 "extension-definition id",
			                 type);
		}
		if (!cx_v_identifier_valid(k, "extension-definition"))
			return cx_v_fail(err, path, NULL, CX_RULE_IDENTIFIER,
			                 "'%.80s' is not an extension-definition id", k);
		if ((r = cx_v_extension_definition_value(v, path, err)) < 0)
			return r;
		declared = declared_kind(v);
		if (declared != CX_STIX_UNKNOWN && (!custom || declared != kind))
			return cx_v_fail(err, path, "extension_type", CX_RULE_EXTENSION,
			                 "extension_type %s does not match the %s type %s",
			                 json_string_value(json_object_get(v, "extension_type")),
			                 custom ? "custom" : "predefined", type);
	}
	return 0;
}

static int run_hooks(const json_t *obj, const struct cx_stix_validate_opts *opts,
                     struct cx_stix_error *err)
{
	const json_t *exts = json_object_get(obj, "extensions");

	if (!opts || !opts->extension || !json_is_object(exts))
		return 0;
	for (void *it = json_object_iter((json_t *)exts); it;
	     it = json_object_iter_next((json_t *)exts, it)) {
		const char *k = json_object_iter_key(it);
		int r;

		if (!is_extdef_key(k))
			continue;
		r = opts->extension(opts->arg, k, obj, err);
		if (r < 0) {
			/* A hook that forgot to say why still yields a complete error. */
			if (err && !err->rule[0])
				cx_v_fail(err, "extensions", k, CX_RULE_EXTENSION,
				          "rejected by the extension definition %s", k);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- Structure -------------------------------------------------------------- */

static int depth_walk(const json_t *v, int level, int max, char *path, size_t cap,
                      struct cx_stix_error *err)
{
	size_t len = strlen(path);
	int r = 0;

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
static bool too_deep(const json_t *v, int level, int max)
{
	if (json_is_array(v)) {
		if (level > max)
			return true;
		for (size_t i = 0; i < json_array_size(v); i++)
			if (too_deep(json_array_get(v, i), level + 1, max))
				return true;
	} else if (json_is_object(v)) {
		if (level > max)
			return true;
		for (void *it = json_object_iter((json_t *)v); it;
		     it = json_object_iter_next((json_t *)v, it))
			if (too_deep(json_object_iter_value(it), level + 1, max))
				return true;
	}
	return false;
}

int cx_v_depth(const json_t *v, int max, struct cx_stix_error *err)
{
	char path[CX_V_PATH_MAX] = "";

	if (!too_deep(v, 1, max))
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

static bool in_list(const char *const *names, const char *s)
{
	return names && cx_vocab_has(names, s);
}

/* Property names STIX keeps for itself, which no predefined object may carry
 * as a custom property. STIX 2.0 reserved severity, action, usernames,
 * phone_numbers, addresses and the *_precision names for future use, and the
 * OASIS JSON schemas still refuse them on every SDO and SRO; STIX 2.1 keeps
 * action reserved on course-of-action (whose table reports it the same
 * way). The singular username and phone_number are refused too: no
 * predefined type defines them, and this node treats them as the same
 * reservation. */
static const char *const reserved_names[] = {
    "action",
    "addresses",
    "first_seen_precision",
    "last_seen_precision",
    "phone_number",
    "phone_numbers",
    "severity",
    "username",
    "usernames",
    "valid_from_precision",
    "valid_until_precision",
    NULL,
};

int cx_v_properties(const json_t *o, const char *at, enum cx_stix_kind kind,
                    const char *const *names, struct cx_stix_error *err)
{
	const char *type = json_string_value(json_object_get(o, "type"));
	char path[CX_V_PATH_MAX];
	bool allowed;

	for (void *it = json_object_iter((json_t *)o); it;
	     it = json_object_iter_next((json_t *)o, it)) {
		const char *k = json_object_iter_key(it);
		const json_t *v = json_object_iter_value(it);

		if (in_list(names, k))
			continue;
		cx_v_path(path, sizeof(path), at, k);
		if (kind != CX_STIX_UNKNOWN &&
		    cx_v_common_property(kind, type, k, &allowed, NULL)) {
			if (allowed)
				continue;
			return cx_v_fail(err, path, NULL, CX_RULE_FORBIDDEN,
			                 "the common property %s does not apply to %s objects", k,
			                 type ? type : "these");
		}
		if (!cx_v_property_name_valid(k))
			return cx_v_fail(err, path, NULL, CX_RULE_PROPERTY_NAME,
			                 "custom property names must be 3-250 characters of a-z, "
			                 "0-9 and underscore, beginning with a letter");
		/* Custom types define their own names; nested structures (kind
		 * unknown) are not objects. */
		if (kind != CX_STIX_UNKNOWN && cx_vocab_has(reserved_names, k) &&
		    cx_stix_kind_of(type) != CX_STIX_UNKNOWN)
			return cx_v_fail(err, path, NULL, CX_RULE_FORBIDDEN,
			                 "%s is a reserved property name and must not be used", k);
		if (json_is_null(v))
			return cx_v_fail(err, path, NULL, CX_RULE_TYPE, "%s must not be null", k);
		if (json_is_array(v) && json_array_size(v) == 0)
			return cx_v_fail(err, path, NULL, CX_RULE_EMPTY,
			                 "%s must not be an empty list", k);
	}
	return 0;
}

int cx_v_extension_definition_value(const json_t *v, const char *at, struct cx_stix_error *err)
{
	static const char *const names[] = {"extension_type", NULL};
	int r;

	if (!json_is_object(v))
		return cx_v_fail(err, at, NULL, CX_RULE_TYPE, "an extension must be an object");
	if (json_object_size(v) == 0)
		return cx_v_fail(err, at, NULL, CX_RULE_EMPTY, "an extension must not be empty");
	r = cx_v_enum(v, at, "extension_type", CX_V_REQUIRED, cx_vocab_extension_type, err);
	if (r < 0)
		return r;
	return cx_v_properties(v, at, CX_STIX_UNKNOWN, names, err);
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
		kind = custom_kind(obj);
		custom = true;
		if (kind == CX_STIX_UNKNOWN)
			return cx_v_fail(err, "", "type", CX_RULE_TYPE_NAME,
			                 "%.100s is neither a STIX 2.1 type nor declared by an "
			                 "extension-definition (new-sdo, new-sco, new-sro)",
			                 type);
	}
	if ((r = common_presence(obj, kind, type, err)) < 0 ||
	    (r = common_values(obj, type, err)) < 0 ||
	    (r = check_extensions(obj, type, kind, custom, err)) < 0)
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
	return run_hooks(obj, opts, err);
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
