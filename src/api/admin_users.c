/* Users through the admin API: list, add, change (roles, clearance,
 * disabled, password). The same store calls, checks and audit entries
 * (user.add, user.set, user.disable, user.enable, user.passwd) as
 * `cx user`. Passwords are hashed (Argon2id) on the authentication
 * workers, off the I/O threads: the handler runs twice, before and after
 * the hash (cx_auth_hash_password), and checks everything again the
 * second time. */
#include <string.h>

#include "access/credentials.h"
#include "access/roles.h"
#include "api/admin_internal.h"
#include "server/auth.h"
#include "util/str.h"
#include "util/time.h"

static json_t *user_json(const struct cx_user *u)
{
	json_t *roles = json_array();
	char cl[2] = {u->clearance, '\0'};

	for (unsigned bit = 1; bit <= CX_ROLE_CASE_OFFICER; bit <<= 1)
		if (u->roles & bit)
			json_array_append_new(roles, json_string(cx_role_name(bit)));
	return json_pack("{s:s, s:s, s:o, s:s, s:b, s:o}", "name", u->name, "partner", u->partner,
			 "roles", roles, "clearance", cl, "disabled", u->disabled, "created",
			 cx_admin_time(u->created));
}

static int add_user(void *arg, const struct cx_user *u)
{
	return json_array_append_new(arg, user_json(u));
}

enum MHD_Result cx_api_admin_users_list(struct cx_request *req)
{
	struct cx_api_ctx c;
	enum MHD_Result r;
	json_t *items;

	if (!cx_admin_begin(req, &c, &r))
		return r;
	items = json_array();
	if (c.s->user_list(c.s, add_user, items) < 0) {
		json_decref(items);
		return cx_admin_store_failed(req);
	}
	return cx_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* What a request changes: *_set tell which members it sent. */
struct user_change {
	unsigned roles;
	char clearance;
	bool disabled, disabled_set;
	const char *password; /* borrowed from the body */
	size_t password_len;
};

static bool parse_roles(struct cx_request *req, const json_t *v, unsigned *ret_roles,
			enum MHD_Result *ret)
{
	unsigned roles = 0, bit;
	size_t i;
	json_t *x;

	if (!json_is_array(v) || json_array_size(v) == 0)
		goto bad;
	json_array_foreach (v, i, x)
		if (!json_is_string(x) || cx_role_parse(json_string_value(x), &bit) < 0)
			goto bad;
		else
			roles |= bit;
	*ret_roles = roles;
	return true;
bad:
	*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, "roles",
			      "roles must be a list of reader, contributor, approver, admin, peer "
			      "and case-officer");
	return false;
}

/* The members of body both create and change take. */
static bool parse_change(struct cx_request *req, const json_t *body, struct user_change *ch,
			 enum MHD_Result *ret)
{
	const json_t *roles = json_object_get(body, "roles");
	const json_t *pw = json_object_get(body, "password");
	const char *cl;

	if (roles && !parse_roles(req, roles, &ch->roles, ret))
		return false;
	if (!cx_admin_string(req, body, "clearance", false, 1, &cl, ret))
		return false;
	if (cl && !cx_clearance_valid(cl[0])) {
		*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, "clearance",
				      "clearance must be U, R, C or S");
		return false;
	}
	ch->clearance = cl ? cl[0] : '\0';
	ch->disabled_set = json_object_get(body, "disabled") != NULL;
	if (!cx_admin_bool(req, body, "disabled", false, &ch->disabled, ret))
		return false;
	if (pw && (!json_is_string(pw) ||
		   !cx_password_acceptable(json_string_value(pw), json_string_length(pw)))) {
		*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, "password",
				      "a password needs %d to %d characters on one line",
				      CX_PASSWORD_MIN, CX_PASSWORD_MAX);
		return false;
	}
	ch->password = json_string_value(pw);
	ch->password_len = json_string_length(pw);
	return true;
}

/* The hash of the change's password into u, made off the I/O thread:
 * false with *ret set while pending (MHD_YES) or on failure. */
static bool hash_into(struct cx_request *req, const struct user_change *ch, struct cx_user *u,
		      enum MHD_Result *ret)
{
	struct cx_server *srv = req->app;
	const char *hash = NULL;

	if (!ch->password)
		return true;
	switch (cx_auth_hash_password(srv->auth, req, ch->password, ch->password_len, &hash)) {
	case CX_AUTH_PENDING:
		*ret = MHD_YES;
		return false;
	case CX_AUTH_OK:
		cx_strlcpy(u->password_hash, hash, sizeof(u->password_hash));
		return true;
	default:
		*ret = cx_reply_error(req, CX_EC_INTERNAL, NULL, "the password could not be hashed");
		return false;
	}
}

/* The audit detail `cx user` writes. */
static json_t *user_detail(const struct cx_user *u)
{
	char roles[128], cl[2] = {u->clearance, '\0'};

	return json_pack("{s:s, s:s, s:s, s:s, s:b}", "user", u->name, "partner", u->partner,
			 "roles", cx_roles_format(u->roles, roles, sizeof(roles)), "clearance", cl,
			 "disabled", u->disabled);
}

struct user_tx {
	const struct cx_request *req;
	struct cx_user *u;
	bool create;
	const char *actions[4]; /* the audit entries, in order */
	size_t nactions;
};

static enum cx_store_status user_tx(struct cx_store *s, void *arg)
{
	struct user_tx *t = arg;
	json_t *detail = user_detail(t->u);
	enum cx_store_status st = t->create ? s->user_add(s, t->u) : s->user_update(s, t->u);

	for (size_t i = 0; st == CX_STORE_OK && i < t->nactions; i++)
		if (cx_admin_audit(s, t->req, t->actions[i], detail) < 0)
			st = CX_STORE_HARD_ERROR;
	json_decref(detail);
	return st;
}

static bool body_user(struct cx_request *req, struct cx_api_ctx *c, const json_t *body,
		      struct cx_user *u, enum MHD_Result *ret)
{
	const char *name, *partner;
	struct cx_partner p;
	enum cx_store_status st;

	if (!cx_admin_string(req, body, "name", true, 64, &name, ret) ||
	    !cx_admin_string(req, body, "partner", true, 16, &partner, ret))
		return false;
	if (!cx_user_name_valid(name)) {
		*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, "name",
				      "a user name is 1-64 of letters, digits and . _ - @");
		return false;
	}
	if (!json_object_get(body, "roles")) {
		*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, "roles", "roles is required");
		return false;
	}
	st = c->s->partner_get(c->s, partner, &p);
	if (st != CX_STORE_OK) {
		*ret = st < 0 ? cx_admin_store_failed(req)
			      : cx_reply_error(req, CX_EC_UNPROCESSABLE, "partner",
					       "no partner %s on this node", partner);
		return false;
	}
	memset(u, 0, sizeof(*u));
	cx_strlcpy(u->name, name, sizeof(u->name));
	u->partner_rowid = p.rowid;
	cx_strlcpy(u->partner, p.code, sizeof(u->partner));
	return true;
}

enum MHD_Result cx_api_admin_user_create(struct cx_request *req)
{
	static const char *const allowed[] = {"name", "partner", "roles", "clearance", "password",
					      NULL};
	struct user_change ch = {0};
	struct cx_api_ctx c;
	struct cx_user u, old;
	struct user_tx t = {req, &u, true, {"user.add"}, 1};
	enum cx_store_status st;
	enum MHD_Result r;
	json_t *body;

	if (!cx_admin_begin(req, &c, &r) || !(body = cx_admin_body(req, allowed, &r)))
		return r;
	if (!body_user(req, &c, body, &u, &r) || !parse_change(req, body, &ch, &r))
		goto out;
	if (c.s->user_get(c.s, u.name, &old) == CX_STORE_OK) {
		r = cx_reply_error(req, CX_EC_CONFLICT, "name", "user %s exists", u.name);
		goto out;
	}
	u.roles = ch.roles;
	u.clearance = ch.clearance ? ch.clearance : 'U';
	u.created = cx_time_now_us();
	if (!hash_into(req, &ch, &u, &r))
		goto out;
	st = cx_store_run(c.s, true, user_tx, &t);
	if (st == CX_STORE_NO_RESULT)
		r = cx_reply_error(req, CX_EC_CONFLICT, "name", "user %s exists", u.name);
	else
		r = st < 0 ? cx_api_store_failed(req, st) : cx_reply_json(req, 201, user_json(&u));
out:
	json_decref(body);
	return r;
}

enum MHD_Result cx_api_admin_user_update(struct cx_request *req)
{
	static const char *const allowed[] = {"roles", "clearance", "disabled", "password", NULL};
	struct user_change ch = {0};
	struct cx_api_ctx c;
	struct cx_user u;
	struct user_tx t = {req, &u, false, {NULL}, 0};
	enum cx_store_status st;
	enum MHD_Result r;
	json_t *body;

	if (!cx_admin_begin(req, &c, &r))
		return r;
	st = c.s->user_get(c.s, req->params[0], &u);
	if (st != CX_STORE_OK)
		return st < 0 ? cx_admin_store_failed(req)
			      : cx_reply_error(req, CX_EC_NOT_FOUND, NULL, "no user %s",
					       req->params[0]);
	if (!(body = cx_admin_body(req, allowed, &r)))
		return r;
	if (!parse_change(req, body, &ch, &r))
		goto out;
	if (json_object_size(body) == 0) {
		r = cx_reply_error(req, CX_EC_BAD_PARAMETER, NULL,
				   "send roles, clearance, disabled and/or password");
		goto out;
	}
	if (!hash_into(req, &ch, &u, &r))
		goto out;
	if (ch.roles || ch.clearance)
		t.actions[t.nactions++] = "user.set";
	if (ch.disabled_set)
		t.actions[t.nactions++] = ch.disabled ? "user.disable" : "user.enable";
	if (ch.password)
		t.actions[t.nactions++] = "user.passwd";
	u.roles = ch.roles ? ch.roles : u.roles;
	u.clearance = ch.clearance ? ch.clearance : u.clearance;
	u.disabled = ch.disabled_set ? ch.disabled : u.disabled;
	st = cx_store_run(c.s, true, user_tx, &t);
	if (st == CX_STORE_NO_RESULT)
		r = cx_reply_error(req, CX_EC_NOT_FOUND, NULL, "no user %s", u.name);
	else
		r = st < 0 ? cx_api_store_failed(req, st) : cx_reply_json(req, 200, user_json(&u));
out:
	json_decref(body);
	return r;
}
