/* What the administration handlers (admin*.c) and the markings handlers
 * (markings.c) share: the admin gate, checked body members that answer 400
 * naming the field, and audit entries by the caller. Each helper that can
 * fail queues its own error reply and returns false with *ret set. */
#ifndef CX_API_ADMIN_INTERNAL_H
#define CX_API_ADMIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "api/api.h"
#include "util/buf.h"

/* cx_api_begin, then the admin role (else 403, field "role"). */
bool cx_admin_begin(struct cx_request *req, struct cx_api_ctx *c, enum MHD_Result *ret);

/* The body as a JSON object (caller frees) holding no member outside
 * allowed (NULL-terminated); else 400 naming the first stranger. */
json_t *cx_admin_body(struct cx_request *req, const char *const *allowed, enum MHD_Result *ret);

/* body[field] as a string of 1 to max bytes without control characters
 * (borrowed); *ret_value NULL when absent and not required. */
bool cx_admin_string(struct cx_request *req, const json_t *body, const char *field, bool required,
		     size_t max, const char **ret_value, enum MHD_Result *ret);

/* body[field] as a boolean; *ret_value untouched when absent and not
 * required. */
bool cx_admin_bool(struct cx_request *req, const json_t *body, const char *field, bool required,
		   bool *ret_value, enum MHD_Result *ret);

/* Append an audit entry by the caller (its name, partner and request id)
 * inside the current write transaction. detail is borrowed. */
enum cx_store_status cx_admin_audit(struct cx_store *s, const struct cx_request *req,
				    const char *action, const json_t *detail);

/* A time (µs) as an RFC 3339 string with microseconds; null for 0. */
json_t *cx_admin_time(int64_t us);

/* Append the peers' sync state in Prometheus text format (admin_peers.c,
 * for GET /metrics in metrics.c). Returns 0, or -1 when the store failed. */
int cx_admin_peers_metrics(struct cx_store *s, struct cx_buf *b);

/* The store failed: 500 (9001). */
enum MHD_Result cx_admin_store_failed(struct cx_request *req);

#endif
