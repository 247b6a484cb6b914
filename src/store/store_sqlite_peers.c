/* Federation peers and the sync state of their collections in the SQLite
 * backend (doc/FEDERATION.md). */
#include <string.h>

#include "store/store_sqlite.h"
#include "util/str.h"

#define PEER_COLUMNS                                                                               \
	"rowid, name, url, partner, user_name, secret, secret_kind, public_key, key_id, "          \
	"into_collection, created"

static enum cx_store_status peer_add(struct cx_store *s, const struct cx_peer *p,
                                     int64_t *ret_rowid)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "INSERT INTO peers (name, url, partner, user_name, "
	                                 "secret, secret_kind, public_key, key_id, "
	                                 "into_collection, created) "
	                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	enum cx_store_status r;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, p->name);
	cx_sq_bind_text(q, 2, p->url);
	cx_sq_bind_text(q, 3, p->partner);
	cx_sq_bind_text(q, 4, p->user);
	cx_sq_bind_text(q, 5, p->secret);
	cx_sq_bind_text(q, 6, p->secret_is_token ? "token" : "password");
	cx_sq_bind_text(q, 7, p->public_key);
	cx_sq_bind_text(q, 8, p->key_id);
	cx_sq_bind_text(q, 9, p->into);
	sqlite3_bind_int64(q, 10, p->created);
	r = cx_sq_insert_unique(st, q);
	if (r == CX_STORE_OK && ret_rowid)
		*ret_rowid = sqlite3_last_insert_rowid(st->db);
	return r;
}

static void peer_from(sqlite3_stmt *q, struct cx_peer *p)
{
	memset(p, 0, sizeof(*p));
	p->rowid = sqlite3_column_int64(q, 0);
	cx_strlcpy(p->name, (const char *)sqlite3_column_text(q, 1), sizeof(p->name));
	cx_strlcpy(p->url, (const char *)sqlite3_column_text(q, 2), sizeof(p->url));
	cx_strlcpy(p->partner, (const char *)sqlite3_column_text(q, 3), sizeof(p->partner));
	cx_strlcpy(p->user, (const char *)sqlite3_column_text(q, 4), sizeof(p->user));
	cx_strlcpy(p->secret, (const char *)sqlite3_column_text(q, 5), sizeof(p->secret));
	p->secret_is_token = strcmp((const char *)sqlite3_column_text(q, 6), "token") == 0;
	cx_strlcpy(p->public_key, (const char *)sqlite3_column_text(q, 7), sizeof(p->public_key));
	cx_strlcpy(p->key_id, (const char *)sqlite3_column_text(q, 8), sizeof(p->key_id));
	cx_strlcpy(p->into, (const char *)sqlite3_column_text(q, 9), sizeof(p->into));
	p->created = sqlite3_column_int64(q, 10);
}

static enum cx_store_status peer_get(struct cx_store *s, const char *name, struct cx_peer *ret)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT " PEER_COLUMNS " FROM peers WHERE name = ?1");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, name);
	cx_sq_rows_init(&rows, st, q);
	if (cx_sq_rows_next(&rows))
		peer_from(q, ret);
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status peer_list(struct cx_store *s,
                                      int (*cb)(void *arg, const struct cx_peer *p), void *arg)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT " PEER_COLUMNS " FROM peers ORDER BY name");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_rows_init(&rows, st, q);
	while (cx_sq_rows_next(&rows)) {
		struct cx_peer p;

		peer_from(q, &p);
		if (cb(arg, &p) != 0)
			break;
	}
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status peer_remove(struct cx_store *s, const char *name)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "DELETE FROM peer_collections WHERE peer IN "
	                                 "(SELECT rowid FROM peers WHERE name = ?1)");
	enum cx_store_status r;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, name);
	r = cx_sq_exec_stmt(st, q);
	if (r < 0)
		return r;
	q = cx_sq_stmt(st, "DELETE FROM peers WHERE name = ?1");
	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, name);
	return cx_sq_exec_changed(st, q);
}

static enum cx_store_status peer_collection_add(struct cx_store *s, int64_t peer,
                                                const char *collection)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "INSERT INTO peer_collections (peer, collection) "
	                                 "VALUES (?1, ?2)");

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, peer);
	cx_sq_bind_text(q, 2, collection);
	return cx_sq_insert_unique(st, q);
}

static enum cx_store_status
peer_collections(struct cx_store *s, int64_t peer,
                 int (*cb)(void *arg, const struct cx_peer_collection *c), void *arg)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT rowid, peer, collection, cursor, last_attempt, "
	                                 "last_success, last_error, received, stored, duplicate, "
	                                 "rejected FROM peer_collections WHERE peer = ?1 "
	                                 "ORDER BY rowid");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, peer);
	cx_sq_rows_init(&rows, st, q);
	while (cx_sq_rows_next(&rows)) {
		struct cx_peer_collection c;

		memset(&c, 0, sizeof(c));
		c.rowid = sqlite3_column_int64(q, 0);
		c.peer = sqlite3_column_int64(q, 1);
		cx_strlcpy(c.collection, (const char *)sqlite3_column_text(q, 2),
		           sizeof(c.collection));
		cx_strlcpy(c.cursor, (const char *)sqlite3_column_text(q, 3), sizeof(c.cursor));
		c.last_attempt = sqlite3_column_int64(q, 4);
		c.last_success = sqlite3_column_int64(q, 5);
		cx_strlcpy(c.last_error, (const char *)sqlite3_column_text(q, 6),
		           sizeof(c.last_error));
		c.received = sqlite3_column_int64(q, 7);
		c.stored = sqlite3_column_int64(q, 8);
		c.duplicate = sqlite3_column_int64(q, 9);
		c.rejected = sqlite3_column_int64(q, 10);
		if (cb(arg, &c) != 0)
			break;
	}
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status peer_collection_advance(struct cx_store *s, int64_t rowid,
                                                    const char *cursor, int64_t now,
                                                    int64_t received, int64_t stored,
                                                    int64_t duplicate, int64_t rejected)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q =
	    cx_sq_stmt(st, "UPDATE peer_collections SET cursor = coalesce(?2, cursor), "
	                   "last_attempt = ?3, last_success = ?3, last_error = '', "
	                   "received = received + ?4, stored = stored + ?5, "
	                   "duplicate = duplicate + ?6, rejected = rejected + ?7 WHERE rowid = ?1");

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, rowid);
	cx_sq_bind_text(q, 2, cursor);
	sqlite3_bind_int64(q, 3, now);
	sqlite3_bind_int64(q, 4, received);
	sqlite3_bind_int64(q, 5, stored);
	sqlite3_bind_int64(q, 6, duplicate);
	sqlite3_bind_int64(q, 7, rejected);
	return cx_sq_exec_changed(st, q);
}

static enum cx_store_status peer_collection_fail(struct cx_store *s, int64_t rowid, int64_t now,
                                                 const char *error)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "UPDATE peer_collections SET last_attempt = ?2, "
	                                 "last_error = ?3 WHERE rowid = ?1");

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, rowid);
	sqlite3_bind_int64(q, 2, now);
	cx_sq_bind_text(q, 3, error);
	return cx_sq_exec_changed(st, q);
}

void cx_sq_install_peers(struct cx_store *s)
{
	s->peer_add = peer_add;
	s->peer_get = peer_get;
	s->peer_list = peer_list;
	s->peer_remove = peer_remove;
	s->peer_collection_add = peer_collection_add;
	s->peer_collections = peer_collections;
	s->peer_collection_advance = peer_collection_advance;
	s->peer_collection_fail = peer_collection_fail;
}
