/* The HTTP layer's request metrics: a counter per route, method and status
 * and a latency histogram per route and method. Every MHD thread records
 * into them with relaxed atomic additions, so the hot path takes no lock;
 * a scrape reads them while requests go on. Internal to src/http. */
#ifndef CX_HTTP_STATS_H
#define CX_HTTP_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "util/buf.h"

struct cx_http_stats;

/* Counters for the routes table (borrowed; it outlives the stats) and the
 * requests no route serves. NULL when out of memory. */
struct cx_http_stats *cx_http_stats_new(const struct cx_route *routes, size_t nroutes);
void cx_http_stats_free(struct cx_http_stats *s);

/* Count one answered request: route is the entry of the routes table that
 * served it, or NULL (then the label is route="unmatched" and the method
 * one of a fixed few, "other" for the rest); us is its duration. */
void cx_http_stats_record(struct cx_http_stats *s, const struct cx_route *route, const char *method,
                          unsigned status, int64_t us);

/* Append cx_http_requests_total and cx_http_request_duration_seconds in
 * Prometheus text format 0.0.4 (only the series that have counted). */
void cx_http_stats_write(struct cx_http_stats *s, struct cx_buf *b);

#endif
