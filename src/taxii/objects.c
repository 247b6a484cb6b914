/* Reading a collection: objects, one object, its versions and the manifest
 * (TAXII 2.1 sections 5.3, 5.4, 5.6, 5.8), and deleting (5.7). Every page is
 * one indexed query whose rows are written out as stored (canonical JSON),
 * never parsed again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "taxii/taxii.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/time.h"

enum page_kind {
	PAGE_OBJECTS,
	PAGE_MANIFEST,
	PAGE_OBJECT,
	PAGE_VERSIONS,
};

static const char *const endpoint_names[] = {"objects", "manifest", "object", "versions"};

#define HEAD_ROOM 128 /* bytes reserved for the envelope's head */

struct page {
	enum page_kind kind;
	struct cx_buf body;
	size_t limit; /* rows wanted on this page */
	size_t rows;  /* rows seen (limit + 1 means there are more) */
	int64_t first_added, last_added;
	json_t *released; /* for a peer: what this page releases, for the audit */
};

static int add_row(void *arg, const struct cx_object_row *row)
{
	struct page *p = arg;
	char t1[CX_TIME_STRLEN], t2[CX_TIME_STRLEN];

	if (++p->rows > p->limit)
		return 1;
	if (p->rows == 1)
		p->first_added = row->date_added;
	if (p->released)
		json_array_append_new(p->released,
				      json_pack("{s:s, s:s, s:s, s:I, s:i}", "id", row->id, "version",
						row->version, "tlp", cx_tlp_name(row->tlp), "rel_mask",
						(json_int_t)row->rel_mask, "classification",
						row->classification));
	p->last_added = row->date_added;
	if (p->rows > 1)
		cx_buf_putc(&p->body, ',');
	else
		cx_buf_putc(&p->body, '[');
	switch (p->kind) {
	case PAGE_OBJECTS:
	case PAGE_OBJECT:
		cx_buf_append(&p->body, row->json, row->json_len);
		break;
	case PAGE_MANIFEST:
		cx_buf_puts(&p->body, "{\"id\":");
		cx_buf_put_json_string(&p->body, row->id, strlen(row->id));
		cx_buf_printf(&p->body,
			      ",\"date_added\":\"%s\",\"version\":\"%s\",\"media_type\":\"%s\"}",
			      cx_taxii_time(row->date_added, t1),
			      row->version && *row->version ? row->version
							     : cx_taxii_time(row->date_added, t2),
			      CX_STIX_MEDIA_TYPE);
		break;
	case PAGE_VERSIONS:
		cx_buf_printf(&p->body, "\"%s\"",
			      row->version && *row->version ? row->version
							     : cx_taxii_time(row->date_added, t2));
		break;
	}
	return 0;
}

static int found(void *arg, const struct cx_object_row *row)
{
	(void)row;
	*(bool *)arg = true;
	return 1;
}

/* Does the collection hold any version of the object in the path? */
static enum cx_store_status object_exists(struct cx_taxii_ctx *c, const char *id, bool *ret)
{
	const char *ids[1] = {id};
	struct cx_object_filter f = {.collection = c->coll.rowid, .ids = ids, .nids = 1,
				     .limit = 1};

	/* Hidden is missing: only versions the caller may read count. */
	cx_access_filter(&c->access, &f);
	*ret = false;
	return c->s->objects_scan(c->s, &f, found, ret);
}

static enum MHD_Result serve_page(struct cx_request *req, enum page_kind kind)
{
	static const unsigned allowed[] = {
		[PAGE_OBJECTS] = CX_P_ADDED_AFTER | CX_P_LIMIT | CX_P_NEXT | CX_P_ID | CX_P_TYPE |
				 CX_P_VERSION | CX_P_SPEC_VERSION,
		[PAGE_MANIFEST] = CX_P_ADDED_AFTER | CX_P_LIMIT | CX_P_NEXT | CX_P_ID | CX_P_TYPE |
				  CX_P_VERSION | CX_P_SPEC_VERSION,
		[PAGE_OBJECT] = CX_P_ADDED_AFTER | CX_P_LIMIT | CX_P_NEXT | CX_P_VERSION |
				CX_P_SPEC_VERSION,
		[PAGE_VERSIONS] = CX_P_ADDED_AFTER | CX_P_LIMIT | CX_P_NEXT | CX_P_SPEC_VERSION,
	};
	const char *endpoint = endpoint_names[kind];
	struct cx_taxii_ctx c;
	struct cx_taxii_query q;
	struct cx_object_filter f = {0};
	const char *path_id[1] = {req->params[2]};
	struct page p = {kind, CX_BUF_INIT, 0, 0, 0, 0, NULL};
	char t1[CX_TIME_STRLEN], t2[CX_TIME_STRLEN], next[64];
	const char *headers[5];
	enum cx_store_status st = CX_STORE_NO_RESULT;
	enum MHD_Result r;
	bool more, exists;
	char *text;
	size_t len, offset;

	if (!cx_taxii_begin(req, &c, true, &r) || !cx_taxii_collection(req, &c, true, false, &r) ||
	    !cx_taxii_query_parse(req, allowed[kind], &q, &r))
		return r;
	f.collection = c.coll.rowid;
	f.added_after = q.added_after;
	f.lean = true;
	cx_access_filter(&c.access, &f);
	if (q.next[0] && !cx_taxii_next_check(&c, req, endpoint, &q, &f.added_after))
		return cx_taxii_error(req, CX_EC_BAD_NEXT, "next",
				      "next is not a value this server gave for this query");
	if (kind == PAGE_OBJECT || kind == PAGE_VERSIONS) {
		f.ids = path_id;
		f.nids = 1;
	} else {
		f.ids = q.ids;
		f.nids = q.nids;
		f.types = q.types;
		f.ntypes = q.ntypes;
	}
	if (kind != PAGE_VERSIONS && !q.all_versions) {
		f.versions = q.versions;
		f.modified_in = q.modified;
		f.nmodified = q.nmodified;
	}
	p.limit = c.srv->cfg.max_page_size;
	if (q.limit && q.limit < p.limit)
		p.limit = q.limit;
	f.limit = p.limit + 1;
	/* The envelope's head ({"more":..,"next":..,"objects":) is known only
	 * at the end: leave room for it, so that the page is never copied. */
	cx_buf_init(&p.body, 0);
	cx_buf_printf(&p.body, "%*s", HEAD_ROOM, "");
	if (c.access.peer)
		p.released = json_array();
	if (q.spec21)
		st = c.s->objects_scan(c.s, &f, add_row, &p);
	if (st >= 0 && p.released && json_array_size(p.released)) {
		/* Every release to a peer node is on the record. */
		json_t *detail = json_pack("{s:s, s:s}", "collection", c.coll.id, "endpoint",
					   endpoint);
		struct cx_audit_entry e = {req->who.name, req->who.partner, "release", req->id,
					   p.released, detail, NULL};

		st = cx_audit_record(c.s, &e);
		json_decref(detail);
	}
	json_decref(p.released);
	if (st >= 0 && p.rows == 0 && (kind == PAGE_OBJECT || kind == PAGE_VERSIONS)) {
		st = object_exists(&c, req->params[2], &exists);
		if (st >= 0 && !exists) {
			cx_buf_release(&p.body);
			return cx_taxii_error(req, CX_EC_NOT_FOUND, NULL,
					      "no object %s in this collection", req->params[2]);
		}
	}
	if (st < 0 || p.body.err) {
		cx_buf_release(&p.body);
		return cx_taxii_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
	}
	more = p.rows > p.limit;
	if (p.rows == 0) {
		/* An empty page keeps the client's place (doc/TAXII.md). */
		p.first_added = p.last_added = f.added_after;
	}
	{
		char head[HEAD_ROOM + 1];
		int n = 0;

		if (more)
			cx_taxii_next_make(&c, req, endpoint, &q, p.last_added, next);
		if (p.rows)
			n = snprintf(head, sizeof(head), "{%s%s%s%s\"%s\":",
				     more ? "\"more\":true,\"next\":\"" : "", more ? next : "",
				     more ? "\"" : "", more ? "," : "",
				     kind == PAGE_VERSIONS ? "versions" : "objects");
		if (p.rows)
			cx_buf_puts(&p.body, "]}");
		if (p.body.err || n < 0 || n > HEAD_ROOM) {
			cx_buf_release(&p.body);
			return cx_taxii_error(req, CX_EC_INTERNAL, NULL, "out of memory");
		}
		text = cx_buf_steal(&p.body, &len);
		if (p.rows) {
			offset = (size_t)(HEAD_ROOM - n);
			memcpy(text + offset, head, (size_t)n);
			len -= offset;
		} else {
			/* Nothing readable: an empty envelope. */
			memcpy(text, "{}", 2);
			offset = 0;
			len = 2;
		}
	}
	headers[0] = "X-TAXII-Date-Added-First";
	headers[1] = cx_taxii_time(p.first_added, t1);
	headers[2] = "X-TAXII-Date-Added-Last";
	headers[3] = cx_taxii_time(p.last_added, t2);
	headers[4] = NULL;
	return cx_reply_owned_at(req, 200, CX_TAXII_MEDIA_TYPE, text, offset, len, headers);
}

enum MHD_Result cx_taxii_objects_get(struct cx_request *req)
{
	return serve_page(req, PAGE_OBJECTS);
}

enum MHD_Result cx_taxii_manifest(struct cx_request *req)
{
	return serve_page(req, PAGE_MANIFEST);
}

enum MHD_Result cx_taxii_object_get(struct cx_request *req)
{
	return serve_page(req, PAGE_OBJECT);
}

enum MHD_Result cx_taxii_versions(struct cx_request *req)
{
	return serve_page(req, PAGE_VERSIONS);
}

/* What a delete removes: the selected versions the caller may read. */
struct delete_ctx {
	struct cx_object_filter f;
	const char *id;
	int64_t *v;
	size_t n, cap;
	bool oom;
	json_t *audit_objects;
	const struct cx_request *req;
	const char *collection;
	int64_t removed;
};

static int collect_version(void *arg, const struct cx_object_row *row)
{
	struct delete_ctx *d = arg;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		int64_t *v = realloc(d->v, cap * sizeof(*v));

		if (!v) {
			d->oom = true;
			return 1;
		}
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = row->modified;
	json_array_append_new(d->audit_objects,
			      json_pack("{s:s, s:s}", "id", row->id, "version", row->version));
	return 0;
}

static enum cx_store_status delete_tx(struct cx_store *s, void *arg)
{
	struct delete_ctx *d = arg;
	struct cx_audit_entry e = {d->req->who.name, d->req->who.partner, "taxii.delete",
				   d->req->id, NULL, NULL, NULL};
	enum cx_store_status st;
	json_t *detail;

	d->n = 0;
	d->removed = 0;
	json_array_clear(d->audit_objects);
	st = s->objects_scan(s, &d->f, collect_version, d);
	if (st < 0 || d->n == 0)
		return st;
	if (d->oom)
		return CX_STORE_HARD_ERROR;
	st = s->collection_remove_object(s, d->f.collection, d->id, d->v, d->n, &d->removed);
	if (st < 0)
		return st;
	detail = json_pack("{s:s}", "collection", d->collection);
	e.objects = d->audit_objects;
	e.detail = detail;
	st = cx_audit_append(s, &e);
	json_decref(detail);
	return st;
}

enum MHD_Result cx_taxii_object_delete(struct cx_request *req)
{
	struct cx_taxii_ctx c;
	struct cx_taxii_query q;
	struct delete_ctx d;
	const char *path_id[1] = {req->params[2]};
	enum cx_store_status st = CX_STORE_NO_RESULT;
	enum MHD_Result r;

	if (!cx_taxii_begin(req, &c, true, &r) || !cx_taxii_collection(req, &c, false, false, &r))
		return r;
	/* The standard's table: one permission without the other is 403. */
	if (!c.can_read || !c.can_write)
		return cx_taxii_error(req, CX_EC_FORBIDDEN, NULL,
				      "deleting needs both read and write access to the collection");
	if (!(req->who.roles & CX_ROLE_ADMIN))
		return cx_taxii_error(req, CX_EC_FORBIDDEN, NULL,
				      "deleting from a collection needs the admin role; revoke the "
				      "object to withdraw it everywhere");
	if (!cx_taxii_query_parse(req, CX_P_VERSION | CX_P_SPEC_VERSION, &q, &r))
		return r;
	memset(&d, 0, sizeof(d));
	d.id = req->params[2];
	d.req = req;
	d.collection = c.coll.id;
	d.audit_objects = json_array();
	d.f.collection = c.coll.rowid;
	cx_access_filter(&c.access, &d.f);
	d.f.ids = path_id;
	d.f.nids = 1;
	if (q.seen & CX_P_VERSION && !q.all_versions) {
		d.f.versions = q.versions;
		d.f.modified_in = q.modified;
		d.f.nmodified = q.nmodified;
	}
	if (q.spec21)
		st = cx_store_run(c.s, true, delete_tx, &d);
	free(d.v);
	json_decref(d.audit_objects);
	if (st < 0)
		return cx_taxii_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
	if (d.removed == 0)
		return cx_taxii_error(req, CX_EC_NOT_FOUND, NULL, "no object %s in this collection",
				      req->params[2]);
	cx_log(CX_LOG_INFO, req->id, "deleted from collection",
	       " user=%s collection=%s object=%s versions=%lld", req->who.name, c.coll.id,
	       req->params[2], (long long)d.removed);
	return cx_taxii_reply(req, 200, calloc(1, 1), 0, NULL);
}
