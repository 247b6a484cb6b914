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
#include "store/store.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/time.h"

enum stmt_id {
	ST_VERSION_EXISTS,
	ST_LATEST,
	ST_UNSET_LATEST,
	ST_INSERT,
	ST_CLOCK_GET,
	ST_CLOCK_SET,
	ST_COUNT,
	ST_COLL_INSERT,
	ST_COLL_GET,
	ST_COLL_LIST,
	ST_COLL_ADD,
	ST__COUNT,
};

static const char *const stmt_sql[ST__COUNT] = {
	[ST_VERSION_EXISTS] = "SELECT 1 FROM objects WHERE id = ?1 AND modified = ?2",
	[ST_LATEST] = "SELECT rowid, modified FROM objects WHERE id = ?1 AND is_latest = 1",
	[ST_UNSET_LATEST] = "UPDATE objects SET is_latest = 0 WHERE rowid = ?1",
	[ST_INSERT] = "INSERT INTO objects (id, type, spec_version, created, modified, "
		      "created_by_ref, revoked, is_latest, date_added, json) "
		      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[ST_CLOCK_GET] = "SELECT last_us FROM node_clock WHERE one = 1",
	[ST_CLOCK_SET] = "UPDATE node_clock SET last_us = ?1 WHERE one = 1",
	[ST_COUNT] = "SELECT count(*) FROM objects",
	[ST_COLL_INSERT] = "INSERT INTO collections (id, alias, title, description) "
			   "VALUES (?1, NULLIF(?2, ''), ?3, ?4)",
	[ST_COLL_GET] = "SELECT id, coalesce(alias, ''), title, description FROM collections "
			"WHERE id = ?1 OR alias = ?1",
	[ST_COLL_LIST] = "SELECT id, coalesce(alias, ''), title, description FROM collections "
			 "ORDER BY rowid",
	[ST_COLL_ADD] = "INSERT OR IGNORE INTO collection_objects (collection, object, date_added) "
			"SELECT c.rowid, o.rowid, ?4 FROM collections c, objects o "
			"WHERE (c.id = ?1 OR c.alias = ?1) AND o.id = ?2 AND o.modified = ?3",
};

struct sqlite_store {
	struct cx_store api;
	sqlite3 *db;
	sqlite3_stmt *stmt[ST__COUNT];
	bool in_tx;
	bool write_tx;
	bool clock_loaded;
	bool clock_dirty;
	int64_t clock_last;
	char errmsg[256];
};

static struct sqlite_store *impl(struct cx_store *s)
{
	return (struct sqlite_store *)s->cls;
}

static enum cx_store_status classify(struct sqlite_store *st, int rc)
{
	int prim = rc & 0xff;

	if (prim == SQLITE_OK || prim == SQLITE_DONE || prim == SQLITE_ROW)
		return CX_STORE_OK;
	snprintf(st->errmsg, sizeof(st->errmsg), "%s", sqlite3_errmsg(st->db));
	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return CX_STORE_SOFT_ERROR;
	return CX_STORE_HARD_ERROR;
}

static sqlite3_stmt *stmt(struct sqlite_store *st, enum stmt_id id)
{
	if (!st->stmt[id]) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
				       &st->stmt[id], NULL) != SQLITE_OK) {
			snprintf(st->errmsg, sizeof(st->errmsg), "%s", sqlite3_errmsg(st->db));
			return NULL;
		}
	}
	return st->stmt[id];
}

static void done(sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

static int bind_text(sqlite3_stmt *q, int i, const char *s)
{
	if (!s)
		return sqlite3_bind_null(q, i);
	return sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC);
}

static const char *store_error(struct cx_store *s)
{
	return impl(s)->errmsg;
}

static enum cx_store_status exec(struct sqlite_store *st, const char *sql)
{
	return classify(st, sqlite3_exec(st->db, sql, NULL, NULL, NULL));
}

static enum cx_store_status begin(struct cx_store *s, bool write)
{
	struct sqlite_store *st = impl(s);
	enum cx_store_status r;

	r = exec(st, write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
	if (r < 0)
		return r;
	st->in_tx = true;
	st->write_tx = write;
	st->clock_loaded = false;
	st->clock_dirty = false;
	return CX_STORE_OK;
}

static enum cx_store_status commit(struct cx_store *s)
{
	struct sqlite_store *st = impl(s);
	enum cx_store_status r;

	if (st->clock_dirty) {
		sqlite3_stmt *q = stmt(st, ST_CLOCK_SET);

		if (!q)
			return CX_STORE_HARD_ERROR;
		sqlite3_bind_int64(q, 1, st->clock_last);
		r = classify(st, sqlite3_step(q));
		done(q);
		if (r < 0)
			return r;
	}
	r = exec(st, "COMMIT");
	if (r < 0)
		return r;
	st->in_tx = false;
	st->clock_dirty = false;
	return CX_STORE_OK;
}

static void rollback(struct cx_store *s)
{
	struct sqlite_store *st = impl(s);

	if (sqlite3_get_autocommit(st->db) == 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = false;
	st->clock_loaded = false;
	st->clock_dirty = false;
}

static bool in_transaction(struct cx_store *s)
{
	return sqlite3_get_autocommit(impl(s)->db) == 0;
}

/* The next date_added: strictly greater than every earlier one on this node
 * and never before the wall clock. Only valid inside a write transaction,
 * which serialises all writers of the file. */
static enum cx_store_status next_date_added(struct sqlite_store *st, int64_t *ret)
{
	int64_t now = cx_time_now_us();

	if (!st->write_tx) {
		snprintf(st->errmsg, sizeof(st->errmsg), "date_added outside a write transaction");
		return CX_STORE_HARD_ERROR;
	}
	if (!st->clock_loaded) {
		sqlite3_stmt *q = stmt(st, ST_CLOCK_GET);
		int rc;

		if (!q)
			return CX_STORE_HARD_ERROR;
		rc = sqlite3_step(q);
		if (rc != SQLITE_ROW) {
			enum cx_store_status r = classify(st, rc);

			done(q);
			return r < 0 ? r : CX_STORE_HARD_ERROR;
		}
		st->clock_last = sqlite3_column_int64(q, 0);
		done(q);
		st->clock_loaded = true;
	}
	st->clock_last = now > st->clock_last ? now : st->clock_last + 1;
	st->clock_dirty = true;
	*ret = st->clock_last;
	return CX_STORE_OK;
}

static enum cx_store_status object_put(struct cx_store *s, const struct cx_object_row *row,
				       int64_t *ret_date_added)
{
	struct sqlite_store *st = impl(s);
	sqlite3_stmt *q;
	int64_t latest_rowid = 0, latest_modified = 0, date_added;
	bool have_latest = false, is_latest;
	enum cx_store_status r;
	int rc;

	q = stmt(st, ST_VERSION_EXISTS);
	if (!q)
		return CX_STORE_HARD_ERROR;
	bind_text(q, 1, row->id);
	sqlite3_bind_int64(q, 2, row->modified);
	rc = sqlite3_step(q);
	done(q);
	if (rc == SQLITE_ROW)
		return CX_STORE_NO_RESULT;
	if ((r = classify(st, rc)) < 0)
		return r;

	q = stmt(st, ST_LATEST);
	if (!q)
		return CX_STORE_HARD_ERROR;
	bind_text(q, 1, row->id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		have_latest = true;
		latest_rowid = sqlite3_column_int64(q, 0);
		latest_modified = sqlite3_column_int64(q, 1);
	}
	done(q);
	if (rc != SQLITE_ROW && (r = classify(st, rc)) < 0)
		return r;

	is_latest = !have_latest || row->modified > latest_modified;
	if (is_latest && have_latest) {
		q = stmt(st, ST_UNSET_LATEST);
		if (!q)
			return CX_STORE_HARD_ERROR;
		sqlite3_bind_int64(q, 1, latest_rowid);
		rc = sqlite3_step(q);
		done(q);
		if ((r = classify(st, rc)) < 0)
			return r;
	}

	if ((r = next_date_added(st, &date_added)) < 0)
		return r;
	q = stmt(st, ST_INSERT);
	if (!q)
		return CX_STORE_HARD_ERROR;
	bind_text(q, 1, row->id);
	bind_text(q, 2, row->type);
	bind_text(q, 3, row->spec_version);
	sqlite3_bind_int64(q, 4, row->created);
	sqlite3_bind_int64(q, 5, row->modified);
	bind_text(q, 6, row->created_by_ref);
	sqlite3_bind_int(q, 7, row->revoked);
	sqlite3_bind_int(q, 8, is_latest);
	sqlite3_bind_int64(q, 9, date_added);
	sqlite3_bind_text(q, 10, row->json, (int)row->json_len, SQLITE_STATIC);
	rc = sqlite3_step(q);
	done(q);
	if ((r = classify(st, rc)) < 0)
		return r;
	if (ret_date_added)
		*ret_date_added = date_added;
	return CX_STORE_OK;
}

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
}

static enum cx_store_status objects_scan(struct cx_store *s, const struct cx_object_filter *f,
					 cx_object_cb cb, void *arg)
{
	struct sqlite_store *st = impl(s);
	struct cx_buf sql;
	sqlite3_stmt *q = NULL;
	enum cx_store_status r = CX_STORE_NO_RESULT;
	int i = 1, rc;

	cx_buf_init(&sql, 64 * 1024);
	if (f->collection)
		cx_buf_puts(&sql,
			    "SELECT o.id, o.type, o.spec_version, o.created, o.modified, "
			    "o.created_by_ref, o.revoked, o.is_latest, co.date_added, o.json "
			    "FROM collection_objects co JOIN objects o ON o.rowid = co.object "
			    "WHERE co.collection = (SELECT rowid FROM collections "
			    "WHERE id = ?1 OR alias = ?1) AND co.date_added > ?2");
	else
		cx_buf_puts(&sql, "SELECT o.id, o.type, o.spec_version, o.created, o.modified, "
				  "o.created_by_ref, o.revoked, o.is_latest, o.date_added, o.json "
				  "FROM objects o WHERE ?1 IS NULL AND o.date_added > ?2");
	if (f->ntypes) {
		cx_buf_puts(&sql, " AND o.type IN (");
		for (size_t k = 0; k < f->ntypes; k++)
			cx_buf_printf(&sql, "%s?%zu", k ? ", " : "", 3 + k);
		cx_buf_putc(&sql, ')');
	}
	if (f->modified_after)
		cx_buf_printf(&sql, " AND o.modified > ?%zu", 3 + f->ntypes);
	if (f->latest_only)
		cx_buf_puts(&sql, " AND o.is_latest = 1");
	cx_buf_puts(&sql, f->collection ? " ORDER BY co.date_added" : " ORDER BY o.date_added");
	if (f->limit)
		cx_buf_printf(&sql, " LIMIT %zu", f->limit);
	if (sql.err) {
		snprintf(st->errmsg, sizeof(st->errmsg), "scan query too long");
		r = CX_STORE_HARD_ERROR;
		goto out;
	}
	rc = sqlite3_prepare_v2(st->db, sql.data, (int)sql.len, &q, NULL);
	if (rc != SQLITE_OK) {
		r = classify(st, rc);
		goto out;
	}
	bind_text(q, i++, f->collection);
	sqlite3_bind_int64(q, i++, f->added_after);
	for (size_t k = 0; k < f->ntypes; k++)
		bind_text(q, i++, f->types[k]);
	if (f->modified_after)
		sqlite3_bind_int64(q, i++, f->modified_after);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct cx_object_row row;

		row_from(q, &row);
		r = CX_STORE_OK;
		if (cb(arg, &row) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = classify(st, rc);
out:
	sqlite3_finalize(q);
	cx_buf_release(&sql);
	return r;
}

static enum cx_store_status objects_count(struct cx_store *s, int64_t *ret_count)
{
	struct sqlite_store *st = impl(s);
	sqlite3_stmt *q = stmt(st, ST_COUNT);
	int rc;

	if (!q)
		return CX_STORE_HARD_ERROR;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*ret_count = sqlite3_column_int64(q, 0);
	done(q);
	return rc == SQLITE_ROW ? CX_STORE_OK : classify(st, rc);
}

static enum cx_store_status collection_create(struct cx_store *s, const struct cx_collection *c)
{
	struct sqlite_store *st = impl(s);
	sqlite3_stmt *q = stmt(st, ST_COLL_INSERT);
	int rc;

	if (!q)
		return CX_STORE_HARD_ERROR;
	bind_text(q, 1, c->id);
	bind_text(q, 2, c->alias);
	bind_text(q, 3, c->title);
	bind_text(q, 4, c->description);
	rc = sqlite3_step(q);
	done(q);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return CX_STORE_NO_RESULT;
	return classify(st, rc);
}

static void collection_from(sqlite3_stmt *q, struct cx_collection *c)
{
	cx_strlcpy(c->id, (const char *)sqlite3_column_text(q, 0), sizeof(c->id));
	cx_strlcpy(c->alias, (const char *)sqlite3_column_text(q, 1), sizeof(c->alias));
	cx_strlcpy(c->title, (const char *)sqlite3_column_text(q, 2), sizeof(c->title));
	cx_strlcpy(c->description, (const char *)sqlite3_column_text(q, 3),
		   sizeof(c->description));
}

static enum cx_store_status collection_get(struct cx_store *s, const char *id_or_alias,
					   struct cx_collection *ret)
{
	struct sqlite_store *st = impl(s);
	sqlite3_stmt *q = stmt(st, ST_COLL_GET);
	enum cx_store_status r;
	int rc;

	if (!q)
		return CX_STORE_HARD_ERROR;
	bind_text(q, 1, id_or_alias);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		collection_from(q, ret);
		r = CX_STORE_OK;
	} else {
		r = rc == SQLITE_DONE ? CX_STORE_NO_RESULT : classify(st, rc);
	}
	done(q);
	return r;
}

static enum cx_store_status collection_list(struct cx_store *s,
					    int (*cb)(void *arg, const struct cx_collection *c),
					    void *arg)
{
	struct sqlite_store *st = impl(s);
	sqlite3_stmt *q = stmt(st, ST_COLL_LIST);
	enum cx_store_status r = CX_STORE_NO_RESULT;
	int rc;

	if (!q)
		return CX_STORE_HARD_ERROR;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct cx_collection c;

		collection_from(q, &c);
		r = CX_STORE_OK;
		if (cb(arg, &c) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = classify(st, rc);
	done(q);
	return r;
}

static enum cx_store_status collection_add_object(struct cx_store *s, const char *collection,
						  const char *id, int64_t modified,
						  int64_t *ret_date_added)
{
	struct sqlite_store *st = impl(s);
	sqlite3_stmt *q;
	enum cx_store_status r;
	int64_t date_added;
	int rc;

	if ((r = next_date_added(st, &date_added)) < 0)
		return r;
	q = stmt(st, ST_COLL_ADD);
	if (!q)
		return CX_STORE_HARD_ERROR;
	bind_text(q, 1, collection);
	bind_text(q, 2, id);
	sqlite3_bind_int64(q, 3, modified);
	sqlite3_bind_int64(q, 4, date_added);
	rc = sqlite3_step(q);
	done(q);
	if ((r = classify(st, rc)) < 0)
		return r;
	if (sqlite3_changes(st->db) == 0)
		return CX_STORE_NO_RESULT;
	if (ret_date_added)
		*ret_date_added = date_added;
	return CX_STORE_OK;
}

static enum cx_store_status schema_version(struct cx_store *s, int *ret_version)
{
	struct sqlite_store *st = impl(s);
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL);

	if (rc != SQLITE_OK)
		return classify(st, rc);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*ret_version = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? CX_STORE_OK : classify(st, rc);
}

static void store_close(struct cx_store *s)
{
	struct sqlite_store *st;

	if (!s)
		return;
	st = impl(s);
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
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
	st->api.objects_scan = objects_scan;
	st->api.objects_count = objects_count;
	st->api.collection_create = collection_create;
	st->api.collection_get = collection_get;
	st->api.collection_list = collection_list;
	st->api.collection_add_object = collection_add_object;

	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
			 st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	if (exec(st, "PRAGMA journal_mode = WAL") < 0 ||
	    exec(st, "PRAGMA synchronous = FULL") < 0 || exec(st, "PRAGMA foreign_keys = ON") < 0 ||
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
