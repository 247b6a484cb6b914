#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "access/roles.h"
#include "cli/cli.h"
#include "util/str.h"
#include "util/uuid.h"

static const char help[] =
	"usage: cx collection add --title TITLE [--root ROOT] [--alias ALIAS]\n"
	"                         [--description TEXT] [--id UUID]\n"
	"       cx collection list\n"
	"       cx collection show ID|ALIAS\n"
	"       cx collection allow ID|ALIAS --partner CODE|'*' [--role ROLE|'*']\n"
	"                           --read | --write | --read-write | --none\n"
	"\n"
	"Manage the node's TAXII collections. A collection lives in one API root\n"
	"(default: taxii.default_root of cx.ini). 'allow' sets what users of a partner\n"
	"(or '*': any) with a role (or '*': any, the default) may do; --none removes\n"
	"the grant. Without grants nobody can read or write a collection.\n"
	"\n"
	"Exit codes: 0 done; 1 no such collection, or id/alias taken; 2 usage;\n"
	"3 node or store problem.\n";

static void print_collection(const struct cx_collection *c)
{
	printf("%s\t%s\t%s\t%s\t%s\n", c->id, c->api_root, c->alias[0] ? c->alias : "-",
	       c->title, c->description);
}

static int list_cb(void *arg, const struct cx_collection *c)
{
	(void)arg;
	print_collection(c);
	return 0;
}

static int grant_cb(void *arg, const char *partner, const char *role, bool can_read,
		    bool can_write)
{
	(void)arg;
	printf("  allow\t%s\t%s\t%s\n", partner, role,
	       can_read && can_write ? "read-write" : can_read ? "read" : "write");
	return 0;
}

static int add(struct cx_cli *cli, struct cx_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{"title", required_argument, NULL, 't'},
		{"alias", required_argument, NULL, 'a'},
		{"description", required_argument, NULL, 'd'},
		{"id", required_argument, NULL, 'i'},
		{"root", required_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	struct cx_collection c;
	enum cx_store_status st;
	json_t *detail;
	const char *root = cli->cfg.default_root[0] ? cli->cfg.default_root : NULL;
	int o;

	memset(&c, 0, sizeof(c));
	cx_uuid_v4(c.id);
	optind = 0; /* 0, not 1: glibc then fully re-initialises getopt */
	opterr = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int r = 0;

		switch (o) {
		case 't': r = cx_strlcpy(c.title, optarg, sizeof(c.title)); break;
		case 'a': r = cx_strlcpy(c.alias, optarg, sizeof(c.alias)); break;
		case 'd': r = cx_strlcpy(c.description, optarg, sizeof(c.description)); break;
		case 'r': root = optarg; break;
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
	if (!root && cli->cfg.nroots == 1)
		root = cli->cfg.roots[0].name;
	if (!root || !cx_config_root(&cli->cfg, root)) {
		cx_cli_error("collection add: %s%s%s: pass --root with an [api_root:NAME] of cx.ini",
			     root ? "no API root '" : "no default API root",
			     root ? root : "", root ? "'" : "");
		return CX_EXIT_USAGE;
	}
	cx_strlcpy(c.api_root, root, sizeof(c.api_root));
	if (c.alias[0] && cx_uuid_valid(c.alias, strlen(c.alias))) {
		cx_cli_error("collection add: an alias must not look like a collection id");
		return CX_EXIT_USAGE;
	}
	detail = json_pack("{s:s, s:s, s:s, s:s}", "collection", c.id, "api_root", c.api_root,
			   "alias", c.alias, "title", c.title);
	if (s->begin(s, true) < 0 || (st = s->collection_create(s, &c)) < 0 ||
	    (st == CX_STORE_OK && cx_cli_audit(s, "collection.add", detail) < 0) ||
	    s->commit(s) < 0) {
		json_decref(detail);
		s->rollback(s);
		cx_cli_error("store: %s", s->error(s));
		return CX_EXIT_NODE;
	}
	json_decref(detail);
	if (st == CX_STORE_NO_RESULT) {
		cx_cli_error("a collection with id %s, or alias '%s' in root %s, exists: choose "
			     "another",
			     c.id, c.alias, c.api_root);
		return CX_EXIT_FAILED;
	}
	print_collection(&c);
	return CX_EXIT_OK;
}

static int allow(struct cx_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{"partner", required_argument, NULL, 'p'},
		{"role", required_argument, NULL, 'r'},
		{"read", no_argument, NULL, 'R'},
		{"write", no_argument, NULL, 'W'},
		{"read-write", no_argument, NULL, 'B'},
		{"none", no_argument, NULL, 'N'},
		{NULL, 0, NULL, 0},
	};
	const char *partner = NULL, *role = "*";
	int mode = 0; /* bit 1 read, bit 2 write, 4 chosen */
	struct cx_collection c;
	json_t *detail;
	unsigned bit;
	int o, r;

	optind = 0; /* 0, not 1: glibc then fully re-initialises getopt */
	opterr = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'p': partner = optarg; break;
		case 'r': role = optarg; break;
		case 'R': mode = 4 | 1; break;
		case 'W': mode = 4 | 2; break;
		case 'B': mode = 4 | 3; break;
		case 'N': mode = 4; break;
		default:
			cx_cli_error("collection allow: bad option '%s': see 'cx collection --help'",
				     argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || !partner || !mode) {
		cx_cli_error("collection allow needs ID|ALIAS, --partner and one of --read, "
			     "--write, --read-write, --none");
		return CX_EXIT_USAGE;
	}
	if (strcmp(partner, "*") != 0 && !cx_partner_code_valid(partner)) {
		cx_cli_error("--partner takes a partner code or '*', not '%s'", partner);
		return CX_EXIT_USAGE;
	}
	if (strcmp(role, "*") != 0 && cx_role_parse(role, &bit) < 0) {
		cx_cli_error("--role takes reader, contributor, approver, admin, peer or '*', not "
			     "'%s'",
			     role);
		return CX_EXIT_USAGE;
	}
	if ((r = cx_cli_collection_find(s, argv[optind], &c)) != CX_EXIT_OK)
		return r;
	detail = json_pack("{s:s, s:s, s:s, s:b, s:b}", "collection", c.id, "partner", partner,
			   "role", role, "read", mode & 1, "write", (mode & 2) != 0);
	if (s->begin(s, true) < 0 ||
	    s->collection_grant(s, c.rowid, partner, role, mode & 1, (mode & 2) != 0) < 0 ||
	    cx_cli_audit(s, "collection.allow", detail) < 0 || s->commit(s) < 0) {
		json_decref(detail);
		s->rollback(s);
		cx_cli_error("store: %s", s->error(s));
		return CX_EXIT_NODE;
	}
	json_decref(detail);
	print_collection(&c);
	s->collection_grants(s, c.rowid, grant_cb, NULL);
	return CX_EXIT_OK;
}

int cx_cmd_collection(struct cx_cli *cli, int argc, char **argv)
{
	struct cx_store *s;
	struct cx_collection c;
	int r;

	if (argc < 2) {
		cx_cli_error("collection needs a command: add, list, show or allow (see 'cx collection --help')");
		return CX_EXIT_USAGE;
	}
	if (cx_cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return CX_EXIT_OK;
	}
	if (strcmp(argv[1], "add") && strcmp(argv[1], "list") && strcmp(argv[1], "show") &&
	    strcmp(argv[1], "allow")) {
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
		r = add(cli, s, argc - 1, argv + 1);
	} else if (strcmp(argv[1], "allow") == 0) {
		r = allow(s, argc - 1, argv + 1);
	} else if (strcmp(argv[1], "list") == 0) {
		r = s->collection_list(s, NULL, list_cb, NULL) < 0 ? CX_EXIT_NODE : CX_EXIT_OK;
		if (r != CX_EXIT_OK)
			cx_cli_error("store: %s", s->error(s));
	} else if (argc != 3) {
		cx_cli_error("collection show needs one ID or ALIAS");
		r = CX_EXIT_USAGE;
	} else if ((r = cx_cli_collection_find(s, argv[2], &c)) == CX_EXIT_OK) {
		print_collection(&c);
		if (s->collection_grants(s, c.rowid, grant_cb, NULL) < 0) {
			cx_cli_error("store: %s", s->error(s));
			r = CX_EXIT_NODE;
		}
	}
	s->close(s);
	return r;
}
