#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "access/roles.h"
#include "api/api.h"
#include "server/auth.h"
#include "util/str.h"
#include "util/time.h"

static void principal_from(struct cx_principal *who, const struct cx_user *u)
{
	memset(who, 0, sizeof(*who));
	who->user = u->rowid;
	cx_strlcpy(who->name, u->name, sizeof(who->name));
	who->partner_rowid = u->partner_rowid;
	cx_strlcpy(who->partner, u->partner, sizeof(who->partner));
	who->roles = u->roles;
	who->clearance = u->clearance;
}

/* A valid, unexpired session named by the cookie: fills req->who. */
static bool session_auth(struct cx_request *req, struct cx_api_ctx *c, const char *cookie)
{
	struct cx_user u;
	int64_t created, last_seen, now = cx_time_now_us();

	crypto_hash_sha256(c->session_hash, (const unsigned char *)cookie, strlen(cookie));
	if (c->s->session_get(c->s, c->session_hash, &u, c->csrf, &created, &last_seen) !=
	    CX_STORE_OK)
		return false;
	if (u.disabled || now - created > CX_API_SESSION_MAX_US ||
	    now - last_seen > CX_API_SESSION_IDLE_US) {
		c->s->session_delete(c->s, c->session_hash);
		return false;
	}
	/* Record use at most once a minute: a write per request would cost. */
	if (now - last_seen > 60ll * 1000000)
		c->s->session_touch(c->s, c->session_hash, now);
	principal_from(&req->who, &u);
	req->auth = CX_AUTH_OK;
	return true;
}

static bool changes_state(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

bool cx_api_begin(struct cx_request *req, struct cx_api_ctx *c, enum MHD_Result *ret)
{
	const char *cookie;

	memset(c, 0, sizeof(*c));
	c->srv = req->app;
	c->s = cx_server_store(c->srv);
	if (!c->s) {
		*ret =
		    cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store does not answer");
		return false;
	}
	cookie = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, CX_API_SESSION_COOKIE);
	/* A handler called again after work off the I/O thread (a password
	 * hash) finds its session principal already set: check it again. */
	if (cookie && (req->auth == CX_AUTH_NONE || (req->auth == CX_AUTH_OK && !req->who.token)) &&
	    session_auth(req, c, cookie)) {
		c->by_session = true;
	} else {
		const char *authz = cx_request_header(req, MHD_HTTP_HEADER_AUTHORIZATION);

		/* Sessions for people, tokens for scripts: no passwords per request. */
		if (!authz || strncasecmp(authz, "Bearer ", 7) != 0) {
			*ret =
			    cx_reply_error(req, CX_EC_UNAUTHORIZED, NULL,
			                   "sign in (POST /api/v1/session) or send a Bearer token");
			return false;
		}
		switch (cx_auth_request(c->srv->auth, req)) {
		case CX_AUTH_PENDING:
			*ret = MHD_YES;
			return false;
		case CX_AUTH_OK:
			break;
		default:
			*ret =
			    cx_reply_error(req, CX_EC_UNAUTHORIZED, NULL,
			                   "sign in (POST /api/v1/session) or send a Bearer token");
			return false;
		}
	}
	if (c->by_session && changes_state(req->method)) {
		const char *sent = cx_request_header(req, "X-CSRF-Token");

		if (!sent || strlen(sent) != strlen(c->csrf) ||
		    sodium_memcmp(sent, c->csrf, strlen(c->csrf)) != 0) {
			*ret = cx_reply_error(req, CX_EC_CSRF, "X-CSRF-Token",
			                      "send the session's csrf value in X-CSRF-Token");
			return false;
		}
	}
	cx_access_for(&req->who, c->srv->home_partner, &c->access);
	if (cx_api_load_partners(c) < 0) {
		*ret = cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
		return false;
	}
	return true;
}

static int add_partner(void *arg, const struct cx_partner *p)
{
	struct cx_api_partners *ps = arg;

	if (ps->n < 64) {
		ps->rowid[ps->n] = p->rowid;
		cx_strlcpy(ps->code[ps->n], p->code, sizeof(ps->code[0]));
		ps->n++;
	}
	return 0;
}

int cx_api_load_partners(struct cx_api_ctx *c)
{
	c->partners.n = 0;
	return c->s->partner_list(c->s, add_partner, &c->partners) < 0 ? -1 : 0;
}

int64_t cx_api_partner_rowid(const struct cx_api_ctx *c, const char *code)
{
	for (size_t i = 0; i < c->partners.n; i++)
		if (strcmp(c->partners.code[i], code) == 0)
			return c->partners.rowid[i];
	return 0;
}

const char *cx_api_partner_code(const struct cx_api_ctx *c, int64_t rowid)
{
	for (size_t i = 0; i < c->partners.n; i++)
		if (c->partners.rowid[i] == rowid)
			return c->partners.code[i];
	return NULL;
}

/* The codes a bitmask names, in partner-table order. */
static size_t mask_codes(const struct cx_api_ctx *c, int64_t mask, const char **codes)
{
	size_t n = 0;

	for (size_t i = 0; i < c->partners.n; i++)
		if ((uint64_t)mask & cx_partner_bit(c->partners.rowid[i]))
			codes[n++] = c->partners.code[i];
	return n;
}

char *cx_api_banner(const struct cx_api_ctx *c, const struct cx_object_row *row, char *out,
                    size_t n)
{
	const char *codes[64];
	size_t ncodes = mask_codes(c, row->rel_mask, codes);
	struct cx_buf b;

	cx_buf_init(&b, 0);
	cx_banner(&b, (enum cx_tlp)row->tlp, row->classification, codes, ncodes);
	cx_strlcpy(out, cx_buf_cstr(&b), n);
	cx_buf_release(&b);
	return out;
}

/* A member "name":"value" (a JSON string, or null when v is NULL). */
static void member(struct cx_buf *b, const char *name, const char *v, bool first)
{
	if (!first)
		cx_buf_putc(b, ',');
	cx_buf_put_json_string(b, name, strlen(name));
	cx_buf_putc(b, ':');
	if (v)
		cx_buf_put_json_string(b, v, strlen(v));
	else
		cx_buf_puts(b, "null");
}

int cx_api_summary_write(const struct cx_api_ctx *c, const struct cx_object_row *row,
                         struct cx_buf *b)
{
	char created[CX_TIME_STRLEN], added[CX_TIME_STRLEN], banner[512];

	cx_buf_putc(b, '{');
	member(b, "id", row->id, true);
	member(b, "type", row->type, false);
	member(b, "modified", row->version, false);
	cx_buf_puts(b, row->revoked ? ",\"revoked\":true" : ",\"revoked\":false");
	member(b, "banner", cx_api_banner(c, row, banner, sizeof(banner)), false);
	member(b, "date_added", cx_time_format(row->date_added, 6, added), false);
	if (row->name && *row->name)
		member(b, "name", row->name, false);
	member(b, "created",
	       row->created ? cx_time_format(row->created, row->created % 1000 ? 6 : 3, created)
	                    : NULL,
	       false);
	member(b, "owner", cx_api_partner_code(c, row->owner), false);
	member(b, "tlp", row->tlp ? cx_tlp_name((enum cx_tlp)row->tlp) : NULL, false);
	cx_buf_putc(b, '}');
	return b->err;
}

json_t *cx_api_summary(const struct cx_api_ctx *c, const struct cx_object_row *row)
{
	struct cx_buf b;
	json_t *o = NULL;

	cx_buf_init(&b, 0);
	if (cx_api_summary_write(c, row, &b) == 0)
		o = json_loadb(cx_buf_cstr(&b), b.len, 0, NULL);
	cx_buf_release(&b);
	return o;
}

bool cx_api_json_media_type(const char *ct)
{
	size_t n;

	if (!ct)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	n = strcspn(ct, ";");
	while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

bool cx_api_text_ok(const char *s)
{
	/* jansson makes a string only of valid UTF-8. */
	json_t *t = json_string(s);
	bool ok = t != NULL;

	json_decref(t);
	return ok;
}

enum MHD_Result cx_api_store_failed(struct cx_request *req, enum cx_store_status st)
{
	if (st == CX_STORE_FULL)
		return cx_reply_error(req, CX_EC_STORE_FULL, NULL,
				      "the disk of the node's store is full; nothing was stored");
	return cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
}

json_t *cx_api_body(struct cx_request *req, enum MHD_Result *ret)
{
	json_error_t jerr;
	json_t *body;

	/* A body sent as anything else (a form, text) was not meant as JSON,
	 * and a form is what a cross-site page can send. */
	if (req->body.len &&
	    !cx_api_json_media_type(cx_request_header(req, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		*ret = cx_reply_error(req, CX_EC_UNSUPPORTED_MEDIA_TYPE, "Content-Type",
		                      "send the body as Content-Type: application/json");
		return NULL;
	}
	body = json_loadb(cx_buf_cstr(&req->body), req->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!body || !json_is_object(body)) {
		json_decref(body);
		*ret = cx_reply_error(req, CX_EC_BAD_JSON, NULL,
		                      "the body must be one JSON object (line %d: %s)", jerr.line,
		                      body ? "not an object" : jerr.text);
		return NULL;
	}
	return body;
}
