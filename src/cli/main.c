/* cx — the Coalition Exchange node command. */
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct subcommand {
	const char *name;
	int (*run)(struct cx_cli *cli, int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{"init", cx_cmd_init, "create a node in a folder"},
	{"serve", cx_cmd_serve, "run the node's HTTP server"},
	{"import", cx_cmd_import, "store the objects of a STIX bundle or TAXII envelope"},
	{"export", cx_cmd_export, "write stored objects as a STIX bundle"},
	{"collection", cx_cmd_collection, "add, list, show collections and grant access"},
	{"partner", cx_cmd_partner, "add, list and show partners"},
	{"user", cx_cmd_user, "add, list, show, disable users and set passwords"},
	{"token", cx_cmd_token, "create, list, disable and rotate API tokens"},
	{"audit", cx_cmd_audit, "show and verify the tamper-evident audit trail"},
	{"peer", cx_cmd_peer, "add, list, show and remove the peers this node pulls from"},
	{"sync", cx_cmd_sync, "pull the peers' collections once (federation)"},
	{"key", cx_cmd_key, "show the node's signing key; verify signed objects"},
	{"demo", cx_cmd_demo, "create a demo node with the partners, users and Exercise data"},
	{"version", cx_cmd_version, "print the version of cx and its libraries"},
};

static void usage(FILE *out)
{
	fputs("usage: cx [--node DIR] [--set SECTION.KEY=VALUE]... COMMAND [ARGS]\n"
	      "\n"
	      "Commands:\n",
	      out);
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-12s %s\n", subcommands[i].name, subcommands[i].summary);
	fputs("\n"
	      "Options:\n"
	      "  --node DIR     the node folder (default: $CX_NODE, else the current folder)\n"
	      "  --set S.K=V    override a setting of cx.ini, e.g. --set http.listen=127.0.0.1:9000\n"
	      "  -h, --help     show this help; 'cx COMMAND --help' shows a command's help\n"
	      "\n"
	      "Exit codes: 0 success; 1 operation failed or refused; 2 usage error;\n"
	      "3 node or store problem; 4 input problem.\n",
	      out);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"node", required_argument, NULL, 'n'},
		{"set", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct cx_cli cli;
	int c;

	memset(&cli, 0, sizeof(cli));
	if (sodium_init() < 0) {
		cx_cli_error("libsodium failed to initialise: check /dev/urandom");
		return CX_EXIT_FAILED;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			cli.node_opt = optarg;
			break;
		case 's':
			if (cli.noverrides == CX_MAX_OVERRIDES) {
				cx_cli_error("at most %d --set options", CX_MAX_OVERRIDES);
				return CX_EXIT_USAGE;
			}
			cli.overrides[cli.noverrides++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return CX_EXIT_OK;
		case 'V':
			return cx_cmd_version(&cli, 1, argv);
		default:
			cx_cli_error("unknown or incomplete option '%s': see 'cx --help'",
				     argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CX_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (strcmp(argv[optind], subcommands[i].name) == 0) {
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;

			optind = 0; /* 0, not 1: glibc then fully re-initialises getopt */
			return subcommands[i].run(&cli, sub_argc, sub_argv);
		}
	}
	cx_cli_error("unknown command '%s': see 'cx --help'", argv[optind]);
	return CX_EXIT_USAGE;
}
