/* The audit trail through the admin API: its entries exactly as
 * `cx audit show` prints them (the canonical text the hash chain covers),
 * and the chain's check, the same as `cx audit verify` (core/audit.c). */
#include <stdio.h>
#include <string.h>

#include "api/admin_internal.h"
#include "core/audit.h"
#include "util/str.h"

#define DEFAULT_LIMIT 100
#define MAX_LIMIT 500
#define MAX_EXAMINED 20000 /* entries looked at per request when filtering */

struct audit_query {
	int64_t after, limit;
	const char *action; /* a prefix of the actions wanted; NULL: all */
	const char *bad, *why;
};

static enum MHD_Result on_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                              const char *value)
{
	struct audit_query *q = cls;

	(void)kind;
	if (q->bad)
		return MHD_YES;
	if (!value)
		value = "";
	if (strcmp(key, "after") == 0) {
		if (cx_parse_i64(value, 0, INT64_MAX, &q->after) < 0)
			q->bad = key, q->why = "after must be an entry's seq (a whole number)";
	} else if (strcmp(key, "limit") == 0) {
		if (cx_parse_i64(value, 1, MAX_LIMIT, &q->limit) < 0)
			q->bad = key, q->why = "limit must be a whole number from 1 to 500";
	} else if (strcmp(key, "action") == 0) {
		if (!*value || strlen(value) > 64 ||
		    strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(value))
			q->bad = key, q->why =
			                  "action must be 1 to 64 characters of a-z, 0-9, '.', "
			                  "'_' and '-' (the start of action names)";
		q->action = value;
	} else {
		q->bad = key, q->why = "unknown parameter";
	}
	return MHD_YES;
}

/* The page being written: the items' texts as stored, joined. */
struct page {
	const struct audit_query *q;
	struct cx_buf out;
	int64_t n, examined, last_seq, last_examined;
	bool more;
};

static int add_entry(void *arg, const struct cx_audit_row *row)
{
	struct page *p = arg;

	if (p->examined++ == MAX_EXAMINED) {
		/* Stop here; the next page goes on after what was examined. */
		p->more = true;
		p->last_seq = p->last_examined;
		return 1;
	}
	p->last_examined = row->seq;
	if (p->q->action && strncmp(row->action, p->q->action, strlen(p->q->action)) != 0)
		return 0;
	if (p->n == p->q->limit) {
		p->more = true;
		return 1;
	}
	cx_buf_puts(&p->out, p->n++ ? "," : "");
	cx_buf_puts(&p->out, row->json);
	p->last_seq = row->seq;
	return 0;
}

enum MHD_Result cx_api_admin_audit_list(struct cx_request *req)
{
	struct audit_query q = {0, DEFAULT_LIMIT, NULL, NULL, NULL};
	struct cx_api_ctx c;
	struct page p;
	enum MHD_Result r;
	size_t len;
	char *text;

	if (!cx_admin_begin(req, &c, &r))
		return r;
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, on_arg, &q);
	if (q.bad)
		return cx_reply_error(req, CX_EC_BAD_PARAMETER, q.bad, "%s", q.why);
	memset(&p, 0, sizeof(p));
	p.q = &q;
	cx_buf_init(&p.out, 0);
	cx_buf_puts(&p.out, "{\"items\":[");
	/* Without a filter the store stops at limit + 1: enough to know whether
	 * there is more. */
	if (c.s->audit_scan(c.s, q.after, NULL, NULL, 0, q.action ? 0 : (size_t)q.limit + 1,
	                    add_entry, &p) < 0) {
		cx_buf_release(&p.out);
		return cx_admin_store_failed(req);
	}
	if (p.more)
		cx_buf_printf(&p.out, "],\"next_after\":%lld}", (long long)p.last_seq);
	else
		cx_buf_puts(&p.out, "],\"next_after\":null}");
	if (p.out.err) {
		cx_buf_release(&p.out);
		return cx_reply_error(req, CX_EC_INTERNAL, NULL, "out of memory");
	}
	text = cx_buf_steal(&p.out, &len);
	return cx_reply_owned(req, 200, "application/json", text, len, NULL);
}

enum MHD_Result cx_api_admin_audit_verify(struct cx_request *req)
{
	struct cx_api_ctx c;
	enum MHD_Result r;
	int64_t count = 0, bad = 0;
	char why[256] = "";
	int k;

	if (!cx_admin_begin(req, &c, &r))
		return r;
	k = cx_audit_verify(c.s, &count, &bad, why, sizeof(why));
	if (k < 0)
		return cx_admin_store_failed(req);
	if (k == 0)
		snprintf(why, sizeof(why), "audit chain intact: %lld entries", (long long)count);
	return cx_reply_json(req, 200,
	                     json_pack("{s:b, s:I, s:o, s:s}", "ok", k == 0, "entries",
	                               (json_int_t)count, "first_bad",
	                               k ? json_integer(bad) : json_null(), "detail", why));
}
