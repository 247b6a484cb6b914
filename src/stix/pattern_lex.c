/* The lexer of the STIX patterning language and the one place that reports
 * its errors, for the lexer and the parser alike. */
#include "stix/pattern_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"
#include "util/time.h"

/* Reserved words of the grammar, case-sensitive; LAST is reserved but unused. */
static const char *const keywords[] = {
    "AND",      "OR",     "NOT",    "FOLLOWEDBY", "LIKE",  "MATCHES", "ISSUPERSET",
    "ISSUBSET", "EXISTS", "LAST",   "IN",         "START", "STOP",    "SECONDS",
    "true",     "false",  "WITHIN", "REPEATS",    "TIMES",
};

int cx_pat_fail(struct cx_pat_parser *p, size_t at, const char *fmt, ...)
{
	va_list ap;

	if (p->err) {
		p->err->offset = at;
		va_start(ap, fmt);
		vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int cx_pat_oom(struct cx_pat_parser *p)
{
	cx_pat_fail(p, p->tok.start, "ran out of memory while parsing the pattern");
	return -ENOMEM;
}

int cx_pat_fail_tok(struct cx_pat_parser *p, const char *msg)
{
	const struct cx_pat_tok *t = &p->tok;
	size_t n = t->end - t->start;

	for (size_t k = 0; t->kind == T_IDENT && k < sizeof(keywords) / sizeof(*keywords); k++)
		if (strlen(keywords[k]) == n && !strncasecmp(keywords[k], p->s + t->start, n))
			return cx_pat_fail(
			    p, t->start,
			    "expected the keyword %s, spelled in that case, not '%.*s'",
			    keywords[k], (int)n, p->s + t->start);
	return cx_pat_fail(p, t->start, "%s", msg);
}

/* ---- Tokens ---------------------------------------------------------------- */

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629), or 0. It looks
 * at one byte after another and stops at the first bad one, so a NUL (never a
 * continuation byte) ends it. */
static size_t utf8_seq(const unsigned char *s, uint32_t *ret_cp)
{
	uint32_t cp;
	size_t n;

	if (s[0] < 0x80) {
		n = 1, cp = s[0];
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2, cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3, cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4, cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	*ret_cp = cp;
	return n;
}

/* Bytes of the whitespace character at s, or 0: the grammar's WS set. */
static size_t space_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c;
	size_t n;

	if (*u == ' ' || (*u >= '\t' && *u <= '\r'))
		return 1;
	if (*u < 0x80 || !(n = utf8_seq(u, &c)))
		return 0;
	if (c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
	    c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000)
		return n;
	return 0;
}

static int skip_blanks(struct cx_pat_parser *p)
{
	for (;;) {
		const char *c = p->s + p->pos, *end;
		size_t n = space_len(c);

		if (n) {
			p->pos += n;
		} else if (c[0] == '/' && c[1] == '/') {
			while (p->s[p->pos] && p->s[p->pos] != '\n' && p->s[p->pos] != '\r')
				p->pos++;
		} else if (c[0] == '/' && c[1] == '*') {
			end = strstr(c + 2, "*/");
			if (!end)
				return cx_pat_fail(p, p->pos, "expected '*/' to close the comment");
			p->pos = (size_t)(end - p->s) + 2;
		} else {
			return 0;
		}
	}
}

/* 'text' with \' and \\ as the only escapes; q is the opening quote. */
static int lex_string(struct cx_pat_parser *p, size_t q)
{
	const char *s = p->s;
	size_t i = q + 1, n = 0, o = 0, k;
	uint32_t cp;
	char *out;

	while (s[i] != '\'') {
		if (s[i] == '\0')
			return cx_pat_fail(p, q,
			                   "expected a closing quote for the string constant");
		if (s[i] == '\\') {
			if (s[i + 1] != '\'' && s[i + 1] != '\\')
				return cx_pat_fail(
				    p, i,
				    "expected \\' or \\\\ after a backslash in the string "
				    "constant, the only escapes allowed");
			i += 2, n++;
			continue;
		}
		k = utf8_seq((const unsigned char *)s + i, &cp);
		if (!k)
			return cx_pat_fail(p, i, "expected valid UTF-8 in the string constant");
		i += k, n += k;
	}
	out = malloc(n + 1);
	if (!out)
		return cx_pat_oom(p);
	for (size_t j = q + 1; j < i; j++) {
		if (s[j] == '\\')
			j++;
		out[o++] = s[j];
	}
	out[n] = '\0';
	p->tok.kind = T_STRING, p->tok.data = out, p->tok.len = n;
	p->pos = i + 1;
	return 0;
}

static int b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (cx_pat_is_digit(c))
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* h'...' (an even number of hex digits) or b'...' (padded base64, at least
 * one group as the grammar has it); st is the prefix letter. */
static int lex_bytes(struct cx_pat_parser *p, size_t st, bool hex)
{
	const char *s = p->s, *body = s + st + 2;
	size_t n = 0, pad = 0, o = 0;
	uint32_t acc = 0;
	char *out;

	for (; body[n] != '\''; n++) {
		if (body[n] == '\0')
			return cx_pat_fail(p, st, "expected a closing quote for the %s constant",
			                   hex ? "hex" : "binary");
		if (hex && cx_hex_digit(body[n]) < 0)
			return cx_pat_fail(p, st + 2 + n,
			                   "expected a hex digit or a closing quote in the "
			                   "hex constant");
		if (!hex && (pad || b64_val(body[n]) < 0) && !(body[n] == '=' && ++pad <= 2))
			return cx_pat_fail(p, st + 2 + n,
			                   "expected a base64 character (A-Z, a-z, 0-9, '+', "
			                   "'/', '=' only as padding) in the binary constant");
	}
	if (hex && n % 2)
		return cx_pat_fail(p, st,
		                   "expected an even number of hex digits in the hex constant");
	if (!hex && (n == 0 || n % 4))
		return cx_pat_fail(p, st,
		                   "expected base64 padded to a multiple of 4 characters in the "
		                   "binary constant");
	out = malloc(n + 1);
	if (!out)
		return cx_pat_oom(p);
	for (size_t i = 0; hex && i < n; i += 2)
		out[o++] = (char)(cx_hex_digit(body[i]) << 4 | cx_hex_digit(body[i + 1]));
	for (size_t i = 0; !hex && i < n - pad; i++) {
		acc = acc << 6 | (uint32_t)b64_val(body[i]);
		if (i % 4 == 3 || i == n - pad - 1) {
			/* A final group of 2 or 3 characters carries 1 or 2 bytes. */
			size_t bytes = i % 4 == 3 ? 3 : i % 4;

			acc <<= 6 * (3 - i % 4);
			for (size_t b = 0; b < bytes; b++)
				out[o++] = (char)(acc >> (16 - 8 * b));
			acc = 0;
		}
	}
	out[o] = '\0';
	p->tok.kind = hex ? T_HEX : T_BINARY, p->tok.data = out, p->tok.len = o;
	p->pos = st + 3 + n;
	return 0;
}

/* t'...': the STIX timestamp form of RFC 3339, in UTC. */
static int lex_timestamp(struct cx_pat_parser *p, size_t st)
{
	const char *body = p->s + st + 2;
	char buf[64];
	size_t n = 0;

	while (body[n] != '\'') {
		if (body[n] == '\0')
			return cx_pat_fail(p, st,
			                   "expected a closing quote for the timestamp constant");
		n++;
	}
	if (n < sizeof(buf)) {
		memcpy(buf, body, n);
		buf[n] = '\0';
	}
	if (n >= sizeof(buf) || cx_time_parse(buf, &p->tok.us, &p->tok.frac))
		return cx_pat_fail(p, st,
		                   "expected an RFC 3339 UTC timestamp such as "
		                   "t'2016-06-01T00:00:00Z' in the timestamp constant");
	p->tok.kind = T_TIMESTAMP;
	p->pos = st + 3 + n;
	return 0;
}

/* [+-]? digits without leading zeros, or [+-]? digits? '.' digits. */
static int lex_number(struct cx_pat_parser *p)
{
	const char *s = p->s;
	size_t st = p->pos, i = st, dig;
	bool neg = false, end_ok;
	uint64_t v = 0, lim;
	char *copy, *end;

	if (s[i] == '+' || s[i] == '-')
		neg = s[i++] == '-';
	for (dig = i; cx_pat_is_digit(s[i]); i++)
		;
	if (s[i] == '.') {
		if (!cx_pat_is_digit(s[++i]))
			return cx_pat_fail(p, i, "expected a digit after the decimal point");
		while (cx_pat_is_digit(s[i]))
			i++;
		copy = strndup(s + st, i - st);
		if (!copy)
			return cx_pat_oom(p);
		p->tok.f = strtod(copy, &end);
		end_ok = *end == '\0'; /* a locale with another decimal point stops early */
		free(copy);
		if (!end_ok || !isfinite(p->tok.f))
			return cx_pat_fail(
			    p, st, "expected a float constant within the range of a double");
		p->tok.kind = T_FLOAT;
		p->pos = i;
		return 0;
	}
	if (i - dig > 1 && s[dig] == '0')
		return cx_pat_fail(p, st, "expected an integer constant without leading zeros");
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (size_t j = dig; j < i; j++) {
		unsigned d = (unsigned)(s[j] - '0');

		if (v > (lim - d) / 10)
			return cx_pat_fail(
			    p, st, "expected an integer constant within the signed 64-bit range");
		v = v * 10 + d;
	}
	p->tok.i = !neg ? (int64_t)v : v > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)v;
	p->tok.kind = T_INT;
	p->pos = i;
	return 0;
}

static int lex_ident(struct cx_pat_parser *p)
{
	const char *s = p->s + p->pos;
	size_t n = 0;

	while (is_ident_start(s[n]) || cx_pat_is_digit(s[n]) || s[n] == '-')
		p->tok.hyphen |= s[n++] == '-';
	p->tok.kind = T_IDENT;
	for (size_t k = 0; k < sizeof(keywords) / sizeof(*keywords); k++)
		if (strlen(keywords[k]) == n && !memcmp(keywords[k], s, n))
			p->tok.kind = (enum cx_pat_tok_kind)(T_AND + k);
	p->pos += n;
	return 0;
}

static int lex_punct(struct cx_pat_parser *p, const char *c)
{
	static const char single[] = "[]():.,*";
	static const enum cx_pat_tok_kind kinds[] = {T_LBRACK, T_RBRACK, T_LPAREN, T_RPAREN,
	                                             T_COLON,  T_DOT,    T_COMMA,  T_STAR};
	const char *hit = c[0] ? strchr(single, c[0]) : NULL;
	struct cx_pat_tok *t = &p->tok;

	if (hit) {
		t->kind = kinds[hit - single], p->pos++;
	} else if (c[0] == '=') {
		t->kind = T_EQ, p->pos += c[1] == '=' ? 2 : 1;
	} else if (c[0] == '!' && c[1] == '=') {
		t->kind = T_NE, p->pos += 2;
	} else if (c[0] == '<') {
		t->kind = c[1] == '=' ? T_LE : c[1] == '>' ? T_NE : T_LT;
		p->pos += t->kind == T_LT ? 1 : 2;
	} else if (c[0] == '>') {
		t->kind = c[1] == '=' ? T_GE : T_GT, p->pos += t->kind == T_GT ? 1 : 2;
	} else if (c[0] > ' ' && c[0] < 0x7f) {
		return cx_pat_fail(p, p->pos, "unexpected character '%c'", c[0]);
	} else {
		return cx_pat_fail(p, p->pos, "unexpected byte 0x%02x",
		                   (unsigned)(unsigned char)c[0]);
	}
	return 0;
}

int cx_pat_next(struct cx_pat_parser *p)
{
	struct cx_pat_tok *t = &p->tok;
	const char *c;
	int rc;

	free(t->data);
	memset(t, 0, sizeof(*t));
	rc = skip_blanks(p);
	if (rc)
		return rc;
	c = p->s + p->pos;
	t->start = p->pos;
	if (c[0] == '\0')
		t->kind = T_END;
	else if (c[0] == '\'')
		rc = lex_string(p, p->pos);
	else if ((c[0] == 'b' || c[0] == 'h') && c[1] == '\'')
		rc = lex_bytes(p, p->pos, c[0] == 'h');
	else if (c[0] == 't' && c[1] == '\'')
		rc = lex_timestamp(p, p->pos);
	else if (is_ident_start(c[0]))
		rc = lex_ident(p);
	else if (cx_pat_is_digit(c[0]) || (c[0] == '.' && cx_pat_is_digit(c[1])) ||
	         ((c[0] == '+' || c[0] == '-') && (cx_pat_is_digit(c[1]) || c[1] == '.')))
		rc = lex_number(p);
	else
		rc = lex_punct(p, c);
	t->end = p->pos;
	return rc;
}
