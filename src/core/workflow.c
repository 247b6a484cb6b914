#include "core/workflow.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "core/records.h"
#include "store/store.h"
#include "util/time.h"

/* State machines: for each type, each state and where it may go. A state
 * not listed is final. An incident's machine is its report's stage. */
struct transition {
	const char *type, *from;
	const char *to[4];
};

static const struct transition machine[] = {
	{"cx-commitment", "open", {"in-progress", "done", "dropped"}},
	{"cx-commitment", "in-progress", {"done", "dropped", "open"}},
	{"cx-aat-activity", "requested", {"approved", "cancelled"}},
	{"cx-aat-activity", "approved", {"scheduled", "cancelled"}},
	{"cx-aat-activity", "scheduled", {"conducted", "cancelled"}},
	{"cx-aat-activity", "conducted", {"reported"}},
	{"cx-aat-activity", "reported", {"closed"}},
	{"cx-assessment", "draft", {"reviewed"}},
	{"cx-assessment", "reviewed", {"endorsed", "draft"}},
	{"cx-assessment", "endorsed", {"superseded"}},
	{"cx-security-assistance-case", "lor-received", {"loa-offered", "cancelled"}},
	{"cx-security-assistance-case", "loa-offered", {"accepted", "expired", "cancelled"}},
	{"cx-security-assistance-case", "accepted", {"implemented", "cancelled"}},
	{"cx-security-assistance-case", "implemented", {"delivering", "cancelled"}},
	{"cx-security-assistance-case", "delivering", {"supply-complete"}},
	{"cx-security-assistance-case", "supply-complete", {"closed"}},
	{"cx-movement-request", "submitted", {"in-progress", "cancelled"}},
	{"cx-movement-request", "in-progress", {"completed", "aborted"}},
	{"cx-repatriation-case", "identified", {"verification-pending", "closed"}},
	{"cx-repatriation-case", "verification-pending", {"verified", "closed"}},
	{"cx-repatriation-case", "verified", {"home-nation-requested", "closed"}},
	{"cx-repatriation-case", "home-nation-requested", {"accepted", "declined", "deferred"}},
	{"cx-repatriation-case", "deferred", {"home-nation-requested", "closed"}},
	{"cx-repatriation-case", "declined", {"closed"}},
	{"cx-repatriation-case", "accepted", {"transfer-scheduled"}},
	{"cx-repatriation-case", "transfer-scheduled", {"transferred"}},
	{"cx-repatriation-case", "transferred", {"received"}},
	{"cx-repatriation-case", "received", {"in-rehabilitation"}},
	{"cx-repatriation-case", "in-rehabilitation", {"reintegrated", "referred"}},
	{"cx-repatriation-case", "reintegrated", {"closed"}},
	{"cx-repatriation-case", "referred", {"closed"}},
	{"incident", "flash", {"update", "final"}},
	{"incident", "update", {"final"}},
};

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

const char *cx_workflow_state(const json_t *obj, const char **ret_property)
{
	const char *type = str(obj, "type");

	if (ret_property)
		*ret_property = "status";
	if (type && strcmp(type, "incident") == 0) {
		if (ret_property)
			*ret_property = "extensions." CX_INCIDENT_EXTENSION ".report_stage";
		return str(json_object_get(json_object_get(obj, "extensions"),
					   CX_INCIDENT_EXTENSION),
			   "report_stage");
	}
	return str(obj, "status");
}

static const struct transition *from_state(const char *type, const char *state)
{
	for (size_t i = 0; i < sizeof(machine) / sizeof(machine[0]); i++)
		if (strcmp(machine[i].type, type) == 0 && strcmp(machine[i].from, state) == 0)
			return &machine[i];
	return NULL;
}

/* A state named anywhere in the type's machine; any other value is the
 * record schema's to refuse (422), not a transition's (409). */
static bool known_state(const char *type, const char *state)
{
	for (size_t i = 0; i < sizeof(machine) / sizeof(machine[0]); i++) {
		if (strcmp(machine[i].type, type) != 0)
			continue;
		if (strcmp(machine[i].from, state) == 0)
			return true;
		for (size_t j = 0; j < 4 && machine[i].to[j]; j++)
			if (strcmp(machine[i].to[j], state) == 0)
				return true;
	}
	return false;
}

int cx_workflow_check_transition(const json_t *prev, const json_t *next,
				 struct cx_stix_error *err)
{
	const char *type = str(next, "type"), *prop;
	const char *a = cx_workflow_state(prev, NULL), *b = cx_workflow_state(next, &prop);
	const struct transition *t;

	if (!type || !a || !b || strcmp(a, b) == 0 ||
	    !known_state(type, b))
		return 0;
	t = from_state(type, a);
	for (size_t i = 0; t && i < 4 && t->to[i]; i++)
		if (strcmp(t->to[i], b) == 0)
			return 0;
	return cx_stix_error_set(err, prop, CX_RULE_TRANSITION,
				 "a %s cannot go from %s to %s", type, a, b);
}

unsigned cx_workflow_roles_for(const char *type, const char *to)
{
	static const struct {
		const char *type, *to;
	} approvals[] = {
		{"cx-aat-activity", "approved"}, {"cx-aat-activity", "cancelled"},
		{"cx-assessment", "reviewed"},   {"cx-assessment", "endorsed"},
	};

	for (size_t i = 0; i < sizeof(approvals) / sizeof(approvals[0]); i++)
		if (strcmp(approvals[i].type, type) == 0 && strcmp(approvals[i].to, to) == 0)
			return CX_ROLE_APPROVER | CX_ROLE_ADMIN;
	return 0;
}

unsigned cx_workflow_write_roles(const char *type)
{
	if (strcmp(type, "cx-movement-decision") == 0 || strcmp(type, "cx-home-nation-decision") == 0)
		return CX_ROLE_APPROVER | CX_ROLE_ADMIN;
	if (strcmp(type, "cx-repatriation-case") == 0)
		return CX_ROLE_CASE_OFFICER | CX_ROLE_ADMIN;
	return 0;
}

int cx_workflow_check_role(unsigned roles, const json_t *prev, const json_t *next,
			   struct cx_stix_error *err)
{
	const char *type = str(next, "type"), *a = str(prev, "status"), *b = str(next, "status");
	unsigned need;

	if (!type || !a || !b || strcmp(a, b) == 0)
		return 0;
	need = cx_workflow_roles_for(type, b);
	if (!need || (roles & need))
		return 0;
	return cx_stix_error_set(err, "status", CX_RULE_APPROVER,
				 "moving a %s to %s needs the approver role", type, b);
}

json_t *cx_workflow_next_states(const json_t *obj)
{
	const char *type = str(obj, "type"), *state = cx_workflow_state(obj, NULL);
	const struct transition *t;
	json_t *out = json_array();

	if (!type || !state)
		return out;
	t = from_state(type, state);
	for (size_t i = 0; t && i < 4 && t->to[i]; i++)
		json_array_append_new(out, json_string(t->to[i]));
	return out;
}

json_t *cx_workflow_commitment(const json_t *obj, const json_t *notes, int64_t now_us)
{
	const char *status = str(obj, "status");
	const char *due = str(obj, "due_date");
	int64_t due_us;
	bool open = status && strcmp(status, "done") != 0 && strcmp(status, "dropped") != 0;
	bool overdue = open && due && cx_time_parse(due, &due_us, NULL) == 0 && due_us < now_us;

	return json_pack("{s:s?, s:b, s:O, s:o}", "state", status, "overdue", overdue, "progress",
			 notes, "next", cx_workflow_next_states(obj));
}

/* Σ weight_f × rating_f over the assessment's ratings, weights from the
 * framework; every input is shown so that a reader sees why. */
static json_t *score(const json_t *obj, const json_t *framework)
{
	const json_t *ratings = json_object_get(obj, "ratings");
	const json_t *factors = json_object_get(framework, "factors");
	json_t *inputs = json_array(), *r, *f;
	double total = 0, weights = 0;
	size_t i, k;

	if (!framework)
		return json_pack("{s:n, s:s, s:o}", "value", "formula",
				 "sum of weight x rating over the factors; the framework is not "
				 "readable to you",
				 "inputs", inputs);
	json_array_foreach (ratings, i, r) {
		const char *name = str(r, "factor");
		double w = -1, rating = json_number_value(json_object_get(r, "rating"));

		json_array_foreach (factors, k, f)
			if (name && str(f, "name") && strcmp(str(f, "name"), name) == 0)
				w = json_number_value(json_object_get(f, "weight"));
		if (w < 0) {
			json_array_append_new(inputs, json_pack("{s:s?, s:f, s:n, s:s}", "factor",
								name, "rating", rating, "weight",
								"note", "not a factor of the framework"));
			continue;
		}
		total += w * rating;
		weights += w;
		json_array_append_new(inputs, json_pack("{s:s?, s:f, s:f, s:f}", "factor", name,
							"rating", rating, "weight", w, "product",
							w * rating));
	}
	return json_pack("{s:f, s:s, s:f, s:o}", "value", total, "formula",
			 "sum over the factors of weight x rating (ratings 0-1)", "weights",
			 weights, "inputs", inputs);
}

json_t *cx_workflow_assessment(const json_t *obj, const json_t *framework,
			       const json_t *opinions, const char *const *principals,
			       size_t nprincipals)
{
	json_t *endorsements = json_object(), *awaiting = json_array(), *o;
	size_t i;

	json_array_foreach (opinions, i, o) {
		const char *owner = str(o, "owner"), *value = str(o, "opinion");

		if (owner && value)
			json_object_set_new(endorsements, owner,
					    json_pack("{s:s, s:O}", "opinion", value, "id",
						      json_object_get(o, "id")));
	}
	for (size_t p = 0; p < nprincipals; p++) {
		const char *v = str(json_object_get(endorsements, principals[p]), "opinion");

		if (!v || (strcmp(v, "agree") != 0 && strcmp(v, "strongly-agree") != 0))
			json_array_append_new(awaiting, json_string(principals[p]));
	}
	return json_pack("{s:s?, s:o, s:o, s:b, s:o, s:o}", "state", str(obj, "status"), "score",
			 score(obj, framework), "endorsements", endorsements, "endorsed",
			 json_array_size(awaiting) == 0, "awaiting", awaiting, "next",
			 cx_workflow_next_states(obj));
}

/* Value of a case's lines: Σ quantity × unit cost, or of what was delivered. */
static double lines_value(const json_t *obj, bool delivered)
{
	const json_t *line;
	double total = 0;
	size_t i;

	json_array_foreach (json_object_get(obj, "lines"), i, line)
		total += (double)json_integer_value(json_object_get(
				 line, delivered ? "delivered_quantity" : "quantity")) *
			 json_number_value(json_object_get(line, "unit_cost"));
	return total;
}

double cx_workflow_value_delivered(const json_t *sa_case)
{
	return lines_value(sa_case, true);
}

bool cx_workflow_offer_expiring(const json_t *sa_case, int64_t now_us)
{
	const char *expires = str(json_object_get(sa_case, "milestones"), "offer_expires");
	const char *status = str(sa_case, "status");
	int64_t at;

	return status && strcmp(status, "loa-offered") == 0 && expires &&
	       cx_time_parse(expires, &at, NULL) == 0 &&
	       at - now_us < CX_WORKFLOW_OFFER_WARNING_DAYS * 86400ll * 1000000;
}

json_t *cx_workflow_sa_case(const json_t *obj, int64_t stage_since_us, int64_t now_us)
{
	json_t *out = json_pack("{s:s?, s:o, s:f, s:f, s:b}", "state", str(obj, "status"), "next",
				cx_workflow_next_states(obj), "value_total", lines_value(obj, false),
				"value_delivered", lines_value(obj, true), "offer_expiring",
				cx_workflow_offer_expiring(obj, now_us));

	if (stage_since_us > 0 && now_us >= stage_since_us)
		json_object_set_new(out, "days_in_stage",
				    json_integer((now_us - stage_since_us) / (86400ll * 1000000)));
	return out;
}

const char *cx_workflow_movement_state(const json_t *request, const json_t *decision)
{
	const char *status = str(request, "status");

	if (status && strcmp(status, "submitted") == 0 && decision && str(decision, "decision"))
		return str(decision, "decision");
	return status;
}

static json_t *decision_summary(const json_t *decision, const char *const *keys, size_t n)
{
	json_t *out;

	if (!decision)
		return json_null();
	out = json_pack("{s:O?, s:O?}", "id", json_object_get(decision, "id"), "created",
			json_object_get(decision, "created"));
	for (size_t i = 0; i < n; i++)
		if (json_object_get(decision, keys[i]))
			json_object_set(out, keys[i], json_object_get(decision, keys[i]));
	return out;
}

json_t *cx_workflow_movement(const json_t *request, const json_t *decision)
{
	static const char *const keys[] = {"decision", "movement_number", "conditions"};

	return json_pack("{s:s?, s:o, s:o}", "state", cx_workflow_movement_state(request, decision),
			 "decision", decision_summary(decision, keys, 3), "next",
			 cx_workflow_next_states(request));
}

json_t *cx_workflow_repatriation(const json_t *rcase, const json_t *decision)
{
	static const char *const keys[] = {"decision", "authority", "decision_date"};

	return json_pack("{s:s?, s:o, s:o}", "state", str(rcase, "status"), "decision",
			 decision_summary(decision, keys, 3), "next", cx_workflow_next_states(rcase));
}

json_t *cx_workflow_incident(const json_t *incident)
{
	return json_pack("{s:s?, s:o}", "stage", cx_workflow_state(incident, NULL), "next",
			 cx_workflow_next_states(incident));
}
