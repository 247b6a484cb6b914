/* Structured log lines on stderr, one event per line in logfmt:
 *   ts=2026-11-26T20:00:00.123456Z level=info req=5f2c... msg=request method=GET
 * Only http/, server/ and cli/ log above debug; lower layers return errors. */
#ifndef CX_UTIL_LOG_H
#define CX_UTIL_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum cx_log_level {
	CX_LOG_DEBUG = 0,
	CX_LOG_INFO,
	CX_LOG_WARN,
	CX_LOG_ERROR,
};

/* Set the lowest level written; called once at start-up before threads. */
void cx_log_set_level(enum cx_log_level level);
/* Parse "debug", "info", "warn" or "error". Returns 0 or -EINVAL. */
int cx_log_level_parse(const char *s, enum cx_log_level *ret);

/* True when lines of this level are written (to skip preparing them). */
bool cx_log_enabled(enum cx_log_level level);

/* Write one line. req may be NULL. fields is a printf format producing
 * further " key=value" pairs (values quoted by the caller when they may
 * contain spaces; cx_log_quote helps). */
void cx_log(enum cx_log_level level, const char *req, const char *msg, const char *fields,
	    ...) __attribute__((format(printf, 4, 5)));

/* Copy s into out (size n) as a logfmt value: quoted and escaped when it
 * holds spaces, quotes, '=' or control characters. Returns out. */
char *cx_log_quote(const char *s, char *out, size_t n);

#endif
