/* Type-specific validation of the 18 STIX 2.1 Cyber-observable Objects
 * (section 6) and of their predefined extensions.
 *
 * cx_stix_validate() has already checked the properties every SCO shares
 * (id, spec_version, markings, defanged, and the extension-definition keys
 * of `extensions`). What is left is described as data in
 * validate_sco_tables.c: each type, each predefined extension and each
 * nested structure is a `struct cx_vs_shape`, a table of its properties with
 * the kind of value each takes, plus the "at least one of" rule and a
 * function for the few rules that tie properties together. One interpreter,
 * in this file, walks the tables, so a rule is written once and every
 * rejection carries the JSON path of the offending property.
 *
 * Paths name the property a rule is about. A rule that asks for one of two
 * alternatives names the first (`hashes` for a file that has neither hashes
 * nor name); a rule that asks for at least one of many properties names the
 * structure that lacks them ("" for the object itself,
 * "extensions.tcp-ext" for an extension). */
#include "stix/validate_sco_internal.h"

#include <assert.h>
#include <limits.h>
#include <string.h>

/* Enough for the longest property table (the PE optional header) plus NULL. */
#define MAX_PROPS 40

/* ---- The interpreter -------------------------------------------------------------- */

static int check_nested(const json_t *o, const char *at, const struct cx_vs_shape *sh,
                        bool defanged, struct cx_stix_error *err);

static int check_time_second(const json_t *o, const char *at, const struct cx_vs_prop *p,
                             struct cx_stix_error *err)
{
	const char *s;
	int r = cx_v_timestamp(o, at, p->name, p->flags, NULL, NULL, err);

	if (r < 0)
		return r;
	s = json_string_value(json_object_get(o, p->name));
	if (s && strchr(s, '.'))
		return cx_v_fail(err, at, p->name, CX_RULE_TIMESTAMP,
		                 "%s must be precise to the second (no fraction)", p->name);
	return 0;
}

static int check_langs(const json_t *o, const char *at, const struct cx_vs_prop *p,
                       struct cx_stix_error *err)
{
	const json_t *list = json_object_get(o, p->name);
	char base[CX_V_PATH_MAX], path[CX_V_PATH_MAX];
	int r = cx_v_string_list(o, at, p->name, p->flags, err);

	if (r < 0 || !list)
		return r;
	cx_v_path(base, sizeof(base), at, p->name);
	for (size_t i = 0; i < json_array_size(list); i++) {
		if (cx_v_lang_tag_valid(json_string_value(json_array_get(list, i))))
			continue;
		cx_v_path_index(path, sizeof(path), base, i);
		return cx_v_fail(err, path, NULL, CX_RULE_FORMAT,
		                 "%s must be an RFC 5646 language tag", path);
	}
	return 0;
}

/* Dictionaries whose values the generic check cannot express: integers
 * (socket options), integers or strings (EXIF tags, IPFIX elements), whose
 * integers keep to the STIX integer range, or header fields. Each header
 * field value MUST be a list of strings, as a field may repeat (sections
 * 6.6 and 6.12.1); errata 01 corrected the examples of the specification
 * that printed plain strings. */
static int check_dict(const json_t *o, const char *at, const struct cx_vs_prop *p,
                      struct cx_stix_error *err)
{
	char base[CX_V_PATH_MAX];
	const json_t *dict = NULL;
	int r = cx_v_dict(o, at, p->name, p->flags, CX_VJ_ANY, &dict, err);

	if (r < 0 || !dict)
		return r;
	cx_v_path(base, sizeof(base), at, p->name);
	for (void *it = json_object_iter((json_t *)dict); it;
	     it = json_object_iter_next((json_t *)dict, it)) {
		const char *k = json_object_iter_key(it);
		const json_t *v = json_object_iter_value(it);

		if (p->kind == K_DICT_STRINGS)
			r = cx_v_string_list(dict, base, k, 0, err);
		else if (p->kind == K_DICT_INT || json_is_integer(v))
			r = cx_v_integer(dict, base, k, 0, CX_V_INT_MIN, CX_V_INT_MAX, NULL, err);
		else if (!json_is_string(v))
			r = cx_v_fail(err, base, k, CX_RULE_TYPE,
			              "values of %s must be integers or strings", p->name);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Defanging (the SCO common property `defanged`) rewrites values such as
 * addresses and URLs on purpose ("198.51.100[.]3", "hxxp://example[.]com"),
 * so in a defanged object the formatted values need only be strings. */
static int check_format(const json_t *o, const char *at, const struct cx_vs_prop *p, bool defanged,
                        struct cx_stix_error *err)
{
	const char *s = NULL;
	int r = cx_v_string(o, at, p->name, p->flags, &s, err);

	if (r < 0 || defanged)
		return r;
	if (p->kind == K_URL)
		return cx_v_url(o, at, p->name, p->flags, err);
	if (s && !p->format->ok(s))
		return cx_v_fail(err, at, p->name, CX_RULE_FORMAT, "%s must be %s", p->name,
		                 p->format->what);
	return 0;
}

static int check_objects(const json_t *o, const char *at, const struct cx_vs_prop *p, bool defanged,
                         struct cx_stix_error *err)
{
	char base[CX_V_PATH_MAX], path[CX_V_PATH_MAX];
	const json_t *v = NULL;
	int r;

	cx_v_path(base, sizeof(base), at, p->name);
	if (p->kind == K_OBJECT) {
		r = cx_v_get(o, at, p->name, p->flags, CX_VJ_OBJECT, &v, err);
		return r < 0 || !v ? r : check_nested(v, base, p->shape, defanged, err);
	}
	r = cx_v_list(o, at, p->name, p->flags, &v, err);
	if (r < 0 || !v)
		return r;
	for (size_t i = 0; i < json_array_size(v); i++) {
		const json_t *e = json_array_get(v, i);

		cx_v_path_index(path, sizeof(path), base, i);
		if (!json_is_object(e))
			return cx_v_fail(err, path, NULL, CX_RULE_TYPE, "%s must be a %s object",
			                 path, p->shape->name);
		r = check_nested(e, path, p->shape, defanged, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_prop(const json_t *o, const char *at, const struct cx_vs_prop *p, bool defanged,
                      struct cx_stix_error *err)
{
	const char *n = p->name;
	unsigned f = p->flags;

	switch (p->kind) {
	case K_STRING:
		return cx_v_string(o, at, n, f, NULL, err);
	case K_INT:
		return cx_v_integer(o, at, n, f, LLONG_MIN, LLONG_MAX, NULL, err);
	case K_UINT:
		return cx_v_integer(o, at, n, f, 0, LLONG_MAX, NULL, err);
	case K_PORT:
		return cx_v_integer(o, at, n, f, 0, 65535, NULL, err);
	case K_ENTROPY:
		return cx_v_number(o, at, n, f, 0.0, 8.0, NULL, err);
	case K_BOOL:
		return cx_v_boolean(o, at, n, f, err);
	case K_TIME:
		return cx_v_timestamp(o, at, n, f, NULL, NULL, err);
	case K_TIME_SECOND:
		return check_time_second(o, at, p, err);
	case K_HEX:
		return cx_v_hex(o, at, n, f, err);
	case K_HASHES:
		return cx_v_hashes(o, at, n, f, err);
	case K_BINARY:
		return cx_v_binary(o, at, n, f, err);
	case K_REF:
		return cx_v_ref(o, at, n, f, p->set, err);
	case K_REFS:
		return cx_v_ref_list(o, at, n, f, p->set, err);
	case K_STRINGS:
		return cx_v_string_list(o, at, n, f, err);
	case K_LANGS:
		return check_langs(o, at, p, err);
	case K_DICT:
		return cx_v_dict(o, at, n, f, CX_VJ_ANY, NULL, err);
	case K_DICT_STRING:
		return cx_v_dict(o, at, n, f, CX_VJ_STRING, NULL, err);
	case K_DICT_INT:
	case K_DICT_SCALAR:
	case K_DICT_STRINGS:
		return check_dict(o, at, p, err);
	case K_ENUM:
		return cx_v_enum(o, at, n, f, p->set, err);
	case K_OPEN:
		return cx_v_open_vocab(o, at, n, f, err);
	case K_URL:
	case K_FORMAT:
		return check_format(o, at, p, defanged, err);
	case K_OBJECT:
	case K_OBJECTS:
		return check_objects(o, at, p, defanged, err);
	}
	return cx_v_fail(err, at, n, CX_RULE_TYPE, "%s has no known kind", n);
}

/* The "MUST contain at least one property" rules of section 6. Custom
 * properties do not count: they say nothing the type defines. */
static int check_least(const json_t *o, const char *at, const struct cx_vs_shape *sh,
                       struct cx_stix_error *err)
{
	size_t first = sh->least == LEAST_ANY_BUT_FIRST ? 1 : 0;

	if (sh->least == LEAST_NONE)
		return 0;
	if (sh->least == LEAST_ANY_OR_EXT && json_object_get(o, "extensions"))
		return 0;
	for (size_t i = first; sh->props[i].name; i++) {
		if (json_object_get(o, sh->props[i].name))
			return 0;
	}
	if (first)
		return cx_v_fail(err, at, NULL, CX_RULE_REQUIRED,
		                 "%s needs at least one property besides %s", sh->name,
		                 sh->props[0].name);
	return cx_v_fail(err, at, NULL, CX_RULE_REQUIRED, "%s needs at least one of its properties",
	                 sh->name);
}

static int check_fields(const json_t *o, const char *at, const struct cx_vs_shape *sh,
                        bool defanged, struct cx_stix_error *err)
{
	int r;

	for (const struct cx_vs_prop *p = sh->props; p->name; p++) {
		r = check_prop(o, at, p, defanged, err);
		if (r < 0)
			return r;
	}
	r = check_least(o, at, sh, err);
	if (r < 0)
		return r;
	return sh->rules ? sh->rules(o, at, err) : 0;
}

/* Every property of o that the shape does not define is a custom property:
 * cx_v_properties() holds it to the custom property rules. */
static int check_custom(const json_t *o, const char *at, enum cx_stix_kind kind,
                        const struct cx_vs_shape *sh, struct cx_stix_error *err)
{
	const char *names[MAX_PROPS + 1];
	size_t n = 0;

	for (const struct cx_vs_prop *p = sh->props; p->name; p++) {
		assert(n < MAX_PROPS);
		names[n++] = p->name;
	}
	names[n] = NULL;
	return cx_v_properties(o, at, kind, names, err);
}

static int check_nested(const json_t *o, const char *at, const struct cx_vs_shape *sh,
                        bool defanged, struct cx_stix_error *err)
{
	int r = check_fields(o, at, sh, defanged, err);

	return r < 0 ? r : check_custom(o, at, CX_STIX_UNKNOWN, sh, err);
}

/* Keys of `extensions` other than extension-definition ids (which the
 * dispatcher checks) must name a predefined extension of this type. */
static int check_extensions(const json_t *o, const struct cx_vs_sco *t, bool defanged,
                            struct cx_stix_error *err)
{
	static const char defn[] = "extension-definition--";
	const json_t *exts = json_object_get(o, "extensions");
	char path[CX_V_PATH_MAX];
	int r;

	if (!exts)
		return 0;
	if (!json_is_object(exts))
		return cx_v_fail(err, "", "extensions", CX_RULE_TYPE,
		                 "extensions must be a dictionary");
	for (void *it = json_object_iter((json_t *)exts); it;
	     it = json_object_iter_next((json_t *)exts, it)) {
		const char *key = json_object_iter_key(it);
		const json_t *v = json_object_iter_value(it);
		const struct cx_vs_ext *e = t->exts;

		if (strncmp(key, defn, sizeof(defn) - 1) == 0)
			continue;
		while (e && e->key && strcmp(e->key, key) != 0)
			e++;
		if (!e || !e->key)
			return cx_v_fail(err, "extensions", key, CX_RULE_EXTENSION,
			                 "%s is not a predefined extension of %s", key, t->type);
		cx_v_path(path, sizeof(path), "extensions", key);
		if (!json_is_object(v))
			return cx_v_fail(err, path, NULL, CX_RULE_TYPE, "%s must be an object",
			                 key);
		r = check_nested(v, path, e->shape, defanged, err);
		if (r < 0)
			return r;
	}
	return 0;
}

bool cx_stix_is_sco_type(const char *type)
{
	return cx_vs_find(type) != NULL;
}

int cx_stix_validate_sco_type(const char *type, const json_t *obj, struct cx_stix_error *err)
{
	const struct cx_vs_sco *t = cx_vs_find(type);
	bool defanged;
	int r;

	if (!t)
		return cx_v_fail(err, "", "type", CX_RULE_TYPE_NAME,
		                 "%s is not a STIX 2.1 cyber-observable type",
		                 type ? type : "(null)");
	if (!json_is_object(obj))
		return cx_v_fail(err, "", NULL, CX_RULE_NOT_OBJECT, "a %s must be a JSON object",
		                 type);
	defanged = json_is_true(json_object_get(obj, "defanged"));
	r = check_fields(obj, "", &t->shape, defanged, err);
	if (r < 0)
		return r;
	r = check_extensions(obj, t, defanged, err);
	if (r < 0)
		return r;
	return check_custom(obj, "", CX_STIX_SCO, &t->shape, err);
}
