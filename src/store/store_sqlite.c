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
#include "util/buf.h"
#include "util/str.h"
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

/* The next date_added: strictly greater than every earlier one on this node
 * and never before the wall clock. Only valid inside a write transaction,
 * which serialises all writers of the file. */
enum cx_store_status cx_sq_next_date_added(struct sqlite_store *st, int64_t *ret)
{
	int64_t now = cx_time_now_us();

	if (!st->write_tx) {
		snprintf(st->errmsg, sizeof(st->errmsg), "date_added outside a write transaction");
		return CX_STORE_HARD_ERROR;
	}
	if (!st->clock_loaded) {
		sqlite3_stmt *q = cx_sq_stmt(st, "SELECT last_us FROM node_clock WHERE one = 1");
		int rc;

		if (!q)
			return CX_STORE_HARD_ERROR;
		rc = sqlite3_step(q);
		if (rc != SQLITE_ROW) {
			enum cx_store_status r = cx_sq_status(st, rc);

			cx_sq_done(q);
			return r < 0 ? r : CX_STORE_HARD_ERROR;
		}
		st->clock_last = sqlite3_column_int64(q, 0);
		cx_sq_done(q);
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
	int64_t latest_rowid = 0, latest_modified = 0, date_added;
	bool have_latest = false, is_latest;
	enum cx_store_status r;
	int rc;

	/* One lookup answers both questions: is this version stored (and the
	 * same), and which version is the newest now. */
	q = cx_sq_stmt(st, "SELECT rowid, modified, modified = ?2, json = ?3 FROM objects "
			   "WHERE id = ?1 AND (modified = ?2 OR is_latest = 1)");
	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, row->id);
	sqlite3_bind_int64(q, 2, row->modified);
	sqlite3_bind_text(q, 3, row->json, (int)row->json_len, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (sqlite3_column_int(q, 2)) {
			if (ret_conflict)
				*ret_conflict = sqlite3_column_int(q, 3) == 0;
			cx_sq_done(q);
			return CX_STORE_NO_RESULT;
		}
		have_latest = true;
		latest_rowid = sqlite3_column_int64(q, 0);
		latest_modified = sqlite3_column_int64(q, 1);
	}
	cx_sq_done(q);
	if ((r = cx_sq_status(st, rc)) < 0)
		return r;

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
	enum cx_store_status r = CX_STORE_NO_RESULT;
	int rc;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, id);
	sqlite3_bind_int64(q, 2, modified);
	*ret_same = false;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		r = CX_STORE_OK;
		if (sqlite3_column_int(q, 4))
			*ret_same = true;
		if (sqlite3_column_int(q, 3)) {
			*ret_owner = sqlite3_column_int64(q, 0);
			*ret_revoked = sqlite3_column_int(q, 1) != 0;
			*ret_latest_modified = sqlite3_column_int64(q, 2);
		}
	}
	if (rc != SQLITE_DONE)
		r = cx_sq_status(st, rc);
	cx_sq_done(q);
	return r;
}

#define ROW_COLUMNS                                                                                \
	"o.id, o.type, o.spec_version, o.created, o.modified, o.created_by_ref, o.revoked, "      \
	"%s.is_latest, %s.date_added, o.json, o.version, o.owner, o.tlp, o.rel_mask, o.class, " \
	"o.name"

static void row_from(sqlite3_stmt *q, struct cx_object_row *row)
{
	row->id = (const char *)sqlite3_column_text(q, 0);
	row->type = (const char *)sqlite3_column_text(q, 1);
	row->spec_version = (const char *)sqlite3_column_text(q, 2);
	row->created = sqlite3_column_int64(q, 3);
	row->modified = sqlite3_column_int64(q, 4);
	row->created_by_ref = (const char *)sqlite3_column_text(q, 5);
	row->revoked = sqlite3_column_int(q, 6) != 0;
	row->is_latest = sqlite3_column_int(q, 7) != 0;
	row->date_added = sqlite3_column_int64(q, 8);
	row->json = (const char *)sqlite3_column_text(q, 9);
	row->json_len = (size_t)sqlite3_column_bytes(q, 9);
	row->version = (const char *)sqlite3_column_text(q, 10);
	row->owner = sqlite3_column_int64(q, 11);
	row->tlp = sqlite3_column_int(q, 12);
	row->rel_mask = sqlite3_column_int64(q, 13);
	row->classification = sqlite3_column_int(q, 14);
	row->name = (const char *)sqlite3_column_text(q, 15);
}

/* The columns of a lean scan (see scan_sql); the others read as empty. */
static void lean_row_from(sqlite3_stmt *q, struct cx_object_row *row)
{
	memset(row, 0, sizeof(*row));
	row->type = "";
	row->spec_version = "";
	row->name = "";
	row->id = (const char *)sqlite3_column_text(q, 0);
	row->modified = sqlite3_column_int64(q, 1);
	row->date_added = sqlite3_column_int64(q, 2);
	row->json = (const char *)sqlite3_column_text(q, 3);
	row->json_len = (size_t)sqlite3_column_bytes(q, 3);
	row->version = (const char *)sqlite3_column_text(q, 4);
	row->owner = sqlite3_column_int64(q, 5);
	row->tlp = sqlite3_column_int(q, 6);
	row->rel_mask = sqlite3_column_int64(q, 7);
	row->classification = sqlite3_column_int(q, 8);
}

static enum cx_store_status object_latest(struct cx_store *s, const char *id,
					  struct cx_object_row *ret)
{
	struct sqlite_store *st = cx_sq(s);
	char sql[512];
	sqlite3_stmt *q;
	enum cx_store_status r = CX_STORE_NO_RESULT;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT " ROW_COLUMNS " FROM objects o WHERE o.id = ?1 "
				   "AND o.is_latest = 1", "o", "o");
	q = cx_sq_stmt(st, sql);
	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		row_from(q, ret);
		r = CX_STORE_OK;
		/* Keep the row readable until the next call: do not reset yet. */
		return r;
	}
	if (rc != SQLITE_DONE)
		r = cx_sq_status(st, rc);
	cx_sq_done(q);
	return r;
}

/* Named placeholders :p0, :p1, ... for a list. */
static void placeholders(struct cx_buf *sql, char prefix, size_t n)
{
	for (size_t k = 0; k < n; k++)
		cx_buf_printf(sql, "%s:%c%zu", k ? ", " : "", prefix, k);
}

/* The access predicate for another alias of the objects table. */
static void access_for_alias(struct cx_buf *sql, const char *access_sql, const char *alias)
{
	for (const char *p = access_sql; *p;) {
		if (strncmp(p, "o.eff_", 6) == 0) {
			cx_buf_printf(sql, "%s.eff_", alias);
			p += 6;
		} else {
			cx_buf_putc(sql, *p++);
		}
	}
}

/* "newest" or "oldest" version: with an access rule, among the versions the
 * reader may read (a hidden version does not exist for them). */
static void version_pick(struct cx_buf *sql, const struct cx_object_filter *f, bool newest)
{
	const char *agg = newest ? "max" : "min";

	if (f->collection) {
		cx_buf_printf(sql, "co.%s = 1", newest ? "is_latest" : "is_first");
		if (!f->access_sql)
			return;
		cx_buf_printf(sql, " OR co.modified = (SELECT %s(c2.modified) FROM collection_objects "
				   "c2 JOIN objects o2 ON o2.rowid = c2.object WHERE c2.collection = "
				   "co.collection AND c2.object_id = co.object_id AND ",
			      agg);
	} else {
		/* Across the store, the newest readable version is the newest
		 * version (doc/ACCESS.md: the newest one decides for all). */
		if (newest) {
			cx_buf_puts(sql, "o.is_latest = 1");
			return;
		}
		cx_buf_printf(sql, "o.modified = (SELECT %s(o2.modified) FROM objects o2 WHERE "
				   "o2.id = o.id",
			      agg);
		if (!f->access_sql) {
			cx_buf_putc(sql, ')');
			return;
		}
		cx_buf_puts(sql, " AND ");
	}
	access_for_alias(sql, f->access_sql, "o2");
	cx_buf_putc(sql, ')');
}

/* One query per page: the filters become one SQL statement that walks an
 * index in date_added order; its text depends only on the filter's shape, so
 * the prepared statement is reused across pages. Every parameter is named,
 * so that clauses may come in any order. */
static int scan_sql(const struct cx_object_filter *f, struct cx_buf *sql)
{
	const char *t = f->collection ? "co" : "o";

	if (f->lean)
		cx_buf_printf(sql, "SELECT o.id, o.modified, %s.date_added, o.json, o.version, "
				   "o.owner, o.tlp, o.rel_mask, o.class",
			      t);
	else
		cx_buf_printf(sql, "SELECT " ROW_COLUMNS, t, t);
	if (f->collection)
		cx_buf_puts(sql, " FROM collection_objects co JOIN objects o ON o.rowid = co.object "
				 "WHERE co.collection = :coll AND co.date_added > :after");
	else
		cx_buf_puts(sql, " FROM objects o WHERE o.date_added > :after");
	if (f->nids) {
		cx_buf_printf(sql, " AND %s.%s IN (", t, f->collection ? "object_id" : "id");
		placeholders(sql, 'i', f->nids);
		cx_buf_putc(sql, ')');
	}
	if (f->ntypes) {
		cx_buf_printf(sql, " AND %s.type IN (", t);
		placeholders(sql, 't', f->ntypes);
		cx_buf_putc(sql, ')');
	}
	if (f->modified_after)
		cx_buf_printf(sql, " AND %s.modified > :modafter", t);
	if (f->modified_before)
		cx_buf_printf(sql, " AND %s.modified < :modbefore", t);
	if (f->added_before)
		cx_buf_printf(sql, " AND %s.date_added < :before", t);
	if (f->owner)
		cx_buf_puts(sql, " AND o.owner = :owner");
	if (f->revoked == 1 || f->revoked == 2)
		cx_buf_printf(sql, " AND o.revoked = %d", f->revoked == 1);
	if (f->fts)
		cx_buf_puts(sql, " AND o.rowid IN (SELECT rowid FROM objects_fts WHERE objects_fts "
				 "MATCH :fts)");
	if (f->ref_to)
		cx_buf_puts(sql, " AND o.rowid IN (SELECT from_rowid FROM object_refs WHERE to_id = "
				 ":refto AND kind = :refkind)");
	if (f->access_sql)
		cx_buf_printf(sql, " AND %s", f->access_sql);
	if (f->versions || f->nmodified) {
		const char *sep = "";

		cx_buf_puts(sql, " AND (");
		if (f->versions & CX_VERSION_LAST) {
			cx_buf_putc(sql, '(');
			version_pick(sql, f, true);
			cx_buf_putc(sql, ')');
			sep = " OR ";
		}
		if (f->versions & CX_VERSION_FIRST) {
			cx_buf_printf(sql, "%s(", sep);
			version_pick(sql, f, false);
			cx_buf_putc(sql, ')');
			sep = " OR ";
		}
		if (f->nmodified) {
			cx_buf_printf(sql, "%s%s.modified IN (", sep, t);
			placeholders(sql, 'm', f->nmodified);
			cx_buf_putc(sql, ')');
		}
		cx_buf_putc(sql, ')');
	}
	cx_buf_printf(sql, " ORDER BY %s.date_added%s LIMIT :limit", t,
		      f->newest_first ? " DESC" : "");
	return sql->err;
}

static void bind_named_int(sqlite3_stmt *q, const char *name, int64_t v)
{
	int at = sqlite3_bind_parameter_index(q, name);

	if (at > 0)
		sqlite3_bind_int64(q, at, v);
}

static void bind_named_list(sqlite3_stmt *q, char prefix, const char *const *texts,
			    const int64_t *ints, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		char name[24];
		int at;

		snprintf(name, sizeof(name), ":%c%zu", prefix, k);
		at = sqlite3_bind_parameter_index(q, name);
		if (at <= 0)
			continue;
		if (texts)
			cx_sq_bind_text(q, at, texts[k]);
		else
			sqlite3_bind_int64(q, at, ints[k]);
	}
}

static enum cx_store_status objects_scan(struct cx_store *s, const struct cx_object_filter *f,
					 cx_object_cb cb, void *arg)
{
	struct sqlite_store *st = cx_sq(s);
	struct cx_buf sql;
	sqlite3_stmt *q;
	enum cx_store_status r = CX_STORE_NO_RESULT;
	int rc;

	cx_buf_init(&sql, 64 * 1024);
	if (scan_sql(f, &sql) < 0) {
		snprintf(st->errmsg, sizeof(st->errmsg), "scan query too long");
		cx_buf_release(&sql);
		return CX_STORE_HARD_ERROR;
	}
	q = cx_sq_stmt(st, sql.data);
	cx_buf_release(&sql);
	if (!q)
		return CX_STORE_HARD_ERROR;
	bind_named_int(q, ":coll", f->collection);
	bind_named_int(q, ":after", f->added_after);
	bind_named_list(q, 'i', f->ids, NULL, f->nids);
	bind_named_list(q, 't', f->types, NULL, f->ntypes);
	bind_named_list(q, 'm', NULL, f->modified_in, f->nmodified);
	bind_named_int(q, ":modafter", f->modified_after);
	bind_named_int(q, ":modbefore", f->modified_before);
	bind_named_int(q, ":before", f->added_before);
	bind_named_int(q, ":owner", f->owner);
	if (f->fts)
		cx_sq_bind_text(q, sqlite3_bind_parameter_index(q, ":fts"), f->fts);
	if (f->ref_to) {
		cx_sq_bind_text(q, sqlite3_bind_parameter_index(q, ":refto"), f->ref_to);
		cx_sq_bind_text(q, sqlite3_bind_parameter_index(q, ":refkind"), f->ref_kind);
	}
	bind_named_int(q, ":limit", f->limit ? (int64_t)f->limit : -1);
	for (size_t k = 0; k < f->naccess_args; k++)
		bind_named_int(q, f->access_args[k].name, f->access_args[k].value);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct cx_object_row row;

		if (f->lean)
			lean_row_from(q, &row);
		else
			row_from(q, &row);
		r = CX_STORE_OK;
		if (cb(arg, &row) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		r = cx_sq_status(st, rc);
		/* A plain SQL error here can only come from the caller's query. */
		if (f->fts && (rc & 0xff) == SQLITE_ERROR) {
			char msg[200];

			cx_strlcpy(msg, st->errmsg, sizeof(msg));
			snprintf(st->errmsg, sizeof(st->errmsg), "bad full-text query: %.200s", msg);
		}
	}
	cx_sq_done(q);
	return r;
}

static enum cx_store_status objects_count(struct cx_store *s, int64_t *ret_count)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT count(*) FROM objects");
	int rc;

	if (!q)
		return CX_STORE_HARD_ERROR;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*ret_count = sqlite3_column_int64(q, 0);
	cx_sq_done(q);
	return rc == SQLITE_ROW ? CX_STORE_OK : cx_sq_status(st, rc);
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
	st->api.object_latest = object_latest;
	st->api.objects_scan = objects_scan;
	st->api.objects_count = objects_count;
	cx_sq_install_collections(&st->api);
	cx_sq_install_identity(&st->api);

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
