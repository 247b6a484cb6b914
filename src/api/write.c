/* Writing objects through the native API: create, new version, revoke. The
 * node assigns ids, timestamps and the caller's identity; the write rules
 * and the audit are those of every write (core/ingest.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/policy.h"
#include "api/api.h"
#include "core/ingest.h"
#include "core/provenance.h"
#include "core/records.h"
#include "core/workflow.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

/* Now, at millisecond precision, and later than after (µs; 0: no bound). */
static int64_t timestamp_after(int64_t after, char out[CX_TIME_STRLEN])
{
	int64_t now = cx_time_now_us() / 1000 * 1000;

	if (now <= after)
		now = (after / 1000 + 1) * 1000;
	cx_time_format(now, 3, out);
	return now;
}

static const char *server_set(const json_t *body, bool versioning)
{
	static const char *const create[] = {"id", "spec_version", "created", "modified",
					     "created_by_ref"};
	static const char *const version[] = {"id", "type", "spec_version", "created", "modified",
					      "created_by_ref", "revoked"};
	const char *const *keys = versioning ? version : create;
	size_t n = versioning ? 7 : 5;

	for (size_t i = 0; i < n; i++)
		if (json_object_get(body, keys[i]))
			return keys[i];
	return NULL;
}

/* The API's status for a write rule: another partner's or role's step is
 * 403, a step the record's state does not allow 409, the rest 422. */
static enum cx_ec ec_for_rule(const char *rule)
{
	static const char *const forbidden[] = {CX_RULE_ROLE, CX_RULE_NOT_HOST, CX_RULE_NOT_HOME,
						CX_RULE_APPROVER};
	static const char *const conflict[] = {CX_RULE_WRONG_STATE, CX_RULE_NOT_DECIDED,
					       CX_RULE_TRANSITION};

	for (size_t i = 0; i < 4; i++)
		if (strcmp(rule, forbidden[i]) == 0)
			return CX_EC_FORBIDDEN;
	for (size_t i = 0; i < 3; i++)
		if (strcmp(rule, conflict[i]) == 0)
			return CX_EC_CONFLICT;
	return CX_EC_UNPROCESSABLE;
}

/* Store obj (stolen) as the caller and answer 201 with its detail view;
 * audit_detail (may be NULL) goes into the write's audit entry. */
static enum MHD_Result store_and_answer(struct cx_request *req, struct cx_api_ctx *c, json_t *obj,
					const char *action, const json_t *audit_detail)
{
	struct cx_ingest_opts opts = {0};
	struct cx_ingest_report rep = {0};
	struct cx_partner partner;
	json_t *objects = json_pack("[o]", obj);
	enum cx_store_status st;
	enum MHD_Result r;
	char id[300];
	bool missing;
	json_t *detail;

	cx_strlcpy(id, json_string_value(json_object_get(obj, "id")), sizeof(id));
	if (c->s->partner_get(c->s, req->who.partner, &partner) != CX_STORE_OK) {
		json_decref(objects);
		return cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
	}
	opts.writer = &req->who;
	opts.writer_identity = partner.identity_id;
	opts.rules = &c->srv->cfg.records;
	opts.actor = req->who.name;
	opts.actor_partner = req->who.partner;
	opts.action = action;
	opts.audit_detail = audit_detail;
	opts.request = req->id;
	opts.sign_key = c->srv->node_key;
	opts.node_name = c->srv->cfg.name;
	opts.sign_partner = c->srv->home_partner;
	st = cx_ingest_objects(c->s, objects, &opts, &rep);
	json_decref(objects);
	if (st < 0 && rep.violations) {
		r = cx_reply_error(req, CX_EC_FORBIDDEN, rep.items[0].err.rule, "%s",
				   rep.items[0].err.message);
	} else if (st < 0) {
		r = cx_api_store_failed(req, st);
	} else if (rep.items[0].status == CX_INGEST_REJECTED) {
		r = cx_reply_error(req, ec_for_rule(rep.items[0].err.rule),
				   rep.items[0].err.property[0] ? rep.items[0].err.property : NULL,
				   "%s: %s", rep.items[0].err.rule, rep.items[0].err.message);
	} else {
		detail = cx_api_detail(c, id, &missing);
		r = detail ? cx_reply_json(req, 201, detail)
			   : cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
	}
	cx_ingest_report_release(&rep);
	return r;
}

enum MHD_Result cx_api_object_create(struct cx_request *req)
{
	struct cx_api_ctx c;
	struct cx_partner partner;
	enum MHD_Result r;
	char uuid[CX_UUID_STRLEN], now[CX_TIME_STRLEN], id[300];
	const char *type, *bad;
	json_t *body;

	if (!cx_api_begin(req, &c, &r))
		return r;
	if (!(req->who.roles & (CX_ROLE_CONTRIBUTOR | CX_ROLE_ADMIN)))
		return cx_reply_error(req, CX_EC_FORBIDDEN, "role",
				      "creating needs the contributor or admin role");
	body = cx_api_body(req, &r);
	if (!body)
		return r;
	if ((bad = server_set(body, false))) {
		json_decref(body);
		return cx_reply_error(req, CX_EC_SERVER_SET, bad, "%s is set by the node", bad);
	}
	type = json_string_value(json_object_get(body, "type"));
	if (!type || !*type || strlen(type) > 250) {
		json_decref(body);
		return cx_reply_error(req, CX_EC_BAD_PARAMETER, "type", "type must name a STIX type");
	}
	if (c.s->partner_get(c.s, req->who.partner, &partner) != CX_STORE_OK) {
		json_decref(body);
		return cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
	}
	snprintf(id, sizeof(id), "%s--%s", type, cx_uuid_v4(uuid));
	timestamp_after(0, now);
	json_object_set_new(body, "id", json_string(id));
	json_object_set_new(body, "spec_version", json_string("2.1"));
	json_object_set_new(body, "created", json_string(now));
	json_object_set_new(body, "modified", json_string(now));
	json_object_set_new(body, "created_by_ref", json_string(partner.identity_id));
	/* The project's record types carry the extension that declares them. */
	{
		const struct cx_record_type *rt = cx_record_type_named(type);

		if (rt && cx_record_is_new_sdo(rt) && !json_object_get(body, "extensions"))
			json_object_set_new(body, "extensions",
					    json_pack("{s:{s:s}}", rt->extension_id, "extension_type",
						      "new-sdo"));
	}
	return store_and_answer(req, &c, body, "api.create", NULL);
}

/* The newest version the caller may read, as JSON (caller frees). */
static json_t *newest_readable(struct cx_api_ctx *c, const char *id, int64_t *ret_modified);

struct newest {
	json_t *obj;
	int64_t modified;
};

static int take(void *arg, const struct cx_object_row *row)
{
	struct newest *n = arg;

	n->obj = json_loadb(row->json, row->json_len, 0, NULL);
	n->modified = row->modified;
	return 1;
}

static json_t *newest_readable(struct cx_api_ctx *c, const char *id, int64_t *ret_modified)
{
	const char *ids[1] = {id};
	struct cx_object_filter f = {.ids = ids, .nids = 1, .versions = CX_VERSION_LAST};
	struct newest n = {NULL, 0};

	cx_access_filter(&c->access, &f);
	if (c->s->objects_scan(c->s, &f, take, &n) < 0)
		return NULL;
	*ret_modified = n.modified;
	return n.obj;
}

/* A status change must follow the record's state machine (409 listing
 * the allowed states) and be one the caller's role may make (403). */
static enum MHD_Result transition_gate(struct cx_request *req, const json_t *prev,
				       const json_t *next)
{
	const char *type = json_string_value(json_object_get(next, "type"));
	const char *to = json_string_value(json_object_get(next, "status"));
	const char *from = json_string_value(json_object_get(prev, "status"));
	struct cx_stix_error err;

	if (!type || !to || !from || strcmp(from, to) == 0)
		return MHD_YES;
	memset(&err, 0, sizeof(err));
	if (cx_workflow_check_transition(prev, next, &err) < 0) {
		const struct cx_ec_info *info = cx_ec_info(CX_EC_CONFLICT);
		json_t *body = json_pack("{s:i, s:s, s:s, s:s, s:o}", "code", (int)info->code,
					 "title", info->title, "detail", err.message, "field",
					 "status", "allowed", cx_workflow_next_states(prev));

		return cx_reply_json(req, info->http_status, body);
	}
	if (cx_workflow_check_role(req->who.roles, prev, next, &err) < 0)
		return cx_reply_error(req, CX_EC_FORBIDDEN, "role", "%s", err.message);
	return MHD_YES;
}

/* The version that completes a movement keeps no window or points
 * (doc/RECORDS.md): drop them, and say what went for the audit ({"minimised":
 * [...]}, NULL when nothing did). */
static json_t *minimise(json_t *obj)
{
	static const char *const details[] = {"window_start", "window_end", "start_point",
					      "release_point", "route_points"};
	const char *type = json_string_value(json_object_get(obj, "type"));
	const char *status = json_string_value(json_object_get(obj, "status"));
	json_t *dropped;

	if (!type || !status || strcmp(type, "cx-movement-request") != 0 ||
	    strcmp(status, "completed") != 0)
		return NULL;
	dropped = json_array();
	for (size_t i = 0; i < sizeof(details) / sizeof(details[0]); i++)
		if (json_object_del(obj, details[i]) == 0)
			json_array_append_new(dropped, json_string(details[i]));
	if (json_array_size(dropped) == 0) {
		json_decref(dropped);
		return NULL;
	}
	return json_pack("{s:o}", "minimised", dropped);
}

/* A new version is a new object to sign: the signature of the version it
 * starts from would not match it. */
static void drop_provenance(json_t *obj)
{
	json_t *exts = json_object_get(obj, "extensions");

	json_object_del(exts, CX_PROVENANCE_EXTENSION);
	if (json_is_object(exts) && json_object_size(exts) == 0)
		json_object_del(obj, "extensions");
}

static enum MHD_Result new_version(struct cx_request *req, bool revoke)
{
	struct cx_api_ctx c;
	enum MHD_Result r;
	char now[CX_TIME_STRLEN];
	const char *bad, *key;
	json_t *body = NULL, *obj, *v, *prev, *minimised;
	int64_t modified = 0;
	void *tmp;

	if (!cx_api_begin(req, &c, &r))
		return r;
	if (!revoke) {
		body = cx_api_body(req, &r);
		if (!body)
			return r;
		if ((bad = server_set(body, true))) {
			json_decref(body);
			return cx_reply_error(req, CX_EC_SERVER_SET, bad, "%s is set by the node",
					      bad);
		}
	}
	obj = newest_readable(&c, req->params[0], &modified);
	if (!obj) {
		json_decref(body);
		return cx_reply_error(req, CX_EC_NOT_FOUND, NULL, "no object %s", req->params[0]);
	}
	if (json_is_true(json_object_get(obj, "revoked"))) {
		json_decref(obj);
		json_decref(body);
		return cx_reply_error(req, CX_EC_FORBIDDEN, "unrevoke",
				      "a revoked object is final: it takes no new versions");
	}
	prev = json_deep_copy(obj);
	drop_provenance(obj);
	json_object_foreach_safe (body, tmp, key, v) {
		if (json_is_null(v))
			json_object_del(obj, key);
		else
			json_object_set(obj, key, v);
	}
	json_decref(body);
	if (revoke)
		json_object_set_new(obj, "revoked", json_true());
	if ((r = transition_gate(req, prev, obj)) != MHD_YES || req->status) {
		json_decref(prev);
		json_decref(obj);
		return r;
	}
	json_decref(prev);
	timestamp_after(modified, now);
	json_object_set_new(obj, "modified", json_string(now));
	minimised = minimise(obj);
	r = store_and_answer(req, &c, obj,
			     revoke ? "api.revoke" : minimised ? "movement.minimise" : "api.version",
			     minimised);
	json_decref(minimised);
	return r;
}

enum MHD_Result cx_api_object_version(struct cx_request *req)
{
	return new_version(req, false);
}

enum MHD_Result cx_api_object_revoke(struct cx_request *req)
{
	return new_version(req, true);
}
