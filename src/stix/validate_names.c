/* Paths and errors of the validators, and the syntax of the names STIX
 * uses: type names, property names, dictionary keys and identifiers. */
#include "stix/validate_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

bool cx_v_type_name_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 3 || n > 250 || !cx_v_is_lower(s[0]) || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!cx_v_is_lower(s[i]) && !cx_v_is_digit(s[i]) && s[i] != '-')
			return false;
		if (s[i] == '-' && s[i + 1] == '-')
			return false;
	}
	return true;
}

bool cx_v_property_name_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 3 || n > 250 || !cx_v_is_lower(s[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!cx_v_is_lower(s[i]) && !cx_v_is_digit(s[i]) && s[i] != '_')
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
		if (!cx_v_is_alnum(s[i]) && s[i] != '-' && s[i] != '_')
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
