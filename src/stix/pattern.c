#include "stix/pattern.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/time.h"

/* The grammar followed is the OASIS STIXPattern ANTLR grammar for STIX 2.1:
 *
 *   pattern     := obs-fb END
 *   obs-fb      := obs-or  (FOLLOWEDBY obs-or)*
 *   obs-or      := obs-and (OR obs-and)*
 *   obs-and     := obs-qual (AND obs-qual)*
 *   obs-qual    := ( '[' cmp-or ']' | '(' obs-fb ')' ) qualifier*
 *   cmp-or      := cmp-and (OR cmp-and)*
 *   cmp-and     := cmp (AND cmp)*
 *   cmp         := '(' cmp-or ')' | EXISTS path | path NOT? op constant-or-set
 *
 * Whitespace (ASCII and the Unicode spaces the grammar lists) and C-style
 * comments separate tokens. */

struct cx_pattern {
	struct cx_pattern_node *root;
};

enum tok_kind {
	T_END,
	T_LBRACK,
	T_RBRACK,
	T_LPAREN,
	T_RPAREN,
	T_COLON,
	T_DOT,
	T_COMMA,
	T_STAR,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE,
	T_IDENT,
	T_STRING,
	T_INT,
	T_FLOAT,
	T_BINARY,
	T_HEX,
	T_TIMESTAMP,
	/* Keywords, in the order of keywords[] below. */
	T_AND,
	T_OR,
	T_NOT,
	T_FOLLOWEDBY,
	T_LIKE,
	T_MATCHES,
	T_ISSUPERSET,
	T_ISSUBSET,
	T_EXISTS,
	T_LAST,
	T_IN,
	T_START,
	T_STOP,
	T_SECONDS,
	T_TRUE,
	T_FALSE,
	T_WITHIN,
	T_REPEATS,
	T_TIMES,
};

/* Reserved words of the grammar, case-sensitive; LAST is reserved but unused. */
static const char *const keywords[] = {
    "AND",      "OR",     "NOT",    "FOLLOWEDBY", "LIKE",  "MATCHES", "ISSUPERSET",
    "ISSUBSET", "EXISTS", "LAST",   "IN",         "START", "STOP",    "SECONDS",
    "true",     "false",  "WITHIN", "REPEATS",    "TIMES",
};

struct tok {
	enum tok_kind kind;
	size_t start, end; /* byte range in the source */
	bool hyphen;       /* T_IDENT containing '-' */
	char *data;        /* T_STRING, T_BINARY, T_HEX: decoded; owned until taken */
	size_t len;
	int64_t i;  /* T_INT */
	double f;   /* T_FLOAT */
	int64_t us; /* T_TIMESTAMP */
	int frac;
};

struct parser {
	const char *s;
	size_t pos; /* where the lexer continues */
	struct tok tok;
	int depth; /* open parentheses and brackets */
	struct cx_pattern_error *err;
};

/* Every error goes through here: parsing stops at the first one, so the
 * message is never overwritten. */
__attribute__((format(printf, 3, 4))) static int fail(struct parser *p, size_t at, const char *fmt,
                                                      ...)
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

static int oom(struct parser *p)
{
	fail(p, p->tok.start, "ran out of memory while parsing the pattern");
	return -ENOMEM;
}

/* Fail at the current token with msg, unless the token is a keyword written
 * in the wrong case, which deserves its own explanation. */
static int fail_tok(struct parser *p, const char *msg)
{
	const struct tok *t = &p->tok;
	size_t n = t->end - t->start;

	for (size_t k = 0; t->kind == T_IDENT && k < sizeof(keywords) / sizeof(*keywords); k++)
		if (strlen(keywords[k]) == n && !strncasecmp(keywords[k], p->s + t->start, n))
			return fail(p, t->start,
			            "expected the keyword %s, spelled in that case, not '%.*s'",
			            keywords[k], (int)n, p->s + t->start);
	return fail(p, t->start, "%s", msg);
}

/* ---- Lexer ---------------------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

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

static int skip_blanks(struct parser *p)
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
				return fail(p, p->pos, "expected '*/' to close the comment");
			p->pos = (size_t)(end - p->s) + 2;
		} else {
			return 0;
		}
	}
}

/* 'text' with \' and \\ as the only escapes; q is the opening quote. */
static int lex_string(struct parser *p, size_t q)
{
	const char *s = p->s;
	size_t i = q + 1, n = 0, o = 0, k;
	uint32_t cp;
	char *out;

	while (s[i] != '\'') {
		if (s[i] == '\0')
			return fail(p, q, "expected a closing quote for the string constant");
		if (s[i] == '\\') {
			if (s[i + 1] != '\'' && s[i + 1] != '\\')
				return fail(p, i,
				            "expected \\' or \\\\ after a backslash in the string "
				            "constant, the only escapes allowed");
			i += 2, n++;
			continue;
		}
		k = utf8_seq((const unsigned char *)s + i, &cp);
		if (!k)
			return fail(p, i, "expected valid UTF-8 in the string constant");
		i += k, n += k;
	}
	out = malloc(n + 1);
	if (!out)
		return oom(p);
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

static int hex_val(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (is_digit(c))
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* h'...' (an even number of hex digits) or b'...' (padded base64, at least
 * one group as the grammar has it); st is the prefix letter. */
static int lex_bytes(struct parser *p, size_t st, bool hex)
{
	const char *s = p->s, *body = s + st + 2;
	size_t n = 0, pad = 0, o = 0;
	uint32_t acc = 0;
	char *out;

	for (; body[n] != '\''; n++) {
		if (body[n] == '\0')
			return fail(p, st, "expected a closing quote for the %s constant",
			            hex ? "hex" : "binary");
		if (hex && hex_val(body[n]) < 0)
			return fail(p, st + 2 + n,
			            "expected a hex digit or a closing quote in the "
			            "hex constant");
		if (!hex && (pad || b64_val(body[n]) < 0) && !(body[n] == '=' && ++pad <= 2))
			return fail(p, st + 2 + n,
			            "expected a base64 character (A-Z, a-z, 0-9, '+', "
			            "'/', '=' only as padding) in the binary constant");
	}
	if (hex && n % 2)
		return fail(p, st, "expected an even number of hex digits in the hex constant");
	if (!hex && (n == 0 || n % 4))
		return fail(p, st,
		            "expected base64 padded to a multiple of 4 characters in the "
		            "binary constant");
	out = malloc(n + 1);
	if (!out)
		return oom(p);
	for (size_t i = 0; hex && i < n; i += 2)
		out[o++] = (char)(hex_val(body[i]) << 4 | hex_val(body[i + 1]));
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
static int lex_timestamp(struct parser *p, size_t st)
{
	const char *body = p->s + st + 2;
	char buf[64];
	size_t n = 0;

	while (body[n] != '\'') {
		if (body[n] == '\0')
			return fail(p, st, "expected a closing quote for the timestamp constant");
		n++;
	}
	if (n < sizeof(buf)) {
		memcpy(buf, body, n);
		buf[n] = '\0';
	}
	if (n >= sizeof(buf) || cx_time_parse(buf, &p->tok.us, &p->tok.frac))
		return fail(p, st,
		            "expected an RFC 3339 UTC timestamp such as "
		            "t'2016-06-01T00:00:00Z' in the timestamp constant");
	p->tok.kind = T_TIMESTAMP;
	p->pos = st + 3 + n;
	return 0;
}

/* [+-]? digits without leading zeros, or [+-]? digits? '.' digits. */
static int lex_number(struct parser *p)
{
	const char *s = p->s;
	size_t st = p->pos, i = st, dig;
	bool neg = false, end_ok;
	uint64_t v = 0, lim;
	char *copy, *end;

	if (s[i] == '+' || s[i] == '-')
		neg = s[i++] == '-';
	for (dig = i; is_digit(s[i]); i++)
		;
	if (s[i] == '.') {
		if (!is_digit(s[++i]))
			return fail(p, i, "expected a digit after the decimal point");
		while (is_digit(s[i]))
			i++;
		copy = strndup(s + st, i - st);
		if (!copy)
			return oom(p);
		p->tok.f = strtod(copy, &end);
		end_ok = *end == '\0'; /* a locale with another decimal point stops early */
		free(copy);
		if (!end_ok || !isfinite(p->tok.f))
			return fail(p, st,
			            "expected a float constant within the range of a double");
		p->tok.kind = T_FLOAT;
		p->pos = i;
		return 0;
	}
	if (i - dig > 1 && s[dig] == '0')
		return fail(p, st, "expected an integer constant without leading zeros");
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (size_t j = dig; j < i; j++) {
		unsigned d = (unsigned)(s[j] - '0');

		if (v > (lim - d) / 10)
			return fail(p, st,
			            "expected an integer constant within the signed 64-bit range");
		v = v * 10 + d;
	}
	p->tok.i = !neg ? (int64_t)v : v > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)v;
	p->tok.kind = T_INT;
	p->pos = i;
	return 0;
}

static int lex_ident(struct parser *p)
{
	const char *s = p->s + p->pos;
	size_t n = 0;

	while (is_ident_start(s[n]) || is_digit(s[n]) || s[n] == '-')
		p->tok.hyphen |= s[n++] == '-';
	p->tok.kind = T_IDENT;
	for (size_t k = 0; k < sizeof(keywords) / sizeof(*keywords); k++)
		if (strlen(keywords[k]) == n && !memcmp(keywords[k], s, n))
			p->tok.kind = (enum tok_kind)(T_AND + k);
	p->pos += n;
	return 0;
}

static int lex_punct(struct parser *p, const char *c)
{
	static const char single[] = "[]():.,*";
	static const enum tok_kind kinds[] = {T_LBRACK, T_RBRACK, T_LPAREN, T_RPAREN,
	                                      T_COLON,  T_DOT,    T_COMMA,  T_STAR};
	const char *hit = c[0] ? strchr(single, c[0]) : NULL;
	struct tok *t = &p->tok;

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
		return fail(p, p->pos, "unexpected character '%c'", c[0]);
	} else {
		return fail(p, p->pos, "unexpected byte 0x%02x", (unsigned)(unsigned char)c[0]);
	}
	return 0;
}

/* Move to the next token, freeing the current one's data unless taken. */
static int next(struct parser *p)
{
	struct tok *t = &p->tok;
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
	else if (is_digit(c[0]) || (c[0] == '.' && is_digit(c[1])) ||
	         ((c[0] == '+' || c[0] == '-') && (is_digit(c[1]) || c[1] == '.')))
		rc = lex_number(p);
	else
		rc = lex_punct(p, c);
	t->end = p->pos;
	return rc;
}

/* ---- Tree ------------------------------------------------------------------ */

static const char *const op_names[] = {
    "=", "!=", "<", "<=", ">", ">=", "IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET", "EXISTS",
};

const char *cx_pattern_op_name(enum cx_pattern_op op)
{
	return (unsigned)op < sizeof(op_names) / sizeof(*op_names) ? op_names[op] : "?";
}

const struct cx_pattern_node *cx_pattern_root(const struct cx_pattern *p)
{
	return p ? p->root : NULL;
}

static void node_free(struct cx_pattern_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n_children; i++)
		node_free(n->children[i]);
	free(n->children);
	free(n->quals);
	free(n->path.type);
	for (size_t i = 0; i < n->path.n_steps; i++)
		free(n->path.steps[i].key);
	free(n->path.steps);
	for (size_t i = 0; i < n->n_values; i++)
		free(n->values[i].data);
	free(n->values);
	free(n);
}

void cx_pattern_free(struct cx_pattern *p)
{
	if (!p)
		return;
	node_free(p->root);
	free(p);
}

/* arr (n elements of size bytes) with room for one more. The capacity is
 * implied: it doubles whenever n reaches a power of two. NULL when memory
 * runs out, arr being then untouched. */
static void *room(void *arr, size_t n, size_t size)
{
	if (n & (n - 1))
		return arr;
	n = n ? 2 * n : 1;
	if (n > SIZE_MAX / size)
		return NULL;
	return realloc(arr, n * size);
}

static struct cx_pattern_node *node_new(struct parser *p, enum cx_pattern_node_kind kind,
                                        size_t offset)
{
	struct cx_pattern_node *n = calloc(1, sizeof(*n));

	if (!n) {
		oom(p);
		return NULL;
	}
	n->kind = kind;
	n->offset = offset;
	return n;
}

/* Append child to parent; steals child, freeing it on failure. */
static int push_child(struct parser *p, struct cx_pattern_node *parent,
                      struct cx_pattern_node *child)
{
	void *np = room(parent->children, parent->n_children, sizeof(*parent->children));

	if (!np) {
		node_free(child);
		return oom(p);
	}
	parent->children = np;
	parent->children[parent->n_children++] = child;
	return 0;
}

/* ---- Parser ---------------------------------------------------------------- */

static bool at(const struct parser *p, enum tok_kind k)
{
	return p->tok.kind == k;
}

static int expect(struct parser *p, enum tok_kind k, const char *msg)
{
	return at(p, k) ? next(p) : fail_tok(p, msg);
}

static int open_nesting(struct parser *p)
{
	if (++p->depth > CX_PATTERN_MAX_DEPTH)
		return fail(p, p->tok.start, "expected at most %d nested parentheses and brackets",
		            CX_PATTERN_MAX_DEPTH);
	return next(p);
}

static int close_nesting(struct parser *p, enum tok_kind k, const char *msg)
{
	p->depth--;
	return expect(p, k, msg);
}

/* STIX type names: 3-250 characters of a-z, 0-9 and '-', starting with a
 * letter, without "--" (which would make "type--UUID" ambiguous) or a
 * trailing '-'. */
static bool type_name_ok(const char *s, size_t n)
{
	if (n < 3 || n > 250 || s[0] < 'a' || s[0] > 'z' || s[n - 1] == '-')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i]) || s[i] == '-') ||
		    (s[i] == '-' && s[i - 1] == '-'))
			return false;
	return true;
}

/* One property key: an identifier without '-' or a quoted string. */
static int push_key(struct parser *p, struct cx_pattern_path *path, const char *msg)
{
	struct tok *t = &p->tok;
	struct cx_pattern_step step = {.kind = CX_PATTERN_STEP_KEY};
	void *np;

	if (at(p, T_IDENT) && t->hyphen)
		return fail(p, t->start,
		            "expected a property name without '-'; quote a name "
		            "such as 'windows-pebinary-ext' that has one");
	if (at(p, T_IDENT))
		step.key = strndup(p->s + t->start, t->end - t->start);
	else if (at(p, T_STRING))
		step.key = t->data, t->data = NULL;
	else
		return fail_tok(p, msg);
	np = step.key ? room(path->steps, path->n_steps, sizeof(step)) : NULL;
	if (!np) {
		free(step.key);
		return oom(p);
	}
	path->steps = np;
	path->steps[path->n_steps++] = step;
	return next(p);
}

/* type ':' key ( '.' key | '[' (int | '*') ']' )* */
static int parse_path(struct parser *p, struct cx_pattern_path *path)
{
	struct tok *t = &p->tok;
	struct cx_pattern_step step;
	void *np;
	int rc;

	if (!at(p, T_IDENT))
		return fail_tok(p, "expected an object path such as file:name after EXISTS");
	if (!type_name_ok(p->s + t->start, t->end - t->start))
		return fail(
		    p, t->start,
		    "expected an object type name of 3 to 250 characters "
		    "a-z, 0-9 and '-', starting with a letter, without '--' or a final '-'");
	path->type = strndup(p->s + t->start, t->end - t->start);
	if (!path->type)
		return oom(p);
	rc = next(p);
	if (!rc)
		rc = expect(p, T_COLON, "expected ':' between the object type and the property");
	if (!rc)
		rc = push_key(p, path, "expected a property name after ':'");
	while (!rc && (at(p, T_DOT) || at(p, T_LBRACK))) {
		if (at(p, T_DOT)) {
			rc = next(p);
			if (!rc)
				rc = push_key(p, path, "expected a property name after '.'");
			continue;
		}
		rc = next(p);
		if (rc)
			break;
		step = (struct cx_pattern_step){.kind = CX_PATTERN_STEP_ANY, .index = t->i};
		if (at(p, T_INT))
			step.kind = CX_PATTERN_STEP_INDEX;
		else if (!at(p, T_STAR))
			return fail_tok(p, "expected a list index or '*' after '['");
		np = room(path->steps, path->n_steps, sizeof(step));
		if (!np)
			return oom(p);
		path->steps = np;
		path->steps[path->n_steps++] = step;
		rc = next(p);
		if (!rc)
			rc = expect(p, T_RBRACK, "expected ']' to close the list index");
	}
	return rc;
}

/* Take the current token as constant c when it is one. */
static bool take_const(struct parser *p, struct cx_pattern_const *c)
{
	struct tok *t = &p->tok;

	*c = (struct cx_pattern_const){.offset = t->start};
	switch (t->kind) {
	case T_STRING:
		c->kind = CX_PATTERN_CONST_STRING;
		break;
	case T_BINARY:
		c->kind = CX_PATTERN_CONST_BINARY;
		break;
	case T_HEX:
		c->kind = CX_PATTERN_CONST_HEX;
		break;
	case T_INT:
		c->kind = CX_PATTERN_CONST_INT, c->i = t->i;
		break;
	case T_FLOAT:
		c->kind = CX_PATTERN_CONST_FLOAT, c->f = t->f;
		break;
	case T_TIMESTAMP:
		c->kind = CX_PATTERN_CONST_TIMESTAMP, c->us = t->us, c->frac = t->frac;
		break;
	case T_TRUE:
	case T_FALSE:
		c->kind = CX_PATTERN_CONST_BOOL, c->b = t->kind == T_TRUE;
		break;
	default:
		return false;
	}
	c->data = t->data, c->len = t->len;
	t->data = NULL;
	return true;
}

static int push_const(struct parser *p, struct cx_pattern_node *n, const char *what)
{
	struct cx_pattern_const c;
	void *np;

	if (!take_const(p, &c))
		return fail_tok(p, what);
	np = room(n->values, n->n_values, sizeof(c));
	if (!np) {
		free(c.data);
		return oom(p);
	}
	n->values = np;
	n->values[n->n_values++] = c;
	return next(p);
}

/* An IPv4 or IPv6 address with an optional "/prefix", as ISSUBSET and
 * ISSUPERSET compare address ranges. */
static bool ip_or_cidr(const char *s)
{
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned char addr[16];
	unsigned max, v = 0;
	char buf[64];

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		max = 32;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		max = 128;
	else
		return false;
	if (!slash)
		return true;
	for (s = slash + 1, n = 0; is_digit(s[n]) && n < 3; n++)
		v = v * 10 + (unsigned)(s[n] - '0');
	return n > 0 && s[n] == '\0' && v <= max;
}

/* The type of a constant as a set compares it: integers and floats are both
 * numbers, which one property can hold. */
static const char *const_type(enum cx_pattern_const_kind k)
{
	static const char *const names[] = {
	    [CX_PATTERN_CONST_STRING] = "string",       [CX_PATTERN_CONST_INT] = "number",
	    [CX_PATTERN_CONST_FLOAT] = "number",        [CX_PATTERN_CONST_BOOL] = "boolean",
	    [CX_PATTERN_CONST_BINARY] = "binary",       [CX_PATTERN_CONST_HEX] = "hex",
	    [CX_PATTERN_CONST_TIMESTAMP] = "timestamp",
	};

	return names[k];
}

/* Section 9 requires the constants of a set to share one type: an object
 * path compared with IN holds values of a single type, so a constant of
 * another type could never match and betrays a mistake. */
static int check_set_types(struct parser *p, const struct cx_pattern_node *n)
{
	const struct cx_pattern_const *first = &n->values[0], *last = &n->values[n->n_values - 1];

	if (strcmp(const_type(first->kind), const_type(last->kind)) == 0)
		return 0;
	return fail(p, last->offset,
	            "expected every constant in the set after IN to be a %s like the first, "
	            "not a %s",
	            const_type(first->kind), const_type(last->kind));
}

/* What follows the operator: the constant types each operator accepts. */
static int parse_operand(struct parser *p, struct cx_pattern_node *n)
{
	const char *name = cx_pattern_op_name(n->op);
	char what[96];
	int rc;

	switch (n->op) {
	case CX_PATTERN_OP_IN:
		rc = expect(p, T_LPAREN, "expected '(' to start the set of constants after IN");
		if (!rc && at(p, T_RPAREN))
			return next(p);
		while (!rc) {
			rc = push_const(p, n, "expected a constant in the set after IN");
			if (!rc)
				rc = check_set_types(p, n);
			if (!rc && !at(p, T_COMMA))
				return expect(p, T_RPAREN,
				              "expected ',' or ')' in the set after IN");
			if (!rc)
				rc = next(p);
		}
		return rc;
	case CX_PATTERN_OP_LIKE:
	case CX_PATTERN_OP_MATCHES:
	case CX_PATTERN_OP_ISSUBSET:
	case CX_PATTERN_OP_ISSUPERSET:
		if (!at(p, T_STRING)) {
			snprintf(what, sizeof(what), "expected a string constant after %s", name);
			return fail_tok(p, what);
		}
		if (n->op != CX_PATTERN_OP_LIKE && n->op != CX_PATTERN_OP_MATCHES &&
		    !ip_or_cidr(p->tok.data))
			return fail(p, p->tok.start,
			            "expected an IP address or CIDR block such as "
			            "'198.51.100.0/24' after %s",
			            name);
		return push_const(p, n, "");
	case CX_PATTERN_OP_LT:
	case CX_PATTERN_OP_LE:
	case CX_PATTERN_OP_GT:
	case CX_PATTERN_OP_GE:
		if (at(p, T_TRUE) || at(p, T_FALSE))
			return fail(p, p->tok.start,
			            "expected a constant that can be ordered after "
			            "'%s', not a boolean",
			            name);
		/* fall through */
	default:
		snprintf(what, sizeof(what), "expected a constant after '%s'", name);
		return push_const(p, n, what);
	}
}

static int parse_cmp_or(struct parser *p, struct cx_pattern_node **ret);

static int parse_cmp(struct parser *p, struct cx_pattern_node **ret)
{
	static const enum tok_kind ops[] = {T_EQ, T_NE,   T_LT,      T_LE,       T_GT,        T_GE,
	                                    T_IN, T_LIKE, T_MATCHES, T_ISSUBSET, T_ISSUPERSET};
	struct cx_pattern_node *n = NULL;
	size_t i;
	int rc;

	if (at(p, T_LPAREN)) {
		rc = open_nesting(p);
		if (!rc)
			rc = parse_cmp_or(p, &n);
		if (!rc)
			rc = close_nesting(p, T_RPAREN,
			                   "expected ')' to close the parenthesised "
			                   "comparison expression");
		goto out;
	}
	if (!at(p, T_IDENT) && !at(p, T_EXISTS))
		return fail_tok(p, "expected a comparison expression: an object path such as "
		                   "file:name, EXISTS or '('");
	n = node_new(p, CX_PATTERN_COMPARISON, p->tok.start);
	if (!n)
		return -ENOMEM;
	if (at(p, T_EXISTS)) {
		n->op = CX_PATTERN_OP_EXISTS;
		rc = next(p);
		if (!rc)
			rc = parse_path(p, &n->path);
		goto out;
	}
	rc = parse_path(p, &n->path);
	if (!rc && at(p, T_NOT)) {
		n->negated = true;
		rc = next(p);
	}
	for (i = 0; !rc && i < sizeof(ops) / sizeof(*ops) && !at(p, ops[i]); i++)
		;
	if (!rc && i == sizeof(ops) / sizeof(*ops))
		rc = fail_tok(p, "expected a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, "
		                 "MATCHES, ISSUBSET or ISSUPERSET) after the object path");
	n->op = (enum cx_pattern_op)i;
	if (!rc)
		rc = next(p);
	if (!rc)
		rc = parse_operand(p, n);
out:
	if (rc) {
		node_free(n);
		return rc;
	}
	*ret = n;
	return 0;
}

/* operand (op operand)*: a single operand as itself, a longer chain as one
 * node of the given kind. */
static int parse_chain(struct parser *p, enum cx_pattern_node_kind kind, enum tok_kind op,
                       int (*operand)(struct parser *, struct cx_pattern_node **),
                       struct cx_pattern_node **ret)
{
	struct cx_pattern_node *n = NULL, *chain;
	int rc;

	rc = operand(p, &n);
	if (rc)
		return rc;
	if (!at(p, op)) {
		*ret = n;
		return 0;
	}
	chain = node_new(p, kind, n->offset);
	if (!chain) {
		node_free(n);
		return -ENOMEM;
	}
	rc = push_child(p, chain, n);
	while (!rc && at(p, op)) {
		rc = next(p);
		if (!rc)
			rc = operand(p, &n);
		if (!rc)
			rc = push_child(p, chain, n);
	}
	if (rc) {
		node_free(chain);
		return rc;
	}
	*ret = chain;
	return 0;
}

static int parse_cmp_and(struct parser *p, struct cx_pattern_node **ret)
{
	return parse_chain(p, CX_PATTERN_CMP_AND, T_AND, parse_cmp, ret);
}

static int parse_cmp_or(struct parser *p, struct cx_pattern_node **ret)
{
	return parse_chain(p, CX_PATTERN_CMP_OR, T_OR, parse_cmp_and, ret);
}

/* A set of object type names, sorted, without duplicates (borrowed). */
struct type_set {
	const char **v;
	size_t n;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The object types that can satisfy comparison expression n: a comparison's
 * own type, the union over an OR, the intersection over an AND. STIX 2.1
 * requires every operand of an AND in an observation expression to be
 * satisfiable by the same type of object, as the expression matches one
 * object: an empty intersection is an error at the operand that emptied it. */
static int satisfying_types(struct parser *p, const struct cx_pattern_node *n, struct type_set *ret)
{
	struct type_set acc = {NULL, 0}, sub;
	size_t i, k, o;
	void *np;
	int rc = 0;

	if (n->kind == CX_PATTERN_COMPARISON) {
		acc.v = malloc(sizeof(*acc.v));
		if (!acc.v)
			return oom(p);
		acc.v[0] = n->path.type, acc.n = 1;
		*ret = acc;
		return 0;
	}
	for (i = 0; !rc && i < n->n_children; i++) {
		rc = satisfying_types(p, n->children[i], &sub);
		if (rc)
			break;
		if (i > 0 && n->kind == CX_PATTERN_CMP_AND) {
			/* Both sorted: keep what acc shares with sub. */
			for (k = 0, o = 0; k < acc.n; k++)
				if (bsearch(&acc.v[k], sub.v, sub.n, sizeof(*sub.v), cmp_names))
					acc.v[o++] = acc.v[k];
			acc.n = o;
			if (!o)
				rc = fail(
				    p, n->children[i]->offset,
				    "expected the operands of AND to refer to one object type, "
				    "as an observation expression matches a single object");
		} else if (i > 0) {
			np = realloc(acc.v, (acc.n + sub.n) * sizeof(*acc.v));
			rc = np ? 0 : oom(p);
			if (np) {
				acc.v = np;
				memcpy(acc.v + acc.n, sub.v, sub.n * sizeof(*acc.v));
				acc.n += sub.n;
			}
		}
		if (i == 0)
			acc = sub;
		else
			free(sub.v);
	}
	if (!rc && n->kind == CX_PATTERN_CMP_OR) {
		qsort(acc.v, acc.n, sizeof(*acc.v), cmp_names);
		for (k = 0, o = 0; k < acc.n; k++)
			if (!o || strcmp(acc.v[o - 1], acc.v[k]))
				acc.v[o++] = acc.v[k];
		acc.n = o;
	}
	if (rc) {
		free(acc.v);
		return rc;
	}
	*ret = acc;
	return 0;
}

static int parse_timestamp_after(struct parser *p, const char *keyword, int64_t *ret_us)
{
	if (!at(p, T_TIMESTAMP))
		return fail(p, p->tok.start,
		            "expected a timestamp constant such as "
		            "t'2016-06-01T00:00:00Z' after %s",
		            keyword);
	*ret_us = p->tok.us;
	return next(p);
}

/* WITHIN n SECONDS | REPEATS n TIMES | START t'..' STOP t'..', appended to n. */
static int parse_qualifier(struct parser *p, struct cx_pattern_node *n)
{
	struct cx_pattern_qualifier q = {.offset = p->tok.start};
	struct tok *t = &p->tok;
	size_t stop_at;
	void *np;
	int rc;

	if (at(p, T_STOP))
		return fail(p, t->start, "expected START and a timestamp before STOP");
	q.kind = at(p, T_WITHIN)    ? CX_PATTERN_QUAL_WITHIN
	         : at(p, T_REPEATS) ? CX_PATTERN_QUAL_REPEATS
	                            : CX_PATTERN_QUAL_START_STOP;
	rc = next(p);
	if (rc)
		return rc;
	if (q.kind == CX_PATTERN_QUAL_WITHIN) {
		if (!(at(p, T_INT) && t->i > 0) && !(at(p, T_FLOAT) && t->f > 0))
			return fail(p, t->start,
			            "expected a positive number of seconds after WITHIN");
		q.seconds = at(p, T_INT) ? (double)t->i : t->f;
		rc = next(p);
		if (!rc)
			rc = expect(p, T_SECONDS, "expected SECONDS after the WITHIN duration");
	} else if (q.kind == CX_PATTERN_QUAL_REPEATS) {
		if (!at(p, T_INT) || t->i <= 0)
			return fail(p, t->start, "expected a positive integer after REPEATS");
		q.times = t->i;
		rc = next(p);
		if (!rc)
			rc = expect(p, T_TIMES, "expected TIMES after the REPEATS count");
	} else {
		rc = parse_timestamp_after(p, "START", &q.start_us);
		if (!rc)
			rc = expect(p, T_STOP,
			            "expected STOP and a timestamp after the START timestamp");
		stop_at = t->start;
		if (!rc)
			rc = parse_timestamp_after(p, "STOP", &q.stop_us);
		if (!rc && q.stop_us <= q.start_us)
			return fail(p, stop_at,
			            "expected the STOP timestamp to be later than the "
			            "START timestamp");
	}
	if (rc)
		return rc;
	np = room(n->quals, n->n_quals, sizeof(q));
	if (!np)
		return oom(p);
	n->quals = np;
	n->quals[n->n_quals++] = q;
	return 0;
}

/* A qualifier constrains the observation expression it follows: one time
 * window (WITHIN), one count (REPEATS) or one time range (START/STOP). Two of
 * one kind in a single run of qualifiers ("[a] WITHIN 5 SECONDS WITHIN 10
 * SECONDS") give that one constraint two values, which section 9 gives no
 * meaning; qualifying again means parenthesising the qualified expression
 * first. The last qualifier of n is checked against those from index first,
 * the ones of this run. */
static int check_repeated_qualifier(struct parser *p, const struct cx_pattern_node *n, size_t first)
{
	static const char *const names[] = {
	    [CX_PATTERN_QUAL_WITHIN] = "WITHIN",
	    [CX_PATTERN_QUAL_REPEATS] = "REPEATS",
	    [CX_PATTERN_QUAL_START_STOP] = "START/STOP",
	};
	const struct cx_pattern_qualifier *last = &n->quals[n->n_quals - 1];

	for (size_t i = first; i + 1 < n->n_quals; i++)
		if (n->quals[i].kind == last->kind)
			return fail(p, last->offset,
			            "expected at most one %s qualifier on an observation "
			            "expression; parenthesise the qualified expression to "
			            "qualify it again",
			            names[last->kind]);
	return 0;
}

static int parse_obs_fb(struct parser *p, struct cx_pattern_node **ret);

/* '[' cmp-or ']' or '(' obs-fb ')', then any qualifiers. */
static int parse_obs_qualified(struct parser *p, struct cx_pattern_node **ret)
{
	struct cx_pattern_node *n = NULL, *inner = NULL;
	struct type_set types = {NULL, 0};
	size_t first;
	int rc;

	if (at(p, T_LBRACK)) {
		n = node_new(p, CX_PATTERN_OBSERVATION, p->tok.start);
		if (!n)
			return -ENOMEM;
		rc = open_nesting(p);
		if (!rc)
			rc = parse_cmp_or(p, &inner);
		if (!rc)
			rc = push_child(p, n, inner);
		if (!rc)
			rc = satisfying_types(p, inner, &types);
		free(types.v);
		if (!rc)
			rc = close_nesting(p, T_RBRACK,
			                   "expected ']' to close the observation "
			                   "expression");
	} else if (at(p, T_LPAREN)) {
		rc = open_nesting(p);
		if (!rc)
			rc = parse_obs_fb(p, &n);
		if (!rc)
			rc = close_nesting(p, T_RPAREN,
			                   "expected ')' to close the parenthesised "
			                   "observation expression");
	} else {
		return fail_tok(p, "expected '[' or '(' to start an observation expression");
	}
	/* A parenthesised expression may carry qualifiers of its own already. */
	first = rc ? 0 : n->n_quals;
	while (!rc && (at(p, T_WITHIN) || at(p, T_REPEATS) || at(p, T_START) || at(p, T_STOP))) {
		rc = parse_qualifier(p, n);
		if (!rc)
			rc = check_repeated_qualifier(p, n, first);
	}
	if (rc) {
		node_free(n);
		return rc;
	}
	*ret = n;
	return 0;
}

static int parse_obs_and(struct parser *p, struct cx_pattern_node **ret)
{
	return parse_chain(p, CX_PATTERN_OBS_AND, T_AND, parse_obs_qualified, ret);
}

static int parse_obs_or(struct parser *p, struct cx_pattern_node **ret)
{
	return parse_chain(p, CX_PATTERN_OBS_OR, T_OR, parse_obs_and, ret);
}

static int parse_obs_fb(struct parser *p, struct cx_pattern_node **ret)
{
	return parse_chain(p, CX_PATTERN_FOLLOWEDBY, T_FOLLOWEDBY, parse_obs_or, ret);
}

int cx_pattern_parse(const char *src, struct cx_pattern **ret, struct cx_pattern_error *err)
{
	struct parser p = {.s = src, .err = err};
	struct cx_pattern_node *root = NULL;
	struct cx_pattern *pat;
	int rc;

	if (err) {
		err->offset = 0;
		err->message[0] = '\0';
	}
	if (!src)
		return fail(&p, 0, "expected a pattern, not a null pointer");
	rc = next(&p);
	if (!rc && at(&p, T_END))
		rc = fail(&p, p.tok.start,
		          "expected an observation expression such as "
		          "[file:name = 'a.exe'], but the pattern is empty");
	if (!rc)
		rc = parse_obs_fb(&p, &root);
	if (!rc && !at(&p, T_END))
		rc = fail_tok(&p, "expected AND, OR, FOLLOWEDBY, WITHIN, REPEATS, START or the "
		                  "end of the pattern");
	free(p.tok.data);
	if (rc || !ret) {
		node_free(root);
		return rc;
	}
	pat = malloc(sizeof(*pat));
	if (!pat) {
		node_free(root);
		return oom(&p);
	}
	pat->root = root;
	*ret = pat;
	return 0;
}
