#include "server/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/node_key.h"
#include "core/vault.h"
#include "server/auth.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"

static void close_store(void *p)
{
	struct cx_store *s = p;

	if (s)
		s->close(s);
}

static void free_node_key(struct cx_server *srv)
{
	if (srv->node_key) {
		sodium_mprotect_readwrite(srv->node_key);
		cx_node_key_wipe(srv->node_key);
		sodium_free(srv->node_key);
	}
	srv->node_key = NULL;
}

/* The signing key in guarded memory, read-only once loaded. */
static int load_node_key(struct cx_server *srv, const char *path, char *err, size_t errlen)
{
	int r;

	srv->node_key = sodium_malloc(sizeof(*srv->node_key));
	if (!srv->node_key) {
		snprintf(err, errlen, "out of memory for the signing key");
		return -ENOMEM;
	}
	r = cx_node_key_load(path, srv->node_key, err, errlen);
	if (r < 0) {
		sodium_free(srv->node_key);
		srv->node_key = NULL;
		return r;
	}
	sodium_mprotect_readonly(srv->node_key);
	return 0;
}

int cx_server_init(struct cx_server *srv, const struct cx_config *cfg, const char *db_path,
                   char *err, size_t errlen)
{
	struct cx_store *s;
	char hex[80];
	size_t keylen = 0;
	int r;

	memset(srv, 0, sizeof(*srv));
	srv->listen_fd = -1;
	srv->cfg = *cfg;
	if (cx_strlcpy(srv->db_path, db_path, sizeof(srv->db_path)) < 0) {
		snprintf(err, errlen, "store path too long");
		return -ENAMETOOLONG;
	}
	/* Opening once here checks the schema before anything listens. */
	s = cx_store_sqlite_open(db_path, CX_STORE_OPEN, err, errlen);
	if (!s)
		return -EIO;
	if (s->meta_get(s, "token_key", hex, sizeof(hex)) != CX_STORE_OK ||
	    sodium_hex2bin(srv->next_key, sizeof(srv->next_key), hex, strlen(hex), NULL, &keylen,
	                   NULL) != 0 ||
	    keylen != sizeof(srv->next_key)) {
		snprintf(err, errlen, "the store has no valid token_key: %s", s->error(s));
		s->close(s);
		return -EIO;
	}
	if (cfg->partner[0]) {
		struct cx_partner p;

		if (s->partner_get(s, cfg->partner, &p) != CX_STORE_OK) {
			snprintf(err, errlen,
			         "node.partner %s is not a partner of this node: add it "
			         "with 'cx partner add' or fix cx.ini",
			         cfg->partner);
			s->close(s);
			return -ENOENT;
		}
		srv->home_partner = p.rowid;
	}
	s->close(s);
	r = cx_vault_key_load(cfg->vault_key, &srv->vault_key, err, errlen);
	if (r < 0)
		return r;
	r = load_node_key(srv, cfg->signing_key, err, errlen);
	if (r == 0 && pthread_key_create(&srv->store_key, close_store) != 0) {
		snprintf(err, errlen, "cannot create thread key");
		r = -ENOMEM;
	}
	if (r < 0) {
		free_node_key(srv);
		cx_vault_key_free(srv->vault_key);
		srv->vault_key = NULL;
		return r;
	}
	srv->started_us = cx_time_now_us();
	return 0;
}

/* Read a whole (small) file as a string; NULL with a reason in err. */
static char *read_file(const char *path, char *err, size_t errlen)
{
	struct cx_buf b;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	cx_buf_init(&b, 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		cx_buf_append(&b, chunk, n);
	fclose(f);
	if (b.err) {
		snprintf(err, errlen, "cannot read %s: too large", path);
		cx_buf_release(&b);
		return NULL;
	}
	return cx_buf_steal(&b, NULL);
}

static struct cx_http_opts http_opts(const struct cx_server *srv)
{
	struct cx_http_opts opts = {
	    .host = srv->cfg.listen_host,
	    .port = srv->cfg.listen_port,
	    .threads = srv->cfg.threads,
	    .connection_limit = srv->cfg.connection_limit,
	    .timeout = srv->cfg.timeout,
	    .listen_fd = srv->listen_fd,
	};

	return opts;
}

static int auth_start(struct cx_server *srv, char *err, size_t errlen)
{
	srv->auth = cx_auth_start(srv, 2);
	if (!srv->auth) {
		snprintf(err, errlen, "cannot start the authentication workers");
		return -ENOMEM;
	}
	return 0;
}

/* Where the inherited socket listens, for the log. */
static void log_inherited(const struct cx_server *srv)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (getsockname(srv->listen_fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET) {
			const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
			port = ntohs(a->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
			port = ntohs(a->sin6_port);
		}
	}
	cx_log(CX_LOG_INFO, NULL, "listening",
	       " socket=systemd fd=%d addr=%s port=%u threads=%u tls=%d", srv->listen_fd, host,
	       port, srv->cfg.threads, srv->tls_cert != NULL);
}

int cx_server_start(struct cx_server *srv, char *err, size_t errlen)
{
	struct cx_http_opts opts = http_opts(srv);
	int r = auth_start(srv, err, errlen);

	if (r < 0)
		return r;
	if (srv->cfg.tls_cert[0]) {
		srv->tls_cert = read_file(srv->cfg.tls_cert, err, errlen);
		srv->tls_key = srv->tls_cert ? read_file(srv->cfg.tls_key, err, errlen) : NULL;
		if (!srv->tls_key)
			return -ENOENT;
		opts.tls_cert_pem = srv->tls_cert;
		opts.tls_key_pem = srv->tls_key;
	}
	srv->http = cx_http_start(&opts, cx_routes, cx_routes_count, srv, err, errlen);
	if (!srv->http)
		return srv->listen_fd >= 0 ? -EINVAL : -EADDRINUSE;
	if (srv->listen_fd >= 0)
		log_inherited(srv);
	else
		cx_log(CX_LOG_INFO, NULL, "listening", " addr=%s port=%u threads=%u tls=%d",
		       srv->cfg.listen_host, cx_http_port(srv->http), srv->cfg.threads,
		       srv->tls_cert != NULL);
	return 0;
}

int cx_server_start_raw(struct cx_server *srv, char *err, size_t errlen)
{
	struct cx_http_opts opts = http_opts(srv);
	int r = auth_start(srv, err, errlen);

	if (r < 0)
		return r;
	srv->http = cx_http_start_raw(&opts, cx_routes, cx_routes_count, srv, err, errlen);
	if (!srv->http)
		return -ENOMEM;
	return 0;
}

int cx_server_raw_request(struct cx_server *srv, const void *data, size_t len,
                          struct cx_buf *response)
{
	if (!srv->http)
		return -EINVAL;
	return cx_http_raw_exchange(srv->http, data, len, response);
}

int cx_server_activation_fd(char *err, size_t errlen)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int64_t p = 0, n = 0;
	int r = -1, type = 0, listening = 0;
	socklen_t tlen = sizeof(type), llen = sizeof(listening);

	/* Not for this process (e.g. inherited from a parent that was
	 * activated): ignored, as sd_listen_fds() ignores it. */
	if (!pid || !fds || cx_parse_i64(pid, 1, INT32_MAX, &p) < 0 || p != (int64_t)getpid() ||
	    cx_parse_i64(fds, 0, INT32_MAX, &n) < 0 || n == 0)
		goto out;
	if (n != 1) {
		snprintf(err, errlen,
		         "systemd passed %lld sockets (LISTEN_FDS); cx serve takes exactly one "
		         "(one ListenStream= in cx.socket)",
		         (long long)n);
		r = -EINVAL;
		goto out;
	}
	if (getsockopt(3, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0 || type != SOCK_STREAM ||
	    getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &listening, &llen) < 0 || !listening) {
		snprintf(err, errlen,
		         "fd 3 from systemd (LISTEN_FDS) is not a listening stream "
		         "socket: use ListenStream= in cx.socket");
		r = -EINVAL;
		goto out;
	}
	fcntl(3, F_SETFD, FD_CLOEXEC);
	r = 3;
out:
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return r;
}

void cx_server_stop(struct cx_server *srv)
{
	struct cx_store *s;

	/* Workers first: they resume every suspended connection, which MHD
	 * needs before it can stop. */
	cx_auth_stop(srv->auth);
	srv->auth = NULL;
	cx_http_stop(srv->http);
	srv->http = NULL;
	free(srv->tls_cert);
	if (srv->tls_key)
		sodium_memzero(srv->tls_key, strlen(srv->tls_key));
	free(srv->tls_key);
	srv->tls_cert = srv->tls_key = NULL;
	s = pthread_getspecific(srv->store_key);
	close_store(s);
	pthread_setspecific(srv->store_key, NULL);
	pthread_key_delete(srv->store_key);
	cx_vault_key_free(srv->vault_key);
	srv->vault_key = NULL;
	free_node_key(srv);
}

struct cx_store *cx_server_store(struct cx_server *srv)
{
	struct cx_store *s = pthread_getspecific(srv->store_key);
	char err[512];

	if (s)
		return s;
	s = cx_store_sqlite_open(srv->db_path, CX_STORE_OPEN, err, sizeof(err));
	if (!s) {
		cx_log(CX_LOG_ERROR, NULL, "store open failed", " reason=\"%s\"", err);
		return NULL;
	}
	s->busy_retries = srv->cfg.busy_retries;
	pthread_setspecific(srv->store_key, s);
	return s;
}
