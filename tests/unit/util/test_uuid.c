/* UUIDs: the shape and uniqueness of generated version 4 values, and what
 * cx_uuid_valid accepts (versions 1..8, RFC 4122 variant, hyphenated form,
 * either case) and refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "util/uuid.h"

#define VALID "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"

static bool valid(const char *s)
{
	return cx_uuid_valid(s, strlen(s));
}

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void check_v4_shape(const char *u)
{
	assert_int_equal(strlen(u), 36);
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(u[i], '-');
		else if (!is_lower_hex(u[i]))
			fail_msg("%s: position %d is not lower-case hex", u, i);
	}
	assert_int_equal(u[14], '4');
	assert_non_null(strchr("89ab", u[19]));
	assert_true(cx_uuid_valid(u, 36));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

#define DRAWS 20000

/* Every draw has the v4 shape, no two are equal, each of the four variant
 * digits turns up, and every random hex position takes many values (a stuck
 * nibble would show as a position with one value). */
static void test_uuid_v4_form_and_uniqueness(void **state)
{
	char(*all)[CX_UUID_STRLEN] = malloc(DRAWS * sizeof(*all));
	unsigned seen_variant = 0;
	unsigned short seen_digit[36] = {0};

	assert_non_null(all);
	for (int i = 0; i < DRAWS; i++) {
		char *u = all[i];

		memset(u, 'X', CX_UUID_STRLEN);
		assert_ptr_equal(cx_uuid_v4(u), u);
		check_v4_shape(u);
		seen_variant |= 1u << (u[19] >= 'a' ? u[19] - 'a' + 10 : u[19] - '0');
		for (int p = 0; p < 36; p++)
			if (is_lower_hex(u[p]))
				seen_digit[p] |= (unsigned short)(1u << (u[p] >= 'a' ? u[p] - 'a' + 10
										: u[p] - '0'));
	}
	assert_int_equal(seen_variant, 0xf00);
	for (int p = 0; p < 36; p++)
		if (p != 8 && p != 13 && p != 18 && p != 23 && p != 14 && p != 19)
			assert_int_equal(seen_digit[p], 0xffff);
	qsort(all, DRAWS, sizeof(*all), cmp_str);
	for (int i = 1; i < DRAWS; i++)
		if (strcmp(all[i - 1], all[i]) == 0)
			fail_msg("duplicate uuid %s", all[i]);
	free(all);
}

static void test_uuid_valid_versions_1_to_8(void **state)
{
	char u[] = VALID;

	for (char v = '0'; v <= '9'; v++) {
		u[14] = v;
		assert_int_equal(valid(u), v >= '1' && v <= '8');
	}
	for (const char *v = "abcdefABCDEF"; *v; v++) {
		u[14] = *v;
		assert_false(valid(u));
	}
}

static void test_uuid_valid_variant_bits(void **state)
{
	char u[] = VALID;

	for (const char *v = "0123456789abcdefABCDEF"; *v; v++) {
		u[19] = *v;
		assert_int_equal(valid(u), strchr("89abAB", *v) != NULL);
	}
}

static void test_uuid_valid_accepts_either_case(void **state)
{
	assert_true(valid(VALID));
	assert_true(valid("8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F"));
	assert_true(valid("8e2E2d2B-17d4-4CbF-938f-98Ee46b3Cd3F"));
	assert_true(valid("00000000-0000-1000-8000-000000000000"));
	assert_true(valid("ffffffff-ffff-8fff-bfff-ffffffffffff"));
	/* The nil and max UUIDs carry no RFC 4122 version. */
	assert_false(valid("00000000-0000-0000-0000-000000000000"));
	assert_false(valid("ffffffff-ffff-ffff-ffff-ffffffffffff"));
}

static void test_uuid_valid_rejects_bad_hyphens(void **state)
{
	static const char *const bad[] = {
		"8e2e2d2b017d4-4cbf-938f-98ee46b3cd3f", /* hyphen replaced */
		"8e2e2d2b-17d404cbf-938f-98ee46b3cd3f",
		"8e2e2d2b-17d4-4cbf0938f-98ee46b3cd3f",
		"8e2e2d2b-17d4-4cbf-938f098ee46b3cd3f",
		"8e2e2d2-b17d4-4cbf-938f-98ee46b3cd3f", /* hyphen shifted */
		"8e2e2d2b-17d4-4cb-f938f-98ee46b3cd3f",
		"8e2e2d2b-17d4-4cbf-938f9-8ee46b3cd3f",
		"8e2e2d2b17d44cbf938f98ee46b3cd3f----", /* all at the end */
		"{8e2e2d2b-17d4-4cbf-938f-98ee46b3cd}",
		"8e2e2d2b_17d4_4cbf_938f_98ee46b3cd3f",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (valid(bad[i]))
			fail_msg("accepted %s", bad[i]);
}

static void test_uuid_valid_rejects_wrong_length(void **state)
{
	const char *u = VALID;

	assert_false(cx_uuid_valid(u, 35));
	assert_false(cx_uuid_valid(u, 0));
	assert_false(valid(VALID "0"));
	assert_false(valid("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3"));
	assert_false(valid("8e2e2d2b17d44cbf938f98ee46b3cd3f")); /* no hyphens */
	assert_false(valid(""));
	/* Only n bytes count: a valid prefix of a longer string is valid. */
	assert_true(cx_uuid_valid(VALID "-and-more", 36));
	assert_false(cx_uuid_valid(VALID "-and-more", 37));
}

static void test_uuid_valid_rejects_non_hex(void **state)
{
	static const char bad_chars[] = "gGzZ -+.:\x7f\x80\xff";

	for (int pos = 0; pos < 36; pos++) {
		char u[] = VALID;

		if (pos == 8 || pos == 13 || pos == 18 || pos == 23)
			continue;
		for (size_t c = 0; c < sizeof(bad_chars) - 1; c++) {
			u[pos] = bad_chars[c];
			if (cx_uuid_valid(u, 36))
				fail_msg("accepted 0x%02x at %d", (unsigned char)bad_chars[c], pos);
		}
		/* A NUL inside the counted bytes is not hex either. */
		u[pos] = '\0';
		assert_false(cx_uuid_valid(u, 36));
	}
}

/* Values Python's uuid.uuid5 gives (RFC 4122 §4.3, SHA-1). */
static void test_uuid_v5_matches_rfc4122_name_based_values(void **state)
{
	char out[CX_UUID_STRLEN];
	const char *dns = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
	static const char long_name[] = "a name longer than one SHA-1 block of sixty-four bytes, "
					"to cross the block boundary";

	(void)state;
	assert_string_equal(cx_uuid_v5(dns, "python.org", 10, out),
			    "886313e1-3b8a-5372-9b90-0c9aee199e5d");
	assert_string_equal(cx_uuid_v5(dns, long_name, strlen(long_name), out),
			    "813b0096-1a56-5e8a-9abb-0928cdff70cb");
	assert_string_equal(cx_uuid_v5(dns, "", 0, out), "4ebd0208-8328-5d69-8c44-ec50939c0967");
	assert_null(cx_uuid_v5("not-a-uuid", "x", 1, out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uuid_v4_form_and_uniqueness),
		cmocka_unit_test(test_uuid_v5_matches_rfc4122_name_based_values),
		cmocka_unit_test(test_uuid_valid_versions_1_to_8),
		cmocka_unit_test(test_uuid_valid_variant_bits),
		cmocka_unit_test(test_uuid_valid_accepts_either_case),
		cmocka_unit_test(test_uuid_valid_rejects_bad_hyphens),
		cmocka_unit_test(test_uuid_valid_rejects_wrong_length),
		cmocka_unit_test(test_uuid_valid_rejects_non_hex),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
