/* The SQLite backend of the store interface.
 *
 * WAL mode with synchronous=FULL: a COMMIT returns only after the WAL is
 * fsync'ed, so every acknowledged write survives a crash or power loss.
 * Statements are prepared once per connection and reset after each use. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/migrations.h"
#include "store/store_sqlite.h"
#include "util/time.h"

static const char *store_error(struct cx_store *s)
{
	return cx_sq(s)->errmsg;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

sqlite3_stmt *cx_sq_stmt(struct sqlite_store *st, const char *sql)
{
	uint64_t h = fnv1a(sql);
	struct cx_sq_cached *slot = NULL;

	for (unsigned i = 0; i < CX_SQ_CACHE; i++) {
		struct cx_sq_cached *c = &st->cache[i];

		if (c->stmt && c->hash == h && strcmp(c->sql, sql) == 0) {
			sqlite3_reset(c->stmt); /* a row left unread by its last user */
			return c->stmt;
		}
		if (!c->stmt && !slot)
			slot = c;
	}
	if (!slot) {
		slot = &st->cache[st->cache_next];
		st->cache_next = (st->cache_next + 1) % CX_SQ_CACHE;
		sqlite3_finalize(slot->stmt);
		free(slot->sql);
		slot->stmt = NULL;
		slot->sql = NULL;
	}
	slot->sql = strdup(sql);
	if (!slot->sql) {
		snprintf(st->errmsg, sizeof(st->errmsg), "out of memory");
		return NULL;
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->stmt, NULL) !=
	    SQLITE_OK) {
		snprintf(st->errmsg, sizeof(st->errmsg), "%s", sqlite3_errmsg(st->db));
		free(slot->sql);
		slot->sql = NULL;
		slot->stmt = NULL;
		return NULL;
	}
	slot->hash = h;
	return slot->stmt;
}

void cx_sq_done(sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

enum cx_store_status cx_sq_status(struct sqlite_store *st, int rc)
{
	int prim = rc & 0xff;

	if (prim == SQLITE_OK || prim == SQLITE_DONE || prim == SQLITE_ROW)
		return CX_STORE_OK;
	snprintf(st->errmsg, sizeof(st->errmsg), "%s", sqlite3_errmsg(st->db));
	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return CX_STORE_SOFT_ERROR;
	/* SQLite says SQLITE_FULL when a write of its own finds no space, and
	 * an I/O error when the system call around it (growing the shared
	 * memory index, say) does. */
	if (prim == SQLITE_FULL ||
	    (prim == SQLITE_IOERR &&
	     (sqlite3_system_errno(st->db) == ENOSPC || sqlite3_system_errno(st->db) == EDQUOT)))
		return CX_STORE_FULL;
	return CX_STORE_HARD_ERROR;
}

int cx_sq_bind_text(sqlite3_stmt *q, int i, const char *s)
{
	if (!s)
		return sqlite3_bind_null(q, i);
	return sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC);
}

enum cx_store_status cx_sq_exec_stmt(struct sqlite_store *st, sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);

	cx_sq_done(q);
	return cx_sq_status(st, rc);
}

enum cx_store_status cx_sq_exec_changed(struct sqlite_store *st, sqlite3_stmt *q)
{
	enum cx_store_status r = cx_sq_exec_stmt(st, q);

	if (r < 0)
		return r;
	return sqlite3_changes(st->db) ? CX_STORE_OK : CX_STORE_NO_RESULT;
}

enum cx_store_status cx_sq_insert_unique(struct sqlite_store *st, sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);

	cx_sq_done(q);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return CX_STORE_NO_RESULT;
	return cx_sq_status(st, rc);
}

enum cx_store_status cx_sq_rows_end(struct cx_sq_rows *rows)
{
	enum cx_store_status r;

	/* Classify before the reset, which would overwrite the message. */
	if (rows->rc == SQLITE_ROW || rows->rc == SQLITE_DONE)
		r = rows->any ? CX_STORE_OK : CX_STORE_NO_RESULT;
	else
		r = cx_sq_status(rows->st, rows->rc);
	cx_sq_done(rows->q);
	return r;
}

static enum cx_store_status exec(struct sqlite_store *st, const char *sql)
{
	return cx_sq_status(st, sqlite3_exec(st->db, sql, NULL, NULL, NULL));
}

static enum cx_store_status begin(struct cx_store *s, bool write)
{
	struct sqlite_store *st = cx_sq(s);
	enum cx_store_status r;

	r = exec(st, write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
	if (r < 0)
		return r;
	st->write_tx = write;
	st->clock_loaded = false;
	st->clock_dirty = false;
	return CX_STORE_OK;
}

static enum cx_store_status commit(struct cx_store *s)
{
	struct sqlite_store *st = cx_sq(s);
	enum cx_store_status r;

	if (st->clock_dirty) {
		sqlite3_stmt *q = cx_sq_stmt(st, "UPDATE node_clock SET last_us = ?1 WHERE one = 1");

		if (!q)
			return CX_STORE_HARD_ERROR;
		sqlite3_bind_int64(q, 1, st->clock_last);
		r = cx_sq_exec_stmt(st, q);
		if (r < 0)
			return r;
	}
	r = exec(st, "COMMIT");
	if (r < 0)
		return r;
	st->write_tx = false;
	st->clock_dirty = false;
	return CX_STORE_OK;
}

static void rollback(struct cx_store *s)
{
	struct sqlite_store *st = cx_sq(s);

	if (sqlite3_get_autocommit(st->db) == 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->write_tx = false;
	st->clock_loaded = false;
	st->clock_dirty = false;
}

static bool in_transaction(struct cx_store *s)
{
	return sqlite3_get_autocommit(cx_sq(s)->db) == 0;
}

enum cx_store_status cx_sq_next_date_added(struct sqlite_store *st, int64_t *ret)
{
	int64_t now = cx_time_now_us();

	if (!st->write_tx) {
		snprintf(st->errmsg, sizeof(st->errmsg), "date_added outside a write transaction");
		return CX_STORE_HARD_ERROR;
	}
	if (!st->clock_loaded) {
		sqlite3_stmt *q = cx_sq_stmt(st, "SELECT last_us FROM node_clock WHERE one = 1");
		struct cx_sq_rows rows;
		enum cx_store_status r;

		if (!q)
			return CX_STORE_HARD_ERROR;
		cx_sq_rows_init(&rows, st, q);
		if (cx_sq_rows_next(&rows))
			st->clock_last = sqlite3_column_int64(q, 0);
		/* The migration inserts the one row; without it the file is not
		 * a store of ours. */
		if ((r = cx_sq_rows_end(&rows)) != CX_STORE_OK)
			return r < 0 ? r : CX_STORE_HARD_ERROR;
		st->clock_loaded = true;
	}
	st->clock_last = now > st->clock_last ? now : st->clock_last + 1;
	st->clock_dirty = true;
	*ret = st->clock_last;
	return CX_STORE_OK;
}

/* Recompute every version's effective labels from its own and the newest
 * version's (doc/ACCESS.md: a version is readable only when the newest one
 * is too). */
static enum cx_store_status refresh_effective(struct sqlite_store *st, const char *id)
{
	sqlite3_stmt *q = cx_sq_stmt(
		st, "UPDATE objects SET "
		    "eff_owner = CASE WHEN objects.owner = l.owner THEN objects.owner ELSE 0 END, "
		    "eff_mask = objects.rel_mask & l.rel_mask, "
		    "eff_class = max(objects.class, l.class), eff_tlp = max(objects.tlp, l.tlp) "
		    "FROM (SELECT owner, rel_mask, class, tlp FROM objects "
		    "WHERE id = ?1 AND is_latest = 1) AS l WHERE objects.id = ?1");

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, id);
	return cx_sq_exec_stmt(st, q);
}

/* References and, for the newest version, the full-text index. */
static enum cx_store_status index_version(struct sqlite_store *st, const struct cx_object_row *row,
					  int64_t rowid, bool is_latest, int64_t old_latest)
{
	enum cx_store_status r;
	sqlite3_stmt *q;

	for (size_t i = 0; i < row->nrefs; i++) {
		q = cx_sq_stmt(st, "INSERT INTO object_refs VALUES (?1, ?2, ?3)");
		if (!q)
			return CX_STORE_HARD_ERROR;
		sqlite3_bind_int64(q, 1, rowid);
		cx_sq_bind_text(q, 2, row->ref_ids[i]);
		cx_sq_bind_text(q, 3, row->ref_kinds[i]);
		if ((r = cx_sq_exec_stmt(st, q)) < 0)
			return r;
	}
	if (!is_latest || !row->search_text || !*row->search_text)
		return CX_STORE_OK;
	if (old_latest) {
		q = cx_sq_stmt(st, "DELETE FROM objects_fts WHERE rowid = ?1");
		if (!q)
			return CX_STORE_HARD_ERROR;
		sqlite3_bind_int64(q, 1, old_latest);
		if ((r = cx_sq_exec_stmt(st, q)) < 0)
			return r;
	}
	q = cx_sq_stmt(st, "INSERT INTO objects_fts (rowid, id, text) VALUES (?1, ?2, ?3)");
	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, rowid);
	cx_sq_bind_text(q, 2, row->id);
	cx_sq_bind_text(q, 3, row->search_text);
	return cx_sq_exec_stmt(st, q);
}

static enum cx_store_status object_put(struct cx_store *s, const struct cx_object_row *row,
				       int64_t *ret_date_added, bool *ret_conflict)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q;
	struct cx_sq_rows rows;
	int64_t latest_rowid = 0, latest_modified = 0, date_added;
	bool have_latest = false, stored = false, same_text = false, is_latest;
	enum cx_store_status r;

	/* One lookup answers both questions: is this version stored (and the
	 * same), and which version is the newest now. */
	q = cx_sq_stmt(st, "SELECT rowid, modified, modified = ?2, json = ?3 FROM objects "
			   "WHERE id = ?1 AND (modified = ?2 OR is_latest = 1)");
	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, row->id);
	sqlite3_bind_int64(q, 2, row->modified);
	sqlite3_bind_text(q, 3, row->json, (int)row->json_len, SQLITE_STATIC);
	cx_sq_rows_init(&rows, st, q);
	while (cx_sq_rows_next(&rows)) {
		if (sqlite3_column_int(q, 2)) {
			stored = true;
			same_text = sqlite3_column_int(q, 3) != 0;
			break;
		}
		have_latest = true;
		latest_rowid = sqlite3_column_int64(q, 0);
		latest_modified = sqlite3_column_int64(q, 1);
	}
	if ((r = cx_sq_rows_end(&rows)) < 0)
		return r;
	if (stored) {
		if (ret_conflict)
			*ret_conflict = !same_text;
		return CX_STORE_NO_RESULT;
	}

	is_latest = !have_latest || row->modified > latest_modified;
	if (is_latest && have_latest) {
		q = cx_sq_stmt(st, "UPDATE objects SET is_latest = 0 WHERE rowid = ?1");
		if (!q)
			return CX_STORE_HARD_ERROR;
		sqlite3_bind_int64(q, 1, latest_rowid);
		if ((r = cx_sq_exec_stmt(st, q)) < 0)
			return r;
	}

	if ((r = cx_sq_next_date_added(st, &date_added)) < 0)
		return r;
	/* A first version's effective labels are its own. */
	q = cx_sq_stmt(st, "INSERT INTO objects (id, type, spec_version, created, modified, "
			   "created_by_ref, revoked, is_latest, date_added, json, version, owner, "
			   "tlp, rel_mask, class, eff_owner, eff_tlp, eff_mask, eff_class, name) "
			   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
			   "?15, ?12, ?13, ?14, ?15, ?16)");
	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, row->id);
	cx_sq_bind_text(q, 2, row->type);
	cx_sq_bind_text(q, 3, row->spec_version);
	sqlite3_bind_int64(q, 4, row->created);
	sqlite3_bind_int64(q, 5, row->modified);
	cx_sq_bind_text(q, 6, row->created_by_ref);
	sqlite3_bind_int(q, 7, row->revoked);
	sqlite3_bind_int(q, 8, is_latest);
	sqlite3_bind_int64(q, 9, date_added);
	sqlite3_bind_text(q, 10, row->json, (int)row->json_len, SQLITE_STATIC);
	cx_sq_bind_text(q, 11, row->version ? row->version : "");
	sqlite3_bind_int64(q, 12, row->owner);
	sqlite3_bind_int(q, 13, row->tlp);
	sqlite3_bind_int64(q, 14, row->rel_mask);
	sqlite3_bind_int(q, 15, row->classification);
	cx_sq_bind_text(q, 16, row->name ? row->name : "");
	if ((r = cx_sq_exec_stmt(st, q)) < 0)
		return r;
	if (have_latest && (r = refresh_effective(st, row->id)) < 0)
		return r;
	if ((r = index_version(st, row, sqlite3_last_insert_rowid(st->db), is_latest,
			       have_latest ? latest_rowid : 0)) < 0)
		return r;
	if (ret_date_added)
		*ret_date_added = date_added;
	if (ret_conflict)
		*ret_conflict = false;
	return CX_STORE_OK;
}

static enum cx_store_status object_state(struct cx_store *s, const char *id, int64_t modified,
					 int64_t *ret_owner, bool *ret_revoked,
					 int64_t *ret_latest_modified, bool *ret_same)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT owner, revoked, modified, is_latest, "
					 "modified = ?2 FROM objects WHERE id = ?1 AND "
					 "(modified = ?2 OR is_latest = 1)");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, id);
	sqlite3_bind_int64(q, 2, modified);
	*ret_same = false;
	cx_sq_rows_init(&rows, st, q);
	while (cx_sq_rows_next(&rows)) {
		if (sqlite3_column_int(q, 4))
			*ret_same = true;
		if (sqlite3_column_int(q, 3)) {
			*ret_owner = sqlite3_column_int64(q, 0);
			*ret_revoked = sqlite3_column_int(q, 1) != 0;
			*ret_latest_modified = sqlite3_column_int64(q, 2);
		}
	}
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status objects_count(struct cx_store *s, int64_t *ret_count)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT count(*) FROM objects");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_rows_init(&rows, st, q);
	if (cx_sq_rows_next(&rows))
		*ret_count = sqlite3_column_int64(q, 0);
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status schema_version(struct cx_store *s, int *ret_version)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL);

	if (rc != SQLITE_OK)
		return cx_sq_status(st, rc);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*ret_version = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? CX_STORE_OK : cx_sq_status(st, rc);
}

static void store_close(struct cx_store *s)
{
	struct sqlite_store *st;

	if (!s)
		return;
	st = cx_sq(s);
	for (int i = 0; i < CX_SQ_CACHE; i++) {
		sqlite3_finalize(st->cache[i].stmt);
		free(st->cache[i].sql);
	}
	sqlite3_close(st->db);
	cx_buf_release(&st->latest);
	free(st);
}

int cx_store_schema_latest(void)
{
	return cx_migrations[cx_migrations_count - 1].version;
}

static int migrate(struct sqlite_store *st, int from, char *err, size_t errlen)
{
	for (int i = 0; i < cx_migrations_count; i++) {
		char pragma[64];

		if (cx_migrations[i].version <= from)
			continue;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
			 cx_migrations[i].version);
		if (exec(st, "BEGIN IMMEDIATE") < 0 || exec(st, cx_migrations[i].sql) < 0 ||
		    exec(st, pragma) < 0 || exec(st, "COMMIT") < 0) {
			snprintf(err, errlen, "migration %d failed: %s", cx_migrations[i].version,
				 st->errmsg);
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return -EIO;
		}
	}
	return 0;
}

struct cx_store *cx_store_sqlite_open(const char *path, enum cx_store_open_mode mode, char *err,
				      size_t errlen)
{
	struct sqlite_store *st;
	struct stat sb;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int version = 0, latest = cx_store_schema_latest();

	if (mode == CX_STORE_CREATE) {
		if (stat(path, &sb) == 0) {
			snprintf(err, errlen, "%s already exists", path);
			return NULL;
		}
		flags |= SQLITE_OPEN_CREATE;
	} else if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "no store at %s: %s", path, strerror(errno));
		return NULL;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	st->api.cls = st;
	st->api.busy_retries = 8;
	st->api.close = store_close;
	st->api.error = store_error;
	st->api.begin = begin;
	st->api.commit = commit;
	st->api.rollback = rollback;
	st->api.in_transaction = in_transaction;
	st->api.schema_version = schema_version;
	st->api.object_put = object_put;
	st->api.object_state = object_state;
	st->api.objects_count = objects_count;
	cx_sq_install_scan(&st->api);
	cx_sq_install_collections(&st->api);
	cx_sq_install_identity(&st->api);
	cx_sq_install_vault(&st->api);
	cx_sq_install_peers(&st->api);

	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
			 st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	if (exec(st, "PRAGMA journal_mode = WAL") < 0 ||
	    exec(st, "PRAGMA synchronous = FULL") < 0 || exec(st, "PRAGMA foreign_keys = ON") < 0 ||
	    /* Reads through the OS page cache, shared by every connection,
	     * instead of copying pages into each connection's own cache. */
	    exec(st, "PRAGMA mmap_size = 4294967296") < 0 ||
	    exec(st, "PRAGMA cache_size = -16384") < 0 ||
	    schema_version(&st->api, &version) < 0) {
		snprintf(err, errlen, "cannot use %s: %s", path, st->errmsg);
		goto fail;
	}
	if (mode != CX_STORE_OPEN && migrate(st, version, err, errlen) < 0)
		goto fail;
	if (mode != CX_STORE_OPEN)
		version = latest;
	if (version > latest) {
		snprintf(err, errlen,
			 "store %s has schema version %d, newer than this cx (%d): use a newer cx",
			 path, version, latest);
		goto fail;
	}
	if (version < latest) {
		snprintf(err, errlen,
			 "store %s has schema version %d, this cx needs %d: back it up, then run "
			 "'cx init --migrate'",
			 path, version, latest);
		goto fail;
	}
	return &st->api;
fail:
	store_close(&st->api);
	return NULL;
}
