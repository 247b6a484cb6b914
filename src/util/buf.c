#include "util/buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cx_buf_init(struct cx_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : SIZE_MAX / 2;
	b->err = 0;
}

void cx_buf_release(struct cx_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void cx_buf_reset(struct cx_buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int fail(struct cx_buf *b, int err)
{
	cx_buf_release(b);
	b->err = err;
	return err;
}

static int reserve(struct cx_buf *b, size_t extra)
{
	size_t need, ncap;
	char *p;

	if (b->err)
		return b->err;
	if (b->max == 0)
		b->max = SIZE_MAX / 2;
	if (extra > b->max - b->len)
		return fail(b, -E2BIG);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap *= 2;
	p = realloc(b->data, ncap);
	if (!p)
		return fail(b, -ENOMEM);
	b->data = p;
	b->cap = ncap;
	return 0;
}

int cx_buf_append(struct cx_buf *b, const void *p, size_t n)
{
	int r = reserve(b, n);

	if (r < 0)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int cx_buf_puts(struct cx_buf *b, const char *s)
{
	return cx_buf_append(b, s, strlen(s));
}

int cx_buf_putc(struct cx_buf *b, char c)
{
	return cx_buf_append(b, &c, 1);
}

int cx_buf_vprintf(struct cx_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n, r;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return fail(b, -EINVAL);
	r = reserve(b, (size_t)n);
	if (r < 0)
		return r;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int cx_buf_printf(struct cx_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = cx_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

int cx_buf_put_json_string(struct cx_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	cx_buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[6];

		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (c >= 0x20)
				continue;
		}
		cx_buf_append(b, s + run, i - run);
		run = i + 1;
		if (esc) {
			cx_buf_puts(b, esc);
		} else {
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			cx_buf_append(b, u, 6);
		}
	}
	cx_buf_append(b, s + run, n - run);
	return cx_buf_putc(b, '"');
}

const char *cx_buf_cstr(const struct cx_buf *b)
{
	return b->data ? b->data : "";
}

char *cx_buf_steal(struct cx_buf *b, size_t *ret_len)
{
	char *p = b->data;

	if (!p)
		p = calloc(1, 1);
	if (ret_len)
		*ret_len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}
