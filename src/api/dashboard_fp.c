/* The dashboard's force protection numbers: movement requests by their
 * derived state with the host nation's decision times, and incident
 * reports by month, kind and stage, each over what the reader may read. */
#include <stdlib.h>
#include <string.h>

#include "api/dashboard.h"
#include "core/records.h"
#include "util/str.h"

#define US_PER_HOUR 3600e6

/* One readable host decision (the newest version of a decision object). */
struct decision {
	char request[80];
	char owner[17];
	char value[20];
	int64_t created, modified;
	size_t seq; /* scan order: the first stored wins a tie on modified, as in ingest */
};

struct movements {
	struct cx_api_ctx *c;
	struct decision *d;
	size_t nd, cap;
	bool failed;
	json_t *by_state;
	size_t total, awaiting;
	double *hours;
	size_t nhours;
};

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int keep_decision(void *arg, const struct cx_object_row *row)
{
	struct movements *m = arg;
	json_t *o = json_loadb(row->json, row->json_len, 0, NULL);
	const char *owner = cx_api_partner_code(m->c, row->owner);
	struct decision *d;

	if (m->nd == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		struct decision *grown = realloc(m->d, cap * sizeof(*grown));

		if (!grown) {
			json_decref(o);
			m->failed = true;
			return 1;
		}
		m->d = grown;
		m->cap = cap;
	}
	if (owner && str(o, "request_ref") && str(o, "decision")) {
		d = &m->d[m->nd];
		cx_strlcpy(d->request, str(o, "request_ref"), sizeof(d->request));
		cx_strlcpy(d->owner, owner, sizeof(d->owner));
		cx_strlcpy(d->value, str(o, "decision"), sizeof(d->value));
		d->created = row->created;
		d->modified = row->modified;
		d->seq = m->nd++;
	}
	json_decref(o);
	return 0;
}

static int by_request(const void *a, const void *b)
{
	const struct decision *x = a, *y = b;
	int c = strcmp(x->request, y->request);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* The host nation's newest and first decisions on a request (NULL: none). */
static void host_decisions(const struct movements *m, const char *request, const char *host,
			   const struct decision **ret_newest, const struct decision **ret_first)
{
	size_t lo = 0, hi = m->nd;

	*ret_newest = *ret_first = NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(m->d[mid].request, request) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < m->nd && strcmp(m->d[i].request, request) == 0; i++) {
		const struct decision *d = &m->d[i];

		if (!host || strcmp(d->owner, host) != 0)
			continue;
		if (!*ret_newest || d->modified > (*ret_newest)->modified)
			*ret_newest = d;
		if (!*ret_first || d->created < (*ret_first)->created)
			*ret_first = d;
	}
}

static int count_request(void *arg, const struct cx_object_row *row)
{
	struct movements *m = arg;
	json_t *o = json_loadb(row->json, row->json_len, 0, NULL);
	const char *status = str(o, "status");
	const struct decision *newest, *first;

	host_decisions(m, row->id, str(o, "host_nation"), &newest, &first);
	m->total++;
	if (status && strcmp(status, "submitted") == 0 && newest)
		cx_api_dash_bump(m->by_state, newest->value);
	else
		cx_api_dash_bump(m->by_state, status);
	if (status && strcmp(status, "submitted") == 0 && !newest)
		m->awaiting++;
	/* A decision names one request: never more decision times than decisions. */
	if (first && row->created && m->nhours < m->nd)
		m->hours[m->nhours++] = (double)(first->created - row->created) / US_PER_HOUR;
	json_decref(o);
	return 0;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static json_t *hours_summary(double *h, size_t n)
{
	double sum = 0;

	if (!n)
		return json_pack("{s:i, s:n, s:n}", "count", 0, "median", "mean");
	qsort(h, n, sizeof(h[0]), by_value);
	for (size_t i = 0; i < n; i++)
		sum += h[i];
	return json_pack("{s:I, s:f, s:f}", "count", (json_int_t)n, "median",
			 n % 2 ? h[n / 2] : (h[n / 2 - 1] + h[n / 2]) / 2, "mean", sum / (double)n);
}

json_t *cx_api_dash_movements(struct cx_api_ctx *c)
{
	struct movements m = {.c = c};
	json_t *out = NULL;

	if (cx_api_dash_scan(c, "cx-movement-decision", CX_VERSION_LAST, true, keep_decision,
			     &m) < 0 || m.failed)
		goto out;
	if (m.nd)
		qsort(m.d, m.nd, sizeof(m.d[0]), by_request);
	m.hours = malloc((m.nd ? m.nd : 1) * sizeof(double));
	m.by_state = json_object();
	if (!m.hours || cx_api_dash_scan(c, "cx-movement-request", CX_VERSION_LAST, true,
					 count_request, &m) < 0)
		goto out;
	out = json_pack("{s:O, s:I, s:o, s:I}", "by_state", m.by_state, "awaiting_decision",
			(json_int_t)m.awaiting, "decision_hours", hours_summary(m.hours, m.nhours),
			"total", (json_int_t)m.total);
out:
	json_decref(m.by_state);
	free(m.hours);
	free(m.d);
	return out;
}

struct incidents {
	const char *ext;
	json_t *by_month, *by_kind, *by_stage;
	size_t total;
};

static int count_incident(void *arg, const struct cx_object_row *row)
{
	struct incidents *t = arg;
	json_t *o = json_loadb(row->json, row->json_len, 0, NULL);
	const json_t *ext = json_object_get(json_object_get(o, "extensions"), t->ext);
	const char *occurred = str(ext, "occurred");
	char month[8] = "unknown";

	if (ext) {
		t->total++;
		cx_api_dash_bump(t->by_kind, str(ext, "kind"));
		cx_api_dash_bump(t->by_stage, str(ext, "report_stage"));
		if (occurred && strlen(occurred) >= 7) {
			memcpy(month, occurred, 7);
			month[7] = '\0';
		}
		cx_api_dash_bump(t->by_month, month);
	}
	json_decref(o);
	return 0;
}

json_t *cx_api_dash_incidents(struct cx_api_ctx *c)
{
	const struct cx_record_type *rt = cx_record_type_named("cx-incident-report");
	struct incidents t = {rt ? rt->extension_id : "", json_object(), json_object(),
			      json_object(), 0};

	if (cx_api_dash_scan(c, "incident", CX_VERSION_LAST, true, count_incident, &t) < 0) {
		json_decref(t.by_month);
		json_decref(t.by_kind);
		json_decref(t.by_stage);
		return NULL;
	}
	return json_pack("{s:o, s:o, s:o, s:I}", "by_month", t.by_month, "by_kind", t.by_kind,
			 "by_stage", t.by_stage, "total", (json_int_t)t.total);
}
