/* Sessions of the native API: sign in with a name and password, see who
 * is signed in, sign out. */
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "access/roles.h"
#include "api/api.h"
#include "server/auth.h"
#include "util/time.h"

static json_t *whoami(const struct cx_principal *who, const char *csrf)
{
	json_t *roles = json_array();
	char cl[2] = {who->clearance, '\0'};

	for (unsigned bit = 1; bit <= CX_ROLE_CASE_OFFICER; bit <<= 1)
		if (who->roles & bit)
			json_array_append_new(roles, json_string(cx_role_name(bit)));
	return json_pack("{s:s, s:s, s:o, s:s, s:s?}", "user", who->name, "partner", who->partner,
			 "roles", roles, "clearance", cl, "csrf", csrf);
}

/* The body's name and password are kept in the request between the two
 * calls of a login (before and after the worker verified them). */
enum MHD_Result cx_api_session_create(struct cx_request *req)
{
	struct cx_server *srv = req->app;
	struct cx_store *s = cx_server_store(srv);
	enum MHD_Result r;
	json_t *body;
	const char *name, *password;
	unsigned char raw[32], hash[32];
	char cookie[64], csrf[65], header[256];
	const char *headers[3];
	enum cx_auth_state st;
	char *text;

	if (!s)
		return cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store does not answer");
	body = cx_api_body(req, &r);
	if (!body)
		return r;
	name = json_string_value(json_object_get(body, "user"));
	password = json_string_value(json_object_get(body, "password"));
	if (!name || !password) {
		json_decref(body);
		return cx_reply_error(req, CX_EC_BAD_PARAMETER, name ? "password" : "user",
				      "send {\"user\": NAME, \"password\": PASSWORD}");
	}
	st = cx_auth_login(srv->auth, req, name, password);
	json_decref(body);
	if (st == CX_AUTH_PENDING)
		return MHD_YES;
	if (st != CX_AUTH_OK)
		return cx_reply_error(req, CX_EC_UNAUTHORIZED, NULL, "wrong user name or password");
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(cookie, sizeof(cookie), raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	randombytes_buf(raw, 16);
	sodium_bin2hex(csrf, sizeof(csrf), raw, 16);
	crypto_hash_sha256(hash, (const unsigned char *)cookie, strlen(cookie));
	if (s->session_create(s, hash, req->who.user, csrf, cx_time_now_us()) < 0)
		return cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
	snprintf(header, sizeof(header), CX_API_SESSION_COOKIE
		 "=%s; Path=/api/v1/; HttpOnly; SameSite=Strict%s",
		 cookie, srv->tls_cert ? "; Secure" : "");
	sodium_memzero(cookie, sizeof(cookie));
	headers[0] = "Set-Cookie";
	headers[1] = header;
	headers[2] = NULL;
	body = whoami(&req->who, csrf);
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text)
		return MHD_NO;
	return cx_reply_owned(req, 200, "application/json", text, strlen(text), headers);
}

enum MHD_Result cx_api_session_get(struct cx_request *req)
{
	struct cx_api_ctx c;
	enum MHD_Result r;

	if (!cx_api_begin(req, &c, &r))
		return r;
	return cx_reply_json(req, 200, whoami(&req->who, c.by_session ? c.csrf : NULL));
}

enum MHD_Result cx_api_session_delete(struct cx_request *req)
{
	static const char *const clear[] = {
		"Set-Cookie",
		CX_API_SESSION_COOKIE "=; Path=/api/v1/; HttpOnly; SameSite=Strict; Max-Age=0",
		NULL,
	};
	struct cx_api_ctx c;
	enum MHD_Result r;

	if (!cx_api_begin(req, &c, &r))
		return r;
	if (c.by_session && c.s->session_delete(c.s, c.session_hash) < 0)
		return cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
	return cx_reply_owned(req, 204, "application/json", calloc(1, 1), 0, clear);
}
