/* The PII vault through the native API (doc/API.md, "PII vault"): person
 * records of repatriation cases, for the case officers of the case's
 * coordinating partner and of its home nation only.
 *
 * Every request states why (X-Access-Reason). One write transaction per
 * request admits it (reason, then the case through the egress gate, then
 * the caller's partner, then the role), runs the operation (vault_ops.c)
 * and appends the audit entry, so that nothing is read or written without
 * its entry, refusals included. The entry holds ids, the reason and the
 * outcome, never the records' contents. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/roles.h"
#include "api/vault_internal.h"
#include "core/audit.h"
#include "util/str.h"
#include "util/uuid.h"

#define REASON_HEADER "X-Access-Reason"
#define REASON_MIN 10
#define REASON_MAX 500
#define CASE_TYPE "cx-repatriation-case"

static const char *const op_words[] = {"list", "create", "read", "update", "delete"};

enum cx_store_status cx_vault_refuse(struct cx_vault_call *v, enum cx_ec code, const char *field,
                                     const char *what, const char *fmt, ...)
{
	va_list ap;

	v->out.code = code;
	v->out.what = what;
	cx_strlcpy(v->out.field, field ? field : "", sizeof(v->out.field));
	va_start(ap, fmt);
	vsnprintf(v->out.detail, sizeof(v->out.detail), fmt, ap);
	va_end(ap);
	return CX_STORE_OK;
}

/* The length of the UTF-8 sequence at p and its code point; 0 when it is
 * not a valid (shortest, non-surrogate) one. */
static size_t utf8_next(const unsigned char *p, uint32_t *cp)
{
	size_t n;
	uint32_t min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2, *cp = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3, *cp = p[0] & 0x0f, min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4, *cp = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

/* Why the reason is not acceptable, or NULL: 10 to 500 characters of
 * UTF-8 without control characters. */
static const char *reason_problem(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0, len;
	uint32_t cp;

	if (!s || !*s)
		return "send " REASON_HEADER ": why you need this access (10 to 500 characters)";
	for (; *p && chars <= REASON_MAX; p += len, chars++) {
		if (!(len = utf8_next(p, &cp)))
			return REASON_HEADER " must be UTF-8 text";
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return REASON_HEADER " must not contain control characters";
	}
	if (chars < REASON_MIN || chars > REASON_MAX)
		return REASON_HEADER " must be 10 to 500 characters";
	return NULL;
}

/* Routes naming a person rather than a case. */
static bool person_route(enum cx_vault_op op)
{
	return op == CX_VAULT_READ || op == CX_VAULT_UPDATE || op == CX_VAULT_DELETE;
}

static bool case_id_valid(const char *id)
{
	size_t n = strlen(CASE_TYPE "--");

	return strncmp(id, CASE_TYPE "--", n) == 0 && strlen(id) == n + 36 &&
	       cx_uuid_valid(id + n, 36);
}

/* The update body: {"version": N, "person": {...}}. */
static void unpack_update(struct cx_vault_call *v, struct cx_vault_error *err)
{
	const char *key;
	json_t *val, *version = json_object_get(v->body, "version");

	json_object_foreach(v->body, key, val)
	{
		if (strcmp(key, "version") != 0 && strcmp(key, "person") != 0) {
			snprintf(err->field, sizeof(err->field), "%s", key);
			snprintf(err->message, sizeof(err->message),
			         "the body holds only version and person");
			return;
		}
	}
	if (!json_is_integer(version) || json_integer_value(version) < 1) {
		snprintf(err->field, sizeof(err->field), "version");
		snprintf(err->message, sizeof(err->message),
		         "version must be the record's current version (a whole number)");
		return;
	}
	v->expect_version = json_integer_value(version);
	v->person = json_object_get(v->body, "person");
	if (!v->person) {
		snprintf(err->field, sizeof(err->field), "person");
		snprintf(err->message, sizeof(err->message), "person is required");
	}
}

/* Check the body of a create or update: 400 or 422 naming the field. */
static enum cx_store_status check_body(struct cx_vault_call *v)
{
	struct cx_vault_error err = {"", ""};
	char field[sizeof(err.field) + 8];
	const char *prefix;

	if (v->not_json)
		return cx_vault_refuse(v, CX_EC_UNSUPPORTED_MEDIA_TYPE, "Content-Type", "invalid",
		                       "send the body as Content-Type: application/json");
	if (!v->body)
		return cx_vault_refuse(v, CX_EC_BAD_JSON, NULL, "invalid",
		                       "the body must be one JSON object");
	if (v->op == CX_VAULT_UPDATE) {
		unpack_update(v, &err);
		if (err.message[0])
			return cx_vault_refuse(v, CX_EC_BAD_PARAMETER, err.field, "invalid", "%s",
			                       err.message);
	} else {
		v->person = v->body;
	}
	if (cx_vault_person_check(v->person, &err) == 0)
		return CX_STORE_OK;
	prefix = v->op == CX_VAULT_UPDATE ? "person" : "";
	snprintf(field, sizeof(field), "%s%s%s", prefix, *prefix && err.field[0] ? "." : "",
	         err.field);
	return cx_vault_refuse(v, CX_EC_UNPROCESSABLE, field, "invalid", "%s", err.message);
}

struct case_seen {
	bool found;
	int64_t owner;
	char home_nation[17];
};

static int take_case(void *arg, const struct cx_object_row *row)
{
	struct case_seen *c = arg;
	json_t *o = json_loadb(row->json, row->json_len, 0, NULL);
	const char *home = json_string_value(json_object_get(o, "home_nation"));

	c->found = true;
	c->owner = row->owner;
	cx_strlcpy(c->home_nation, home ? home : "", sizeof(c->home_nation));
	json_decref(o);
	return 1;
}

/* The person row the path names, copied out of the store. */
static int keep_row(void *arg, const struct cx_vault_row *row)
{
	struct cx_vault_stored *r = arg;

	r->box = malloc(row->box_len ? row->box_len : 1);
	if (!r->box)
		return 1;
	r->found = true;
	cx_strlcpy(r->case_id, row->case_id, sizeof(r->case_id));
	r->version = row->version;
	r->created = row->created;
	r->modified = row->modified;
	r->bad_nonce = row->nonce_len != CX_VAULT_NONCE_BYTES;
	if (!r->bad_nonce)
		memcpy(r->nonce, row->nonce, CX_VAULT_NONCE_BYTES);
	memcpy(r->box, row->box, row->box_len);
	r->box_len = row->box_len;
	return 0;
}

/* Admit the request, in the documented order; a refusal is in v->out. */
static enum cx_store_status admit(struct cx_store *s, struct cx_vault_call *v)
{
	const struct cx_principal *who = &v->req->who;
	const char *ids[1] = {v->case_id}, *types[1] = {CASE_TYPE};
	struct cx_object_filter f = {
	    .ids = ids, .nids = 1, .types = types, .ntypes = 1, .versions = CX_VERSION_LAST};
	struct case_seen seen = {false, 0, ""};
	const char *missing =
	    person_route(v->op) ? "no such person record" : "no such repatriation case";
	enum cx_store_status st;

	if (v->reason_problem)
		return cx_vault_refuse(v, CX_EC_BAD_PARAMETER, REASON_HEADER, "no-reason", "%s",
		                       v->reason_problem);
	if (v->person_id) {
		st = s->vault_get(s, v->person_id, keep_row, &v->row);
		if (st < 0 || (st == CX_STORE_OK && !v->row.found))
			return st < 0 ? st : CX_STORE_HARD_ERROR;
		cx_strlcpy(v->case_id, v->row.case_id, sizeof(v->case_id));
	}
	if (!v->case_id[0])
		return cx_vault_refuse(v, CX_EC_NOT_FOUND, NULL, "not-found", "%s", missing);
	cx_access_filter(&v->c->access, &f);
	if ((st = s->objects_scan(s, &f, take_case, &seen)) < 0)
		return st;
	/* A third partner, or a reader the markings do not admit, learns
	 * nothing: the same answer as for a case that does not exist. */
	if (!seen.found ||
	    (seen.owner != who->partner_rowid && strcmp(seen.home_nation, who->partner) != 0))
		return cx_vault_refuse(v, CX_EC_NOT_FOUND, NULL, "not-found", "%s", missing);
	if (!(who->roles & CX_ROLE_CASE_OFFICER) || (who->roles & CX_ROLE_PEER))
		return cx_vault_refuse(v, CX_EC_FORBIDDEN, "role", "not-permitted",
		                       "the vault needs the case-officer role");
	if (v->op == CX_VAULT_CREATE || v->op == CX_VAULT_UPDATE)
		return check_body(v);
	return CX_STORE_OK;
}

static enum cx_store_status audit(struct cx_store *s, struct cx_vault_call *v)
{
	char action[32];
	unsigned status = v->out.code                ? cx_ec_info(v->out.code)->http_status
	                  : v->op == CX_VAULT_CREATE ? 201
	                  : v->op == CX_VAULT_DELETE ? 204
	                                             : 200;
	json_t *detail =
	    json_pack("{s:s?, s:O, s:s?, s:s, s:i}", "case", v->case_id[0] ? v->case_id : NULL,
	              "persons", v->persons, "reason", v->reason, "outcome",
	              v->out.code ? v->out.what : "done", "status", (int)status);
	struct cx_audit_entry e = {
	    v->req->who.name, v->req->who.partner, action, v->req->id, NULL, detail, NULL};
	enum cx_store_status st;

	if (!detail)
		return CX_STORE_HARD_ERROR;
	if (v->out.code)
		json_object_set_new(detail, "attempt", json_string(op_words[v->op]));
	if (v->version)
		json_object_set_new(detail, "version", json_integer(v->version));
	snprintf(action, sizeof(action), "vault.%s", v->out.code ? "refused" : op_words[v->op]);
	st = cx_audit_append(s, &e);
	json_decref(detail);
	return st;
}

/* What a run leaves behind, cleared before the next run and at the end. */
static void run_reset(struct cx_vault_call *v, const char *case_param)
{
	free(v->row.box);
	memset(&v->row, 0, sizeof(v->row));
	memset(&v->out, 0, sizeof(v->out));
	json_decref(v->answer);
	v->answer = NULL;
	json_array_clear(v->persons);
	v->version = 0;
	v->case_id[0] = '\0';
	if (case_param && case_id_valid(case_param))
		cx_strlcpy(v->case_id, case_param, sizeof(v->case_id));
}

static enum cx_store_status vault_tx(struct cx_store *s, void *arg)
{
	struct cx_vault_call *v = arg;
	enum cx_store_status st;

	run_reset(v, person_route(v->op) ? NULL : v->req->params[0]);
	if (v->person_id)
		json_array_append_new(v->persons, json_string(v->person_id));
	st = v->csrf_refused ? cx_vault_refuse(v, CX_EC_CSRF, "X-CSRF-Token", "csrf",
	                                       "CSRF token missing or wrong")
	                     : admit(s, v);
	if (st == CX_STORE_OK && !v->out.code)
		st = cx_vault_perform(s, v);
	if (st < 0)
		return st;
	return audit(s, v);
}

static enum MHD_Result reply(struct cx_vault_call *v)
{
	struct cx_request *req = v->req;
	json_t *answer = v->answer;

	if (v->out.code)
		return cx_reply_error(req, v->out.code, v->out.field[0] ? v->out.field : NULL, "%s",
		                      v->out.detail);
	v->answer = NULL;
	switch (v->op) {
	case CX_VAULT_DELETE:
		return cx_reply_bytes(req, 204, "application/json", "", 0);
	case CX_VAULT_CREATE:
		return cx_reply_json(req, 201, answer);
	default:
		return cx_reply_json(req, 200, answer);
	}
}

/* Everything the request says before the transaction looks at it. */
static void call_init(struct cx_vault_call *v, struct cx_request *req, struct cx_api_ctx *c,
                      enum cx_vault_op op)
{
	memset(v, 0, sizeof(*v));
	v->req = req;
	v->c = c;
	v->op = op;
	v->key = c->srv->vault_key;
	v->persons = json_array();
	v->reason = cx_request_header(req, REASON_HEADER);
	v->reason_problem = reason_problem(v->reason);
	if (v->reason_problem)
		v->reason = NULL;
	if (person_route(op) && cx_vault_person_id_valid(req->params[0]))
		v->person_id = req->params[0];
	if (op != CX_VAULT_CREATE && op != CX_VAULT_UPDATE)
		return;
	v->not_json = req->body.len &&
	              !cx_api_json_media_type(cx_request_header(req, MHD_HTTP_HEADER_CONTENT_TYPE));
	v->body = json_loadb(cx_buf_cstr(&req->body), req->body.len, JSON_REJECT_DUPLICATES, NULL);
	if (v->body && !json_is_object(v->body)) {
		json_decref(v->body);
		v->body = NULL;
	}
}

static void call_release(struct cx_vault_call *v)
{
	run_reset(v, NULL);
	json_decref(v->persons);
	json_decref(v->body);
}

/* A signed-in caller whose state-changing request lacked the session's
 * CSRF token (cx_api_begin answered 403): audited like any refusal. */
static void audit_csrf_refusal(struct cx_request *req, struct cx_api_ctx *c, enum cx_vault_op op)
{
	struct cx_vault_call v;

	call_init(&v, req, c, op);
	v.csrf_refused = true;
	if (v.persons)
		cx_store_run(c->s, true, vault_tx, &v);
	call_release(&v);
}

static enum MHD_Result vault_request(struct cx_request *req, enum cx_vault_op op)
{
	struct cx_api_ctx c;
	struct cx_vault_call v;
	enum cx_store_status st = CX_STORE_HARD_ERROR;
	enum MHD_Result r;

	if (!cx_api_begin(req, &c, &r)) {
		if (req->auth == CX_AUTH_OK && c.s && req->status == 403)
			audit_csrf_refusal(req, &c, op);
		return r;
	}
	call_init(&v, req, &c, op);
	if (v.persons)
		st = cx_store_run(c.s, true, vault_tx, &v);
	r = st < 0 ? cx_api_store_failed(req, st) : reply(&v);
	call_release(&v);
	return r;
}

enum MHD_Result cx_api_vault_list(struct cx_request *req)
{
	return vault_request(req, CX_VAULT_LIST);
}

enum MHD_Result cx_api_vault_create(struct cx_request *req)
{
	return vault_request(req, CX_VAULT_CREATE);
}

enum MHD_Result cx_api_vault_read(struct cx_request *req)
{
	return vault_request(req, CX_VAULT_READ);
}

enum MHD_Result cx_api_vault_update(struct cx_request *req)
{
	return vault_request(req, CX_VAULT_UPDATE);
}

enum MHD_Result cx_api_vault_delete(struct cx_request *req)
{
	return vault_request(req, CX_VAULT_DELETE);
}
