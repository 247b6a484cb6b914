/* A growable byte buffer with a hard cap.
 *
 * The buffer always keeps a NUL after the last byte so that cx_buf_cstr()
 * is free. When an append would pass the cap, or memory runs out, the buffer
 * frees its contents and enters a failed state: later appends are no-ops
 * returning the same error, so callers may check once at the end. */
#ifndef CX_UTIL_BUF_H
#define CX_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct cx_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* 0 means SIZE_MAX / 2 */
	int err;    /* 0, -ENOMEM or -E2BIG once failed */
};

#define CX_BUF_INIT {NULL, 0, 0, 0, 0}

/* Prepare an empty buffer that refuses to grow past max bytes (0: no cap). */
void cx_buf_init(struct cx_buf *b, size_t max);
/* Free the contents; the buffer may be reused after cx_buf_init(). */
void cx_buf_release(struct cx_buf *b);
/* Forget the contents but keep the memory and clear any error. */
void cx_buf_reset(struct cx_buf *b);

/* Appends return 0, -ENOMEM or -E2BIG. */
int cx_buf_append(struct cx_buf *b, const void *p, size_t n);
int cx_buf_puts(struct cx_buf *b, const char *s);
int cx_buf_putc(struct cx_buf *b, char c);
int cx_buf_printf(struct cx_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cx_buf_vprintf(struct cx_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append s as a JSON string literal with quotes (RFC 8785 escaping). */
int cx_buf_put_json_string(struct cx_buf *b, const char *s, size_t n);

/* The contents as a NUL-terminated string (borrowed; "" when empty). */
const char *cx_buf_cstr(const struct cx_buf *b);
/* Hand the contents to the caller (caller frees) and reset the buffer. */
char *cx_buf_steal(struct cx_buf *b, size_t *ret_len);

#endif
