/* Reading object versions in the SQLite backend: the newest version of one
 * id, and the scan behind every TAXII objects, manifest and versions page.
 *
 * The scan is the hot path of the node: rows are handed to the callback
 * straight from SQLite's buffers, with no copy or allocation per row. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store/store_sqlite.h"
#include "util/buf.h"
#include "util/str.h"

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
	struct cx_sq_rows rows;

	snprintf(sql, sizeof(sql), "SELECT " ROW_COLUMNS " FROM objects o WHERE o.id = ?1 "
				   "AND o.is_latest = 1", "o", "o");
	q = cx_sq_stmt(st, sql);
	if (!q)
		return CX_STORE_HARD_ERROR;
	cx_sq_bind_text(q, 1, id);
	cx_sq_rows_init(&rows, st, q);
	if (cx_sq_rows_next(&rows)) {
		/* Copy the strings, then reset: a statement left stepping would
		 * hold a read snapshot open, and a later write on this
		 * connection would then fail to see the newer database. */
		const char **fields[] = {&ret->id, &ret->type, &ret->spec_version,
					 &ret->created_by_ref, &ret->version, &ret->name,
					 &ret->json};
		size_t offsets[7];

		row_from(q, ret);
		cx_buf_reset(&st->latest);
		for (int i = 0; i < 7; i++) {
			offsets[i] = st->latest.len;
			if (*fields[i])
				cx_buf_append(&st->latest, *fields[i], strlen(*fields[i]) + 1);
			else
				cx_buf_putc(&st->latest, '\0');
		}
		if (st->latest.err) {
			cx_sq_rows_end(&rows);
			snprintf(st->errmsg, sizeof(st->errmsg), "out of memory");
			return CX_STORE_HARD_ERROR;
		}
		for (int i = 0; i < 7; i++)
			if (*fields[i])
				*fields[i] = st->latest.data + offsets[i];
		cx_sq_rows_end(&rows);
		return CX_STORE_OK;
	}
	return cx_sq_rows_end(&rows);
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
	/* Rare filters read the stored text; the indexed ones come first. */
	if (f->status)
		cx_buf_puts(sql, " AND json_extract(o.json, '$.status') = :status");
	if (f->marking)
		cx_buf_puts(sql, " AND EXISTS (SELECT 1 FROM json_each(o.json, "
				 "'$.object_marking_refs') WHERE value = :marking)");
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

/* The prepared statement for f's shape, or NULL with errmsg set. */
static sqlite3_stmt *scan_stmt(struct sqlite_store *st, const struct cx_object_filter *f)
{
	struct cx_buf sql;
	sqlite3_stmt *q = NULL;

	cx_buf_init(&sql, 64 * 1024);
	if (scan_sql(f, &sql) < 0)
		snprintf(st->errmsg, sizeof(st->errmsg), "scan query too long");
	else
		q = cx_sq_stmt(st, sql.data);
	cx_buf_release(&sql);
	return q;
}

/* Bind f's values to the parameters scan_sql() wrote for it. */
static void scan_bind(sqlite3_stmt *q, const struct cx_object_filter *f)
{
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
	if (f->status)
		cx_sq_bind_text(q, sqlite3_bind_parameter_index(q, ":status"), f->status);
	if (f->marking)
		cx_sq_bind_text(q, sqlite3_bind_parameter_index(q, ":marking"), f->marking);
	if (f->ref_to) {
		cx_sq_bind_text(q, sqlite3_bind_parameter_index(q, ":refto"), f->ref_to);
		cx_sq_bind_text(q, sqlite3_bind_parameter_index(q, ":refkind"), f->ref_kind);
	}
	bind_named_int(q, ":limit", f->limit ? (int64_t)f->limit : -1);
	for (size_t k = 0; k < f->naccess_args; k++)
		bind_named_int(q, f->access_args[k].name, f->access_args[k].value);
}

static enum cx_store_status objects_scan(struct cx_store *s, const struct cx_object_filter *f,
					 cx_object_cb cb, void *arg)
{
	struct sqlite_store *st = cx_sq(s);
	sqlite3_stmt *q = scan_stmt(st, f);
	struct cx_sq_rows rows;
	enum cx_store_status r;

	if (!q)
		return CX_STORE_HARD_ERROR;
	scan_bind(q, f);
	cx_sq_rows_init(&rows, st, q);
	while (cx_sq_rows_next(&rows)) {
		struct cx_object_row row;

		if (f->lean)
			lean_row_from(q, &row);
		else
			row_from(q, &row);
		if (cb(arg, &row) != 0)
			break;
	}
	r = cx_sq_rows_end(&rows);
	/* A plain SQL error here can only come from the caller's query. */
	if (r < 0 && f->fts && (rows.rc & 0xff) == SQLITE_ERROR) {
		char msg[200];

		cx_strlcpy(msg, st->errmsg, sizeof(msg));
		snprintf(st->errmsg, sizeof(st->errmsg), "bad full-text query: %.200s", msg);
	}
	return r;
}

void cx_sq_install_scan(struct cx_store *s)
{
	s->object_latest = object_latest;
	s->objects_scan = objects_scan;
}
