/* The sync's verification: an owned object must be signed by the node that
 * speaks for its owner; ownerless objects pass unsigned. On a real SQLite
 * store in a temporary folder, with keys made here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/node_key.h"
#include "core/provenance.h"
#include "sync/sync.h"

#define USA_ID "identity--0b0e2c5e-7f8c-4d6a-9a51-1f2d3e4c5b60"
#define IRQ_ID "identity--1c1f3d6f-8a9d-4e7b-8b62-2a3e4f5d6c71"
#define KRG_ID "identity--2d2a4e7a-9bae-4f8c-9c73-3b4f5a6e7d82"
#define STRANGER_ID "identity--3e3b5f8b-0cbf-4a9d-8d84-4c5a6b7f8e93"

struct fixture {
	char dir[64];
	char path[128];
	struct cx_store *s;
	struct cx_node_key usa, irq, krg;
	struct cx_sync *y; /* as KRG: peers USA and IRQ */
};

static void make_key(struct cx_node_key *k, unsigned char fill)
{
	unsigned char seed[crypto_sign_SEEDBYTES];

	memset(seed, fill, sizeof(seed));
	memset(k, 0, sizeof(*k));
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
	cx_node_key_describe(k);
}

static void add_partner(struct cx_store *s, const char *code, const char *identity)
{
	struct cx_partner p;

	memset(&p, 0, sizeof(p));
	snprintf(p.code, sizeof(p.code), "%s", code);
	snprintf(p.name, sizeof(p.name), "Partner %s", code);
	snprintf(p.identity_id, sizeof(p.identity_id), "%s", identity);
	assert_true(s->partner_add(s, &p) >= 0);
}

static void add_peer(struct cx_store *s, const char *name, const char *partner,
                     const struct cx_node_key *k)
{
	struct cx_peer p;

	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.url, sizeof(p.url), "http://127.0.0.1:1/coalition/");
	snprintf(p.partner, sizeof(p.partner), "%s", partner);
	snprintf(p.user, sizeof(p.user), "peer-krg");
	snprintf(p.public_key, sizeof(p.public_key), "%s", k->public_b64);
	snprintf(p.key_id, sizeof(p.key_id), "%s", k->key_id);
	assert_int_equal(s->peer_add(s, &p, NULL), CX_STORE_OK);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct cx_sync_opts o;
	char err[256];

	assert_int_equal(sodium_init() >= 0, 1);
	snprintf(f->dir, sizeof(f->dir), "/tmp/cx-sync-verify-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/cx.db", f->dir);
	f->s = cx_store_sqlite_open(f->path, CX_STORE_CREATE, err, sizeof(err));
	assert_non_null(f->s);
	make_key(&f->usa, 1);
	make_key(&f->irq, 2);
	make_key(&f->krg, 3);
	add_partner(f->s, "USA", USA_ID);
	add_partner(f->s, "IRQ", IRQ_ID);
	add_partner(f->s, "KRG", KRG_ID);
	add_peer(f->s, "USA", "USA", &f->usa);
	add_peer(f->s, "IRQ", "IRQ", &f->irq);
	memset(&o, 0, sizeof(o));
	o.own_partner = "KRG";
	o.own_pk = f->krg.pk;
	o.own_key_id = f->krg.key_id;
	assert_int_equal(cx_sync_global_init(), 0);
	f->y = cx_sync_new(&o);
	assert_non_null(f->y);
	assert_int_equal(cx_sync_keys_load(f->y, f->s), CX_STORE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];

	cx_sync_free(f->y);
	cx_sync_global_cleanup();
	f->s->close(f->s);
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static json_t *indicator(const char *owner)
{
	return json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type", "indicator",
	    "spec_version", "2.1", "id", "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
	    "created", "2026-11-01T00:00:00.000Z", "modified", "2026-11-01T00:00:00.000Z", "name",
	    "Exercise indicator", "pattern", "[ipv4-addr:value = '198.51.100.1']", "pattern_type",
	    "stix", "valid_from", "2026-11-01T00:00:00Z", "created_by_ref", owner);
}

/* The verdict and the reason's first word. */
static int verdict(struct fixture *f, const json_t *obj, char *word, size_t n)
{
	char why[512] = "";
	int r = cx_sync_verify(f->y, f->s, obj, why, sizeof(why));
	size_t len = strcspn(why, ":");

	snprintf(word, n, "%.*s", (int)len, why);
	return r;
}

static void test_sync_verify_accepts_an_object_signed_by_its_owners_node(void **state)
{
	struct fixture *f = *state;
	json_t *o = indicator(USA_ID);
	char w[64];

	assert_int_equal(cx_provenance_sign(o, &f->usa, "cx-usa"), 0);
	assert_int_equal(verdict(f, o, w, sizeof(w)), 0);
	json_decref(o);
}

static void test_sync_verify_accepts_the_nodes_own_objects_coming_back(void **state)
{
	struct fixture *f = *state;
	json_t *o = indicator(KRG_ID);
	char w[64];

	assert_int_equal(cx_provenance_sign(o, &f->krg, "cx-krg"), 0);
	assert_int_equal(verdict(f, o, w, sizeof(w)), 0);
	json_decref(o);
}

static void test_sync_verify_rejects_an_owned_object_unsigned(void **state)
{
	struct fixture *f = *state;
	json_t *o = indicator(USA_ID);
	char w[64];

	assert_int_equal(verdict(f, o, w, sizeof(w)), 1);
	assert_string_equal(w, "unsigned");
	json_decref(o);
}

static void test_sync_verify_rejects_an_object_changed_after_signing(void **state)
{
	struct fixture *f = *state;
	json_t *o = indicator(USA_ID);
	char w[64];

	assert_int_equal(cx_provenance_sign(o, &f->usa, "cx-usa"), 0);
	json_object_set_new(o, "name", json_string("edited in transit"));
	assert_int_equal(verdict(f, o, w, sizeof(w)), 1);
	assert_string_equal(w, "bad-signature");
	json_decref(o);
}

static void test_sync_verify_rejects_a_relay_signing_for_another_partner(void **state)
{
	struct fixture *f = *state;
	json_t *o = indicator(USA_ID);
	char w[64];

	/* IRQ's node is a known peer, but it does not speak for USA. */
	assert_int_equal(cx_provenance_sign(o, &f->irq, "cx-irq"), 0);
	assert_int_equal(verdict(f, o, w, sizeof(w)), 1);
	assert_string_equal(w, "wrong-node");
	json_decref(o);
}

static void test_sync_verify_passes_ownerless_objects_unsigned(void **state)
{
	struct fixture *f = *state;
	json_t *md = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s}", "type", "marking-definition", "spec_version", "2.1",
	    "id", "marking-definition--7cbb7c3e-0c1f-4a4e-9f5b-2a3b4c5d6e7f", "created",
	    "2026-11-01T00:00:00.000Z", "created_by_ref", USA_ID, "name", "a marking");
	json_t *sco =
	    json_pack("{s:s, s:s, s:s, s:s}", "type", "ipv4-addr", "spec_version", "2.1", "id",
	              "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", "value", "198.51.100.1");
	json_t *stranger = indicator(STRANGER_ID);
	char w[64];

	assert_int_equal(verdict(f, md, w, sizeof(w)), 0);
	assert_int_equal(verdict(f, sco, w, sizeof(w)), 0);
	assert_int_equal(verdict(f, stranger, w, sizeof(w)), 0);
	json_decref(md);
	json_decref(sco);
	json_decref(stranger);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_sync_verify_accepts_an_object_signed_by_its_owners_node, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_sync_verify_accepts_the_nodes_own_objects_coming_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sync_verify_rejects_an_owned_object_unsigned,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_sync_verify_rejects_an_object_changed_after_signing, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_sync_verify_rejects_a_relay_signing_for_another_partner, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sync_verify_passes_ownerless_objects_unsigned,
	                                    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
