/* Typed property checks: presence and JSON type, strings, booleans,
 * numbers, timestamps, lists, dictionaries, vocabularies and references to
 * other objects. */
#include "stix/validate_internal.h"

#include <float.h>
#include <string.h>

#include "util/time.h"

/* ---- Typed property checks ------------------------------------------------ */

static const char *json_kind_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "list";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	case JSON_NULL:
		return "null";
	}
	return "value";
}

static const char *wanted_name(enum cx_v_json t)
{
	static const char *const names[] = {"value",   "string", "integer", "number",
	                                    "boolean", "object", "list"};

	return names[t];
}

static bool type_matches(const json_t *v, enum cx_v_json t)
{
	switch (t) {
	case CX_VJ_ANY:
		return !json_is_null(v);
	case CX_VJ_STRING:
		return json_is_string(v);
	case CX_VJ_INTEGER:
		return json_is_integer(v);
	case CX_VJ_NUMBER:
		return json_is_number(v);
	case CX_VJ_BOOLEAN:
		return json_is_boolean(v);
	case CX_VJ_OBJECT:
		return json_is_object(v);
	case CX_VJ_LIST:
		return json_is_array(v);
	}
	return false;
}

/* Check one value already found at `path` against a JSON type. */
static int check_value_type(const json_t *v, const char *path, enum cx_v_json t,
                            struct cx_stix_error *err)
{
	if (json_is_null(v))
		return cx_v_fail(err, path, NULL, CX_RULE_TYPE, "%s must not be null", path);
	if (!type_matches(v, t))
		return cx_v_fail(err, path, NULL, CX_RULE_TYPE, "%s must be a %s, not a %s", path,
		                 wanted_name(t), json_kind_name(v));
	return 0;
}

int cx_v_get(const json_t *o, const char *at, const char *key, unsigned flags, enum cx_v_json type,
             const json_t **ret, struct cx_stix_error *err)
{
	const json_t *v = json_object_get(o, key);
	char path[CX_V_PATH_MAX];
	int r;

	if (!v) {
		if (flags & CX_V_REQUIRED)
			return cx_v_fail(err, at, key, CX_RULE_REQUIRED,
			                 "the property %s is required", key);
		if (ret)
			*ret = NULL;
		return 0;
	}
	r = check_value_type(v, cx_v_path(path, sizeof(path), at, key), type, err);
	if (r < 0)
		return r;
	if (ret)
		*ret = v;
	return 0;
}

int cx_v_string(const json_t *o, const char *at, const char *key, unsigned flags, const char **ret,
                struct cx_stix_error *err)
{
	const json_t *v;
	int r = cx_v_get(o, at, key, flags, CX_VJ_STRING, &v, err);

	if (r < 0)
		return r;
	if (v && (flags & CX_V_NONEMPTY) && json_string_length(v) == 0)
		return cx_v_fail(err, at, key, CX_RULE_EMPTY, "%s must not be empty", key);
	/* A NUL would make the C string checked here differ from the stored one. */
	if (v && strlen(json_string_value(v)) != json_string_length(v))
		return cx_v_fail(err, at, key, CX_RULE_FORMAT, "%s must not contain NUL", key);
	if (ret)
		*ret = v ? json_string_value(v) : NULL;
	return 0;
}

int cx_v_boolean(const json_t *o, const char *at, const char *key, unsigned flags,
                 struct cx_stix_error *err)
{
	return cx_v_get(o, at, key, flags, CX_VJ_BOOLEAN, NULL, err);
}

int cx_v_integer(const json_t *o, const char *at, const char *key, unsigned flags, json_int_t min,
                 json_int_t max, json_int_t *ret, struct cx_stix_error *err)
{
	const json_t *v;
	json_int_t i;
	int r = cx_v_get(o, at, key, flags, CX_VJ_INTEGER, &v, err);

	if (r < 0 || !v)
		return r;
	/* No STIX integer lies outside the range a JSON number holds exactly. */
	if (min < CX_V_INT_MIN)
		min = CX_V_INT_MIN;
	if (max > CX_V_INT_MAX)
		max = CX_V_INT_MAX;
	i = json_integer_value(v);
	if (i < min || i > max)
		return cx_v_fail(err, at, key, CX_RULE_RANGE,
		                 "%s must be between %" JSON_INTEGER_FORMAT
		                 " and %" JSON_INTEGER_FORMAT,
		                 key, min, max);
	if (ret)
		*ret = i;
	return 0;
}

int cx_v_number(const json_t *o, const char *at, const char *key, unsigned flags, double min,
                double max, double *ret, struct cx_stix_error *err)
{
	const json_t *v;
	double d;
	int r = cx_v_get(o, at, key, flags, CX_VJ_NUMBER, &v, err);

	if (r < 0 || !v)
		return r;
	d = json_number_value(v);
	if (d < min || d > max)
		return max < DBL_MAX ? cx_v_fail(err, at, key, CX_RULE_RANGE,
		                                 "%s must be between %g and %g", key, min, max)
		                     : cx_v_fail(err, at, key, CX_RULE_RANGE,
		                                 "%s must be at least %g", key, min);
	if (ret)
		*ret = d;
	return 0;
}

int cx_v_timestamp(const json_t *o, const char *at, const char *key, unsigned flags,
                   int64_t *ret_us, bool *ret_set, struct cx_stix_error *err)
{
	const char *s;
	int64_t us;
	int frac;
	int r = cx_v_string(o, at, key, flags, &s, err);

	if (r < 0)
		return r;
	if (ret_set)
		*ret_set = false;
	if (!s)
		return 0;
	if (cx_time_parse(s, &us, &frac) < 0)
		return cx_v_fail(err, at, key, CX_RULE_TIMESTAMP,
		                 "%s must be an RFC 3339 UTC timestamp YYYY-MM-DDTHH:MM:SS[.s+]Z",
		                 key);
	if ((flags & CX_V_MILLIS) && frac < 3)
		return cx_v_fail(err, at, key, CX_RULE_TIMESTAMP,
		                 "%s must be precise to at least the millisecond", key);
	if (ret_us)
		*ret_us = us;
	if (ret_set)
		*ret_set = true;
	return 0;
}

static bool quiet_time(const json_t *o, const char *key, int64_t *ret_us)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) && cx_time_parse(json_string_value(v), ret_us, NULL) == 0;
}

int cx_v_time_order(const json_t *o, const char *at, const char *earlier_key, const char *later_key,
                    bool strict, struct cx_stix_error *err)
{
	int64_t a, b;

	if (!quiet_time(o, earlier_key, &a) || !quiet_time(o, later_key, &b))
		return 0;
	if (b < a || (strict && b == a))
		return cx_v_fail(err, at, later_key, CX_RULE_TIME_ORDER, "%s must be %s %s",
		                 later_key, strict ? "later than" : "later than or equal to",
		                 earlier_key);
	return 0;
}

int cx_v_list(const json_t *o, const char *at, const char *key, unsigned flags, const json_t **ret,
              struct cx_stix_error *err)
{
	const json_t *v;
	int r = cx_v_get(o, at, key, flags, CX_VJ_LIST, &v, err);

	if (r < 0)
		return r;
	if (v && json_array_size(v) == 0)
		return cx_v_fail(err, at, key, CX_RULE_EMPTY, "%s must not be an empty list", key);
	if (ret)
		*ret = v;
	return 0;
}

/* Check each element of a list with fn(element, element path, arg, err). */
static int each_string(const json_t *o, const char *at, const char *key, unsigned flags,
                       int (*fn)(const char *s, const char *path, const void *arg,
                                 struct cx_stix_error *err),
                       const void *arg, struct cx_stix_error *err)
{
	const json_t *list;
	char base[CX_V_PATH_MAX], path[CX_V_PATH_MAX];
	int r = cx_v_list(o, at, key, flags, &list, err);

	if (r < 0 || !list)
		return r;
	cx_v_path(base, sizeof(base), at, key);
	for (size_t i = 0; i < json_array_size(list); i++) {
		const json_t *e = json_array_get(list, i);

		cx_v_path_index(path, sizeof(path), base, i);
		r = check_value_type(e, path, CX_VJ_STRING, err);
		if (r < 0)
			return r;
		if ((flags & CX_V_NONEMPTY) && json_string_length(e) == 0)
			return cx_v_fail(err, path, NULL, CX_RULE_EMPTY, "%s must not be empty",
			                 path);
		if (strlen(json_string_value(e)) != json_string_length(e))
			return cx_v_fail(err, path, NULL, CX_RULE_FORMAT, "%s must not contain NUL",
			                 path);
		if (fn) {
			r = fn(json_string_value(e), path, arg, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int cx_v_string_list(const json_t *o, const char *at, const char *key, unsigned flags,
                     struct cx_stix_error *err)
{
	return each_string(o, at, key, flags, NULL, NULL, err);
}

/* Check the keys and values of a dictionary d found at `base`. */
static int dict_entries(const json_t *d, const char *base, enum cx_v_json value_type,
                        struct cx_stix_error *err)
{
	char path[CX_V_PATH_MAX];

	for (void *it = json_object_iter((json_t *)d); it;
	     it = json_object_iter_next((json_t *)d, it)) {
		const char *k = json_object_iter_key(it);
		int r;

		cx_v_path(path, sizeof(path), base, k);
		if (!cx_v_dict_key_valid(k))
			return cx_v_fail(err, path, NULL, CX_RULE_PROPERTY_NAME,
			                 "dictionary keys must be 1-250 characters of a-z, A-Z, "
			                 "0-9, hyphen and underscore");
		r = check_value_type(json_object_iter_value(it), path, value_type, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int cx_v_dict(const json_t *o, const char *at, const char *key, unsigned flags,
              enum cx_v_json value_type, const json_t **ret, struct cx_stix_error *err)
{
	const json_t *d;
	char base[CX_V_PATH_MAX];
	int r = cx_v_get(o, at, key, flags, CX_VJ_OBJECT, &d, err);

	if (r < 0)
		return r;
	if (d && json_object_size(d) == 0)
		return cx_v_fail(err, at, key, CX_RULE_EMPTY, "%s must not be an empty dictionary",
		                 key);
	if (d && (r = dict_entries(d, cx_v_path(base, sizeof(base), at, key), value_type, err)) < 0)
		return r;
	if (ret)
		*ret = d;
	return 0;
}

int cx_v_enum(const json_t *o, const char *at, const char *key, unsigned flags,
              const char *const *vocab, struct cx_stix_error *err)
{
	const char *s;
	int r = cx_v_string(o, at, key, flags, &s, err);

	if (r < 0 || !s)
		return r;
	if (!cx_vocab_has(vocab, s))
		return cx_v_fail(err, at, key, CX_RULE_VOCAB, "'%.100s' is not an allowed %s", s,
		                 key);
	return 0;
}

static int in_vocab(const char *s, const char *path, const void *arg, struct cx_stix_error *err)
{
	if (!cx_vocab_has(arg, s))
		return cx_v_fail(err, path, NULL, CX_RULE_VOCAB, "'%.100s' is not an allowed value",
		                 s);
	return 0;
}

int cx_v_enum_list(const json_t *o, const char *at, const char *key, unsigned flags,
                   const char *const *vocab, struct cx_stix_error *err)
{
	return each_string(o, at, key, flags, in_vocab, vocab, err);
}

int cx_v_open_vocab(const json_t *o, const char *at, const char *key, unsigned flags,
                    struct cx_stix_error *err)
{
	return cx_v_string(o, at, key, flags | CX_V_NONEMPTY, NULL, err);
}

int cx_v_open_vocab_list(const json_t *o, const char *at, const char *key, unsigned flags,
                         struct cx_stix_error *err)
{
	return cx_v_string_list(o, at, key, flags | CX_V_NONEMPTY, err);
}

/* ---- Identifiers and references ------------------------------------------ */

static bool ref_type_allowed(const char *t, const char *const *types)
{
	enum cx_stix_kind k;

	if (!types)
		return true;
	k = cx_stix_kind_of(t);
	for (; *types; types++) {
		const char *a = *types;

		if (strcmp(a, t) == 0 || (strcmp(a, CX_V_REF_SDO) == 0 && k == CX_STIX_SDO) ||
		    (strcmp(a, CX_V_REF_SCO) == 0 && k == CX_STIX_SCO) ||
		    (strcmp(a, CX_V_REF_SRO) == 0 && k == CX_STIX_SRO) ||
		    (strcmp(a, CX_V_REF_CUSTOM) == 0 && k == CX_STIX_UNKNOWN))
			return true;
	}
	return false;
}

int cx_v_ref_value(const char *s, const char *path, const char *const *types,
                   struct cx_stix_error *err)
{
	char t[251];

	if (!cx_v_identifier_valid(s, NULL) || !cx_v_identifier_type(s, t, sizeof(t)))
		return cx_v_fail(err, path, NULL, CX_RULE_IDENTIFIER,
		                 "'%.100s' is not an identifier of the form type--UUID", s);
	if (!ref_type_allowed(t, types))
		return cx_v_fail(err, path, NULL, CX_RULE_REF_TYPE,
		                 "%s must not refer to an object of type %.100s", path, t);
	return 0;
}

int cx_v_ref(const json_t *o, const char *at, const char *key, unsigned flags,
             const char *const *types, struct cx_stix_error *err)
{
	const char *s;
	char path[CX_V_PATH_MAX];
	int r = cx_v_string(o, at, key, flags, &s, err);

	if (r < 0 || !s)
		return r;
	return cx_v_ref_value(s, cx_v_path(path, sizeof(path), at, key), types, err);
}

static int ref_element(const char *s, const char *path, const void *arg, struct cx_stix_error *err)
{
	return cx_v_ref_value(s, path, arg, err);
}

int cx_v_ref_list(const json_t *o, const char *at, const char *key, unsigned flags,
                  const char *const *types, struct cx_stix_error *err)
{
	return each_string(o, at, key, flags, ref_element, types, err);
}
