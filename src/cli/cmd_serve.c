#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "server/server.h"
#include "util/log.h"

static const char help[] =
	"usage: cx serve [--listen HOST:PORT] [--threads N]\n"
	"\n"
	"Run the node's HTTP server until SIGINT or SIGTERM. Endpoints: /healthz.\n"
	"Settings come from the node's cx.ini ([http] section) and --set overrides.\n"
	"\n"
	"  --listen HOST:PORT   numeric address and port (port 0: any free port)\n"
	"  --threads N          worker threads\n"
	"\n"
	"Exit codes: 0 stopped by a signal; 2 usage; 3 node or store problem;\n"
	"1 cannot listen.\n";

int cx_cmd_serve(struct cx_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"threads", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *listen = NULL, *threads = NULL;
	struct cx_server srv;
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
		case 'h':
			fputs(help, stdout);
			return CX_EXIT_OK;
		default:
			cx_cli_error("serve: unknown or incomplete option '%s': see 'cx serve --help'",
				     argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cx_cli_error("serve takes no arguments: see 'cx serve --help'");
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
	if (cx_server_init(&srv, &cli->cfg, cli->db_path, err, sizeof(err)) < 0) {
		cx_cli_error("%s", err);
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
		cx_cli_error("%s: change http.listen in cx.ini or pass --listen", err);
		cx_server_stop(&srv);
		return CX_EXIT_FAILED;
	}
	sigwait(&set, &sig);
	cx_log(CX_LOG_INFO, NULL, "stopping", " signal=%d", sig);
	cx_server_stop(&srv);
	return CX_EXIT_OK;
}
