/* Discovery, API root information and status (TAXII 2.1 section 4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "taxii/taxii.h"
#include "util/time.h"

static void set_text(json_t *o, const char *key, const char *value)
{
	if (value && *value)
		json_object_set_new(o, key, json_string(value));
}

enum MHD_Result cx_taxii_discovery(struct cx_request *req)
{
	struct cx_taxii_ctx c;
	struct cx_taxii_query q;
	enum MHD_Result r;
	json_t *body, *roots;
	const struct cx_config *cfg;
	char url[80];

	if (!cx_taxii_begin(req, &c, false, &r) || !cx_taxii_query_parse(req, 0, &q, &r))
		return r;
	cfg = &c.srv->cfg;
	body = json_pack("{s:s}", "title", cfg->taxii_title);
	set_text(body, "description", cfg->taxii_description);
	set_text(body, "contact", cfg->taxii_contact);
	if (cfg->default_root[0]) {
		snprintf(url, sizeof(url), "/%s/", cfg->default_root);
		json_object_set_new(body, "default", json_string(url));
	}
	if (cfg->nroots) {
		roots = json_array();
		for (unsigned i = 0; i < cfg->nroots; i++) {
			snprintf(url, sizeof(url), "/%s/", cfg->roots[i].name);
			json_array_append_new(roots, json_string(url));
		}
		json_object_set_new(body, "api_roots", roots);
	}
	return cx_taxii_reply_json(req, 200, body);
}

enum MHD_Result cx_taxii_api_root(struct cx_request *req)
{
	struct cx_taxii_ctx c;
	struct cx_taxii_query q;
	enum MHD_Result r;
	json_t *body;

	if (!cx_taxii_begin(req, &c, true, &r) || !cx_taxii_query_parse(req, 0, &q, &r))
		return r;
	body = json_pack("{s:s, s:[s], s:I}", "title", c.root->title, "versions",
			 CX_TAXII_MEDIA_TYPE, "max_content_length",
			 (json_int_t)c.root->max_content_length);
	set_text(body, "description", c.root->description);
	return cx_taxii_reply_json(req, 200, body);
}

enum MHD_Result cx_taxii_status(struct cx_request *req)
{
	struct cx_taxii_ctx c;
	struct cx_taxii_query q;
	enum MHD_Result r;
	enum cx_store_status st;
	char *json = NULL;
	int64_t not_before;

	if (!cx_taxii_begin(req, &c, true, &r) || !cx_taxii_query_parse(req, 0, &q, &r))
		return r;
	not_before = cx_time_now_us() - (int64_t)c.srv->cfg.status_ttl * 1000000;
	st = c.s->status_get(c.s, req->params[1], req->who.user, c.root->name, not_before, &json);
	if (st < 0)
		return cx_taxii_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
	if (st == CX_STORE_NO_RESULT)
		return cx_taxii_error(req, CX_EC_NOT_FOUND, NULL, "no status '%s'", req->params[1]);
	return cx_taxii_reply(req, 200, json, strlen(json), NULL);
}
