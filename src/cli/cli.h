/* The `cx` command: shared state of one invocation and the subcommands.
 *
 * Exit codes (also in doc/CLI.md and `cx --help`):
 *   0  success
 *   1  the operation failed or refused (e.g. objects rejected, node exists)
 *   2  usage error (unknown subcommand or option, bad option value)
 *   3  node or store problem (no node here, schema mismatch, store failure)
 *   4  input problem (file unreadable, not a bundle or envelope) */
#ifndef CX_CLI_CLI_H
#define CX_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "store/store.h"
#include "util/config.h"

enum cx_exit {
	CX_EXIT_OK = 0,
	CX_EXIT_FAILED = 1,
	CX_EXIT_USAGE = 2,
	CX_EXIT_NODE = 3,
	CX_EXIT_INPUT = 4,
};

#define CX_MAX_OVERRIDES 32

struct cx_cli {
	const char *node_opt;                   /* --node, or NULL */
	const char *overrides[CX_MAX_OVERRIDES]; /* --set SECTION.KEY=VALUE */
	size_t noverrides;
	/* Filled by cx_cli_node_load(): */
	char node_dir[4096];
	char db_path[4400];
	struct cx_config cfg;
};

/* Print "cx: <message>" and a newline on stderr. */
void cx_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Resolve the node folder (--node, then $CX_NODE, then the current folder),
 * read its cx.ini and apply --set overrides. Returns CX_EXIT_OK or an exit
 * code after printing the reason. */
int cx_cli_node_load(struct cx_cli *cli);

/* Apply the --set overrides to cfg. Returns CX_EXIT_OK or CX_EXIT_USAGE. */
int cx_cli_apply_overrides(const struct cx_cli *cli, struct cx_config *cfg);

/* Open the node's store (after cx_cli_node_load). NULL after printing why. */
struct cx_store *cx_cli_store_open(struct cx_cli *cli);

/* Find a collection by id or alias (an alias is looked up in every API root,
 * the oldest match wins). Returns CX_EXIT_OK, or an exit code after printing
 * why. */
int cx_cli_collection_find(struct cx_store *s, const char *id_or_alias,
			   struct cx_collection *ret);

/* Append an audit entry by the operator inside the current write
 * transaction. detail (borrowed) may be NULL. Returns the store status. */
enum cx_store_status cx_cli_audit(struct cx_store *s, const char *action, const json_t *detail);

/* True when argv holds -h or --help before any "--". */
bool cx_cli_wants_help(int argc, char **argv);

/* Create a node in dir (made if missing): the store (file db_file in dir)
 * with its bootstrap objects, then cx.ini with ini_text. Returns an exit
 * code after printing any error. */
int cx_cli_create_node(const char *dir, const char *db_file, const char *ini_text);

struct cx_node_key;
/* Load the node's signing key (cfg.signing_key, after cx_cli_node_load)
 * into *ret_key (wipe it with cx_node_key_wipe), and the rowid of the
 * node's own partner ([node] partner; 0 when unset, or when s is NULL or
 * does not know it) into *ret_partner: what struct cx_ingest_opts needs to
 * sign what the node originates. Returns CX_EXIT_OK, or CX_EXIT_NODE after
 * printing why (missing, wrong size, open to group or others). */
int cx_cli_signing_load(struct cx_cli *cli, struct cx_store *s, struct cx_node_key *ret_key,
			int64_t *ret_partner);

/* Subcommands: argv[0] is the subcommand name. */
int cx_cmd_init(struct cx_cli *cli, int argc, char **argv);
int cx_cmd_serve(struct cx_cli *cli, int argc, char **argv);
int cx_cmd_import(struct cx_cli *cli, int argc, char **argv);
int cx_cmd_export(struct cx_cli *cli, int argc, char **argv);
int cx_cmd_collection(struct cx_cli *cli, int argc, char **argv);
int cx_cmd_partner(struct cx_cli *cli, int argc, char **argv);
int cx_cmd_user(struct cx_cli *cli, int argc, char **argv);
int cx_cmd_token(struct cx_cli *cli, int argc, char **argv);
int cx_cmd_audit(struct cx_cli *cli, int argc, char **argv);
int cx_cmd_demo(struct cx_cli *cli, int argc, char **argv);
/* cx demo --federation (cmd_demo_federation.c), called by cx_cmd_demo. */
int cx_cmd_demo_federation(struct cx_cli *cli, int argc, char **argv);
int cx_cmd_version(struct cx_cli *cli, int argc, char **argv);
int cx_cmd_peer(struct cx_cli *cli, int argc, char **argv);
int cx_cmd_sync(struct cx_cli *cli, int argc, char **argv);
int cx_cmd_key(struct cx_cli *cli, int argc, char **argv);

#endif
