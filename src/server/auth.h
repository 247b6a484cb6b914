/* Authentication of requests: HTTP Basic (Argon2id, verified on worker
 * threads while the connection is suspended) and Bearer tokens (SHA-256
 * lookup). Successful Basic logins are cached for a few minutes under a
 * keyed hash, so that a client sending Basic on every request pays Argon2
 * once; failed ones are throttled per user name. */
#ifndef CX_SERVER_AUTH_H
#define CX_SERVER_AUTH_H

#include "http/http.h"

struct cx_server;
struct cx_auth;

/* Start the verification workers. Returns NULL on failure. */
struct cx_auth *cx_auth_start(struct cx_server *srv, unsigned workers);
/* Stop the workers; requests still queued fail and are resumed. */
void cx_auth_stop(struct cx_auth *a);

/* Drive req's authentication one step. Returns CX_AUTH_OK (req->who is
 * filled), CX_AUTH_FAILED (the caller answers 401), or CX_AUTH_PENDING: the
 * connection is suspended and the handler returns MHD_YES; it is called
 * again once a worker has decided. */
enum cx_auth_state cx_auth_request(struct cx_auth *a, struct cx_request *req);

/* Like cx_auth_request, for a login that sends its name and password in the
 * request body (the native API's session login). */
enum cx_auth_state cx_auth_login(struct cx_auth *a, struct cx_request *req, const char *name,
				 const char *password);

/* Hash password (len bytes) with Argon2id on a worker thread, for a handler
 * that stores one (an admin setting a user's password). The first call
 * returns CX_AUTH_PENDING: the connection is suspended and the handler
 * returns MHD_YES; it is called again once the hash is made, and this call
 * then returns CX_AUTH_OK with *ret_hash (crypto_pwhash_str form, owned by
 * req, valid until it ends) or CX_AUTH_FAILED (out of memory, stopping).
 * The password is copied and wiped once hashed. */
enum cx_auth_state cx_auth_hash_password(struct cx_auth *a, struct cx_request *req,
					 const char *password, size_t len, const char **ret_hash);

/* The WWW-Authenticate challenge to send with a 401. */
#define CX_AUTH_CHALLENGE "Basic realm=\"cx\", Bearer realm=\"cx\""

#endif
