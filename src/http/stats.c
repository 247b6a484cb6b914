#include "http/stats.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Distinct statuses one route keeps apart; a route answering more than that
 * counts the rest under status="other" (no route of the node comes close). */
#define STATUS_SLOTS 16
#define STATUS_OTHER 1u /* the status that marks the shared slot; no real status */

/* Upper bounds of the histogram buckets, in microseconds and as their le
 * label; a last, unbounded bucket takes the rest. */
static const int64_t bound_us[] = {1000,   2500,   5000,    10000,   25000,   50000,   100000,
                                   250000, 500000, 1000000, 2500000, 5000000, 10000000};
static const char *const bound_le[] = {"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
                                       "0.25",  "0.5",    "1",     "2.5",  "5",     "10"};
#define NBOUNDS (sizeof(bound_us) / sizeof(bound_us[0]))

/* The methods an unmatched request is counted under: the label must stay
 * bounded whatever a client sends. */
static const char *const unmatched_methods[] = {"GET",    "HEAD",  "POST",    "PUT",
                                                "DELETE", "PATCH", "OPTIONS", "other"};
#define NUNMATCHED (sizeof(unmatched_methods) / sizeof(unmatched_methods[0]))

struct slot {
	_Atomic unsigned status[STATUS_SLOTS]; /* 0: free; claimed once, never changed */
	_Atomic uint64_t count[STATUS_SLOTS];
	_Atomic uint64_t bucket[NBOUNDS + 1]; /* per bucket, not cumulative */
	_Atomic uint64_t sum_us;
};

struct cx_http_stats {
	const struct cx_route *routes;
	size_t nroutes;
	struct slot slots[]; /* one per route, then one per unmatched method */
};

struct cx_http_stats *cx_http_stats_new(const struct cx_route *routes, size_t nroutes)
{
	size_t n = nroutes + NUNMATCHED;
	struct cx_http_stats *s = calloc(1, sizeof(*s) + n * sizeof(s->slots[0]));

	if (!s)
		return NULL;
	s->routes = routes;
	s->nroutes = nroutes;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < STATUS_SLOTS; k++) {
			atomic_init(&s->slots[i].status[k], 0);
			atomic_init(&s->slots[i].count[k], 0);
		}
		for (size_t k = 0; k <= NBOUNDS; k++)
			atomic_init(&s->slots[i].bucket[k], 0);
		atomic_init(&s->slots[i].sum_us, 0);
	}
	return s;
}

void cx_http_stats_free(struct cx_http_stats *s)
{
	free(s);
}

static struct slot *slot_for(struct cx_http_stats *s, const struct cx_route *route,
                             const char *method)
{
	size_t m = NUNMATCHED - 1;

	if (route)
		return &s->slots[route - s->routes];
	for (size_t i = 0; i + 1 < NUNMATCHED; i++)
		if (strcmp(method, unmatched_methods[i]) == 0)
			m = i;
	return &s->slots[s->nroutes + m];
}

/* The index of status in the slot's table, claiming a free entry the first
 * time; the shared last entry when the table is full. */
static size_t status_index(struct slot *sl, unsigned status)
{
	for (size_t k = 0; k + 1 < STATUS_SLOTS; k++) {
		unsigned cur = atomic_load_explicit(&sl->status[k], memory_order_acquire);

		if (cur == 0) {
			unsigned expect = 0;

			if (atomic_compare_exchange_strong_explicit(&sl->status[k], &expect, status,
			                                            memory_order_acq_rel,
			                                            memory_order_acquire))
				return k;
			cur = expect; /* another thread claimed it first */
		}
		if (cur == status)
			return k;
	}
	atomic_store_explicit(&sl->status[STATUS_SLOTS - 1], STATUS_OTHER, memory_order_release);
	return STATUS_SLOTS - 1;
}

void cx_http_stats_record(struct cx_http_stats *s, const struct cx_route *route, const char *method,
                          unsigned status, int64_t us)
{
	struct slot *sl;
	size_t b = 0;

	if (!s || status < 100 || status > 999)
		return;
	sl = slot_for(s, route, method ? method : "");
	while (b < NBOUNDS && us > bound_us[b])
		b++;
	atomic_fetch_add_explicit(&sl->count[status_index(sl, status)], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&sl->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&sl->sum_us, us > 0 ? (uint64_t)us : 0, memory_order_relaxed);
}

/* A label value, escaped as the text format requires. */
static void label(struct cx_buf *b, const char *v)
{
	cx_buf_putc(b, '"');
	for (; *v; v++) {
		if (*v == '\n') {
			cx_buf_puts(b, "\\n");
			continue;
		}
		if (*v == '\\' || *v == '"')
			cx_buf_putc(b, '\\');
		cx_buf_putc(b, *v);
	}
	cx_buf_putc(b, '"');
}

static void slot_labels(struct cx_http_stats *s, size_t i, struct cx_buf *b)
{
	cx_buf_puts(b, "route=");
	label(b, i < s->nroutes ? s->routes[i].pattern : "unmatched");
	cx_buf_puts(b, ",method=");
	label(b, i < s->nroutes ? s->routes[i].method : unmatched_methods[i - s->nroutes]);
}

void cx_http_stats_write(struct cx_http_stats *s, struct cx_buf *b)
{
	size_t n = s->nroutes + NUNMATCHED;

	cx_buf_puts(b, "# HELP cx_http_requests_total HTTP requests answered, by route pattern, "
	               "method and status.\n"
	               "# TYPE cx_http_requests_total counter\n");
	for (size_t i = 0; i < n; i++) {
		struct slot *sl = &s->slots[i];

		for (size_t k = 0; k < STATUS_SLOTS; k++) {
			unsigned st = atomic_load_explicit(&sl->status[k], memory_order_acquire);
			uint64_t c = atomic_load_explicit(&sl->count[k], memory_order_relaxed);

			if (!st || !c)
				continue;
			cx_buf_puts(b, "cx_http_requests_total{");
			slot_labels(s, i, b);
			if (st == STATUS_OTHER)
				cx_buf_puts(b, ",status=\"other\"");
			else
				cx_buf_printf(b, ",status=\"%u\"", st);
			cx_buf_printf(b, "} %llu\n", (unsigned long long)c);
		}
	}
	cx_buf_puts(b, "# HELP cx_http_request_duration_seconds Time from a request's first byte "
	               "to its response, by route pattern and method.\n"
	               "# TYPE cx_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < n; i++) {
		struct slot *sl = &s->slots[i];
		uint64_t counts[NBOUNDS + 1], total = 0, sum;

		for (size_t k = 0; k <= NBOUNDS; k++) {
			counts[k] = atomic_load_explicit(&sl->bucket[k], memory_order_relaxed);
			total += counts[k];
		}
		if (!total)
			continue;
		sum = atomic_load_explicit(&sl->sum_us, memory_order_relaxed);
		for (size_t k = 0, cum = 0; k <= NBOUNDS; k++) {
			cum += counts[k];
			cx_buf_puts(b, "cx_http_request_duration_seconds_bucket{");
			slot_labels(s, i, b);
			cx_buf_printf(b, ",le=\"%s\"} %llu\n", k < NBOUNDS ? bound_le[k] : "+Inf",
			              (unsigned long long)cum);
		}
		cx_buf_puts(b, "cx_http_request_duration_seconds_sum{");
		slot_labels(s, i, b);
		cx_buf_printf(b, "} %llu.%06llu\n", (unsigned long long)(sum / 1000000),
		              (unsigned long long)(sum % 1000000));
		cx_buf_puts(b, "cx_http_request_duration_seconds_count{");
		slot_labels(s, i, b);
		cx_buf_printf(b, "} %llu\n", (unsigned long long)total);
	}
}
