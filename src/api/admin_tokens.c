/* API tokens through the admin API: list, create (the secret is in the
 * answer once; only its SHA-256 is kept), disable. The same store calls
 * and audit entries (token.create, token.disable) as `cx token`. */
#include <sodium.h>
#include <string.h>

#include "access/credentials.h"
#include "api/admin_internal.h"
#include "util/str.h"
#include "util/time.h"

#define MAX_DAYS 3650

static json_t *token_json(const struct cx_token *t)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:b}", "id", t->id, "user", t->user_name,
			 "name", t->name, "created", cx_admin_time(t->created), "expires",
			 cx_admin_time(t->expires), "last_used", cx_admin_time(t->last_used),
			 "disabled", t->disabled);
}

static int add_token(void *arg, const struct cx_token *t)
{
	return json_array_append_new(arg, token_json(t));
}

enum MHD_Result cx_api_admin_tokens_list(struct cx_request *req)
{
	struct cx_api_ctx c;
	enum MHD_Result r;
	json_t *items;

	if (!cx_admin_begin(req, &c, &r))
		return r;
	items = json_array();
	if (c.s->token_list(c.s, NULL, add_token, items) < 0) {
		json_decref(items);
		return cx_admin_store_failed(req);
	}
	return cx_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

struct token_tx {
	const struct cx_request *req;
	const struct cx_token *t;
	const unsigned char *hash; /* NULL: disable t */
};

static enum cx_store_status token_tx(struct cx_store *s, void *arg)
{
	struct token_tx *x = arg;
	json_t *detail = json_pack("{s:s, s:s}", "token", x->t->id, "user", x->t->user_name);
	enum cx_store_status st = x->hash ? s->token_add(s, x->t, x->hash)
					  : s->token_disable(s, x->t->id);

	if (st >= 0 && cx_admin_audit(s, x->req, x->hash ? "token.create" : "token.disable",
				      detail) < 0)
		st = CX_STORE_HARD_ERROR;
	json_decref(detail);
	return st < 0 ? st : CX_STORE_OK;
}

/* The token the body asks for (user, expires_days, name), not yet stored. */
static bool token_from_body(struct cx_request *req, struct cx_api_ctx *c, const json_t *body,
			    struct cx_token *t, enum MHD_Result *ret)
{
	const json_t *days = json_object_get(body, "expires_days");
	const char *user, *label;
	struct cx_user u;
	enum cx_store_status st;

	if (!cx_admin_string(req, body, "user", true, 64, &user, ret) ||
	    !cx_admin_string(req, body, "name", false, sizeof(t->name) - 1, &label, ret))
		return false;
	if (days && !json_is_null(days) &&
	    (!json_is_integer(days) || json_integer_value(days) < 1 ||
	     json_integer_value(days) > MAX_DAYS)) {
		*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, "expires_days",
				      "expires_days must be a whole number from 1 to %d (or null: "
				      "never)",
				      MAX_DAYS);
		return false;
	}
	st = c->s->user_get(c->s, user, &u);
	if (st != CX_STORE_OK) {
		*ret = st < 0 ? cx_admin_store_failed(req)
			      : cx_reply_error(req, CX_EC_UNPROCESSABLE, "user", "no user %s", user);
		return false;
	}
	memset(t, 0, sizeof(*t));
	t->user_rowid = u.rowid;
	cx_strlcpy(t->user_name, u.name, sizeof(t->user_name));
	cx_strlcpy(t->name, label ? label : "", sizeof(t->name));
	t->created = cx_time_now_us();
	if (json_is_integer(days))
		t->expires = t->created + json_integer_value(days) * 86400ll * 1000000;
	return true;
}

enum MHD_Result cx_api_admin_token_create(struct cx_request *req)
{
	static const char *const allowed[] = {"user", "expires_days", "name", NULL};
	struct cx_api_ctx c;
	struct cx_token t;
	struct token_tx x = {req, &t, NULL};
	char token[CX_TOKEN_STRLEN];
	unsigned char hash[32];
	enum MHD_Result r;
	enum cx_store_status st;
	json_t *body, *answer;
	bool ok;

	if (!cx_admin_begin(req, &c, &r) || !(body = cx_admin_body(req, allowed, &r)))
		return r;
	ok = token_from_body(req, &c, body, &t, &r);
	json_decref(body);
	if (!ok)
		return r;
	cx_token_new(token, t.id);
	cx_token_hash(token, strlen(token), hash);
	x.hash = hash;
	st = cx_store_run(c.s, true, token_tx, &x);
	if (st < 0) {
		sodium_memzero(token, sizeof(token));
		return cx_api_store_failed(req, st);
	}
	answer = token_json(&t);
	json_object_set_new(answer, "token", json_string(token));
	sodium_memzero(token, sizeof(token));
	return cx_reply_json(req, 201, answer);
}

struct find_token {
	const char *id;
	struct cx_token found;
	bool ok;
};

static int find_token(void *arg, const struct cx_token *t)
{
	struct find_token *f = arg;

	if (strcmp(t->id, f->id) != 0)
		return 0;
	f->found = *t;
	f->ok = true;
	return 1;
}

enum MHD_Result cx_api_admin_token_disable(struct cx_request *req)
{
	struct cx_api_ctx c;
	struct find_token f = {req->params[0], {0}, false};
	struct token_tx x = {req, &f.found, NULL};
	enum cx_store_status st;
	enum MHD_Result r;

	if (!cx_admin_begin(req, &c, &r))
		return r;
	if (c.s->token_list(c.s, NULL, find_token, &f) < 0)
		return cx_admin_store_failed(req);
	if (!f.ok)
		return cx_reply_error(req, CX_EC_NOT_FOUND, NULL, "no token %s", req->params[0]);
	st = cx_store_run(c.s, true, token_tx, &x);
	if (st < 0)
		return cx_api_store_failed(req, st);
	f.found.disabled = true;
	return cx_reply_json(req, 200, token_json(&f.found));
}
