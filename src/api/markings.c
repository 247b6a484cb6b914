/* Partners and markings for any signed-in user (doc/API.md, "Partners and
 * markings"): the partner list, what a set of markings would mean for an
 * object the caller creates (computed by the node's own label code,
 * access/labels.c), and the releasability marking for a classification
 * and a set of partners, found or created under a deterministic id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/labels.h"
#include "access/roles.h"
#include "api/admin_internal.h"
#include "core/ingest.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

#define MAX_REFS 64
#define CLASSES "URCS"

static int add_partner(void *arg, const struct cx_partner *p)
{
	return json_array_append_new(arg, json_pack("{s:s, s:s, s:s}", "code", p->code, "name",
						    p->name, "identity", p->identity_id));
}

enum MHD_Result cx_api_partners_list(struct cx_request *req)
{
	struct cx_api_ctx c;
	enum MHD_Result r;
	json_t *items;

	if (!cx_api_begin(req, &c, &r))
		return r;
	items = json_array();
	if (c.s->partner_list(c.s, add_partner, items) < 0) {
		json_decref(items);
		return cx_admin_store_failed(req);
	}
	return cx_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* --- preview ---------------------------------------------------------------------------- */

/* What the label code asks of the node, answered for the caller: the
 * caller's partner owns the object; markings are those it may read. */
struct preview {
	struct cx_api_ctx *c;
	const struct cx_principal *who;
	json_t *loaded; /* marking id -> definition (or null) */
};

static int64_t preview_owner(void *arg, const char *identity_id)
{
	struct preview *p = arg;

	(void)identity_id; /* the caller's own identity: see preview_object */
	return p->who->partner_rowid;
}

static uint64_t preview_bit(void *arg, const char *code)
{
	struct preview *p = arg;

	for (size_t i = 0; i < p->c->partners.n; i++)
		if (strcmp(p->c->partners.code[i], code) == 0)
			return cx_partner_bit(p->c->partners.rowid[i]);
	return 0;
}

static int take_json(void *arg, const struct cx_object_row *row)
{
	*(json_t **)arg = json_loadb(row->json, row->json_len, 0, NULL);
	return 1;
}

/* A marking definition through the egress gate: one the caller may not
 * read is unknown to it. */
static const json_t *preview_marking(void *arg, const char *id)
{
	struct preview *p = arg;
	const char *ids[1] = {id};
	struct cx_object_filter f = {.ids = ids, .nids = 1, .versions = CX_VERSION_LAST};
	json_t *m = json_object_get(p->loaded, id), *got = NULL;

	if (m)
		return json_is_null(m) ? NULL : m;
	cx_access_filter(&p->c->access, &f);
	if (strncmp(id, "marking-definition--", 20) == 0)
		p->c->s->objects_scan(p->c->s, &f, take_json, &got);
	json_object_set_new(p->loaded, id, got ? got : json_null());
	return got;
}

/* The refs, checked one by one (422 naming the bad one). */
static bool check_refs(struct cx_request *req, const json_t *refs, enum MHD_Result *ret)
{
	const json_t *v;
	char field[48];
	size_t i;

	if (!json_is_array(refs) || json_array_size(refs) > MAX_REFS) {
		*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, "object_marking_refs",
				      "object_marking_refs must be a list of at most %d "
				      "marking-definition ids",
				      MAX_REFS);
		return false;
	}
	json_array_foreach (refs, i, v) {
		const char *s = json_string_value(v);

		if (s && strncmp(s, "marking-definition--", 20) == 0 &&
		    cx_uuid_valid(s + 20, strlen(s + 20)))
			continue;
		snprintf(field, sizeof(field), "object_marking_refs[%zu]", i);
		*ret = cx_reply_error(req, CX_EC_UNPROCESSABLE, field,
				      "%s must be a marking-definition id", field);
		return false;
	}
	return true;
}

static json_t *preview_answer(struct cx_api_ctx *c, const struct cx_principal *who,
			      const struct cx_labels *l)
{
	static const char *const tlps[] = {NULL, "clear", "green", "amber", "amber+strict", "red"};
	const char *codes[64];
	size_t n = 0;
	char cl[2] = {CLASSES[l->classification & 3], '\0'};
	json_t *rel = l->rel_mask == CX_MASK_ALL ? json_string("all") : json_array();
	json_t *readers = json_array(), *answer;
	struct cx_buf b;

	for (size_t i = 0; i < c->partners.n; i++) {
		bool in = (l->rel_mask & cx_partner_bit(c->partners.rowid[i])) != 0;

		if (in)
			codes[n++] = c->partners.code[i];
		if (in && json_is_array(rel))
			json_array_append_new(rel, json_string(c->partners.code[i]));
		if (in || c->partners.rowid[i] == who->partner_rowid)
			json_array_append_new(readers, json_string(c->partners.code[i]));
	}
	cx_buf_init(&b, 0);
	cx_banner(&b, l->tlp, l->classification, codes, n);
	answer = json_pack("{s:s, s:s?, s:s, s:o, s:s, s:o}", "banner", cx_buf_cstr(&b), "tlp",
			   tlps[l->tlp], "classification", cl, "releasable_to", rel, "owner",
			   who->partner, "readers", readers);
	cx_buf_release(&b);
	return answer;
}

enum MHD_Result cx_api_markings_preview(struct cx_request *req)
{
	static const char *const allowed[] = {"object_marking_refs", NULL};
	struct cx_api_ctx c;
	struct preview p;
	struct cx_label_resolver lr = {preview_owner, preview_bit, preview_marking, &p};
	struct cx_labels labels;
	struct cx_stix_error err;
	enum MHD_Result r;
	json_t *body, *obj;
	int k;

	if (!cx_api_begin(req, &c, &r) || !(body = cx_admin_body(req, allowed, &r)))
		return r;
	if (!check_refs(req, json_object_get(body, "object_marking_refs"), &r)) {
		json_decref(body);
		return r;
	}
	/* The object the caller would create: its identity, these markings. */
	obj = json_pack("{s:s, s:O}", "created_by_ref", "caller", "object_marking_refs",
			json_object_get(body, "object_marking_refs"));
	json_decref(body);
	p = (struct preview){&c, &req->who, json_object()};
	cx_stix_error_clear(&err);
	k = cx_labels_compute(obj, &lr, &labels, &err);
	json_decref(obj);
	json_decref(p.loaded);
	if (k < 0)
		return cx_reply_error(req, CX_EC_UNPROCESSABLE, err.property, "%s: %s", err.rule,
				      err.message);
	return cx_reply_json(req, 200, preview_answer(&c, &req->who, &labels));
}

/* --- the releasability marking of a classification and partners ---------------------- */

struct rel_request {
	char classification;
	const char *codes[CX_MAX_REL_PARTNERS]; /* sorted, distinct; borrowed from the body */
	size_t n;
};

static int by_code(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool rel_from_body(struct cx_request *req, struct cx_api_ctx *c, const json_t *body,
			  struct rel_request *rr, enum MHD_Result *ret)
{
	const json_t *list = json_object_get(body, "releasable_to"), *v;
	const char *cl;
	char field[40];
	size_t i, k = 0;

	if (!cx_admin_string(req, body, "classification", true, 1, &cl, ret))
		return false;
	if (!strchr(CLASSES, cl[0])) {
		*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, "classification",
				      "classification must be U, R, C or S");
		return false;
	}
	rr->classification = cl[0];
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > CX_MAX_REL_PARTNERS) {
		*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, "releasable_to",
				      "releasable_to must be a list of 1 to %d partner codes",
				      CX_MAX_REL_PARTNERS);
		return false;
	}
	json_array_foreach (list, i, v) {
		const char *code = json_string_value(v);

		if (!code || !cx_api_partner_rowid(c, code)) {
			snprintf(field, sizeof(field), "releasable_to[%zu]", i);
			*ret = cx_reply_error(req, CX_EC_UNPROCESSABLE, field,
					      "%s is no partner of this node", code ? code : field);
			return false;
		}
		rr->codes[k++] = code;
	}
	qsort(rr->codes, k, sizeof(rr->codes[0]), by_code);
	rr->n = 0;
	for (i = 0; i < k; i++)
		if (i == 0 || strcmp(rr->codes[i], rr->codes[rr->n - 1]) != 0)
			rr->codes[rr->n++] = rr->codes[i];
	return true;
}

/* The marking's id: a version 5 UUID of the creating partner's identity,
 * the classification and the sorted codes, in the namespace of the
 * releasability extension, so that asking twice names the same marking. */
static void rel_id(const char *identity, const struct rel_request *rr, char *out, size_t n)
{
	char uuid[CX_UUID_STRLEN];
	struct cx_buf name;

	cx_buf_init(&name, 0);
	cx_buf_printf(&name, "%s\n%c\n", identity, rr->classification);
	for (size_t i = 0; i < rr->n; i++)
		cx_buf_printf(&name, "%s%s", i ? "," : "", rr->codes[i]);
	cx_uuid_v5(&CX_REL_EXTENSION_ID[strlen("extension-definition--")], cx_buf_cstr(&name),
		   name.len, uuid);
	cx_buf_release(&name);
	snprintf(out, n, "marking-definition--%s", uuid);
}

static json_t *rel_object(const char *id, const char *identity, const struct rel_request *rr,
			  const char *banner)
{
	char now[CX_TIME_STRLEN], cl[2] = {rr->classification, '\0'};
	json_t *codes = json_array();

	for (size_t i = 0; i < rr->n; i++)
		json_array_append_new(codes, json_string(rr->codes[i]));
	cx_time_format(cx_time_now_us() / 1000 * 1000, 3, now);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:{s:s, s:s, s:o}}}", "type",
			 "marking-definition", "spec_version", "2.1", "id", id, "created", now,
			 "created_by_ref", identity, "name", banner, "extensions",
			 CX_REL_EXTENSION_ID, "extension_type", "property-extension",
			 "classification", cl, "releasable_to", codes);
}

/* Store the marking as the caller (the normal, audited ingest path): 1
 * stored, 0 already there, -1 store failure, -2 refused (in *err). */
static int rel_store(struct cx_request *req, struct cx_api_ctx *c, json_t *obj,
		     const char *identity, struct cx_stix_error *err)
{
	struct cx_ingest_opts opts = {0};
	struct cx_ingest_report rep = {0};
	struct cx_object_row row;
	json_t *objects = json_pack("[O]", obj);
	enum cx_store_status st;
	int r;

	opts.writer = &req->who;
	opts.writer_identity = identity;
	opts.rules = &c->srv->cfg.records;
	opts.actor = req->who.name;
	opts.actor_partner = req->who.partner;
	opts.action = "api.create";
	opts.request = req->id;
	st = cx_ingest_objects(c->s, objects, &opts, &rep);
	json_decref(objects);
	if (st >= 0 && rep.items[0].status == CX_INGEST_STORED)
		r = 1;
	else if (c->s->object_latest(c->s, json_string_value(json_object_get(obj, "id")), &row) ==
		 CX_STORE_OK)
		r = 0; /* made meanwhile by another request */
	else
		r = st < 0 && !rep.violations ? -1 : -2;
	if (r == -2)
		*err = rep.items[0].err;
	cx_ingest_report_release(&rep);
	return r;
}

enum MHD_Result cx_api_markings_create(struct cx_request *req)
{
	static const char *const allowed[] = {"classification", "releasable_to", NULL};
	struct cx_api_ctx c;
	struct rel_request rr;
	struct cx_partner me;
	struct cx_object_row row;
	struct cx_stix_error err;
	enum MHD_Result r;
	char id[80];
	struct cx_buf banner;
	json_t *body, *obj = NULL;
	int k = 0;

	if (!cx_api_begin(req, &c, &r))
		return r;
	if (!(req->who.roles & (CX_ROLE_CONTRIBUTOR | CX_ROLE_ADMIN)))
		return cx_reply_error(req, CX_EC_FORBIDDEN, "role",
				      "creating a marking needs the contributor or admin role");
	if (!(body = cx_admin_body(req, allowed, &r)))
		return r;
	if (!rel_from_body(req, &c, body, &rr, &r))
		goto out;
	if (c.s->partner_get(c.s, req->who.partner, &me) != CX_STORE_OK) {
		r = cx_admin_store_failed(req);
		goto out;
	}
	rel_id(me.identity_id, &rr, id, sizeof(id));
	cx_buf_init(&banner, 0);
	cx_banner(&banner, CX_TLP_NONE, (int)(strchr(CLASSES, rr.classification) - CLASSES),
		  rr.codes, rr.n);
	if (c.s->object_latest(c.s, id, &row) != CX_STORE_OK) {
		obj = rel_object(id, me.identity_id, &rr, cx_buf_cstr(&banner));
		k = rel_store(req, &c, obj, me.identity_id, &err);
	}
	if (k == -1)
		r = cx_admin_store_failed(req);
	else if (k == -2)
		r = cx_reply_error(req, CX_EC_UNPROCESSABLE, err.property[0] ? err.property : NULL,
				   "%s: %s", err.rule, err.message);
	else
		r = cx_reply_json(req, k ? 201 : 200,
				  json_pack("{s:s, s:s, s:b}", "id", id, "banner",
					    cx_buf_cstr(&banner), "created", k == 1));
	cx_buf_release(&banner);
	json_decref(obj);
out:
	json_decref(body);
	return r;
}
