/* cx demo: a node with the statement's partners, demo users and data — the
 * public facts of the joint statement as records, and synthetic, visibly
 * fictional intelligence, activities and assessments with varied markings. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/demo.h"
#include "core/bootstrap.h"
#include "core/ingest.h"
#include "core/node_key.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

static const char help[] =
	"usage: cx demo [DIR]\n"
	"       cx demo --federation DIR [--base-port P]\n"
	"\n"
	"Create a demo node in DIR (default: the current folder): run by the USA, with\n"
	"the partners USA, IRQ, KRG, GBR and FRA, a user per partner and role, the\n"
	"collection 'intel' and the demo data. Every demo user's password is\n"
	"'" CX_DEMO_PASSWORD "': for demonstrations only.\n"
	"\n"
	"With --federation: create and serve three demo nodes (USA, IRQ, KRG) in DIR\n"
	"that federate, on 127.0.0.1:P, P+1, P+2 (default 8080): see\n"
	"'cx demo --federation DIR --help'.\n"
	"\n"
	"Exit codes: 0 created; 1 DIR is already a node; 2 usage; 3 cannot create.\n";

static int import_text(struct cx_store *s, const struct cx_collection *c, const char *text,
		       const struct cx_node_key *key, const char *name, int64_t home)
{
	struct cx_ingest_opts opts = {0};
	struct cx_ingest_report rep = {0};
	char err[256];
	json_t *objects;
	int r = 0;

	if (cx_ingest_parse(text, strlen(text), 0, &objects, err, sizeof(err)) < 0) {
		cx_cli_error("demo: embedded data: %s", err);
		return -1;
	}
	opts.collection = c->rowid;
	opts.collection_id = c->id;
	opts.actor = "operator";
	opts.action = "import";
	/* The demo node is USA's: what USA made is signed like any import. */
	opts.sign_key = key;
	opts.node_name = name;
	opts.sign_partner = home;
	if (cx_ingest_objects(s, objects, &opts, &rep) < 0 || rep.rejected) {
		for (size_t i = 0; i < rep.count; i++)
			if (rep.items[i].status == CX_INGEST_REJECTED) {
				cx_cli_error("demo: %s refused: %s %s: %s", rep.items[i].err.id,
					     rep.items[i].err.property, rep.items[i].err.rule,
					     rep.items[i].err.message);
				break;
			}
		r = -1;
	}
	cx_ingest_report_release(&rep);
	json_decref(objects);
	return r;
}

int cx_cmd_demo(struct cx_cli *cli, int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : cli->node_opt ? cli->node_opt : ".";
	struct cx_collection coll;
	struct cx_config cfg;
	struct cx_buf ini;
	struct cx_store *s;
	struct cx_node_key key = {0};
	struct cx_partner usa;
	char db[4400], keypath[4400], err[1200], hash[crypto_pwhash_STRBYTES];
	int r;

	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--federation", 12) == 0 &&
		    (argv[i][12] == '\0' || argv[i][12] == '='))
			return cx_cmd_demo_federation(cli, argc, argv);
	if (cx_cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return CX_EXIT_OK;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		cx_cli_error("demo takes at most one folder: see 'cx demo --help'");
		return CX_EXIT_USAGE;
	}
	cx_config_defaults(&cfg);
	/* The demo node is the one the USA runs. */
	cx_buf_init(&ini, 0);
	{
		const char *text = cx_config_default_text();
		const char *at = strstr(text, "# partner = USA\n");

		if (at) {
			cx_buf_append(&ini, text, (size_t)(at - text));
			cx_buf_puts(&ini, "partner = USA\n");
			cx_buf_puts(&ini, at + strlen("# partner = USA\n"));
		} else {
			cx_buf_puts(&ini, text);
		}
	}
	r = cx_cli_create_node(dir, cfg.db_file, cx_buf_cstr(&ini));
	cx_buf_release(&ini);
	if (r != CX_EXIT_OK)
		return r;
	snprintf(db, sizeof(db), "%s/%s", dir, cfg.db_file);
	s = cx_store_sqlite_open(db, CX_STORE_OPEN, err, sizeof(err));
	if (!s) {
		cx_cli_error("%s", err);
		return CX_EXIT_NODE;
	}
	snprintf(keypath, sizeof(keypath), "%s/node.key", dir);
	if (cx_node_key_load(keypath, &key, err, sizeof(err)) < 0) {
		cx_cli_error("%s", err);
		s->close(s);
		return CX_EXIT_NODE;
	}
	r = cx_demo_password_hash(CX_DEMO_PASSWORD, hash) < 0 || cx_demo_add_partners(s) < 0 ||
		    cx_demo_add_users(s, hash) < 0 || cx_demo_add_collection(s, &coll, false) < 0 ||
		    s->partner_get(s, "USA", &usa) != CX_STORE_OK ||
		    import_text(s, &coll, cx_demo_intel, &key, cfg.name, usa.rowid) < 0 ||
		    import_text(s, &coll, cx_demo_records, &key, cfg.name, usa.rowid) < 0
		    ? CX_EXIT_NODE
		    : CX_EXIT_OK;
	cx_node_key_wipe(&key);
	if (r != CX_EXIT_OK)
		cx_cli_error("demo: the demo node in %s is incomplete: %s", dir, s->error(s));
	s->close(s);
	if (r != CX_EXIT_OK)
		return r;
	printf("created demo node in %s, run by USA\n", dir);
	printf("demo users (password '%s', for demonstrations only):\n", CX_DEMO_PASSWORD);
	for (size_t i = 0; i < cx_demo_users_count; i++)
		printf("  %-14s %s\n", cx_demo_users[i].name, cx_demo_users[i].partner);
	return CX_EXIT_OK;
}
