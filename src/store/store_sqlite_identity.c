/* Partners, users, tokens, TAXII status resources and node metadata, in the
 * SQLite backend. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_sqlite.h"
#include "util/str.h"

static enum cx_store_status partner_add(struct cx_store *s, const struct cx_partner *p)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "INSERT INTO partners (code, name, identity_id, created) "
					 "VALUES (?1, ?2, ?3, ?4)");

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, p->code);
	cx_sq_bind_text(q, 2, p->name);
	cx_sq_bind_text(q, 3, p->identity_id);
	sqlite3_bind_int64(q, 4, p->created);
	return cx_sq_insert_unique(st, q);
}

static void partner_from(sqlite3_stmt *q, struct cx_partner *p)
{
	p->rowid = sqlite3_column_int64(q, 0);
	cx_strlcpy(p->code, (const char *)sqlite3_column_text(q, 1), sizeof(p->code));
	cx_strlcpy(p->name, (const char *)sqlite3_column_text(q, 2), sizeof(p->name));
	cx_strlcpy(p->identity_id, (const char *)sqlite3_column_text(q, 3),
		   sizeof(p->identity_id));
	p->created = sqlite3_column_int64(q, 4);
}

/* The partner whose column (code or identity_id, in sql) is key. */
static enum cx_store_status partner_where(struct cx_store *s, const char *sql, const char *key,
					  struct cx_partner *ret)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, sql);
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, key);
	cx_sq_rows_init(&rows, st, q);
	if (cx_sq_rows_next(&rows))
		partner_from(q, ret);
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status partner_get(struct cx_store *s, const char *code,
					struct cx_partner *ret)
{
	return partner_where(s, "SELECT rowid, code, name, identity_id, created "
				"FROM partners WHERE code = ?1", code, ret);
}

static enum cx_store_status partner_by_identity(struct cx_store *s, const char *identity_id,
						struct cx_partner *ret)
{
	return partner_where(s, "SELECT rowid, code, name, identity_id, created "
				"FROM partners WHERE identity_id = ?1", identity_id, ret);
}

static enum cx_store_status partner_max_rowid(struct cx_store *s, int64_t *ret)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT coalesce(max(rowid), 0) FROM partners");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_rows_init(&rows, st, q);
	if (cx_sq_rows_next(&rows))
		*ret = sqlite3_column_int64(q, 0);
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status partner_list(struct cx_store *s,
					 int (*cb)(void *arg, const struct cx_partner *p),
					 void *arg)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT rowid, code, name, identity_id, created "
					 "FROM partners ORDER BY code");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_rows_init(&rows, st, q);
	while (cx_sq_rows_next(&rows)) {
		struct cx_partner p;

		partner_from(q, &p);
		if (cb(arg, &p) != 0)
			break;
	}
	return cx_sq_rows_end(&rows);
}

#define USER_COLUMNS                                                                               \
	"u.rowid, u.name, u.partner, p.code, u.roles, u.clearance, u.disabled, "                   \
	"coalesce(u.password_hash, ''), u.created"

static void user_from(sqlite3_stmt *q, int col, struct cx_user *u)
{
	const char *cl;

	u->rowid = sqlite3_column_int64(q, col);
	cx_strlcpy(u->name, (const char *)sqlite3_column_text(q, col + 1), sizeof(u->name));
	u->partner_rowid = sqlite3_column_int64(q, col + 2);
	cx_strlcpy(u->partner, (const char *)sqlite3_column_text(q, col + 3), sizeof(u->partner));
	u->roles = (unsigned)sqlite3_column_int(q, col + 4);
	cl = (const char *)sqlite3_column_text(q, col + 5);
	u->clearance = cl ? cl[0] : 'U';
	u->disabled = sqlite3_column_int(q, col + 6) != 0;
	cx_strlcpy(u->password_hash, (const char *)sqlite3_column_text(q, col + 7),
		   sizeof(u->password_hash));
	u->created = sqlite3_column_int64(q, col + 8);
}

static enum cx_store_status user_add(struct cx_store *s, const struct cx_user *u)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "INSERT INTO users (name, partner, roles, clearance, "
					 "password_hash, disabled, created) "
					 "VALUES (?1, ?2, ?3, ?4, NULLIF(?5, ''), ?6, ?7)");
	char cl[2] = {u->clearance, '\0'};

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, u->name);
	sqlite3_bind_int64(q, 2, u->partner_rowid);
	sqlite3_bind_int(q, 3, (int)u->roles);
	sqlite3_bind_text(q, 4, cl, 1, SQLITE_TRANSIENT);
	cx_sq_bind_text(q, 5, u->password_hash);
	sqlite3_bind_int(q, 6, u->disabled);
	sqlite3_bind_int64(q, 7, u->created);
	return cx_sq_insert_unique(st, q);
}

static enum cx_store_status user_get(struct cx_store *s, const char *name, struct cx_user *ret)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT " USER_COLUMNS " FROM users u "
					 "JOIN partners p ON p.rowid = u.partner WHERE u.name = ?1");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, name);
	cx_sq_rows_init(&rows, st, q);
	if (cx_sq_rows_next(&rows))
		user_from(q, 0, ret);
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status user_list(struct cx_store *s,
				      int (*cb)(void *arg, const struct cx_user *u), void *arg)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT " USER_COLUMNS " FROM users u "
					 "JOIN partners p ON p.rowid = u.partner ORDER BY u.name");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_rows_init(&rows, st, q);
	while (cx_sq_rows_next(&rows)) {
		struct cx_user u;

		user_from(q, 0, &u);
		if (cb(arg, &u) != 0)
			break;
	}
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status user_update(struct cx_store *s, const struct cx_user *u)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "UPDATE users SET roles = ?2, clearance = ?3, "
					 "disabled = ?4, password_hash = NULLIF(?5, '') "
					 "WHERE name = ?1");
	char cl[2] = {u->clearance, '\0'};

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, u->name);
	sqlite3_bind_int(q, 2, (int)u->roles);
	sqlite3_bind_text(q, 3, cl, 1, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 4, u->disabled);
	cx_sq_bind_text(q, 5, u->password_hash);
	return cx_sq_exec_changed(st, q);
}

static enum cx_store_status token_add(struct cx_store *s, const struct cx_token *t,
				      const unsigned char hash[32])
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "INSERT INTO tokens (id, user, hash, name, created, "
					 "expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, t->id);
	sqlite3_bind_int64(q, 2, t->user_rowid);
	sqlite3_bind_blob(q, 3, hash, 32, SQLITE_STATIC);
	cx_sq_bind_text(q, 4, t->name);
	sqlite3_bind_int64(q, 5, t->created);
	sqlite3_bind_int64(q, 6, t->expires);
	return cx_sq_insert_unique(st, q);
}

#define TOKEN_COLUMNS                                                                              \
	"t.rowid, t.id, t.user, u.name, t.name, t.created, t.expires, t.last_used, t.disabled"

static void token_from(sqlite3_stmt *q, struct cx_token *t)
{
	t->rowid = sqlite3_column_int64(q, 0);
	cx_strlcpy(t->id, (const char *)sqlite3_column_text(q, 1), sizeof(t->id));
	t->user_rowid = sqlite3_column_int64(q, 2);
	cx_strlcpy(t->user_name, (const char *)sqlite3_column_text(q, 3), sizeof(t->user_name));
	cx_strlcpy(t->name, (const char *)sqlite3_column_text(q, 4), sizeof(t->name));
	t->created = sqlite3_column_int64(q, 5);
	t->expires = sqlite3_column_int64(q, 6);
	t->last_used = sqlite3_column_int64(q, 7);
	t->disabled = sqlite3_column_int(q, 8) != 0;
}

static enum cx_store_status token_lookup(struct cx_store *s, const unsigned char hash[32],
					 struct cx_token *ret_token, struct cx_user *ret_user)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT " TOKEN_COLUMNS ", " USER_COLUMNS
					 " FROM tokens t JOIN users u ON u.rowid = t.user "
					 "JOIN partners p ON p.rowid = u.partner WHERE t.hash = ?1");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	cx_sq_rows_init(&rows, st, q);
	if (cx_sq_rows_next(&rows)) {
		token_from(q, ret_token);
		user_from(q, 9, ret_user);
	}
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status token_list(struct cx_store *s, const char *user_name,
				       int (*cb)(void *arg, const struct cx_token *t), void *arg)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT " TOKEN_COLUMNS " FROM tokens t "
					 "JOIN users u ON u.rowid = t.user "
					 "WHERE ?1 IS NULL OR u.name = ?1 ORDER BY t.rowid");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, user_name);
	cx_sq_rows_init(&rows, st, q);
	while (cx_sq_rows_next(&rows)) {
		struct cx_token t;

		token_from(q, &t);
		if (cb(arg, &t) != 0)
			break;
	}
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status token_disable(struct cx_store *s, const char *id)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "UPDATE tokens SET disabled = 1 WHERE id = ?1");

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, id);
	return cx_sq_exec_changed(st, q);
}

static enum cx_store_status token_touch(struct cx_store *s, int64_t rowid, int64_t now)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "UPDATE tokens SET last_used = ?2 WHERE rowid = ?1");

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, rowid);
	sqlite3_bind_int64(q, 2, now);
	return cx_sq_exec_stmt(st, q);
}

static enum cx_store_status session_create(struct cx_store *s, const unsigned char hash[32],
					   int64_t user, const char *csrf, int64_t now)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "INSERT INTO sessions VALUES (?1, ?2, ?3, ?4, ?4)");

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, user);
	cx_sq_bind_text(q, 3, csrf);
	sqlite3_bind_int64(q, 4, now);
	return cx_sq_exec_stmt(st, q);
}

static enum cx_store_status session_get(struct cx_store *s, const unsigned char hash[32],
					struct cx_user *ret_user, char ret_csrf[65],
					int64_t *ret_created, int64_t *ret_last_seen)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT " USER_COLUMNS ", x.csrf, x.created, x.last_seen "
					 "FROM sessions x JOIN users u ON u.rowid = x.user "
					 "JOIN partners p ON p.rowid = u.partner WHERE x.hash = ?1");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	cx_sq_rows_init(&rows, st, q);
	if (cx_sq_rows_next(&rows)) {
		user_from(q, 0, ret_user);
		cx_strlcpy(ret_csrf, (const char *)sqlite3_column_text(q, 9), 65);
		*ret_created = sqlite3_column_int64(q, 10);
		*ret_last_seen = sqlite3_column_int64(q, 11);
	}
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status session_touch(struct cx_store *s, const unsigned char hash[32],
					  int64_t now)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "UPDATE sessions SET last_seen = ?2 WHERE hash = ?1");

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, now);
	return cx_sq_exec_stmt(st, q);
}

static enum cx_store_status session_delete(struct cx_store *s, const unsigned char hash[32])
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "DELETE FROM sessions WHERE hash = ?1");

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	return cx_sq_exec_stmt(st, q);
}

static enum cx_store_status status_put(struct cx_store *s, const char *id, int64_t user,
				       const char *api_root, int64_t created, const char *json)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "INSERT INTO taxii_status VALUES (?1, ?2, ?3, ?4, ?5)");

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, id);
	sqlite3_bind_int64(q, 2, user);
	cx_sq_bind_text(q, 3, api_root);
	sqlite3_bind_int64(q, 4, created);
	cx_sq_bind_text(q, 5, json);
	return cx_sq_exec_stmt(st, q);
}

static enum cx_store_status status_get(struct cx_store *s, const char *id, int64_t user,
				       const char *api_root, int64_t not_before, char **ret_json)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT json FROM taxii_status WHERE id = ?1 AND "
					 "user = ?2 AND api_root = ?3 AND created >= ?4");
	struct cx_sq_rows rows;
	char *json = NULL;
	enum cx_store_status r;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, id);
	sqlite3_bind_int64(q, 2, user);
	cx_sq_bind_text(q, 3, api_root);
	sqlite3_bind_int64(q, 4, not_before);
	cx_sq_rows_init(&rows, st, q);
	if (cx_sq_rows_next(&rows))
		json = strdup((const char *)sqlite3_column_text(q, 0));
	if ((r = cx_sq_rows_end(&rows)) != CX_STORE_OK)
		return r;
	if (!json) {
		snprintf(st->errmsg, sizeof(st->errmsg), "out of memory");
		return CX_STORE_HARD_ERROR;
	}
	*ret_json = json;
	return CX_STORE_OK;
}

static enum cx_store_status status_purge(struct cx_store *s, int64_t created_before)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "DELETE FROM taxii_status WHERE created < ?1");

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, created_before);
	return cx_sq_exec_stmt(st, q);
}

static enum cx_store_status audit_head(struct cx_store *s, int64_t *ret_seq, char ret_hash[65])
{
	char head[128];
	enum cx_store_status r = s->meta_get(s, "audit_head", head, sizeof(head));
	char *colon;
	int64_t seq;

	if (r != CX_STORE_OK)
		return r < 0 ? r : CX_STORE_HARD_ERROR;
	colon = strchr(head, ':');
	if (!colon || strlen(colon + 1) != 64)
		return CX_STORE_HARD_ERROR;
	*colon = '\0';
	if (cx_parse_i64(head, 0, INT64_MAX, &seq) < 0)
		return CX_STORE_HARD_ERROR;
	*ret_seq = seq;
	memcpy(ret_hash, colon + 1, 65);
	return CX_STORE_OK;
}

static enum cx_store_status audit_add(struct cx_store *s, const struct cx_audit_row *row)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "INSERT INTO audit VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	enum cx_store_status r;
	char head[128];

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, row->seq);
	sqlite3_bind_int64(q, 2, row->ts);
	cx_sq_bind_text(q, 3, row->actor);
	cx_sq_bind_text(q, 4, row->action);
	cx_sq_bind_text(q, 5, row->json);
	cx_sq_bind_text(q, 6, row->prev_hash);
	cx_sq_bind_text(q, 7, row->hash);
	if ((r = cx_sq_exec_stmt(st, q)) < 0)
		return r;
	snprintf(head, sizeof(head), "%lld:%s", (long long)row->seq, row->hash);
	q = cx_sq_stmt(st, "UPDATE node_meta SET value = ?1 WHERE key = 'audit_head'");
	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, head);
	return cx_sq_exec_stmt(st, q);
}

static enum cx_store_status audit_scan(struct cx_store *s, int64_t after_seq, const char *action,
				       const char *actor, int64_t since, size_t limit,
				       int (*cb)(void *arg, const struct cx_audit_row *row),
				       void *arg)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT seq, ts, actor, action, json, prev_hash, hash "
					 "FROM audit WHERE seq > ?1 AND (?2 IS NULL OR action = ?2) "
					 "AND (?3 IS NULL OR actor = ?3) AND ts >= ?4 "
					 "ORDER BY seq LIMIT ?5");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	sqlite3_bind_int64(q, 1, after_seq);
	cx_sq_bind_text(q, 2, action);
	cx_sq_bind_text(q, 3, actor);
	sqlite3_bind_int64(q, 4, since);
	sqlite3_bind_int64(q, 5, limit ? (sqlite3_int64)limit : -1);
	cx_sq_rows_init(&rows, st, q);
	while (cx_sq_rows_next(&rows)) {
		struct cx_audit_row row = {
			sqlite3_column_int64(q, 0),
			sqlite3_column_int64(q, 1),
			(const char *)sqlite3_column_text(q, 2),
			(const char *)sqlite3_column_text(q, 3),
			(const char *)sqlite3_column_text(q, 4),
			(const char *)sqlite3_column_text(q, 5),
			(const char *)sqlite3_column_text(q, 6),
		};

		if (cb(arg, &row) != 0)
			break;
	}
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status meta_get(struct cx_store *s, const char *key, char *ret, size_t n)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT value FROM node_meta WHERE key = ?1");
	struct cx_sq_rows rows;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, key);
	cx_sq_rows_init(&rows, st, q);
	if (cx_sq_rows_next(&rows))
		cx_strlcpy(ret, (const char *)sqlite3_column_text(q, 0), n);
	return cx_sq_rows_end(&rows);
}

void cx_sq_install_identity(struct cx_store *s)
{
	s->partner_add = partner_add;
	s->partner_get = partner_get;
	s->partner_list = partner_list;
	s->partner_by_identity = partner_by_identity;
	s->partner_max_rowid = partner_max_rowid;
	s->user_add = user_add;
	s->user_get = user_get;
	s->user_list = user_list;
	s->user_update = user_update;
	s->token_add = token_add;
	s->token_lookup = token_lookup;
	s->token_list = token_list;
	s->token_disable = token_disable;
	s->token_touch = token_touch;
	s->status_put = status_put;
	s->session_create = session_create;
	s->session_get = session_get;
	s->session_touch = session_touch;
	s->session_delete = session_delete;
	s->status_get = status_get;
	s->status_purge = status_purge;
	s->meta_get = meta_get;
	s->audit_head = audit_head;
	s->audit_add = audit_add;
	s->audit_scan = audit_scan;
}
