/* Adding objects (TAXII 2.1 section 5.5): one envelope, one transaction,
 * answered with a complete status resource that is kept for status_ttl. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ingest.h"
#include "taxii/taxii.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

size_t cx_taxii_body_limit(struct cx_request *req)
{
	struct cx_server *srv = req->app;
	const struct cx_api_root *root = cx_config_root(&srv->cfg, req->params[0]);

	return root ? (size_t)root->max_content_length : 0;
}

/* application/taxii+json, with version 2.1 or none; other parameters
 * (charset) are ignored. */
static bool content_type_ok(const char *ct)
{
	static const char want[] = "application/taxii+json";
	const char *p;

	if (!ct || strncasecmp(ct, want, sizeof(want) - 1) != 0)
		return false;
	p = ct + sizeof(want) - 1;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return true;
	if (*p != ';')
		return false;
	while (*p == ';') {
		const char *name, *value;
		size_t nlen, vlen;

		p++;
		while (isspace((unsigned char)*p))
			p++;
		name = p;
		nlen = strcspn(p, "=;");
		p += nlen;
		if (*p != '=')
			return false;
		value = ++p;
		vlen = strcspn(p, ";");
		p += vlen;
		while (vlen && isspace((unsigned char)value[vlen - 1]))
			vlen--;
		if (nlen == 7 && strncasecmp(name, "version", 7) == 0 &&
		    !(vlen == 3 && strncmp(value, "2.1", 3) == 0))
			return false;
	}
	return *p == '\0';
}

/* The version a status entry reports: modified, else created, else "". */
static const char *version_of(const json_t *obj)
{
	const char *v = json_string_value(json_object_get(obj, "modified"));

	if (!v)
		v = json_string_value(json_object_get(obj, "created"));
	return v;
}

static json_t *status_entry(const json_t *obj, const char *id, size_t index, const char *message,
			    int64_t date_added)
{
	char fallback[32], t[CX_TIME_STRLEN];
	const char *version = version_of(obj);
	json_t *e;

	if (!id || !*id) {
		snprintf(fallback, sizeof(fallback), "objects[%zu]", index);
		id = fallback;
	}
	if (!version)
		version = date_added ? cx_taxii_time(date_added, t) : "";
	e = json_pack("{s:s, s:s}", "id", id, "version", version);
	if (e && message)
		json_object_set_new(e, "message", json_string(message));
	return e;
}

static json_t *status_json(const char *status_id, int64_t now, const json_t *objects,
			   const struct cx_ingest_report *rep)
{
	json_t *successes = json_array(), *failures = json_array(), *st;
	char t[CX_TIME_STRLEN];

	for (size_t i = 0; i < rep->count; i++) {
		const struct cx_ingest_item *it = &rep->items[i];
		const json_t *obj = json_array_get(objects, i);

		if (it->status == CX_INGEST_REJECTED) {
			char msg[600];

			snprintf(msg, sizeof(msg), "%s%s%s: %s", it->err.property,
				 it->err.property[0] ? " " : "", it->err.rule, it->err.message);
			json_array_append_new(failures,
					      status_entry(obj, it->err.id, i, msg, 0));
		} else {
			json_array_append_new(successes, status_entry(obj, it->err.id, i, NULL,
								      it->date_added));
		}
	}
	st = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:i}", "id", status_id, "status",
		       "complete", "request_timestamp", cx_taxii_time(now, t), "total_count",
		       (json_int_t)rep->count, "success_count",
		       (json_int_t)(rep->stored + rep->duplicate), "failure_count",
		       (json_int_t)rep->rejected, "pending_count", 0);
	/* TAXII forbids empty lists: leave out what has no entries. */
	if (json_array_size(successes))
		json_object_set(st, "successes", successes);
	if (json_array_size(failures))
		json_object_set(st, "failures", failures);
	json_decref(successes);
	json_decref(failures);
	return st;
}

/* The write rules refused objects: 403, nothing stored, each violation
 * named. */
static enum MHD_Result refuse_writes(struct cx_request *req, const struct cx_ingest_report *rep)
{
	const struct cx_ec_info *info = cx_ec_info(CX_EC_FORBIDDEN);
	json_t *violations = json_array(), *body;
	char ecode[16], status[8];
	char *text;

	for (size_t i = 0; i < rep->count; i++) {
		const struct cx_ingest_item *it = &rep->items[i];

		if (it->status == CX_INGEST_REJECTED && cx_access_is_write_rule(it->err.rule))
			json_array_append_new(violations,
					      json_pack("{s:s, s:I, s:s, s:s}", "id", it->err.id,
							"index", (json_int_t)i, "rule", it->err.rule,
							"message", it->err.message));
	}
	snprintf(ecode, sizeof(ecode), "%d", (int)info->code);
	snprintf(status, sizeof(status), "%u", info->http_status);
	body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:o}}", "title", info->title,
			 "description",
			 "the envelope holds objects you may not write; nothing was stored",
			 "error_id", req->id, "error_code", ecode, "http_status", status, "details",
			 "violations", violations);
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text)
		return MHD_NO;
	return cx_taxii_reply(req, info->http_status, text, strlen(text), NULL);
}

struct status_put {
	const char *id;
	int64_t user, now;
	const char *root;
	const char *json;
	int64_t purge_before;
};

static enum cx_store_status put_status(struct cx_store *s, void *arg)
{
	struct status_put *sp = arg;
	enum cx_store_status st = s->status_purge(s, sp->purge_before);

	if (st < 0)
		return st;
	return s->status_put(s, sp->id, sp->user, sp->root, sp->now, sp->json);
}

enum MHD_Result cx_taxii_objects_add(struct cx_request *req)
{
	struct cx_taxii_ctx c;
	struct cx_taxii_query q;
	struct cx_ingest_opts opts = {0};
	struct cx_ingest_report rep = {0};
	struct status_put sp;
	char status_id[CX_UUID_STRLEN], err[300], identity[64];
	json_t *objects = NULL, *status;
	enum MHD_Result r;
	enum cx_store_status st;
	int64_t now = cx_time_now_us();
	char *text;

	if (!cx_taxii_begin(req, &c, true, &r) || !cx_taxii_collection(req, &c, false, true, &r) ||
	    !cx_taxii_query_parse(req, 0, &q, &r))
		return r;
	if (!content_type_ok(cx_request_header(req, MHD_HTTP_HEADER_CONTENT_TYPE)))
		return cx_taxii_error(req, CX_EC_UNSUPPORTED_MEDIA_TYPE, NULL,
				      "send the envelope as Content-Type: " CX_TAXII_MEDIA_TYPE);
	if (cx_ingest_parse(cx_buf_cstr(&req->body), req->body.len, CX_INGEST_ENVELOPE_ONLY,
			    &objects, err, sizeof(err)) < 0)
		return cx_taxii_error(req, CX_EC_UNPROCESSABLE, NULL, "%s", err);
	{
		struct cx_partner partner;

		if (c.s->partner_get(c.s, req->who.partner, &partner) != CX_STORE_OK) {
			json_decref(objects);
			return cx_taxii_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
		}
		cx_strlcpy(identity, partner.identity_id, sizeof(identity));
	}
	opts.collection = c.coll.rowid;
	opts.collection_id = c.coll.id;
	opts.writer = &req->who;
	opts.writer_identity = identity;
	opts.rules = &c.srv->cfg.records;
	opts.actor = req->who.name;
	opts.actor_partner = req->who.partner;
	opts.action = "taxii.add";
	opts.request = req->id;
	opts.sign_key = c.srv->node_key;
	opts.node_name = c.srv->cfg.name;
	opts.sign_partner = c.srv->home_partner;
	st = cx_ingest_objects(c.s, objects, &opts, &rep);
	if (st < 0 && rep.violations) {
		r = refuse_writes(req, &rep);
		json_decref(objects);
		cx_ingest_report_release(&rep);
		return r;
	}
	if (st < 0) {
		cx_log(CX_LOG_ERROR, req->id, "store failed", " reason=\"%s\"", c.s->error(c.s));
		json_decref(objects);
		cx_ingest_report_release(&rep);
		if (st == CX_STORE_FULL)
			return cx_taxii_error(req, CX_EC_STORE_FULL, NULL,
					      "the disk of the node's store is full; nothing was "
					      "added");
		return cx_taxii_error(req, CX_EC_STORE_UNAVAILABLE, NULL,
				      "the store failed; nothing was added");
	}
	cx_uuid_v4(status_id);
	status = status_json(status_id, now, objects, &rep);
	json_decref(objects);
	cx_log(CX_LOG_INFO, req->id, "objects added",
	       " user=%s collection=%s stored=%zu duplicate=%zu rejected=%zu", req->who.name,
	       c.coll.id, rep.stored, rep.duplicate, rep.rejected);
	cx_ingest_report_release(&rep);
	text = status ? json_dumps(status, JSON_COMPACT) : NULL;
	json_decref(status);
	if (!text)
		return cx_taxii_error(req, CX_EC_INTERNAL, NULL, "out of memory");
	sp.id = status_id;
	sp.user = req->who.user;
	sp.now = now;
	sp.root = c.root->name;
	sp.json = text;
	sp.purge_before = now - (int64_t)c.srv->cfg.status_ttl * 1000000;
	if (cx_store_run(c.s, true, put_status, &sp) < 0)
		cx_log(CX_LOG_ERROR, req->id, "status not kept", " reason=\"%s\"", c.s->error(c.s));
	return cx_taxii_reply(req, 202, text, strlen(text), NULL);
}
