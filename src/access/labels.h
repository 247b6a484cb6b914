/* Labels of an object version: who owns it and whom its markings release it
 * to, computed once when the version is stored (doc/ACCESS.md). Pure code:
 * what the node knows comes in through a resolver. */
#ifndef CX_ACCESS_LABELS_H
#define CX_ACCESS_LABELS_H

#include <jansson.h>
#include <stdint.h>

#include "access/markings.h"
#include "stix/error.h"

#define CX_MASK_ALL UINT64_MAX

struct cx_labels {
	int64_t owner;      /* partner rowid whose identity created it; 0: none */
	enum cx_tlp tlp;
	uint64_t rel_mask;  /* bit (rowid - 1) of every partner it is releasable to */
	int classification; /* 0 U .. 3 S */
};

struct cx_label_resolver {
	/* The partner rowid whose identity is identity_id; 0 for none. */
	int64_t (*owner_of)(void *arg, const char *identity_id);
	/* The partner bit of a code; 0 for a partner the node does not know. */
	uint64_t (*bit_of)(void *arg, const char *code);
	/* The marking-definition with this id (borrowed), or NULL if unknown. */
	const json_t *(*marking)(void *arg, const char *marking_id);
	void *arg;
};

/* The bit of partner rowid (1..63); 0 beyond. */
uint64_t cx_partner_bit(int64_t rowid);

/* Compute the labels of obj (already valid STIX). Returns 0, or -EINVAL
 * with err (rule unknown-marking or invalid-marking, and the property). */
int cx_labels_compute(const json_t *obj, const struct cx_label_resolver *r,
		      struct cx_labels *ret, struct cx_stix_error *err);

#endif
