#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "access/roles.h"
#include "cli/cli.h"
#include "core/bootstrap.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

static const char help[] =
	"usage: cx partner add CODE --name NAME [--identity identity--UUID]\n"
	"       cx partner list\n"
	"       cx partner show CODE\n"
	"\n"
	"Manage the partners (organisations) users belong to. CODE is 2-16 of\n"
	"A-Z 0-9 - (e.g. USA, IRQ, KRG). Each partner gets a STIX identity (stored,\n"
	"TLP:CLEAR); --identity pins its id, e.g. to match the partner's other nodes.\n"
	"\n"
	"Exit codes: 0 done; 1 no such partner, or code taken; 2 usage; 3 node or store.\n";

static void print_partner(const struct cx_partner *p)
{
	printf("%s\t%s\t%s\n", p->code, p->name, p->identity_id);
}

static int list_cb(void *arg, const struct cx_partner *p)
{
	(void)arg;
	print_partner(p);
	return 0;
}

static int add(struct cx_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'},
		{"identity", required_argument, NULL, 'i'},
		{NULL, 0, NULL, 0},
	};
	const char *identity = NULL;
	struct cx_partner p;
	char uuid[CX_UUID_STRLEN], err[512];
	enum cx_store_status st;
	int o;

	memset(&p, 0, sizeof(p));
	optind = 0; /* 0, not 1: glibc then fully re-initialises getopt */
	opterr = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'i') {
			identity = optarg;
			continue;
		}
		if (o != 'n' || cx_strlcpy(p.name, optarg, sizeof(p.name)) < 0) {
			cx_cli_error("partner add: bad option '%s': see 'cx partner --help'",
				     argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || !p.name[0]) {
		cx_cli_error("partner add needs CODE and --name NAME: see 'cx partner --help'");
		return CX_EXIT_USAGE;
	}
	if (!cx_partner_code_valid(argv[optind])) {
		cx_cli_error("partner code '%s' must be 2-16 of A-Z 0-9 - (e.g. USA)",
			     argv[optind]);
		return CX_EXIT_USAGE;
	}
	cx_strlcpy(p.code, argv[optind], sizeof(p.code));
	if (identity) {
		if (strncmp(identity, "identity--", 10) != 0 ||
		    !cx_uuid_valid(identity + 10, strlen(identity + 10))) {
			cx_cli_error("--identity must be identity--UUID, not '%s'", identity);
			return CX_EXIT_USAGE;
		}
		cx_strlcpy(p.identity_id, identity, sizeof(p.identity_id));
	} else {
		snprintf(p.identity_id, sizeof(p.identity_id), "identity--%s", cx_uuid_v4(uuid));
	}
	p.created = cx_time_now_us();
	err[0] = '\0';
	st = cx_partner_create(s, &p, err, sizeof(err));
	if (st < 0) {
		cx_cli_error("%s", err[0] ? err : s->error(s));
		return CX_EXIT_NODE;
	}
	if (st == CX_STORE_NO_RESULT) {
		cx_cli_error("partner %s exists: see 'cx partner list'", p.code);
		return CX_EXIT_FAILED;
	}
	print_partner(&p);
	return CX_EXIT_OK;
}

int cx_cmd_partner(struct cx_cli *cli, int argc, char **argv)
{
	struct cx_store *s;
	int r;

	if (argc < 2) {
		cx_cli_error("partner needs a command: add, list or show (see 'cx partner --help')");
		return CX_EXIT_USAGE;
	}
	if (cx_cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return CX_EXIT_OK;
	}
	if (strcmp(argv[1], "add") && strcmp(argv[1], "list") && strcmp(argv[1], "show")) {
		cx_cli_error("unknown partner command '%s': see 'cx partner --help'", argv[1]);
		return CX_EXIT_USAGE;
	}
	if ((r = cx_cli_node_load(cli)) != CX_EXIT_OK)
		return r;
	s = cx_cli_store_open(cli);
	if (!s)
		return CX_EXIT_NODE;
	if (strcmp(argv[1], "add") == 0) {
		r = add(s, argc - 1, argv + 1);
	} else if (strcmp(argv[1], "list") == 0) {
		r = s->partner_list(s, list_cb, NULL) < 0 ? CX_EXIT_NODE : CX_EXIT_OK;
		if (r != CX_EXIT_OK)
			cx_cli_error("store: %s", s->error(s));
	} else if (argc != 3) {
		cx_cli_error("partner show needs one CODE");
		r = CX_EXIT_USAGE;
	} else {
		struct cx_partner p;
		enum cx_store_status st = s->partner_get(s, argv[2], &p);

		r = st == CX_STORE_OK ? CX_EXIT_OK : st == CX_STORE_NO_RESULT ? CX_EXIT_FAILED
									  : CX_EXIT_NODE;
		if (st == CX_STORE_OK)
			print_partner(&p);
		else if (st == CX_STORE_NO_RESULT)
			cx_cli_error("no partner '%s': see 'cx partner list'", argv[2]);
		else
			cx_cli_error("store: %s", s->error(s));
	}
	s->close(s);
	return r;
}
