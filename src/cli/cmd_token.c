#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "access/credentials.h"
#include "cli/cli.h"
#include "util/str.h"
#include "util/time.h"

static const char help[] =
	"usage: cx token create USER [--name LABEL] [--expires-days N | --expires-seconds N]\n"
	"       cx token list [USER]\n"
	"       cx token disable ID\n"
	"       cx token rotate ID\n"
	"\n"
	"Manage API tokens (sent as 'Authorization: Bearer TOKEN'). create and rotate\n"
	"print the new token once, on standard output; only its SHA-256 is kept.\n"
	"rotate disables the token ID and creates a new one for the same user.\n"
	"--expires-days: 1 to 3650; --expires-seconds: 1 to 315360000 (default: never).\n"
	"\n"
	"Exit codes: 0 done; 1 no such user or token; 2 usage; 3 node or store.\n";

static void print_token(const struct cx_token *t)
{
	char created[CX_TIME_STRLEN], expires[CX_TIME_STRLEN], used[CX_TIME_STRLEN];

	printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t->id, t->user_name, t->name[0] ? t->name : "-",
	       cx_time_format(t->created, 0, created),
	       t->expires ? cx_time_format(t->expires, 0, expires) : "never",
	       t->last_used ? cx_time_format(t->last_used, 0, used) : "never",
	       t->disabled ? "disabled" : "enabled");
}

static int list_cb(void *arg, const struct cx_token *t)
{
	(void)arg;
	print_token(t);
	return 0;
}

/* Create a token for user; print it. */
static int create(struct cx_store *s, const char *user_name, const char *label, int64_t expires,
		  const char *disable_id)
{
	struct cx_user u;
	struct cx_token t;
	char token[CX_TOKEN_STRLEN];
	unsigned char hash[32];
	json_t *detail;
	enum cx_store_status st = s->user_get(s, user_name, &u);

	if (st == CX_STORE_NO_RESULT) {
		cx_cli_error("no user '%s': see 'cx user list'", user_name);
		return CX_EXIT_FAILED;
	}
	if (st < 0)
		goto store_error;
	memset(&t, 0, sizeof(t));
	cx_token_new(token, t.id);
	cx_token_hash(token, strlen(token), hash);
	t.user_rowid = u.rowid;
	cx_strlcpy(t.name, label ? label : "", sizeof(t.name));
	t.created = cx_time_now_us();
	t.expires = expires;
	detail = json_pack("{s:s, s:s, s:s?}", "token", t.id, "user", u.name, "replaces",
			   disable_id);
	if (s->begin(s, true) < 0 || (disable_id && s->token_disable(s, disable_id) < 0) ||
	    (st = s->token_add(s, &t, hash)) < 0 ||
	    cx_cli_audit(s, disable_id ? "token.rotate" : "token.create", detail) < 0 ||
	    s->commit(s) < 0) {
		json_decref(detail);
		s->rollback(s);
		goto store_error;
	}
	json_decref(detail);
	puts(token);
	fprintf(stderr, "token %s for %s: keep it now, it cannot be shown again\n", t.id,
		u.name);
	return CX_EXIT_OK;
store_error:
	cx_cli_error("store: %s", s->error(s));
	return CX_EXIT_NODE;
}

static int disable_token(struct cx_store *s, const struct cx_token *t)
{
	json_t *detail = json_pack("{s:s, s:s}", "token", t->id, "user", t->user_name);
	int r = 0;

	if (s->begin(s, true) < 0 || s->token_disable(s, t->id) < 0 ||
	    cx_cli_audit(s, "token.disable", detail) < 0 || s->commit(s) < 0) {
		s->rollback(s);
		r = -EIO;
	}
	json_decref(detail);
	return r;
}

struct find_ctx {
	const char *id;
	struct cx_token found;
	bool ok;
};

static int find_cb(void *arg, const struct cx_token *t)
{
	struct find_ctx *f = arg;

	if (strcmp(t->id, f->id) != 0)
		return 0;
	f->found = *t;
	f->ok = true;
	return 1;
}

int cx_cmd_token(struct cx_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'},
		{"expires-days", required_argument, NULL, 'e'},
		{"expires-seconds", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	const char *label = NULL;
	struct cx_store *s;
	int64_t days = 0, seconds = 0;
	int o, r;

	if (argc < 2) {
		cx_cli_error("token needs a command: create, list, disable or rotate (see 'cx token --help')");
		return CX_EXIT_USAGE;
	}
	if (cx_cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return CX_EXIT_OK;
	}
	if (strcmp(argv[1], "create") && strcmp(argv[1], "list") && strcmp(argv[1], "disable") &&
	    strcmp(argv[1], "rotate")) {
		cx_cli_error("unknown token command '%s': see 'cx token --help'", argv[1]);
		return CX_EXIT_USAGE;
	}
	argc--;
	argv++;
	optind = 0; /* 0, not 1: glibc then fully re-initialises getopt */
	opterr = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'n') {
			label = optarg;
		} else if (o == 'e' && cx_parse_i64(optarg, 1, 3650, &days) == 0) {
			seconds = days * 86400;
		} else if (o == 's' && cx_parse_i64(optarg, 1, 315360000, &seconds) == 0) {
			continue;
		} else {
			cx_cli_error("token: bad option '%s' (--expires-days takes 1 to 3650): see "
				     "'cx token --help'",
				     argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (argc - optind > 1 || (strcmp(argv[0], "list") && argc - optind != 1)) {
		cx_cli_error("token %s needs one %s: see 'cx token --help'", argv[0],
			     strcmp(argv[0], "create") == 0 ? "USER" : "ID");
		return CX_EXIT_USAGE;
	}
	if ((r = cx_cli_node_load(cli)) != CX_EXIT_OK)
		return r;
	s = cx_cli_store_open(cli);
	if (!s)
		return CX_EXIT_NODE;
	if (strcmp(argv[0], "create") == 0) {
		r = create(s, argv[optind], label,
			   seconds ? cx_time_now_us() + seconds * (int64_t)1000000 : 0, NULL);
	} else if (strcmp(argv[0], "list") == 0) {
		r = s->token_list(s, optind < argc ? argv[optind] : NULL, list_cb, NULL) < 0
			    ? CX_EXIT_NODE
			    : CX_EXIT_OK;
		if (r != CX_EXIT_OK)
			cx_cli_error("store: %s", s->error(s));
	} else {
		struct find_ctx f = {argv[optind], {0}, false};

		if (s->token_list(s, NULL, find_cb, &f) < 0) {
			cx_cli_error("store: %s", s->error(s));
			r = CX_EXIT_NODE;
		} else if (!f.ok) {
			cx_cli_error("no token '%s': see 'cx token list'", argv[optind]);
			r = CX_EXIT_FAILED;
		} else if (strcmp(argv[0], "rotate") == 0) {
			r = create(s, f.found.user_name, f.found.name, f.found.expires, f.found.id);
		} else if (disable_token(s, &f.found) < 0) {
			cx_cli_error("store: %s", s->error(s));
			r = CX_EXIT_NODE;
		} else {
			f.found.disabled = true;
			print_token(&f.found);
			r = CX_EXIT_OK;
		}
	}
	s->close(s);
	return r;
}
