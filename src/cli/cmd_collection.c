#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/str.h"
#include "util/uuid.h"

static const char help[] =
	"usage: cx collection add --title TITLE [--alias ALIAS] [--description TEXT] [--id UUID]\n"
	"       cx collection list\n"
	"       cx collection show ID|ALIAS\n"
	"\n"
	"Manage the node's collections (the TAXII collections objects are grouped in).\n"
	"\n"
	"Exit codes: 0 done; 1 no such collection, or id/alias already taken; 2 usage;\n"
	"3 node or store problem.\n";

static void print_collection(const struct cx_collection *c)
{
	printf("%s\t%s\t%s\t%s\n", c->id, c->alias[0] ? c->alias : "-", c->title,
	       c->description);
}

static int list_cb(void *arg, const struct cx_collection *c)
{
	(void)arg;
	print_collection(c);
	return 0;
}

static int add(struct cx_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{"title", required_argument, NULL, 't'},
		{"alias", required_argument, NULL, 'a'},
		{"description", required_argument, NULL, 'd'},
		{"id", required_argument, NULL, 'i'},
		{NULL, 0, NULL, 0},
	};
	struct cx_collection c;
	enum cx_store_status st;
	int o;

	memset(&c, 0, sizeof(c));
	cx_uuid_v4(c.id);
	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int r = 0;

		switch (o) {
		case 't': r = cx_strlcpy(c.title, optarg, sizeof(c.title)); break;
		case 'a': r = cx_strlcpy(c.alias, optarg, sizeof(c.alias)); break;
		case 'd': r = cx_strlcpy(c.description, optarg, sizeof(c.description)); break;
		case 'i':
			if (!cx_uuid_valid(optarg, strlen(optarg))) {
				cx_cli_error("collection add: --id must be a UUID, not '%s'", optarg);
				return CX_EXIT_USAGE;
			}
			r = cx_strlcpy(c.id, optarg, sizeof(c.id));
			break;
		default:
			cx_cli_error("collection add: unknown or incomplete option '%s': see 'cx "
				     "collection --help'",
				     argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
		if (r < 0) {
			cx_cli_error("collection add: %s is too long", argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (!c.title[0] || optind < argc) {
		cx_cli_error("collection add needs --title and no other arguments: see 'cx "
			     "collection --help'");
		return CX_EXIT_USAGE;
	}
	if (c.alias[0] && cx_uuid_valid(c.alias, strlen(c.alias))) {
		cx_cli_error("collection add: an alias must not look like a collection id");
		return CX_EXIT_USAGE;
	}
	if (s->begin(s, true) < 0 || (st = s->collection_create(s, &c)) < 0 ||
	    s->commit(s) < 0) {
		s->rollback(s);
		cx_cli_error("store: %s", s->error(s));
		return CX_EXIT_NODE;
	}
	if (st == CX_STORE_NO_RESULT) {
		cx_cli_error("a collection with id %s or alias '%s' exists: choose another", c.id,
			     c.alias);
		return CX_EXIT_FAILED;
	}
	print_collection(&c);
	return CX_EXIT_OK;
}

int cx_cmd_collection(struct cx_cli *cli, int argc, char **argv)
{
	struct cx_store *s;
	int r;

	if (argc < 2 || cx_cli_wants_help(argc, argv)) {
		fputs(help, argc < 2 ? stderr : stdout);
		return argc < 2 ? CX_EXIT_USAGE : CX_EXIT_OK;
	}
	if (strcmp(argv[1], "add") && strcmp(argv[1], "list") && strcmp(argv[1], "show")) {
		cx_cli_error("unknown collection command '%s': see 'cx collection --help'",
			     argv[1]);
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
		r = s->collection_list(s, list_cb, NULL) < 0 ? CX_EXIT_NODE : CX_EXIT_OK;
		if (r != CX_EXIT_OK)
			cx_cli_error("store: %s", s->error(s));
	} else if (argc != 3) {
		cx_cli_error("collection show needs one ID or ALIAS");
		r = CX_EXIT_USAGE;
	} else {
		struct cx_collection c;
		enum cx_store_status st = s->collection_get(s, argv[2], &c);

		if (st == CX_STORE_OK) {
			print_collection(&c);
			r = CX_EXIT_OK;
		} else if (st == CX_STORE_NO_RESULT) {
			cx_cli_error("no collection '%s': see 'cx collection list'", argv[2]);
			r = CX_EXIT_FAILED;
		} else {
			cx_cli_error("store: %s", s->error(s));
			r = CX_EXIT_NODE;
		}
	}
	s->close(s);
	return r;
}
