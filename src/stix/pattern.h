/* The STIX 2.1 patterning language (STIX 2.1 part 9): a parser for the whole
 * grammar that builds a syntax tree and reports the first error with its
 * offset. Pure code: no I/O, no logging.
 *
 * Besides the grammar, the parser enforces what part 9 requires of a valid
 * pattern: object type name syntax, the constant types each operator takes
 * (no booleans with <, <=, >, >=; strings only with LIKE, MATCHES, ISSUBSET
 * and ISSUPERSET, the last two holding an IP address or CIDR block), one
 * type for all the constants of an IN set (integers and floats counting as
 * one), valid string escapes, even hex, padded base64, RFC 3339 UTC
 * timestamps, positive WITHIN and REPEATS counts, STOP later than START, at
 * most one qualifier of each kind in one run of qualifiers, and that the
 * operands of an AND inside one observation expression can be met by a
 * single object type. Keywords are case-sensitive, as in the grammar.
 *
 * The tree is read through the public structs below; nothing in it may be
 * modified by callers. Every string in it is NUL-terminated. */
#ifndef CX_STIX_PATTERN_H
#define CX_STIX_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parentheses and brackets may nest this deep, all kinds counted together;
 * one more is an error rather than deeper recursion. */
#define CX_PATTERN_MAX_DEPTH 64

struct cx_pattern; /* owns the tree; see cx_pattern_root() */

struct cx_pattern_error {
	size_t offset;     /* byte offset in the pattern where the error was found */
	char message[200]; /* one sentence naming what was expected or wrong */
};

enum cx_pattern_node_kind {
	/* Observation operators, loosest first. One node holds a whole chain of
	 * the same operator in source order ([a] AND [b] AND [c] has three
	 * children); parentheses make a nested node. */
	CX_PATTERN_FOLLOWEDBY,
	CX_PATTERN_OBS_OR,
	CX_PATTERN_OBS_AND,
	/* "[ comparison expression ]": exactly one child. */
	CX_PATTERN_OBSERVATION,
	/* Boolean operators inside brackets (OR looser than AND), chained the
	 * same way as the observation operators. */
	CX_PATTERN_CMP_OR,
	CX_PATTERN_CMP_AND,
	/* "path [NOT] operator constant" or "EXISTS path": a leaf. */
	CX_PATTERN_COMPARISON,
};

enum cx_pattern_op {
	CX_PATTERN_OP_EQ, /* "=" or "==" */
	CX_PATTERN_OP_NE, /* "!=" or "<>" */
	CX_PATTERN_OP_LT,
	CX_PATTERN_OP_LE,
	CX_PATTERN_OP_GT,
	CX_PATTERN_OP_GE,
	CX_PATTERN_OP_IN,
	CX_PATTERN_OP_LIKE,
	CX_PATTERN_OP_MATCHES,
	CX_PATTERN_OP_ISSUBSET,
	CX_PATTERN_OP_ISSUPERSET,
	CX_PATTERN_OP_EXISTS,
};

enum cx_pattern_const_kind {
	CX_PATTERN_CONST_STRING,    /* data: the text with escapes resolved */
	CX_PATTERN_CONST_INT,       /* i */
	CX_PATTERN_CONST_FLOAT,     /* f */
	CX_PATTERN_CONST_BOOL,      /* b */
	CX_PATTERN_CONST_BINARY,    /* data: the bytes the base64 encodes */
	CX_PATTERN_CONST_HEX,       /* data: the bytes the hex digits encode */
	CX_PATTERN_CONST_TIMESTAMP, /* us since the epoch; frac fractional digits written */
};

struct cx_pattern_const {
	enum cx_pattern_const_kind kind;
	size_t offset; /* where the constant starts in the pattern */
	union {
		int64_t i;
		double f;
		bool b;
		int64_t us;
	};
	int frac;
	char *data; /* STRING, BINARY, HEX: len bytes plus a NUL; else NULL */
	size_t len;
};

enum cx_pattern_step_kind {
	CX_PATTERN_STEP_KEY,   /* ".name" or ".'quoted name'" (and the first property) */
	CX_PATTERN_STEP_INDEX, /* "[n]"; the grammar allows negative n */
	CX_PATTERN_STEP_ANY,   /* "[*]" */
};

struct cx_pattern_step {
	enum cx_pattern_step_kind kind;
	char *key;     /* STEP_KEY: the name, unquoted */
	int64_t index; /* STEP_INDEX */
};

/* "type:property.child[0].'quoted'": steps[0] is always the property key. */
struct cx_pattern_path {
	char *type;
	struct cx_pattern_step *steps;
	size_t n_steps;
};

enum cx_pattern_qual_kind {
	CX_PATTERN_QUAL_WITHIN,     /* WITHIN seconds SECONDS; seconds > 0 */
	CX_PATTERN_QUAL_REPEATS,    /* REPEATS times TIMES; times > 0 */
	CX_PATTERN_QUAL_START_STOP, /* START t'start' STOP t'stop'; stop > start */
};

struct cx_pattern_qualifier {
	enum cx_pattern_qual_kind kind;
	size_t offset; /* of the keyword */
	double seconds;
	int64_t times;
	int64_t start_us, stop_us;
};

struct cx_pattern_node {
	enum cx_pattern_node_kind kind;
	size_t offset; /* where the node's text starts */
	struct cx_pattern_node **children;
	size_t n_children;
	/* Qualifiers apply to the observation-level node they follow, in source
	 * order: "[a] WITHIN 5 SECONDS" qualifies the OBSERVATION, "([a] OR [b])
	 * WITHIN 5 SECONDS" the OBS_OR. Always 0 below OBSERVATION. */
	struct cx_pattern_qualifier *quals;
	size_t n_quals;
	/* CX_PATTERN_COMPARISON only. values holds one constant, the set of an
	 * IN (possibly empty), or nothing for EXISTS. */
	struct cx_pattern_path path;
	enum cx_pattern_op op;
	bool negated; /* "NOT" before the operator */
	struct cx_pattern_const *values;
	size_t n_values;
};

/* Parse src (NUL-terminated UTF-8). On success stores the tree in *ret (caller
 * frees with cx_pattern_free) and returns 0. On failure fills err (may be
 * NULL) and returns -EINVAL, or -ENOMEM when memory runs out; *ret is
 * untouched. ret may be NULL to only check. */
int cx_pattern_parse(const char *src, struct cx_pattern **ret, struct cx_pattern_error *err);

/* The root node (borrowed; lives as long as p). */
const struct cx_pattern_node *cx_pattern_root(const struct cx_pattern *p);

/* The operator as a pattern spells it ("=", "ISSUBSET", "EXISTS", ...). */
const char *cx_pattern_op_name(enum cx_pattern_op op);

void cx_pattern_free(struct cx_pattern *p);

#endif
