/* The records' state machines and what the node derives from a record
 * (core/workflow.c): pure functions over JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/records.h"
#include "core/workflow.h"
#include "store/store.h"

static json_t *rec(const char *type, const char *status)
{
	return json_pack("{s:s, s:s}", "type", type, "status", status);
}

static json_t *incident(const char *stage)
{
	return json_pack("{s:s, s:{s:{s:s, s:s}}}", "type", "incident", "extensions",
			 CX_INCIDENT_EXTENSION, "extension_type", "property-extension",
			 "report_stage", stage);
}

static int moves(json_t *prev, json_t *next, struct cx_stix_error *err)
{
	int r;

	memset(err, 0, sizeof(*err));
	r = cx_workflow_check_transition(prev, next, err);
	json_decref(prev);
	json_decref(next);
	return r;
}

static void test_workflow_new_machines_allow_their_steps_only(void **state)
{
	static const struct {
		const char *type, *from, *to;
		int ok;
	} cases[] = {
		{"cx-security-assistance-case", "lor-received", "loa-offered", 1},
		{"cx-security-assistance-case", "loa-offered", "expired", 1},
		{"cx-security-assistance-case", "lor-received", "delivering", 0},
		{"cx-security-assistance-case", "closed", "delivering", 0},
		{"cx-movement-request", "submitted", "in-progress", 1},
		{"cx-movement-request", "submitted", "completed", 0},
		{"cx-movement-request", "completed", "in-progress", 0},
		{"cx-repatriation-case", "home-nation-requested", "accepted", 1},
		{"cx-repatriation-case", "verified", "accepted", 0},
		{"cx-repatriation-case", "deferred", "home-nation-requested", 1},
		{"cx-repatriation-case", "closed", "identified", 0},
	};
	struct cx_stix_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = moves(rec(cases[i].type, cases[i].from), rec(cases[i].type, cases[i].to),
			      &err);

		if (cases[i].ok) {
			assert_int_equal(r, 0);
		} else {
			assert_int_not_equal(r, 0);
			assert_string_equal(err.rule, CX_RULE_TRANSITION);
			assert_string_equal(err.property, "status");
		}
	}
}

static void test_workflow_incident_stage_is_its_machine(void **state)
{
	struct cx_stix_error err;
	json_t *o = incident("update");
	const char *prop = NULL;

	(void)state;
	assert_string_equal(cx_workflow_state(o, &prop), "update");
	assert_string_equal(prop, "extensions." CX_INCIDENT_EXTENSION ".report_stage");
	json_decref(o);
	assert_int_equal(moves(incident("flash"), incident("final"), &err), 0);
	assert_int_not_equal(moves(incident("final"), incident("flash"), &err), 0);
	assert_string_equal(err.property, "extensions." CX_INCIDENT_EXTENSION ".report_stage");
}

static void test_workflow_movement_state_comes_from_the_decision(void **state)
{
	json_t *req = rec("cx-movement-request", "submitted");
	json_t *approved = json_pack("{s:s, s:s}", "id", "cx-movement-decision--x", "decision",
				     "approved");

	(void)state;
	assert_string_equal(cx_workflow_movement_state(req, NULL), "submitted");
	assert_string_equal(cx_workflow_movement_state(req, approved), "approved");
	json_object_set_new(req, "status", json_string("in-progress"));
	assert_string_equal(cx_workflow_movement_state(req, approved), "in-progress");
	json_decref(req);
	json_decref(approved);
}

static void test_workflow_case_value_and_offer_expiry(void **state)
{
	json_t *c = json_pack("{s:s, s:s, s:[{s:i, s:f, s:i}, {s:i, s:f}], s:{s:s}}", "type",
			      "cx-security-assistance-case", "status", "loa-offered", "lines",
			      "quantity", 10, "unit_cost", 2.5, "delivered_quantity", 4,
			      "quantity", 3, "unit_cost", 100.0, "milestones", "offer_expires",
			      "2026-12-01T00:00:00Z");
	int64_t day = 86400ll * 1000000, expires = 1796083200ll * 1000000; /* 2026-12-01 */
	json_t *wf;

	(void)state;
	assert_true(cx_workflow_value_delivered(c) == 10.0);
	assert_true(cx_workflow_offer_expiring(c, expires - 10 * day));
	assert_true(cx_workflow_offer_expiring(c, expires + day));
	assert_false(cx_workflow_offer_expiring(c, expires - 40 * day));
	wf = cx_workflow_sa_case(c, expires - 40 * day, expires - 10 * day);
	assert_true(json_number_value(json_object_get(wf, "value_total")) == 325.0);
	assert_int_equal(json_integer_value(json_object_get(wf, "days_in_stage")), 30);
	json_decref(wf);
	json_object_set_new(c, "status", json_string("accepted"));
	assert_false(cx_workflow_offer_expiring(c, expires - 10 * day));
	json_decref(c);
}

static void test_workflow_decisions_and_cases_need_their_roles(void **state)
{
	(void)state;
	assert_int_equal(cx_workflow_write_roles("cx-movement-decision"),
			 CX_ROLE_APPROVER | CX_ROLE_ADMIN);
	assert_int_equal(cx_workflow_write_roles("cx-home-nation-decision"),
			 CX_ROLE_APPROVER | CX_ROLE_ADMIN);
	assert_int_equal(cx_workflow_write_roles("cx-repatriation-case"),
			 CX_ROLE_CASE_OFFICER | CX_ROLE_ADMIN);
	assert_int_equal(cx_workflow_write_roles("cx-movement-request"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workflow_new_machines_allow_their_steps_only),
		cmocka_unit_test(test_workflow_incident_stage_is_its_machine),
		cmocka_unit_test(test_workflow_movement_state_comes_from_the_decision),
		cmocka_unit_test(test_workflow_case_value_and_offer_expiry),
		cmocka_unit_test(test_workflow_decisions_and_cases_need_their_roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
