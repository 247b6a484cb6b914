/* Internals of the STIX patterning parser, shared by its three files and not
 * part of the public interface: pattern_lex.c turns the source into tokens
 * and reports every error, pattern.c holds the grammar and the tree it
 * builds, pattern_check.c the rules of STIX 2.1 section 9 that the grammar
 * alone does not express.
 *
 * The token kinds keep their short T_ names: only these files see them. */
#ifndef CX_STIX_PATTERN_INTERNAL_H
#define CX_STIX_PATTERN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stix/pattern.h"

enum cx_pat_tok_kind {
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
	/* Keywords, in the order of keywords[] in pattern_lex.c. */
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

struct cx_pat_tok {
	enum cx_pat_tok_kind kind;
	size_t start, end; /* byte range in the source */
	bool hyphen;       /* T_IDENT containing '-' */
	char *data;        /* T_STRING, T_BINARY, T_HEX: decoded; owned until taken */
	size_t len;
	int64_t i;  /* T_INT */
	double f;   /* T_FLOAT */
	int64_t us; /* T_TIMESTAMP */
	int frac;
};

struct cx_pat_parser {
	const char *s;
	size_t pos; /* where the lexer continues */
	struct cx_pat_tok tok;
	int depth; /* open parentheses and brackets */
	struct cx_pattern_error *err;
};

static inline bool cx_pat_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- Errors and tokens (pattern_lex.c) ------------------------------------- */

/* Every error goes through here: it records the byte offset `at` and the
 * message in p->err (when there is one) and returns -EINVAL. Parsing stops at
 * the first error, so the message is never overwritten. */
int cx_pat_fail(struct cx_pat_parser *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Report that memory ran out, at the current token. Returns -ENOMEM. */
int cx_pat_oom(struct cx_pat_parser *p);
/* Fail at the current token with msg, unless the token is a keyword written
 * in the wrong case, which deserves its own explanation. Returns -EINVAL. */
int cx_pat_fail_tok(struct cx_pat_parser *p, const char *msg);
/* Move to the next token, freeing the current one's data unless it was taken
 * (tok.data set to NULL). Returns 0, -EINVAL on a malformed token or -ENOMEM. */
int cx_pat_next(struct cx_pat_parser *p);

/* ---- Rules beyond the grammar (pattern_check.c) ---------------------------- */

/* An IPv4 or IPv6 address with an optional "/prefix", as ISSUBSET and
 * ISSUPERSET compare address ranges. */
bool cx_pat_ip_or_cidr(const char *s);
/* Section 9 requires the constants of a set to share one type: an object
 * path compared with IN holds values of a single type, so a constant of
 * another type could never match and betrays a mistake. Checks the last
 * constant of comparison n against the first. */
int cx_pat_check_set_types(struct cx_pat_parser *p, const struct cx_pattern_node *n);
/* STIX 2.1 requires every operand of an AND in an observation expression to
 * be satisfiable by the same type of object, as the expression matches one
 * object. Checks the comparison expression n (the content of one "[...]") and
 * fails at the operand that leaves no type. */
int cx_pat_check_one_object_type(struct cx_pat_parser *p, const struct cx_pattern_node *n);
/* A qualifier constrains the observation expression it follows: one time
 * window (WITHIN), one count (REPEATS) or one time range (START/STOP). Two of
 * one kind in a single run of qualifiers ("[a] WITHIN 5 SECONDS WITHIN 10
 * SECONDS") give that one constraint two values, which section 9 gives no
 * meaning; qualifying again means parenthesising the qualified expression
 * first. The last qualifier of n is checked against those from index first,
 * the ones of this run. */
int cx_pat_check_repeated_qualifier(struct cx_pat_parser *p, const struct cx_pattern_node *n,
                                    size_t first);

#endif
