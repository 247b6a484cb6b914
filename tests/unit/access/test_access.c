/* The access layer: markings, labels, the reading rule (its C and SQL forms
 * must agree) and the sovereign-write rules. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "access/labels.h"
#include "access/markings.h"
#include "access/policy.h"
#include "access/roles.h"

#define CLEAR "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
#define GREEN "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
#define AMBER "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
#define RED "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
#define WHITE1 "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
#define REL_A "marking-definition--00000000-0000-4000-8000-00000000000a"
#define REL_B "marking-definition--00000000-0000-4000-8000-00000000000b"
#define USA_ID "identity--00000000-0000-4000-8000-000000000001"

/* A fake node: partners USA=1, IRQ=2, KRG=3, GBR=4; two releasability
 * markings. */
static json_t *markings_db;

static int64_t fake_owner(void *arg, const char *identity_id)
{
	(void)arg;
	return strcmp(identity_id, USA_ID) == 0 ? 1 : 0;
}

static uint64_t fake_bit(void *arg, const char *code)
{
	static const char *const codes[] = {"USA", "IRQ", "KRG", "GBR"};

	(void)arg;
	for (int i = 0; i < 4; i++)
		if (strcmp(code, codes[i]) == 0)
			return cx_partner_bit(i + 1);
	return 0;
}

static const json_t *fake_marking(void *arg, const char *id)
{
	(void)arg;
	return json_object_get(markings_db, id);
}

static const struct cx_label_resolver resolver = {fake_owner, fake_bit, fake_marking, NULL};

static int setup(void **state)
{
	(void)state;
	markings_db = json_pack(
		"{s:{s:s, s:{s:{s:s, s:s, s:[s,s,s]}}}, s:{s:s, s:{s:{s:s, s:s, s:[s,s,s]}}}}",
		REL_A, "type", "marking-definition", "extensions", CX_REL_EXTENSION_ID,
		"extension_type", "property-extension", "classification", "C", "releasable_to",
		"USA", "IRQ", "KRG", REL_B, "type", "marking-definition", "extensions",
		CX_REL_EXTENSION_ID, "extension_type", "property-extension", "classification", "S",
		"releasable_to", "IRQ", "GBR", "XYZ");
	return markings_db ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	json_decref(markings_db);
	return 0;
}

static struct cx_labels labels_of(const char *json_text)
{
	struct cx_labels l;
	struct cx_stix_error err;
	json_t *o = json_loads(json_text, 0, NULL);

	assert_non_null(o);
	memset(&err, 0, sizeof(err));
	assert_int_equal(cx_labels_compute(o, &resolver, &l, &err), 0);
	json_decref(o);
	return l;
}

static void test_markings_tlp_ids_and_tlp1_mapping(void **state)
{
	(void)state;
	assert_int_equal(cx_tlp_of_marking(CLEAR), CX_TLP_CLEAR);
	assert_int_equal(cx_tlp_of_marking(WHITE1), CX_TLP_CLEAR);
	assert_int_equal(cx_tlp_of_marking(RED), CX_TLP_RED);
	assert_int_equal(cx_tlp_of_marking(REL_A), CX_TLP_NONE);
	assert_string_equal(cx_tlp_name(CX_TLP_AMBER_STRICT), "TLP:AMBER+STRICT");
}

static void test_markings_banner_puts_usa_first_then_alphabetical(void **state)
{
	const char *codes[] = {"KRG", "GBR", "USA", "IRQ"};
	struct cx_buf b;

	(void)state;
	cx_buf_init(&b, 0);
	cx_banner(&b, CX_TLP_NONE, 2, codes, 4);
	assert_string_equal(cx_buf_cstr(&b), "CONFIDENTIAL//REL TO USA, GBR, IRQ, KRG");
	cx_buf_reset(&b);
	cx_banner(&b, CX_TLP_AMBER, 3, codes, 2);
	assert_string_equal(cx_buf_cstr(&b), "TLP:AMBER SECRET//REL TO GBR, KRG");
	cx_buf_reset(&b);
	cx_banner(&b, CX_TLP_NONE, 0, NULL, 0);
	assert_string_equal(cx_buf_cstr(&b), "UNCLASSIFIED");
	cx_buf_release(&b);
}

static void test_markings_releasability_rejects_bad_extension(void **state)
{
	struct cx_releasability rel;
	char err[128];
	json_t *bad = json_pack("{s:{s:{s:s, s:s, s:[s]}}}", "extensions", CX_REL_EXTENSION_ID,
				"extension_type", "property-extension", "classification", "X",
				"releasable_to", "USA");
	json_t *lower = json_pack("{s:{s:{s:s, s:s, s:[s]}}}", "extensions",
				  CX_REL_EXTENSION_ID, "extension_type", "property-extension",
				  "classification", "C", "releasable_to", "usa");
	json_t *plain = json_pack("{s:s}", "type", "marking-definition");

	(void)state;
	assert_int_equal(cx_releasability_parse(bad, &rel, err, sizeof(err)), -EINVAL);
	assert_int_equal(cx_releasability_parse(lower, &rel, err, sizeof(err)), -EINVAL);
	assert_int_equal(cx_releasability_parse(plain, &rel, err, sizeof(err)), 0);
	assert_int_equal(cx_releasability_parse(json_object_get(markings_db, REL_A), &rel, err,
						sizeof(err)),
			 1);
	assert_int_equal(rel.classification, 2);
	assert_int_equal(rel.ncodes, 3);
	json_decref(bad);
	json_decref(lower);
	json_decref(plain);
}

static void test_labels_default_deny_and_tlp_release(void **state)
{
	struct cx_labels l;

	(void)state;
	l = labels_of("{\"type\":\"note\",\"created_by_ref\":\"" USA_ID "\"}");
	assert_int_equal(l.owner, 1);
	assert_int_equal(l.rel_mask, 0);
	l = labels_of("{\"type\":\"note\",\"object_marking_refs\":[\"" GREEN "\"]}");
	assert_int_equal(l.owner, 0);
	assert_true(l.rel_mask == CX_MASK_ALL);
	assert_int_equal(l.tlp, CX_TLP_GREEN);
	l = labels_of("{\"type\":\"note\",\"object_marking_refs\":[\"" GREEN "\",\"" AMBER "\"]}");
	assert_int_equal(l.tlp, CX_TLP_AMBER);
	assert_int_equal(l.rel_mask, 0);
	l = labels_of("{\"type\":\"note\",\"object_marking_refs\":[\"" WHITE1 "\"]}");
	assert_int_equal(l.tlp, CX_TLP_CLEAR);
	assert_true(l.rel_mask == CX_MASK_ALL);
}

static void test_labels_releasability_intersects_and_takes_highest_class(void **state)
{
	struct cx_labels l;

	(void)state;
	l = labels_of("{\"type\":\"note\",\"object_marking_refs\":[\"" REL_A "\",\"" AMBER "\"]}");
	assert_int_equal(l.rel_mask, cx_partner_bit(1) | cx_partner_bit(2) | cx_partner_bit(3));
	assert_int_equal(l.classification, 2);
	assert_int_equal(l.tlp, CX_TLP_AMBER);
	l = labels_of("{\"type\":\"note\",\"object_marking_refs\":[\"" REL_A "\"],"
		      "\"granular_markings\":[{\"marking_ref\":\"" REL_B "\",\"selectors\":[\"x\"]}]}");
	assert_int_equal(l.rel_mask, cx_partner_bit(2)); /* IRQ only; XYZ is unknown here */
	assert_int_equal(l.classification, 3);
}

static void test_labels_definitions_without_markings_are_for_all(void **state)
{
	struct cx_labels l;

	(void)state;
	l = labels_of("{\"type\":\"marking-definition\"}");
	assert_true(l.rel_mask == CX_MASK_ALL);
	l = labels_of("{\"type\":\"extension-definition\",\"created_by_ref\":\"" USA_ID "\"}");
	assert_true(l.rel_mask == CX_MASK_ALL);
	l = labels_of("{\"type\":\"marking-definition\",\"object_marking_refs\":[\"" AMBER "\"]}");
	assert_int_equal(l.rel_mask, 0);
}

static void test_labels_unknown_marking_is_rejected(void **state)
{
	struct cx_labels l;
	struct cx_stix_error err;
	json_t *o = json_loads("{\"type\":\"note\",\"object_marking_refs\":[\"" GREEN "\","
			       "\"marking-definition--00000000-0000-4000-8000-0000000000ff\"]}",
			       0, NULL);

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_int_equal(cx_labels_compute(o, &resolver, &l, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_UNKNOWN_MARKING);
	assert_string_equal(err.property, "object_marking_refs[1]");
	json_decref(o);
}

/* The rule in C and in SQL must decide every case the same way. */
static void test_policy_sql_and_c_agree_on_random_labels(void **state)
{
	sqlite3 *db;
	sqlite3_stmt *ins;
	unsigned seed = 12345;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE objects (k INTEGER PRIMARY KEY, "
					  "eff_owner, eff_mask, eff_class, eff_tlp)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO objects VALUES (?1, ?2, ?3, ?4, ?5)",
					    -1, &ins, NULL),
			 SQLITE_OK);
	struct cx_labels rows[2000];

	for (int i = 0; i < 2000; i++) {
		rows[i].owner = rand_r(&seed) % 6; /* 0: none */
		rows[i].rel_mask = rand_r(&seed) % 7 == 0 ? CX_MASK_ALL
							  : (uint64_t)(rand_r(&seed) % 64);
		rows[i].classification = rand_r(&seed) % 4;
		rows[i].tlp = (enum cx_tlp)(rand_r(&seed) % 6);
		sqlite3_bind_int(ins, 1, i);
		sqlite3_bind_int64(ins, 2, rows[i].owner);
		sqlite3_bind_int64(ins, 3, (int64_t)rows[i].rel_mask);
		sqlite3_bind_int(ins, 4, rows[i].classification);
		sqlite3_bind_int(ins, 5, (int)rows[i].tlp);
		assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	for (int p = 0; p < 200; p++) {
		struct cx_principal who = {0};
		struct cx_access a;
		char sql[1024];
		sqlite3_stmt *q;
		int checked = 0;

		who.user = 1;
		who.partner_rowid = 1 + rand_r(&seed) % 5;
		who.roles = rand_r(&seed) % 3 == 0 ? CX_ROLE_PEER : CX_ROLE_READER;
		who.clearance = "URCS"[rand_r(&seed) % 4];
		cx_access_for(p % 50 == 0 ? NULL : &who, rand_r(&seed) % 3, &a);
		snprintf(sql, sizeof(sql), "SELECT k, %s FROM objects o ORDER BY k",
			 cx_access_sql(&a));
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
		for (int k = 0; !a.nobody && k < 4; k++)
			sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, a.args[k].name),
					   a.args[k].value);
		while (sqlite3_step(q) == SQLITE_ROW) {
			int k = sqlite3_column_int(q, 0);

			assert_int_equal(sqlite3_column_int(q, 1) != 0,
					 cx_access_can_read(&a, &rows[k]));
			checked++;
		}
		assert_int_equal(checked, 2000);
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
}

static void test_policy_reading_rules(void **state)
{
	struct cx_principal who = {1, "u", 2, "IRQ", CX_ROLE_READER, 'C', 0};
	struct cx_access a;
	struct cx_labels own = {2, CX_TLP_RED, 0, 3};
	struct cx_labels rel = {1, CX_TLP_AMBER, cx_partner_bit(2), 2};

	(void)state;
	cx_access_for(&who, 1, &a);
	assert_true(cx_access_can_read(&a, &own));   /* owner sees its own, whatever marked */
	assert_true(cx_access_can_read(&a, &rel));   /* released and cleared */
	rel.classification = 3;
	assert_false(cx_access_can_read(&a, &rel));  /* classification above clearance */
	rel.classification = 2;
	rel.rel_mask = cx_partner_bit(3);
	assert_false(cx_access_can_read(&a, &rel));  /* not released to IRQ */
	/* A peer of IRQ: no RED, no AMBER+STRICT unless owned by the node's partner. */
	who.roles = CX_ROLE_PEER;
	cx_access_for(&who, 1, &a);
	rel.rel_mask = CX_MASK_ALL;
	rel.tlp = CX_TLP_RED;
	assert_false(cx_access_can_read(&a, &rel));
	rel.tlp = CX_TLP_AMBER_STRICT;
	assert_true(cx_access_can_read(&a, &rel));   /* owner 1 is the node's partner */
	rel.owner = 4;
	assert_false(cx_access_can_read(&a, &rel));  /* relayed AMBER+STRICT */
	cx_access_for(NULL, 1, &a);
	assert_false(cx_access_can_read(&a, &own));
}

static void test_policy_write_rules(void **state)
{
	struct cx_principal who = {1, "u", 1, "USA", CX_ROLE_CONTRIBUTOR, 'S', 0};
	struct cx_existing none = {0};
	struct cx_existing mine = {true, false, 1, false, 100};
	struct cx_existing theirs = {true, false, 2, false, 100};
	struct cx_existing revoked = {true, false, 1, true, 100};
	json_t *ok = json_pack("{s:s, s:s}", "type", "note", "created_by_ref", USA_ID);
	json_t *other = json_pack("{s:s, s:s}", "type", "note", "created_by_ref",
				  "identity--00000000-0000-4000-8000-000000000002");
	json_t *sco = json_pack("{s:s}", "type", "ipv4-addr");
	json_t *sdo_anon = json_pack("{s:s}", "type", "note");
	json_t *md = json_pack("{s:s, s:s}", "type", "marking-definition", "created_by_ref",
			       USA_ID);

	(void)state;
	assert_null(cx_access_check_write(&who, USA_ID, ok, 200, &none));
	assert_null(cx_access_check_write(&who, USA_ID, ok, 200, &mine));
	assert_null(cx_access_check_write(&who, USA_ID, sco, 0, &none));
	assert_string_equal(cx_access_check_write(&who, USA_ID, other, 200, &none),
			    "wrong-identity");
	assert_string_equal(cx_access_check_write(&who, USA_ID, sdo_anon, 200, &none),
			    "wrong-identity");
	assert_string_equal(cx_access_check_write(&who, USA_ID, ok, 200, &theirs), "not-owner");
	assert_string_equal(cx_access_check_write(&who, USA_ID, ok, 200, &revoked), "unrevoke");
	assert_string_equal(cx_access_check_write(&who, USA_ID, md, 200, &mine),
			    "marking-immutable");
	who.roles = CX_ROLE_READER;
	assert_string_equal(cx_access_check_write(&who, USA_ID, ok, 200, &none), "role");
	json_decref(ok);
	json_decref(other);
	json_decref(sco);
	json_decref(sdo_anon);
	json_decref(md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markings_tlp_ids_and_tlp1_mapping),
		cmocka_unit_test(test_markings_banner_puts_usa_first_then_alphabetical),
		cmocka_unit_test(test_markings_releasability_rejects_bad_extension),
		cmocka_unit_test(test_labels_default_deny_and_tlp_release),
		cmocka_unit_test(test_labels_releasability_intersects_and_takes_highest_class),
		cmocka_unit_test(test_labels_definitions_without_markings_are_for_all),
		cmocka_unit_test(test_labels_unknown_marking_is_rejected),
		cmocka_unit_test(test_policy_sql_and_c_agree_on_random_labels),
		cmocka_unit_test(test_policy_reading_rules),
		cmocka_unit_test(test_policy_write_rules),
	};

	return cmocka_run_group_tests_name("access", tests, setup, teardown);
}
