/* The store's federation peers and the sync state of their collections, on a
 * real SQLite file in a temporary folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"
#include "store_fixture.h"

#define COLL_A "5d1a0f64-6b2e-4a41-9f0e-8c7b6a5d4e3f"
#define COLL_B "6e2b1075-7c3f-4b52-8a1f-9d8c7b6e5f40"

static struct cx_peer peer(const char *name)
{
	struct cx_peer p;

	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.url, sizeof(p.url), "http://127.0.0.1:8400/coalition/");
	snprintf(p.partner, sizeof(p.partner), "USA");
	snprintf(p.user, sizeof(p.user), "peer-irq");
	snprintf(p.secret, sizeof(p.secret), "s3cret");
	snprintf(p.public_key, sizeof(p.public_key),
	         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	snprintf(p.key_id, sizeof(p.key_id), "ed25519:0123456789abcdef");
	p.created = 42;
	return p;
}

static int collect(void *arg, const struct cx_peer_collection *c)
{
	struct cx_peer_collection *out = arg;

	out[c->rowid > 0 && out[0].rowid ? 1 : 0] = *c;
	return 0;
}

static void test_store_peer_add_get_and_name_taken(void **state)
{
	struct fixture *f = *state;
	struct cx_peer p = peer("USA"), got;
	int64_t rowid = 0;

	assert_int_equal(f->s->peer_add(f->s, &p, &rowid), CX_STORE_OK);
	assert_true(rowid > 0);
	assert_int_equal(f->s->peer_add(f->s, &p, NULL), CX_STORE_NO_RESULT);
	assert_int_equal(f->s->peer_get(f->s, "USA", &got), CX_STORE_OK);
	assert_string_equal(got.secret, "s3cret");
	assert_false(got.secret_is_token);
	assert_string_equal(got.key_id, "ed25519:0123456789abcdef");
	assert_int_equal(got.rowid, rowid);
	assert_int_equal(f->s->peer_get(f->s, "KRG", &got), CX_STORE_NO_RESULT);
}

static void test_store_peer_cursor_advances_only_when_given_and_failures_keep_it(void **state)
{
	struct fixture *f = *state;
	struct cx_peer p = peer("USA");
	struct cx_peer_collection c[2];
	int64_t rowid = 0;

	memset(c, 0, sizeof(c));
	assert_int_equal(f->s->peer_add(f->s, &p, &rowid), CX_STORE_OK);
	assert_int_equal(f->s->peer_collection_add(f->s, rowid, COLL_A), CX_STORE_OK);
	assert_int_equal(f->s->peer_collection_add(f->s, rowid, COLL_A), CX_STORE_NO_RESULT);
	assert_int_equal(f->s->peer_collection_add(f->s, rowid, COLL_B), CX_STORE_OK);
	assert_int_equal(f->s->peer_collections(f->s, rowid, collect, c), CX_STORE_OK);
	assert_string_equal(c[0].collection, COLL_A);
	assert_string_equal(c[1].collection, COLL_B);
	assert_string_equal(c[0].cursor, "");
	assert_int_equal(f->s->peer_collection_advance(
	                     f->s, c[0].rowid, "2026-01-01T00:00:00.000001Z", 10, 5, 3, 1, 1),
	                 CX_STORE_OK);
	assert_int_equal(f->s->peer_collection_fail(f->s, c[0].rowid, 20, "HTTP 401"), CX_STORE_OK);
	assert_int_equal(f->s->peer_collection_advance(f->s, c[0].rowid, NULL, 30, 0, 0, 0, 0),
	                 CX_STORE_OK);
	memset(c, 0, sizeof(c));
	assert_int_equal(f->s->peer_collections(f->s, rowid, collect, c), CX_STORE_OK);
	assert_string_equal(c[0].cursor, "2026-01-01T00:00:00.000001Z");
	assert_int_equal(c[0].received, 5);
	assert_int_equal(c[0].stored, 3);
	assert_int_equal(c[0].last_success, 30);
	assert_string_equal(c[0].last_error, "");
}

static void test_store_peer_remove_drops_its_collections(void **state)
{
	struct fixture *f = *state;
	struct cx_peer p = peer("USA");
	struct cx_peer_collection c[2];
	int64_t rowid = 0;

	memset(c, 0, sizeof(c));
	assert_int_equal(f->s->peer_add(f->s, &p, &rowid), CX_STORE_OK);
	assert_int_equal(f->s->peer_collection_add(f->s, rowid, COLL_A), CX_STORE_OK);
	assert_int_equal(f->s->peer_remove(f->s, "USA"), CX_STORE_OK);
	assert_int_equal(f->s->peer_remove(f->s, "USA"), CX_STORE_NO_RESULT);
	assert_int_equal(f->s->peer_collections(f->s, rowid, collect, c), CX_STORE_NO_RESULT);
	assert_int_equal(f->s->peer_add(f->s, &p, NULL), CX_STORE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_TEST(test_store_peer_add_get_and_name_taken),
	    STORE_TEST(test_store_peer_cursor_advances_only_when_given_and_failures_keep_it),
	    STORE_TEST(test_store_peer_remove_drops_its_collections),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
