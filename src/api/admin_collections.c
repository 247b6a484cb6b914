/* TAXII collections through the admin API: list with their grants, add,
 * grant. The same store calls, checks and audit entries (collection.add,
 * collection.allow) as `cx collection`. */
#include <stdlib.h>
#include <string.h>

#include "access/roles.h"
#include "api/admin_internal.h"
#include "util/str.h"
#include "util/uuid.h"

static int add_grant(void *arg, const char *partner, const char *role, bool can_read,
		     bool can_write)
{
	return json_array_append_new(arg, json_pack("{s:s, s:s, s:b, s:b}", "partner", partner,
						    "role", role, "read", can_read, "write",
						    can_write));
}

/* A collection with its grants; NULL on a store failure. */
static json_t *collection_json(struct cx_store *s, const struct cx_collection *c)
{
	json_t *grants = json_array();

	if (s->collection_grants(s, c->rowid, add_grant, grants) < 0) {
		json_decref(grants);
		return NULL;
	}
	return json_pack("{s:s, s:s, s:s?, s:s, s:s, s:o}", "id", c->id, "api_root", c->api_root,
			 "alias", c->alias[0] ? c->alias : NULL, "title", c->title,
			 "description", c->description, "grants", grants);
}

struct list_ctx {
	struct cx_collection *all;
	size_t n, cap;
};

static int keep_collection(void *arg, const struct cx_collection *c)
{
	struct list_ctx *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct cx_collection *more = realloc(l->all, cap * sizeof(*more));

		if (!more)
			return 1;
		l->all = more;
		l->cap = cap;
	}
	l->all[l->n++] = *c;
	return 0;
}

enum MHD_Result cx_api_admin_collections_list(struct cx_request *req)
{
	struct cx_api_ctx c;
	struct list_ctx l = {NULL, 0, 0};
	enum MHD_Result r;
	json_t *items, *one;

	if (!cx_admin_begin(req, &c, &r))
		return r;
	items = json_array();
	/* The grants are read after the list: one statement at a time. */
	if (c.s->collection_list(c.s, NULL, keep_collection, &l) < 0)
		goto fail;
	for (size_t i = 0; i < l.n; i++) {
		if (!(one = collection_json(c.s, &l.all[i])))
			goto fail;
		json_array_append_new(items, one);
	}
	free(l.all);
	return cx_reply_json(req, 200, json_pack("{s:o}", "items", items));
fail:
	free(l.all);
	json_decref(items);
	return cx_admin_store_failed(req);
}

struct collection_tx {
	const struct cx_request *req;
	const struct cx_collection *c;
	const json_t *detail;
	const char *partner, *role; /* set: a grant; else an add */
	bool read, write;
};

static enum cx_store_status collection_tx(struct cx_store *s, void *arg)
{
	struct collection_tx *x = arg;
	enum cx_store_status st =
		x->partner ? s->collection_grant(s, x->c->rowid, x->partner, x->role, x->read,
						 x->write)
			   : s->collection_create(s, x->c);

	if (st == CX_STORE_OK || (x->partner && st == CX_STORE_NO_RESULT))
		st = cx_admin_audit(s, x->req, x->partner ? "collection.allow" : "collection.add",
				    x->detail) < 0
			     ? CX_STORE_HARD_ERROR
			     : CX_STORE_OK;
	return st;
}

/* The API root of a new collection: the one named, else the default. */
static bool pick_root(struct cx_request *req, const char *root, struct cx_collection *col,
		      enum MHD_Result *ret)
{
	const struct cx_config *cfg = &((struct cx_server *)req->app)->cfg;

	if (!root && cfg->default_root[0])
		root = cfg->default_root;
	if (!root && cfg->nroots == 1)
		root = cfg->roots[0].name;
	if (!root || !cx_config_root(cfg, root)) {
		*ret = cx_reply_error(req, CX_EC_UNPROCESSABLE, "api_root",
				      "api_root must name an API root of this node");
		return false;
	}
	cx_strlcpy(col->api_root, root, sizeof(col->api_root));
	return true;
}

static bool collection_from_body(struct cx_request *req, const json_t *body,
				 struct cx_collection *col, enum MHD_Result *ret)
{
	const char *title, *alias, *description, *root;

	memset(col, 0, sizeof(*col));
	if (!cx_admin_string(req, body, "title", true, sizeof(col->title) - 1, &title, ret) ||
	    !cx_admin_string(req, body, "alias", false, sizeof(col->alias) - 1, &alias, ret) ||
	    !cx_admin_string(req, body, "description", false, sizeof(col->description) - 1,
			     &description, ret) ||
	    !cx_admin_string(req, body, "api_root", false, sizeof(col->api_root) - 1, &root, ret))
		return false;
	if (alias && cx_uuid_valid(alias, strlen(alias))) {
		*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, "alias",
				      "an alias must not look like a collection id");
		return false;
	}
	if (!pick_root(req, root, col, ret))
		return false;
	cx_uuid_v4(col->id);
	cx_strlcpy(col->title, title, sizeof(col->title));
	cx_strlcpy(col->alias, alias ? alias : "", sizeof(col->alias));
	cx_strlcpy(col->description, description ? description : "", sizeof(col->description));
	return true;
}

enum MHD_Result cx_api_admin_collection_create(struct cx_request *req)
{
	static const char *const allowed[] = {"title", "alias", "description", "api_root", NULL};
	struct cx_api_ctx c;
	struct cx_collection col;
	struct collection_tx x = {req, &col, NULL, NULL, NULL, false, false};
	enum cx_store_status st;
	enum MHD_Result r;
	json_t *body, *detail, *answer;
	bool ok;

	if (!cx_admin_begin(req, &c, &r) || !(body = cx_admin_body(req, allowed, &r)))
		return r;
	ok = collection_from_body(req, body, &col, &r);
	json_decref(body);
	if (!ok)
		return r;
	detail = json_pack("{s:s, s:s, s:s, s:s}", "collection", col.id, "api_root", col.api_root,
			   "alias", col.alias, "title", col.title);
	x.detail = detail;
	st = cx_store_run(c.s, true, collection_tx, &x);
	json_decref(detail);
	if (st == CX_STORE_NO_RESULT)
		return cx_reply_error(req, CX_EC_CONFLICT, "alias",
				      "the alias %s is taken in API root %s", col.alias,
				      col.api_root);
	if (st < 0)
		return cx_api_store_failed(req, st);
	if (c.s->collection_get(c.s, col.api_root, col.id, &col) != CX_STORE_OK ||
	    !(answer = collection_json(c.s, &col)))
		return cx_admin_store_failed(req);
	return cx_reply_json(req, 201, answer);
}

/* The grant the body asks for; partner and role point into body. */
static bool grant_from_body(struct cx_request *req, struct cx_api_ctx *c, const json_t *body,
			    struct collection_tx *x, enum MHD_Result *ret)
{
	struct cx_partner p;
	unsigned bit;

	x->role = "*";
	if (!cx_admin_string(req, body, "partner", true, 16, &x->partner, ret) ||
	    !cx_admin_string(req, body, "role", false, 32, &x->role, ret) ||
	    !cx_admin_bool(req, body, "read", true, &x->read, ret) ||
	    !cx_admin_bool(req, body, "write", true, &x->write, ret))
		return false;
	if (!x->role)
		x->role = "*";
	if (strcmp(x->role, "*") != 0 && cx_role_parse(x->role, &bit) < 0) {
		*ret = cx_reply_error(req, CX_EC_BAD_PARAMETER, "role",
				      "role must be a role name or \"*\"");
		return false;
	}
	if (strcmp(x->partner, "*") != 0 && c->s->partner_get(c->s, x->partner, &p) != CX_STORE_OK) {
		*ret = cx_reply_error(req, CX_EC_UNPROCESSABLE, "partner",
				      "no partner %s on this node (or \"*\": every partner)",
				      x->partner);
		return false;
	}
	return true;
}

enum MHD_Result cx_api_admin_collection_grant(struct cx_request *req)
{
	static const char *const allowed[] = {"partner", "role", "read", "write", NULL};
	struct cx_api_ctx c;
	struct cx_collection col;
	struct collection_tx x = {req, &col, NULL, NULL, NULL, false, false};
	enum cx_store_status st;
	enum MHD_Result r;
	json_t *body, *detail = NULL, *answer;

	if (!cx_admin_begin(req, &c, &r))
		return r;
	st = c.s->collection_get(c.s, NULL, req->params[0], &col);
	if (st != CX_STORE_OK)
		return st < 0 ? cx_admin_store_failed(req)
			      : cx_reply_error(req, CX_EC_NOT_FOUND, NULL, "no collection %s",
					       req->params[0]);
	if (!(body = cx_admin_body(req, allowed, &r)))
		return r;
	if (!grant_from_body(req, &c, body, &x, &r))
		goto out;
	detail = json_pack("{s:s, s:s, s:s, s:b, s:b}", "collection", col.id, "partner",
			   x.partner, "role", x.role, "read", x.read, "write", x.write);
	x.detail = detail;
	st = cx_store_run(c.s, true, collection_tx, &x);
	if (st < 0 || !(answer = collection_json(c.s, &col))) {
		r = cx_api_store_failed(req, st);
		goto out;
	}
	r = cx_reply_json(req, 200, answer);
out:
	json_decref(detail);
	json_decref(body);
	return r;
}
