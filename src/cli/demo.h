/* What `cx demo` and `cx demo --federation` share: the embedded demo data,
 * the partners, the demo users and the collection `intel`. */
#ifndef CX_CLI_DEMO_H
#define CX_CLI_DEMO_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

#define CX_DEMO_PASSWORD "exercise-only-password"

/* Embedded from demo/ at build time (demo/embed.py). */
extern const char cx_demo_partners[];
extern const char cx_demo_intel[];
extern const char cx_demo_records[];

struct cx_demo_user {
	const char *name, *partner;
	unsigned roles;
	char clearance;
};

extern const struct cx_demo_user cx_demo_users[];
extern const size_t cx_demo_users_count;

/* The partners of demo/partners.txt, with their names. Returns 0 or -1
 * (printed). */
int cx_demo_add_partners(struct cx_store *s);
/* One user (audited user.add) with a password hash made by
 * cx_demo_password_hash. Returns 0 or -1. */
int cx_demo_add_user(struct cx_store *s, const char *name, const char *partner, unsigned roles,
		     char clearance, const char *hash);
/* Every demo user. Returns 0 or -1. */
int cx_demo_add_users(struct cx_store *s, const char *hash);
/* The Argon2id hash of password into out (crypto_pwhash_STRBYTES): one hash
 * serves every demo user (it carries its salt). Returns 0 or -1. */
int cx_demo_password_hash(const char *password, char *out);
/* The collection `intel`: everyone reads, contributors, approvers and
 * admins write; with peers, the `peer` role of every partner reads too.
 * Fills c. Returns 0 or -1. */
int cx_demo_add_collection(struct cx_store *s, struct cx_collection *c, bool peers);

#endif
