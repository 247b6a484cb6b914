/* TAXII 2.1 handlers and what they share: content negotiation, TAXII error
 * messages, API root and collection resolution with permissions, and the
 * query parameters of section 3.4 of the standard. */
#ifndef CX_TAXII_TAXII_H
#define CX_TAXII_TAXII_H

#include <stdbool.h>
#include <stdint.h>

#include "access/policy.h"
#include "http/http.h"
#include "server/server.h"

#define CX_TAXII_MEDIA_TYPE "application/taxii+json;version=2.1"
#define CX_STIX_MEDIA_TYPE "application/stix+json;version=2.1"
#define CX_TAXII_MAX_VALUES 64 /* values in one match[] list */

/* Everything a TAXII handler knows after the common checks. */
struct cx_taxii_ctx {
	struct cx_server *srv;
	struct cx_store *s;
	const struct cx_api_root *root;
	struct cx_collection coll; /* when the path names one */
	bool can_read, can_write;
	struct cx_access access; /* the reading rule for the caller */
};

/* A TAXII error message reply. parameter (may be NULL) goes to details. */
enum MHD_Result cx_taxii_error(struct cx_request *req, enum cx_ec code, const char *parameter,
			       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The HTTP layer's own errors (405, 413) on TAXII paths, as TAXII errors. */
enum MHD_Result cx_taxii_layer_error(struct cx_request *req, enum cx_ec code,
				     const char *detail);
/* Reply 200 (or status) with a TAXII body (steals body). headers as in
 * cx_reply_owned. */
enum MHD_Result cx_taxii_reply(struct cx_request *req, unsigned status, char *body, size_t len,
			       const char *const *headers);
enum MHD_Result cx_taxii_reply_json(struct cx_request *req, unsigned status, json_t *body);

/* The common start of every TAXII handler: authentication, Accept, store,
 * and (when with_root) the API root named by params[0]. Returns true to go
 * on; false when it has replied or suspended, with *ret the handler's
 * result. */
bool cx_taxii_begin(struct cx_request *req, struct cx_taxii_ctx *c, bool with_root,
		    enum MHD_Result *ret);
/* Resolve the collection named by params[1] in c->root and the caller's
 * permissions; a collection the caller can neither read nor write is
 * answered 404. need_read / need_write answer 403 when missing. */
bool cx_taxii_collection(struct cx_request *req, struct cx_taxii_ctx *c, bool need_read,
			 bool need_write, enum MHD_Result *ret);

/* Query parameters (section 3.4). */
enum cx_taxii_param {
	CX_P_ADDED_AFTER = 1,
	CX_P_LIMIT = 2,
	CX_P_NEXT = 4,
	CX_P_ID = 8,
	CX_P_TYPE = 16,
	CX_P_VERSION = 32,
	CX_P_SPEC_VERSION = 64,
};

struct cx_taxii_query {
	unsigned seen;
	int64_t added_after;
	size_t limit; /* 0: not given */
	char next[128];
	const char *ids[CX_TAXII_MAX_VALUES];
	size_t nids;
	const char *types[CX_TAXII_MAX_VALUES];
	size_t ntypes;
	unsigned versions; /* enum cx_version_sel bits; 0 with all_versions */
	bool all_versions;
	int64_t modified[CX_TAXII_MAX_VALUES];
	size_t nmodified;
	bool spec21; /* false: match[spec_version] excludes 2.1, nothing matches */
	/* Copies of the values, split at commas. */
	char storage[CX_HTTP_MAX_URL + 64];
	size_t used;
	/* The first problem found. */
	const char *bad_param;
	char bad_reason[200];
};

/* Parse the request's query string, allowing only the parameters in
 * `allowed` (enum cx_taxii_param bits). Returns true, or false after
 * replying 400. */
bool cx_taxii_query_parse(struct cx_request *req, unsigned allowed, struct cx_taxii_query *q,
			  enum MHD_Result *ret);
/* The same parse without a request: cx_taxii_query_start() resets q, then
 * each argument goes through cx_taxii_query_arg() (key and value decoded;
 * value NULL when the argument has no "="). That returns false once a
 * problem is recorded in q->bad_param and q->bad_reason, and for every
 * argument after it. */
void cx_taxii_query_start(struct cx_taxii_query *q);
bool cx_taxii_query_arg(struct cx_taxii_query *q, unsigned allowed, const char *key,
			const char *value);

/* `next` tokens: opaque, signed by the node, bound to the user, endpoint,
 * collection, object and filters. */
void cx_taxii_next_make(const struct cx_taxii_ctx *c, const struct cx_request *req,
			const char *endpoint, const struct cx_taxii_query *q, int64_t last_added,
			char out[64]);
/* Returns true and the position in *ret_added when q->next is valid here. */
bool cx_taxii_next_check(const struct cx_taxii_ctx *c, const struct cx_request *req,
			 const char *endpoint, const struct cx_taxii_query *q,
			 int64_t *ret_added);

/* TAXII timestamp (microseconds). out: CX_TIME_STRLEN. */
char *cx_taxii_time(int64_t us, char *out);

/* Handlers (routes.c). */
enum MHD_Result cx_taxii_discovery(struct cx_request *req);
enum MHD_Result cx_taxii_api_root(struct cx_request *req);
enum MHD_Result cx_taxii_status(struct cx_request *req);
enum MHD_Result cx_taxii_collections(struct cx_request *req);
enum MHD_Result cx_taxii_collection_get(struct cx_request *req);
enum MHD_Result cx_taxii_manifest(struct cx_request *req);
enum MHD_Result cx_taxii_objects_get(struct cx_request *req);
enum MHD_Result cx_taxii_objects_add(struct cx_request *req);
enum MHD_Result cx_taxii_object_get(struct cx_request *req);
enum MHD_Result cx_taxii_object_delete(struct cx_request *req);
enum MHD_Result cx_taxii_versions(struct cx_request *req);
/* The largest POST body of the API root named in the path (0: no such root). */
size_t cx_taxii_body_limit(struct cx_request *req);

#endif
