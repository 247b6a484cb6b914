/* The server: the node's shared state for `cx serve`, its routes table and
 * the per-thread store connections its handlers use. */
#ifndef CX_SERVER_SERVER_H
#define CX_SERVER_SERVER_H

#include <pthread.h>
#include <stddef.h>

#include "http/http.h"
#include "store/store.h"
#include "util/config.h"

struct cx_auth;
struct cx_vault_key;
struct cx_node_key;

struct cx_server {
	struct cx_config cfg;
	char db_path[4096];
	pthread_key_t store_key; /* this thread's struct cx_store */
	struct cx_http *http;
	struct cx_auth *auth;
	unsigned char next_key[32];     /* signs TAXII next tokens */
	char *tls_cert, *tls_key;       /* PEM texts when serving HTTPS */
	int64_t home_partner;           /* rowid of [node] partner; 0 when unset */
	struct cx_vault_key *vault_key; /* the PII vault's key, loaded at init */
	struct cx_node_key *node_key; /* the node's signing key (guarded memory), loaded at init */
	int64_t started_us;
	/* A listening socket to serve instead of binding [http] listen (one
	 * systemd passed: cx_server_activation_fd); -1 after init. */
	int listen_fd;
};

/* Check the store (schema version), load the vault key (cfg->vault_key, an
 * absolute path) and the signing key (cfg->signing_key, absolute) and
 * prepare; does not listen yet. Returns 0 or -errno
 * with a reason in err. */
int cx_server_init(struct cx_server *srv, const struct cx_config *cfg, const char *db_path,
                   char *err, size_t errlen);
/* Listen: on srv->listen_fd when set, else on [http] listen. Returns 0 or
 * -errno with a reason in err. */
int cx_server_start(struct cx_server *srv, char *err, size_t errlen);
/* Start like cx_server_start, but with no listening socket: requests come
 * only through cx_server_raw_request (plain HTTP; TLS settings are
 * ignored). Returns 0 or -errno with a reason in err. */
int cx_server_start_raw(struct cx_server *srv, char *err, size_t errlen);
/* Pass len bytes (any bytes: one or more requests, possibly malformed)
 * through a socket pair into the server as one client connection from
 * 127.0.0.1, and append to response (caller's, initialised) the raw bytes
 * the server sends until it closes the connection, or until it has taken
 * every byte, answered all it can and waits for more input (no fixed idle
 * timeout: a request suspended for a password check is waited for). The
 * connection is closed and freed before the call returns, so thousands of
 * calls leave nothing behind. Runs the server on the calling thread; one
 * call at a time. Returns 0 on success, -EINVAL before
 * cx_server_start_raw, -errno when no socket pair can be made, or
 * -ETIMEDOUT when the server made no progress for 10 seconds. */
int cx_server_raw_request(struct cx_server *srv, const void *data, size_t len,
                          struct cx_buf *response);
/* After either start: stop serving and free what init and start took. */
void cx_server_stop(struct cx_server *srv);

/* The listening socket systemd passed by socket activation (LISTEN_PID is
 * this process and LISTEN_FDS is 1: the socket is fd 3), made close-on-exec.
 * LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES are removed from the
 * environment in every case. Returns the fd, -1 when none was passed to
 * this process, or -EINVAL with a reason in err (more than one socket, or
 * fd 3 is not a listening stream socket). */
int cx_server_activation_fd(char *err, size_t errlen);

/* The calling thread's store connection, opened on first use (NULL when the
 * store cannot be opened; the reason is logged once). */
struct cx_store *cx_server_store(struct cx_server *srv);

/* The routes table (routes.c). */
extern const struct cx_route cx_routes[];
extern const size_t cx_routes_count;

/* Handlers. */
enum MHD_Result cx_handle_healthz(struct cx_request *req);
enum MHD_Result cx_handle_schema(struct cx_request *req);
/* The web UI (static.c): index.html at /, files of the web root at
 * /ui/..., Chart.js at /vendor/chart.js, each with the UI's security
 * headers. */
enum MHD_Result cx_handle_ui_index(struct cx_request *req);
enum MHD_Result cx_handle_ui_file(struct cx_request *req);
enum MHD_Result cx_handle_vendor_chartjs(struct cx_request *req);

#endif
