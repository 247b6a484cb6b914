#include <arpa/inet.h>
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http.h"
#include "http/stats.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"

struct cx_http {
	struct MHD_Daemon *daemon;
	const struct cx_route *routes;
	size_t nroutes;
	void *app;
	uint16_t port;
	struct cx_http_stats *stats;
	/* A raw daemon (cx_http_start_raw) runs only on the thread of
	 * cx_http_raw_exchange, so these need no lock. */
	bool raw;
	unsigned raw_events;             /* bumped by every callback: progress */
	struct MHD_Connection *raw_conn; /* the exchange's connection while open */
};

int cx_route_match(const char *pattern, const char *url, char params[CX_HTTP_MAX_PARAMS][256])
{
	const char *p = pattern, *u = url;
	int n = 0;

	while (*p && *u) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t len = strcspn(u, "/");

			if (!close || len == 0 || len >= 256 || n >= CX_HTTP_MAX_PARAMS)
				return 0;
			memcpy(params[n], u, len);
			params[n][len] = '\0';
			n++;
			p = close + 1;
			u += len;
			continue;
		}
		if (*p != *u)
			return 0;
		p++;
		u++;
	}
	return *p == '\0' && *u == '\0';
}

static void new_request_id(char out[17])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[8];

	randombytes_buf(b, sizeof(b));
	for (int i = 0; i < 8; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[16] = '\0';
}

/* Find the route for method and url. When the path exists for other methods
 * only, *ret_path_route is one of them (so the caller answers 405, not
 * 404) and req->allow lists them. */
static const struct cx_route *find_route(struct cx_http *h, struct cx_request *req,
                                         const struct cx_route **ret_path_route)
{
	const struct cx_route *match = NULL;
	size_t o = 0;

	*ret_path_route = NULL;
	req->allow[0] = '\0';
	for (size_t i = 0; i < h->nroutes; i++) {
		char params[CX_HTTP_MAX_PARAMS][256];

		for (int k = 0; k < CX_HTTP_MAX_PARAMS; k++)
			params[k][0] = '\0';
		if (!cx_route_match(h->routes[i].pattern, req->url, params))
			continue;
		if (!*ret_path_route)
			*ret_path_route = &h->routes[i];
		if (!strstr(req->allow, h->routes[i].method)) {
			int w = snprintf(req->allow + o, sizeof(req->allow) - o, "%s%s",
			                 o ? ", " : "", h->routes[i].method);

			if (w > 0 && (size_t)w < sizeof(req->allow) - o)
				o += (size_t)w;
		}
		if (!match && strcmp(h->routes[i].method, req->method) == 0) {
			match = &h->routes[i];
			memcpy(req->params, params, sizeof(params));
		}
	}
	return match;
}

/* Answer an error of the HTTP layer in the shape of the route's interface. */
static enum MHD_Result layer_error(struct cx_request *req, const struct cx_route *route,
                                   enum cx_ec code, const char *detail)
{
	if (route && route->error_reply)
		return route->error_reply(req, code, detail);
	return cx_reply_error(req, code, NULL, "%s", detail);
}

/* Percent-decoding of the path and the query, as libmicrohttpd's own but
 * for %00, which stays encoded: a NUL would cut the string the node sees
 * ("/ui/app.js%00.css" would serve app.js). */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *w = s;

	(void)cls;
	(void)conn;
	for (const char *r = s; *r; r++) {
		int hi, lo;

		if (r[0] == '%' && (hi = cx_hex_digit(r[1])) >= 0 && (lo = cx_hex_digit(r[2])) >= 0 &&
		    (hi | lo) != 0) {
			*w++ = (char)(hi * 16 + lo);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

struct header_size {
	size_t count, bytes;
};

static enum MHD_Result add_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
	struct header_size *z = cls;

	(void)kind;
	z->count++;
	z->bytes += strlen(key) + (value ? strlen(value) : 0);
	return MHD_YES;
}

/* Header bounds, and the framing rules of RFC 9112 libmicrohttpd does not
 * enforce: HTTP/1.1 needs Host (3.2); a body is framed by Content-Length or
 * chunked Transfer-Encoding, never both (6.1, request smuggling), and no
 * other transfer coding is understood. */
static enum MHD_Result refuse_framing(struct cx_request *req, const char *version)
{
	const char *te =
	    MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	struct header_size z = {0, 0};

	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, add_header_size, &z);
	if (z.count > CX_HTTP_MAX_HEADERS || z.bytes > CX_HTTP_MAX_HEADER_BYTES)
		return cx_reply_error(req, CX_EC_HEADERS_TOO_LARGE, NULL,
		                      "a request may carry at most %d headers of %d bytes in all",
		                      CX_HTTP_MAX_HEADERS, CX_HTTP_MAX_HEADER_BYTES);
	if (version && strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
	    !MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST))
		return cx_reply_error(req, CX_EC_BAD_PARAMETER, "Host",
		                      "an HTTP/1.1 request must carry a Host header");
	if (!te)
		return MHD_YES;
	if (MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH))
		return cx_reply_error(req, CX_EC_BAD_PARAMETER, "Transfer-Encoding",
		                      "a request may carry Content-Length or Transfer-Encoding, "
		                      "not both");
	if (strcasecmp(te, "chunked") != 0)
		return cx_reply_error(req, CX_EC_NOT_IMPLEMENTED, "Transfer-Encoding",
		                      "the only transfer coding understood is chunked");
	return MHD_YES;
}

static enum MHD_Result refuse_early(struct cx_request *req, struct cx_http *h,
                                    const char *version)
{
	const struct cx_route *path_route;
	const char *cl;
	char detail[128];
	uint64_t len;
	enum MHD_Result r = refuse_framing(req, version);

	if (req->status)
		return r;
	if (MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, NULL, NULL) >
	    CX_HTTP_MAX_ARGS)
		return cx_reply_error(req, CX_EC_URI_TOO_LONG, NULL,
		                      "the query has more than %d parameters", CX_HTTP_MAX_ARGS);
	if (strlen(req->url) > CX_HTTP_MAX_URL)
		return cx_reply_error(req, CX_EC_URI_TOO_LONG, NULL,
		                      "the request path is longer than %d bytes", CX_HTTP_MAX_URL);
	req->route = find_route(h, req, &path_route);
	if (!req->route && path_route) {
		snprintf(detail, sizeof(detail), "%s is not allowed on this resource; use %s",
		         req->method, req->allow);
		return layer_error(req, path_route, CX_EC_METHOD_NOT_ALLOWED, detail);
	}
	if (!req->route)
		return cx_reply_error(req, CX_EC_NOT_FOUND, NULL, "no resource at this path");
	req->body_limit =
	    req->route->body_limit_for ? req->route->body_limit_for(req) : req->route->body_limit;
	cl =
	    MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && (cx_parse_size(cl, UINT64_MAX / 2, &len) < 0 || len > req->body_limit)) {
		snprintf(detail, sizeof(detail), "the body may be at most %zu bytes",
		         req->body_limit);
		return layer_error(req, req->route, CX_EC_BODY_TOO_LARGE, detail);
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct cx_http *h = cls;
	struct cx_request *req = *con_cls;
	enum MHD_Result r;

	if (h->raw)
		h->raw_events++;
	if (!req) {
		req = calloc(1, sizeof(*req));
		if (!req)
			return MHD_NO;
		*con_cls = req;
		new_request_id(req->id);
		req->conn = conn;
		req->method = method;
		req->url = url;
		req->app = h->app;
		req->http = h;
		req->start_us = cx_time_mono_us();
		r = refuse_early(req, h, version);
		if (req->status)
			req->refused = 1;
		cx_buf_init(&req->body, req->body_limit + 1);
		return r;
	}
	if (req->refused) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* Over the limit: keep reading and dropping, answer 413 at the end. */
		cx_buf_append(&req->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->body.err == -E2BIG || req->body.len > req->body_limit) {
		char detail[128];

		snprintf(detail, sizeof(detail), "the body may be at most %zu bytes",
		         req->body_limit);
		return layer_error(req, req->route, CX_EC_BODY_TOO_LARGE, detail);
	}
	if (req->body.err)
		return cx_reply_error(req, CX_EC_INTERNAL, NULL, "out of memory reading the body");
	return req->route->handler(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct cx_http *h = cls;
	struct cx_request *req = *con_cls;
	enum cx_log_level level;
	char path[256];
	int64_t us;

	(void)conn;
	if (h->raw)
		h->raw_events++;
	if (!req)
		return;
	us = cx_time_mono_us() - req->start_us;
	/* A request that ended without a response (the client left) is logged
	 * but not counted: the metrics count answers. */
	if (req->status)
		cx_http_stats_record(h->stats, req->route, req->method, req->status, us);
	level = req->status >= 500 ? CX_LOG_ERROR : CX_LOG_INFO;
	if (cx_log_enabled(level))
		cx_log(level, req->id, "request", " method=%s path=%s status=%u us=%lld%s",
		       req->method, cx_log_quote(req->url, path, sizeof(path)), req->status,
		       (long long)us,
		       toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	cx_buf_release(&req->body);
	if (req->work_free)
		req->work_free(req->work);
	free(req);
	*con_cls = NULL;
}

/* What libmicrohttpd says of a raw daemon's socket pair that is only true
 * of TCP: it has no Nagle delay to switch off. */
static bool raw_noise(const char *line)
{
	static const char *const noise[] = {"Setting TCP_NODELAY", "Setting TCP_CORK",
	                                    "Failed to push the data"};

	for (size_t i = 0; i < sizeof(noise) / sizeof(noise[0]); i++)
		if (strncmp(line, noise[i], strlen(noise[i])) == 0)
			return true;
	return false;
}

__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	const struct cx_http *h = cls;
	char line[512];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (h->raw && raw_noise(line))
		return;
	cx_log(CX_LOG_WARN, NULL, line, NULL);
}

static struct cx_http *http_new(const struct cx_route *routes, size_t nroutes, void *app, char *err,
                                size_t errlen)
{
	struct cx_http *h = calloc(1, sizeof(*h));

	if (h)
		h->stats = cx_http_stats_new(routes, nroutes);
	if (!h || !h->stats) {
		free(h);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->routes = routes;
	h->nroutes = nroutes;
	h->app = app;
	return h;
}

static void http_free(struct cx_http *h)
{
	cx_http_stats_free(h->stats);
	free(h);
}

/* The address to bind; 0 or -EINVAL. */
static int bind_address(const struct cx_http_opts *opts, struct sockaddr_storage *ss,
                        unsigned *flags)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(opts->host, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(opts->port);
		*flags |= MHD_USE_IPv6;
		return inet_pton(AF_INET6, opts->host, &a->sin6_addr) == 1 ? 0 : -EINVAL;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	a->sin_family = AF_INET;
	a->sin_port = htons(opts->port);
	return inet_pton(AF_INET, opts->host, &a->sin_addr) == 1 ? 0 : -EINVAL;
}

struct cx_http *cx_http_start(const struct cx_http_opts *opts, const struct cx_route *routes,
                              size_t nroutes, void *app, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct cx_http *h;
	const union MHD_DaemonInfo *info;
	unsigned flags =
	    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;

	if (opts->listen_fd < 0 && bind_address(opts, &ss, &flags) < 0) {
		snprintf(err, errlen, "listen address '%s' is not a numeric IPv4 or IPv6 address",
		         opts->host);
		return NULL;
	}
	if (opts->tls_cert_pem && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(err, errlen, "this libmicrohttpd has no TLS support");
		return NULL;
	}
	h = http_new(routes, nroutes, app, err, errlen);
	if (!h)
		return NULL;
	if (opts->tls_cert_pem)
		flags |= MHD_USE_TLS;
	{
		struct MHD_OptionItem o[16];
		int n = 0;

#define OPT(opt, v, p) o[n++] = (struct MHD_OptionItem){opt, (intptr_t)(v), (void *)(p)}
		OPT(MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h); /* first, to catch all */
		if (opts->listen_fd >= 0) {
			OPT(MHD_OPTION_LISTEN_SOCKET, opts->listen_fd, NULL);
		} else {
			OPT(MHD_OPTION_SOCK_ADDR, 0, &ss);
			OPT(MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL);
		}
		OPT(MHD_OPTION_THREAD_POOL_SIZE, opts->threads, NULL);
		OPT(MHD_OPTION_CONNECTION_LIMIT, opts->connection_limit, NULL);
		OPT(MHD_OPTION_CONNECTION_TIMEOUT, opts->timeout, NULL);
		OPT(MHD_OPTION_NOTIFY_COMPLETED, on_completed, h);
		OPT(MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL);
		OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, CX_HTTP_CONNECTION_MEMORY, NULL);
		if (opts->tls_cert_pem) {
			OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, opts->tls_cert_pem);
			OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, opts->tls_key_pem);
			OPT(MHD_OPTION_HTTPS_PRIORITIES, 0,
			    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2");
		}
		OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
		h->daemon = MHD_start_daemon(flags, opts->port, NULL, NULL, on_request, h,
		                             MHD_OPTION_ARRAY, o, MHD_OPTION_END);
	}
	if (!h->daemon) {
		if (opts->listen_fd >= 0)
			snprintf(err, errlen, "cannot serve the inherited socket (fd %d)",
			         opts->listen_fd);
		else
			snprintf(err, errlen,
			         "cannot listen on %s:%u (in use, or not an address of this "
			         "machine?)",
			         opts->host, opts->port);
		http_free(h);
		return NULL;
	}
	info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info ? info->port : opts->port;
	return h;
}

static void on_raw_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                              enum MHD_ConnectionNotificationCode toe)
{
	struct cx_http *h = cls;

	(void)socket_context;
	h->raw_conn = toe == MHD_CONNECTION_NOTIFY_STARTED ? conn : NULL;
	h->raw_events++;
}

struct cx_http *cx_http_start_raw(const struct cx_http_opts *opts, const struct cx_route *routes,
                                  size_t nroutes, void *app, char *err, size_t errlen)
{
	struct cx_http *h = http_new(routes, nroutes, app, err, errlen);

	if (!h)
		return NULL;
	h->raw = true;
	h->daemon = MHD_start_daemon(
	    MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
	    on_request, h, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h, MHD_OPTION_CONNECTION_LIMIT,
	    opts->connection_limit, MHD_OPTION_CONNECTION_TIMEOUT, opts->timeout,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_NOTIFY_CONNECTION,
	    on_raw_connection, h, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CX_HTTP_CONNECTION_MEMORY, MHD_OPTION_END);
	if (!h->daemon) {
		snprintf(err, errlen, "cannot start the HTTP daemon without a listening socket");
		http_free(h);
		return NULL;
	}
	return h;
}

/* The longest a raw exchange waits without any progress. */
#define RAW_STALL_US (10 * 1000000LL)

static bool raw_suspended(struct cx_http *h)
{
	const union MHD_ConnectionInfo *ci;

	if (!h->raw_conn)
		return false;
	ci = MHD_get_connection_info(h->raw_conn, MHD_CONNECTION_INFO_CONNECTION_SUSPENDED);
	return ci && ci->suspended;
}

/* Wait up to 10 ms for the daemon's descriptors (its inter-thread signal
 * among them: a resumed connection wakes this) or for fd (unless -1) to be
 * ready. */
static void raw_wait(struct cx_http *h, int fd, bool want_write)
{
	fd_set rs, ws, es;
	MHD_socket max = fd;
	struct timeval tv = {0, 10000};

	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_ZERO(&es);
	if (fd >= 0)
		FD_SET(fd, &rs);
	if (fd >= 0 && want_write)
		FD_SET(fd, &ws);
	MHD_get_fdset(h->daemon, &rs, &ws, &es, &max);
	select(max + 1, &rs, &ws, &es, &tv);
}

/* Move what the daemon sent into response. Returns true on progress; sets
 * *eof once the daemon has closed its end. */
static bool raw_drain(int fd, struct cx_buf *response, bool *eof)
{
	char chunk[16384];
	bool progress = false;

	for (;;) {
		ssize_t n = recv(fd, chunk, sizeof(chunk), 0);

		if (n > 0) {
			cx_buf_append(response, chunk, (size_t)n);
			progress = true;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			*eof = true;
		return progress;
	}
}

/* Feed data to the connection and collect its answers: until the daemon
 * closes, or it has taken every byte, has nothing to send, no request of
 * the connection is suspended and two rounds in a row changed nothing (it
 * waits for input that will not come). Half-closing our end instead would
 * not do: libmicrohttpd takes a read of 0 bytes as the client gone and may
 * drop the request unanswered. */
static int raw_feed(struct cx_http *h, int fd, const char *data, size_t len,
                    struct cx_buf *response)
{
	int64_t last = cx_time_mono_us();
	size_t sent = 0;
	bool eof = false, writing = len > 0;
	int calm = 0, last_outq = -1;

	while (!eof) {
		unsigned events = h->raw_events;
		bool progress = false;
		int outq = 0;

		if (writing && sent < len) {
			ssize_t n = send(fd, data + sent, len - sent, MSG_NOSIGNAL);

			if (n > 0) {
				sent += (size_t)n;
				progress = true;
			} else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
			           errno != EINTR) {
				writing = false; /* the daemon closed: it reads no more */
			}
		}
		MHD_run(h->daemon);
		progress = raw_drain(fd, response, &eof) || progress;
		if (ioctl(fd, SIOCOUTQ, &outq) < 0)
			outq = 0;
		if (h->raw_events != events || outq != last_outq)
			progress = true;
		last_outq = outq;
		if (progress) {
			calm = 0;
			last = cx_time_mono_us();
			continue;
		}
		if ((!writing || sent == len) && outq == 0 && !raw_suspended(h)) {
			if (++calm >= 2)
				break;
			continue;
		}
		if (cx_time_mono_us() - last > RAW_STALL_US)
			return -ETIMEDOUT;
		raw_wait(h, fd, writing && sent < len);
	}
	return 0;
}

int cx_http_raw_exchange(struct cx_http *h, const void *data, size_t len, struct cx_buf *response)
{
	struct sockaddr_in peer;
	int64_t start;
	int sv[2], r;

	if (!h || !h->raw)
		return -EINVAL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (sv[0] >= FD_SETSIZE || sv[1] >= FD_SETSIZE) { /* MHD_get_fdset's limit */
		close(sv[0]);
		close(sv[1]);
		return -EMFILE;
	}
	memset(&peer, 0, sizeof(peer));
	peer.sin_family = AF_INET;
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* MHD owns sv[1] from here, and closes it even on failure. */
	if (MHD_add_connection(h->daemon, sv[1], (struct sockaddr *)&peer, sizeof(peer)) !=
	    MHD_YES) {
		r = errno ? -errno : -EIO;
		close(sv[0]);
		return r;
	}
	r = raw_feed(h, sv[0], data, len, response);
	/* Closing our end makes the daemon close and free the connection; wait
	 * for that, so that nothing of this exchange outlives the call. */
	close(sv[0]);
	start = cx_time_mono_us();
	while (h->raw_conn && cx_time_mono_us() - start < RAW_STALL_US) {
		unsigned events = h->raw_events;

		MHD_run(h->daemon);
		if (h->raw_conn && h->raw_events == events)
			raw_wait(h, -1, false);
	}
	if (h->raw_conn && r == 0)
		r = -ETIMEDOUT;
	return r;
}

uint16_t cx_http_port(const struct cx_http *h)
{
	return h->port;
}

void cx_http_metrics(struct cx_http *h, struct cx_buf *b)
{
	cx_http_stats_write(h->stats, b);
}

void cx_http_stop(struct cx_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->daemon);
	http_free(h);
}
