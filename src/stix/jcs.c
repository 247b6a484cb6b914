#include "stix/jcs.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nesting deeper than jansson's own parser accepts cannot come from a parsed
 * document; refusing it keeps a hand-built (or cyclic) value from exhausting
 * the stack. */
#define MAX_DEPTH 2048

/* Scratch entries kept on the stack. Each object needs two per member (the
 * second half for sorting) while it is being written, so a typical STIX
 * object and its nested dictionaries need no allocation at all. */
#define STACK_MEMBERS 48

/* Runs of this length are sorted by insertion before merging. */
#define RUN 8

/* 2^53: every integer up to this magnitude is an exact double. */
#define EXACT_INT_MAX 9007199254740992LL

struct member {
	const char *key;
	size_t len;
	json_t *val;
};

/* One traversal. Objects push their members onto a single scratch stack,
 * sort their own slice, and pop it when done, so the scratch only ever holds
 * the members along the current path. Slices are addressed by index because
 * a child object may move the array when it grows. */
struct jcs {
	struct cx_buf *out;
	struct member *m;
	size_t n;
	size_t cap;
	struct member stack[STACK_MEMBERS];
};

static int put_value(struct jcs *c, const json_t *v, int depth);

/* UTF-16 code unit order of two UTF-8 strings. UTF-8 byte order is code point
 * order, which agrees with UTF-16 order except that U+E000..U+FFFF (lead
 * bytes 0xEE, 0xEF) sort after the surrogate pairs of U+10000 and above (lead
 * bytes 0xF0..0xF4). The first differing byte sits at the same character
 * boundary in both strings since their prefix is identical, so when both
 * bytes are lead bytes of those two classes the order flips; a differing
 * continuation byte means both characters share a lead byte and so a class. */
static int key_cmp(const struct member *a, const struct member *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	const unsigned char *x = (const unsigned char *)a->key;
	const unsigned char *y = (const unsigned char *)b->key;
	size_t i;

	for (i = 0; i < n && x[i] == y[i]; i++)
		;
	if (i == n)
		return a->len < b->len ? -1 : a->len > b->len;
	if (x[i] >= 0xee && y[i] >= 0xee && (x[i] >= 0xf0) != (y[i] >= 0xf0))
		return x[i] >= 0xf0 ? -1 : 1;
	return x[i] < y[i] ? -1 : 1;
}

static void insertion_sort(struct member *m, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct member t = m[i];
		size_t j = i;

		for (; j > 0 && key_cmp(&t, &m[j - 1]) < 0; j--)
			m[j] = m[j - 1];
		m[j] = t;
	}
}

/* Bottom-up merge sort of m[0..n) using tmp[0..n) as the other half of the
 * ping-pong; the library qsort may allocate, this never does. */
static void sort_members(struct member *m, struct member *tmp, size_t n)
{
	struct member *src = m, *dst = tmp, *t;

	for (size_t i = 0; i < n; i += RUN)
		insertion_sort(m + i, n - i < RUN ? n - i : RUN);
	if (n <= RUN)
		return;
	for (size_t w = RUN; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				dst[k++] = key_cmp(&src[j], &src[i]) < 0 ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != m)
		memcpy(m, src, n * sizeof(*m));
}

/* Make room for `extra` more members above c->n. */
static int reserve(struct jcs *c, size_t extra)
{
	size_t ncap = c->cap;
	struct member *p;

	if (extra <= c->cap - c->n)
		return 0;
	while (extra > ncap - c->n)
		ncap *= 2;
	if (c->m == c->stack) {
		p = malloc(ncap * sizeof(*p));
		if (p)
			memcpy(p, c->m, c->n * sizeof(*p));
	} else {
		p = realloc(c->m, ncap * sizeof(*p));
	}
	if (!p)
		return -ENOMEM;
	c->m = p;
	c->cap = ncap;
	return 0;
}

static int put_object(struct jcs *c, const json_t *obj, int depth)
{
	size_t n = json_object_size(obj), base = c->n, i;
	void *it;
	int r;

	if (n == 0)
		return cx_buf_append(c->out, "{}", 2);
	/* Twice n: the upper half is the merge sort's scratch. */
	r = reserve(c, 2 * n);
	if (r < 0)
		return r;
	/* jansson has no const iterator; the object is only read. */
	it = json_object_iter((json_t *)obj);
	for (i = 0; i < n && it; i++) {
		struct member *e = &c->m[base + i];

		e->key = json_object_iter_key(it);
		e->len = json_object_iter_key_len(it);
		e->val = json_object_iter_value(it);
		it = json_object_iter_next((json_t *)obj, it);
	}
	n = i;
	sort_members(c->m + base, c->m + base + n, n);
	c->n = base + n;
	cx_buf_putc(c->out, '{');
	for (i = 0; i < n; i++) {
		const struct member *e = &c->m[base + i];

		if (i)
			cx_buf_putc(c->out, ',');
		cx_buf_put_json_string(c->out, e->key, e->len);
		cx_buf_putc(c->out, ':');
		r = put_value(c, e->val, depth + 1);
		if (r < 0)
			return r;
	}
	c->n = base;
	return cx_buf_putc(c->out, '}');
}

static int put_array(struct jcs *c, const json_t *arr, int depth)
{
	size_t n = json_array_size(arr);
	int r;

	if (n == 0)
		return cx_buf_append(c->out, "[]", 2);
	for (size_t i = 0; i < n; i++) {
		cx_buf_putc(c->out, i ? ',' : '[');
		r = put_value(c, json_array_get(arr, i), depth + 1);
		if (r < 0)
			return r;
	}
	return cx_buf_putc(c->out, ']');
}

/* Decimal digits of v at the end of a buffer; returns where they start. */
static char *format_int(long long v, char *end)
{
	/* Work on the negative magnitude, which is valid for LLONG_MIN too. */
	long long neg = v < 0 ? v : -v;

	do {
		*--end = (char)('0' - neg % 10);
		neg /= 10;
	} while (neg);
	if (v < 0)
		*--end = '-';
	return end;
}

static int put_integer(struct cx_buf *out, json_int_t v)
{
	char s[24], *p;

	/* Past 2^53 a JavaScript reader already holds the nearest double, and
	 * that is what the canonical form spells. */
	if (v > EXACT_INT_MAX || v < -EXACT_INT_MAX)
		return cx_jcs_append_number(out, (double)v);
	p = format_int((long long)v, s + sizeof(s));
	return cx_buf_append(out, p, (size_t)(s + sizeof(s) - p));
}

static int put_value(struct jcs *c, const json_t *v, int depth)
{
	if (!v || depth > MAX_DEPTH)
		return -EINVAL;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return put_object(c, v, depth);
	case JSON_ARRAY:
		return put_array(c, v, depth);
	case JSON_STRING:
		return cx_buf_put_json_string(c->out, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return put_integer(c->out, json_integer_value(v));
	case JSON_REAL:
		return cx_jcs_append_number(c->out, json_real_value(v));
	case JSON_TRUE:
		return cx_buf_append(c->out, "true", 4);
	case JSON_FALSE:
		return cx_buf_append(c->out, "false", 5);
	case JSON_NULL:
		return cx_buf_append(c->out, "null", 4);
	}
	return -EINVAL;
}

int cx_jcs_append(struct cx_buf *out, const json_t *v)
{
	struct jcs c;
	int r;

	c.out = out;
	c.m = c.stack;
	c.n = 0;
	c.cap = STACK_MEMBERS;
	r = put_value(&c, v, 0);
	if (c.m != c.stack)
		free(c.m);
	return r;
}

static bool round_trips(double d, int prec, char *s, size_t size)
{
	snprintf(s, size, "%.*e", prec - 1, d);
	return strtod(s, NULL) == d;
}

/* Write to s the correctly rounded scientific form of d > 0 with the fewest
 * significant digits that still reads back as d (trailing zeros may remain).
 *
 * For a normal double, any decimal of at most DBL_DIG (15) digits survives
 * decimal -> double -> 15-digit decimal unchanged. So if some k <= 15 digits
 * round-trip, the 15-digit rounding is those digits padded with zeros, and
 * stripping the zeros gives the shortest form; otherwise 16 or 17 digits are
 * needed, and the correctly rounded form is the closest candidate, as
 * ECMAScript asks. Subnormals hold fewer bits and lack that guarantee; for
 * them, since a form with one more digit is at least as close to d as one
 * with fewer (the shorter is itself a candidate ending in zero), round
 * tripping is monotone in the precision and a binary search finds the least. */
static void shortest(double d, char *s, size_t size)
{
	int lo = 1, hi = 17;

	if (d >= DBL_MIN) {
		if (!round_trips(d, 15, s, size) && !round_trips(d, 16, s, size))
			snprintf(s, size, "%.16e", d);
		return;
	}
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (round_trips(d, mid, s, size))
			hi = mid;
		else
			lo = mid + 1;
	}
	snprintf(s, size, "%.*e", hi - 1, d);
}

int cx_jcs_append_number(struct cx_buf *out, double d)
{
	char sci[40], res[48], digits[20], *p = res;
	int k = 0, n, e = 0, esign = 1;
	const char *q;

	if (!isfinite(d))
		return -EINVAL;
	if (d == 0)
		return cx_buf_putc(out, '0'); /* both zeros */
	if (d < 0) {
		*p++ = '-';
		d = -d;
	}
	/* Integral values below 2^53 are their own shortest form. */
	if (d < (double)EXACT_INT_MAX && d == floor(d)) {
		char *s = format_int((long long)d, digits + sizeof(digits));
		size_t len = (size_t)(digits + sizeof(digits) - s);

		memcpy(p, s, len);
		return cx_buf_append(out, res, (size_t)(p - res) + len);
	}
	shortest(d, sci, sizeof(sci));
	/* sci is "D[.DDD]e±X": collect the significant digits and exponent. */
	for (q = sci; *q != 'e'; q++)
		if (*q != '.')
			digits[k++] = *q;
	q++;
	if (*q == '-')
		esign = -1;
	for (q++; *q; q++)
		e = e * 10 + (*q - '0');
	while (k > 1 && digits[k - 1] == '0')
		k--;
	/* ECMAScript's n: the value is 0.DIGITS × 10^n. */
	n = esign * e + 1;
	if (k <= n && n <= 21) {
		memcpy(p, digits, (size_t)k);
		p += k;
		memset(p, '0', (size_t)(n - k));
		p += n - k;
	} else if (0 < n && n <= 21) {
		memcpy(p, digits, (size_t)n);
		p += n;
		*p++ = '.';
		memcpy(p, digits + n, (size_t)(k - n));
		p += k - n;
	} else if (-6 < n && n <= 0) {
		*p++ = '0';
		*p++ = '.';
		memset(p, '0', (size_t)-n);
		p += -n;
		memcpy(p, digits, (size_t)k);
		p += k;
	} else {
		*p++ = digits[0];
		if (k > 1) {
			*p++ = '.';
			memcpy(p, digits + 1, (size_t)(k - 1));
			p += k - 1;
		}
		p += snprintf(p, sizeof(res) - (size_t)(p - res), "e%c%d", n - 1 < 0 ? '-' : '+',
			      n - 1 < 0 ? 1 - n : n - 1);
	}
	return cx_buf_append(out, res, (size_t)(p - res));
}
