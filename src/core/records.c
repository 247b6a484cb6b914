#include "core/records.h"

#include <errno.h>
#include <pthread.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "access/markings.h"
#include "util/time.h"
#include "util/uuid.h"

/* The parsed schemas, made once and read-only after. */
static json_t *parsed[32];
static pthread_once_t parse_once = PTHREAD_ONCE_INIT;

static void parse_all(void)
{
	for (size_t i = 0; i < cx_record_types_count && i < 32; i++)
		parsed[i] = json_loads(cx_record_types[i].schema, 0, NULL);
}

const struct cx_record_type *cx_record_type_named(const char *name)
{
	for (size_t i = 0; i < cx_record_types_count; i++)
		if (strcmp(cx_record_types[i].name, name) == 0)
			return &cx_record_types[i];
	return NULL;
}

bool cx_record_is_new_sdo(const struct cx_record_type *t)
{
	return strcmp(t->extension_type, "new-sdo") == 0;
}

const struct cx_record_type *cx_record_type_of(const json_t *obj)
{
	const char *type = json_string_value(json_object_get(obj, "type"));
	const json_t *exts = json_object_get(obj, "extensions");
	const struct cx_record_type *t;
	const char *key;
	json_t *v;

	if (!type)
		return NULL;
	if (strncmp(type, "cx-", 3) == 0 && (t = cx_record_type_named(type)) &&
	    cx_record_is_new_sdo(t))
		return t;
	/* An extension of any type (cx-provenance, "*") makes no record. */
	json_object_foreach ((json_t *)exts, key, v) {
		t = cx_record_type_declared_by(key);
		if (t && !cx_record_is_new_sdo(t) && strcmp(t->type, type) == 0)
			return t;
	}
	return NULL;
}

const struct cx_record_type *cx_record_type_declared_by(const char *extension_id)
{
	for (size_t i = 0; i < cx_record_types_count; i++)
		if (strcmp(cx_record_types[i].extension_id, extension_id) == 0)
			return &cx_record_types[i];
	return NULL;
}

/* Properties every STIX object may carry: STIX validates those. */
static bool stix_common(const char *key)
{
	static const char *const common[] = {
		"type", "spec_version", "id", "created", "modified", "created_by_ref", "revoked",
		"labels", "confidence", "lang", "external_references", "object_marking_refs",
		"granular_markings", "extensions"};

	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (strcmp(key, common[i]) == 0)
			return true;
	return strncmp(key, "x_", 2) == 0;
}

/* The schemas' patterns (POSIX extended syntax, anchored), compiled on
 * first use and kept. */
static struct {
	const char *text;
	regex_t re;
} patterns[16];
static size_t npatterns;
static pthread_mutex_t patterns_lock = PTHREAD_MUTEX_INITIALIZER;

static bool pattern_match(const char *pattern, const char *s)
{
	regex_t *re = NULL;

	pthread_mutex_lock(&patterns_lock);
	for (size_t i = 0; i < npatterns && !re; i++)
		if (strcmp(patterns[i].text, pattern) == 0)
			re = &patterns[i].re;
	if (!re && npatterns < sizeof(patterns) / sizeof(patterns[0]) &&
	    regcomp(&patterns[npatterns].re, pattern, REG_EXTENDED | REG_NOSUB) == 0) {
		patterns[npatterns].text = pattern;
		re = &patterns[npatterns++].re;
	}
	pthread_mutex_unlock(&patterns_lock);
	return re && regexec(re, s, 0, NULL, 0) == 0;
}

static bool identifier(const char *s)
{
	const char *sep = strstr(s, "--");

	return sep && sep > s && cx_uuid_valid(sep + 2, strlen(sep + 2));
}

/* One value against one (sub)schema of the subset the record schemas use:
 * type, enum, minLength, minimum, maximum, format (date-time, identifier),
 * pattern, items, minItems, properties, required, additionalProperties:
 * false. */
static int check(const json_t *v, const json_t *schema, const char *path, bool top,
		 struct cx_stix_error *err)
{
	const char *type = json_string_value(json_object_get(schema, "type"));
	const json_t *x;
	char sub[160];

	if (type && strcmp(type, "string") == 0) {
		const char *s = json_string_value(v);
		const char *format = json_string_value(json_object_get(schema, "format"));
		const char *pattern = json_string_value(json_object_get(schema, "pattern"));

		if (!s)
			return cx_stix_error_set(err, path, CX_RULE_TYPE, "%s must be a string", path);
		x = json_object_get(schema, "minLength");
		if (x && (json_int_t)strlen(s) < json_integer_value(x))
			return cx_stix_error_set(err, path, CX_RULE_EMPTY, "%s must not be empty",
						 path);
		if (format && strcmp(format, "date-time") == 0 && cx_time_parse(s, NULL, NULL) < 0)
			return cx_stix_error_set(err, path, CX_RULE_TIMESTAMP,
						 "%s must be an RFC 3339 UTC timestamp", path);
		if (format && strcmp(format, "identifier") == 0 && !identifier(s))
			return cx_stix_error_set(err, path, CX_RULE_IDENTIFIER,
						 "%s must be a STIX identifier", path);
		if (pattern && !pattern_match(pattern, s))
			return cx_stix_error_set(err, path, CX_RULE_FORMAT,
						 "%s: '%s' does not match %s", path, s, pattern);
		x = json_object_get(schema, "enum");
		if (x) {
			const json_t *e;
			size_t i;
			bool found = false;

			json_array_foreach ((json_t *)x, i, e)
				found = found || strcmp(json_string_value(e), s) == 0;
			if (!found)
				return cx_stix_error_set(err, path, CX_RULE_VOCAB,
							 "%s: '%s' is not one of its values", path, s);
		}
		return 0;
	}
	if (type && strcmp(type, "boolean") == 0) {
		if (!json_is_boolean(v))
			return cx_stix_error_set(err, path, CX_RULE_TYPE, "%s must be true or false",
						 path);
		return 0;
	}
	if (type && (strcmp(type, "integer") == 0 || strcmp(type, "number") == 0)) {
		double d;

		if (!(strcmp(type, "integer") == 0 ? json_is_integer(v) : json_is_number(v)))
			return cx_stix_error_set(err, path, CX_RULE_TYPE, "%s must be %s", path,
						 strcmp(type, "integer") == 0 ? "an integer"
									      : "a number");
		d = json_number_value(v);
		if ((x = json_object_get(schema, "minimum")) && d < json_number_value(x))
			return cx_stix_error_set(err, path, CX_RULE_RANGE, "%s must be at least %g",
						 path, json_number_value(x));
		if ((x = json_object_get(schema, "maximum")) && d > json_number_value(x))
			return cx_stix_error_set(err, path, CX_RULE_RANGE, "%s must be at most %g",
						 path, json_number_value(x));
		return 0;
	}
	if (type && strcmp(type, "array") == 0) {
		const json_t *e;
		size_t i;

		if (!json_is_array(v))
			return cx_stix_error_set(err, path, CX_RULE_TYPE, "%s must be a list", path);
		if ((x = json_object_get(schema, "minItems")) &&
		    (json_int_t)json_array_size(v) < json_integer_value(x))
			return cx_stix_error_set(err, path, CX_RULE_EMPTY, "%s must not be empty",
						 path);
		json_array_foreach ((json_t *)v, i, e) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			if (check(e, json_object_get(schema, "items"), sub, false, err) < 0)
				return -EINVAL;
		}
		return 0;
	}
	if (type && strcmp(type, "object") == 0) {
		const json_t *props = json_object_get(schema, "properties");
		const json_t *req = json_object_get(schema, "required");
		const char *key;
		json_t *e;
		size_t i;

		if (!json_is_object(v))
			return cx_stix_error_set(err, path, CX_RULE_TYPE, "%s must be an object",
						 path[0] ? path : "the object");
		json_array_foreach ((json_t *)req, i, e) {
			if (!json_object_get(v, json_string_value(e))) {
				snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "",
					 json_string_value(e));
				return cx_stix_error_set(err, sub, CX_RULE_REQUIRED,
							 "the property %s is required", sub);
			}
		}
		json_object_foreach ((json_t *)v, key, e) {
			const json_t *ps = json_object_get(props, key);

			snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", key);
			if (!ps) {
				if (top && stix_common(key))
					continue;
				return cx_stix_error_set(err, sub, CX_RULE_FORBIDDEN,
							 "%s is not a property of this record type",
							 sub);
			}
			if (check(e, ps, sub, false, err) < 0)
				return -EINVAL;
		}
		return 0;
	}
	return 0;
}

int cx_records_check(void *arg, const char *extension_id, const json_t *obj,
		     struct cx_stix_error *err)
{
	const struct cx_record_type *t = cx_record_type_declared_by(extension_id);
	const char *type = json_string_value(json_object_get(obj, "type"));

	(void)arg;
	if (!t)
		return 0; /* another party's extension: STIX rules only */
	if (!type || (strcmp(t->type, "*") != 0 && strcmp(type, t->type) != 0))
		return cx_stix_error_set(err, "extensions", CX_RULE_EXTENSION,
					 "%s %s the type %s, not %s", extension_id,
					 cx_record_is_new_sdo(t) ? "declares" : "extends", t->type,
					 type ? type : "(none)");
	pthread_once(&parse_once, parse_all);
	if (!cx_record_is_new_sdo(t)) {
		char path[160];

		snprintf(path, sizeof(path), "extensions.%s", extension_id);
		return check(json_object_get(json_object_get(obj, "extensions"), extension_id),
			     parsed[t - cx_record_types], path, false, err);
	}
	return check(obj, parsed[t - cx_record_types], "", true, err);
}

json_t *cx_record_extension_definition(const struct cx_record_type *t)
{
	char schema_text[200];

	snprintf(schema_text, sizeof(schema_text),
		 "The JSON schema served by every Coalition Exchange node at /schemas/%s.json",
		 t->name);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s]}", "type",
			 "extension-definition", "spec_version", "2.1", "id", t->extension_id,
			 "created_by_ref", CX_PROJECT_IDENTITY_ID, "created",
			 "2026-11-01T00:00:00.000Z", "modified", "2026-11-01T00:00:00.000Z", "name",
			 t->title, "schema", schema_text, "version", "1.0.0", "extension_types",
			 t->extension_type);
}
