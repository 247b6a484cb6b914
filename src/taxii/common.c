#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/auth.h"
#include "taxii/taxii.h"
#include "util/time.h"

enum MHD_Result cx_taxii_reply(struct cx_request *req, unsigned status, char *body, size_t len,
                               const char *const *headers)
{
	return cx_reply_owned(req, status, CX_TAXII_MEDIA_TYPE, body, len, headers);
}

enum MHD_Result cx_taxii_reply_json(struct cx_request *req, unsigned status, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

	json_decref(body);
	if (!text)
		return MHD_NO;
	return cx_taxii_reply(req, status, text, strlen(text), NULL);
}

enum MHD_Result cx_taxii_error(struct cx_request *req, enum cx_ec code, const char *parameter,
                               const char *fmt, ...)
{
	const struct cx_ec_info *info = cx_ec_info(code);
	static const char *const challenge[] = {"WWW-Authenticate", CX_AUTH_CHALLENGE, NULL};
	char description[512], ecode[16], status[8];
	json_t *body;
	char *text;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(description, sizeof(description), fmt, ap);
	va_end(ap);
	snprintf(ecode, sizeof(ecode), "%d", (int)info->code);
	snprintf(status, sizeof(status), "%u", info->http_status);
	body =
	    json_pack("{s:s, s:s, s:s, s:s, s:s}", "title", info->title, "description", description,
	              "error_id", req->id, "error_code", ecode, "http_status", status);
	if (!body) {
		/* The description quoted invalid UTF-8 from the request: keep it,
		 * with every byte outside ASCII shown as '?'. */
		for (char *p = description; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
		body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "title", info->title, "description",
		                 description, "error_id", req->id, "error_code", ecode,
		                 "http_status", status);
	}
	if (body && parameter)
		json_object_set_new(body, "details", json_pack("{s:s}", "parameter", parameter));
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text)
		return MHD_NO;
	return cx_reply_owned(req, info->http_status, CX_TAXII_MEDIA_TYPE, text, strlen(text),
	                      code == CX_EC_UNAUTHORIZED ? challenge : NULL);
}

enum MHD_Result cx_taxii_layer_error(struct cx_request *req, enum cx_ec code, const char *detail)
{
	return cx_taxii_error(req, code, NULL, "%s", detail);
}

/* Does one media range of an Accept header admit TAXII 2.1 JSON? */
static bool range_accepts_taxii(const char *range, size_t n)
{
	char buf[256], *params, *type;
	bool ok = false, version_ok = true;
	size_t len;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, range, n);
	buf[n] = '\0';
	params = strchr(buf, ';');
	if (params)
		*params++ = '\0';
	type = buf;
	while (isspace((unsigned char)*type))
		type++;
	len = strlen(type);
	while (len && isspace((unsigned char)type[len - 1]))
		type[--len] = '\0';
	if (strcasecmp(type, "*/*") == 0 || strcasecmp(type, "application/*") == 0)
		ok = true;
	else if (strcasecmp(type, "application/taxii+json") == 0)
		ok = true;
	while (ok && params && *params) {
		char *next = strchr(params, ';');
		char *eq;

		if (next)
			*next++ = '\0';
		while (isspace((unsigned char)*params))
			params++;
		eq = strchr(params, '=');
		if (eq) {
			char *v = eq + 1;

			*eq = '\0';
			while (isspace((unsigned char)*v))
				v++;
			len = strlen(v);
			while (len && isspace((unsigned char)v[len - 1]))
				v[--len] = '\0';
			if (strcasecmp(params, "version") == 0 && strcmp(v, "2.1") != 0)
				version_ok = false;
			if (strcasecmp(params, "q") == 0 && strtod(v, NULL) <= 0.0)
				ok = false;
		}
		params = next;
	}
	return ok && version_ok;
}

static bool accepts_taxii(const char *accept)
{
	while (accept && *accept) {
		size_t n = strcspn(accept, ",");

		if (range_accepts_taxii(accept, n))
			return true;
		accept += n;
		if (*accept == ',')
			accept++;
	}
	return false;
}

bool cx_taxii_begin(struct cx_request *req, struct cx_taxii_ctx *c, bool with_root,
                    enum MHD_Result *ret)
{
	memset(c, 0, sizeof(*c));
	c->srv = req->app;
	switch (cx_auth_request(c->srv->auth, req)) {
	case CX_AUTH_PENDING:
		*ret = MHD_YES;
		return false;
	case CX_AUTH_OK:
		break;
	default:
		*ret = cx_taxii_error(req, CX_EC_UNAUTHORIZED, NULL,
		                      "send a user name and password (HTTP Basic) or a Bearer "
		                      "token");
		return false;
	}
	if (!accepts_taxii(cx_request_header(req, MHD_HTTP_HEADER_ACCEPT))) {
		*ret = cx_taxii_error(req, CX_EC_NOT_ACCEPTABLE, NULL,
		                      "the Accept header must include " CX_TAXII_MEDIA_TYPE);
		return false;
	}
	cx_access_for(&req->who, c->srv->home_partner, &c->access);
	c->s = cx_server_store(c->srv);
	if (!c->s) {
		*ret =
		    cx_taxii_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store does not answer");
		return false;
	}
	if (with_root) {
		c->root = cx_config_root(&c->srv->cfg, req->params[0]);
		if (!c->root) {
			*ret = cx_taxii_error(req, CX_EC_NOT_FOUND, NULL, "no API root '%s'",
			                      req->params[0]);
			return false;
		}
	}
	return true;
}

bool cx_taxii_collection(struct cx_request *req, struct cx_taxii_ctx *c, bool need_read,
                         bool need_write, enum MHD_Result *ret)
{
	enum cx_store_status st =
	    c->s->collection_get(c->s, c->root->name, req->params[1], &c->coll);

	if (st == CX_STORE_OK)
		st = c->s->collection_access(c->s, c->coll.rowid, req->who.partner, req->who.roles,
		                             &c->can_read, &c->can_write);
	if (st < 0) {
		*ret = cx_taxii_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
		return false;
	}
	if (st == CX_STORE_NO_RESULT || (!c->can_read && !c->can_write)) {
		*ret = cx_taxii_error(req, CX_EC_NOT_FOUND, NULL, "no collection '%s' in %s",
		                      req->params[1], c->root->name);
		return false;
	}
	if ((need_read && !c->can_read) || (need_write && !c->can_write)) {
		*ret = cx_taxii_error(req, CX_EC_FORBIDDEN, NULL, "you may not %s this collection",
		                      need_write && !c->can_write ? "write to" : "read");
		return false;
	}
	return true;
}

char *cx_taxii_time(int64_t us, char *out)
{
	return cx_time_format(us, 6, out);
}
