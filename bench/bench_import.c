/* Import throughput against its floor, measured in the same run.
 *
 * cx: parse a bundle of N indicators, validate each (patterns included),
 *     canonicalise, and store them in one durable transaction.
 * baseline: raw SQLite inserts of the same rows (same schema, same canonical
 *     text and full-text entries already computed, WAL + synchronous=FULL,
 *     one transaction).
 * cli: the same bundle through `cx import` (when a cx binary is given).
 *
 * With JSON_OUT, the figures and the machine they were measured on are
 * written there too (bench/report.py draws them).
 *
 * usage: bench_import [N] [path/to/cx] [JSON_OUT] */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/ingest.h"
#include "store/migrations.h"
#include "util/buf.h"
#include "util/time.h"
#include "util/uuid.h"

static void die(const char *what)
{
	fprintf(stderr, "bench_import: %s\n", what);
	exit(1);
}

static char *make_bundle(size_t n, size_t *ret_len)
{
	struct cx_buf b;
	char uuid[CX_UUID_STRLEN];

	cx_buf_init(&b, 0);
	cx_buf_printf(&b, "{\"type\":\"bundle\",\"id\":\"bundle--%s\",\"objects\":[",
	              cx_uuid_v4(uuid));
	for (size_t i = 0; i < n; i++) {
		cx_buf_printf(&b,
		              "%s{\"type\":\"indicator\",\"spec_version\":\"2.1\","
		              "\"id\":\"indicator--%s\",\"created\":\"2026-01-01T00:00:00.000Z\","
		              "\"modified\":\"2026-01-01T00:00:00.000Z\","
		              "\"name\":\"Exercise indicator %zu\","
		              "\"indicator_types\":[\"malicious-activity\"],"
		              "\"pattern\":\"[ipv4-addr:value = '198.51.%zu.%zu'] OR "
		              "[domain-name:value = 'h%zu.exercise.example']\","
		              "\"pattern_type\":\"stix\",\"valid_from\":\"2026-01-01T00:00:00Z\"}",
		              i ? "," : "", cx_uuid_v4(uuid), i, (i / 256) % 256, i % 256, i);
	}
	cx_buf_puts(&b, "]}");
	if (b.err)
		die("out of memory building the bundle");
	return cx_buf_steal(&b, ret_len);
}

static void temp_dir(char *out, size_t n)
{
	snprintf(out, n, "/tmp/cx-bench-XXXXXX");
	if (!mkdtemp(out))
		die("cannot create a temporary folder");
}

static void remove_store(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_import: could not remove %s\n", dir);
}

/* Rows captured from the cx run, replayed by the baseline. */
struct rows {
	char **json;
	char **id;
	char **text; /* the full-text index entry of each */
	size_t n;
};

static int capture(void *arg, const struct cx_object_row *r)
{
	struct rows *rows = arg;

	rows->json[rows->n] = strndup(r->json, r->json_len);
	rows->id[rows->n] = strdup(r->id);
	rows->n++;
	return 0;
}

/* The search text cx indexed for each row, so that the baseline stores it
 * too: the same rows. The full-text row shares its object's rowid; its id
 * column is not indexed, so it is found by rowid (a lookup by id would scan
 * the whole index for every row). */
static void capture_text(const char *path, struct rows *rows)
{
	sqlite3 *db;
	sqlite3_stmt *q;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "SELECT f.text FROM objects o JOIN objects_fts f "
	                       "ON f.rowid = o.rowid WHERE o.id = ?1 AND o.is_latest = 1",
	                       -1, &q, NULL) != SQLITE_OK)
		die("cannot read the full-text index");
	for (size_t i = 0; i < rows->n; i++) {
		sqlite3_bind_text(q, 1, rows->id[i], -1, SQLITE_STATIC);
		rows->text[i] = strdup(
		    sqlite3_step(q) == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : "");
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static double run_cx(const char *text, size_t len, size_t n, struct rows *rows)
{
	char dir[64], path[128], err[256];
	struct cx_ingest_report rep;
	struct cx_object_filter all = {0};
	struct cx_store *s;
	json_t *objects;
	int64_t t0, t1;

	temp_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/cx.db", dir);
	s = cx_store_sqlite_open(path, CX_STORE_CREATE, err, sizeof(err));
	if (!s)
		die(err);
	t0 = cx_time_mono_us();
	if (cx_ingest_parse(text, len, 0, &objects, err, sizeof(err)) < 0)
		die(err);
	if (cx_ingest_objects(s, objects, NULL, &rep) < 0)
		die(s->error(s));
	t1 = cx_time_mono_us();
	if (rep.stored != n) {
		fprintf(stderr, "stored %zu of %zu; first rejection: %s %s %s\n", rep.stored, n,
		        rep.items[0].err.property, rep.items[0].err.rule, rep.items[0].err.message);
		die("not every indicator was stored");
	}
	s->objects_scan(s, &all, capture, rows);
	cx_ingest_report_release(&rep);
	json_decref(objects);
	s->close(s);
	capture_text(path, rows);
	remove_store(dir);
	return (double)(t1 - t0) / 1e6;
}

static double run_baseline(const struct rows *rows)
{
	char dir[64], path[128];
	sqlite3 *db;
	sqlite3_stmt *q, *fts;
	int64_t t0, t1;

	temp_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/raw.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die("cannot open the baseline database");
	for (int i = 0; i < cx_migrations_count; i++)
		if (sqlite3_exec(db, cx_migrations[i].sql, NULL, NULL, NULL) != SQLITE_OK)
			die(sqlite3_errmsg(db));
	sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO objects (id, type, spec_version, created, modified, "
	                       "created_by_ref, revoked, is_latest, date_added, json, version) "
	                       "VALUES (?1, 'indicator', '2.1', 1, 1, NULL, 0, 1, ?2, ?3, "
	                       "'2026-01-01T00:00:00.000Z')",
	                       -1, &q, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(db));
	if (sqlite3_prepare_v2(db, "INSERT INTO objects_fts (rowid, id, text) VALUES (?1, ?2, ?3)",
	                       -1, &fts, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(db));
	t0 = cx_time_mono_us();
	sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (size_t i = 0; i < rows->n; i++) {
		sqlite3_bind_text(q, 1, rows->id[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, (sqlite3_int64)i + 1);
		sqlite3_bind_text(q, 3, rows->json[i], -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			die(sqlite3_errmsg(db));
		sqlite3_reset(q);
		sqlite3_bind_int64(fts, 1, sqlite3_last_insert_rowid(db));
		sqlite3_bind_text(fts, 2, rows->id[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(fts, 3, rows->text[i], -1, SQLITE_STATIC);
		if (sqlite3_step(fts) != SQLITE_DONE)
			die(sqlite3_errmsg(db));
		sqlite3_reset(fts);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(db));
	t1 = cx_time_mono_us();
	sqlite3_finalize(q);
	sqlite3_finalize(fts);
	sqlite3_close(db);
	remove_store(dir);
	return (double)(t1 - t0) / 1e6;
}

static double run_cli(const char *cx, const char *text, size_t len)
{
	char dir[64], file[128], cmd[1024];
	int64_t t0, t1;
	FILE *f;

	temp_dir(dir, sizeof(dir));
	snprintf(file, sizeof(file), "%s/bundle.json", dir);
	f = fopen(file, "wb");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
		die("cannot write the bundle file");
	snprintf(cmd, sizeof(cmd), "'%s' init '%s/node' >/dev/null", cx, dir);
	if (system(cmd) != 0)
		die("cx init failed");
	snprintf(cmd, sizeof(cmd), "'%s' --node '%s/node' import --quiet '%s' >/dev/null", cx, dir,
	         file);
	t0 = cx_time_mono_us();
	if (system(cmd) != 0)
		die("cx import failed");
	t1 = cx_time_mono_us();
	remove_store(dir);
	return (double)(t1 - t0) / 1e6;
}

/* The first line of a command's output, "unknown" when it gives none. */
static void first_line(const char *cmd, char *out, size_t n)
{
	FILE *p = popen(cmd, "r");

	snprintf(out, n, "unknown");
	if (!p)
		return;
	if (!fgets(out, (int)n, p) || out[0] == '\n')
		snprintf(out, n, "unknown");
	out[strcspn(out, "\n")] = '\0';
	pclose(p);
}

/* The short git revision, "-dirty" when tracked files are changed (as
 * bench/benchlib.py writes it). */
static void git_rev(char *out, size_t n)
{
	char dirty[8];

	first_line("git rev-parse --short HEAD 2>/dev/null", out, n);
	first_line("git status --porcelain --untracked-files=no 2>/dev/null | head -c 1", dirty,
	           sizeof(dirty));
	if (strcmp(out, "unknown") != 0 && strcmp(dirty, "unknown") != 0) {
		size_t len = strlen(out);

		snprintf(out + len, n - len, "-dirty");
	}
}

static void write_json(const char *path, size_t n, size_t bytes, double t_base, double t_cx,
                       double t_cli)
{
	char date[32], rev[64], cpu[256];
	struct utsname u;
	time_t now = time(NULL);
	json_t *doc;

	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	git_rev(rev, sizeof(rev));
	first_line("sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1", cpu,
	           sizeof(cpu));
	if (uname(&u) != 0)
		snprintf(u.release, sizeof(u.release), "unknown");
	doc = json_pack(
	    "{s:s, s:{s:I, s:s, s:s, s:s, s:s}, s:I, s:I, s:{s:f, s:f}, s:{s:f, s:f}}", "benchmark",
	    "import", "machine", "nproc", (json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "cpu", cpu,
	    "kernel", u.release, "date", date, "git_rev", rev, "objects", (json_int_t)n,
	    "bundle_bytes", (json_int_t)bytes, "baseline", "seconds", t_base, "objects_per_s",
	    (double)n / t_base, "cx", "seconds", t_cx, "objects_per_s", (double)n / t_cx);
	if (!doc)
		die("out of memory");
	if (t_cli > 0)
		json_object_set_new(
		    doc, "cli",
		    json_pack("{s:f, s:f}", "seconds", t_cli, "objects_per_s", (double)n / t_cli));
	if (json_dump_file(doc, path, JSON_INDENT(1) | JSON_SORT_KEYS) != 0)
		die("cannot write the results file");
	json_decref(doc);
	printf("wrote %s\n", path);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	const char *cx = argc > 2 && argv[2][0] ? argv[2] : NULL;
	const char *json_out = argc > 3 ? argv[3] : NULL;
	struct rows rows = {0};
	size_t len;
	char *text;
	double t_cx, t_base, t_cli = 0;

	if (n == 0)
		die("N must be a positive number");
	text = make_bundle(n, &len);
	rows.json = calloc(n, sizeof(char *));
	rows.id = calloc(n, sizeof(char *));
	rows.text = calloc(n, sizeof(char *));
	if (!rows.json || !rows.id || !rows.text)
		die("out of memory");
	printf("import of %zu indicators (%.1f MB bundle), one durable transaction each run\n", n,
	       (double)len / 1e6);
	t_cx = run_cx(text, len, n, &rows);
	t_base = run_baseline(&rows);
	printf("  %-44s %10.0f objects/s  (%.2f s)\n", "baseline: raw SQLite inserts, same rows",
	       (double)n / t_base, t_base);
	printf("  %-44s %10.0f objects/s  (%.2f s)  ratio %.2f of baseline\n",
	       "cx: parse+validate+canonicalise+store", (double)n / t_cx, t_cx, t_base / t_cx);
	if (cx) {
		t_cli = run_cli(cx, text, len);
		printf("  %-44s %10.0f objects/s  (%.2f s)  ratio %.2f of baseline\n",
		       "cx import (the command, from a file)", (double)n / t_cli, t_cli,
		       t_base / t_cli);
	}
	if (json_out)
		write_json(json_out, n, len, t_base, t_cx, t_cli);
	for (size_t i = 0; i < rows.n; i++) {
		free(rows.json[i]);
		free(rows.id[i]);
		free(rows.text[i]);
	}
	free(rows.json);
	free(rows.id);
	free(rows.text);
	free(text);
	return 0;
}
