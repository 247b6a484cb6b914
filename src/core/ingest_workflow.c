/* The workflow rules ingest applies to a record's new version
 * (doc/RECORDS.md): state machines, the approver's steps, endorsement, and
 * the rules of the records that cross partner lines (decisions by the host
 * or home nation, need-to-know markings, code tables, minimisation). */
#include "core/ingest_workflow.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "access/labels.h"
#include "access/policy.h"
#include "core/records.h"
#include "core/workflow.h"
#include "util/str.h"
#include "util/time.h"

static const struct cx_record_rules default_rules = {"USA,IRQ", "IRQ,KRG", "IQ", "B,D,P"};

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static bool is(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The newest stored version of id as JSON (NULL: none); st gets the
 * store's status. */
static json_t *load_latest(struct cx_store *s, const char *id, enum cx_store_status *st,
			   int64_t *ret_modified)
{
	struct cx_object_row row;

	*st = s->object_latest(s, id, &row);
	if (*st != CX_STORE_OK)
		return NULL;
	if (ret_modified)
		*ret_modified = row.modified;
	return json_loadb(row.json, row.json_len, 0, NULL);
}

/* The partner of a code: its rowid (0: the node does not know it). */
static enum cx_store_status partner_rowid(struct cx_store *s, const char *code, int64_t *ret)
{
	struct cx_partner p;
	enum cx_store_status st = code ? s->partner_get(s, code, &p) : CX_STORE_NO_RESULT;

	*ret = st == CX_STORE_OK ? p.rowid : 0;
	return st < 0 ? st : CX_STORE_OK;
}

/* Does the version's labels release it to partner rowid? */
static bool released_to(const struct cx_object_row *row, int64_t partner)
{
	return partner && (row->owner == partner ||
			   ((uint64_t)row->rel_mask & cx_partner_bit(partner)) != 0);
}

/* Released to nobody but the partners a and b? */
static bool only_to(const struct cx_object_row *row, int64_t a, int64_t b)
{
	return ((uint64_t)row->rel_mask & ~(cx_partner_bit(a) | cx_partner_bit(b))) == 0;
}

/* The principal partners' opinions on an assessment, every one on the
 * node: the node decides an endorsement, not what one reader sees. */
struct endorsers {
	const char *code[16];
	int64_t rowid[16];
	size_t n;
	json_t *opinions;
};

static int add_opinion(void *arg, const struct cx_object_row *row)
{
	struct endorsers *e = arg;

	for (size_t i = 0; i < e->n; i++) {
		json_t *o;

		if (e->rowid[i] != row->owner)
			continue;
		o = json_loadb(row->json, row->json_len, 0, NULL);
		json_array_append_new(e->opinions,
				      json_pack("{s:s, s:s, s:O?}", "id", row->id, "owner",
						e->code[i], "opinion", json_object_get(o, "opinion")));
		json_decref(o);
	}
	return 0;
}

/* An assessment becomes "endorsed" only with an agreeing opinion from each
 * principal partner (doc/RECORDS.md). */
static enum cx_store_status check_endorsement(struct cx_store *s, const char *principals,
					      const json_t *prev, const json_t *next,
					      struct cx_stix_error *err)
{
	const char *id = str(next, "id"), *to = str(next, "status"), *from = str(prev, "status");
	const char *types[1] = {"opinion"};
	struct cx_object_filter f = {.types = types, .ntypes = 1, .versions = CX_VERSION_LAST,
				     .ref_to = id, .ref_kind = "ref"};
	struct endorsers e = {.n = 0};
	char list[256], *awaiting;
	json_t *wf;
	enum cx_store_status st;
	bool endorsed;

	if (!is(str(next, "type"), "cx-assessment") || !is(to, "endorsed") || is(from, to))
		return CX_STORE_OK;
	cx_strlcpy(list, principals, sizeof(list));
	for (char *save = list, *tok; e.n < 16 && (tok = strsep(&save, ","));) {
		if (!*tok)
			continue;
		st = partner_rowid(s, tok, &e.rowid[e.n]);
		if (st < 0)
			return st;
		if (!e.rowid[e.n])
			e.rowid[e.n] = -1;
		e.code[e.n++] = tok;
	}
	e.opinions = json_array();
	st = s->objects_scan(s, &f, add_opinion, &e);
	if (st < 0) {
		json_decref(e.opinions);
		return st;
	}
	wf = cx_workflow_assessment(next, NULL, e.opinions, e.code, e.n);
	json_decref(e.opinions);
	endorsed = json_is_true(json_object_get(wf, "endorsed"));
	awaiting = json_dumps(json_object_get(wf, "awaiting"), JSON_COMPACT);
	if (!endorsed)
		cx_stix_error_set(err, "status", CX_RULE_ENDORSEMENT,
				  "an assessment is endorsed only when every principal partner "
				  "agrees in its own opinion: awaiting %s",
				  awaiting ? awaiting : "?");
	free(awaiting);
	json_decref(wf);
	return endorsed ? CX_STORE_OK : CX_STORE_NO_RESULT;
}

/* The newest decision of type dtype on target made by partner `by`. */
struct newest_decision {
	int64_t by, modified;
	json_t *obj;
};

static int keep_newest(void *arg, const struct cx_object_row *row)
{
	struct newest_decision *d = arg;

	if (row->owner != d->by || (d->obj && row->modified <= d->modified))
		return 0;
	json_decref(d->obj);
	d->obj = json_loadb(row->json, row->json_len, 0, NULL);
	d->modified = row->modified;
	return 0;
}

enum cx_store_status cx_ingest_newest_decision(struct cx_store *s, const struct cx_access *a,
					       const char *dtype, const char *target, int64_t by,
					       json_t **ret)
{
	const char *types[1] = {dtype};
	struct cx_object_filter f = {.types = types, .ntypes = 1, .versions = CX_VERSION_LAST,
				     .ref_to = target, .ref_kind = "ref"};
	struct newest_decision d = {by, 0, NULL};
	enum cx_store_status st;

	if (a)
		cx_access_filter(a, &f);
	st = by ? s->objects_scan(s, &f, keep_newest, &d) : CX_STORE_OK;

	if (st < 0) {
		json_decref(d.obj);
		return st;
	}
	*ret = d.obj;
	return CX_STORE_OK;
}

#define REFUSE(prop, rule, ...) (cx_stix_error_set(err, prop, rule, __VA_ARGS__), CX_STORE_NO_RESULT)

/* The partner named by a property must be one the node knows. */
static enum cx_store_status known_partner(struct cx_store *s, const json_t *obj, const char *key,
					  int64_t *ret, struct cx_stix_error *err)
{
	enum cx_store_status st = partner_rowid(s, str(obj, key), ret);

	if (st < 0)
		return st;
	if (!*ret)
		return REFUSE(key, CX_RULE_UNKNOWN_CODE, "%s: %s is not a partner of this node", key,
			      str(obj, key) ? str(obj, key) : "(none)");
	return CX_STORE_OK;
}

static enum cx_store_status check_sa_case(struct cx_store *s, const struct cx_object_row *row,
					  const json_t *obj, const struct cx_record_rules *rules,
					  struct cx_stix_error *err)
{
	const char *id = str(obj, "case_id");
	char country[3] = {0}, agency[2] = {0};
	int64_t purchaser;
	enum cx_store_status st;

	if (id && strlen(id) >= 4) {
		memcpy(country, id, 2);
		agency[0] = id[3];
	}
	if (!cx_config_list_has(rules->sa_countries, country))
		return REFUSE("case_id", CX_RULE_UNKNOWN_CODE,
			      "case_id: the country code %s is not one of this node's (%s)", country,
			      rules->sa_countries);
	if (!cx_config_list_has(rules->sa_agencies, agency))
		return REFUSE("case_id", CX_RULE_UNKNOWN_CODE,
			      "case_id: the implementing agency code %s is not one of this node's (%s)",
			      agency, rules->sa_agencies);
	st = known_partner(s, obj, "purchaser", &purchaser, err);
	if (st != CX_STORE_OK)
		return st;
	if (!released_to(row, purchaser))
		return REFUSE("object_marking_refs", CX_RULE_NOT_RELEASED,
			      "a security assistance case must be releasable to its purchaser %s",
			      str(obj, "purchaser"));
	return CX_STORE_OK;
}

static const char *const movement_details[] = {"window_start", "window_end", "start_point",
					       "release_point", "route_points"};

static enum cx_store_status check_movement(struct cx_store *s, const struct cx_object_row *row,
					   const json_t *obj, const struct cx_record_rules *rules,
					   struct cx_stix_error *err)
{
	const char *host_code = str(obj, "host_nation"), *status = str(obj, "status");
	int64_t host, start, end;
	enum cx_store_status st;

	if (!cx_config_list_has(rules->host_nations, host_code ? host_code : ""))
		return REFUSE("host_nation", CX_RULE_UNKNOWN_CODE,
			      "host_nation: %s is not a host nation of this node (%s)",
			      host_code ? host_code : "(none)", rules->host_nations);
	st = known_partner(s, obj, "host_nation", &host, err);
	if (st != CX_STORE_OK)
		return st;
	if (!released_to(row, host) || !only_to(row, row->owner, host))
		return REFUSE("object_marking_refs", CX_RULE_NEED_TO_KNOW,
			      "a movement request is releasable to its requester and its host "
			      "nation %s only",
			      host_code);
	if (is(status, "completed")) {
		for (size_t i = 0; i < 5; i++)
			if (json_object_get(obj, movement_details[i]))
				return REFUSE(movement_details[i], CX_RULE_MINIMISED,
					      "%s: a completed movement keeps no window or points",
					      movement_details[i]);
		return CX_STORE_OK;
	}
	if (!is(status, "submitted") && !is(status, "in-progress"))
		return CX_STORE_OK;
	for (size_t i = 0; i < 4; i++)
		if (!json_object_get(obj, movement_details[i]))
			return REFUSE(movement_details[i], CX_RULE_DEPENDENCY,
				      "%s: a movement request needs its window and its start and "
				      "release points until it completes",
				      movement_details[i]);
	if (cx_time_parse(str(obj, "window_start"), &start, NULL) == 0 &&
	    cx_time_parse(str(obj, "window_end"), &end, NULL) == 0 && end <= start)
		return REFUSE("window_end", CX_RULE_DEPENDENCY,
			      "window_end: the window must end after it starts");
	return CX_STORE_OK;
}

static enum cx_store_status check_repatriation(struct cx_store *s,
					       const struct cx_object_row *row,
					       const json_t *obj, struct cx_stix_error *err)
{
	static const char *const text[] = {"labels", "external_references", "description"};
	int64_t home;
	enum cx_store_status st;
	const char *key;
	json_t *v;

	json_object_foreach ((json_t *)obj, key, v)
		if (strncmp(key, "x_", 2) == 0)
			return REFUSE(key, CX_RULE_PERSONAL_DATA,
				      "%s: a repatriation case carries no custom properties (personal "
				      "data belongs in the vault)",
				      key);
	for (size_t i = 0; i < 3; i++)
		if (json_object_get(obj, text[i]))
			return REFUSE(text[i], CX_RULE_PERSONAL_DATA,
				      "%s: a repatriation case carries no free text (personal data "
				      "belongs in the vault)",
				      text[i]);
	st = known_partner(s, obj, "home_nation", &home, err);
	if (st != CX_STORE_OK)
		return st;
	if (!released_to(row, home))
		return REFUSE("object_marking_refs", CX_RULE_NOT_RELEASED,
			      "a repatriation case must be releasable to its home nation %s",
			      str(obj, "home_nation"));
	return CX_STORE_OK;
}

/* A decision on a movement request or a repatriation case: by the
 * deciding partner, on a record awaiting it, released to the record's
 * owner (and for movements, to nobody else). */
struct decision_kind {
	const char *type, *ref, *target_type, *decider_key, *awaiting, *wrong_partner;
};

static const struct decision_kind decisions[] = {
	{"cx-movement-decision", "request_ref", "cx-movement-request", "host_nation", "submitted",
	 CX_RULE_NOT_HOST},
	{"cx-home-nation-decision", "case_ref", "cx-repatriation-case", "home_nation",
	 "home-nation-requested", CX_RULE_NOT_HOME},
};

static enum cx_store_status check_decision(struct cx_store *s, const struct decision_kind *k,
					   const struct cx_object_row *row, const json_t *obj,
					   struct cx_stix_error *err)
{
	const char *ref = str(obj, k->ref), *d = str(obj, "decision");
	enum cx_store_status st;
	int64_t decider, own_latest = 0, target_owner;
	json_t *target = load_latest(s, ref, &st, NULL), *mine;
	const char *type = str(target, "type");

	if (st < 0)
		return st;
	if (!target || !is(type, k->target_type)) {
		json_decref(target);
		return REFUSE(k->ref, CX_RULE_UNKNOWN_REFERENCE, "%s: no %s %s on this node", k->ref,
			      k->target_type, ref);
	}
	st = partner_rowid(s, str(target, k->decider_key), &decider);
	if (st >= 0 && (!decider || row->owner != decider))
		st = REFUSE("created_by_ref", k->wrong_partner,
			    "only %s, the %s of %s, may decide it",
			    str(target, k->decider_key) ? str(target, k->decider_key) : "(none)",
			    strcmp(k->decider_key, "host_nation") == 0 ? "host nation" : "home nation",
			    ref);
	if (st == CX_STORE_OK) {
		struct cx_partner p;

		/* The owner of the decided record is the partner of its creator. */
		st = s->partner_by_identity(s, str(target, "created_by_ref"), &p);
		target_owner = st == CX_STORE_OK ? p.rowid : 0;
		st = st < 0 ? st : CX_STORE_OK;
	}
	if (st == CX_STORE_OK && !released_to(row, target_owner))
		st = REFUSE("object_marking_refs", CX_RULE_NOT_RELEASED,
			    "a decision must be releasable to the owner of %s", ref);
	if (st == CX_STORE_OK && k == &decisions[0] && !only_to(row, decider, target_owner))
		st = REFUSE("object_marking_refs", CX_RULE_NEED_TO_KNOW,
			    "a movement decision is releasable to the requester and the host "
			    "nation only");
	if (st == CX_STORE_OK && is(d, "approved") && k == &decisions[0] &&
	    !json_object_get(obj, "movement_number"))
		st = REFUSE("movement_number", CX_RULE_DEPENDENCY,
			    "movement_number: an approval gives the movement its number");
	if (st == CX_STORE_OK && is(d, "counter-proposed") && !json_object_get(obj, "conditions"))
		st = REFUSE("conditions", CX_RULE_DEPENDENCY,
			    "conditions: a counter-proposal says its conditions");
	if (st == CX_STORE_OK) {
		/* Only a decision newer than its own stored versions decides. */
		mine = load_latest(s, row->id, &st, &own_latest);
		json_decref(mine);
		if (st >= 0 && own_latest < row->modified &&
		    !is(str(target, "status"), k->awaiting))
			st = REFUSE(k->ref, CX_RULE_WRONG_STATE,
				    "%s is %s: only a record that is %s can be decided", ref,
				    str(target, "status") ? str(target, "status") : "(none)",
				    k->awaiting);
		else if (st >= 0)
			st = CX_STORE_OK;
	}
	json_decref(target);
	return st;
}

/* The rules of one version on its own (whatever is stored before it). */
static enum cx_store_status check_version(struct cx_store *s, const struct cx_object_row *row,
					  const json_t *obj, const struct cx_record_rules *rules,
					  struct cx_stix_error *err)
{
	const char *type = row->type;

	if (strcmp(type, "cx-security-assistance-case") == 0)
		return check_sa_case(s, row, obj, rules, err);
	if (strcmp(type, "cx-movement-request") == 0)
		return check_movement(s, row, obj, rules, err);
	if (strcmp(type, "cx-repatriation-case") == 0)
		return check_repatriation(s, row, obj, err);
	for (size_t i = 0; i < sizeof(decisions) / sizeof(decisions[0]); i++)
		if (strcmp(type, decisions[i].type) == 0)
			return check_decision(s, &decisions[i], row, obj, err);
	return CX_STORE_OK;
}

/* Who decides or buys is fixed when the record is made: a new version may
 * not hand the record to another partner. */
static enum cx_store_status check_fixed_partner(const json_t *prev, const json_t *next,
						struct cx_stix_error *err)
{
	static const struct {
		const char *type, *key;
	} fixed[] = {
		{"cx-movement-request", "host_nation"},
		{"cx-repatriation-case", "home_nation"},
		{"cx-security-assistance-case", "purchaser"},
	};
	const char *type = str(next, "type");

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (is(type, fixed[i].type) && !is(str(prev, fixed[i].key), str(next, fixed[i].key)))
			return REFUSE(fixed[i].key, CX_RULE_IMMUTABLE,
				      "%s: a %s keeps the partner it was made for", fixed[i].key,
				      type);
	return CX_STORE_OK;
}

/* A step that is the deciding partner's: the newest decision must say it. */
static enum cx_store_status check_decided(struct cx_store *s, const json_t *prev,
					  const json_t *next, struct cx_stix_error *err)
{
	const char *type = str(next, "type"), *from = str(prev, "status"), *to = str(next, "status");
	const char *dtype, *key, *want;
	int64_t decider;
	json_t *decision = NULL;
	enum cx_store_status st;

	if (is(type, "cx-movement-request") && is(from, "submitted") && is(to, "in-progress")) {
		dtype = "cx-movement-decision";
		key = "host_nation";
		want = "approved";
	} else if (is(type, "cx-repatriation-case") && is(from, "home-nation-requested") &&
		   (is(to, "accepted") || is(to, "declined") || is(to, "deferred"))) {
		dtype = "cx-home-nation-decision";
		key = "home_nation";
		want = to;
	} else {
		return CX_STORE_OK;
	}
	st = partner_rowid(s, str(prev, key), &decider);
	if (st >= 0)
		st = cx_ingest_newest_decision(s, NULL, dtype, str(next, "id"), decider, &decision);
	if (st < 0)
		return st;
	if (!is(str(decision, "decision"), want))
		st = REFUSE("status", CX_RULE_NOT_DECIDED,
			    "%s: %s's newest decision is %s, not %s", to, str(prev, key),
			    str(decision, "decision") ? str(decision, "decision") : "not yet made",
			    want);
	json_decref(decision);
	return st;
}

/* Through TAXII and the API a record whose later states are another
 * partner's to decide starts before them (an import may load history). */
static enum cx_store_status check_first_state(const json_t *obj, struct cx_stix_error *err)
{
	static const struct {
		const char *type, *states[4];
	} starts[] = {
		{"cx-movement-request", {"submitted"}},
		{"cx-repatriation-case",
		 {"identified", "verification-pending", "verified", "home-nation-requested"}},
	};
	const char *type = str(obj, "type"), *status = str(obj, "status");

	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		if (!is(type, starts[i].type))
			continue;
		for (size_t j = 0; j < 4 && starts[i].states[j]; j++)
			if (is(status, starts[i].states[j]))
				return CX_STORE_OK;
		return REFUSE("status", CX_RULE_TRANSITION, "a new %s cannot start as %s", type,
			      status ? status : "(none)");
	}
	return CX_STORE_OK;
}

enum cx_store_status cx_ingest_check_workflow(struct cx_store *s, const struct cx_object_row *row,
					      const json_t *obj, const struct cx_ingest_opts *opts,
					      struct cx_stix_error *err)
{
	const struct cx_principal *writer = opts->writer;
	const struct cx_record_rules *rules = opts->rules ? opts->rules : &default_rules;
	unsigned need = cx_workflow_write_roles(row->type);
	enum cx_store_status st;
	json_t *prev;
	int64_t latest_modified = 0;
	int r;

	if (writer && need && !(writer->roles & need))
		return REFUSE("type", CX_RULE_ROLE, "writing a %s needs the %s role", row->type,
			      need & CX_ROLE_CASE_OFFICER ? "case-officer" : "approver");
	prev = load_latest(s, row->id, &st, &latest_modified);
	if (st < 0)
		return st;
	st = prev ? check_fixed_partner(prev, obj, err) : CX_STORE_OK;
	if (st == CX_STORE_OK)
		st = check_version(s, row, obj, rules, err);
	if (st != CX_STORE_OK || !prev) {
		json_decref(prev);
		if (st != CX_STORE_OK)
			return st;
		/* A first version. */
		return writer ? check_first_state(obj, err) : CX_STORE_OK;
	}
	if (latest_modified >= row->modified) {
		/* An older version arriving late: it changes no state. */
		json_decref(prev);
		return CX_STORE_OK;
	}
	r = cx_workflow_check_transition(prev, obj, err);
	if (r == 0 && writer) /* a local import is the administrator's */
		r = cx_workflow_check_role(writer->roles, prev, obj, err);
	st = r < 0 ? CX_STORE_NO_RESULT : CX_STORE_OK;
	if (st == CX_STORE_OK)
		st = check_decided(s, prev, obj, err);
	if (st == CX_STORE_OK && writer)
		st = check_endorsement(s, rules->principal_partners, prev, obj, err);
	json_decref(prev);
	return st;
}
