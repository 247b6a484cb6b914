/* Ingest: turn a STIX bundle or TAXII envelope into stored object versions.
 * Every object is validated and canonicalised before the transaction starts;
 * all valid ones are then stored in ONE transaction, so an input is either
 * stored (minus its rejected objects) or not at all. */
#ifndef CX_CORE_INGEST_H
#define CX_CORE_INGEST_H

#include <jansson.h>
#include <stddef.h>

#include "access/principal.h"
#include "core/node_key.h"
#include "stix/error.h"
#include "store/store.h"
#include "util/config.h"

#define CX_INGEST_MAX_OBJECT_BYTES (8u * 1024 * 1024) /* canonical form of one object */

enum cx_ingest_status {
	CX_INGEST_STORED,
	CX_INGEST_DUPLICATE, /* same id and version already stored */
	CX_INGEST_REJECTED,
};

struct cx_ingest_item {
	enum cx_ingest_status status;
	struct cx_stix_error err; /* err.id is the object's id when it has one */
	int64_t date_added;       /* when stored, or added to the collection; else 0 */
};

struct cx_ingest_report {
	struct cx_ingest_item *items; /* one per input object, in input order */
	size_t count;
	size_t stored, duplicate, rejected;
	size_t violations; /* objects refused by the write rules: then nothing was stored */
};

struct cx_ingest_opts {
	int64_t collection;      /* rowid of a collection to add every accepted object to; 0: none */
	const char *collection_id; /* its id, for the audit */
	size_t max_object_bytes; /* 0: CX_INGEST_MAX_OBJECT_BYTES */
	/* Apply the sovereign-write rules for this principal (NULL: an operator
	 * path, no rules); writer_identity is its partner's identity id. */
	const struct cx_principal *writer;
	const char *writer_identity;
	/* The node's tables for the records' rules ([records] in cx.ini);
	 * NULL: the defaults. */
	const struct cx_record_rules *rules;
	/* The audit entry written in the same transaction (actor NULL: none);
	 * audit_detail's members (may be NULL) are added to its detail. */
	const char *actor, *actor_partner, *action, *request;
	const json_t *audit_detail;
	/* Origin signatures (doc/FEDERATION.md, "Provenance"): on a local
	 * write path, the node's key (borrowed; NULL: sign nothing), its name
	 * and its own partner's rowid (0: sign nothing). Every object owned by
	 * that partner that carries no provenance extension yet is stored
	 * signed; marking definitions never are, and an object that arrives
	 * with the extension is stored as it is. */
	const struct cx_node_key *sign_key;
	const char *node_name;
	int64_t sign_partner;
	/* Called now and then with objects processed so far; may be NULL. */
	void (*progress)(void *arg, const char *phase, size_t done, size_t total);
	void *progress_arg;
	/* Called once at the end of the storing transaction, after the
	 * objects and the audit entry are written and before the commit, with
	 * in_transaction_arg; may be NULL. It may write more in the same
	 * transaction (e.g. the sync's cursor and its own audit entries), and
	 * it may read the report's items and its stored and duplicate counts,
	 * final by then. A negative status rolls everything back (a soft one
	 * retries the whole transaction, hook included: it must be safe to run
	 * again). With it set, the transaction runs even when no object is
	 * valid. */
	enum cx_store_status (*in_transaction)(struct cx_store *s, void *arg);
	void *in_transaction_arg;
};

/* Parse text as a STIX bundle ({"type":"bundle",...}) or a TAXII envelope
 * ({"objects":[...]}). JSON with duplicate member names is refused. On success
 * stores a new reference to the objects array in *ret_objects (an empty array
 * when the input has none) and returns 0; otherwise writes one line to err and
 * returns -EINVAL. */
int cx_ingest_parse(const char *text, size_t len, unsigned flags, json_t **ret_objects,
		    char *err, size_t errlen);
#define CX_INGEST_ENVELOPE_ONLY 1u /* flags: refuse a bundle (TAXII wants envelopes) */

/* Validate, label, canonicalise and store objects. Fills *ret (release
 * with cx_ingest_report_release) and returns the transaction's status:
 * CX_STORE_OK / CX_STORE_NO_RESULT on success, negative when nothing was
 * stored: the store failed (s->error() says why), or, with ret->violations
 * set, the write rules refused objects (each such item is rejected with the
 * rule's name as its rule). */
enum cx_store_status cx_ingest_objects(struct cx_store *s, const json_t *objects,
				       const struct cx_ingest_opts *opts,
				       struct cx_ingest_report *ret);

void cx_ingest_report_release(struct cx_ingest_report *r);

/* "stored", "duplicate" or "rejected". */
const char *cx_ingest_status_name(enum cx_ingest_status st);

#endif
