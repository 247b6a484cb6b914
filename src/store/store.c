#include "store/store.h"

#include <sodium.h>
#include <time.h>

static void backoff(unsigned attempt)
{
	/* Up to ~2^attempt ms plus jitter, capped at 100 ms. */
	unsigned ms = (1u << (attempt < 7 ? attempt : 7)) + randombytes_uniform(4);
	struct timespec ts = {0, (long)(ms > 100 ? 100 : ms) * 1000000L};

	nanosleep(&ts, NULL);
}

enum cx_store_status cx_store_run(struct cx_store *s, bool write,
				  enum cx_store_status (*fn)(struct cx_store *s, void *arg),
				  void *arg)
{
	enum cx_store_status st = CX_STORE_SOFT_ERROR;

	for (unsigned attempt = 0; attempt <= s->busy_retries; attempt++) {
		if (attempt)
			backoff(attempt);
		st = s->begin(s, write);
		if (st == CX_STORE_SOFT_ERROR)
			continue;
		if (st < 0)
			return st;
		st = fn(s, arg);
		if (st < 0) {
			s->rollback(s);
			if (st == CX_STORE_SOFT_ERROR)
				continue;
			return st;
		}
		{
			enum cx_store_status c = s->commit(s);

			if (c == CX_STORE_SOFT_ERROR) {
				s->rollback(s);
				st = c;
				continue;
			}
			if (c < 0) {
				s->rollback(s);
				return c;
			}
		}
		return st;
	}
	return st;
}
