/* Reading objects through the native API: lists with filters, full-text
 * search and keyset paging, and the detail view of one object. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/workflow.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/time.h"

#define MAX_TYPES 64
#define DEFAULT_LIMIT 50
#define MAX_LIMIT 500

struct list_query {
	char storage[CX_HTTP_MAX_URL + 64];
	size_t used;
	const char *types[MAX_TYPES];
	size_t ntypes;
	int64_t owner;
	const char *q;
	const char *status, *marking;
	int64_t modified_after, modified_before;
	int revoked;
	size_t limit;
	const char *cursor;
	const char *bad, *why;
	unsigned seen; /* bit i: PARAMS[i] was given */
	struct cx_api_ctx *c;
};

/* The parameters of GET /api/v1/objects; each may be given once. */
static const char *const PARAMS[] = {
    "type",           "owner",           "q",       "status", "marking",
    "modified_after", "modified_before", "revoked", "limit",  "cursor"};

static const char *keep(struct list_query *lq, const char *v)
{
	size_t n = strlen(v) + 1;
	char *p;

	if (lq->used + n > sizeof(lq->storage))
		return NULL;
	p = lq->storage + lq->used;
	memcpy(p, v, n);
	lq->used += n;
	return p;
}

static enum MHD_Result on_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                              const char *value)
{
	struct list_query *lq = cls;
	int64_t v;

	(void)kind;
	if (!value)
		value = "";
#define BAD(why_)                                                                                  \
	do {                                                                                       \
		lq->bad = key;                                                                     \
		lq->why = why_;                                                                    \
		return MHD_NO;                                                                     \
	} while (0)
	for (unsigned i = 0; i < sizeof(PARAMS) / sizeof(PARAMS[0]); i++) {
		if (strcmp(key, PARAMS[i]) != 0)
			continue;
		if (lq->seen & (1u << i))
			BAD("a parameter may be given only once");
		lq->seen |= 1u << i;
	}
	if (!cx_api_text_ok(value))
		BAD("a parameter's value must be UTF-8 text");
	if (strcmp(key, "type") == 0) {
		char *p = (char *)keep(lq, value);

		if (!p || !*p || lq->ntypes)
			BAD("type is a comma-separated list of type names, given once");
		for (char *t = p;;) {
			char *comma = strchr(t, ',');

			if (comma)
				*comma = '\0';
			if (!*t || lq->ntypes == MAX_TYPES || strlen(t) > 250 ||
			    strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(t))
				BAD("type is a comma-separated list of type names (a-z, 0-9, -)");
			lq->types[lq->ntypes++] = t;
			if (!comma)
				break;
			t = comma + 1;
		}
	} else if (strcmp(key, "owner") == 0) {
		struct cx_partner p;

		if (lq->c->s->partner_get(lq->c->s, value, &p) != CX_STORE_OK)
			BAD("owner must be the code of a partner of this node");
		lq->owner = p.rowid;
	} else if (strcmp(key, "q") == 0) {
		if (!*value || !(lq->q = keep(lq, value)))
			BAD("q must be a full-text query");
	} else if (strcmp(key, "status") == 0) {
		if (!*value || strlen(value) > 64 ||
		    strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(value) ||
		    !(lq->status = keep(lq, value)))
			BAD("status must be a state name (a-z, 0-9, -)");
	} else if (strcmp(key, "marking") == 0) {
		if (strncmp(value, "marking-definition--", 20) != 0 || strlen(value) > 100 ||
		    !(lq->marking = keep(lq, value)))
			BAD("marking must be a marking-definition id");
	} else if (strcmp(key, "modified_after") == 0) {
		if (cx_time_parse(value, &lq->modified_after, NULL) < 0)
			BAD("modified_after must be an RFC 3339 UTC timestamp");
	} else if (strcmp(key, "modified_before") == 0) {
		if (cx_time_parse(value, &lq->modified_before, NULL) < 0)
			BAD("modified_before must be an RFC 3339 UTC timestamp");
	} else if (strcmp(key, "revoked") == 0) {
		bool b;

		if (strcmp(value, "true") && strcmp(value, "false"))
			BAD("revoked must be true or false");
		b = strcmp(value, "true") == 0;
		lq->revoked = b ? 1 : 2;
	} else if (strcmp(key, "limit") == 0) {
		if (cx_parse_i64(value, 1, MAX_LIMIT, &v) < 0)
			BAD("limit must be a whole number from 1 to 500");
		lq->limit = (size_t)v;
	} else if (strcmp(key, "cursor") == 0) {
		if (!(lq->cursor = keep(lq, value)))
			BAD("cursor is not one this node gave");
	} else {
		BAD("unknown parameter");
	}
#undef BAD
	return MHD_YES;
}

/* Cursors: the last date_added shown, signed for this user and query. */
static void cursor_mac(const struct cx_api_ctx *c, const struct cx_request *req,
                       const struct list_query *lq, int64_t at, unsigned char mac[32])
{
	struct cx_buf m;

	cx_buf_init(&m, 0);
	cx_buf_printf(&m, "api1\n%lld\n%lld\n%s\n%s\n%s\n%lld\n%lld\n%d\n%lld\n",
	              (long long)req->who.user, (long long)lq->owner, lq->q ? lq->q : "",
	              lq->status ? lq->status : "", lq->marking ? lq->marking : "",
	              (long long)lq->modified_after, (long long)lq->modified_before, lq->revoked,
	              (long long)at);
	for (size_t i = 0; i < lq->ntypes; i++)
		cx_buf_printf(&m, "%s,", lq->types[i]);
	crypto_auth_hmacsha256(mac, (const unsigned char *)cx_buf_cstr(&m), m.len,
	                       c->srv->next_key);
	cx_buf_release(&m);
}

static void cursor_make(const struct cx_api_ctx *c, const struct cx_request *req,
                        const struct list_query *lq, int64_t at, char out[64])
{
	unsigned char raw[24], mac[32];
	uint64_t v = (uint64_t)at;

	for (int i = 7; i >= 0; i--, v >>= 8)
		raw[i] = (unsigned char)(v & 0xff);
	cursor_mac(c, req, lq, at, mac);
	memcpy(raw + 8, mac, 16);
	sodium_bin2base64(out, 64, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static bool cursor_check(const struct cx_api_ctx *c, const struct cx_request *req,
                         const struct list_query *lq, int64_t *ret_at)
{
	unsigned char raw[64], mac[32];
	size_t len;
	uint64_t v = 0;

	if (sodium_base642bin(raw, sizeof(raw), lq->cursor, strlen(lq->cursor), NULL, &len, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != 24)
		return false;
	for (int i = 0; i < 8; i++)
		v = v << 8 | raw[i];
	cursor_mac(c, req, lq, (int64_t)v, mac);
	if (sodium_memcmp(mac, raw + 8, 16) != 0)
		return false;
	*ret_at = (int64_t)v;
	return true;
}

struct collect {
	const struct cx_api_ctx *c;
	struct cx_buf *body; /* the page as JSON text */
	size_t limit, rows;
	int64_t last_added;
};

static int add_summary(void *arg, const struct cx_object_row *row)
{
	struct collect *k = arg;

	if (++k->rows > k->limit)
		return 1;
	k->last_added = row->date_added;
	if (k->rows > 1)
		cx_buf_putc(k->body, ',');
	return cx_api_summary_write(k->c, row, k->body) ? -1 : 0;
}

enum MHD_Result cx_api_objects_list(struct cx_request *req)
{
	struct cx_api_ctx c;
	struct list_query lq;
	struct cx_object_filter f = {0};
	struct collect k;
	enum cx_store_status st;
	enum MHD_Result r;
	struct cx_buf body;
	size_t len;
	char *text;

	if (!cx_api_begin(req, &c, &r))
		return r;
	memset(&lq, 0, sizeof(lq));
	lq.c = &c;
	lq.limit = DEFAULT_LIMIT;
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, on_arg, &lq);
	if (lq.bad)
		return cx_reply_error(req, CX_EC_BAD_PARAMETER, lq.bad, "%s", lq.why);
	f.types = lq.types;
	f.ntypes = lq.ntypes;
	f.owner = lq.owner;
	f.fts = lq.q;
	f.status = lq.status;
	f.marking = lq.marking;
	f.modified_after = lq.modified_after;
	f.modified_before = lq.modified_before;
	f.revoked = lq.revoked;
	f.versions = CX_VERSION_LAST;
	f.newest_first = true;
	f.limit = lq.limit + 1;
	if (lq.cursor && !cursor_check(&c, req, &lq, &f.added_before))
		return cx_reply_error(req, CX_EC_BAD_PARAMETER, "cursor",
		                      "cursor is not one this node gave for this query");
	cx_access_filter(&c.access, &f);
	cx_buf_init(&body, 0);
	cx_buf_puts(&body, "{\"items\":[");
	k.c = &c;
	k.body = &body;
	k.limit = lq.limit;
	k.rows = 0;
	k.last_added = 0;
	st = c.s->objects_scan(c.s, &f, add_summary, &k);
	if (st < 0 || body.err) {
		cx_buf_release(&body);
		if (st < 0 && lq.q && strncmp(c.s->error(c.s), "bad full-text query", 19) == 0)
			return cx_reply_error(req, CX_EC_BAD_PARAMETER, "q",
			                      "q is not a valid full-text query: %s",
			                      c.s->error(c.s));
		if (st < 0)
			return cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
		return cx_reply_error(req, CX_EC_INTERNAL, NULL, "out of memory");
	}
	cx_buf_putc(&body, ']');
	if (k.rows > k.limit) {
		char cursor[64];

		cursor_make(&c, req, &lq, k.last_added, cursor);
		cx_buf_printf(&body, ",\"next_cursor\":\"%s\"", cursor);
	}
	cx_buf_putc(&body, '}');
	if (body.err) {
		cx_buf_release(&body);
		return cx_reply_error(req, CX_EC_INTERNAL, NULL, "out of memory");
	}
	text = cx_buf_steal(&body, &len);
	return cx_reply_owned(req, 200, "application/json", text, len, NULL);
}

struct detail_ctx {
	struct cx_api_ctx *c;
	json_t *list;
	char *json; /* the newest readable version's text */
	json_t *summary;
	json_t *labels;
};

static int add_version(void *arg, const struct cx_object_row *row)
{
	struct detail_ctx *d = arg;
	char added[CX_TIME_STRLEN], banner[512];

	json_array_append_new(d->list,
	                      json_pack("{s:s, s:s, s:s, s:b}", "modified", row->version,
	                                "date_added", cx_time_format(row->date_added, 6, added),
	                                "banner", cx_api_banner(d->c, row, banner, sizeof(banner)),
	                                "revoked", row->revoked));
	return 0;
}

static int take_latest(void *arg, const struct cx_object_row *row)
{
	struct detail_ctx *d = arg;
	static const char *const classes = "URCS";
	char cl[2] = {classes[row->classification & 3], '\0'};
	const char *owner = cx_api_partner_code(d->c, row->owner);
	json_t *rel;

	d->json = strndup(row->json, row->json_len);
	d->summary = cx_api_summary(d->c, row);
	if (row->rel_mask == -1) {
		rel = json_string("all");
	} else {
		rel = json_array();
		for (size_t i = 0; i < d->c->partners.n; i++)
			if ((uint64_t)row->rel_mask & cx_partner_bit(d->c->partners.rowid[i]))
				json_array_append_new(rel, json_string(d->c->partners.code[i]));
	}
	d->labels = json_pack(
	    "{s:o, s:o, s:s, s:o}", "owner", owner ? json_string(owner) : json_null(), "tlp",
	    row->tlp ? json_string(cx_tlp_name((enum cx_tlp)row->tlp)) : json_null(),
	    "classification", cl, "releasable_to", rel);
	return 1;
}

static int add_summary_all(void *arg, const struct cx_object_row *row)
{
	struct detail_ctx *d = arg;

	json_array_append_new(d->list, cx_api_summary(d->c, row));
	return json_array_size(d->list) >= 1000; /* enough for one view */
}

json_t *cx_api_detail(struct cx_api_ctx *c, const char *id, bool *ret_missing)
{
	const char *ids[1] = {id};
	struct cx_object_filter f = {.ids = ids, .nids = 1, .versions = CX_VERSION_LAST};
	struct detail_ctx d = {c, NULL, NULL, NULL, NULL};
	json_t *object, *out, *versions, *rels = NULL, *refs = NULL;

	*ret_missing = false;
	cx_access_filter(&c->access, &f);
	if (c->s->objects_scan(c->s, &f, take_latest, &d) < 0)
		return NULL;
	if (!d.json) {
		*ret_missing = true;
		return NULL;
	}
	object = json_loads(d.json, 0, NULL);
	free(d.json);
	versions = json_array();
	d.list = versions;
	f.versions = 0;
	if (c->s->objects_scan(c->s, &f, add_version, &d) < 0)
		goto fail;
	{
		struct cx_object_filter r = {
		    .versions = CX_VERSION_LAST, .ref_to = id, .ref_kind = "rel"};

		cx_access_filter(&c->access, &r);
		rels = d.list = json_array();
		if (c->s->objects_scan(c->s, &r, add_summary_all, &d) < 0)
			goto fail;
		r.ref_kind = "ref";
		refs = d.list = json_array();
		if (c->s->objects_scan(c->s, &r, add_summary_all, &d) < 0)
			goto fail;
	}
	out = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "object", object, "summary", d.summary,
	                "labels", d.labels, "versions", versions, "relationships", rels,
	                "referenced_by", refs);
	if (out) {
		json_t *wf = cx_api_workflow(c, object, refs);

		if (wf)
			json_object_set_new(out, "workflow", wf);
	}
	return out;
fail:
	json_decref(object);
	json_decref(versions);
	json_decref(rels);
	json_decref(refs);
	json_decref(d.summary);
	json_decref(d.labels);
	return NULL;
}

enum MHD_Result cx_api_object_get(struct cx_request *req)
{
	struct cx_api_ctx c;
	enum MHD_Result r;
	bool missing;
	json_t *detail;

	if (!cx_api_begin(req, &c, &r))
		return r;
	detail = cx_api_detail(&c, req->params[0], &missing);
	if (!detail && missing)
		return cx_reply_error(req, CX_EC_NOT_FOUND, NULL, "no object %s",
		                      cx_api_text_ok(req->params[0]) ? req->params[0]
		                                                     : "with this id");
	if (!detail)
		return cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
	return cx_reply_json(req, 200, detail);
}
