/* The parts of the dashboard (doc/API.md, "Dashboard") and the statistics
 * endpoint, each built from what one reader may read. Internal to the
 * native API. */
#ifndef CX_API_DASHBOARD_H
#define CX_API_DASHBOARD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"

/* Cells counting people are shown only from this many cases on. */
#define CX_STATS_MIN_CELL 5

/* Scan the versions of one type that c's reader may read (versions: enum
 * cx_version_sel bits, 0 for all), in date_added order; live leaves out
 * revoked versions. Returns the store's status. */
enum cx_store_status cx_api_dash_scan(struct cx_api_ctx *c, const char *type, unsigned versions,
				      bool live, cx_object_cb cb, void *arg);

/* Add one to counts[key] (key NULL counts as "unknown"). counts borrowed. */
void cx_api_dash_bump(json_t *counts, const char *key);

/* Each section as a new JSON object (caller frees); NULL when the store
 * failed. now_us is the time of the request. */
json_t *cx_api_dash_security_assistance(struct cx_api_ctx *c, int64_t now_us);
json_t *cx_api_dash_movements(struct cx_api_ctx *c);
json_t *cx_api_dash_incidents(struct cx_api_ctx *c);
/* Repatriation cases by home nation and status with small cells
 * suppressed (doc/API.md, "Statistics"). */
json_t *cx_api_repatriation_stats(struct cx_api_ctx *c);

#endif
