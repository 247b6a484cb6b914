/* The PII vault's rows in the SQLite backend: ids, counters, times and
 * ciphertext (core/vault.h seals and opens them). */
#include <string.h>

#include "store/store_sqlite.h"

#define COLUMNS "id, case_id, version, created, modified, created_by, nonce, box"

static enum cx_store_status vault_put(struct cx_store *s, const struct cx_vault_row *row)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "INSERT INTO vault (" COLUMNS ") "
					 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, row->id);
	cx_sq_bind_text(q, 2, row->case_id);
	sqlite3_bind_int64(q, 3, row->version);
	sqlite3_bind_int64(q, 4, row->created);
	sqlite3_bind_int64(q, 5, row->modified);
	cx_sq_bind_text(q, 6, row->created_by);
	sqlite3_bind_blob(q, 7, row->nonce, (int)row->nonce_len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 8, row->box, (int)row->box_len, SQLITE_STATIC);
	return cx_sq_insert_unique(st, q);
}

static void row_from(sqlite3_stmt *q, struct cx_vault_row *r)
{
	r->id = (const char *)sqlite3_column_text(q, 0);
	r->case_id = (const char *)sqlite3_column_text(q, 1);
	r->version = sqlite3_column_int64(q, 2);
	r->created = sqlite3_column_int64(q, 3);
	r->modified = sqlite3_column_int64(q, 4);
	r->created_by = (const char *)sqlite3_column_text(q, 5);
	r->nonce = sqlite3_column_blob(q, 6);
	r->nonce_len = (size_t)sqlite3_column_bytes(q, 6);
	r->box = sqlite3_column_blob(q, 7);
	r->box_len = (size_t)sqlite3_column_bytes(q, 7);
}

/* Rows of a statement whose one parameter is key, through cb. */
static enum cx_store_status rows_where(struct cx_store *s, const char *sql, const char *key,
				       cx_vault_cb cb, void *arg)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, sql);
	struct cx_sq_rows rows;
	struct cx_vault_row r;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, key);
	cx_sq_rows_init(&rows, st, q);
	while (cx_sq_rows_next(&rows)) {
		row_from(q, &r);
		if (cb(arg, &r) != 0)
			break;
	}
	return cx_sq_rows_end(&rows);
}

static enum cx_store_status vault_get(struct cx_store *s, const char *id, cx_vault_cb cb,
				      void *arg)
{
	return rows_where(s, "SELECT " COLUMNS " FROM vault WHERE id = ?1", id, cb, arg);
}

static enum cx_store_status vault_list(struct cx_store *s, const char *case_id, cx_vault_cb cb,
				       void *arg)
{
	return rows_where(s, "SELECT " COLUMNS " FROM vault WHERE case_id = ?1 ORDER BY rowid",
			  case_id, cb, arg);
}

static enum cx_store_status vault_count(struct cx_store *s, const char *case_id,
					int64_t *ret_count)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "SELECT count(*) FROM vault WHERE case_id = ?1");
	struct cx_sq_rows rows;
	enum cx_store_status r;
	int64_t n = 0;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, case_id);
	cx_sq_rows_init(&rows, st, q);
	if (cx_sq_rows_next(&rows))
		n = sqlite3_column_int64(q, 0);
	r = cx_sq_rows_end(&rows);
	if (r == CX_STORE_OK)
		*ret_count = n;
	return r;
}

static enum cx_store_status vault_replace(struct cx_store *s, const struct cx_vault_row *row,
					  int64_t expect_version)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = cx_sq_stmt(st, "UPDATE vault SET version = ?2, modified = ?3, "
					 "nonce = ?4, box = ?5 WHERE id = ?1 AND version = ?6");

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, row->id);
	sqlite3_bind_int64(q, 2, row->version);
	sqlite3_bind_int64(q, 3, row->modified);
	sqlite3_bind_blob(q, 4, row->nonce, (int)row->nonce_len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 5, row->box, (int)row->box_len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, expect_version);
	return cx_sq_exec_changed(st, q);
}

static enum cx_store_status vault_delete(struct cx_store *s, const char *id)
{
	struct sqlite_store *st = cx_sq(s);
	/* Zeros of the same length first: the freed cell then holds no
	 * ciphertext that the key could still open. */
	sqlite3_stmt *q = cx_sq_stmt(st, "UPDATE vault SET nonce = zeroblob(length(nonce)), "
					 "box = zeroblob(length(box)) WHERE id = ?1");
	enum cx_store_status r;

	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, id);
	r = cx_sq_exec_changed(st, q);
	if (r != CX_STORE_OK)
		return r;
	q = cx_sq_stmt(st, "DELETE FROM vault WHERE id = ?1");
	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, id);
	return cx_sq_exec_changed(st, q);
}

void cx_sq_install_vault(struct cx_store *s)
{
	s->vault_put = vault_put;
	s->vault_get = vault_get;
	s->vault_list = vault_list;
	s->vault_count = vault_count;
	s->vault_replace = vault_replace;
	s->vault_delete = vault_delete;
}
