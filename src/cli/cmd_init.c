#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/bootstrap.h"
#include "core/node_key.h"
#include "core/vault.h"

static const char help[] =
	"usage: cx init [--migrate] [DIR]\n"
	"\n"
	"Create a node in DIR (default: the current folder; created if missing):\n"
	"its configuration DIR/cx.ini, its store DIR/cx.db with the current schema and\n"
	"the PII vault's key DIR/vault.key (32 random bytes, mode 0600) and the node's\n"
	"Ed25519 signing key DIR/node.key (mode 0600).\n"
	"\n"
	"  --migrate   DIR is an existing node: apply pending schema migrations, and\n"
	"              create the vault key and the signing key when the node lacks them\n"
	"\n"
	"Exit codes: 0 created; 1 DIR is already a node; 2 usage; 3 cannot create.\n";

/* mkdir -p */
static int make_dirs(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int write_config(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		int e = errno ? errno : EIO;

		close(fd);
		unlink(path);
		return -e;
	}
	return close(fd) == 0 ? 0 : -errno;
}

/* A node made before the vault had no key: make one, never over one. */
static int ensure_vault_key(const char *path)
{
	int r = cx_vault_key_create(path);

	if (r == 0)
		printf("created the vault key %s\n", path);
	else if (r != -EEXIST) {
		cx_cli_error("cannot create the vault key %s: %s", path, strerror(-r));
		return CX_EXIT_NODE;
	}
	return CX_EXIT_OK;
}

/* A node made before signing had no key: make one, never over one. */
static int ensure_signing_key(const char *path)
{
	char err[600];
	int r = cx_node_key_create(path, err, sizeof(err));

	if (r == 0)
		printf("created the signing key %s\n", path);
	else if (r != -EEXIST) {
		cx_cli_error("%s", err);
		return CX_EXIT_NODE;
	}
	return CX_EXIT_OK;
}

int cx_cmd_init(struct cx_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"migrate", no_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = ".";
	bool migrate = false;
	char err[512];
	struct cx_store *s;
	struct cx_config cfg;
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			migrate = true;
			break;
		case 'h':
			fputs(help, stdout);
			return CX_EXIT_OK;
		default:
			cx_cli_error("init: unknown option '%s': see 'cx init --help'",
				     argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		cx_cli_error("init takes at most one folder: see 'cx init --help'");
		return CX_EXIT_USAGE;
	}
	if (optind < argc)
		dir = argv[optind];
	else if (cli->node_opt)
		dir = cli->node_opt;
	cx_config_defaults(&cfg);
	if ((r = cx_cli_apply_overrides(cli, &cfg)) != CX_EXIT_OK)
		return r;

	if (migrate) {
		cli->node_opt = dir;
		if ((r = cx_cli_node_load(cli)) != CX_EXIT_OK)
			return r;
		s = cx_store_sqlite_open(cli->db_path, CX_STORE_MIGRATE, err, sizeof(err));
		if (!s) {
			cx_cli_error("%s", err);
			return CX_EXIT_NODE;
		}
		s->close(s);
		if ((r = ensure_vault_key(cli->cfg.vault_key)) != CX_EXIT_OK)
			return r;
		if ((r = ensure_signing_key(cli->cfg.signing_key)) != CX_EXIT_OK)
			return r;
		printf("node %s is at schema version %d\n", cli->node_dir,
		       cx_store_schema_latest());
		return CX_EXIT_OK;
	}

	r = cx_cli_create_node(dir, cfg.db_file, cx_config_default_text());
	if (r == CX_EXIT_OK)
		printf("created node in %s (schema version %d)\n", dir, cx_store_schema_latest());
	return r;
}

int cx_cli_create_node(const char *dir, const char *db_file, const char *ini_text)
{
	char ini[4200], db[4200], key[4200], sign[4200], err[4400];
	struct cx_store *s;
	int r = make_dirs(dir);

	if (r < 0) {
		cx_cli_error("cannot create folder %s: %s", dir, strerror(-r));
		return CX_EXIT_NODE;
	}
	snprintf(ini, sizeof(ini), "%s/cx.ini", dir);
	snprintf(db, sizeof(db), "%s/%s", dir, db_file);
	/* The name cx.ini's default text gives it. */
	snprintf(key, sizeof(key), "%s/vault.key", dir);
	snprintf(sign, sizeof(sign), "%s/node.key", dir);
	if (access(ini, F_OK) == 0 || access(db, F_OK) == 0 || access(key, F_OK) == 0 ||
	    access(sign, F_OK) == 0) {
		cx_cli_error("%s is already a node: use it, or pick an empty folder", dir);
		return CX_EXIT_FAILED;
	}
	s = cx_store_sqlite_open(db, CX_STORE_CREATE, err, sizeof(err));
	if (!s) {
		cx_cli_error("cannot create the store: %s", err);
		return CX_EXIT_NODE;
	}
	r = cx_bootstrap_node(s, err, sizeof(err));
	s->close(s);
	if (r < 0) {
		cx_cli_error("cannot set up the store: %s", err);
		unlink(db);
		return CX_EXIT_NODE;
	}
	r = cx_vault_key_create(key);
	if (r < 0) {
		cx_cli_error("cannot create the vault key %s: %s", key, strerror(-r));
		unlink(db);
		return CX_EXIT_NODE;
	}
	r = cx_node_key_create(sign, err, sizeof(err));
	if (r < 0) {
		cx_cli_error("%s", err);
		unlink(db);
		unlink(key);
		return CX_EXIT_NODE;
	}
	r = write_config(ini, ini_text);
	if (r < 0) {
		cx_cli_error("cannot write %s: %s", ini, strerror(-r));
		unlink(db);
		unlink(key);
		unlink(sign);
		return CX_EXIT_NODE;
	}
	return CX_EXIT_OK;
}
