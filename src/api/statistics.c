/* Statistics that concern people: repatriation cases by home nation and
 * status, counted over what the reader may read, with small cells
 * suppressed so that no count below CX_STATS_MIN_CELL can be shown or
 * recovered from a shown total (doc/API.md, "Statistics"). */
#include <string.h>

#include "api/dashboard.h"

static int count_case(void *arg, const struct cx_object_row *row)
{
	json_t *nations = arg;
	json_t *o = json_loadb(row->json, row->json_len, 0, NULL);
	const char *nation = json_string_value(json_object_get(o, "home_nation"));
	json_t *row_counts;

	if (!nation)
		nation = "unknown";
	row_counts = json_object_get(nations, nation);
	if (!row_counts) {
		row_counts = json_object();
		json_object_set_new(nations, nation, row_counts);
	}
	cx_api_dash_bump(row_counts, json_string_value(json_object_get(o, "status")));
	json_decref(o);
	return 0;
}

static json_t *cell(json_int_t n, bool suppressed)
{
	return suppressed ? json_pack("{s:n, s:b}", "value", "suppressed", 1)
			  : json_pack("{s:I, s:b}", "value", n, "suppressed", 0);
}

static bool small(json_int_t n)
{
	return n > 0 && n < CX_STATS_MIN_CELL;
}

/* The shown cell with the fewest cases (alphabetically first among equals). */
static const char *smallest_shown(const json_t *counts)
{
	const char *best = NULL, *status;
	json_int_t best_n = 0;
	json_t *v;

	json_object_foreach ((json_t *)counts, status, v) {
		json_int_t n = json_integer_value(v);

		if (small(n) || n == 0)
			continue;
		if (!best || n < best_n || (n == best_n && strcmp(status, best) < 0)) {
			best = status;
			best_n = n;
		}
	}
	return best;
}

/* One nation's row: {"total": CELL, "by_status": {STATUS: CELL, ...}}. */
static json_t *nation_row(const json_t *counts)
{
	json_int_t total = 0;
	size_t nsmall = 0;
	const char *status, *also = NULL;
	json_t *v, *by_status = json_object();

	json_object_foreach ((json_t *)counts, status, v) {
		total += json_integer_value(v);
		nsmall += small(json_integer_value(v));
	}
	/* One suppressed cell beside a shown total would be the total less
	 * the shown cells: hide a second one. */
	if (nsmall == 1 && !small(total))
		also = smallest_shown(counts);
	json_object_foreach ((json_t *)counts, status, v) {
		json_int_t n = json_integer_value(v);
		bool hide = small(n) || (also && strcmp(status, also) == 0);

		if (n > 0)
			json_object_set_new(by_status, status, cell(n, hide));
	}
	return json_pack("{s:o, s:o}", "total", cell(total, small(total)), "by_status",
			 by_status);
}

json_t *cx_api_repatriation_stats(struct cx_api_ctx *c)
{
	json_t *nations = json_object(), *by_nation, *counts;
	const char *nation;

	if (cx_api_dash_scan(c, "cx-repatriation-case", CX_VERSION_LAST, true, count_case,
			     nations) < 0) {
		json_decref(nations);
		return NULL;
	}
	by_nation = json_object();
	json_object_foreach (nations, nation, counts)
		json_object_set_new(by_nation, nation, nation_row(counts));
	json_decref(nations);
	return json_pack("{s:i, s:o}", "threshold", CX_STATS_MIN_CELL, "by_nation", by_nation);
}

enum MHD_Result cx_api_statistics_repatriation(struct cx_request *req)
{
	struct cx_api_ctx c;
	enum MHD_Result r;
	json_t *stats;

	if (!cx_api_begin(req, &c, &r))
		return r;
	stats = cx_api_repatriation_stats(&c);
	if (!stats)
		return cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
	return cx_reply_json(req, 200, stats);
}
