#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/audit.h"
#include "util/log.h"
#include "util/str.h"

void cx_cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("cx: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool cx_cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

int cx_cli_apply_overrides(const struct cx_cli *cli, struct cx_config *cfg)
{
	char err[256];

	for (size_t i = 0; i < cli->noverrides; i++) {
		if (cx_config_override(cfg, cli->overrides[i], err, sizeof(err)) < 0) {
			cx_cli_error("--set %s: %s", cli->overrides[i], err);
			return CX_EXIT_USAGE;
		}
	}
	return CX_EXIT_OK;
}

int cx_cli_node_load(struct cx_cli *cli)
{
	const char *dir = cli->node_opt;
	char ini[4200], err[512];
	enum cx_log_level lvl;
	int r;

	if (!dir)
		dir = getenv("CX_NODE");
	if (!dir || !*dir)
		dir = ".";
	if (!realpath(dir, cli->node_dir)) {
		cx_cli_error("no node at %s (%s): create one with 'cx init %s' or pass --node DIR",
			     dir, strerror(errno), dir);
		return CX_EXIT_NODE;
	}
	snprintf(ini, sizeof(ini), "%s/cx.ini", cli->node_dir);
	if (access(ini, F_OK) != 0) {
		cx_cli_error("no node at %s (no cx.ini): create one with 'cx init %s', or pass "
			     "--node DIR or set CX_NODE",
			     cli->node_dir, dir);
		return CX_EXIT_NODE;
	}
	cx_config_defaults(&cli->cfg);
	r = cx_config_load(&cli->cfg, ini, err, sizeof(err));
	if (r < 0) {
		cx_cli_error("%s: fix the file or run 'cx init' again in a new folder", err);
		return CX_EXIT_NODE;
	}
	r = cx_cli_apply_overrides(cli, &cli->cfg);
	if (r != CX_EXIT_OK)
		return r;
	if (cx_config_check(&cli->cfg, err, sizeof(err)) < 0) {
		cx_cli_error("%s: fix %s", err, ini);
		return CX_EXIT_NODE;
	}
	if (cx_log_level_parse(cli->cfg.log_level, &lvl) == 0)
		cx_log_set_level(lvl);
	for (int i = 0; i < 2; i++) {
		char *p = i ? cli->cfg.tls_key : cli->cfg.tls_cert;
		char abs[4400];

		if (p[0] && p[0] != '/') {
			snprintf(abs, sizeof(abs), "%s/%s", cli->node_dir, p);
			if (cx_strlcpy(p, abs, sizeof(cli->cfg.tls_cert)) < 0) {
				cx_cli_error("the TLS file path %s is too long: move the node", abs);
				return CX_EXIT_NODE;
			}
		}
	}
	if (cli->cfg.web_root[0] && cli->cfg.web_root[0] != '/') {
		char abs[4700];

		snprintf(abs, sizeof(abs), "%s/%s", cli->node_dir, cli->cfg.web_root);
		if (cx_strlcpy(cli->cfg.web_root, abs, sizeof(cli->cfg.web_root)) < 0) {
			cx_cli_error("the web root %s is too long: move the node", abs);
			return CX_EXIT_NODE;
		}
	}
	if (cli->cfg.vault_key[0] != '/') {
		char abs[4700];

		snprintf(abs, sizeof(abs), "%s/%s", cli->node_dir, cli->cfg.vault_key);
		if (cx_strlcpy(cli->cfg.vault_key, abs, sizeof(cli->cfg.vault_key)) < 0) {
			cx_cli_error("the vault key path %s is too long: move the node", abs);
			return CX_EXIT_NODE;
		}
	}
	if (cli->cfg.signing_key[0] != '/') {
		char abs[4700];

		snprintf(abs, sizeof(abs), "%s/%s", cli->node_dir, cli->cfg.signing_key);
		if (cx_strlcpy(cli->cfg.signing_key, abs, sizeof(cli->cfg.signing_key)) < 0) {
			cx_cli_error("the signing key path %s is too long: move the node", abs);
			return CX_EXIT_NODE;
		}
	}
	if (cli->cfg.db_file[0] == '/')
		snprintf(cli->db_path, sizeof(cli->db_path), "%s", cli->cfg.db_file);
	else
		snprintf(cli->db_path, sizeof(cli->db_path), "%s/%s", cli->node_dir,
			 cli->cfg.db_file);
	return CX_EXIT_OK;
}

struct cx_store *cx_cli_store_open(struct cx_cli *cli)
{
	char err[512];
	struct cx_store *s = cx_store_sqlite_open(cli->db_path, CX_STORE_OPEN, err, sizeof(err));

	if (!s) {
		cx_cli_error("%s", err);
		return NULL;
	}
	s->busy_retries = cli->cfg.busy_retries;
	return s;
}

int cx_cli_collection_find(struct cx_store *s, const char *id_or_alias,
			   struct cx_collection *ret)
{
	enum cx_store_status st = s->collection_get(s, NULL, id_or_alias, ret);

	if (st == CX_STORE_NO_RESULT) {
		cx_cli_error("no collection '%s': see 'cx collection list', or create it with 'cx "
			     "collection add'",
			     id_or_alias);
		return CX_EXIT_FAILED;
	}
	if (st < 0) {
		cx_cli_error("store: %s", s->error(s));
		return CX_EXIT_NODE;
	}
	return CX_EXIT_OK;
}

enum cx_store_status cx_cli_audit(struct cx_store *s, const char *action, const json_t *detail)
{
	struct cx_audit_entry e = {"operator", NULL, action, NULL, NULL, detail, NULL};

	return cx_audit_append(s, &e);
}
