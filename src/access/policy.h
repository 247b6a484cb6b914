/* The access policy: the one place that decides who may read and write
 * what (doc/ACCESS.md). Reading is available twice from the same rule: as an
 * SQL predicate for lists, counts and search, and as a C function for single
 * objects; a unit test checks that the two agree. Pure code. */
#ifndef CX_ACCESS_POLICY_H
#define CX_ACCESS_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "access/labels.h"
#include "access/principal.h"
#include "store/store.h"

/* The reading rule compiled for one principal. */
struct cx_access {
	bool nobody;          /* no principal: nothing is readable */
	bool peer;            /* onward-sharing rule of a peer node */
	int64_t partner;      /* rowid */
	uint64_t bit;         /* the partner's bit */
	int clearance;        /* 0 U .. 3 S */
	int64_t home_partner; /* rowid of the node's own partner; 0: none */
	struct cx_sql_arg args[4];
};

/* Compile the rule for who (NULL: nobody). */
void cx_access_for(const struct cx_principal *who, int64_t home_partner, struct cx_access *ret);

/* May a reads a version whose effective labels (the version's combined with
 * its newest version's: owner kept only when both agree, releasability
 * intersected, classification and TLP the higher) are eff? */
bool cx_access_can_read(const struct cx_access *a, const struct cx_labels *eff);

/* The same rule as an SQL boolean expression over the columns eff_owner,
 * eff_mask, eff_class and eff_tlp of the table alias o, with the named
 * parameters in a->args (attach with cx_access_filter). */
const char *cx_access_sql(const struct cx_access *a);
/* Put the rule into a store filter. */
void cx_access_filter(const struct cx_access *a, struct cx_object_filter *f);

/* What the store holds for an object id when a new version arrives. */
struct cx_existing {
	bool exists;      /* any version stored */
	bool same_version; /* this very version stored */
	int64_t owner;    /* of the newest version */
	bool revoked;     /* the newest version is revoked */
	int64_t modified; /* of the newest version */
};

/* Sovereign writes: may who store obj (whose own labels are mine) given
 * what exists? Returns NULL, or the broken rule: "role", "wrong-identity",
 * "not-owner", "unrevoke" or "marking-immutable". identity_id is who's
 * partner identity. */
const char *cx_access_check_write(const struct cx_principal *who, const char *identity_id,
				  const json_t *obj, int64_t modified,
				  const struct cx_existing *latest);

/* True for the rule names cx_access_check_write returns. */
bool cx_access_is_write_rule(const char *rule);

#endif
