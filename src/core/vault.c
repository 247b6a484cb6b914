/* Person records of the PII vault: their shape, checked property by
 * property. Errors name the property and the rule, never the value: they
 * reach logs and answers, and the values are personal data. */
#include "core/vault.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/uuid.h"

#define MAX_NAMES 16
#define MAX_NAME 256
#define MAX_DOCUMENTS 32
#define MAX_DOCUMENT_NUMBER 64
#define MAX_ISSUER 128
#define MAX_LINKS 64
#define MAX_NEEDS 4096

static const char *const document_kinds[] = {"passport", "national-id", "civil-registry",
					     "other", NULL};
static const char *const relations[] = {"parent", "child", "spouse", "sibling", "other", NULL};

static int fail(struct cx_vault_error *err, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct cx_vault_error *err, const char *field, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->field, sizeof(err->field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A C0 or C1 control character starts at s[i] (UTF-8)? Tabs and line
 * breaks count only when !multiline. */
static bool control_at(const unsigned char *s, size_t i, size_t n, bool multiline)
{
	if (s[i] < 0x20 || s[i] == 0x7f)
		return !(multiline && (s[i] == '\n' || s[i] == '\t'));
	return s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f;
}

/* A string of 1 to max bytes, not only blanks, without control characters
 * (multiline allows tabs and line breaks). */
static int check_text(const json_t *v, const char *field, size_t max, bool multiline,
		      struct cx_vault_error *err)
{
	const unsigned char *s = (const unsigned char *)json_string_value(v);
	bool blank = true;
	size_t n;

	if (!s)
		return fail(err, field, "%s must be a string", field);
	n = json_string_length(v);
	if (n > max)
		return fail(err, field, "%s must be at most %zu bytes", field, max);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\0' || control_at(s, i, n, multiline))
			return fail(err, field, "%s must not contain control characters", field);
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			blank = false;
	}
	if (blank)
		return fail(err, field, "%s must not be empty", field);
	return 0;
}

static bool one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static int digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int days_in(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* "YYYY", "YYYY-MM" or "YYYY-MM-DD", a real date from 1900 to 2100. */
static bool date_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int year, month = 1, day = 1;

	if (n != 4 && n != 7 && n != 10)
		return false;
	year = digits(s, 4);
	if (year < 1900 || year > 2100)
		return false;
	if (n >= 7 && (s[4] != '-' || (month = digits(s + 5, 2)) < 1 || month > 12))
		return false;
	if (n == 10 && (s[7] != '-' || (day = digits(s + 8, 2)) < 1 || day > days_in(year, month)))
		return false;
	return true;
}

/* Every key of o is one of allowed; else the error names the first other. */
static int only_keys(const json_t *o, const char *prefix, const char *const *allowed,
		     struct cx_vault_error *err)
{
	const char *key;
	json_t *v;
	char field[96];

	json_object_foreach ((json_t *)o, key, v) {
		if (one_of(key, allowed))
			continue;
		snprintf(field, sizeof(field), "%s%s", prefix, key);
		return fail(err, field, "%s is not a property of a person record", field);
	}
	return 0;
}

static int check_names(const json_t *names, struct cx_vault_error *err)
{
	char field[32];
	size_t i;
	json_t *v;

	if (!names)
		return fail(err, "names", "names is required: at least one name");
	if (!json_is_array(names) || json_array_size(names) < 1 ||
	    json_array_size(names) > MAX_NAMES)
		return fail(err, "names", "names must be a list of 1 to %d names", MAX_NAMES);
	json_array_foreach ((json_t *)names, i, v) {
		snprintf(field, sizeof(field), "names[%zu]", i);
		if (check_text(v, field, MAX_NAME, false, err) < 0)
			return -EINVAL;
	}
	return 0;
}

static int check_document(const json_t *d, size_t i, struct cx_vault_error *err)
{
	static const char *const keys[] = {"kind", "number", "issuer", NULL};
	char prefix[48], field[64];

	snprintf(prefix, sizeof(prefix), "documents[%zu]", i);
	if (!json_is_object(d))
		return fail(err, prefix, "%s must be an object {kind, number, issuer}", prefix);
	snprintf(prefix, sizeof(prefix), "documents[%zu].", i);
	if (only_keys(d, prefix, keys, err) < 0)
		return -EINVAL;
	snprintf(field, sizeof(field), "%skind", prefix);
	if (!one_of(json_string_value(json_object_get(d, "kind")), document_kinds))
		return fail(err, field,
			    "%s must be passport, national-id, civil-registry or other", field);
	snprintf(field, sizeof(field), "%snumber", prefix);
	if (check_text(json_object_get(d, "number"), field, MAX_DOCUMENT_NUMBER, false, err) < 0)
		return -EINVAL;
	snprintf(field, sizeof(field), "%sissuer", prefix);
	return check_text(json_object_get(d, "issuer"), field, MAX_ISSUER, false, err);
}

static int check_link(const json_t *l, size_t i, struct cx_vault_error *err)
{
	static const char *const keys[] = {"relation", "person", NULL};
	char prefix[48], field[64];

	snprintf(prefix, sizeof(prefix), "family_links[%zu]", i);
	if (!json_is_object(l))
		return fail(err, prefix, "%s must be an object {relation, person}", prefix);
	snprintf(prefix, sizeof(prefix), "family_links[%zu].", i);
	if (only_keys(l, prefix, keys, err) < 0)
		return -EINVAL;
	snprintf(field, sizeof(field), "%srelation", prefix);
	if (!one_of(json_string_value(json_object_get(l, "relation")), relations))
		return fail(err, field, "%s must be parent, child, spouse, sibling or other", field);
	snprintf(field, sizeof(field), "%sperson", prefix);
	if (!cx_vault_person_id_valid(json_string_value(json_object_get(l, "person"))))
		return fail(err, field, "%s must be a vault person id (person-UUID)", field);
	return 0;
}

/* A list of at most max items under key, each checked by check. */
static int check_list(const json_t *list, const char *key, size_t max,
		      int (*check)(const json_t *, size_t, struct cx_vault_error *),
		      struct cx_vault_error *err)
{
	size_t i;
	json_t *v;

	if (!list)
		return 0;
	if (!json_is_array(list) || json_array_size(list) > max)
		return fail(err, key, "%s must be a list of at most %zu entries", key, max);
	json_array_foreach ((json_t *)list, i, v)
		if (check(v, i, err) < 0)
			return -EINVAL;
	return 0;
}

int cx_vault_person_check(const json_t *person, struct cx_vault_error *err)
{
	static const char *const keys[] = {"names", "date_of_birth", "documents", "family_links",
					   "special_needs", NULL};
	const json_t *dob, *needs;
	size_t size;

	memset(err, 0, sizeof(*err));
	if (!json_is_object(person))
		return fail(err, "", "a person record must be a JSON object");
	size = json_dumpb(person, NULL, 0, JSON_COMPACT);
	if (size == 0 || size > CX_VAULT_MAX_RECORD)
		return fail(err, "", "a person record must be at most %d bytes as compact JSON",
			    CX_VAULT_MAX_RECORD);
	if (only_keys(person, "", keys, err) < 0 || check_names(json_object_get(person, "names"),
								err) < 0)
		return -EINVAL;
	dob = json_object_get(person, "date_of_birth");
	if (dob && !date_ok(json_string_value(dob)))
		return fail(err, "date_of_birth",
			    "date_of_birth must be YYYY, YYYY-MM or YYYY-MM-DD (a date from 1900 "
			    "to 2100)");
	if (check_list(json_object_get(person, "documents"), "documents", MAX_DOCUMENTS,
		       check_document, err) < 0 ||
	    check_list(json_object_get(person, "family_links"), "family_links", MAX_LINKS,
		       check_link, err) < 0)
		return -EINVAL;
	needs = json_object_get(person, "special_needs");
	if (needs && check_text(needs, "special_needs", MAX_NEEDS, true, err) < 0)
		return -EINVAL;
	return 0;
}

bool cx_vault_person_id_valid(const char *id)
{
	const char *u;

	if (!id || strlen(id) != CX_VAULT_ID_LEN ||
	    strncmp(id, CX_VAULT_ID_PREFIX, strlen(CX_VAULT_ID_PREFIX)) != 0)
		return false;
	u = id + strlen(CX_VAULT_ID_PREFIX);
	if (strspn(u, "0123456789abcdef-") != 36 || u[14] != '4')
		return false;
	return cx_uuid_valid(u, 36);
}

char *cx_vault_person_id_new(char *out)
{
	char uuid[CX_UUID_STRLEN];

	snprintf(out, CX_VAULT_ID_LEN + 1, "%s%s", CX_VAULT_ID_PREFIX, cx_uuid_v4(uuid));
	return out;
}
