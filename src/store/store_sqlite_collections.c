/* Collections, their members and their grants, in the SQLite backend. */
#include <stdio.h>
#include <string.h>

#include "store/store_sqlite.h"
#include "util/buf.h"
#include "util/str.h"

static enum cx_store_status collection_create(struct cx_store *s, const struct cx_collection *c)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "INSERT INTO collections (id, api_root, alias, title, "
					 "description) VALUES (?1, ?2, NULLIF(?3, ''), ?4, ?5)");

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, c->id);
	cx_sq_bind_text(q, 2, c->api_root);
	cx_sq_bind_text(q, 3, c->alias);
	cx_sq_bind_text(q, 4, c->title);
	cx_sq_bind_text(q, 5, c->description);
	return cx_sq_insert_unique(st, q);
}

#define COLLECTION_COLUMNS "rowid, id, api_root, coalesce(alias, ''), title, description"

static void collection_from(sqlite3_stmt *q, struct cx_collection *c)
{
	c->rowid = sqlite3_column_int64(q, 0);
	cx_strlcpy(c->id, (const char *)sqlite3_column_text(q, 1), sizeof(c->id));
	cx_strlcpy(c->api_root, (const char *)sqlite3_column_text(q, 2), sizeof(c->api_root));
	cx_strlcpy(c->alias, (const char *)sqlite3_column_text(q, 3), sizeof(c->alias));
	cx_strlcpy(c->title, (const char *)sqlite3_column_text(q, 4), sizeof(c->title));
	cx_strlcpy(c->description, (const char *)sqlite3_column_text(q, 5),
		   sizeof(c->description));
}

static enum cx_store_status collection_get(struct cx_store *s, const char *api_root,
					   const char *id_or_alias, struct cx_collection *ret)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT " COLLECTION_COLUMNS " FROM collections "
					 "WHERE (id = ?1 OR alias = ?1) "
					 "AND (?2 IS NULL OR api_root = ?2) ORDER BY rowid LIMIT 1");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, id_or_alias);
	cx_sq_bind_text(q, 2, api_root);
	cx_sq_rows_init(&rows, st, q);
	if (cx_sq_rows_next(&rows))
		collection_from(q, ret);
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status collection_list(struct cx_store *s, const char *api_root,
					    int (*cb)(void *arg, const struct cx_collection *c),
					    void *arg)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT " COLLECTION_COLUMNS " FROM collections "
					 "WHERE ?1 IS NULL OR api_root = ?1 ORDER BY rowid");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, api_root);
	cx_sq_rows_init(&rows, st, q);
	while (cx_sq_rows_next(&rows)) {
		struct cx_collection c;

		collection_from(q, &c);
		if (cb(arg, &c) != 0)
			break;
	}
	return cx_sq_rows_end(&rows);
}

/* Recompute which members of one object are its newest and oldest version
 * in the collection. */
static enum cx_store_status refresh_flags(struct sqlite_store *st, int64_t collection,
					  const char *id)
{
	sqlite3_stmt *q = cx_sq_stmt(
		st, "UPDATE collection_objects SET "
		    "is_latest = (modified = (SELECT max(v.modified) FROM collection_objects v "
		    "WHERE v.collection = ?1 AND v.object_id = ?2)), "
		    "is_first = (modified = (SELECT min(v.modified) FROM collection_objects v "
		    "WHERE v.collection = ?1 AND v.object_id = ?2)) "
		    "WHERE collection = ?1 AND object_id = ?2");

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, collection);
	cx_sq_bind_text(q, 2, id);
	return cx_sq_exec_stmt(st, q);
}

static enum cx_store_status collection_add_object(struct cx_store *s, int64_t collection,
						  const char *id, int64_t modified,
						  int64_t *ret_date_added)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q;
	enum cx_store_status r;
	int64_t date_added;

	if ((r = cx_sq_next_date_added(st, &date_added)) < 0)
		return r;
	q = cx_sq_stmt(st, "INSERT OR IGNORE INTO collection_objects (collection, object, "
			   "object_id, type, modified, date_added) "
			   "SELECT ?1, o.rowid, o.id, o.type, o.modified, ?4 FROM objects o "
			   "WHERE o.id = ?2 AND o.modified = ?3");
	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, collection);
	cx_sq_bind_text(q, 2, id);
	sqlite3_bind_int64(q, 3, modified);
	sqlite3_bind_int64(q, 4, date_added);
	/* Nothing inserted: already a member (or no such version). */
	if ((r = cx_sq_exec_changed(st, q)) != CX_STORE_OK)
		return r;
	if ((r = refresh_flags(st, collection, id)) < 0)
		return r;
	if (ret_date_added)
		*ret_date_added = date_added;
	return CX_STORE_OK;
}

static enum cx_store_status collection_remove_object(struct cx_store *s, int64_t collection,
						     const char *id,
						     const int64_t *modified_in,
						     size_t nmodified, int64_t *ret_removed)
{
	struct sqlite_store *st = cx_sq(s);
	struct cx_buf sql;
	sqlite3_stmt *q;
	enum cx_store_status r;
	int64_t removed;

	cx_buf_init(&sql, 64 * 1024);
	cx_buf_puts(&sql, "DELETE FROM collection_objects WHERE collection = ?1 AND object_id = ?2");
	if (nmodified) {
		cx_buf_puts(&sql, " AND modified IN (");
		for (size_t k = 0; k < nmodified; k++)
			cx_buf_printf(&sql, "%s?%zu", k ? ", " : "", k + 3);
		cx_buf_putc(&sql, ')');
	}
	if (sql.err) {
		cx_buf_release(&sql);
		return CX_STORE_HARD_ERROR;
	}
	q = cx_sq_stmt(st, sql.data);
	cx_buf_release(&sql);
	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, collection);
	cx_sq_bind_text(q, 2, id);
	for (size_t k = 0; k < nmodified; k++)
		sqlite3_bind_int64(q, (int)k + 3, modified_in[k]);
	if ((r = cx_sq_exec_stmt(st, q)) < 0)
		return r;
	removed = sqlite3_changes(st->db);
	if (removed && (r = refresh_flags(st, collection, id)) < 0)
		return r;
	if (ret_removed)
		*ret_removed = removed;
	return removed ? CX_STORE_OK : CX_STORE_NO_RESULT;
}

static enum cx_store_status collection_grant(struct cx_store *s, int64_t collection,
					     const char *partner, const char *role,
					     bool can_read, bool can_write)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q;

	if (!can_read && !can_write)
		q = cx_sq_stmt(st, "DELETE FROM collection_acl WHERE collection = ?1 AND "
				   "partner = ?2 AND role = ?3");
	else
		q = cx_sq_stmt(st, "INSERT INTO collection_acl VALUES (?1, ?2, ?3, ?4, ?5) "
				   "ON CONFLICT (collection, partner, role) DO UPDATE SET "
				   "can_read = ?4, can_write = ?5");
	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, collection);
	cx_sq_bind_text(q, 2, partner);
	cx_sq_bind_text(q, 3, role);
	if (can_read || can_write) {
		sqlite3_bind_int(q, 4, can_read);
		sqlite3_bind_int(q, 5, can_write);
	}
	return cx_sq_exec_stmt(st, q);
}

static enum cx_store_status collection_grants(struct cx_store *s, int64_t collection,
					      int (*cb)(void *arg, const char *partner,
							const char *role, bool can_read,
							bool can_write),
					      void *arg)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT partner, role, can_read, can_write FROM "
					 "collection_acl WHERE collection = ?1 "
					 "ORDER BY partner, role");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, collection);
	cx_sq_rows_init(&rows, st, q);
	while (cx_sq_rows_next(&rows)) {
		if (cb(arg, (const char *)sqlite3_column_text(q, 0),
		       (const char *)sqlite3_column_text(q, 1), sqlite3_column_int(q, 2) != 0,
		       sqlite3_column_int(q, 3) != 0) != 0)
			break;
	}
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status collection_access(struct cx_store *s, int64_t collection,
					      const char *partner, unsigned roles,
					      bool *ret_read, bool *ret_write)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(
		st, "SELECT coalesce(max(can_read), 0), coalesce(max(can_write), 0) "
		    "FROM collection_acl WHERE collection = ?1 AND (partner = '*' OR partner = ?2) "
		    "AND (role = '*' OR (role = 'reader' AND ?3 & 1) "
		    "OR (role = 'contributor' AND ?3 & 2) OR (role = 'approver' AND ?3 & 4) "
		    "OR (role = 'admin' AND ?3 & 8) OR (role = 'peer' AND ?3 & 16))");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, collection);
	cx_sq_bind_text(q, 2, partner);
	sqlite3_bind_int(q, 3, (int)roles);
	cx_sq_rows_init(&rows, st, q);
	if (cx_sq_rows_next(&rows)) {
		*ret_read = sqlite3_column_int(q, 0) != 0;
		*ret_write = sqlite3_column_int(q, 1) != 0;
	}
	return cx_sq_rows_end(&rows);
}

void cx_sq_install_collections(struct cx_store *s)
{
	s->collection_create = collection_create;
	s->collection_get = collection_get;
	s->collection_list = collection_list;
	s->collection_add_object = collection_add_object;
	s->collection_remove_object = collection_remove_object;
	s->collection_grant = collection_grant;
	s->collection_grants = collection_grants;
	s->collection_access = collection_access;
}
