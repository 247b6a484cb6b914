/* Failed logins of one user name or one client address. After
 * CX_THROTTLE_FAILURES failures each further one doubles the time during
 * which that name or address is refused without even checking (up to 15
 * minutes); a quiet quarter hour clears the count. The caller serialises
 * access (auth.c holds its lock). */
#ifndef CX_SERVER_THROTTLE_H
#define CX_SERVER_THROTTLE_H

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>

#define CX_THROTTLE_SLOTS 4096
#define CX_THROTTLE_WAYS 8
#define CX_THROTTLE_FAILURES 5

struct cx_throttle_slot {
	char key[72];
	int failures;
	int64_t last_failure;
	int64_t blocked_until;
};

struct cx_throttle {
	unsigned char key[crypto_shorthash_KEYBYTES]; /* picks a name's set of slots */
	struct cx_throttle_slot slots[CX_THROTTLE_SLOTS];
};

void cx_throttle_init(struct cx_throttle *t);
/* True when key (a user name or "@address") is refused for now. */
bool cx_throttle_blocked(struct cx_throttle *t, const char *key, int64_t now);
/* Count a failure of key; true when it starts a block. */
bool cx_throttle_failure(struct cx_throttle *t, const char *key, int64_t now);
/* A success clears key's record. */
void cx_throttle_success(struct cx_throttle *t, const char *key, int64_t now);

#endif
