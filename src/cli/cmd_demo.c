/* cx demo: a node with the statement's partners, demo users and data — the
 * public facts of the joint statement as records, and synthetic, visibly
 * fictional intelligence, activities and assessments with varied markings. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/bootstrap.h"
#include "core/ingest.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

/* Embedded from demo/ at build time (demo/embed.py). */
extern const char cx_demo_partners[];
extern const char cx_demo_intel[];
extern const char cx_demo_records[];

#define DEMO_PASSWORD "exercise-only-password"

static const char help[] =
	"usage: cx demo [DIR]\n"
	"\n"
	"Create a demo node in DIR (default: the current folder): run by the USA, with\n"
	"the partners USA, IRQ, KRG, GBR and FRA, a user per partner and role, the\n"
	"collection 'intel' and the demo data. Every demo user's password is\n"
	"'" DEMO_PASSWORD "': for demonstrations only.\n"
	"\n"
	"Exit codes: 0 created; 1 DIR is already a node; 2 usage; 3 cannot create.\n";

static const struct {
	const char *code, *name;
} partner_names[] = {
	{"USA", "United States (CJTF-OIR)"},
	{"IRQ", "Iraq (Ministry of Defence)"},
	{"KRG", "Kurdistan Region (Ministry of Peshmerga Affairs)"},
	{"GBR", "United Kingdom (Coalition)"},
	{"FRA", "France (Coalition)"},
};

static const struct {
	const char *name, *partner;
	unsigned roles;
	char clearance;
} users[] = {
	{"usa.admin", "USA", CX_ROLE_ADMIN | CX_ROLE_CONTRIBUTOR, 'S'},
	{"usa.analyst", "USA", CX_ROLE_CONTRIBUTOR, 'S'},
	{"usa.approver", "USA", CX_ROLE_CONTRIBUTOR | CX_ROLE_APPROVER, 'S'},
	{"irq.analyst", "IRQ", CX_ROLE_CONTRIBUTOR, 'C'},
	{"irq.approver", "IRQ", CX_ROLE_CONTRIBUTOR | CX_ROLE_APPROVER, 'C'},
	{"krg.analyst", "KRG", CX_ROLE_CONTRIBUTOR, 'R'},
	{"gbr.analyst", "GBR", CX_ROLE_READER, 'S'},
	{"fra.analyst", "FRA", CX_ROLE_READER, 'C'},
	{"usa.caseofficer", "USA", CX_ROLE_CONTRIBUTOR | CX_ROLE_CASE_OFFICER, 'S'},
	{"irq.caseofficer", "IRQ", CX_ROLE_CONTRIBUTOR | CX_ROLE_CASE_OFFICER, 'C'},
	{"krg.approver", "KRG", CX_ROLE_CONTRIBUTOR | CX_ROLE_APPROVER, 'R'},
};

static int add_partners(struct cx_store *s)
{
	char line[256], err[256];
	const char *p = cx_demo_partners;

	while (*p) {
		size_t n = strcspn(p, "\n");
		struct cx_partner partner;
		char *space;

		memset(&partner, 0, sizeof(partner));
		if (n >= sizeof(line))
			return -1;
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (p[n] == '\n');
		space = strchr(line, ' ');
		if (!space)
			continue;
		*space = '\0';
		cx_strlcpy(partner.code, line, sizeof(partner.code));
		cx_strlcpy(partner.name, line, sizeof(partner.name));
		for (size_t i = 0; i < sizeof(partner_names) / sizeof(partner_names[0]); i++)
			if (strcmp(partner_names[i].code, line) == 0)
				cx_strlcpy(partner.name, partner_names[i].name, sizeof(partner.name));
		cx_strlcpy(partner.identity_id, space + 1, sizeof(partner.identity_id));
		partner.created = cx_time_now_us();
		if (cx_partner_create(s, &partner, err, sizeof(err)) != CX_STORE_OK) {
			cx_cli_error("demo: partner %s: %s", partner.code, err[0] ? err : s->error(s));
			return -1;
		}
	}
	return 0;
}

static int add_users(struct cx_store *s)
{
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		struct cx_user u;
		struct cx_partner p;

		memset(&u, 0, sizeof(u));
		if (s->partner_get(s, users[i].partner, &p) != CX_STORE_OK)
			return -1;
		cx_strlcpy(u.name, users[i].name, sizeof(u.name));
		u.partner_rowid = p.rowid;
		u.roles = users[i].roles;
		u.clearance = users[i].clearance;
		u.created = cx_time_now_us();
		if (crypto_pwhash_str(u.password_hash, DEMO_PASSWORD, strlen(DEMO_PASSWORD),
				      crypto_pwhash_OPSLIMIT_INTERACTIVE,
				      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0 ||
		    s->begin(s, true) < 0 || s->user_add(s, &u) != CX_STORE_OK ||
		    cx_cli_audit(s, "user.add", NULL) < 0 || s->commit(s) < 0) {
			s->rollback(s);
			return -1;
		}
	}
	return 0;
}

static int add_collection(struct cx_store *s, struct cx_collection *c)
{
	static const struct {
		const char *role;
		bool write;
	} grants[] = {{"*", false}, {"contributor", true}, {"approver", true}, {"admin", true}};

	memset(c, 0, sizeof(*c));
	cx_uuid_v4(c->id);
	cx_strlcpy(c->api_root, "coalition", sizeof(c->api_root));
	cx_strlcpy(c->alias, "intel", sizeof(c->alias));
	cx_strlcpy(c->title, "Exercise intelligence and records", sizeof(c->title));
	cx_strlcpy(c->description, "Synthetic demo data (Exercise) and the statement's records",
		   sizeof(c->description));
	if (s->begin(s, true) < 0 || s->collection_create(s, c) != CX_STORE_OK ||
	    s->commit(s) < 0) {
		s->rollback(s);
		return -1;
	}
	if (s->collection_get(s, "coalition", "intel", c) != CX_STORE_OK)
		return -1;
	if (s->begin(s, true) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(grants) / sizeof(grants[0]); i++)
		if (s->collection_grant(s, c->rowid, "*", grants[i].role, true, grants[i].write) < 0) {
			s->rollback(s);
			return -1;
		}
	return cx_cli_audit(s, "collection.add", NULL) < 0 || s->commit(s) < 0 ? -1 : 0;
}

static int import_text(struct cx_store *s, const struct cx_collection *c, const char *text)
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
	char db[4400], err[512];
	int r;

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
	r = add_partners(s) < 0 || add_users(s) < 0 || add_collection(s, &coll) < 0 ||
		    import_text(s, &coll, cx_demo_intel) < 0 ||
		    import_text(s, &coll, cx_demo_records) < 0
		    ? CX_EXIT_NODE
		    : CX_EXIT_OK;
	if (r != CX_EXIT_OK)
		cx_cli_error("demo: the demo node in %s is incomplete: %s", dir, s->error(s));
	s->close(s);
	if (r != CX_EXIT_OK)
		return r;
	printf("created demo node in %s, run by USA\n", dir);
	printf("demo users (password '%s', for demonstrations only):\n", DEMO_PASSWORD);
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
		printf("  %-14s %s\n", users[i].name, users[i].partner);
	return CX_EXIT_OK;
}
