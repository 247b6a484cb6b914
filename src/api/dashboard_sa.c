/* The dashboard's security assistance numbers: cases by status and
 * programme, their values, offers about to expire, and the value delivered
 * month by month, each over what the reader may read. */
#include <stdlib.h>
#include <string.h>

#include "api/dashboard.h"
#include "core/workflow.h"

struct sa_tally {
	json_t *by_status, *by_programme;
	size_t total, near_expiry;
	double value_total, value_delivered;
	int64_t now;
};

/* One readable version of a case, for the deliveries by month. */
struct sa_version {
	char *id;
	int64_t modified;
	char month[8];
	double delivered;
	bool revoked;
};

struct sa_versions {
	struct sa_version *v;
	size_t n, cap;
	bool failed;
};

/* A case's value as the detail view shows it: Σ quantity × unit_cost over
 * its lines. */
static double case_value(const json_t *obj)
{
	double sum = 0;
	size_t i;
	json_t *line;

	json_array_foreach (json_object_get(obj, "lines"), i, line)
		sum += (double)json_integer_value(json_object_get(line, "quantity")) *
		       json_number_value(json_object_get(line, "unit_cost"));
	return sum;
}

static int count_case(void *arg, const struct cx_object_row *row)
{
	struct sa_tally *t = arg;
	json_t *o = json_loadb(row->json, row->json_len, 0, NULL);

	t->total++;
	cx_api_dash_bump(t->by_status, json_string_value(json_object_get(o, "status")));
	cx_api_dash_bump(t->by_programme, json_string_value(json_object_get(o, "programme")));
	t->value_total += case_value(o);
	t->value_delivered += cx_workflow_value_delivered(o);
	if (cx_workflow_offer_expiring(o, t->now))
		t->near_expiry++;
	json_decref(o);
	return 0;
}

static int keep_version(void *arg, const struct cx_object_row *row)
{
	struct sa_versions *vs = arg;
	struct sa_version *v;
	json_t *o;

	if (vs->n == vs->cap) {
		size_t cap = vs->cap ? vs->cap * 2 : 64;
		struct sa_version *grown = realloc(vs->v, cap * sizeof(*grown));

		if (!grown) {
			vs->failed = true;
			return 1;
		}
		vs->v = grown;
		vs->cap = cap;
	}
	v = &vs->v[vs->n];
	memset(v, 0, sizeof(*v));
	v->id = strdup(row->id);
	if (!v->id) {
		vs->failed = true;
		return 1;
	}
	vs->n++;
	v->modified = row->modified;
	v->revoked = row->revoked;
	if (row->version && strlen(row->version) >= 7)
		memcpy(v->month, row->version, 7);
	o = json_loadb(row->json, row->json_len, 0, NULL);
	v->delivered = cx_workflow_value_delivered(o);
	json_decref(o);
	return 0;
}

static int by_id_then_modified(const void *a, const void *b)
{
	const struct sa_version *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	return x->modified < y->modified ? -1 : x->modified > y->modified;
}

static void add_month(json_t *months, const char *month, double value)
{
	json_t *v = json_object_get(months, month);

	json_object_set_new(months, month, json_real(value + (v ? json_number_value(v) : 0)));
}

/* The versions [from, to) of one case, oldest first: each increase of the
 * value delivered counts in the month of the version that shows it. A
 * revoked case (its newest version revoked) delivered nothing that counts. */
static void case_deliveries(json_t *months, const struct sa_version *v, size_t n)
{
	if (v[n - 1].revoked)
		return;
	for (size_t i = 1; i < n; i++)
		if (v[i].delivered > v[i - 1].delivered && v[i].month[0])
			add_month(months, v[i].month, v[i].delivered - v[i - 1].delivered);
}

static json_t *deliveries_by_month(struct cx_api_ctx *c)
{
	struct sa_versions vs = {0};
	json_t *months = NULL;

	if (cx_api_dash_scan(c, "cx-security-assistance-case", 0, false, keep_version, &vs) < 0 ||
	    vs.failed)
		goto out;
	months = json_object();
	if (vs.n)
		qsort(vs.v, vs.n, sizeof(vs.v[0]), by_id_then_modified);
	for (size_t i = 0, j; i < vs.n; i = j) {
		for (j = i + 1; j < vs.n && strcmp(vs.v[j].id, vs.v[i].id) == 0; j++)
			;
		case_deliveries(months, &vs.v[i], j - i);
	}
out:
	for (size_t i = 0; i < vs.n; i++)
		free(vs.v[i].id);
	free(vs.v);
	return months;
}

json_t *cx_api_dash_security_assistance(struct cx_api_ctx *c, int64_t now_us)
{
	struct sa_tally t = {json_object(), json_object(), 0, 0, 0, 0, now_us};
	json_t *months = NULL;

	if (cx_api_dash_scan(c, "cx-security-assistance-case", CX_VERSION_LAST, true, count_case,
			     &t) < 0 ||
	    !(months = deliveries_by_month(c))) {
		json_decref(t.by_status);
		json_decref(t.by_programme);
		return NULL;
	}
	return json_pack("{s:o, s:o, s:I, s:f, s:f, s:I, s:o}", "by_status", t.by_status,
			 "by_programme", t.by_programme, "total", (json_int_t)t.total,
			 "value_total", t.value_total, "value_delivered", t.value_delivered,
			 "offers_near_expiry", (json_int_t)t.near_expiry, "deliveries_by_month",
			 months);
}
