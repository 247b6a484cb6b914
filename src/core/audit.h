/* The tamper-evident audit trail: entries appended to a hash chain in the
 * same transaction as the change they record (doc/ACCESS.md, "Audit"). */
#ifndef CX_CORE_AUDIT_H
#define CX_CORE_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

struct cx_audit_entry {
	const char *actor;   /* user name, or "operator" for the cx command */
	const char *partner; /* partner code; NULL or "" for none */
	const char *action;  /* e.g. "taxii.add", "import", "user.add", "login.failed" */
	const char *request; /* request id; NULL for none */
	const json_t *objects; /* borrowed: [{"id", "version", ...}] or NULL */
	const json_t *detail;  /* borrowed: object or NULL */
	const char *objects_text; /* instead of objects: the list as canonical JSON text */
};

/* Append e inside the caller's write transaction. */
enum cx_store_status cx_audit_append(struct cx_store *s, const struct cx_audit_entry *e);

/* Append e in a transaction of its own (for events that change nothing
 * else, such as logins). */
enum cx_store_status cx_audit_record(struct cx_store *s, const struct cx_audit_entry *e);

/* Check the whole chain. Returns 0 when intact (and the number of entries
 * in *ret_count); 1 when broken, with the first bad entry's seq in *ret_seq
 * and a sentence in why; negative on a store failure. */
int cx_audit_verify(struct cx_store *s, int64_t *ret_count, int64_t *ret_seq, char *why,
		    size_t whylen);

#endif
