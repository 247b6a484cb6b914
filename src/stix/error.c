#include "stix/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

int cx_stix_error_set(struct cx_stix_error *err, const char *property, const char *rule,
		      const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -EINVAL;
	copy(err->property, sizeof(err->property), property);
	copy(err->rule, sizeof(err->rule), rule);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void cx_stix_error_set_id(struct cx_stix_error *err, const char *id)
{
	if (err)
		copy(err->id, sizeof(err->id), id);
}

void cx_stix_error_clear(struct cx_stix_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

json_t *cx_stix_error_to_json(const struct cx_stix_error *err)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "id", err->id, "property", err->property,
			 "rule", err->rule, "message", err->message);
}
