#include "stix/validate_internal.h"

#include <errno.h>
#include <float.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/time.h"
#include "util/uuid.h"

/* ---- Errors and paths ----------------------------------------------------- */

/* Paths are built for every property checked, so no printf here. */
static size_t put(char *out, size_t n, size_t o, const char *s)
{
	size_t len = strlen(s);

	if (o + 1 >= n)
		return o;
	if (len > n - o - 1)
		len = n - o - 1;
	memcpy(out + o, s, len);
	out[o + len] = '\0';
	return o + len;
}

char *cx_v_path(char *out, size_t n, const char *at, const char *key)
{
	size_t o = 0;

	if (n == 0)
		return out;
	out[0] = '\0';
	if (at && *at)
		o = put(out, n, o, at);
	if (key && *key) {
		if (o)
			o = put(out, n, o, ".");
		put(out, n, o, key);
	}
	return out;
}

char *cx_v_path_index(char *out, size_t n, const char *at, size_t i)
{
	char digits[24];
	size_t d = sizeof(digits) - 1, o;

	digits[d] = '\0';
	do {
		digits[--d] = (char)('0' + i % 10);
		i /= 10;
	} while (i);
	if (n == 0)
		return out;
	out[0] = '\0';
	o = put(out, n, 0, at ? at : "");
	o = put(out, n, o, "[");
	o = put(out, n, o, digits + d);
	put(out, n, o, "]");
	return out;
}

int cx_v_fail(struct cx_stix_error *err, const char *at, const char *key, const char *rule,
              const char *fmt, ...)
{
	char path[CX_V_PATH_MAX];
	char msg[sizeof(err->message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cx_stix_error_set(err, cx_v_path(path, sizeof(path), at, key), rule, "%s", msg);
}

/* ---- Names ---------------------------------------------------------------- */

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return is_lower(c) || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_alpha(c) || is_digit(c);
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_hex_lower(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

bool cx_v_type_name_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 3 || n > 250 || !is_lower(s[0]) || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_lower(s[i]) && !is_digit(s[i]) && s[i] != '-')
			return false;
		if (s[i] == '-' && s[i + 1] == '-')
			return false;
	}
	return true;
}

bool cx_v_property_name_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 3 || n > 250 || !is_lower(s[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_lower(s[i]) && !is_digit(s[i]) && s[i] != '_')
			return false;
	}
	return true;
}

bool cx_v_dict_key_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > 250)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	}
	return true;
}

bool cx_v_identifier_type(const char *s, char *out, size_t n)
{
	const char *sep = s ? strstr(s, "--") : NULL;
	size_t len;

	if (!sep)
		return false;
	len = (size_t)(sep - s);
	if (len + 1 > n)
		return false;
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

bool cx_v_identifier_valid(const char *s, const char *type)
{
	char t[251];
	const char *uuid;

	/* Type names never contain "--", so the first one separates type and UUID. */
	if (!cx_v_identifier_type(s, t, sizeof(t)) || !cx_v_type_name_valid(t))
		return false;
	if (type && strcmp(t, type) != 0)
		return false;
	uuid = s + strlen(t) + 2;
	return cx_uuid_valid(uuid, strlen(uuid));
}

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

/* ---- Formats --------------------------------------------------------------- */

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!is_hex(s[i]))
			return false;
	}
	return true;
}

static bool all_hex_lower(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!is_hex_lower(s[i]))
			return false;
	}
	return true;
}

static bool base64_char(char c)
{
	return is_alnum(c) || c == '+' || c == '/';
}

/* ssdeep: "blocksize:hash:hash", both hashes in the base64 alphabet. */
static bool ssdeep_valid(const char *s)
{
	const char *p = s;
	size_t n;

	while (is_digit(*p))
		p++;
	if (p == s || *p++ != ':')
		return false;
	for (n = 0; base64_char(*p); p++)
		n++;
	if (n == 0 || *p++ != ':')
		return false;
	while (base64_char(*p))
		p++;
	return *p == '\0';
}

/* Algorithm names compared the way producers misspell them: ignoring case,
 * hyphens and underscores ("sha256" is SHA-256 and must look like it). */
static bool algo_is(const char *name, const char *algo)
{
	for (;;) {
		while (*name == '-' || *name == '_')
			name++;
		while (*algo == '-')
			algo++;
		if (!*name || !*algo)
			return !*name && !*algo;
		if ((*name | 0x20) != (*algo | 0x20))
			return false;
		name++;
		algo++;
	}
}

int cx_v_hash_value(const char *algo, const char *value, const char *path,
                    struct cx_stix_error *err)
{
	static const struct {
		const char *algo;
		size_t hexlen;
	} fixed[] = {
	    {"MD5", 32},      {"SHA-1", 40},    {"SHA-256", 64},
	    {"SHA-512", 128}, {"SHA3-256", 64}, {"SHA3-512", 128},
	};
	size_t n = strlen(value);
	bool ok = true;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (algo_is(algo, fixed[i].algo)) {
			if (n != fixed[i].hexlen || !all_hex(value, n))
				return cx_v_fail(err, path, NULL, CX_RULE_FORMAT,
				                 "a %s hash is %zu hexadecimal digits",
				                 fixed[i].algo, fixed[i].hexlen);
			return 0;
		}
	}
	if (algo_is(algo, "SSDEEP"))
		ok = ssdeep_valid(value);
	else if (algo_is(algo, "TLSH"))
		/* 70 hex digits, or 72 with the "T1" version prefix of TLSH 4. */
		ok = (n == 70 && all_hex(value, n)) ||
		     (n == 72 && value[0] == 'T' && value[1] == '1' && all_hex(value + 2, 70));
	if (!ok)
		return cx_v_fail(err, path, NULL, CX_RULE_FORMAT, "'%.100s' is not a valid %s hash",
		                 value, algo);
	return 0;
}

int cx_v_hashes(const json_t *o, const char *at, const char *key, unsigned flags,
                struct cx_stix_error *err)
{
	const json_t *d;
	char base[CX_V_PATH_MAX], path[CX_V_PATH_MAX];
	int r = cx_v_dict(o, at, key, flags, CX_VJ_STRING, &d, err);

	if (r < 0 || !d)
		return r;
	cx_v_path(base, sizeof(base), at, key);
	for (void *it = json_object_iter((json_t *)d); it;
	     it = json_object_iter_next((json_t *)d, it)) {
		const char *algo = json_object_iter_key(it);
		const char *value = json_string_value(json_object_iter_value(it));

		cx_v_path(path, sizeof(path), base, algo);
		/* Every hash-algorithm-ov name is at least 3 characters long, and so
		 * must a custom one be (STIX 2.1 section 2.7); the dictionary check
		 * above caps them at 250. */
		if (strlen(algo) < 3)
			return cx_v_fail(err, path, NULL, CX_RULE_PROPERTY_NAME,
			                 "hash algorithm names are 3-250 characters long");
		r = cx_v_hash_value(algo, value, path, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool url_valid(const char *s)
{
	const char *p = s;

	if (!is_alpha(*p))
		return false;
	while (is_alnum(*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || p[1] == '\0')
		return false;
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

int cx_v_url(const json_t *o, const char *at, const char *key, unsigned flags,
             struct cx_stix_error *err)
{
	const char *s;
	int r = cx_v_string(o, at, key, flags, &s, err);

	if (r < 0 || !s)
		return r;
	if (!url_valid(s))
		return cx_v_fail(err, at, key, CX_RULE_FORMAT,
		                 "%s must be an absolute URL (RFC 3986)", key);
	return 0;
}

static bool base64_valid(const char *s)
{
	size_t n = strlen(s), pad = 0;

	if (n % 4 != 0)
		return false;
	if (n >= 1 && s[n - 1] == '=')
		pad++;
	if (n >= 2 && s[n - 2] == '=')
		pad++;
	for (size_t i = 0; i < n - pad; i++) {
		if (!base64_char(s[i]))
			return false;
	}
	return true;
}

int cx_v_binary(const json_t *o, const char *at, const char *key, unsigned flags,
                struct cx_stix_error *err)
{
	const char *s;
	int r = cx_v_string(o, at, key, flags, &s, err);

	if (r < 0 || !s)
		return r;
	if (!base64_valid(s))
		return cx_v_fail(err, at, key, CX_RULE_FORMAT, "%s must be base64 (RFC 4648)", key);
	return 0;
}

int cx_v_hex(const json_t *o, const char *at, const char *key, unsigned flags,
             struct cx_stix_error *err)
{
	const char *s;
	int r = cx_v_string(o, at, key, flags, &s, err);

	if (r < 0 || !s)
		return r;
	/* STIX 2.1 section 2.8: the digits 0-9 and the lower-case letters a-f. */
	if (strlen(s) % 2 != 0 || !all_hex_lower(s, strlen(s)))
		return cx_v_fail(err, at, key, CX_RULE_FORMAT,
		                 "%s must be an even number of hexadecimal digits 0-9 and a-f "
		                 "(lower case)",
		                 key);
	return 0;
}

/* ---- Language tags (RFC 5646 section 2.1 syntax) -------------------------- */

/* The irregular grandfathered tags, which do not follow the langtag syntax. */
static const char *const irregular_tags[] = {
    "en-GB-oed", "i-ami", "i-bnn",     "i-default", "i-enochian", "i-hak",
    "i-klingon", "i-lux", "i-mingo",   "i-navajo",  "i-pwn",      "i-tao",
    "i-tay",     "i-tsu", "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE",  NULL,
};

struct subtag {
	const char *p;
	size_t n;
	bool alpha, digit; /* all letters / all digits */
};

/* Split the next subtag off *s; false at the end or on an empty subtag. */
static bool next_subtag(const char **s, struct subtag *t)
{
	const char *p = *s;

	if (*p == '\0')
		return false;
	t->p = p;
	t->alpha = t->digit = true;
	while (*p && *p != '-') {
		if (!is_alnum(*p))
			return false;
		t->alpha = t->alpha && is_alpha(*p);
		t->digit = t->digit && is_digit(*p);
		p++;
	}
	t->n = (size_t)(p - t->p);
	if (t->n == 0 || t->n > 8 || (*p == '-' && p[1] == '\0'))
		return false;
	*s = *p ? p + 1 : p;
	return true;
}

static bool privateuse_rest(const char *s)
{
	struct subtag t;
	int count = 0;

	while (next_subtag(&s, &t))
		count++;
	return *s == '\0' && count > 0;
}

bool cx_v_lang_tag_valid(const char *s)
{
	struct subtag t;
	int state = 0; /* 0 language, 1 extlang, 2 script, 3 region, 4 variant, 5 extension */
	int extlangs = 0;
	bool in_extension = false;
	size_t ext_subtags = 0;

	if (!s || !*s)
		return false;
	for (const char *const *g = irregular_tags; *g; g++) {
		if (strcasecmp(s, *g) == 0)
			return true;
	}
	if ((s[0] == 'x' || s[0] == 'X') && s[1] == '-')
		return privateuse_rest(s + 2);
	if (!next_subtag(&s, &t) || !t.alpha || t.n < 2 || t.n > 8 || t.n == 4)
		return false;
	state = t.n <= 3 ? 1 : 2;
	while (next_subtag(&s, &t)) {
		if (t.n == 1) {
			if (in_extension && ext_subtags == 0)
				return false;
			if (t.p[0] == 'x' || t.p[0] == 'X')
				return privateuse_rest(s);
			in_extension = true;
			ext_subtags = 0;
			state = 5;
			continue;
		}
		if (state == 5) {
			if (t.n < 2)
				return false;
			ext_subtags++;
			continue;
		}
		if (state == 1 && t.alpha && t.n == 3 && extlangs < 3) {
			extlangs++;
			continue;
		}
		if (state <= 2 && t.alpha && t.n == 4) {
			state = 3;
			continue;
		}
		if (state <= 3 && ((t.alpha && t.n == 2) || (t.digit && t.n == 3))) {
			state = 4;
			continue;
		}
		if ((t.n >= 5) || (t.n == 4 && is_digit(t.p[0]))) {
			state = 4;
			continue;
		}
		return false;
	}
	return *s == '\0' && !(in_extension && ext_subtags == 0);
}

int cx_v_lang(const json_t *o, const char *at, const char *key, unsigned flags,
              struct cx_stix_error *err)
{
	const char *s;
	int r = cx_v_string(o, at, key, flags, &s, err);

	if (r < 0 || !s)
		return r;
	if (!cx_v_lang_tag_valid(s))
		return cx_v_fail(err, at, key, CX_RULE_FORMAT,
		                 "'%.60s' is not an RFC 5646 language tag", s);
	return 0;
}
