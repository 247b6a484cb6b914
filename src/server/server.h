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
	unsigned char next_key[32]; /* signs TAXII next tokens */
	char *tls_cert, *tls_key;   /* PEM texts when serving HTTPS */
	int64_t home_partner;       /* rowid of [node] partner; 0 when unset */
	struct cx_vault_key *vault_key; /* the PII vault's key, loaded at init */
	struct cx_node_key *node_key;   /* the node's signing key (guarded memory), loaded at init */
	int64_t started_us;
};

/* Check the store (schema version), load the vault key (cfg->vault_key, an
 * absolute path) and the signing key (cfg->signing_key, absolute) and
 * prepare; does not listen yet. Returns 0 or -errno
 * with a reason in err. */
int cx_server_init(struct cx_server *srv, const struct cx_config *cfg, const char *db_path,
		   char *err, size_t errlen);
/* Listen. Returns 0 or -errno with a reason in err. */
int cx_server_start(struct cx_server *srv, char *err, size_t errlen);
void cx_server_stop(struct cx_server *srv);

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
