/* Origin signatures: the cx-provenance extension, signed and verified. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/node_key.h"
#include "core/provenance.h"
#include "core/records.h"
#include "stix/validate.h"

/* Another party's property-extension, kept and covered by the signature. */
#define OTHER_EXTENSION "extension-definition--d83fce45-bb30-4c3e-b3ef-2e4b9d4c6c4f"

static void make_key(struct cx_node_key *k, unsigned char fill)
{
	unsigned char seed[crypto_sign_SEEDBYTES];

	memset(seed, fill, sizeof(seed));
	memset(k, 0, sizeof(*k));
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
	cx_node_key_describe(k);
}

static json_t *indicator(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:{s:{s:s, s:s}}, s:i}",
			 "type", "indicator", "spec_version", "2.1", "id",
			 "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "created",
			 "2026-11-01T00:00:00.000Z", "modified", "2026-11-01T00:00:00.000Z",
			 "name", "Exercise indicator \u00e9", "pattern", "[ipv4-addr:value = '198.51.100.1']",
			 "pattern_type", "stix", "valid_from", "2026-11-01T00:00:00Z",
			 "indicator_types", "malicious-activity", "extensions", OTHER_EXTENSION,
			 "extension_type", "property-extension", "note", "kept", "confidence", 80);
}

static json_t *signed_indicator(const struct cx_node_key *k)
{
	json_t *o = indicator();

	assert_int_equal(cx_provenance_sign(o, k, "usa-node"), 0);
	return o;
}

static void test_provenance_key_id_is_prefix_and_16_hex_of_sha256(void **state)
{
	struct cx_node_key k;
	unsigned char digest[32];
	char hex[65], want[32];

	(void)state;
	make_key(&k, 7);
	crypto_hash_sha256(digest, k.pk, 32);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	snprintf(want, sizeof(want), "ed25519:%.16s", hex);
	assert_string_equal(k.key_id, want);
	assert_int_equal(strlen(k.public_b64), 44);
	cx_node_key_wipe(&k);
	for (size_t i = 0; i < sizeof(k); i++)
		assert_int_equal(((unsigned char *)&k)[i], 0);
}

static void test_provenance_sign_then_verify_round_trip(void **state)
{
	struct cx_node_key k;
	json_t *o, *ext;
	char why[300];

	(void)state;
	make_key(&k, 1);
	o = signed_indicator(&k);
	ext = json_object_get(json_object_get(o, "extensions"), CX_PROVENANCE_EXTENSION);
	assert_non_null(ext);
	assert_string_equal(json_string_value(json_object_get(ext, "extension_type")),
			    "property-extension");
	assert_string_equal(json_string_value(json_object_get(ext, "node")), "usa-node");
	assert_string_equal(json_string_value(json_object_get(ext, "key_id")), k.key_id);
	assert_int_equal(strlen(json_string_value(json_object_get(ext, "signature"))), 88);
	/* Other extensions stay. */
	assert_non_null(json_object_get(json_object_get(o, "extensions"), OTHER_EXTENSION));
	assert_true(cx_provenance_present(o));
	assert_int_equal(cx_provenance_verify(o, k.pk, k.key_id, why, sizeof(why)), CX_PROV_OK);
	json_decref(o);
}

static void test_provenance_signed_object_passes_the_schema(void **state)
{
	struct cx_stix_validate_opts opts = {cx_records_check, NULL};
	struct cx_stix_error err;
	struct cx_node_key k;
	json_t *o, *ext;

	(void)state;
	make_key(&k, 2);
	o = signed_indicator(&k);
	memset(&err, 0, sizeof(err));
	assert_int_equal(cx_stix_validate(o, &opts, &err), 0);
	/* It makes no record of the indicator. */
	assert_null(cx_record_type_of(o));
	/* A property the schema does not define is refused. */
	ext = json_object_get(json_object_get(o, "extensions"), CX_PROVENANCE_EXTENSION);
	json_object_set_new(ext, "extra", json_string("x"));
	memset(&err, 0, sizeof(err));
	assert_int_not_equal(cx_stix_validate(o, &opts, &err), 0);
	json_decref(o);
}

/* Change one value anywhere (top level, nested, in the extension) and the
 * signature no longer matches. */
static void test_provenance_any_change_breaks_the_signature(void **state)
{
	static const char *const paths[][2] = {
		{"name", NULL},           {"modified", NULL},      {"confidence", NULL},
		{"indicator_types", NULL}, {OTHER_EXTENSION, "note"}, {"node", NULL},
		{"extension_type", NULL},
	};
	struct cx_node_key k;

	(void)state;
	make_key(&k, 3);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		json_t *o = signed_indicator(&k);
		json_t *exts = json_object_get(o, "extensions");
		json_t *prov = json_object_get(exts, CX_PROVENANCE_EXTENSION);
		const char *key = paths[i][0];

		if (strcmp(key, OTHER_EXTENSION) == 0)
			json_object_set_new(json_object_get(exts, key), paths[i][1],
					    json_string("changed"));
		else if (strcmp(key, "node") == 0 || strcmp(key, "extension_type") == 0)
			json_object_set_new(prov, key, json_string("changed"));
		else if (strcmp(key, "confidence") == 0)
			json_object_set_new(o, key, json_integer(81));
		else if (strcmp(key, "indicator_types") == 0)
			json_array_append_new(json_object_get(o, key), json_string("anomalous-activity"));
		else
			json_object_set_new(o, key, json_string("2026-11-02T00:00:00.000Z"));
		assert_int_equal(cx_provenance_verify(o, k.pk, k.key_id, NULL, 0),
				 CX_PROV_BAD_SIGNATURE);
		json_decref(o);
	}
	/* So does adding or removing a property. */
	{
		json_t *o = signed_indicator(&k);

		json_object_set_new(o, "description", json_string("added"));
		assert_int_equal(cx_provenance_verify(o, k.pk, k.key_id, NULL, 0),
				 CX_PROV_BAD_SIGNATURE);
		json_decref(o);
		o = signed_indicator(&k);
		json_object_del(o, "confidence");
		assert_int_equal(cx_provenance_verify(o, k.pk, k.key_id, NULL, 0),
				 CX_PROV_BAD_SIGNATURE);
		json_decref(o);
	}
}

static void test_provenance_unsigned_object_is_unsigned(void **state)
{
	struct cx_node_key k;
	json_t *o = indicator();
	char why[300] = "";

	(void)state;
	make_key(&k, 4);
	assert_false(cx_provenance_present(o));
	assert_int_equal(cx_provenance_verify(o, k.pk, k.key_id, why, sizeof(why)),
			 CX_PROV_UNSIGNED);
	assert_true(why[0] != '\0');
	json_decref(o);
}

static void test_provenance_other_key_id_is_wrong_key_and_other_key_bad(void **state)
{
	struct cx_node_key k, other;
	json_t *o;

	(void)state;
	make_key(&k, 5);
	make_key(&other, 6);
	o = signed_indicator(&k);
	assert_int_equal(cx_provenance_verify(o, other.pk, other.key_id, NULL, 0),
			 CX_PROV_WRONG_KEY);
	/* The right key id but another public key: the signature fails. */
	assert_int_equal(cx_provenance_verify(o, other.pk, k.key_id, NULL, 0),
			 CX_PROV_BAD_SIGNATURE);
	json_decref(o);
}

static void test_provenance_removed_or_garbled_signature_is_bad(void **state)
{
	struct cx_node_key k;
	json_t *o, *prov;

	(void)state;
	make_key(&k, 8);
	o = signed_indicator(&k);
	prov = json_object_get(json_object_get(o, "extensions"), CX_PROVENANCE_EXTENSION);
	json_object_del(prov, "signature");
	assert_true(cx_provenance_present(o));
	assert_int_equal(cx_provenance_verify(o, k.pk, k.key_id, NULL, 0), CX_PROV_BAD_SIGNATURE);
	json_object_set_new(prov, "signature", json_string("not base64!"));
	assert_int_equal(cx_provenance_verify(o, k.pk, k.key_id, NULL, 0), CX_PROV_BAD_SIGNATURE);
	json_decref(o);
	/* Removing the whole extension leaves an unsigned object. */
	o = signed_indicator(&k);
	json_object_del(json_object_get(o, "extensions"), CX_PROVENANCE_EXTENSION);
	assert_int_equal(cx_provenance_verify(o, k.pk, k.key_id, NULL, 0), CX_PROV_UNSIGNED);
	json_decref(o);
}

static void test_provenance_signing_is_deterministic_and_resigning_replaces(void **state)
{
	struct cx_node_key k;
	json_t *a, *b;

	(void)state;
	make_key(&k, 9);
	a = signed_indicator(&k);
	b = signed_indicator(&k);
	assert_true(json_equal(a, b));
	/* Signing a signed object again replaces the extension with the same. */
	assert_int_equal(cx_provenance_sign(b, &k, "usa-node"), 0);
	assert_true(json_equal(a, b));
	assert_int_equal(cx_provenance_verify(b, k.pk, k.key_id, NULL, 0), CX_PROV_OK);
	json_decref(a);
	json_decref(b);
}

static void test_provenance_object_without_extensions_gets_them(void **state)
{
	struct cx_node_key k;
	json_t *o = indicator();

	(void)state;
	make_key(&k, 10);
	json_object_del(o, "extensions");
	assert_int_equal(cx_provenance_sign(o, &k, "n"), 0);
	assert_int_equal(json_object_size(json_object_get(o, "extensions")), 1);
	assert_int_equal(cx_provenance_verify(o, k.pk, k.key_id, NULL, 0), CX_PROV_OK);
	assert_int_equal(cx_provenance_sign(json_object_get(o, "name"), &k, "n"), -EINVAL);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_provenance_key_id_is_prefix_and_16_hex_of_sha256),
		cmocka_unit_test(test_provenance_sign_then_verify_round_trip),
		cmocka_unit_test(test_provenance_signed_object_passes_the_schema),
		cmocka_unit_test(test_provenance_any_change_breaks_the_signature),
		cmocka_unit_test(test_provenance_unsigned_object_is_unsigned),
		cmocka_unit_test(test_provenance_other_key_id_is_wrong_key_and_other_key_bad),
		cmocka_unit_test(test_provenance_removed_or_garbled_signature_is_bad),
		cmocka_unit_test(test_provenance_signing_is_deterministic_and_resigning_replaces),
		cmocka_unit_test(test_provenance_object_without_extensions_gets_them),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
