/* The store's PII vault rows, on a real SQLite file in a temporary folder:
 * put, get, list per case, replace only at the expected version, erase. */
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

#define CASE_A "cx-repatriation-case--2a87a66c-77c2-4efe-8b5b-f8ce09e93fee"
#define CASE_B "cx-repatriation-case--3a87a66c-77c2-4efe-8b5b-f8ce09e93fee"

static const unsigned char nonce[24] = {1, 2, 3};

static struct cx_vault_row row(const char *id, const char *case_id, int64_t version,
			       const char *box)
{
	struct cx_vault_row r = {id, case_id, version, 100, 100 + version, "alice", nonce,
				 sizeof(nonce), (const unsigned char *)box, strlen(box)};

	return r;
}

static enum cx_store_status put(struct cx_store *s, struct cx_vault_row r)
{
	enum cx_store_status st;

	assert_int_equal(s->begin(s, true), CX_STORE_OK);
	st = s->vault_put(s, &r);
	assert_int_equal(s->commit(s), CX_STORE_OK);
	return st;
}

struct seen {
	char ids[8][64];
	char boxes[8][32];
	int64_t versions[8];
	size_t n;
};

static int see(void *arg, const struct cx_vault_row *r)
{
	struct seen *s = arg;

	assert_true(s->n < 8);
	assert_int_equal(r->nonce_len, sizeof(nonce));
	assert_memory_equal(r->nonce, nonce, sizeof(nonce));
	snprintf(s->ids[s->n], sizeof(s->ids[0]), "%s", r->id);
	snprintf(s->boxes[s->n], sizeof(s->boxes[0]), "%.*s", (int)r->box_len, r->box);
	s->versions[s->n] = r->version;
	s->n++;
	return 0;
}

static void test_store_vault_put_get_and_list_per_case(void **state)
{
	struct cx_store *s = ((struct fixture *)*state)->s;
	struct seen seen = {0};
	int64_t n = -1;

	assert_int_equal(put(s, row("person-a", CASE_A, 1, "box-a")), CX_STORE_OK);
	assert_int_equal(put(s, row("person-b", CASE_B, 1, "box-b")), CX_STORE_OK);
	assert_int_equal(put(s, row("person-c", CASE_A, 1, "box-c")), CX_STORE_OK);
	assert_int_equal(put(s, row("person-a", CASE_B, 1, "box-x")), CX_STORE_NO_RESULT);
	assert_int_equal(s->vault_get(s, "person-b", see, &seen), CX_STORE_OK);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.boxes[0], "box-b");
	assert_int_equal(s->vault_get(s, "person-z", see, &seen), CX_STORE_NO_RESULT);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(s->vault_list(s, CASE_A, see, &seen), CX_STORE_OK);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.ids[0], "person-a");
	assert_string_equal(seen.ids[1], "person-c");
	assert_int_equal(s->vault_count(s, CASE_A, &n), CX_STORE_OK);
	assert_int_equal(n, 2);
}

static void test_store_vault_replace_needs_the_expected_version(void **state)
{
	struct cx_store *s = ((struct fixture *)*state)->s;
	struct cx_vault_row next = row("person-a", CASE_A, 2, "box-a2");
	struct seen seen = {0};

	assert_int_equal(put(s, row("person-a", CASE_A, 1, "box-a")), CX_STORE_OK);
	assert_int_equal(s->begin(s, true), CX_STORE_OK);
	assert_int_equal(s->vault_replace(s, &next, 2), CX_STORE_NO_RESULT);
	assert_int_equal(s->vault_replace(s, &next, 1), CX_STORE_OK);
	assert_int_equal(s->vault_replace(s, &next, 1), CX_STORE_NO_RESULT);
	assert_int_equal(s->commit(s), CX_STORE_OK);
	assert_int_equal(s->vault_get(s, "person-a", see, &seen), CX_STORE_OK);
	assert_int_equal(seen.versions[0], 2);
	assert_string_equal(seen.boxes[0], "box-a2");
}

static void test_store_vault_delete_erases_the_row(void **state)
{
	struct cx_store *s = ((struct fixture *)*state)->s;
	struct seen seen = {0};

	assert_int_equal(put(s, row("person-a", CASE_A, 1, "box-a")), CX_STORE_OK);
	assert_int_equal(s->begin(s, true), CX_STORE_OK);
	assert_int_equal(s->vault_delete(s, "person-a"), CX_STORE_OK);
	assert_int_equal(s->vault_delete(s, "person-a"), CX_STORE_NO_RESULT);
	assert_int_equal(s->commit(s), CX_STORE_OK);
	assert_int_equal(s->vault_get(s, "person-a", see, &seen), CX_STORE_NO_RESULT);
	assert_int_equal(s->vault_list(s, CASE_A, see, &seen), CX_STORE_NO_RESULT);
	assert_int_equal(seen.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_store_vault_put_get_and_list_per_case),
		STORE_TEST(test_store_vault_replace_needs_the_expected_version),
		STORE_TEST(test_store_vault_delete_erases_the_row),
	};

	return cmocka_run_group_tests_name("store_vault", tests, NULL, NULL);
}
