#include "util/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/time.h"

/* Written once at start-up, before any thread exists; read-only after. */
static enum cx_log_level min_level = CX_LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void cx_log_set_level(enum cx_log_level level)
{
	min_level = level;
}

bool cx_log_enabled(enum cx_log_level level)
{
	return level >= min_level;
}

int cx_log_level_parse(const char *s, enum cx_log_level *ret)
{
	for (int i = 0; i < 4; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*ret = (enum cx_log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

char *cx_log_quote(const char *s, char *out, size_t n)
{
	size_t o = 0;
	bool plain = *s != '\0';

	for (const char *p = s; *p && plain; p++)
		if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' || *p == 0x7f)
			plain = false;
	if (plain) {
		snprintf(out, n, "%s", s);
		return out;
	}
	if (n < 3) {
		if (n)
			out[0] = '\0';
		return out;
	}
	out[o++] = '"';
	for (const char *p = s; *p && o + 3 < n; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < ' ' || c == 0x7f) {
			out[o++] = '?';
		} else {
			out[o++] = (char)c;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}

void cx_log(enum cx_log_level level, const char *req, const char *msg, const char *fields, ...)
{
	char ts[CX_TIME_STRLEN], q[512];
	struct cx_buf b;
	va_list ap;

	if (level < min_level)
		return;
	cx_buf_init(&b, 8192);
	cx_buf_printf(&b, "ts=%s level=%s", cx_time_format(cx_time_now_us(), 6, ts),
		      level_names[level]);
	if (req)
		cx_buf_printf(&b, " req=%s", req);
	cx_buf_printf(&b, " msg=%s", cx_log_quote(msg, q, sizeof(q)));
	if (fields && *fields) {
		va_start(ap, fields);
		cx_buf_vprintf(&b, fields, ap);
		va_end(ap);
	}
	cx_buf_putc(&b, '\n');
	/* One write per line keeps lines from different threads whole. */
	if (!b.err)
		fwrite(b.data, 1, b.len, stderr);
	cx_buf_release(&b);
}
