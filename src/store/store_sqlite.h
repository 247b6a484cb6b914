/* Internals shared by the SQLite backend's files; not part of the store
 * interface. */
#ifndef CX_STORE_STORE_SQLITE_H
#define CX_STORE_STORE_SQLITE_H

#include <sqlite3.h>
#include <stdint.h>

#include "store/store.h"

#define CX_SQ_CACHE 128

struct cx_sq_cached {
	uint64_t hash;
	char *sql;
	sqlite3_stmt *stmt;
};

struct sqlite_store {
	struct cx_store api;
	sqlite3 *db;
	struct cx_sq_cached cache[CX_SQ_CACHE];
	unsigned cache_next; /* round-robin victim when full */
	bool write_tx;
	bool clock_loaded;
	bool clock_dirty;
	int64_t clock_last;
	char errmsg[256];
};

static inline struct sqlite_store *cx_sq(struct cx_store *s)
{
	return (struct sqlite_store *)s->cls;
}

/* The prepared statement for sql, prepared on first use and then reused
 * (a cache keyed by the text). NULL on failure, with errmsg set. Call
 * cx_sq_done() after use. */
sqlite3_stmt *cx_sq_stmt(struct sqlite_store *st, const char *sql);
void cx_sq_done(sqlite3_stmt *q);
/* Map an SQLite result code to a status class, recording the message. */
enum cx_store_status cx_sq_status(struct sqlite_store *st, int rc);
/* Bind text, or NULL for a NULL pointer. */
int cx_sq_bind_text(sqlite3_stmt *q, int i, const char *s);
/* Step a statement that returns no rows and reset it. */
enum cx_store_status cx_sq_exec_stmt(struct sqlite_store *st, sqlite3_stmt *q);
/* The next date_added of this node (inside a write transaction). */
enum cx_store_status cx_sq_next_date_added(struct sqlite_store *st, int64_t *ret);

/* Install the functions of each file into the interface. */
void cx_sq_install_collections(struct cx_store *s);
void cx_sq_install_identity(struct cx_store *s);

#endif
