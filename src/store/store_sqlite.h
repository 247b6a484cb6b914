/* Internals shared by the SQLite backend's files; not part of the store
 * interface.
 *
 * Every store function is its SQL, its bindings and its row mapping; the
 * shapes around them live here:
 *
 *	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT ...");
 *	struct cx_sq_rows rows;
 *
 *	if (!q)
 *		return CX_STORE_HARD_ERROR;
 *	(bind the parameters)
 *	cx_sq_rows_init(&rows, st, q);
 *	while (cx_sq_rows_next(&rows)) {
 *		(map the row)
 *		if (cb(arg, &row) != 0)
 *			break;
 *	}
 *	return cx_sq_rows_end(&rows);
 *
 * A lookup of at most one row maps it under `if (cx_sq_rows_next(&rows))`
 * instead of looping. Statements that return no rows end in
 * cx_sq_exec_stmt(), cx_sq_exec_changed() or cx_sq_insert_unique(). */
#ifndef CX_STORE_STORE_SQLITE_H
#define CX_STORE_STORE_SQLITE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "util/buf.h"

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
	/* object_latest's row, copied: the statement is reset at once, so
	 * that no read snapshot stays open on the connection. */
	struct cx_buf latest;
	char errmsg[256];
};

static inline struct sqlite_store *cx_sq(struct cx_store *s)
{
	return (struct sqlite_store *)s->cls;
}

/* The prepared statement for sql, prepared on first use and then reused
 * (a cache keyed by the text). NULL on failure, with errmsg set. Reset
 * after use: cx_sq_done(), or one of the helpers below that end in it. */
sqlite3_stmt *cx_sq_stmt(struct sqlite_store *st, const char *sql);
/* Reset q and clear its bindings, ready for its next user. */
void cx_sq_done(sqlite3_stmt *q);
/* Map an SQLite result code to a status class, recording the message. */
enum cx_store_status cx_sq_status(struct sqlite_store *st, int rc);
/* Bind text, or NULL for a NULL pointer. The text is borrowed until the
 * statement is done. */
int cx_sq_bind_text(sqlite3_stmt *q, int i, const char *s);
/* Step a statement that returns no rows and reset it. */
enum cx_store_status cx_sq_exec_stmt(struct sqlite_store *st, sqlite3_stmt *q);
/* Like cx_sq_exec_stmt(), but CX_STORE_NO_RESULT when the statement
 * changed no row (an UPDATE or DELETE that matched nothing). */
enum cx_store_status cx_sq_exec_changed(struct sqlite_store *st, sqlite3_stmt *q);
/* Step an INSERT and reset it: CX_STORE_NO_RESULT when a constraint refuses
 * the row (its key is taken), which callers report as such, not as an
 * error. */
enum cx_store_status cx_sq_insert_unique(struct sqlite_store *st, sqlite3_stmt *q);

/* A pass over the rows of a bound statement (see the top of this file).
 * While cx_sq_rows_next() returns true the current row of q is readable;
 * the caller may stop early by leaving the loop. */
struct cx_sq_rows {
	struct sqlite_store *st;
	sqlite3_stmt *q;
	int rc;   /* the last step's result: readable, to tell failures apart */
	bool any; /* whether a row was read */
};

static inline void cx_sq_rows_init(struct cx_sq_rows *rows, struct sqlite_store *st,
				   sqlite3_stmt *q)
{
	rows->st = st;
	rows->q = q;
	rows->rc = SQLITE_DONE;
	rows->any = false;
}

static inline bool cx_sq_rows_next(struct cx_sq_rows *rows)
{
	rows->rc = sqlite3_step(rows->q);
	if (rows->rc != SQLITE_ROW)
		return false;
	rows->any = true;
	return true;
}

/* Classify the pass and reset its statement: CX_STORE_OK when a row was
 * read (also when the caller stopped early), CX_STORE_NO_RESULT when there
 * was none, a negative class when a step failed. Row data read from q is
 * invalid afterwards. */
enum cx_store_status cx_sq_rows_end(struct cx_sq_rows *rows);

/* The next date_added: strictly greater than every earlier one on this node
 * and never before the wall clock. Only valid inside a write transaction,
 * which serialises all writers of the file. */
enum cx_store_status cx_sq_next_date_added(struct sqlite_store *st, int64_t *ret);

/* Install the functions of each file into the interface. */
void cx_sq_install_scan(struct cx_store *s);
void cx_sq_install_collections(struct cx_store *s);
void cx_sq_install_identity(struct cx_store *s);
void cx_sq_install_vault(struct cx_store *s);
void cx_sq_install_peers(struct cx_store *s);

#endif
