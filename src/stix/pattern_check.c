/* The rules of STIX 2.1 section 9 that the grammar alone does not express:
 * the addresses ISSUBSET and ISSUPERSET compare, one type for the constants
 * of a set, one object type for the comparisons of an observation
 * expression and one qualifier of each kind per run. */
#include "stix/pattern_internal.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

bool cx_pat_ip_or_cidr(const char *s)
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
	for (s = slash + 1, n = 0; cx_pat_is_digit(s[n]) && n < 3; n++)
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

int cx_pat_check_set_types(struct cx_pat_parser *p, const struct cx_pattern_node *n)
{
	const struct cx_pattern_const *first = &n->values[0], *last = &n->values[n->n_values - 1];

	if (strcmp(const_type(first->kind), const_type(last->kind)) == 0)
		return 0;
	return cx_pat_fail(p, last->offset,
	                   "expected every constant in the set after IN to be a %s like the first, "
	                   "not a %s",
	                   const_type(first->kind), const_type(last->kind));
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
 * own type, the union over an OR, the intersection over an AND. An empty
 * intersection is an error at the operand that emptied it. */
static int satisfying_types(struct cx_pat_parser *p, const struct cx_pattern_node *n,
                            struct type_set *ret)
{
	struct type_set acc = {NULL, 0}, sub;
	size_t i, k, o;
	void *np;
	int rc = 0;

	if (n->kind == CX_PATTERN_COMPARISON) {
		acc.v = malloc(sizeof(*acc.v));
		if (!acc.v)
			return cx_pat_oom(p);
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
				rc = cx_pat_fail(
				    p, n->children[i]->offset,
				    "expected the operands of AND to refer to one object type, "
				    "as an observation expression matches a single object");
		} else if (i > 0) {
			np = realloc(acc.v, (acc.n + sub.n) * sizeof(*acc.v));
			rc = np ? 0 : cx_pat_oom(p);
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

int cx_pat_check_one_object_type(struct cx_pat_parser *p, const struct cx_pattern_node *n)
{
	struct type_set types = {NULL, 0};
	int rc = satisfying_types(p, n, &types);

	free(types.v);
	return rc;
}

int cx_pat_check_repeated_qualifier(struct cx_pat_parser *p, const struct cx_pattern_node *n,
                                    size_t first)
{
	static const char *const names[] = {
	    [CX_PATTERN_QUAL_WITHIN] = "WITHIN",
	    [CX_PATTERN_QUAL_REPEATS] = "REPEATS",
	    [CX_PATTERN_QUAL_START_STOP] = "START/STOP",
	};
	const struct cx_pattern_qualifier *last = &n->quals[n->n_quals - 1];

	for (size_t i = first; i + 1 < n->n_quals; i++)
		if (n->quals[i].kind == last->kind)
			return cx_pat_fail(p, last->offset,
			                   "expected at most one %s qualifier on an observation "
			                   "expression; parenthesise the qualified expression to "
			                   "qualify it again",
			                   names[last->kind]);
	return 0;
}
