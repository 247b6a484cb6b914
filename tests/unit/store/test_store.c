/* The store contract, on a real SQLite file in a temporary folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"
#include "store_fixture.h"

static struct cx_object_row row(const char *id, int64_t modified, const char *json)
{
	struct cx_object_row r = {0};

	r.id = id;
	r.type = "indicator";
	r.spec_version = "2.1";
	r.created = 1000;
	r.modified = modified;
	r.json = json;
	r.json_len = strlen(json);
	return r;
}

static enum cx_store_status put(struct cx_store *s, struct cx_object_row r, int64_t *added)
{
	enum cx_store_status st;

	assert_int_equal(s->begin(s, true), CX_STORE_OK);
	st = s->object_put(s, &r, added, NULL);
	assert_int_equal(s->commit(s), CX_STORE_OK);
	return st;
}

struct collected {
	int n;
	char ids[16][64];
	int64_t modified[16];
	int64_t added[16];
	bool latest[16];
	char json[16][64];
};

static int collect(void *arg, const struct cx_object_row *r)
{
	struct collected *c = arg;

	if (c->n == 16)
		return 1;
	snprintf(c->ids[c->n], 64, "%s", r->id);
	snprintf(c->json[c->n], 64, "%.*s", (int)r->json_len, r->json);
	c->modified[c->n] = r->modified;
	c->added[c->n] = r->date_added;
	c->latest[c->n] = r->is_latest;
	c->n++;
	return 0;
}

static void test_store_create_sets_schema_version(void **state)
{
	struct fixture *f = *state;
	int v = -1;

	assert_int_equal(f->s->schema_version(f->s, &v), CX_STORE_OK);
	assert_int_equal(v, cx_store_schema_latest());
}

static void test_store_create_refuses_existing_file(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";

	assert_null(cx_store_sqlite_open(f->path, CX_STORE_CREATE, err, sizeof(err)));
	assert_non_null(strstr(err, "already exists"));
}

static void test_store_open_missing_file_fails(void **state)
{
	char err[256] = "";

	(void)state;
	assert_null(cx_store_sqlite_open("/tmp/cx-no-such-dir/cx.db", CX_STORE_OPEN, err,
					 sizeof(err)));
	assert_non_null(strstr(err, "no store"));
}

static void test_store_open_rejects_other_schema_version(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), 0);
	sqlite3_close(db);
	assert_null(cx_store_sqlite_open(f->path, CX_STORE_OPEN, err, sizeof(err)));
	assert_non_null(strstr(err, "newer than this cx"));
}

static void test_store_put_then_duplicate(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = 0, a2 = 0;
	int64_t n = 0;

	assert_int_equal(put(f->s, row("indicator--1", 5000, "{\"v\":1}"), &a1), CX_STORE_OK);
	assert_true(a1 > 0);
	assert_int_equal(put(f->s, row("indicator--1", 5000, "{\"v\":1}"), &a2),
			 CX_STORE_NO_RESULT);
	assert_int_equal(a2, 0);
	assert_int_equal(f->s->objects_count(f->s, &n), CX_STORE_OK);
	assert_int_equal(n, 1);
}

static void test_store_date_added_strictly_increases(void **state)
{
	struct fixture *f = *state;
	struct cx_object_filter all = {0};
	struct collected c = {0};
	char id[16][32];

	assert_int_equal(f->s->begin(f->s, true), CX_STORE_OK);
	for (int i = 0; i < 16; i++) {
		snprintf(id[i], sizeof(id[i]), "indicator--%d", i);
		assert_int_equal(f->s->object_put(f->s, &(struct cx_object_row){
			.id = id[i], .type = "indicator", .spec_version = "2.1",
			.modified = 1, .json = "{}", .json_len = 2}, NULL, NULL), CX_STORE_OK);
	}
	assert_int_equal(f->s->commit(f->s), CX_STORE_OK);
	assert_int_equal(f->s->objects_scan(f->s, &all, collect, &c), CX_STORE_OK);
	assert_int_equal(c.n, 16);
	for (int i = 1; i < 16; i++)
		assert_true(c.added[i] > c.added[i - 1]);
}

static void test_store_latest_flag_follows_newest_version_in_any_order(void **state)
{
	struct fixture *f = *state;
	struct cx_object_filter latest = {.versions = CX_VERSION_LAST};
	struct cx_object_filter all = {0};
	struct collected c = {0}, d = {0};

	put(f->s, row("indicator--a", 2000, "{\"v\":2}"), NULL);
	put(f->s, row("indicator--a", 1000, "{\"v\":1}"), NULL); /* older arrives later */
	put(f->s, row("indicator--a", 3000, "{\"v\":3}"), NULL);
	assert_int_equal(f->s->objects_scan(f->s, &latest, collect, &c), CX_STORE_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.modified[0], 3000);
	assert_string_equal(c.json[0], "{\"v\":3}");
	assert_int_equal(f->s->objects_scan(f->s, &all, collect, &d), CX_STORE_OK);
	assert_int_equal(d.n, 3);
	assert_false(d.latest[0]);
	assert_false(d.latest[1]);
	assert_true(d.latest[2]);
}

static void test_store_scan_filters_type_modified_and_keyset(void **state)
{
	struct fixture *f = *state;
	struct cx_object_row r = row("malware--m", 9000, "{}");
	const char *types[] = {"malware"};
	struct cx_object_filter by_type = {.types = types, .ntypes = 1};
	struct cx_object_filter by_mod = {.modified_after = 4000};
	struct cx_object_filter page = {.limit = 1};
	struct collected a = {0}, b = {0}, p1 = {0}, p2 = {0};

	put(f->s, row("indicator--i", 3000, "{}"), NULL);
	r.type = "malware";
	put(f->s, r, NULL);
	assert_int_equal(f->s->objects_scan(f->s, &by_type, collect, &a), CX_STORE_OK);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.ids[0], "malware--m");
	assert_int_equal(f->s->objects_scan(f->s, &by_mod, collect, &b), CX_STORE_OK);
	assert_int_equal(b.n, 1);
	assert_string_equal(b.ids[0], "malware--m");
	/* Keyset paging: the second page starts after the first page's last key. */
	assert_int_equal(f->s->objects_scan(f->s, &page, collect, &p1), CX_STORE_OK);
	assert_int_equal(p1.n, 1);
	page.added_after = p1.added[0];
	assert_int_equal(f->s->objects_scan(f->s, &page, collect, &p2), CX_STORE_OK);
	assert_int_equal(p2.n, 1);
	assert_string_not_equal(p1.ids[0], p2.ids[0]);
	page.added_after = p2.added[0];
	p2.n = 0;
	assert_int_equal(f->s->objects_scan(f->s, &page, collect, &p2), CX_STORE_NO_RESULT);
	assert_int_equal(p2.n, 0);
}

static void test_store_collections_membership(void **state)
{
	struct fixture *f = *state;
	struct cx_collection c = {.id = "91a7b528-80eb-42ed-a74d-c6fbd5a26116",
				  .api_root = "coalition", .alias = "intel", .title = "Intel"};
	struct cx_collection got;
	struct cx_object_filter in = {0};
	struct collected m = {0};
	int64_t added = 0;

	assert_int_equal(f->s->begin(f->s, true), CX_STORE_OK);
	assert_int_equal(f->s->collection_create(f->s, &c), CX_STORE_OK);
	assert_int_equal(f->s->collection_create(f->s, &c), CX_STORE_NO_RESULT);
	assert_int_equal(f->s->commit(f->s), CX_STORE_OK);
	assert_int_equal(f->s->collection_get(f->s, "coalition", "intel", &got), CX_STORE_OK);
	assert_string_equal(got.id, c.id);
	assert_int_equal(f->s->collection_get(f->s, NULL, c.id, &got), CX_STORE_OK);
	assert_int_equal(f->s->collection_get(f->s, "other", "intel", &got), CX_STORE_NO_RESULT);
	assert_int_equal(f->s->collection_get(f->s, NULL, "nope", &got), CX_STORE_NO_RESULT);
	in.collection = got.rowid;

	put(f->s, row("indicator--x", 1000, "{}"), NULL);
	put(f->s, row("indicator--y", 1000, "{}"), NULL);
	assert_int_equal(f->s->begin(f->s, true), CX_STORE_OK);
	assert_int_equal(f->s->collection_add_object(f->s, got.rowid, "indicator--y", 1000, &added),
			 CX_STORE_OK);
	assert_int_equal(f->s->collection_add_object(f->s, got.rowid, "indicator--y", 1000, NULL),
			 CX_STORE_NO_RESULT);
	assert_int_equal(f->s->collection_add_object(f->s, got.rowid, "indicator--zz", 1000, NULL),
			 CX_STORE_NO_RESULT);
	assert_int_equal(f->s->commit(f->s), CX_STORE_OK);
	assert_int_equal(f->s->objects_scan(f->s, &in, collect, &m), CX_STORE_OK);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.ids[0], "indicator--y");
	assert_int_equal(m.added[0], added);
}

static void test_store_rollback_discards_writes(void **state)
{
	struct fixture *f = *state;
	struct cx_object_row r = row("indicator--r", 1000, "{}");
	int64_t n = -1;

	assert_int_equal(f->s->begin(f->s, true), CX_STORE_OK);
	assert_int_equal(f->s->object_put(f->s, &r, NULL, NULL), CX_STORE_OK);
	f->s->rollback(f->s);
	assert_false(f->s->in_transaction(f->s));
	assert_int_equal(f->s->objects_count(f->s, &n), CX_STORE_OK);
	assert_int_equal(n, 0);
}

static void test_store_data_survives_reopen(void **state)
{
	struct fixture *f = *state;
	char err[256];
	int64_t n = 0;

	put(f->s, row("indicator--p", 1000, "{}"), NULL);
	f->s->close(f->s);
	f->s = cx_store_sqlite_open(f->path, CX_STORE_OPEN, err, sizeof(err));
	assert_non_null(f->s);
	assert_int_equal(f->s->objects_count(f->s, &n), CX_STORE_OK);
	assert_int_equal(n, 1);
}

static void test_store_second_writer_waits_then_both_commit(void **state)
{
	struct fixture *f = *state;
	char err[256];
	struct cx_store *other = cx_store_sqlite_open(f->path, CX_STORE_OPEN, err, sizeof(err));
	struct cx_object_row r = row("indicator--w", 1000, "{}");
	int64_t n = 0;

	assert_non_null(other);
	/* While one connection holds the write lock, the other cannot take it. */
	assert_int_equal(f->s->begin(f->s, true), CX_STORE_OK);
	assert_int_equal(f->s->object_put(f->s, &r, NULL, NULL), CX_STORE_OK);
	assert_int_equal(f->s->commit(f->s), CX_STORE_OK);
	assert_int_equal(other->begin(other, true), CX_STORE_OK);
	r.id = "indicator--w2";
	assert_int_equal(other->object_put(other, &r, NULL, NULL), CX_STORE_OK);
	assert_int_equal(other->commit(other), CX_STORE_OK);
	other->close(other);
	assert_int_equal(f->s->objects_count(f->s, &n), CX_STORE_OK);
	assert_int_equal(n, 2);
}

static int count_rows(void *arg, const struct cx_object_row *r)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

/* A version is readable only while the newest version is: the store keeps
 * every version's effective labels in step with the newest one's. */
static void test_store_effective_labels_follow_newest_version(void **state)
{
	struct fixture *f = *state;
	static const struct cx_sql_arg args[] = {{":bit", 2}};
	struct cx_object_filter visible = {.access_sql = "(o.eff_mask & :bit) != 0",
					   .access_args = args, .naccess_args = 1};
	struct cx_object_row r = row("note--e", 1000, "{\"v\":1}");
	int n = 0;

	r.rel_mask = -1; /* everyone */
	put(f->s, r, NULL);
	assert_int_equal(f->s->objects_scan(f->s, &visible, count_rows, &n), CX_STORE_OK);
	assert_int_equal(n, 1);
	r = row("note--e", 2000, "{\"v\":2}");
	r.rel_mask = 0; /* the newest version releases to nobody: all versions hide */
	put(f->s, r, NULL);
	n = 0;
	assert_int_equal(f->s->objects_scan(f->s, &visible, count_rows, &n), CX_STORE_NO_RESULT);
	assert_int_equal(n, 0);
	r = row("note--e", 1500, "{\"v\":15}");
	r.rel_mask = -1; /* an older version arriving late changes nothing */
	put(f->s, r, NULL);
	n = 0;
	f->s->objects_scan(f->s, &visible, count_rows, &n);
	assert_int_equal(n, 0);
	r = row("note--e", 3000, "{\"v\":3}");
	r.rel_mask = 2; /* a newer version releasing again shows those that release too */
	put(f->s, r, NULL);
	n = 0;
	f->s->objects_scan(f->s, &visible, count_rows, &n);
	assert_int_equal(n, 3); /* v1, v1.5 and v3; v2 itself releases to nobody */
}

static void test_store_same_version_other_content_is_a_conflict(void **state)
{
	struct fixture *f = *state;
	bool conflict = true;

	put(f->s, row("note--c", 1000, "{\"v\":1}"), NULL);
	assert_int_equal(f->s->begin(f->s, true), CX_STORE_OK);
	assert_int_equal(f->s->object_put(f->s, &(struct cx_object_row){.id = "note--c",
		.type = "note", .spec_version = "2.1", .modified = 1000, .json = "{\"v\":1}",
		.json_len = 7}, NULL, &conflict), CX_STORE_NO_RESULT);
	assert_false(conflict);
	assert_int_equal(f->s->object_put(f->s, &(struct cx_object_row){.id = "note--c",
		.type = "note", .spec_version = "2.1", .modified = 1000, .json = "{\"v\":2}",
		.json_len = 7}, NULL, &conflict), CX_STORE_NO_RESULT);
	assert_true(conflict);
	assert_int_equal(f->s->commit(f->s), CX_STORE_OK);
}

/* object_latest must not leave a read snapshot open: a write on the same
 * connection after another connection wrote must still work. */
static void test_store_object_latest_leaves_no_snapshot_open(void **state)
{
	struct fixture *f = *state;
	struct cx_object_row got;
	struct cx_store *other;
	char err[256];
	int64_t n = 0;

	put(f->s, row("note--l", 1000, "{\"v\":1}"), NULL);
	assert_int_equal(f->s->object_latest(f->s, "note--l", &got), CX_STORE_OK);
	assert_string_equal(got.json, "{\"v\":1}");
	other = cx_store_sqlite_open(f->path, CX_STORE_OPEN, err, sizeof(err));
	assert_non_null(other);
	put(other, row("note--m", 1000, "{}"), NULL);
	other->close(other);
	/* The borrowed row is still readable, and this connection can write. */
	assert_string_equal(got.json, "{\"v\":1}");
	put(f->s, row("note--n", 1000, "{}"), NULL);
	assert_int_equal(f->s->objects_count(f->s, &n), CX_STORE_OK);
	assert_int_equal(n, 3);
}

/* The transaction runner, against a fake backend that fails on demand. */
struct fake {
	struct cx_store api;
	int begins, commits, rollbacks, soft_failures_left;
};

static enum cx_store_status fake_begin(struct cx_store *s, bool write)
{
	((struct fake *)s->cls)->begins++;
	return CX_STORE_OK;
}

static enum cx_store_status fake_commit(struct cx_store *s)
{
	((struct fake *)s->cls)->commits++;
	return CX_STORE_OK;
}

static void fake_rollback(struct cx_store *s)
{
	((struct fake *)s->cls)->rollbacks++;
}

static enum cx_store_status flaky(struct cx_store *s, void *arg)
{
	struct fake *f = s->cls;

	(void)arg;
	if (f->soft_failures_left > 0) {
		f->soft_failures_left--;
		return CX_STORE_SOFT_ERROR;
	}
	return CX_STORE_OK;
}

static void test_store_run_retries_soft_errors_then_succeeds(void **state)
{
	struct fake f = {0};

	(void)state;
	f.api.cls = &f;
	f.api.busy_retries = 3;
	f.api.begin = fake_begin;
	f.api.commit = fake_commit;
	f.api.rollback = fake_rollback;
	f.soft_failures_left = 2;
	assert_int_equal(cx_store_run(&f.api, true, flaky, NULL), CX_STORE_OK);
	assert_int_equal(f.begins, 3);
	assert_int_equal(f.rollbacks, 2);
	assert_int_equal(f.commits, 1);
}

static void test_store_run_gives_up_after_bounded_retries(void **state)
{
	struct fake f = {0};

	(void)state;
	f.api.cls = &f;
	f.api.busy_retries = 2;
	f.api.begin = fake_begin;
	f.api.commit = fake_commit;
	f.api.rollback = fake_rollback;
	f.soft_failures_left = 100;
	assert_int_equal(cx_store_run(&f.api, true, flaky, NULL), CX_STORE_SOFT_ERROR);
	assert_int_equal(f.begins, 3);
	assert_int_equal(f.commits, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_store_create_sets_schema_version),
		STORE_TEST(test_store_create_refuses_existing_file),
		cmocka_unit_test(test_store_open_missing_file_fails),
		STORE_TEST(test_store_open_rejects_other_schema_version),
		STORE_TEST(test_store_put_then_duplicate),
		STORE_TEST(test_store_date_added_strictly_increases),
		STORE_TEST(test_store_latest_flag_follows_newest_version_in_any_order),
		STORE_TEST(test_store_scan_filters_type_modified_and_keyset),
		STORE_TEST(test_store_collections_membership),
		STORE_TEST(test_store_rollback_discards_writes),
		STORE_TEST(test_store_data_survives_reopen),
		STORE_TEST(test_store_second_writer_waits_then_both_commit),
		STORE_TEST(test_store_effective_labels_follow_newest_version),
		STORE_TEST(test_store_same_version_other_content_is_a_conflict),
		STORE_TEST(test_store_object_latest_leaves_no_snapshot_open),
		cmocka_unit_test(test_store_run_retries_soft_errors_then_succeeds),
		cmocka_unit_test(test_store_run_gives_up_after_bounded_retries),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
