/* Collections (TAXII 2.1 sections 5.1 and 5.2). */
#include "taxii/taxii.h"

static json_t *collection_json(const struct cx_collection *coll, bool can_read, bool can_write)
{
	json_t *o = json_pack("{s:s, s:s, s:b, s:b, s:[s]}", "id", coll->id, "title",
			      coll->title, "can_read", can_read, "can_write", can_write,
			      "media_types", CX_STIX_MEDIA_TYPE);

	if (coll->description[0])
		json_object_set_new(o, "description", json_string(coll->description));
	if (coll->alias[0])
		json_object_set_new(o, "alias", json_string(coll->alias));
	return o;
}

struct list_ctx {
	struct cx_store *s;
	const struct cx_principal *who;
	json_t *list;
	bool failed;
};

static int add_visible(void *arg, const struct cx_collection *coll)
{
	struct list_ctx *l = arg;
	bool can_read = false, can_write = false;

	if (l->s->collection_access(l->s, coll->rowid, l->who->partner, l->who->roles, &can_read,
				    &can_write) < 0) {
		l->failed = true;
		return 1;
	}
	if (can_read || can_write)
		json_array_append_new(l->list, collection_json(coll, can_read, can_write));
	return 0;
}

enum MHD_Result cx_taxii_collections(struct cx_request *req)
{
	struct cx_taxii_ctx c;
	struct cx_taxii_query q;
	struct list_ctx l;
	enum MHD_Result r;
	json_t *body;

	if (!cx_taxii_begin(req, &c, true, &r) || !cx_taxii_query_parse(req, 0, &q, &r))
		return r;
	l.s = c.s;
	l.who = &req->who;
	l.list = json_array();
	l.failed = false;
	if (c.s->collection_list(c.s, c.root->name, add_visible, &l) < 0 || l.failed) {
		json_decref(l.list);
		return cx_taxii_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
	}
	body = json_object();
	if (json_array_size(l.list))
		json_object_set_new(body, "collections", l.list);
	else
		json_decref(l.list);
	return cx_taxii_reply_json(req, 200, body);
}

enum MHD_Result cx_taxii_collection_get(struct cx_request *req)
{
	struct cx_taxii_ctx c;
	struct cx_taxii_query q;
	enum MHD_Result r;

	if (!cx_taxii_begin(req, &c, true, &r) || !cx_taxii_collection(req, &c, false, false, &r) ||
	    !cx_taxii_query_parse(req, 0, &q, &r))
		return r;
	return cx_taxii_reply_json(req, 200, collection_json(&c.coll, c.can_read, c.can_write));
}
