/* The record types' schema check, through the validator hook. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/records.h"
#include "stix/validate.h"

static json_t *commitment(void)
{
	const struct cx_record_type *t = cx_record_type_named("cx-commitment");

	assert_non_null(t);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:{s:s}}, s:s, s:s, s:s}", "type",
			 "cx-commitment", "spec_version", "2.1", "id",
			 "cx-commitment--0f8e4a1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b", "created",
			 "2026-11-01T00:00:00.000Z", "modified", "2026-11-01T00:00:00.000Z",
			 "extensions", t->extension_id, "extension_type", "new-sdo", "statement",
			 "Exercise", "owner_partner", "USA", "status", "open");
}

static int validate(json_t *obj, struct cx_stix_error *err)
{
	struct cx_stix_validate_opts opts = {cx_records_check, NULL};

	memset(err, 0, sizeof(*err));
	return cx_stix_validate(obj, &opts, err);
}

static void test_records_every_type_has_a_parsable_schema_and_extension(void **state)
{
	(void)state;
	assert_true(cx_record_types_count >= 7);
	for (size_t i = 0; i < cx_record_types_count; i++) {
		const struct cx_record_type *t = &cx_record_types[i];
		json_t *schema = json_loads(t->schema, 0, NULL);
		json_t *ext = cx_record_extension_definition(t);
		struct cx_stix_error err;

		assert_non_null(schema);
		assert_string_equal(json_string_value(json_object_get(schema, "x_cx_type")), t->type);
		assert_ptr_equal(cx_record_type_declared_by(t->extension_id), t);
		/* The declaring object is valid STIX itself. */
		memset(&err, 0, sizeof(err));
		assert_int_equal(cx_stix_validate(ext, NULL, &err), 0);
		json_decref(schema);
		json_decref(ext);
	}
}

static void test_records_valid_commitment_passes(void **state)
{
	struct cx_stix_error err;
	json_t *o = commitment();

	(void)state;
	assert_int_equal(validate(o, &err), 0);
	json_decref(o);
}

static void test_records_schema_violations_name_property_and_rule(void **state)
{
	static const struct {
		const char *key, *value, *property, *rule;
	} cases[] = {
		{"status", "late", "status", CX_RULE_VOCAB},
		{"owner_partner", "usa", "owner_partner", CX_RULE_FORMAT},
		{"due_date", "soon", "due_date", CX_RULE_TIMESTAMP},
		{"colour", "red", "colour", CX_RULE_FORBIDDEN},
		{"statement", "", "statement", CX_RULE_EMPTY},
	};
	struct cx_stix_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *o = commitment();

		json_object_set_new(o, cases[i].key, json_string(cases[i].value));
		assert_int_equal(validate(o, &err), -EINVAL);
		assert_string_equal(err.property, cases[i].property);
		assert_string_equal(err.rule, cases[i].rule);
		json_decref(o);
	}
	{
		json_t *o = commitment();

		json_object_del(o, "owner_partner");
		assert_int_equal(validate(o, &err), -EINVAL);
		assert_string_equal(err.rule, CX_RULE_REQUIRED);
		assert_string_equal(err.property, "owner_partner");
		json_decref(o);
	}
}

/* A property-extension of ours is checked inside the object it extends,
 * and only on the type it extends. */
static void test_records_incident_extension_is_checked_where_it_sits(void **state)
{
	struct cx_stix_error err;
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:{s:s, s:s, s:s, s:s}}}", "type",
			      "incident", "spec_version", "2.1", "id",
			      "incident--0f8e4a1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b", "created",
			      "2026-11-01T00:00:00.000Z", "modified", "2026-11-01T00:00:00.000Z",
			      "name", "Exercise", "extensions", CX_INCIDENT_EXTENSION,
			      "extension_type", "property-extension", "report_stage", "flash",
			      "occurred", "2026-11-01T00:00:00Z", "kind", "uas");

	(void)state;
	assert_int_equal(validate(o, &err), 0);
	assert_ptr_equal(cx_record_type_of(o), cx_record_type_named("cx-incident-report"));
	json_object_set_new(json_object_get(json_object_get(o, "extensions"), CX_INCIDENT_EXTENSION),
			    "kind", json_string("rocket"));
	assert_int_not_equal(validate(o, &err), 0);
	assert_string_equal(err.property, "extensions." CX_INCIDENT_EXTENSION ".kind");
	assert_string_equal(err.rule, CX_RULE_VOCAB);
	json_object_set_new(json_object_get(json_object_get(o, "extensions"), CX_INCIDENT_EXTENSION),
			    "kind", json_string("uas"));
	json_object_set_new(o, "type", json_string("malware"));
	json_object_set_new(o, "id",
			    json_string("malware--0f8e4a1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b"));
	json_object_set_new(o, "is_family", json_false());
	assert_int_not_equal(validate(o, &err), 0);
	assert_string_equal(err.rule, CX_RULE_EXTENSION);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_every_type_has_a_parsable_schema_and_extension),
		cmocka_unit_test(test_records_valid_commitment_passes),
		cmocka_unit_test(test_records_incident_extension_is_checked_where_it_sits),
		cmocka_unit_test(test_records_schema_violations_name_property_and_rule),
	};

	return cmocka_run_group_tests_name("records", tests, NULL, NULL);
}
