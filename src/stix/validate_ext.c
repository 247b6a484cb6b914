/* Custom content: the custom properties any object may carry, the
 * extensions in `extensions` (the values of extension-definition keys, the
 * object types they declare, and the caller's hooks that check them). */
#include "stix/validate_internal.h"

#include <errno.h>
#include <string.h>

#define EXTDEF_PREFIX "extension-definition--"

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

enum cx_stix_kind cx_v_custom_kind(const json_t *obj)
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

int cx_v_extensions(const json_t *obj, const char *type, enum cx_stix_kind kind, bool custom,
                    struct cx_stix_error *err)
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

int cx_v_extension_hooks(const json_t *obj, const struct cx_stix_validate_opts *opts,
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

/* ---- Custom properties ------------------------------------------------------ */

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
