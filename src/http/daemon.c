#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"

struct cx_http {
	struct MHD_Daemon *daemon;
	const struct cx_route *routes;
	size_t nroutes;
	void *app;
	uint16_t port;
};

int cx_route_match(const char *pattern, const char *url,
		   char params[CX_HTTP_MAX_PARAMS][256])
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
			int w = snprintf(req->allow + o, sizeof(req->allow) - o, "%s%s", o ? ", " : "",
					 h->routes[i].method);

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

static enum MHD_Result refuse_early(struct cx_request *req, struct cx_http *h)
{
	const struct cx_route *path_route;
	const char *cl;
	char detail[128];
	uint64_t len;

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
	req->body_limit = req->route->body_limit_for ? req->route->body_limit_for(req)
						     : req->route->body_limit;
	cl = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && (cx_parse_size(cl, UINT64_MAX / 2, &len) < 0 || len > req->body_limit)) {
		snprintf(detail, sizeof(detail), "the body may be at most %zu bytes",
			 req->body_limit);
		return layer_error(req, req->route, CX_EC_BODY_TOO_LARGE, detail);
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct cx_http *h = cls;
	struct cx_request *req = *con_cls;
	enum MHD_Result r;

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
		req->start_us = cx_time_mono_us();
		r = refuse_early(req, h);
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
	struct cx_request *req = *con_cls;
	enum cx_log_level level;
	char path[256];

	if (!req)
		return;
	level = req->status >= 500 ? CX_LOG_ERROR : CX_LOG_INFO;
	if (cx_log_enabled(level))
		cx_log(level, req->id, "request", " method=%s path=%s status=%u us=%lld%s",
		       req->method, cx_log_quote(req->url, path, sizeof(path)), req->status,
		       (long long)(cx_time_mono_us() - req->start_us),
		       toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	cx_buf_release(&req->body);
	if (req->work_free)
		req->work_free(req->work);
	free(req);
	*con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	cx_log(CX_LOG_WARN, NULL, line, NULL);
}

struct cx_http *cx_http_start(const struct cx_http_opts *opts, const struct cx_route *routes,
			      size_t nroutes, void *app, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct cx_http *h;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME;

	memset(&ss, 0, sizeof(ss));
	if (strchr(opts->host, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(opts->port);
		if (inet_pton(AF_INET6, opts->host, &a->sin6_addr) != 1)
			goto bad_host;
		flags |= MHD_USE_IPv6;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(opts->port);
		if (inet_pton(AF_INET, opts->host, &a->sin_addr) != 1)
			goto bad_host;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->routes = routes;
	h->nroutes = nroutes;
	h->app = app;
	if (opts->tls_cert_pem) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			snprintf(err, errlen, "this libmicrohttpd has no TLS support");
			free(h);
			return NULL;
		}
		flags |= MHD_USE_TLS;
	}
	{
		struct MHD_OptionItem o[16];
		int n = 0;

#define OPT(opt, v, p) o[n++] = (struct MHD_OptionItem){opt, (intptr_t)(v), (void *)(p)}
		OPT(MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h); /* first, to catch all */
		OPT(MHD_OPTION_SOCK_ADDR, 0, &ss);
		OPT(MHD_OPTION_THREAD_POOL_SIZE, opts->threads, NULL);
		OPT(MHD_OPTION_CONNECTION_LIMIT, opts->connection_limit, NULL);
		OPT(MHD_OPTION_CONNECTION_TIMEOUT, opts->timeout, NULL);
		OPT(MHD_OPTION_NOTIFY_COMPLETED, on_completed, h);
		OPT(MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL);
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
		snprintf(err, errlen, "cannot listen on %s:%u (in use, or not an address of this "
				      "machine?)",
			 opts->host, opts->port);
		free(h);
		return NULL;
	}
	info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info ? info->port : opts->port;
	return h;
bad_host:
	snprintf(err, errlen, "listen address '%s' is not a numeric IPv4 or IPv6 address",
		 opts->host);
	return NULL;
}

uint16_t cx_http_port(const struct cx_http *h)
{
	return h->port;
}

void cx_http_stop(struct cx_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->daemon);
	free(h);
}
