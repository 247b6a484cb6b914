#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/node_key.h"
#include "server/server.h"
#include "sync/sync.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/str.h"

static const char help[] =
    "usage: cx serve [--listen HOST:PORT] [--threads N]\n"
    "       cx serve --single-request FILE\n"
    "\n"
    "Run the node's HTTP server until SIGINT or SIGTERM: TAXII 2.1, the native\n"
    "API under /api/v1/, the web UI, /healthz and /metrics (doc/API.md).\n"
    "Settings come from the node's cx.ini ([http] section) and --set overrides.\n"
    "With [sync] interval > 0 (default 60 seconds) a thread also pulls every peer\n"
    "every interval, retrying a failing peer with back-off up to [sync] backoff_max\n"
    "(doc/FEDERATION.md).\n"
    "\n"
    "Socket activation: when systemd passes a listening socket (LISTEN_PID is\n"
    "this process, LISTEN_FDS=1, the socket is fd 3), cx serve serves it instead\n"
    "of binding [http] listen or --listen, and logs which it does; more than one\n"
    "socket is refused (doc/OPERATIONS.md).\n"
    "\n"
    "  --listen HOST:PORT      numeric address and port (port 0: any free port)\n"
    "  --threads N             worker threads\n"
    "  --single-request FILE   test mode: open no port and start no sync loop; pass\n"
    "                          the bytes of FILE (- for standard input: one or more\n"
    "                          HTTP/1.1 requests, malformed ones too) through the\n"
    "                          whole server as one client connection, write the\n"
    "                          raw response bytes to standard output, and exit 0\n"
    "                          whatever the response\n"
    "\n"
    "Exit codes: 0 stopped by a signal, or the single request was answered;\n"
    "1 cannot listen (or the server stalled on the single request); 2 usage;\n"
    "3 node or store problem; 4 FILE cannot be read.\n";

/* The most --single-request reads. */
#define SINGLE_REQUEST_MAX (256u * 1024 * 1024)

static void sync_log(void *arg, bool failure, const char *peer, const char *msg)
{
	char q[1100], qp[140];

	(void)arg;
	cx_log(failure ? CX_LOG_WARN : CX_LOG_INFO, NULL, "sync", " peer=%s detail=%s",
	       cx_log_quote(peer ? peer : "-", qp, sizeof(qp)), cx_log_quote(msg, q, sizeof(q)));
}

/* Start the sync loop when [sync] interval is set. Returns 0 or -1 after
 * printing why. */
static int sync_start(struct cx_cli *cli, const struct cx_server *srv, struct cx_sync_loop **ret)
{
	struct cx_sync_loop_config lc;
	char err[512];

	*ret = NULL;
	if (!cli->cfg.sync_interval)
		return 0;
	memset(&lc, 0, sizeof(lc));
	cx_strlcpy(lc.db_path, cli->db_path, sizeof(lc.db_path));
	lc.busy_retries = cli->cfg.busy_retries;
	lc.interval = cli->cfg.sync_interval;
	lc.backoff_max = cli->cfg.sync_backoff_max;
	lc.rules = &cli->cfg.records;
	cx_strlcpy(lc.own_partner, cli->cfg.partner, sizeof(lc.own_partner));
	if (srv->node_key) {
		memcpy(lc.own_pk, srv->node_key->pk, sizeof(lc.own_pk));
		snprintf(lc.own_key_id, sizeof(lc.own_key_id), "%s", srv->node_key->key_id);
		lc.have_own_key = true;
	}
	lc.log = sync_log;
	if (cx_sync_loop_start(&lc, ret, err, sizeof(err)) < 0) {
		cx_cli_error("%s", err);
		return -1;
	}
	cx_log(CX_LOG_INFO, NULL, "sync loop started", " interval=%u backoff_max=%u",
	       cli->cfg.sync_interval, cli->cfg.sync_backoff_max);
	return 0;
}

/* Read all of path ("-": standard input) into b. 0, or CX_EXIT_INPUT after
 * printing why. */
static int read_request(const char *path, struct cx_buf *b)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int failed;

	if (!f) {
		cx_cli_error("serve: cannot read %s: %s", path, strerror(errno));
		return CX_EXIT_INPUT;
	}
	cx_buf_init(b, SINGLE_REQUEST_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		cx_buf_append(b, chunk, n);
	failed = ferror(f);
	if (f != stdin)
		fclose(f);
	if (failed || b->err) {
		cx_cli_error("serve: cannot read %s: %s", path,
		             failed ? "read error" : "larger than 256 MiB");
		cx_buf_release(b);
		return CX_EXIT_INPUT;
	}
	return CX_EXIT_OK;
}

/* --single-request: one raw exchange with the whole server, no port. */
static int single_request(struct cx_cli *cli, const char *path)
{
	struct cx_server srv;
	struct cx_buf in, out;
	char err[512];
	int r;

	if ((r = read_request(path, &in)) != CX_EXIT_OK)
		return r;
	if (cx_server_init(&srv, &cli->cfg, cli->db_path, err, sizeof(err)) < 0) {
		cx_cli_error("%s", err);
		cx_buf_release(&in);
		return CX_EXIT_NODE;
	}
	signal(SIGPIPE, SIG_IGN);
	if (cx_server_start_raw(&srv, err, sizeof(err)) < 0) {
		cx_cli_error("%s", err);
		cx_server_stop(&srv);
		cx_buf_release(&in);
		return CX_EXIT_NODE;
	}
	cx_buf_init(&out, 0);
	r = cx_server_raw_request(&srv, in.data, in.len, &out);
	cx_server_stop(&srv);
	cx_buf_release(&in);
	if (out.len)
		fwrite(out.data, 1, out.len, stdout);
	cx_buf_release(&out);
	if (fflush(stdout) != 0) {
		cx_cli_error("serve: cannot write the response: %s", strerror(errno));
		return CX_EXIT_FAILED;
	}
	if (r < 0) {
		cx_cli_error("serve: the request was not served: %s",
		             r == -ETIMEDOUT ? "the server made no progress for 10 seconds"
		                             : strerror(-r));
		return CX_EXIT_FAILED;
	}
	return CX_EXIT_OK;
}

/* Take the socket systemd passed, if any: srv->listen_fd. 0, or -1 after
 * printing why. */
static int take_activation(struct cx_server *srv)
{
	char err[256];
	int fd = cx_server_activation_fd(err, sizeof(err));

	if (fd < -1) {
		cx_cli_error("serve: %s", err);
		return -1;
	}
	srv->listen_fd = fd;
	return 0;
}

int cx_cmd_serve(struct cx_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"threads", required_argument, NULL, 't'},
	    {"single-request", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *listen = NULL, *threads = NULL, *single = NULL;
	struct cx_server srv;
	struct cx_sync_loop *loop = NULL;
	char err[512];
	sigset_t set;
	int c, r, sig = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			listen = optarg;
			break;
		case 't':
			threads = optarg;
			break;
		case 's':
			single = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return CX_EXIT_OK;
		default:
			cx_cli_error(
			    "serve: unknown or incomplete option '%s': see 'cx serve --help'",
			    argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cx_cli_error("serve takes no arguments: see 'cx serve --help'");
		return CX_EXIT_USAGE;
	}
	if (single && (listen || threads)) {
		cx_cli_error("serve: --single-request opens no port and runs on one thread: "
		             "drop --listen and --threads");
		return CX_EXIT_USAGE;
	}
	if ((r = cx_cli_node_load(cli)) != CX_EXIT_OK)
		return r;
	if ((listen && cx_config_set(&cli->cfg, "http", "listen", listen, err, sizeof(err)) < 0) ||
	    (threads &&
	     cx_config_set(&cli->cfg, "http", "threads", threads, err, sizeof(err)) < 0)) {
		cx_cli_error("serve: %s", err);
		return CX_EXIT_USAGE;
	}
	if (single)
		return single_request(cli, single);
	if (cx_server_init(&srv, &cli->cfg, cli->db_path, err, sizeof(err)) < 0) {
		cx_cli_error("%s", err);
		return CX_EXIT_NODE;
	}
	if (take_activation(&srv) < 0) {
		cx_server_stop(&srv);
		return CX_EXIT_FAILED;
	}
	/* libcurl's global state, before any thread starts. */
	if (cli->cfg.sync_interval && cx_sync_global_init() < 0) {
		cx_cli_error("libcurl failed to initialise");
		cx_server_stop(&srv);
		return CX_EXIT_NODE;
	}
	/* Block the stop signals before MHD starts its threads, so that only
	 * this thread receives them, in sigwait(). */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (cx_server_start(&srv, err, sizeof(err)) < 0) {
		if (srv.listen_fd >= 0)
			cx_cli_error("%s", err);
		else
			cx_cli_error("%s: change http.listen in cx.ini or pass --listen", err);
		cx_server_stop(&srv);
		if (cli->cfg.sync_interval)
			cx_sync_global_cleanup();
		return CX_EXIT_FAILED;
	}
	if (sync_start(cli, &srv, &loop) < 0) {
		cx_server_stop(&srv);
		cx_sync_global_cleanup();
		return CX_EXIT_FAILED;
	}
	sigwait(&set, &sig);
	cx_log(CX_LOG_INFO, NULL, "stopping", " signal=%d", sig);
	/* A page being applied is committed or rolled back whole. */
	cx_sync_loop_stop(loop);
	cx_server_stop(&srv);
	if (cli->cfg.sync_interval)
		cx_sync_global_cleanup();
	return CX_EXIT_OK;
}
