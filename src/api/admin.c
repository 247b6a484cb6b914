/* Administration through the native API (doc/API.md, "Administration"):
 * the helpers every admin handler shares, and the partners. Each change
 * goes through the same store and core functions as the `cx` command and
 * is audited under the same action names, with the admin as actor. */
#include <stdio.h>
#include <string.h>

#include "access/roles.h"
#include "api/admin_internal.h"
#include "core/audit.h"
#include "core/bootstrap.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

bool cx_admin_begin(struct cx_request *req, struct cx_api_ctx *c, enum MHD_Result *ret)
{
	if (!cx_api_begin(req, c, ret))
		return false;
	if (!(req->who.roles & CX_ROLE_ADMIN)) {
		*ret = cx_reply_error(req, CX_EC_FORBIDDEN, "role", "this needs the admin role");
		return false;
	}
	return true;
}

json_t *cx_admin_body(struct cx_request *req, const char *const *allowed, enum MHD_Result *ret)
{
	json_t *body = cx_api_body(req, ret), *v;
	const char *key;

	if (!body)
		return NULL;
	json_object_foreach (body, key, v) {
		bool known = false;

		for (size_t i = 0; allowed[i]; i++)
			known = known || strcmp(key, allowed[i]) == 0;
		if (!known) {
			*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, key,
					      "%s is not a property of this request", key);
			json_decref(body);
			return NULL;
		}
	}
	return body;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

bool cx_admin_string(struct cx_request *req, const json_t *body, const char *field, bool required,
		     size_t max, const char **ret_value, enum MHD_Result *ret)
{
	const json_t *v = json_object_get(body, field);
	size_t len = json_string_length(v);

	if (!v && !required) {
		*ret_value = NULL;
		return true;
	}
	if (!json_is_string(v) || len == 0 || len > max ||
	    strlen(json_string_value(v)) != len || has_control(json_string_value(v))) {
		*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, field,
				      "%s must be a string of 1 to %zu bytes without control "
				      "characters",
				      field, max);
		return false;
	}
	*ret_value = json_string_value(v);
	return true;
}

bool cx_admin_bool(struct cx_request *req, const json_t *body, const char *field, bool required,
		   bool *ret_value, enum MHD_Result *ret)
{
	const json_t *v = json_object_get(body, field);

	if (!v && !required)
		return true;
	if (!json_is_boolean(v)) {
		*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, field, "%s must be true or false",
				      field);
		return false;
	}
	*ret_value = json_is_true(v);
	return true;
}

enum cx_store_status cx_admin_audit(struct cx_store *s, const struct cx_request *req,
				    const char *action, const json_t *detail)
{
	struct cx_audit_entry e = {req->who.name, req->who.partner, action, req->id, NULL, detail,
				   NULL};

	return cx_audit_append(s, &e);
}

json_t *cx_admin_time(int64_t us)
{
	char t[CX_TIME_STRLEN];

	return us ? json_string(cx_time_format(us, 6, t)) : json_null();
}

enum MHD_Result cx_admin_store_failed(struct cx_request *req)
{
	return cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
}

/* --- partners ------------------------------------------------------------------------ */

static json_t *partner_json(const struct cx_partner *p)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "code", p->code, "name", p->name, "identity",
			 p->identity_id, "created", cx_admin_time(p->created));
}

static int add_partner(void *arg, const struct cx_partner *p)
{
	return json_array_append_new(arg, partner_json(p));
}

enum MHD_Result cx_api_admin_partners_list(struct cx_request *req)
{
	struct cx_api_ctx c;
	enum MHD_Result r;
	json_t *items;

	if (!cx_admin_begin(req, &c, &r))
		return r;
	items = json_array();
	if (c.s->partner_list(c.s, add_partner, items) < 0) {
		json_decref(items);
		return cx_admin_store_failed(req);
	}
	return cx_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* The partner the body describes, checked as `cx partner add` checks it. */
static bool partner_from_body(struct cx_request *req, const json_t *body, struct cx_partner *p,
			      enum MHD_Result *ret)
{
	const char *code, *name, *identity;
	char uuid[CX_UUID_STRLEN];

	memset(p, 0, sizeof(*p));
	if (!cx_admin_string(req, body, "code", true, 16, &code, ret) ||
	    !cx_admin_string(req, body, "name", true, sizeof(p->name) - 1, &name, ret) ||
	    !cx_admin_string(req, body, "identity", false, sizeof(p->identity_id) - 1, &identity,
			     ret))
		return false;
	if (!cx_partner_code_valid(code)) {
		*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, "code",
				      "a partner code is 2-16 of A-Z 0-9 - (e.g. USA)");
		return false;
	}
	if (identity && (strncmp(identity, "identity--", 10) != 0 ||
			 !cx_uuid_valid(identity + 10, strlen(identity + 10)))) {
		*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, "identity",
				      "identity must be identity--UUID");
		return false;
	}
	cx_strlcpy(p->code, code, sizeof(p->code));
	cx_strlcpy(p->name, name, sizeof(p->name));
	if (identity)
		cx_strlcpy(p->identity_id, identity, sizeof(p->identity_id));
	else
		snprintf(p->identity_id, sizeof(p->identity_id), "identity--%s", cx_uuid_v4(uuid));
	p->created = cx_time_now_us();
	return true;
}

enum MHD_Result cx_api_admin_partner_create(struct cx_request *req)
{
	static const char *const allowed[] = {"code", "name", "identity", NULL};
	struct cx_partner_actor by;
	struct cx_api_ctx c;
	struct cx_partner p, other;
	enum cx_store_status st;
	enum MHD_Result r;
	char err[512] = "";
	int64_t top = 0;
	json_t *body;
	bool ok;

	if (!cx_admin_begin(req, &c, &r) || !(body = cx_admin_body(req, allowed, &r)))
		return r;
	ok = partner_from_body(req, body, &p, &r);
	json_decref(body);
	if (!ok)
		return r;
	if (c.s->partner_max_rowid(c.s, &top) < 0)
		return cx_admin_store_failed(req);
	if (top >= 63)
		return cx_reply_error(req, CX_EC_CONFLICT, "code",
				      "this node holds 63 partners, the most it can tell apart");
	if (c.s->partner_by_identity(c.s, p.identity_id, &other) == CX_STORE_OK)
		return cx_reply_error(req, CX_EC_CONFLICT, "identity",
				      "partner %s has this identity", other.code);
	by.actor = req->who.name;
	by.partner = req->who.partner;
	by.request = req->id;
	st = cx_partner_create_as(c.s, &p, &by, err, sizeof(err));
	if (st == CX_STORE_NO_RESULT)
		return cx_reply_error(req, CX_EC_CONFLICT, "code", "partner %s exists", p.code);
	if (st == CX_STORE_FULL)
		return cx_api_store_failed(req, st);
	if (st < 0)
		return cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "%s",
				      err[0] ? err : "the store failed");
	return cx_reply_json(req, 201, partner_json(&p));
}
