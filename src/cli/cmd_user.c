#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "access/credentials.h"
#include "access/roles.h"
#include "cli/cli.h"
#include "util/str.h"
#include "util/time.h"

#define MIN_PASSWORD CX_PASSWORD_MIN
#define MAX_PASSWORD CX_PASSWORD_MAX

static const char help[] =
	"usage: cx user add NAME --partner CODE --role ROLE[,ROLE...] [--clearance U|R|C|S]\n"
	"                   [--password-stdin | --no-password]\n"
	"       cx user set NAME [--role ROLE[,ROLE...]] [--clearance U|R|C|S]\n"
	"       cx user list\n"
	"       cx user show NAME\n"
	"       cx user disable NAME | enable NAME\n"
	"       cx user passwd NAME [--password-stdin]\n"
	"\n"
	"Manage users. Each belongs to one partner and has roles (reader, contributor,\n"
	"approver, admin, peer, case-officer) and a clearance (U < R < C < S; default U);\n"
	"'set' replaces either or both ('--roles' is the same as '--role'). Only a\n"
	"case-officer opens the PII vault. Passwords (at least 8 characters) are read\n"
	"from the terminal, or from the first line of standard input with\n"
	"--password-stdin, and stored as Argon2id hashes.\n"
	"\n"
	"Exit codes: 0 done; 1 no such user or partner, or name taken; 2 usage;\n"
	"3 node or store problem.\n";

/* Read a password: the first line of stdin, or twice from the terminal
 * without echo. Returns 0, or an exit code after printing why. */
static int read_password(bool from_stdin, char *out, size_t n)
{
	char again[MAX_PASSWORD + 2];
	struct termios old, quiet;
	size_t len;

	if (!from_stdin && !isatty(STDIN_FILENO)) {
		cx_cli_error("no terminal to ask for a password: pass --password-stdin");
		return CX_EXIT_USAGE;
	}
	if (!from_stdin) {
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		fputs("password: ", stderr);
	}
	if (!fgets(out, (int)n, stdin))
		out[0] = '\0';
	if (!from_stdin) {
		fputs("\nagain: ", stderr);
		if (!fgets(again, sizeof(again), stdin))
			again[0] = '\0';
		fputc('\n', stderr);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	}
	len = strcspn(out, "\r\n");
	out[len] = '\0';
	if (!from_stdin) {
		again[strcspn(again, "\r\n")] = '\0';
		if (strcmp(out, again) != 0) {
			sodium_memzero(again, sizeof(again));
			cx_cli_error("the passwords differ: try again");
			return CX_EXIT_USAGE;
		}
		sodium_memzero(again, sizeof(again));
	}
	if (!cx_password_acceptable(out, len)) {
		cx_cli_error("a password needs %d to %d characters", MIN_PASSWORD, MAX_PASSWORD);
		return CX_EXIT_USAGE;
	}
	return CX_EXIT_OK;
}

static int hash_password(bool from_stdin, char out[128])
{
	char pw[MAX_PASSWORD + 2];
	int r = read_password(from_stdin, pw, sizeof(pw));

	if (r != CX_EXIT_OK)
		return r;
	r = crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE);
	sodium_memzero(pw, sizeof(pw));
	if (r != 0) {
		cx_cli_error("out of memory hashing the password");
		return CX_EXIT_FAILED;
	}
	return CX_EXIT_OK;
}

static void print_user(const struct cx_user *u)
{
	char roles[128];

	printf("%s\t%s\t%s\t%c\t%s\n", u->name, u->partner,
	       cx_roles_format(u->roles, roles, sizeof(roles)), u->clearance,
	       u->disabled ? "disabled" : "enabled");
}

static int list_cb(void *arg, const struct cx_user *u)
{
	(void)arg;
	print_user(u);
	return 0;
}

static int write_user(struct cx_store *s, struct cx_user *u, const char *action)
{
	enum cx_store_status st;
	bool create = strcmp(action, "user.add") == 0;
	char roles[128];
	char cl[2] = {u->clearance, '\0'};
	json_t *detail = json_pack("{s:s, s:s, s:s, s:s, s:b}", "user", u->name, "partner",
				   u->partner, "roles", cx_roles_format(u->roles, roles, sizeof(roles)),
				   "clearance", cl, "disabled", u->disabled);

	if (s->begin(s, true) < 0 ||
	    (st = create ? s->user_add(s, u) : s->user_update(s, u)) < 0 ||
	    (st != CX_STORE_NO_RESULT && cx_cli_audit(s, action, detail) < 0) ||
	    s->commit(s) < 0) {
		json_decref(detail);
		s->rollback(s);
		cx_cli_error("store: %s", s->error(s));
		return CX_EXIT_NODE;
	}
	json_decref(detail);
	if (st == CX_STORE_NO_RESULT) {
		cx_cli_error(create ? "user %s exists: see 'cx user list'"
				    : "no user %s: see 'cx user list'",
			     u->name);
		return CX_EXIT_FAILED;
	}
	return CX_EXIT_OK;
}

/* The options of add and set. */
struct user_args {
	const char *partner;
	unsigned roles;  /* 0: not given */
	char clearance;  /* '\0': not given */
	bool from_stdin, no_password;
};

static int parse_args(int argc, char **argv, const char *verb, struct user_args *a)
{
	static const struct option opts[] = {
		{"partner", required_argument, NULL, 'p'},
		{"role", required_argument, NULL, 'r'},
		{"roles", required_argument, NULL, 'r'},
		{"clearance", required_argument, NULL, 'c'},
		{"password-stdin", no_argument, NULL, 's'},
		{"no-password", no_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	int o;

	memset(a, 0, sizeof(*a));
	optind = 0; /* 0, not 1: glibc then fully re-initialises getopt */
	opterr = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'p': a->partner = optarg; break;
		case 'r':
			if (cx_roles_parse(optarg, &a->roles) < 0) {
				cx_cli_error("--role takes reader, contributor, approver, admin, peer "
					     "or case-officer (comma-separated), not '%s'",
					     optarg);
				return CX_EXIT_USAGE;
			}
			break;
		case 'c':
			if (strlen(optarg) != 1 || !cx_clearance_valid(optarg[0])) {
				cx_cli_error("--clearance takes U, R, C or S, not '%s'", optarg);
				return CX_EXIT_USAGE;
			}
			a->clearance = optarg[0];
			break;
		case 's': a->from_stdin = true; break;
		case 'n': a->no_password = true; break;
		default:
			cx_cli_error("user %s: bad option '%s': see 'cx user --help'", verb,
				     argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	return CX_EXIT_OK;
}

/* cx user set NAME [--role ROLES] [--clearance C] */
static int set(struct cx_store *s, int argc, char **argv)
{
	struct user_args a;
	struct cx_user u;
	enum cx_store_status st;
	int r;

	if ((r = parse_args(argc, argv, "set", &a)) != CX_EXIT_OK)
		return r;
	if (argc - optind != 1 || a.partner || a.from_stdin || a.no_password ||
	    (!a.roles && !a.clearance)) {
		cx_cli_error("user set needs NAME and --role and/or --clearance: see 'cx user "
			     "--help'");
		return CX_EXIT_USAGE;
	}
	st = s->user_get(s, argv[optind], &u);
	if (st == CX_STORE_NO_RESULT) {
		cx_cli_error("no user '%s': see 'cx user list'", argv[optind]);
		return CX_EXIT_FAILED;
	}
	if (st < 0) {
		cx_cli_error("store: %s", s->error(s));
		return CX_EXIT_NODE;
	}
	if (a.roles)
		u.roles = a.roles;
	if (a.clearance)
		u.clearance = a.clearance;
	r = write_user(s, &u, "user.set");
	if (r == CX_EXIT_OK)
		print_user(&u);
	return r;
}

static int add(struct cx_store *s, int argc, char **argv)
{
	struct user_args a;
	struct cx_user u;
	struct cx_partner p;
	enum cx_store_status st;
	int r;

	if ((r = parse_args(argc, argv, "add", &a)) != CX_EXIT_OK)
		return r;
	memset(&u, 0, sizeof(u));
	u.roles = a.roles;
	u.clearance = a.clearance ? a.clearance : 'U';
	if (argc - optind != 1 || !a.partner || !u.roles) {
		cx_cli_error("user add needs NAME, --partner and --role: see 'cx user --help'");
		return CX_EXIT_USAGE;
	}
	if (!cx_user_name_valid(argv[optind])) {
		cx_cli_error("user name '%s' must be 1-64 of letters, digits and . _ - @",
			     argv[optind]);
		return CX_EXIT_USAGE;
	}
	cx_strlcpy(u.name, argv[optind], sizeof(u.name));
	st = s->partner_get(s, a.partner, &p);
	if (st == CX_STORE_NO_RESULT) {
		cx_cli_error("no partner '%s': add it with 'cx partner add'", a.partner);
		return CX_EXIT_FAILED;
	}
	if (st < 0) {
		cx_cli_error("store: %s", s->error(s));
		return CX_EXIT_NODE;
	}
	u.partner_rowid = p.rowid;
	cx_strlcpy(u.partner, p.code, sizeof(u.partner));
	u.created = cx_time_now_us();
	if (!a.no_password && (r = hash_password(a.from_stdin, u.password_hash)) != CX_EXIT_OK)
		return r;
	r = write_user(s, &u, "user.add");
	if (r == CX_EXIT_OK)
		print_user(&u);
	return r;
}

static int change(struct cx_store *s, const char *what, int argc, char **argv)
{
	struct cx_user u;
	enum cx_store_status st;
	bool from_stdin = false;
	int r;

	for (int i = 2; i < argc; i++) {
		if (strcmp(what, "passwd") == 0 && strcmp(argv[i], "--password-stdin") == 0) {
			from_stdin = true;
		} else if (i != 2) {
			cx_cli_error("user %s: unexpected '%s': see 'cx user --help'", what, argv[i]);
			return CX_EXIT_USAGE;
		}
	}
	if (argc < 3 || argv[2][0] == '-') {
		cx_cli_error("user %s needs a NAME: see 'cx user --help'", what);
		return CX_EXIT_USAGE;
	}
	st = s->user_get(s, argv[2], &u);
	if (st == CX_STORE_NO_RESULT) {
		cx_cli_error("no user '%s': see 'cx user list'", argv[2]);
		return CX_EXIT_FAILED;
	}
	if (st < 0) {
		cx_cli_error("store: %s", s->error(s));
		return CX_EXIT_NODE;
	}
	if (strcmp(what, "show") == 0) {
		print_user(&u);
		return CX_EXIT_OK;
	}
	if (strcmp(what, "disable") == 0 || strcmp(what, "enable") == 0)
		u.disabled = strcmp(what, "disable") == 0;
	else if ((r = hash_password(from_stdin, u.password_hash)) != CX_EXIT_OK)
		return r;
	{
		char action[32];

		snprintf(action, sizeof(action), "user.%s", what);
		r = write_user(s, &u, action);
	}
	if (r == CX_EXIT_OK)
		print_user(&u);
	return r;
}

int cx_cmd_user(struct cx_cli *cli, int argc, char **argv)
{
	static const char *const verbs[] = {"add", "set",     "list",  "show",
					    "disable", "enable", "passwd"};
	struct cx_store *s;
	bool known = false;
	int r;

	if (argc < 2) {
		cx_cli_error("user needs a command: add, set, list, show, disable, enable or passwd (see 'cx user --help')");
		return CX_EXIT_USAGE;
	}
	if (cx_cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return CX_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		known = known || strcmp(argv[1], verbs[i]) == 0;
	if (!known) {
		cx_cli_error("unknown user command '%s': see 'cx user --help'", argv[1]);
		return CX_EXIT_USAGE;
	}
	if ((r = cx_cli_node_load(cli)) != CX_EXIT_OK)
		return r;
	s = cx_cli_store_open(cli);
	if (!s)
		return CX_EXIT_NODE;
	if (strcmp(argv[1], "add") == 0) {
		r = add(s, argc - 1, argv + 1);
	} else if (strcmp(argv[1], "set") == 0) {
		r = set(s, argc - 1, argv + 1);
	} else if (strcmp(argv[1], "list") == 0) {
		r = s->user_list(s, list_cb, NULL) < 0 ? CX_EXIT_NODE : CX_EXIT_OK;
		if (r != CX_EXIT_OK)
			cx_cli_error("store: %s", s->error(s));
	} else {
		r = change(s, argv[1], argc, argv);
	}
	s->close(s);
	return r;
}
