/* Fuzz target: the STIX patterning language parser. The input is one
 * pattern (up to its first NUL). A parse either builds a tree, whose every
 * node is walked, or fails with an offset inside the pattern and a
 * message. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stix/pattern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const struct cx_pattern_node *n, int depth)
{
	if (depth > 2 * CX_PATTERN_MAX_DEPTH + 8)
		abort();
	for (size_t i = 0; i < n->n_children; i++)
		walk(n->children[i], depth + 1);
	if (n->kind != CX_PATTERN_COMPARISON)
		return;
	if (!n->path.type || n->path.n_steps < 1 || n->path.steps[0].kind != CX_PATTERN_STEP_KEY)
		abort();
	if (!cx_pattern_op_name(n->op))
		abort();
	for (size_t i = 0; i < n->n_values; i++) {
		const struct cx_pattern_const *c = &n->values[i];

		if (c->data && c->data[c->len] != '\0')
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src = malloc(size + 1);
	struct cx_pattern *p = NULL;
	struct cx_pattern_error err;
	int r;

	if (!src)
		return 0;
	memcpy(src, data, size);
	src[size] = '\0';
	memset(&err, 0, sizeof(err));
	r = cx_pattern_parse(src, &p, &err);
	if (r == 0) {
		walk(cx_pattern_root(p), 0);
		cx_pattern_free(p);
	} else if (r == -EINVAL && (err.offset > strlen(src) || !err.message[0])) {
		abort();
	} else if (r != -EINVAL && r != -ENOMEM) {
		abort();
	}
	free(src);
	return 0;
}
