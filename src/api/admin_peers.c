/* The federation peers' sync state through the admin API: GET
 * /api/v1/peers (JSON) and the sync part of GET /metrics (metrics.c), both
 * for admins only (doc/FEDERATION.md, "Watching the sync"). */
#include <stdio.h>
#include <string.h>

#include "api/admin_internal.h"
#include "util/buf.h"
#include "util/time.h"

struct coll_array {
	json_t *items;
};

static int add_collection(void *arg, const struct cx_peer_collection *c)
{
	struct coll_array *a = arg;
	int64_t now = cx_time_now_us();

	json_array_append_new(
	    a->items,
	    json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:I}", "id", c->collection,
	              "cursor", c->cursor[0] ? json_string(c->cursor) : json_null(), "last_success",
	              cx_admin_time(c->last_success), "last_attempt",
	              cx_admin_time(c->last_attempt), "last_error",
	              c->last_error[0] ? json_string(c->last_error) : json_null(), "lag_seconds",
	              c->last_success ? json_integer((now - c->last_success) / 1000000)
	                              : json_null(),
	              "received", (json_int_t)c->received, "stored", (json_int_t)c->stored,
	              "duplicate", (json_int_t)c->duplicate, "rejected", (json_int_t)c->rejected));
	return 0;
}

struct peer_ctx {
	struct cx_store *s;
	json_t *items;
	bool failed;
};

static int add_peer(void *arg, const struct cx_peer *p)
{
	struct peer_ctx *pc = arg;
	struct coll_array a = {json_array()};

	if (pc->s->peer_collections(pc->s, p->rowid, add_collection, &a) < 0) {
		json_decref(a.items);
		pc->failed = true;
		return 1;
	}
	json_array_append_new(pc->items, json_pack("{s:s, s:s, s:s, s:s, s:o}", "name", p->name,
	                                           "partner", p->partner, "url", p->url, "key_id",
	                                           p->key_id, "collections", a.items));
	return 0;
}

/* Every peer with its collections (never the secrets). */
static json_t *peers_json(struct cx_store *s)
{
	struct peer_ctx pc = {s, json_array(), false};

	if (s->peer_list(s, add_peer, &pc) < 0 || pc.failed) {
		json_decref(pc.items);
		return NULL;
	}
	return pc.items;
}

enum MHD_Result cx_api_peers_list(struct cx_request *req)
{
	struct cx_api_ctx c;
	enum MHD_Result r;
	json_t *items;

	if (!cx_admin_begin(req, &c, &r))
		return r;
	items = peers_json(c.s);
	if (!items)
		return cx_admin_store_failed(req);
	return cx_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* A Prometheus label value: backslash, double quote and newline escaped. */
static void label(struct cx_buf *b, const char *v)
{
	cx_buf_putc(b, '"');
	for (; v && *v; v++) {
		if (*v == '\\' || *v == '"')
			cx_buf_putc(b, '\\');
		if (*v == '\n') {
			cx_buf_puts(b, "\\n");
			continue;
		}
		cx_buf_putc(b, *v);
	}
	cx_buf_putc(b, '"');
}

static void peer_labels(struct cx_buf *b, const json_t *peer, const json_t *coll)
{
	cx_buf_puts(b, "{peer=");
	label(b, json_string_value(json_object_get(peer, "name")));
	if (coll) {
		cx_buf_puts(b, ",collection=");
		label(b, json_string_value(json_object_get(coll, "id")));
	}
}

static void help(struct cx_buf *b, const char *name, const char *type, const char *text)
{
	cx_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

/* One sample per peer collection of member (an integer; absent when null). */
static void per_collection(struct cx_buf *b, const json_t *peers, const char *name,
                           const char *member, const char *result)
{
	size_t i, j;
	json_t *p, *c;

	json_array_foreach(peers, i, p)
	{
		json_array_foreach(json_object_get(p, "collections"), j, c)
		{
			const json_t *v = json_object_get(c, member);

			if (!json_is_integer(v))
				continue;
			cx_buf_puts(b, name);
			peer_labels(b, p, c);
			if (result)
				cx_buf_printf(b, ",result=\"%s\"", result);
			cx_buf_printf(b, "} %lld\n", (long long)json_integer_value(v));
		}
	}
}

int cx_admin_peers_metrics(struct cx_store *s, struct cx_buf *b)
{
	static const char *const results[] = {"received", "stored", "duplicate", "rejected"};
	json_t *peers, *p, *coll;
	size_t i, j;

	peers = peers_json(s);
	if (!peers)
		return -1;
	help(b, "cx_sync_last_success_timestamp_seconds", "gauge",
	     "When a round or page of the peer collection last succeeded (Unix time).");
	json_array_foreach(peers, i, p)
	{
		json_array_foreach(json_object_get(p, "collections"), j, coll)
		{
			int64_t us = 0;
			const char *t = json_string_value(json_object_get(coll, "last_success"));

			if (!t || cx_time_parse(t, &us, NULL) < 0)
				continue;
			cx_buf_puts(b, "cx_sync_last_success_timestamp_seconds");
			peer_labels(b, p, coll);
			cx_buf_printf(b, "} %lld.%06lld\n", (long long)(us / 1000000),
			              (long long)(us % 1000000));
		}
	}
	help(b, "cx_sync_lag_seconds", "gauge",
	     "Seconds since the peer collection last synced successfully.");
	per_collection(b, peers, "cx_sync_lag_seconds", "lag_seconds", NULL);
	help(b, "cx_sync_objects_total", "counter",
	     "Objects of the peer collection received, and what became of them.");
	for (i = 0; i < sizeof(results) / sizeof(results[0]); i++)
		per_collection(b, peers, "cx_sync_objects_total", results[i], results[i]);
	help(b, "cx_sync_failing", "gauge",
	     "1 when the last round of the peer collection failed (see last_error).");
	json_array_foreach(peers, i, p)
	{
		json_array_foreach(json_object_get(p, "collections"), j, coll)
		{
			cx_buf_puts(b, "cx_sync_failing");
			peer_labels(b, p, coll);
			cx_buf_printf(b, "} %d\n",
			              json_is_string(json_object_get(coll, "last_error")) ? 1 : 0);
		}
	}
	help(b, "cx_sync_last_error_info", "gauge",
	     "The last error of a failing peer collection, as a label.");
	json_array_foreach(peers, i, p)
	{
		json_array_foreach(json_object_get(p, "collections"), j, coll)
		{
			const char *e = json_string_value(json_object_get(coll, "last_error"));

			if (!e)
				continue;
			cx_buf_puts(b, "cx_sync_last_error_info");
			peer_labels(b, p, coll);
			cx_buf_puts(b, ",error=");
			label(b, e);
			cx_buf_puts(b, "} 1\n");
		}
	}
	json_decref(peers);
	return 0;
}
