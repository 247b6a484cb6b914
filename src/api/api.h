/* The native JSON API (/api/v1/, doc/API.md): authentication by session
 * cookie (with CSRF) or token, and objects through the same egress gate
 * and write rules as TAXII. */
#ifndef CX_API_API_H
#define CX_API_API_H

#include <stdbool.h>
#include <stdint.h>

#include "access/policy.h"
#include "http/http.h"
#include "server/server.h"

#define CX_API_SESSION_COOKIE "cx_session"
#define CX_API_SESSION_MAX_US (12ll * 3600 * 1000000)
#define CX_API_SESSION_IDLE_US (30ll * 60 * 1000000)

/* The node's partners, to turn rowids and bitmasks into codes. */
struct cx_api_partners {
	int64_t rowid[64];
	char code[64][17];
	size_t n;
};

struct cx_api_ctx {
	struct cx_server *srv;
	struct cx_store *s;
	struct cx_access access;
	bool by_session;               /* authenticated by cookie: CSRF applies */
	unsigned char session_hash[32];
	char csrf[65];
	struct cx_api_partners partners;
};

/* Authenticate (session cookie, else Authorization), check CSRF on
 * state-changing methods, open the store. Returns true to go on; false when
 * it replied or suspended, with *ret the handler's result. */
bool cx_api_begin(struct cx_request *req, struct cx_api_ctx *c, enum MHD_Result *ret);

/* Load the partner table into c->partners. */
int cx_api_load_partners(struct cx_api_ctx *c);
const char *cx_api_partner_code(const struct cx_api_ctx *c, int64_t rowid);
/* The rowid of the partner with this code; 0 for none. */
int64_t cx_api_partner_rowid(const struct cx_api_ctx *c, const char *code);

/* A summary of a row as JSON (doc/API.md, SUMMARY). */
json_t *cx_api_summary(const struct cx_api_ctx *c, const struct cx_object_row *row);
/* The same summary appended to b as JSON text (a list writes its page this
 * way, without building values to serialise); returns b's error state. */
int cx_api_summary_write(const struct cx_api_ctx *c, const struct cx_object_row *row,
                         struct cx_buf *b);
/* The banner of a row's labels. */
char *cx_api_banner(const struct cx_api_ctx *c, const struct cx_object_row *row, char *out,
		    size_t n);

/* The detail view of an object for the caller; NULL with *ret_missing when
 * it is not readable (or on a store failure, *ret_missing false). */
json_t *cx_api_detail(struct cx_api_ctx *c, const char *id, bool *ret_missing);

/* The detail view's derived `workflow` of a record for the caller (refs:
 * the summaries of readable objects referencing it); NULL when its type
 * has none. */
json_t *cx_api_workflow(struct cx_api_ctx *c, const json_t *object, const json_t *refs);

/* The answer to a write the store could not make (st < 0): 507 with code
 * 9002 when its disk is full, else 503 with 9001; nothing was stored. */
enum MHD_Result cx_api_store_failed(struct cx_request *req, enum cx_store_status st);

/* Parse the request body as a JSON object; on failure replies (415 for a
 * body not sent as application/json, 400 for one that is not a JSON
 * object) and returns NULL with *ret set. */
json_t *cx_api_body(struct cx_request *req, enum MHD_Result *ret);
/* Is ct (a Content-Type header, may be NULL) application/json, with any
 * parameters such as charset? */
bool cx_api_json_media_type(const char *ct);
/* Is s valid UTF-8 (so that an error detail may quote it)? */
bool cx_api_text_ok(const char *s);

/* Handlers. */
enum MHD_Result cx_api_session_create(struct cx_request *req);
enum MHD_Result cx_api_session_get(struct cx_request *req);
enum MHD_Result cx_api_session_delete(struct cx_request *req);
enum MHD_Result cx_api_objects_list(struct cx_request *req);
enum MHD_Result cx_api_object_get(struct cx_request *req);
enum MHD_Result cx_api_object_create(struct cx_request *req);
enum MHD_Result cx_api_object_version(struct cx_request *req);
enum MHD_Result cx_api_object_revoke(struct cx_request *req);
enum MHD_Result cx_api_dashboard(struct cx_request *req);
enum MHD_Result cx_api_statistics_repatriation(struct cx_request *req);
/* The PII vault (vault.c; doc/API.md, "PII vault"). */
enum MHD_Result cx_api_vault_list(struct cx_request *req);
enum MHD_Result cx_api_vault_create(struct cx_request *req);
enum MHD_Result cx_api_vault_read(struct cx_request *req);
enum MHD_Result cx_api_vault_update(struct cx_request *req);
enum MHD_Result cx_api_vault_delete(struct cx_request *req);
/* Partners and markings (markings.c; doc/API.md, "Partners and markings"). */
enum MHD_Result cx_api_partners_list(struct cx_request *req);
enum MHD_Result cx_api_markings_preview(struct cx_request *req);
enum MHD_Result cx_api_markings_create(struct cx_request *req);
/* Administration (admin*.c; doc/API.md, "Administration"). */
enum MHD_Result cx_api_admin_users_list(struct cx_request *req);
enum MHD_Result cx_api_admin_user_create(struct cx_request *req);
enum MHD_Result cx_api_admin_user_update(struct cx_request *req);
enum MHD_Result cx_api_admin_partners_list(struct cx_request *req);
enum MHD_Result cx_api_admin_partner_create(struct cx_request *req);
enum MHD_Result cx_api_admin_tokens_list(struct cx_request *req);
enum MHD_Result cx_api_admin_token_create(struct cx_request *req);
enum MHD_Result cx_api_admin_token_disable(struct cx_request *req);
enum MHD_Result cx_api_admin_collections_list(struct cx_request *req);
enum MHD_Result cx_api_admin_collection_create(struct cx_request *req);
enum MHD_Result cx_api_admin_collection_grant(struct cx_request *req);
enum MHD_Result cx_api_admin_audit_list(struct cx_request *req);
enum MHD_Result cx_api_admin_audit_verify(struct cx_request *req);
/* The peers' sync state (admin_peers.c; doc/FEDERATION.md): GET
 * /api/v1/peers as JSON. */
enum MHD_Result cx_api_peers_list(struct cx_request *req);
/* GET /metrics in Prometheus text format, for admins (metrics.c;
 * doc/OPERATIONS.md). */
enum MHD_Result cx_api_metrics(struct cx_request *req);

#endif
