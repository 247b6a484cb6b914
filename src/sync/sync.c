/* The sync engine (sync.h, doc/FEDERATION.md).
 *
 * Per peer collection: GET objects/?added_after=CURSOR&limit=N as this
 * node's peer principal there, page after page while the peer says `more`.
 * Each page is applied in ONE write transaction that also advances the
 * cursor to the page's X-TAXII-Date-Added-Last and writes the page's audit
 * entries, so a crash or a network failure between pages loses and
 * duplicates nothing: the next round starts after the last page applied. */
#include <curl/curl.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/audit.h"
#include "core/provenance.h"
#include "sync/sync.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/time.h"

#define MAX_BODY (64u * 1024 * 1024) /* the most one page may hold */
#define MAX_COLLECTIONS 64

/* A key of a node that speaks for a partner. */
struct node_key_ref {
	char partner[17];
	unsigned char pk[32];
	char key_id[128];
};

struct cx_sync {
	struct cx_sync_opts opts;
	CURL *curl;
	struct node_key_ref keys[CX_SYNC_MAX_PEERS + 1];
	size_t nkeys;
};

/* One HTTP answer. */
struct fetch {
	struct cx_buf body;
	char date_last[40];
	char content_type[128];
};

int cx_sync_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -EIO;
}

void cx_sync_global_cleanup(void)
{
	curl_global_cleanup();
}

struct cx_sync *cx_sync_new(const struct cx_sync_opts *opts)
{
	struct cx_sync *y = calloc(1, sizeof(*y));

	if (!y)
		return NULL;
	y->opts = *opts;
	if (!y->opts.limit)
		y->opts.limit = CX_SYNC_DEFAULT_LIMIT;
	y->curl = curl_easy_init();
	if (!y->curl) {
		free(y);
		return NULL;
	}
	return y;
}

void cx_sync_free(struct cx_sync *y)
{
	if (!y)
		return;
	curl_easy_cleanup(y->curl);
	sodium_memzero(y, sizeof(*y));
	free(y);
}

struct peer_list {
	struct cx_peer *items;
	size_t n;
	bool overflow;
};

static int peer_cb(void *arg, const struct cx_peer *p)
{
	struct peer_list *l = arg;

	if (l->n == CX_SYNC_MAX_PEERS) {
		l->overflow = true;
		return 1;
	}
	l->items[l->n++] = *p;
	return 0;
}

enum cx_store_status cx_sync_peers_load(struct cx_store *s, struct cx_peer **ret_items,
                                        size_t *ret_n)
{
	struct peer_list l = {calloc(CX_SYNC_MAX_PEERS, sizeof(struct cx_peer)), 0, false};
	enum cx_store_status st;

	if (!l.items)
		return CX_STORE_HARD_ERROR;
	st = s->peer_list(s, peer_cb, &l);
	if (st >= 0 && l.overflow)
		st = CX_STORE_NO_RESULT;
	if (st < 0 || st == CX_STORE_NO_RESULT) {
		cx_sync_peers_free(l.items, l.n);
		return st;
	}
	*ret_items = l.items;
	*ret_n = l.n;
	return CX_STORE_OK;
}

void cx_sync_peers_free(struct cx_peer *items, size_t n)
{
	if (!items)
		return;
	sodium_memzero(items, n * sizeof(*items));
	free(items);
}

enum cx_store_status cx_sync_keys_load(struct cx_sync *y, struct cx_store *s)
{
	struct cx_peer *peers = NULL;
	size_t n = 0;
	enum cx_store_status st = cx_sync_peers_load(s, &peers, &n);

	if (st < 0)
		return st;
	y->nkeys = 0;
	if (y->opts.own_pk && y->opts.own_partner && y->opts.own_partner[0]) {
		struct node_key_ref *k = &y->keys[y->nkeys++];

		cx_strlcpy(k->partner, y->opts.own_partner, sizeof(k->partner));
		memcpy(k->pk, y->opts.own_pk, 32);
		cx_strlcpy(k->key_id, y->opts.own_key_id ? y->opts.own_key_id : "",
		           sizeof(k->key_id));
	}
	for (size_t i = 0; i < n; i++) {
		struct node_key_ref *k = &y->keys[y->nkeys];
		size_t len = 0;

		if (sodium_base642bin(k->pk, sizeof(k->pk), peers[i].public_key,
		                      strlen(peers[i].public_key), NULL, &len, NULL,
		                      sodium_base64_VARIANT_ORIGINAL) == 0 &&
		    len == 32) {
			cx_strlcpy(k->partner, peers[i].partner, sizeof(k->partner));
			cx_strlcpy(k->key_id, peers[i].key_id, sizeof(k->key_id));
			y->nkeys++;
		}
	}
	cx_sync_peers_free(peers, n);
	return CX_STORE_OK;
}

/* Types that carry no owner's claim even with a created_by_ref: no node
 * signs them, so they are accepted unsigned. (SCOs have no created_by_ref
 * at all.) */
static bool ownerless_type(const char *type)
{
	return !type || strcmp(type, "marking-definition") == 0 ||
	       strcmp(type, "extension-definition") == 0;
}

int cx_sync_verify(struct cx_sync *y, struct cx_store *s, const json_t *obj, char *why, size_t n)
{
	const char *type = json_string_value(json_object_get(obj, "type"));
	const char *owner_ref = json_string_value(json_object_get(obj, "created_by_ref"));
	struct cx_partner owner;
	enum cx_store_status st;
	char bad[300] = "", wrong[300] = "";
	size_t candidates = 0;

	if (!owner_ref || ownerless_type(type))
		return 0;
	st = s->partner_by_identity(s, owner_ref, &owner);
	if (st < 0) {
		snprintf(why, n, "store: %s", s->error(s));
		return -1;
	}
	if (st == CX_STORE_NO_RESULT)
		return 0; /* not a partner's: no owner this node knows */
	if (!cx_provenance_present(obj)) {
		snprintf(why, n,
		         "unsigned: owned by partner %s but carries no cx-provenance signature",
		         owner.code);
		return 1;
	}
	for (size_t i = 0; i < y->nkeys; i++) {
		enum cx_prov_result pr;
		char w[256] = "";

		if (strcmp(y->keys[i].partner, owner.code) != 0)
			continue;
		candidates++;
		pr = cx_provenance_verify(obj, y->keys[i].pk, y->keys[i].key_id, w, sizeof(w));
		if (pr == CX_PROV_OK)
			return 0;
		if (pr == CX_PROV_BAD_SIGNATURE && !bad[0])
			snprintf(bad, sizeof(bad), "%s", w);
		else if (pr != CX_PROV_BAD_SIGNATURE && !wrong[0])
			snprintf(wrong, sizeof(wrong), "%s", w);
	}
	if (!candidates)
		snprintf(why, n,
		         "wrong-node: owned by partner %s, whose node's key this node does not "
		         "know (add that node as a peer)",
		         owner.code);
	else if (bad[0])
		snprintf(why, n, "bad-signature: %s", bad);
	else
		snprintf(why, n, "wrong-node: not signed by the node of partner %s: %s", owner.code,
		         wrong);
	return 1;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct fetch *f = arg;

	return cx_buf_append(&f->body, p, size * n) < 0 ? 0 : size * n;
}

static void header_value(const char *line, size_t len, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name), i, j;

	if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return;
	for (i = nl + 1; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	for (j = len; j > i && (line[j - 1] == '\r' || line[j - 1] == '\n' || line[j - 1] == ' ' ||
	                        line[j - 1] == '\t');
	     j--)
		;
	if (j - i < n) {
		memcpy(out, line + i, j - i);
		out[j - i] = '\0';
	}
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct fetch *f = arg;

	header_value(p, size * n, "X-TAXII-Date-Added-Last", f->date_last, sizeof(f->date_last));
	header_value(p, size * n, "Content-Type", f->content_type, sizeof(f->content_type));
	return size * n;
}

static int on_xfer(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	const struct cx_sync *y = arg;

	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	return y->opts.stop && atomic_load(y->opts.stop) ? 1 : 0;
}

/* GET url as the peer's principal. 0 with the answer in f, or -1 with a
 * sentence in err. */
static int http_get(struct cx_sync *y, const struct cx_peer *p, const char *url, struct fetch *f,
                    char *err, size_t errlen)
{
	struct curl_slist *hdrs = NULL;
	char auth[1200];
	long status = 0;
	CURLcode cc;

	cx_buf_reset(&f->body);
	f->date_last[0] = f->content_type[0] = '\0';
	curl_easy_reset(y->curl);
	hdrs = curl_slist_append(hdrs, "Accept: application/taxii+json;version=2.1");
	if (p->secret_is_token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", p->secret);
		hdrs = curl_slist_append(hdrs, auth);
		sodium_memzero(auth, sizeof(auth));
	} else {
		curl_easy_setopt(y->curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(y->curl, CURLOPT_USERNAME, p->user);
		curl_easy_setopt(y->curl, CURLOPT_PASSWORD, p->secret);
	}
	curl_easy_setopt(y->curl, CURLOPT_URL, url);
	curl_easy_setopt(y->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(y->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(y->curl, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(y->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(y->curl, CURLOPT_HEADERDATA, f);
	curl_easy_setopt(y->curl, CURLOPT_XFERINFOFUNCTION, on_xfer);
	curl_easy_setopt(y->curl, CURLOPT_XFERINFODATA, y);
	curl_easy_setopt(y->curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(y->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(y->curl, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(y->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(y->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(y->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(y->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)MAX_BODY);
	cc = curl_easy_perform(y->curl);
	curl_slist_free_all(hdrs);
	if (cc == CURLE_ABORTED_BY_CALLBACK) {
		snprintf(err, errlen, "stopped");
		return -1;
	}
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s",
		         f->body.err == -E2BIG ? "the page is larger than 64 MiB"
		                               : curl_easy_strerror(cc));
		return -1;
	}
	curl_easy_getinfo(y->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status == 401) {
		snprintf(err, errlen,
		         "HTTP 401: the peer refused user '%s' (check the peer's user and secret)",
		         p->user);
		return -1;
	}
	if (status == 403 || status == 404) {
		snprintf(err, errlen,
		         "HTTP %ld: the collection is missing or not readable for user '%s' "
		         "there (the peer must grant its role 'peer' read)",
		         status, p->user);
		return -1;
	}
	if (status != 200) {
		snprintf(err, errlen, "HTTP %ld from the peer", status);
		return -1;
	}
	if (strncasecmp(f->content_type, "application/taxii+json", 22) != 0) {
		snprintf(err, errlen, "the peer answered '%s', not application/taxii+json",
		         f->content_type);
		return -1;
	}
	return 0;
}

/* What the in-transaction hook needs to finish a page. */
struct page {
	const struct cx_peer *peer;
	const struct cx_peer_collection *pc;
	const char *cursor; /* the page's X-TAXII-Date-Added-Last; NULL: keep */
	int64_t received;
	json_t *unverified; /* [{id, version, reason}] rejected by verification */
	struct cx_ingest_report *rep;
	const json_t *objects;               /* what went to ingest, in report order */
	int64_t stored, duplicate, rejected; /* out */
};

static enum cx_store_status audit_reject(struct cx_store *s, const struct page *pg, const char *id,
                                         const char *version, const char *reason)
{
	json_t *objs =
	    json_pack("[{s:s, s:s}]", "id", id ? id : "", "version", version ? version : "");
	json_t *detail =
	    json_pack("{s:s, s:s, s:s, s:s}", "peer", pg->peer->name, "partner", pg->peer->partner,
	              "remote_collection", pg->pc->collection, "reason", reason);
	struct cx_audit_entry e = {"operator", NULL, "sync.reject", NULL, objs, detail, NULL};
	enum cx_store_status st = cx_audit_append(s, &e);

	json_decref(objs);
	json_decref(detail);
	return st;
}

static void item_reason(const struct cx_ingest_item *it, char *out, size_t n)
{
	snprintf(out, n, "%s%s%s: %s", it->err.rule[0] ? it->err.rule : "store",
	         it->err.property[0] ? " " : "", it->err.property, it->err.message);
}

/* The ingest's in_transaction hook: inside the page's transaction, after
 * its objects, the sync.reject audits, the counts and the cursor. */
static enum cx_store_status page_finish(struct cx_store *s, void *arg)
{
	struct page *pg = arg;
	enum cx_store_status st;
	int64_t rejected = 0;
	size_t i;
	json_t *u;

	json_array_foreach(pg->unverified, i, u)
	{
		st = audit_reject(s, pg, json_string_value(json_object_get(u, "id")),
		                  json_string_value(json_object_get(u, "version")),
		                  json_string_value(json_object_get(u, "reason")));
		if (st < 0)
			return st;
		rejected++;
	}
	for (i = 0; pg->rep && i < pg->rep->count; i++) {
		const struct cx_ingest_item *it = &pg->rep->items[i];
		const json_t *obj = json_array_get(pg->objects, i);
		char reason[700];

		if (it->status != CX_INGEST_REJECTED)
			continue;
		item_reason(it, reason, sizeof(reason));
		st = audit_reject(s, pg, it->err.id[0] ? it->err.id : NULL,
		                  json_string_value(json_object_get(obj, "modified")), reason);
		if (st < 0)
			return st;
		rejected++;
	}
	pg->stored = pg->rep ? (int64_t)pg->rep->stored : 0;
	pg->duplicate = pg->rep ? (int64_t)pg->rep->duplicate : 0;
	pg->rejected = rejected;
	return s->peer_collection_advance(s, pg->pc->rowid, pg->cursor, cx_time_now_us(),
	                                  pg->received, pg->stored, pg->duplicate, rejected);
}

static enum cx_store_status empty_round(struct cx_store *s, void *arg)
{
	struct page *pg = arg;

	return s->peer_collection_advance(s, pg->pc->rowid, NULL, cx_time_now_us(), 0, 0, 0, 0);
}

static void report_object(struct cx_sync *y, const struct cx_peer *p, const char *collection,
                          const char *id, enum cx_ingest_status st, const char *reason)
{
	if (y->opts.on_object)
		y->opts.on_object(y->opts.arg, p, collection, id, st, reason);
}

/* Apply one page: 0, or -1 after a store failure (err says why). */
static int apply_page(struct cx_sync *y, struct cx_store *s, const struct cx_peer *p,
                      const struct cx_peer_collection *pc, int64_t into, const char *into_id,
                      json_t *objects, const char *cursor, struct cx_sync_counts *t, char *err,
                      size_t errlen)
{
	struct cx_ingest_opts io = {0};
	struct cx_ingest_report rep = {0};
	struct page pg = {
	    p, pc, cursor, (int64_t)json_array_size(objects), json_array(), NULL, NULL, 0, 0, 0};
	json_t *pass = json_array(), *obj, *detail;
	enum cx_store_status st;
	size_t i;
	int rc = -1;

	json_array_foreach(objects, i, obj)
	{
		char why[512];
		int v = cx_sync_verify(y, s, obj, why, sizeof(why));

		if (v < 0) {
			snprintf(err, errlen, "%s", why);
			goto out;
		}
		if (v == 0) {
			json_array_append(pass, obj);
			continue;
		}
		json_array_append_new(
		    pg.unverified,
		    json_pack("{s:s?, s:s?, s:s}", "id",
		              json_string_value(json_object_get(obj, "id")), "version",
		              json_string_value(json_object_get(obj, "modified")), "reason", why));
	}
	pg.rep = &rep;
	pg.objects = pass;
	detail = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "peer", p->name, "partner", p->partner,
	                   "remote_collection", pc->collection, "cursor", cursor ? cursor : "",
	                   "received", (json_int_t)pg.received, "unverified",
	                   (json_int_t)json_array_size(pg.unverified));
	io.collection = into;
	io.collection_id = into ? into_id : NULL;
	io.rules = y->opts.rules;
	io.actor = "operator";
	io.action = "sync.pull";
	io.audit_detail = detail;
	io.in_transaction = page_finish;
	io.in_transaction_arg = &pg;
	st = cx_ingest_objects(s, pass, &io, &rep);
	json_decref(detail);
	if (st < 0) {
		snprintf(err, errlen, "store: %s", s->error(s));
		goto out;
	}
	json_array_foreach(pg.unverified, i, obj)
	    report_object(y, p, pc->collection, json_string_value(json_object_get(obj, "id")),
	                  CX_INGEST_REJECTED, json_string_value(json_object_get(obj, "reason")));
	for (i = 0; i < rep.count; i++) {
		const struct cx_ingest_item *it = &rep.items[i];
		char reason[700] = "";

		if (it->status == CX_INGEST_REJECTED)
			item_reason(it, reason, sizeof(reason));
		report_object(y, p, pc->collection, it->err.id[0] ? it->err.id : NULL, it->status,
		              it->status == CX_INGEST_REJECTED ? reason : NULL);
	}
	t->received += pg.received;
	t->stored += pg.stored;
	t->duplicate += pg.duplicate;
	t->rejected += pg.rejected;
	rc = 0;
out:
	cx_ingest_report_release(&rep);
	json_decref(pass);
	json_decref(pg.unverified);
	return rc;
}

static void record_failure(struct cx_store *s, const struct cx_peer_collection *pc, const char *why)
{
	if (s->begin(s, true) < 0 ||
	    s->peer_collection_fail(s, pc->rowid, cx_time_now_us(), why) < 0 || s->commit(s) < 0)
		s->rollback(s);
}

static bool stopping(const struct cx_sync *y)
{
	return y->opts.stop && atomic_load(y->opts.stop);
}

/* Pull one collection. Returns 0, 1 after a peer failure (recorded), or -1
 * after a store failure (err). */
static int pull(struct cx_sync *y, struct cx_store *s, const struct cx_peer *p,
                const struct cx_peer_collection *pc0, int64_t into, const char *into_id,
                struct cx_sync_counts *total, char *serr, size_t serrlen)
{
	struct cx_peer_collection pc = *pc0;
	struct cx_sync_counts t = {0, 0, 0, 0};
	struct cx_sync_collection_result res;
	struct fetch f;
	char url[2400], err[600] = "";
	unsigned pages = 0;
	int rc = 0;

	cx_buf_init(&f.body, MAX_BODY);
	while (!stopping(y)) {
		json_t *root = NULL, *objects;
		bool more;
		int64_t ignored;

		snprintf(url, sizeof(url),
		         "%scollections/%s/objects/?match%%5Bversion%%5D=all&limit=%u%s%s", p->url,
		         pc.collection, y->opts.limit, pc.cursor[0] ? "&added_after=" : "",
		         pc.cursor);
		if (http_get(y, p, url, &f, err, sizeof(err)) < 0) {
			rc = stopping(y) ? 0 : 1;
			break;
		}
		pages++;
		root = json_loadb(f.body.data ? f.body.data : "{}", f.body.len,
		                  JSON_REJECT_DUPLICATES, NULL);
		objects = json_object_get(root, "objects");
		if (!json_is_object(root) || (objects && !json_is_array(objects))) {
			snprintf(err, sizeof(err), "the peer's page is not a TAXII envelope");
			json_decref(root);
			rc = 1;
			break;
		}
		more = json_is_true(json_object_get(root, "more"));
		if (json_array_size(objects) == 0) {
			struct page pg = {p, &pc, NULL, 0, NULL, NULL, NULL, 0, 0, 0};

			json_decref(root);
			if (cx_store_run(s, true, empty_round, &pg) < 0) {
				snprintf(err, sizeof(err), "store: %s", s->error(s));
				rc = -1;
			}
			if (more && rc == 0) {
				snprintf(err, sizeof(err), "the peer said 'more' on an empty page");
				rc = 1;
			}
			break;
		}
		if (!f.date_last[0] || cx_time_parse(f.date_last, &ignored, NULL) < 0) {
			snprintf(err, sizeof(err),
			         "the peer's page has no valid X-TAXII-Date-Added-Last header");
			json_decref(root);
			rc = 1;
			break;
		}
		if (pc.cursor[0] && strcmp(f.date_last, pc.cursor) == 0) {
			snprintf(err, sizeof(err), "the peer's cursor did not advance");
			json_decref(root);
			rc = 1;
			break;
		}
		if (apply_page(y, s, p, &pc, into, into_id, objects, f.date_last, &t, err,
		               sizeof(err)) < 0) {
			json_decref(root);
			rc = -1;
			break;
		}
		json_decref(root);
		cx_strlcpy(pc.cursor, f.date_last, sizeof(pc.cursor));
		if (y->opts.on_page)
			y->opts.on_page(y->opts.arg, p, pc.collection, pages, &t);
		if (!more)
			break;
	}
	cx_buf_release(&f.body);
	if (rc == 1)
		record_failure(s, &pc, err);
	if (rc < 0)
		snprintf(serr, serrlen, "%s", err);
	total->received += t.received;
	total->stored += t.stored;
	total->duplicate += t.duplicate;
	total->rejected += t.rejected;
	res.collection = pc.collection;
	res.requests = pages;
	res.counts = t;
	res.cursor = pc.cursor;
	res.error = rc ? err : NULL;
	if (y->opts.on_collection)
		y->opts.on_collection(y->opts.arg, p, &res);
	return rc;
}

struct coll_list {
	struct cx_peer_collection items[MAX_COLLECTIONS];
	size_t n;
};

static int coll_cb(void *arg, const struct cx_peer_collection *c)
{
	struct coll_list *l = arg;

	if (l->n == MAX_COLLECTIONS)
		return 1;
	l->items[l->n++] = *c;
	return 0;
}

int cx_sync_peer(struct cx_sync *y, struct cx_store *s, const struct cx_peer *p,
                 struct cx_sync_counts *total, size_t *failures, char *err, size_t errlen)
{
	struct coll_list *colls = calloc(1, sizeof(*colls));
	struct cx_collection into;
	int64_t into_rowid = 0;
	enum cx_store_status st;
	int rc = -1;

	if (!colls) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (cx_sync_keys_load(y, s) < 0) {
		snprintf(err, errlen, "store: %s", s->error(s));
		goto out;
	}
	if (p->into[0]) {
		st = s->collection_get(s, NULL, p->into, &into);
		if (st < 0) {
			snprintf(err, errlen, "store: %s", s->error(s));
			goto out;
		}
		if (st == CX_STORE_NO_RESULT) {
			struct cx_sync_collection_result res = {
			    "-",
			    0,
			    {0, 0, 0, 0},
			    "",
			    "the local collection it pulls into is gone: remove and add the "
			    "peer again"};

			if (y->opts.on_collection)
				y->opts.on_collection(y->opts.arg, p, &res);
			(*failures)++;
			rc = 0;
			goto out;
		}
		into_rowid = into.rowid;
	}
	if (s->peer_collections(s, p->rowid, coll_cb, colls) < 0) {
		snprintf(err, errlen, "store: %s", s->error(s));
		goto out;
	}
	for (size_t i = 0; i < colls->n && !stopping(y); i++) {
		int r = pull(y, s, p, &colls->items[i], into_rowid, p->into, total, err, errlen);

		if (r < 0)
			goto out;
		if (r > 0)
			(*failures)++;
	}
	rc = 0;
out:
	free(colls);
	return rc;
}
