/* The sync engine (doc/FEDERATION.md): pull the peers' collections over
 * TAXII 2.1 with libcurl, verify each object's origin signature, and apply
 * each page in ONE write transaction together with the advance of the
 * collection's cursor and the page's audit entries. Used by `cx sync` and
 * by the sync loop of `cx serve`. The library does not log or print: it
 * reports through the callbacks of struct cx_sync_opts. */
#ifndef CX_SYNC_SYNC_H
#define CX_SYNC_SYNC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ingest.h"
#include "store/store.h"
#include "util/config.h"

#define CX_SYNC_DEFAULT_LIMIT 500
#define CX_SYNC_MAX_LIMIT 1000
#define CX_SYNC_MAX_PEERS 64

struct cx_sync_counts {
	int64_t received, stored, duplicate, rejected;
};

/* What one collection's round did (borrowed by the callback). */
struct cx_sync_collection_result {
	const char *collection; /* the remote collection id */
	unsigned requests;
	struct cx_sync_counts counts;
	const char *cursor; /* after the round */
	const char *error;  /* NULL when the round succeeded */
};

struct cx_sync_opts {
	unsigned limit; /* objects per page asked for; 0: CX_SYNC_DEFAULT_LIMIT */
	const struct cx_record_rules *rules; /* [records]; NULL: the defaults */
	/* This node's own partner code ("" or NULL: unset) and public key
	 * (NULL: none), to verify objects the node's own partner owns that
	 * come back through a peer. */
	const char *own_partner;
	const unsigned char *own_pk;
	const char *own_key_id;
	/* When set and true, transfers are abandoned and no further page is
	 * asked for (a page not yet committed is not applied). */
	const atomic_bool *stop;
	/* Callbacks, each may be NULL; arg is passed to each. */
	void (*on_object)(void *arg, const struct cx_peer *p, const char *collection,
	                  const char *id, enum cx_ingest_status st, const char *reason);
	void (*on_page)(void *arg, const struct cx_peer *p, const char *collection, unsigned pages,
	                const struct cx_sync_counts *so_far);
	void (*on_collection)(void *arg, const struct cx_peer *p,
	                      const struct cx_sync_collection_result *r);
	void *arg;
};

struct cx_sync;

/* libcurl's global state: call cx_sync_global_init once, from the main
 * thread, before any other thread starts. Returns 0 or -EIO. */
int cx_sync_global_init(void);
void cx_sync_global_cleanup(void);

/* A sync context (one libcurl handle; one thread at a time). opts is
 * copied (its pointers are borrowed for the context's life). NULL when
 * out of memory or libcurl fails. */
struct cx_sync *cx_sync_new(const struct cx_sync_opts *opts);
void cx_sync_free(struct cx_sync *y);

/* All peers of the store into *ret_items (caller frees with
 * cx_sync_peers_free, which wipes the secrets) and *ret_n. Returns the
 * store status; CX_STORE_NO_RESULT when there are more than
 * CX_SYNC_MAX_PEERS. */
enum cx_store_status cx_sync_peers_load(struct cx_store *s, struct cx_peer **ret_items,
                                        size_t *ret_n);
void cx_sync_peers_free(struct cx_peer *items, size_t n);

/* Pull every collection of peer p (borrowed) once. Verification uses the
 * keys of every peer in the store and the node's own key. Adds to *total
 * and *failures (collections that failed; recorded in their last_error).
 * Returns 0, or -1 after a store failure with a sentence in err. */
int cx_sync_peer(struct cx_sync *y, struct cx_store *s, const struct cx_peer *p,
                 struct cx_sync_counts *total, size_t *failures, char *err, size_t errlen);

/* The verification of one object (borrowed) against the keys known to
 * the context after the last cx_sync_peer or cx_sync_keys_load: 0 to
 * accept, 1 to reject with "unsigned: …", "bad-signature: …" or
 * "wrong-node: …" in why, -1 after a store failure. */
int cx_sync_verify(struct cx_sync *y, struct cx_store *s, const json_t *obj, char *why, size_t n);
enum cx_store_status cx_sync_keys_load(struct cx_sync *y, struct cx_store *s);

/* The sync loop of `cx serve` (sync_loop.c): a thread with its own store
 * connection that runs a round over all peers every interval seconds; a
 * peer whose round fails (any collection) is retried after interval, then
 * twice, four times … that, up to backoff_max seconds, and at the normal
 * interval again once it succeeds. */
struct cx_sync_loop_config {
	char db_path[4400];
	unsigned busy_retries;
	unsigned interval;                   /* seconds, > 0 */
	unsigned backoff_max;                /* seconds */
	const struct cx_record_rules *rules; /* borrowed for the loop's life */
	char own_partner[17];
	unsigned char own_pk[32];
	char own_key_id[32];
	bool have_own_key;
	/* Called from the loop's thread with one line about a peer's round
	 * that failed or recovered (peer NULL: the loop itself); may be NULL. */
	void (*log)(void *arg, bool failure, const char *peer, const char *msg);
	void *log_arg;
};

struct cx_sync_loop;

/* Start the loop's thread. Returns 0 with *ret (stop and free it with
 * cx_sync_loop_stop) or -errno with a sentence in err. */
int cx_sync_loop_start(const struct cx_sync_loop_config *cfg, struct cx_sync_loop **ret, char *err,
                       size_t errlen);

/* Stop the loop: an HTTP transfer in flight is abandoned (its page is not
 * applied), a page being applied is committed or rolled back whole; then
 * the thread is joined and everything freed. NULL is fine. */
void cx_sync_loop_stop(struct cx_sync_loop *l);

#endif
