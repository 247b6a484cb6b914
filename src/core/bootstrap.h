/* Objects every node holds from the start, and partner identities. */
#ifndef CX_CORE_BOOTSTRAP_H
#define CX_CORE_BOOTSTRAP_H

#include "store/store.h"

/* Store the OASIS TLP marking definitions, the project's identity and its
 * releasability extension-definition (audited as "init"). Returns 0 or -EIO
 * with a reason in err. */
int cx_bootstrap_node(struct cx_store *s, char *err, size_t errlen);

/* Add partner p, then store its STIX identity (organization, TLP:CLEAR,
 * created by itself; audited as "partner.add" by the operator). Returns
 * CX_STORE_OK, CX_STORE_NO_RESULT when the code is taken, or a failure with
 * a reason in err (or s->error()). */
enum cx_store_status cx_partner_create(struct cx_store *s, const struct cx_partner *p,
				       char *err, size_t errlen);

/* Who adds a partner, for the audit: a user name (or "operator"), its
 * partner code and the request id (both may be NULL). */
struct cx_partner_actor {
	const char *actor, *partner, *request;
};

/* cx_partner_create, audited as done by `by` (e.g. an admin through the
 * API). */
enum cx_store_status cx_partner_create_as(struct cx_store *s, const struct cx_partner *p,
					  const struct cx_partner_actor *by, char *err,
					  size_t errlen);

#endif
