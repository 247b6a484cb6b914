/* The sync loop of `cx serve` (sync.h). */
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync/sync.h"
#include "util/str.h"

/* When each peer is due again, by name. */
struct peer_due {
	char name[65];
	int64_t due;   /* monotonic ms */
	unsigned wait; /* seconds waited after the last round */
	bool failing;
	bool seen;
};

struct cx_sync_loop {
	struct cx_sync_loop_config cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_bool stop;
	struct peer_due due[CX_SYNC_MAX_PEERS];
	size_t ndue;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(struct cx_sync_loop *l, bool failure, const char *peer, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void say(struct cx_sync_loop *l, bool failure, const char *peer, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!l->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	l->cfg.log(l->cfg.log_arg, failure, peer, msg);
}

/* The collections' errors of a failed round, for the log. */
struct first_error {
	char text[600];
};

static void on_collection(void *arg, const struct cx_peer *p,
                          const struct cx_sync_collection_result *r)
{
	struct first_error *fe = arg;

	(void)p;
	if (r->error && !fe->text[0])
		snprintf(fe->text, sizeof(fe->text), "%s: %s", r->collection, r->error);
}

static struct peer_due *due_of(struct cx_sync_loop *l, const char *name)
{
	for (size_t i = 0; i < l->ndue; i++)
		if (strcmp(l->due[i].name, name) == 0)
			return &l->due[i];
	if (l->ndue == CX_SYNC_MAX_PEERS)
		return NULL;
	memset(&l->due[l->ndue], 0, sizeof(l->due[0]));
	cx_strlcpy(l->due[l->ndue].name, name, sizeof(l->due[0].name));
	return &l->due[l->ndue++];
}

/* One pass: every peer that is due. Returns when the next one is due. */
static int64_t pass(struct cx_sync_loop *l, struct cx_sync *y, struct first_error *fe,
                    struct cx_store *s)
{
	struct cx_peer *peers = NULL;
	size_t n = 0;
	int64_t next = now_ms() + (int64_t)l->cfg.interval * 1000;
	enum cx_store_status st = cx_sync_peers_load(s, &peers, &n);

	if (st < 0) {
		say(l, true, NULL, "store: %s", s->error(s));
		return now_ms() + (int64_t)l->cfg.interval * 1000;
	}
	for (size_t i = 0; i < l->ndue; i++)
		l->due[i].seen = false;
	for (size_t i = 0; i < n && !atomic_load(&l->stop); i++) {
		struct peer_due *d = due_of(l, peers[i].name);
		struct cx_sync_counts t = {0, 0, 0, 0};
		size_t failures = 0;
		char err[600] = "";
		unsigned wait;

		if (!d)
			continue;
		d->seen = true;
		if (d->due > now_ms()) {
			next = d->due < next ? d->due : next;
			continue;
		}
		fe->text[0] = '\0';
		if (cx_sync_peer(y, s, &peers[i], &t, &failures, err, sizeof(err)) < 0) {
			say(l, true, peers[i].name, "%s", err);
			failures++;
		}
		if (atomic_load(&l->stop))
			break;
		if (failures) {
			/* interval, 2 x interval, 4 x … up to backoff_max */
			wait = !d->failing                         ? l->cfg.interval
			       : d->wait >= l->cfg.backoff_max / 2 ? l->cfg.backoff_max
			                                           : d->wait * 2;
			if (wait > l->cfg.backoff_max)
				wait = l->cfg.backoff_max;
			if (fe->text[0])
				say(l, true, peers[i].name, "round failed, next in %us: %s", wait,
				    fe->text);
			d->failing = true;
		} else {
			if (d->failing)
				say(l, false, peers[i].name, "round succeeded again");
			wait = l->cfg.interval;
			d->failing = false;
		}
		d->wait = wait;
		d->due = now_ms() + (int64_t)wait * 1000;
		next = d->due < next ? d->due : next;
	}
	/* Forget removed peers. */
	for (size_t i = 0; i < l->ndue;) {
		if (l->due[i].seen || atomic_load(&l->stop)) {
			i++;
			continue;
		}
		l->due[i] = l->due[--l->ndue];
	}
	cx_sync_peers_free(peers, n);
	return next;
}

static void *run(void *arg)
{
	struct cx_sync_loop *l = arg;
	struct first_error fe = {""};
	struct cx_sync_opts o = {0};
	struct cx_sync *y = NULL;
	struct cx_store *s;
	char err[512];

	s = cx_store_sqlite_open(l->cfg.db_path, CX_STORE_OPEN, err, sizeof(err));
	if (!s) {
		say(l, true, NULL, "cannot open the store: %s", err);
		return NULL;
	}
	s->busy_retries = l->cfg.busy_retries;
	o.rules = l->cfg.rules;
	o.own_partner = l->cfg.own_partner;
	o.own_pk = l->cfg.have_own_key ? l->cfg.own_pk : NULL;
	o.own_key_id = l->cfg.own_key_id;
	o.stop = &l->stop;
	o.on_collection = on_collection;
	o.arg = &fe;
	y = cx_sync_new(&o);
	if (!y) {
		say(l, true, NULL, "libcurl failed to initialise");
		s->close(s);
		return NULL;
	}
	while (!atomic_load(&l->stop)) {
		int64_t next = pass(l, y, &fe, s);
		struct timespec until;
		int64_t wait_ms = next - now_ms();

		if (wait_ms < 10)
			wait_ms = 10;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += wait_ms / 1000;
		until.tv_nsec += (wait_ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&l->lock);
		if (!atomic_load(&l->stop))
			pthread_cond_timedwait(&l->wake, &l->lock, &until);
		pthread_mutex_unlock(&l->lock);
	}
	cx_sync_free(y);
	s->close(s);
	return NULL;
}

int cx_sync_loop_start(const struct cx_sync_loop_config *cfg, struct cx_sync_loop **ret, char *err,
                       size_t errlen)
{
	struct cx_sync_loop *l = calloc(1, sizeof(*l));
	int r;

	if (!l) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	l->cfg = *cfg;
	if (!l->cfg.interval)
		l->cfg.interval = 60;
	if (l->cfg.backoff_max < l->cfg.interval)
		l->cfg.backoff_max = l->cfg.interval;
	atomic_init(&l->stop, false);
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->wake, NULL);
	r = pthread_create(&l->thread, NULL, run, l);
	if (r != 0) {
		snprintf(err, errlen, "cannot start the sync thread: %s", strerror(r));
		pthread_cond_destroy(&l->wake);
		pthread_mutex_destroy(&l->lock);
		free(l);
		return -r;
	}
	*ret = l;
	return 0;
}

void cx_sync_loop_stop(struct cx_sync_loop *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	atomic_store(&l->stop, true);
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->lock);
	pthread_join(l->thread, NULL);
	pthread_cond_destroy(&l->wake);
	pthread_mutex_destroy(&l->lock);
	free(l);
}
