/* The STIX 2.1 patterning parser: the grammar, as recursive descent over the
 * tokens of pattern_lex.c, and the tree it builds. */
#include "stix/pattern.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stix/pattern_internal.h"

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

static struct cx_pattern_node *node_new(struct cx_pat_parser *p, enum cx_pattern_node_kind kind,
                                        size_t offset)
{
	struct cx_pattern_node *n = calloc(1, sizeof(*n));

	if (!n) {
		cx_pat_oom(p);
		return NULL;
	}
	n->kind = kind;
	n->offset = offset;
	return n;
}

/* Append child to parent; steals child, freeing it on failure. */
static int push_child(struct cx_pat_parser *p, struct cx_pattern_node *parent,
                      struct cx_pattern_node *child)
{
	void *np = room(parent->children, parent->n_children, sizeof(*parent->children));

	if (!np) {
		node_free(child);
		return cx_pat_oom(p);
	}
	parent->children = np;
	parent->children[parent->n_children++] = child;
	return 0;
}

/* ---- Parser ---------------------------------------------------------------- */

static bool at(const struct cx_pat_parser *p, enum cx_pat_tok_kind k)
{
	return p->tok.kind == k;
}

static int expect(struct cx_pat_parser *p, enum cx_pat_tok_kind k, const char *msg)
{
	return at(p, k) ? cx_pat_next(p) : cx_pat_fail_tok(p, msg);
}

static int open_nesting(struct cx_pat_parser *p)
{
	if (++p->depth > CX_PATTERN_MAX_DEPTH)
		return cx_pat_fail(p, p->tok.start,
		                   "expected at most %d nested parentheses and brackets",
		                   CX_PATTERN_MAX_DEPTH);
	return cx_pat_next(p);
}

static int close_nesting(struct cx_pat_parser *p, enum cx_pat_tok_kind k, const char *msg)
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
		if (!((s[i] >= 'a' && s[i] <= 'z') || cx_pat_is_digit(s[i]) || s[i] == '-') ||
		    (s[i] == '-' && s[i - 1] == '-'))
			return false;
	return true;
}

/* Append step to path; steals step.key, freeing it on failure. */
static int push_step(struct cx_pat_parser *p, struct cx_pattern_path *path,
                     struct cx_pattern_step step)
{
	void *np = room(path->steps, path->n_steps, sizeof(step));

	if (!np) {
		free(step.key);
		return cx_pat_oom(p);
	}
	path->steps = np;
	path->steps[path->n_steps++] = step;
	return 0;
}

/* One property key: an identifier without '-' or a quoted string. */
static int push_key(struct cx_pat_parser *p, struct cx_pattern_path *path, const char *msg)
{
	struct cx_pat_tok *t = &p->tok;
	struct cx_pattern_step step = {.kind = CX_PATTERN_STEP_KEY};
	int rc;

	if (at(p, T_IDENT) && t->hyphen)
		return cx_pat_fail(p, t->start,
		                   "expected a property name without '-'; quote a name "
		                   "such as 'windows-pebinary-ext' that has one");
	if (at(p, T_IDENT))
		step.key = strndup(p->s + t->start, t->end - t->start);
	else if (at(p, T_STRING))
		step.key = t->data, t->data = NULL;
	else
		return cx_pat_fail_tok(p, msg);
	if (!step.key)
		return cx_pat_oom(p);
	rc = push_step(p, path, step);
	return rc ? rc : cx_pat_next(p);
}

/* type ':' key ( '.' key | '[' (int | '*') ']' )* */
static int parse_path(struct cx_pat_parser *p, struct cx_pattern_path *path)
{
	struct cx_pat_tok *t = &p->tok;
	struct cx_pattern_step step;
	int rc;

	if (!at(p, T_IDENT))
		return cx_pat_fail_tok(p, "expected an object path such as file:name after EXISTS");
	if (!type_name_ok(p->s + t->start, t->end - t->start))
		return cx_pat_fail(
		    p, t->start,
		    "expected an object type name of 3 to 250 characters "
		    "a-z, 0-9 and '-', starting with a letter, without '--' or a final '-'");
	path->type = strndup(p->s + t->start, t->end - t->start);
	if (!path->type)
		return cx_pat_oom(p);
	rc = cx_pat_next(p);
	if (!rc)
		rc = expect(p, T_COLON, "expected ':' between the object type and the property");
	if (!rc)
		rc = push_key(p, path, "expected a property name after ':'");
	while (!rc && (at(p, T_DOT) || at(p, T_LBRACK))) {
		if (at(p, T_DOT)) {
			rc = cx_pat_next(p);
			if (!rc)
				rc = push_key(p, path, "expected a property name after '.'");
			continue;
		}
		rc = cx_pat_next(p);
		if (rc)
			break;
		step = (struct cx_pattern_step){.kind = CX_PATTERN_STEP_ANY, .index = t->i};
		if (at(p, T_INT))
			step.kind = CX_PATTERN_STEP_INDEX;
		else if (!at(p, T_STAR))
			return cx_pat_fail_tok(p, "expected a list index or '*' after '['");
		rc = push_step(p, path, step);
		if (!rc)
			rc = cx_pat_next(p);
		if (!rc)
			rc = expect(p, T_RBRACK, "expected ']' to close the list index");
	}
	return rc;
}

/* Take the current token as constant c when it is one. */
static bool take_const(struct cx_pat_parser *p, struct cx_pattern_const *c)
{
	struct cx_pat_tok *t = &p->tok;

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

static int push_const(struct cx_pat_parser *p, struct cx_pattern_node *n, const char *what)
{
	struct cx_pattern_const c;
	void *np;

	if (!take_const(p, &c))
		return cx_pat_fail_tok(p, what);
	np = room(n->values, n->n_values, sizeof(c));
	if (!np) {
		free(c.data);
		return cx_pat_oom(p);
	}
	n->values = np;
	n->values[n->n_values++] = c;
	return cx_pat_next(p);
}

/* An IPv4 or IPv6 address with an optional "/prefix", as ISSUBSET and
 * ISSUPERSET compare address ranges. *//* What follows the operator: the constant types each operator accepts. */
static int parse_operand(struct cx_pat_parser *p, struct cx_pattern_node *n)
{
	const char *name = cx_pattern_op_name(n->op);
	char what[96];
	int rc;

	switch (n->op) {
	case CX_PATTERN_OP_IN:
		rc = expect(p, T_LPAREN, "expected '(' to start the set of constants after IN");
		if (!rc && at(p, T_RPAREN))
			return cx_pat_next(p);
		while (!rc) {
			rc = push_const(p, n, "expected a constant in the set after IN");
			if (!rc)
				rc = cx_pat_check_set_types(p, n);
			if (!rc && !at(p, T_COMMA))
				return expect(p, T_RPAREN,
				              "expected ',' or ')' in the set after IN");
			if (!rc)
				rc = cx_pat_next(p);
		}
		return rc;
	case CX_PATTERN_OP_LIKE:
	case CX_PATTERN_OP_MATCHES:
	case CX_PATTERN_OP_ISSUBSET:
	case CX_PATTERN_OP_ISSUPERSET:
		if (!at(p, T_STRING)) {
			snprintf(what, sizeof(what), "expected a string constant after %s", name);
			return cx_pat_fail_tok(p, what);
		}
		if (n->op != CX_PATTERN_OP_LIKE && n->op != CX_PATTERN_OP_MATCHES &&
		    !cx_pat_ip_or_cidr(p->tok.data))
			return cx_pat_fail(p, p->tok.start,
			                   "expected an IP address or CIDR block such as "
			                   "'198.51.100.0/24' after %s",
			                   name);
		return push_const(p, n, "");
	case CX_PATTERN_OP_LT:
	case CX_PATTERN_OP_LE:
	case CX_PATTERN_OP_GT:
	case CX_PATTERN_OP_GE:
		if (at(p, T_TRUE) || at(p, T_FALSE))
			return cx_pat_fail(p, p->tok.start,
			                   "expected a constant that can be ordered after "
			                   "'%s', not a boolean",
			                   name);
		/* fall through */
	default:
		snprintf(what, sizeof(what), "expected a constant after '%s'", name);
		return push_const(p, n, what);
	}
}

static int parse_cmp_or(struct cx_pat_parser *p, struct cx_pattern_node **ret);

static int parse_cmp(struct cx_pat_parser *p, struct cx_pattern_node **ret)
{
	static const enum cx_pat_tok_kind ops[] = {
	    T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_IN, T_LIKE, T_MATCHES, T_ISSUBSET, T_ISSUPERSET};
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
		return cx_pat_fail_tok(p,
		                       "expected a comparison expression: an object path such as "
		                       "file:name, EXISTS or '('");
	n = node_new(p, CX_PATTERN_COMPARISON, p->tok.start);
	if (!n)
		return -ENOMEM;
	if (at(p, T_EXISTS)) {
		n->op = CX_PATTERN_OP_EXISTS;
		rc = cx_pat_next(p);
		if (!rc)
			rc = parse_path(p, &n->path);
		goto out;
	}
	rc = parse_path(p, &n->path);
	if (!rc && at(p, T_NOT)) {
		n->negated = true;
		rc = cx_pat_next(p);
	}
	for (i = 0; !rc && i < sizeof(ops) / sizeof(*ops) && !at(p, ops[i]); i++)
		;
	if (!rc && i == sizeof(ops) / sizeof(*ops))
		rc = cx_pat_fail_tok(
		    p, "expected a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, "
		       "MATCHES, ISSUBSET or ISSUPERSET) after the object path");
	n->op = (enum cx_pattern_op)i;
	if (!rc)
		rc = cx_pat_next(p);
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
static int parse_chain(struct cx_pat_parser *p, enum cx_pattern_node_kind kind,
                       enum cx_pat_tok_kind op,
                       int (*operand)(struct cx_pat_parser *, struct cx_pattern_node **),
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
		rc = cx_pat_next(p);
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

static int parse_cmp_and(struct cx_pat_parser *p, struct cx_pattern_node **ret)
{
	return parse_chain(p, CX_PATTERN_CMP_AND, T_AND, parse_cmp, ret);
}

static int parse_cmp_or(struct cx_pat_parser *p, struct cx_pattern_node **ret)
{
	return parse_chain(p, CX_PATTERN_CMP_OR, T_OR, parse_cmp_and, ret);
}

static int parse_timestamp_after(struct cx_pat_parser *p, const char *keyword, int64_t *ret_us)
{
	if (!at(p, T_TIMESTAMP))
		return cx_pat_fail(p, p->tok.start,
		                   "expected a timestamp constant such as "
		                   "t'2016-06-01T00:00:00Z' after %s",
		                   keyword);
	*ret_us = p->tok.us;
	return cx_pat_next(p);
}

/* WITHIN n SECONDS | REPEATS n TIMES | START t'..' STOP t'..', appended to n. */
static int parse_qualifier(struct cx_pat_parser *p, struct cx_pattern_node *n)
{
	struct cx_pattern_qualifier q = {.offset = p->tok.start};
	struct cx_pat_tok *t = &p->tok;
	size_t stop_at;
	void *np;
	int rc;

	if (at(p, T_STOP))
		return cx_pat_fail(p, t->start, "expected START and a timestamp before STOP");
	q.kind = at(p, T_WITHIN)    ? CX_PATTERN_QUAL_WITHIN
	         : at(p, T_REPEATS) ? CX_PATTERN_QUAL_REPEATS
	                            : CX_PATTERN_QUAL_START_STOP;
	rc = cx_pat_next(p);
	if (rc)
		return rc;
	if (q.kind == CX_PATTERN_QUAL_WITHIN) {
		if (!(at(p, T_INT) && t->i > 0) && !(at(p, T_FLOAT) && t->f > 0))
			return cx_pat_fail(p, t->start,
			                   "expected a positive number of seconds after WITHIN");
		q.seconds = at(p, T_INT) ? (double)t->i : t->f;
		rc = cx_pat_next(p);
		if (!rc)
			rc = expect(p, T_SECONDS, "expected SECONDS after the WITHIN duration");
	} else if (q.kind == CX_PATTERN_QUAL_REPEATS) {
		if (!at(p, T_INT) || t->i <= 0)
			return cx_pat_fail(p, t->start,
			                   "expected a positive integer after REPEATS");
		q.times = t->i;
		rc = cx_pat_next(p);
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
			return cx_pat_fail(p, stop_at,
			                   "expected the STOP timestamp to be later than the "
			                   "START timestamp");
	}
	if (rc)
		return rc;
	np = room(n->quals, n->n_quals, sizeof(q));
	if (!np)
		return cx_pat_oom(p);
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
static int parse_obs_fb(struct cx_pat_parser *p, struct cx_pattern_node **ret);

/* '[' cmp-or ']' or '(' obs-fb ')', then any qualifiers. */
static int parse_obs_qualified(struct cx_pat_parser *p, struct cx_pattern_node **ret)
{
	struct cx_pattern_node *n = NULL, *inner = NULL;
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
			rc = cx_pat_check_one_object_type(p, inner);
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
		return cx_pat_fail_tok(p, "expected '[' or '(' to start an observation expression");
	}
	/* A parenthesised expression may carry qualifiers of its own already. */
	first = rc ? 0 : n->n_quals;
	while (!rc && (at(p, T_WITHIN) || at(p, T_REPEATS) || at(p, T_START) || at(p, T_STOP))) {
		rc = parse_qualifier(p, n);
		if (!rc)
			rc = cx_pat_check_repeated_qualifier(p, n, first);
	}
	if (rc) {
		node_free(n);
		return rc;
	}
	*ret = n;
	return 0;
}

static int parse_obs_and(struct cx_pat_parser *p, struct cx_pattern_node **ret)
{
	return parse_chain(p, CX_PATTERN_OBS_AND, T_AND, parse_obs_qualified, ret);
}

static int parse_obs_or(struct cx_pat_parser *p, struct cx_pattern_node **ret)
{
	return parse_chain(p, CX_PATTERN_OBS_OR, T_OR, parse_obs_and, ret);
}

static int parse_obs_fb(struct cx_pat_parser *p, struct cx_pattern_node **ret)
{
	return parse_chain(p, CX_PATTERN_FOLLOWEDBY, T_FOLLOWEDBY, parse_obs_or, ret);
}

int cx_pattern_parse(const char *src, struct cx_pattern **ret, struct cx_pattern_error *err)
{
	struct cx_pat_parser p = {.s = src, .err = err};
	struct cx_pattern_node *root = NULL;
	struct cx_pattern *pat;
	int rc;

	if (err) {
		err->offset = 0;
		err->message[0] = '\0';
	}
	if (!src)
		return cx_pat_fail(&p, 0, "expected a pattern, not a null pointer");
	rc = cx_pat_next(&p);
	if (!rc && at(&p, T_END))
		rc = cx_pat_fail(&p, p.tok.start,
		                 "expected an observation expression such as "
		                 "[file:name = 'a.exe'], but the pattern is empty");
	if (!rc)
		rc = parse_obs_fb(&p, &root);
	if (!rc && !at(&p, T_END))
		rc = cx_pat_fail_tok(&p,
		                     "expected AND, OR, FOLLOWEDBY, WITHIN, REPEATS, START or the "
		                     "end of the pattern");
	free(p.tok.data);
	if (rc || !ret) {
		node_free(root);
		return rc;
	}
	pat = malloc(sizeof(*pat));
	if (!pat) {
		node_free(root);
		return cx_pat_oom(&p);
	}
	pat->root = root;
	*ret = pat;
	return 0;
}
