/* The PII vault's core: the person-record check, sealing bound to id, case
 * and version, and the key file. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/vault.h"

#define PERSON_A "person-0f8e4a1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
#define PERSON_B "person-1f8e4a1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
#define CASE_A "cx-repatriation-case--2a87a66c-77c2-4efe-8b5b-f8ce09e93fee"
#define CASE_B "cx-repatriation-case--3a87a66c-77c2-4efe-8b5b-f8ce09e93fee"

static json_t *person(void)
{
	return json_pack("{s:[s, s], s:s, s:[{s:s, s:s, s:s}], s:[{s:s, s:s}], s:s}", "names",
			 "Exercise Person", "Exercise Alias", "date_of_birth", "2000-02-29",
			 "documents", "kind", "passport", "number", "EX-123", "issuer",
			 "Exercise Republic", "family_links", "relation", "sibling", "person",
			 PERSON_B, "special_needs", "Exercise:\nnone");
}

/* Check person after set(key, value) (value stolen; NULL deletes key). */
static const char *field_after(const char *key, json_t *value)
{
	static struct cx_vault_error err;
	json_t *p = person();

	if (value)
		json_object_set_new(p, key, value);
	else
		json_object_del(p, key);
	if (cx_vault_person_check(p, &err) == 0)
		snprintf(err.field, sizeof(err.field), "(valid)");
	json_decref(p);
	return err.field;
}

static void test_vault_valid_person_passes(void **state)
{
	struct cx_vault_error err;
	json_t *p = person();
	json_t *minimal = json_pack("{s:[s]}", "names", "Exercise");

	(void)state;
	assert_int_equal(cx_vault_person_check(p, &err), 0);
	assert_int_equal(cx_vault_person_check(minimal, &err), 0);
	json_decref(p);
	json_decref(minimal);
}

static void test_vault_person_errors_name_the_field(void **state)
{
	(void)state;
	assert_string_equal(field_after("names", NULL), "names");
	assert_string_equal(field_after("names", json_array()), "names");
	assert_string_equal(field_after("names", json_pack("[s]", "  ")), "names[0]");
	assert_string_equal(field_after("names", json_pack("[s, i]", "A", 1)), "names[1]");
	assert_string_equal(field_after("names", json_pack("[s]", "A\tB")), "names[0]");
	assert_string_equal(field_after("date_of_birth", json_string("1990")), "(valid)");
	assert_string_equal(field_after("date_of_birth", json_string("1990-12")), "(valid)");
	assert_string_equal(field_after("date_of_birth", json_string("1990-13")), "date_of_birth");
	assert_string_equal(field_after("date_of_birth", json_string("2001-02-29")),
			    "date_of_birth");
	assert_string_equal(field_after("date_of_birth", json_string("90-01-01")),
			    "date_of_birth");
	assert_string_equal(field_after("date_of_birth", json_integer(1990)), "date_of_birth");
	assert_string_equal(field_after("documents",
					json_pack("[{s:s, s:s, s:s}]", "kind", "visa", "number",
						  "1", "issuer", "X")),
			    "documents[0].kind");
	assert_string_equal(field_after("documents",
					json_pack("[{s:s, s:s}]", "kind", "other", "number", "1")),
			    "documents[0].issuer");
	assert_string_equal(field_after("documents", json_pack("[s]", "passport")),
			    "documents[0]");
	assert_string_equal(field_after("family_links",
					json_pack("[{s:s, s:s}]", "relation", "friend", "person",
						  PERSON_B)),
			    "family_links[0].relation");
	assert_string_equal(field_after("family_links",
					json_pack("[{s:s, s:s}]", "relation", "child", "person",
						  "person-1234")),
			    "family_links[0].person");
	assert_string_equal(field_after("special_needs", json_string("")), "special_needs");
	assert_string_equal(field_after("nationality", json_string("X")), "nationality");
	assert_string_equal(field_after("names", json_null()), "names");
}

static void test_vault_person_size_is_bounded(void **state)
{
	struct cx_vault_error err;
	char *big = malloc(CX_VAULT_MAX_RECORD + 1);
	json_t *p = json_pack("{s:[s]}", "names", "Exercise");

	(void)state;
	memset(big, 'x', CX_VAULT_MAX_RECORD);
	big[CX_VAULT_MAX_RECORD] = '\0';
	json_object_set_new(p, "special_needs", json_string(big));
	assert_int_equal(cx_vault_person_check(p, &err), -EINVAL);
	assert_string_equal(err.field, "");
	json_object_set_new(p, "special_needs", json_string("short"));
	assert_int_equal(cx_vault_person_check(p, &err), 0);
	free(big);
	json_decref(p);
}

static void test_vault_person_ids(void **state)
{
	char id[CX_VAULT_ID_LEN + 1];

	(void)state;
	assert_true(cx_vault_person_id_valid(PERSON_A));
	assert_true(cx_vault_person_id_valid(cx_vault_person_id_new(id)));
	assert_false(cx_vault_person_id_valid("person-0F8E4A1C-2B3D-4E5F-8A9B-0C1D2E3F4A5B"));
	assert_false(cx_vault_person_id_valid("person-0f8e4a1c-2b3d-1e5f-8a9b-0c1d2e3f4a5b"));
	assert_false(cx_vault_person_id_valid("identity--0f8e4a1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b"));
	assert_false(cx_vault_person_id_valid(NULL));
}

struct sealed {
	unsigned char nonce[CX_VAULT_NONCE_BYTES];
	unsigned char *box;
	size_t len;
};

static struct cx_vault_key *test_key(unsigned char fill)
{
	unsigned char raw[CX_VAULT_KEY_BYTES];

	memset(raw, fill, sizeof(raw));
	return cx_vault_key_from(raw);
}

static void seal(const struct cx_vault_key *k, const struct cx_vault_binding *b,
		 const json_t *p, struct sealed *out)
{
	assert_int_equal(cx_vault_seal(k, b, p, out->nonce, &out->box, &out->len), 0);
}

static int open_as(const struct cx_vault_key *k, const char *id, const char *case_id,
		   int64_t version, const struct sealed *s, json_t **ret)
{
	struct cx_vault_binding b = {id, case_id, version};

	return cx_vault_open(k, &b, s->nonce, s->box, s->len, ret);
}

static void test_vault_seal_opens_only_for_its_binding(void **state)
{
	struct cx_vault_key *k = test_key(7), *other = test_key(8);
	struct cx_vault_binding b = {PERSON_A, CASE_A, 3};
	json_t *p = person(), *out = NULL;
	struct sealed s;

	(void)state;
	seal(k, &b, p, &s);
	assert_null(memmem(s.box, s.len, "Exercise Person", 15));
	assert_int_equal(open_as(k, PERSON_A, CASE_A, 3, &s, &out), 0);
	assert_true(json_equal(out, p));
	json_decref(out);
	assert_int_equal(open_as(k, PERSON_B, CASE_A, 3, &s, &out), -EBADMSG);
	assert_int_equal(open_as(k, PERSON_A, CASE_B, 3, &s, &out), -EBADMSG);
	assert_int_equal(open_as(k, PERSON_A, CASE_A, 2, &s, &out), -EBADMSG);
	assert_int_equal(open_as(other, PERSON_A, CASE_A, 3, &s, &out), -EBADMSG);
	s.box[s.len / 2] ^= 1;
	assert_int_equal(open_as(k, PERSON_A, CASE_A, 3, &s, &out), -EBADMSG);
	free(s.box);
	json_decref(p);
	cx_vault_key_free(k);
	cx_vault_key_free(other);
}

static void test_vault_swapped_ciphertexts_fail_to_open(void **state)
{
	struct cx_vault_key *k = test_key(9);
	struct cx_vault_binding a = {PERSON_A, CASE_A, 1}, b = {PERSON_B, CASE_A, 1};
	json_t *p = person(), *out = NULL;
	struct sealed sa, sb;

	(void)state;
	seal(k, &a, p, &sa);
	seal(k, &b, p, &sb);
	/* Same record, same key: still two different ciphertexts (fresh nonces). */
	assert_memory_not_equal(sa.nonce, sb.nonce, CX_VAULT_NONCE_BYTES);
	assert_int_equal(open_as(k, PERSON_A, CASE_A, 1, &sb, &out), -EBADMSG);
	assert_int_equal(open_as(k, PERSON_B, CASE_A, 1, &sa, &out), -EBADMSG);
	assert_int_equal(open_as(k, PERSON_B, CASE_A, 1, &sb, &out), 0);
	json_decref(out);
	free(sa.box);
	free(sb.box);
	json_decref(p);
	cx_vault_key_free(k);
}

static void test_vault_key_file_is_made_private_and_checked(void **state)
{
	char dir[] = "/tmp/cx-vault-test-XXXXXX", path[128], err[512];
	struct cx_vault_key *k = NULL;
	struct stat st;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vault.key", dir);
	assert_int_equal(cx_vault_key_load(path, &k, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "missing"));
	assert_int_equal(cx_vault_key_create(path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, CX_VAULT_KEY_BYTES);
	assert_int_equal(cx_vault_key_create(path), -EEXIST);
	assert_int_equal(cx_vault_key_load(path, &k, err, sizeof(err)), 0);
	cx_vault_key_free(k);
	k = NULL;
	chmod(path, 0644);
	assert_int_equal(cx_vault_key_load(path, &k, err, sizeof(err)), -EACCES);
	assert_non_null(strstr(err, "chmod 600"));
	chmod(path, 0600);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	assert_int_equal(cx_vault_key_load(path, &k, err, sizeof(err)), -EINVAL);
	assert_null(k);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vault_valid_person_passes),
		cmocka_unit_test(test_vault_person_errors_name_the_field),
		cmocka_unit_test(test_vault_person_size_is_bounded),
		cmocka_unit_test(test_vault_person_ids),
		cmocka_unit_test(test_vault_seal_opens_only_for_its_binding),
		cmocka_unit_test(test_vault_swapped_ciphertexts_fail_to_open),
		cmocka_unit_test(test_vault_key_file_is_made_private_and_checked),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("vault", tests, NULL, NULL);
}
