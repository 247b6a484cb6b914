#include "server/throttle.h"

#include <string.h>

#include "util/str.h"

#define FORGET_US (15ll * 60 * 1000000) /* a quiet quarter hour clears */
#define MAX_BLOCK_US (15ll * 60 * 1000000)

void cx_throttle_init(struct cx_throttle *t)
{
	memset(t->slots, 0, sizeof(t->slots));
	crypto_shorthash_keygen(t->key);
}

/* The record of key: one of a set of CX_THROTTLE_WAYS slots chosen by a
 * keyed hash, so that nobody can pick which keys share a set. When create
 * and the key has no record, the set's least recently failed record that is
 * not blocking anyone is reused; NULL if all are blocking. */
static struct cx_throttle_slot *find(struct cx_throttle *t, const char *key, int64_t now,
				     bool create)
{
	unsigned char h[8];
	struct cx_throttle_slot *set, *victim = NULL;
	unsigned base;

	crypto_shorthash(h, (const unsigned char *)key, strlen(key), t->key);
	base = (unsigned)((h[0] | h[1] << 8 | (unsigned)h[2] << 16) %
			  (CX_THROTTLE_SLOTS / CX_THROTTLE_WAYS)) *
	       CX_THROTTLE_WAYS;
	set = &t->slots[base];
	for (int i = 0; i < CX_THROTTLE_WAYS; i++)
		if (strcmp(set[i].key, key) == 0)
			return &set[i];
	if (!create)
		return NULL;
	for (int i = 0; i < CX_THROTTLE_WAYS; i++) {
		if (set[i].blocked_until > now)
			continue;
		if (!victim || set[i].last_failure < victim->last_failure)
			victim = &set[i];
	}
	if (victim) {
		memset(victim, 0, sizeof(*victim));
		cx_strlcpy(victim->key, key, sizeof(victim->key));
	}
	return victim;
}

bool cx_throttle_blocked(struct cx_throttle *t, const char *key, int64_t now)
{
	struct cx_throttle_slot *s = find(t, key, now, false);

	return s && s->blocked_until > now;
}

bool cx_throttle_failure(struct cx_throttle *t, const char *key, int64_t now)
{
	struct cx_throttle_slot *s = find(t, key, now, true);

	if (!s)
		return false; /* every record of its set is blocking: keep them */
	if (now - s->last_failure > FORGET_US) {
		s->failures = 0;
		s->blocked_until = 0;
	}
	s->failures++;
	s->last_failure = now;
	if (s->failures >= CX_THROTTLE_FAILURES) {
		int shift = s->failures - CX_THROTTLE_FAILURES;
		int64_t block = 1000000ll << (shift < 10 ? shift : 10);

		s->blocked_until = now + (block < MAX_BLOCK_US ? block : MAX_BLOCK_US);
		return true;
	}
	return false;
}

void cx_throttle_success(struct cx_throttle *t, const char *key, int64_t now)
{
	struct cx_throttle_slot *s = find(t, key, now, false);

	if (s)
		memset(s, 0, sizeof(*s));
}
