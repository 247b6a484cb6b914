#include "core/audit.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "stix/jcs.h"
#include "util/buf.h"
#include "util/time.h"

/* hash = SHA-256(prev_hash "\n" canonical entry), as lower-case hex. */
static void chain_hash(const char *prev, const char *json, size_t len, char out[65])
{
	crypto_hash_sha256_state st;
	unsigned char h[32];

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)prev, strlen(prev));
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)json, len);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static void put_str(struct cx_buf *b, const char *key, const char *value)
{
	cx_buf_printf(b, ",\"%s\":", key);
	cx_buf_put_json_string(b, value, strlen(value));
}

/* The entry's canonical JSON, written directly: its members are known and
 * ASCII-named, so their order is fixed (action, actor, detail, objects,
 * partner, request, seq, ts). */
static int entry_text(const struct cx_audit_entry *e, int64_t seq, int64_t ts,
		      struct cx_buf *out)
{
	char t[CX_TIME_STRLEN];

	cx_buf_puts(out, "{\"action\":");
	cx_buf_put_json_string(out, e->action, strlen(e->action));
	put_str(out, "actor", e->actor);
	if (e->detail) {
		cx_buf_puts(out, ",\"detail\":");
		if (cx_jcs_append(out, e->detail) < 0)
			return -EINVAL;
	}
	if (e->objects_text) {
		cx_buf_printf(out, ",\"objects\":%s", e->objects_text);
	} else if (e->objects) {
		cx_buf_puts(out, ",\"objects\":");
		if (cx_jcs_append(out, e->objects) < 0)
			return -EINVAL;
	}
	put_str(out, "partner", e->partner ? e->partner : "");
	if (e->request)
		put_str(out, "request", e->request);
	cx_buf_printf(out, ",\"seq\":%lld,\"ts\":\"%s\"}", (long long)seq,
		      cx_time_format(ts, 6, t));
	return out->err;
}

enum cx_store_status cx_audit_append(struct cx_store *s, const struct cx_audit_entry *e)
{
	struct cx_audit_row row;
	struct cx_buf text;
	char prev[65], hash[65];
	enum cx_store_status st;
	int64_t seq;

	st = s->audit_head(s, &seq, prev);
	if (st < 0)
		return st;
	row.seq = seq + 1;
	row.ts = cx_time_now_us();
	cx_buf_init(&text, 0);
	if (entry_text(e, row.seq, row.ts, &text) < 0) {
		cx_buf_release(&text);
		return CX_STORE_HARD_ERROR;
	}
	chain_hash(prev, text.data, text.len, hash);
	row.actor = e->actor;
	row.action = e->action;
	row.json = text.data;
	row.prev_hash = prev;
	row.hash = hash;
	st = s->audit_add(s, &row);
	cx_buf_release(&text);
	return st;
}

static enum cx_store_status record_tx(struct cx_store *s, void *arg)
{
	return cx_audit_append(s, arg);
}

enum cx_store_status cx_audit_record(struct cx_store *s, const struct cx_audit_entry *e)
{
	return cx_store_run(s, true, record_tx, (void *)e);
}

struct verify_ctx {
	int64_t expect_seq;
	char prev[65];
	int64_t bad_seq;
	char *why;
	size_t whylen;
	int64_t count;
};

static int verify_row(void *arg, const struct cx_audit_row *row)
{
	struct verify_ctx *v = arg;
	char hash[65];
	json_t *o;
	json_error_t jerr;
	json_int_t inner_seq = -1;

	v->count++;
	if (row->seq != v->expect_seq) {
		v->bad_seq = v->expect_seq;
		snprintf(v->why, v->whylen, "entry %lld is missing (removed); the next entry is %lld",
			 (long long)v->expect_seq, (long long)row->seq);
		return 1;
	}
	chain_hash(row->prev_hash, row->json, strlen(row->json), hash);
	if (strcmp(hash, row->hash) != 0) {
		v->bad_seq = row->seq;
		snprintf(v->why, v->whylen, "entry %lld was altered: its content no longer matches "
					    "its hash",
			 (long long)row->seq);
		return 1;
	}
	o = json_loads(row->json, 0, &jerr);
	json_unpack(o, "{s:I}", "seq", &inner_seq);
	/* The columns that `cx audit show` filters on must say what the hashed
	 * text says. */
	if (!o || !json_is_string(json_object_get(o, "actor")) ||
	    strcmp(json_string_value(json_object_get(o, "actor")), row->actor) != 0 ||
	    !json_is_string(json_object_get(o, "action")) ||
	    strcmp(json_string_value(json_object_get(o, "action")), row->action) != 0) {
		json_decref(o);
		v->bad_seq = row->seq;
		snprintf(v->why, v->whylen, "entry %lld was altered: its actor or action columns "
					    "differ from its hashed content",
			 (long long)row->seq);
		return 1;
	}
	json_decref(o);
	if (strcmp(row->prev_hash, v->prev) != 0 || inner_seq != row->seq) {
		v->bad_seq = row->seq;
		snprintf(v->why, v->whylen, "entry %lld does not follow entry %lld (inserted or "
					    "reordered)",
			 (long long)row->seq, (long long)row->seq - 1);
		return 1;
	}
	memcpy(v->prev, row->hash, 65);
	v->expect_seq++;
	return 0;
}

int cx_audit_verify(struct cx_store *s, int64_t *ret_count, int64_t *ret_seq, char *why,
		    size_t whylen)
{
	struct verify_ctx v;
	int64_t head_seq;
	char head_hash[65];

	memset(&v, 0, sizeof(v));
	v.expect_seq = 1;
	memset(v.prev, '0', 64);
	v.why = why;
	v.whylen = whylen;
	/* One read transaction: head and entries from the same snapshot. */
	if (s->begin(s, false) < 0)
		return -1;
	if (s->audit_head(s, &head_seq, head_hash) < 0 ||
	    s->audit_scan(s, 0, NULL, NULL, 0, 0, verify_row, &v) < 0) {
		s->rollback(s);
		return -1;
	}
	s->rollback(s);
	*ret_count = v.count;
	if (v.bad_seq) {
		*ret_seq = v.bad_seq;
		return 1;
	}
	if (head_seq != v.expect_seq - 1 || strcmp(head_hash, v.prev) != 0) {
		if (head_seq >= v.expect_seq) {
			*ret_seq = v.expect_seq;
			snprintf(why, whylen, "entries %lld to %lld are missing (removed from the end)",
				 (long long)v.expect_seq, (long long)head_seq);
		} else if (head_seq < v.expect_seq - 1) {
			*ret_seq = head_seq + 1;
			snprintf(why, whylen, "entry %lld was added after the recorded end of the "
					      "chain (entry %lld)",
				 (long long)head_seq + 1, (long long)head_seq);
		} else {
			*ret_seq = head_seq;
			snprintf(why, whylen, "entry %lld is not the one the chain's recorded head "
					      "names (replaced)",
				 (long long)head_seq);
		}
		return 1;
	}
	return 0;
}
