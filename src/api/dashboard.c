/* The dashboard's numbers: counts over the newest version of each record
 * the caller may read, and nothing else (doc/API.md, "Dashboard"). The
 * coalition records' parts are in dashboard_sa.c, dashboard_fp.c and
 * statistics.c. */
#include <stdlib.h>
#include <string.h>

#include "api/dashboard.h"
#include "util/time.h"

#define MAX_ASSESSMENTS 500

struct tally {
	json_t *by_status;
	json_t *by_month;
	json_t *list;
	size_t total, overdue;
	int64_t now;
};

void cx_api_dash_bump(json_t *counts, const char *key)
{
	json_t *v;

	if (!key)
		key = "unknown";
	v = json_object_get(counts, key);
	json_object_set_new(counts, key, json_integer(v ? json_integer_value(v) + 1 : 1));
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int count_commitment(void *arg, const struct cx_object_row *row)
{
	struct tally *t = arg;
	json_t *o = json_loadb(row->json, row->json_len, 0, NULL);
	const char *status = str(o, "status"), *due = str(o, "due_date");
	int64_t due_us;

	t->total++;
	cx_api_dash_bump(t->by_status, status);
	if (status && strcmp(status, "done") != 0 && strcmp(status, "dropped") != 0 && due &&
	    cx_time_parse(due, &due_us, NULL) == 0 && due_us < t->now)
		t->overdue++;
	json_decref(o);
	return 0;
}

static int count_activity(void *arg, const struct cx_object_row *row)
{
	struct tally *t = arg;
	json_t *o = json_loadb(row->json, row->json_len, 0, NULL);
	const char *status = str(o, "status"), *when = str(o, "planned_start");
	char month[8];

	t->total++;
	cx_api_dash_bump(t->by_status, status);
	if (!when)
		when = str(o, "created");
	if (when && strlen(when) >= 7) {
		memcpy(month, when, 7);
		month[7] = '\0';
		cx_api_dash_bump(t->by_month, month);
	}
	json_decref(o);
	return 0;
}

static int list_assessment(void *arg, const struct cx_object_row *row)
{
	struct tally *t = arg;
	json_t *o = json_loadb(row->json, row->json_len, 0, NULL);
	json_t *ratings = json_object(), *r;
	size_t i;

	json_array_foreach (json_object_get(o, "ratings"), i, r)
		if (str(r, "factor"))
			json_object_set(ratings, str(r, "factor"), json_object_get(r, "rating"));
	json_array_append_new(t->list, json_pack("{s:s, s:O?, s:O?, s:O?, s:o}", "id", row->id,
						 "framework_ref",
						 json_object_get(o, "framework_ref"),
						 "period_end", json_object_get(o, "period_end"),
						 "status", json_object_get(o, "status"), "ratings",
						 ratings));
	json_decref(o);
	return json_array_size(t->list) >= MAX_ASSESSMENTS;
}

static int by_period_end(const void *a, const void *b)
{
	const char *x = str(*(json_t *const *)a, "period_end");
	const char *y = str(*(json_t *const *)b, "period_end");

	return strcmp(x ? x : "", y ? y : "");
}

enum cx_store_status cx_api_dash_scan(struct cx_api_ctx *c, const char *type, unsigned versions,
				      bool live, cx_object_cb cb, void *arg)
{
	const char *types[1] = {type};
	struct cx_object_filter f = {.types = types, .ntypes = 1, .versions = versions,
				     .revoked = live ? 2 : 0};

	cx_access_filter(&c->access, &f);
	return c->s->objects_scan(c->s, &f, cb, arg);
}

static enum cx_store_status scan_type(struct cx_api_ctx *c, const char *type, cx_object_cb cb,
				      struct tally *t)
{
	return cx_api_dash_scan(c, type, CX_VERSION_LAST, false, cb, t);
}

/* The assessments, oldest period_end first. Steals list. */
static json_t *sorted_assessments(json_t *list)
{
	json_t *items[MAX_ASSESSMENTS], *sorted = json_array();
	size_t n = json_array_size(list);

	for (size_t i = 0; i < n; i++)
		items[i] = json_array_get(list, i);
	qsort(items, n, sizeof(items[0]), by_period_end);
	for (size_t i = 0; i < n; i++)
		json_array_append(sorted, items[i]);
	json_decref(list);
	return sorted;
}

/* The commitments, activities and assessments parts, into root. */
static int add_records(struct cx_api_ctx *c, json_t *root, int64_t now)
{
	struct tally com = {json_object(), NULL, NULL, 0, 0, now};
	struct tally act = {json_object(), json_object(), NULL, 0, 0, 0};
	struct tally asm_ = {NULL, NULL, json_array(), 0, 0, 0};

	if (scan_type(c, "cx-commitment", count_commitment, &com) < 0 ||
	    scan_type(c, "cx-aat-activity", count_activity, &act) < 0 ||
	    scan_type(c, "cx-assessment", list_assessment, &asm_) < 0) {
		json_decref(com.by_status);
		json_decref(act.by_status);
		json_decref(act.by_month);
		json_decref(asm_.list);
		return -1;
	}
	json_object_set_new(root, "commitments",
			    json_pack("{s:o, s:I, s:I}", "by_status", com.by_status, "overdue",
				      (json_int_t)com.overdue, "total", (json_int_t)com.total));
	json_object_set_new(root, "activities",
			    json_pack("{s:o, s:o, s:I}", "by_status", act.by_status, "by_month",
				      act.by_month, "total", (json_int_t)act.total));
	json_object_set_new(root, "assessments", sorted_assessments(asm_.list));
	return 0;
}

/* Put a section into root (steals part); -1 when it failed (NULL). */
static int add_section(json_t *root, const char *key, json_t *part)
{
	if (!part)
		return -1;
	json_object_set_new(root, key, part);
	return 0;
}

enum MHD_Result cx_api_dashboard(struct cx_request *req)
{
	struct cx_api_ctx c;
	enum MHD_Result r;
	int64_t now = cx_time_now_us();
	json_t *root;

	if (!cx_api_begin(req, &c, &r))
		return r;
	root = json_object();
	if (add_records(&c, root, now) < 0 ||
	    add_section(root, "security_assistance",
			cx_api_dash_security_assistance(&c, now)) < 0 ||
	    add_section(root, "movements", cx_api_dash_movements(&c)) < 0 ||
	    add_section(root, "incidents", cx_api_dash_incidents(&c)) < 0 ||
	    add_section(root, "repatriation", cx_api_repatriation_stats(&c)) < 0) {
		json_decref(root);
		return cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL, "the store failed");
	}
	return cx_reply_json(req, 200, root);
}
