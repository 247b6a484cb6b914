/* The HTTP layer: a libmicrohttpd daemon (epoll, thread pool) that matches
 * each request against a routes table handed in by the server layer, reads
 * the body within the route's limit, calls the handler once with the whole
 * request, and logs one line per request with its request id. */
#ifndef CX_HTTP_HTTP_H
#define CX_HTTP_HTTP_H

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

#include "access/principal.h"
#include "http/errors.h"
#include "util/buf.h"

#define CX_HTTP_MAX_PARAMS 4
#define CX_HTTP_MAX_URL 4096
/* Query parameters a request may carry; more is answered 414. */
#define CX_HTTP_MAX_ARGS 256
/* Request headers: how many, and their bytes (names and values); more is
 * answered 431. */
#define CX_HTTP_MAX_HEADERS 100
#define CX_HTTP_MAX_HEADER_BYTES (16 * 1024)
/* libmicrohttpd's memory per connection: request line, headers and the
 * parsed parameters must fit (its default, 32 KiB, drops a request of a
 * few hundred parameters without an answer). */
#define CX_HTTP_CONNECTION_MEMORY (384 * 1024)

struct cx_request;
struct cx_http;

typedef enum MHD_Result (*cx_handler)(struct cx_request *req);

struct cx_route {
	const char *method;  /* "GET", "POST", ... */
	const char *pattern; /* "/taxii2/{root}/collections/{id}/" — {x} is one segment */
	cx_handler handler;
	size_t body_limit; /* bytes; 0: no body accepted */
	/* When set, decides the body limit per request instead (e.g. per TAXII
	 * API root); returns 0 for "no such resource" (the handler answers). */
	size_t (*body_limit_for)(struct cx_request *req);
	/* When set, formats the errors the HTTP layer itself answers on this
	 * route's path (405, 413) in the interface's own error shape. */
	enum MHD_Result (*error_reply)(struct cx_request *req, enum cx_ec code, const char *detail);
};

/* Where authentication of a request stands (the server layer drives it). */
enum cx_auth_state {
	CX_AUTH_NONE = 0, /* not attempted yet */
	CX_AUTH_PENDING,  /* a worker thread is verifying; the connection is suspended */
	CX_AUTH_OK,
	CX_AUTH_FAILED,
};

/* One request, alive from its first byte to the end of its response. */
struct cx_request {
	char id[17]; /* random hex request id, also sent as X-Request-Id */
	struct MHD_Connection *conn;
	const char *method;
	const char *url;
	const struct cx_route *route;
	char params[CX_HTTP_MAX_PARAMS][256]; /* captured {x} segments, in order */
	struct cx_buf body;
	int64_t start_us;
	unsigned status;      /* set by the reply helpers */
	void *app;            /* the server's context */
	struct cx_http *http; /* the daemon serving it */
	int refused;          /* replied before the handler (413, 404, ...) */
	size_t body_limit;
	char allow[64]; /* methods of the path, for 405 answers */
	enum cx_auth_state auth;
	struct cx_principal who; /* valid when auth is CX_AUTH_OK */
	/* What a handler had done off the I/O thread between its calls (e.g. a
	 * password hash); work_free releases it with the request. */
	void *work;
	void (*work_free)(void *work);
};

struct cx_http_opts {
	const char *host;
	uint16_t port; /* 0: pick a free port (see cx_http_port) */
	unsigned threads;
	unsigned connection_limit;
	unsigned timeout;
	const char *tls_cert_pem; /* PEM text; NULL serves plain HTTP */
	const char *tls_key_pem;
	/* A listening socket to serve instead of binding host and port (one
	 * handed over by systemd); -1 binds. The daemon closes it when it stops. */
	int listen_fd;
};

/* Start serving. routes must outlive the daemon. Returns NULL with a reason. */
struct cx_http *cx_http_start(const struct cx_http_opts *opts, const struct cx_route *routes,
                              size_t nroutes, void *app, char *err, size_t errlen);
/* Start a daemon with no listening socket and no threads of its own:
 * connections come only through cx_http_raw_exchange, which runs it on the
 * caller's thread. host, port, threads, listen_fd and TLS are ignored (the
 * bytes exchanged are plain HTTP). Returns NULL with a reason. */
struct cx_http *cx_http_start_raw(const struct cx_http_opts *opts, const struct cx_route *routes,
                                  size_t nroutes, void *app, char *err, size_t errlen);
/* Give len bytes to a raw daemon as one client connection from 127.0.0.1
 * (through a socket pair) and append to response everything the daemon
 * sends back, until it closes the connection or has answered all the
 * input it can and waits for more; then the connection is closed and
 * cleaned up before returning. One call at a time per daemon. Returns 0;
 * -EINVAL when h is not raw; -errno when no socket pair can be made or the
 * daemon refuses the connection; -ETIMEDOUT when the daemon made no
 * progress for 10 seconds (response then holds what came). */
int cx_http_raw_exchange(struct cx_http *h, const void *data, size_t len, struct cx_buf *response);
/* The port actually bound (0 for a raw daemon). */
uint16_t cx_http_port(const struct cx_http *h);
/* Append the daemon's request metrics (cx_http_requests_total and the
 * cx_http_request_duration_seconds histogram) in Prometheus text format. */
void cx_http_metrics(struct cx_http *h, struct cx_buf *b);
/* Stop: no new connections, wait for running handlers, free. */
void cx_http_stop(struct cx_http *h);

/* A request header's value, or NULL. */
const char *cx_request_header(struct cx_request *req, const char *name);

/* Reply helpers. Each queues exactly one response and records the status. */
enum MHD_Result cx_reply_bytes(struct cx_request *req, unsigned status, const char *content_type,
                               const char *data, size_t len);
/* Reply with body (malloc'd; stolen, freed by the server) and extra headers
 * given as name, value pairs ended by NULL (may be NULL). */
enum MHD_Result cx_reply_owned(struct cx_request *req, unsigned status, const char *content_type,
                               char *body, size_t len, const char *const *headers);
/* Like cx_reply_owned, but the body is len bytes at base + offset (base is
 * malloc'd, stolen, freed when sent): a body built behind a reserved
 * prefix is sent without copying. */
enum MHD_Result cx_reply_owned_at(struct cx_request *req, unsigned status, const char *content_type,
                                  char *base, size_t offset, size_t len,
                                  const char *const *headers);
/* Steals body. */
enum MHD_Result cx_reply_json(struct cx_request *req, unsigned status, json_t *body);
/* The one error body: {"code", "title", "detail", "field"?}. field may be NULL. */
enum MHD_Result cx_reply_error(struct cx_request *req, enum cx_ec code, const char *field,
                               const char *detail_fmt, ...) __attribute__((format(printf, 4, 5)));

/* Match url against pattern; on success copies {x} segments into params. */
int cx_route_match(const char *pattern, const char *url, char params[CX_HTTP_MAX_PARAMS][256]);

#endif
