#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/audit.h"
#include "util/str.h"
#include "util/time.h"

static const char help[] =
	"usage: cx audit show [--action ACTION] [--actor NAME] [--since TIMESTAMP]\n"
	"                     [--after SEQ] [--limit N]\n"
	"       cx audit verify\n"
	"\n"
	"show prints audit entries, oldest first, one JSON object per line (the exact\n"
	"text the hash chain covers). verify recomputes the chain and names the first\n"
	"entry that was altered, removed, inserted or reordered.\n"
	"\n"
	"Exit codes: 0 done / chain intact; 1 chain broken; 2 usage; 3 node or store.\n";

static int print_entry(void *arg, const struct cx_audit_row *row)
{
	(void)arg;
	puts(row->json);
	return 0;
}

static int show(struct cx_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{"action", required_argument, NULL, 'a'},
		{"actor", required_argument, NULL, 'u'},
		{"since", required_argument, NULL, 's'},
		{"after", required_argument, NULL, 'A'},
		{"limit", required_argument, NULL, 'l'},
		{NULL, 0, NULL, 0},
	};
	const char *action = NULL, *actor = NULL;
	int64_t since = 0, after = 0, limit = 0;
	int o;

	optind = 0; /* 0, not 1: glibc then fully re-initialises getopt */
	opterr = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int bad = 0;

		switch (o) {
		case 'a': action = optarg; break;
		case 'u': actor = optarg; break;
		case 's': bad = cx_time_parse(optarg, &since, NULL); break;
		case 'A': bad = cx_parse_i64(optarg, 0, INT64_MAX, &after); break;
		case 'l': bad = cx_parse_i64(optarg, 1, INT64_MAX, &limit); break;
		default: bad = -1; break;
		}
		if (bad < 0) {
			cx_cli_error("audit show: bad option or value '%s': see 'cx audit --help'",
				     argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cx_cli_error("audit show takes no arguments: see 'cx audit --help'");
		return CX_EXIT_USAGE;
	}
	if (s->audit_scan(s, after, action, actor, since, (size_t)limit, print_entry, NULL) < 0) {
		cx_cli_error("store: %s", s->error(s));
		return CX_EXIT_NODE;
	}
	return CX_EXIT_OK;
}

static int verify(struct cx_store *s)
{
	int64_t count = 0, bad = 0;
	char why[256] = "";
	int r = cx_audit_verify(s, &count, &bad, why, sizeof(why));

	if (r < 0) {
		cx_cli_error("store: %s", s->error(s));
		return CX_EXIT_NODE;
	}
	if (r > 0) {
		printf("audit chain broken at entry %lld: %s\n", (long long)bad, why);
		return CX_EXIT_FAILED;
	}
	printf("audit chain intact: %lld entries\n", (long long)count);
	return CX_EXIT_OK;
}

int cx_cmd_audit(struct cx_cli *cli, int argc, char **argv)
{
	struct cx_store *s;
	int r;

	if (argc < 2) {
		cx_cli_error("audit needs a command: show or verify (see 'cx audit --help')");
		return CX_EXIT_USAGE;
	}
	if (cx_cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return CX_EXIT_OK;
	}
	if (strcmp(argv[1], "show") && strcmp(argv[1], "verify")) {
		cx_cli_error("unknown audit command '%s': see 'cx audit --help'", argv[1]);
		return CX_EXIT_USAGE;
	}
	if (strcmp(argv[1], "verify") == 0 && argc > 2) {
		cx_cli_error("audit verify takes no arguments");
		return CX_EXIT_USAGE;
	}
	if ((r = cx_cli_node_load(cli)) != CX_EXIT_OK)
		return r;
	s = cx_cli_store_open(cli);
	if (!s)
		return CX_EXIT_NODE;
	r = strcmp(argv[1], "show") == 0 ? show(s, argc - 1, argv + 1) : verify(s);
	s->close(s);
	return r;
}
