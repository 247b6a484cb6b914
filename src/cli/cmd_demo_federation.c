/* cx demo --federation DIR [--base-port P]: three demo nodes on 127.0.0.1
 * (USA, IRQ, KRG) that federate, so that a user sees sovereignty at work:
 * each node holds its own partner's demo objects and what the two others
 * released to it, pulled over TAXII with `cx sync` (doc/FEDERATION.md,
 * "The federation demo").
 *
 * Set-up: the three nodes are made in DIR/usa, DIR/irq, DIR/krg like
 * `cx demo` makes one (the same partners and identities, every demo user,
 * the collection `intel`, the definitions of the demo data), each with its
 * own [node] partner and name, a peer-role user for each other partner and
 * the two others as peers. The nodes are served (without their sync loop)
 * and, because records wait on other partners' decisions, loaded in passes:
 * for each node in turn, `cx sync` from the others, then import its own
 * objects (duplicates are no-ops), until a pass stores nothing new. Then
 * the three `cx serve` run as children (with their sync loop) until SIGINT
 * or SIGTERM, which stops all three. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/demo.h"
#include "cli/demo_federation.h"
#include "core/bootstrap.h"
#include "core/ingest.h"
#include "core/node_key.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

#define MAX_PASSES 3
#define SYNC_INTERVAL "10"

static const char help[] =
    "usage: cx demo --federation DIR [--base-port P]\n"
    "\n"
    "Create three demo nodes that federate, in DIR/usa, DIR/irq and DIR/krg, run by\n"
    "the USA, IRQ and KRG and listening on 127.0.0.1:P, P+1 and P+2 (default P\n"
    "8080), and serve them until Ctrl-C or SIGTERM. Each node has the partners,\n"
    "the demo users of every partner (password '" CX_DEMO_PASSWORD "') and the\n"
    "collection 'intel' of 'cx demo', holds its own partner's demo objects (signed\n"
    "with its key) and pulls from the two others what they release to its partner\n"
    "(every " SYNC_INTERVAL " s). Demo objects of GBR and FRA are left out: they run no\n"
    "node here. DIR must not hold these nodes yet.\n"
    "\n"
    "Exit codes: 0 stopped by a signal; 1 a node exists already, could not be set\n"
    "up or stopped on its own; 2 usage; 3 cannot create.\n";

struct fed_node fed_nodes[NNODES] = {
    {.code = "USA", .lower = "usa", .sign_in = "usa.analyst"},
    {.code = "IRQ", .lower = "irq", .sign_in = "irq.analyst"},
    {.code = "KRG", .lower = "krg", .sign_in = "krg.analyst"},
};

/* ---- the nodes' stores ---------------------------------------------- */

static bool is_definition(const json_t *o)
{
	const char *t = json_string_value(json_object_get(o, "type"));

	return t && (strcmp(t, "marking-definition") == 0 ||
	             strcmp(t, "extension-definition") == 0 || strcmp(t, "identity") == 0);
}

/* Definitions no node signs. */
static bool is_unsigned_definition(const json_t *o)
{
	const char *t = json_string_value(json_object_get(o, "type"));

	return t &&
	       (strcmp(t, "marking-definition") == 0 || strcmp(t, "extension-definition") == 0);
}

static struct cx_store *open_store(const struct fed_node *n)
{
	char db[4400], err[512];
	struct cx_store *s;

	snprintf(db, sizeof(db), "%s/cx.db", n->dir);
	s = cx_store_sqlite_open(db, CX_STORE_OPEN, err, sizeof(err));
	if (!s)
		cx_cli_error("demo: %s", err);
	else
		s->busy_retries = 50;
	return s;
}

/* Store objects into n's collection intel; signed by n's key when sign.
 * *stored gets what was new; the rejected ones replace n->not_loaded when
 * record. Returns 0, or -1 after a store failure (printed). */
static int import_objects(struct fed_node *n, const json_t *objects, bool sign, bool record,
                          size_t *stored)
{
	struct cx_ingest_opts opts = {0};
	struct cx_ingest_report rep = {0};
	struct cx_node_key key = {0};
	struct cx_collection c;
	struct cx_partner me;
	char path[4400], err[512];
	struct cx_store *s = open_store(n);
	int r = -1;

	*stored = 0;
	if (!s)
		return -1;
	snprintf(path, sizeof(path), "%s/node.key", n->dir);
	if (s->collection_get(s, "coalition", "intel", &c) != CX_STORE_OK ||
	    s->partner_get(s, n->code, &me) != CX_STORE_OK) {
		cx_cli_error("demo: %s: %s", n->dir, s->error(s));
		goto out;
	}
	if (sign && cx_node_key_load(path, &key, err, sizeof(err)) < 0) {
		cx_cli_error("demo: %s", err);
		goto out;
	}
	opts.collection = c.rowid;
	opts.collection_id = c.id;
	opts.actor = "operator";
	opts.action = "import";
	if (sign) {
		opts.sign_key = &key;
		opts.node_name = n->name;
		opts.sign_partner = me.rowid;
	}
	if (cx_ingest_objects(s, objects, &opts, &rep) < 0 && !rep.violations) {
		cx_cli_error("demo: %s: import: %s", n->dir, s->error(s));
		goto out;
	}
	*stored = rep.stored;
	if (record) {
		json_array_clear(n->not_loaded);
		for (size_t i = 0; i < rep.count; i++) {
			const struct cx_stix_error *e = &rep.items[i].err;
			char why[700];

			if (rep.items[i].status != CX_INGEST_REJECTED)
				continue;
			snprintf(why, sizeof(why), "%s %s: %s", e->property, e->rule, e->message);
			json_array_append_new(n->not_loaded,
			                      json_pack("{s:s, s:s}", "id", e->id, "reason", why));
		}
	}
	r = 0;
out:
	cx_ingest_report_release(&rep);
	cx_node_key_wipe(&key);
	s->close(s);
	return r;
}

/* Node n made like `cx demo` makes one; its collection id and public key
 * into n. Returns an exit code after printing any error. */
static int create_node(struct fed_node *n, const char *users_hash, const char *peer_hash,
                       const json_t *definitions, bool has_sync)
{
	struct cx_collection coll;
	struct cx_node_key key = {0};
	struct cx_buf ini;
	struct cx_store *s;
	char path[4400], err[512];
	size_t stored;
	int r;

	/* cx.ini: the default text with this node's partner, name and address,
	 * and its sync loop every SYNC_INTERVAL seconds. */
	cx_buf_init(&ini, 0);
	for (const char *t = cx_config_default_text(); *t;) {
		size_t len = strcspn(t, "\n");

		if (strncmp(t, "# partner = USA", len) == 0 && len == strlen("# partner = USA"))
			cx_buf_printf(&ini, "partner = %s", n->code);
		else if (strncmp(t, "name = cx-node", len) == 0 && len == strlen("name = cx-node"))
			cx_buf_printf(&ini, "name = %s", n->name);
		else if (strncmp(t, "listen = ", 9) == 0)
			cx_buf_printf(&ini, "listen = 127.0.0.1:%u", n->port);
		else if (has_sync && strncmp(t, "interval = ", 11) == 0)
			cx_buf_puts(&ini, "interval = " SYNC_INTERVAL);
		else
			cx_buf_append(&ini, t, len);
		t += len;
		if (*t == '\n') {
			cx_buf_putc(&ini, '\n');
			t++;
		}
	}
	if (has_sync && !strstr(cx_buf_cstr(&ini), "\n[sync]"))
		cx_buf_puts(&ini, "\n[sync]\ninterval = " SYNC_INTERVAL "\n");
	if (ini.err) {
		cx_buf_release(&ini);
		cx_cli_error("demo: out of memory");
		return CX_EXIT_NODE;
	}
	r = cx_cli_create_node(n->dir, "cx.db", cx_buf_cstr(&ini));
	cx_buf_release(&ini);
	if (r != CX_EXIT_OK)
		return r;
	s = open_store(n);
	if (!s)
		return CX_EXIT_NODE;
	r = cx_demo_add_partners(s);
	if (r == 0)
		r = cx_demo_add_users(s, users_hash);
	for (size_t i = 0; r == 0 && i < NNODES; i++) {
		char name[32];

		if (&fed_nodes[i] == n)
			continue;
		snprintf(name, sizeof(name), "peer-%s", fed_nodes[i].lower);
		r = cx_demo_add_user(s, name, fed_nodes[i].code, CX_ROLE_PEER, 'S', peer_hash);
	}
	if (r == 0)
		r = cx_demo_add_collection(s, &coll, true);
	if (r < 0) {
		cx_cli_error("demo: the node in %s is incomplete: %s", n->dir, s->error(s));
		s->close(s);
		return CX_EXIT_NODE;
	}
	s->close(s);
	cx_strlcpy(n->coll_id, coll.id, sizeof(n->coll_id));
	snprintf(path, sizeof(path), "%s/node.key", n->dir);
	if (cx_node_key_load(path, &key, err, sizeof(err)) < 0) {
		cx_cli_error("demo: %s", err);
		return CX_EXIT_NODE;
	}
	cx_node_key_describe(&key);
	cx_strlcpy(n->key_id, key.key_id, sizeof(n->key_id));
	cx_strlcpy(n->public_b64, key.public_b64, sizeof(n->public_b64));
	cx_node_key_wipe(&key);
	/* The definitions, unsigned on every node: the same bytes everywhere,
	 * so what a peer sends of them is a duplicate. */
	if (import_objects(n, definitions, false, false, &stored) < 0)
		return CX_EXIT_NODE;
	return CX_EXIT_OK;
}

/* ---- set-up ----------------------------------------------------------- */

static int add_peers(struct fed_node *n, const char *peer_password)
{
	char node[4300], url[128], user[32], input[80];

	snprintf(node, sizeof(node), "--node=%s", n->dir);
	snprintf(user, sizeof(user), "peer-%s", n->lower);
	for (size_t i = 0; i < NNODES; i++) {
		struct fed_node *o = &fed_nodes[i];
		char *argv[] = {(char *)"cx",
		                node,
		                (char *)"peer",
		                (char *)"add",
		                (char *)o->code,
		                (char *)"--url",
		                url,
		                (char *)"--partner",
		                (char *)o->code,
		                (char *)"--user",
		                user,
		                (char *)"--password-stdin",
		                (char *)"--public-key",
		                o->public_b64,
		                (char *)"--key-id",
		                o->key_id,
		                (char *)"--into",
		                (char *)"intel",
		                (char *)"--collection",
		                o->coll_id,
		                NULL};
		struct cx_buf out;
		int r;

		if (o == n)
			continue;
		snprintf(url, sizeof(url), "http://127.0.0.1:%u/coalition/", o->port);
		/* As `cx peer add --password-stdin` reads it: one line. */
		snprintf(input, sizeof(input), "%s\n", peer_password);
		cx_buf_init(&out, 0);
		r = run_child(argv, input, &out);
		sodium_memzero(input, sizeof(input));
		cx_buf_release(&out);
		if (r != 0) {
			cx_cli_error("demo: cx peer add %s on %s failed (exit %d)", o->code,
			             n->code, r);
			return -1;
		}
	}
	return 0;
}

/* cx sync from n's peers; *fresh gets the objects new to n. Returns 0, or
 * -1 after printing why. */
static int sync_node(struct fed_node *n, size_t *fresh)
{
	char node[4300];
	char *argv[] = {(char *)"cx",      node, (char *)"sync", (char *)"--json",
	                (char *)"--quiet", NULL};
	struct cx_buf out;
	json_error_t jerr;
	json_t *res = NULL, *rej, *item;
	size_t i;
	int r;

	*fresh = 0;
	snprintf(node, sizeof(node), "--node=%s", n->dir);
	cx_buf_init(&out, 0);
	r = run_child(argv, NULL, &out);
	if (r == 0 || r == 1)
		res = json_loadb(out.data ? out.data : "", out.len, 0, &jerr);
	cx_buf_release(&out);
	if (!json_is_object(res)) {
		json_decref(res);
		cx_cli_error("demo: cx sync on %s failed (exit %d)", n->code, r);
		return -1;
	}
	if (json_integer_value(json_object_get(res, "failed")) > 0) {
		json_decref(res);
		cx_cli_error("demo: cx sync on %s could not pull from a peer (above)", n->code);
		return -1;
	}
	*fresh = (size_t)json_integer_value(json_object_get(res, "new"));
	rej = json_object_get(res, "rejections");
	json_array_foreach(rej, i, item) json_array_append(n->sync_rejected, item);
	json_decref(res);
	return 0;
}

/* The demo objects: definitions into *defs, each node's own into
 * fed_nodes[].own; *left_out counts the others, described in left_desc. */
static int split_demo(json_t **defs, size_t *left_out, char *left_desc, size_t desc_len)
{
	const char *texts[] = {cx_demo_intel, cx_demo_records};
	struct {
		char owner[128];
		size_t n;
	} others[8];
	size_t nothers = 0;
	char err[256];

	*defs = json_array();
	*left_out = 0;
	left_desc[0] = '\0';
	for (size_t t = 0; t < 2; t++) {
		json_t *objects, *o;
		size_t i;

		if (cx_ingest_parse(texts[t], strlen(texts[t]), 0, &objects, err, sizeof(err)) <
		    0) {
			cx_cli_error("demo: embedded data: %s", err);
			return -1;
		}
		json_array_foreach(objects, i, o)
		{
			const char *by = json_string_value(json_object_get(o, "created_by_ref"));
			bool mine = false, definition = is_definition(o);

			/* Definitions go to every node, unsigned, except the
			 * identities the three partners own: their own node signs
			 * them and the others pull them (a peer refuses an
			 * unsigned object owned by a partner whose node it knows).
			 * Marking and extension definitions no node signs. An
			 * object without an owner goes with the USA's, as on the
			 * `cx demo` node. */
			for (size_t k = 0; k < NNODES; k++)
				if ((by && strcmp(by, fed_nodes[k].identity) == 0 &&
				     !is_unsigned_definition(o)) ||
				    (!by && !definition && k == 0)) {
					json_array_append(fed_nodes[k].own, o);
					mine = true;
				}
			if (mine)
				continue;
			if (definition) {
				json_array_append(*defs, o);
				continue;
			}
			(*left_out)++;
			for (size_t k = 0; k <= nothers; k++) {
				if (k == nothers) {
					if (nothers == sizeof(others) / sizeof(others[0]))
						break;
					cx_strlcpy(others[k].owner, by, sizeof(others[k].owner));
					others[k].n = 0;
					nothers++;
				}
				if (strcmp(others[k].owner, by) == 0) {
					others[k].n++;
					break;
				}
			}
		}
		json_decref(objects);
	}
	/* Name the partners of the objects left out. */
	for (size_t k = 0; k < nothers; k++) {
		const char *code = others[k].owner;
		const char *p = cx_demo_partners;
		char line[256];
		size_t used = strlen(left_desc);

		while (*p) {
			size_t len = strcspn(p, "\n");

			if (len < sizeof(line)) {
				char *space;

				memcpy(line, p, len);
				line[len] = '\0';
				space = strchr(line, ' ');
				if (space && strcmp(space + 1, others[k].owner) == 0) {
					*space = '\0';
					code = line;
					break;
				}
			}
			p += len + (p[len] == '\n');
		}
		if (snprintf(left_desc + used, desc_len - used, "%s%zu of %s", k ? ", " : "",
		             others[k].n, code) >= (int)(desc_len - used))
			break;
	}
	return 0;
}

/* The passes: per node, sync from the others then import its own objects,
 * until a pass stores nothing new. Returns 0 or -1 after printing why. */
static int load_passes(void)
{
	for (int pass = 1; pass <= MAX_PASSES; pass++) {
		size_t pass_total = 0;

		printf("pass %d:", pass);
		for (size_t i = 0; i < NNODES; i++) {
			size_t fresh, stored;

			if (stop_requested())
				return -2;
			if (sync_node(&fed_nodes[i], &fresh) < 0 ||
			    import_objects(&fed_nodes[i], fed_nodes[i].own, true, true, &stored) < 0) {
				putchar('\n');
				return stop_requested() ? -2 : -1;
			}
			printf("%s %s pulled %zu, stored %zu of its own", i ? ";" : "",
			       fed_nodes[i].code, fresh, stored);
			fflush(stdout);
			pass_total += fresh + stored;
		}
		putchar('\n');
		if (pass_total == 0)
			break;
	}
	return 0;
}

static void print_not_loaded(void)
{
	bool any = false;

	for (size_t i = 0; i < NNODES; i++)
		any = any || json_array_size(fed_nodes[i].not_loaded) ||
		      json_array_size(fed_nodes[i].sync_rejected);
	if (!any) {
		printf("every object was loaded\n");
		return;
	}
	printf("could not be loaded (records waiting on a partner left out, or refused by a "
	       "node):\n");

	for (size_t i = 0; i < NNODES; i++) {
		const struct fed_node *n = &fed_nodes[i];
		json_t *item;
		size_t k;

		json_array_foreach(n->not_loaded, k, item)
		    printf("  not loaded on %s (its own): %s: %s\n", n->code,
		           json_string_value(json_object_get(item, "id")),
		           json_string_value(json_object_get(item, "reason")));
		json_array_foreach(n->sync_rejected, k, item)
		    printf("  not loaded on %s (from %s): %s: %s\n", n->code,
		           json_string_value(json_object_get(item, "peer")),
		           json_string_value(json_object_get(item, "id")),
		           json_string_value(json_object_get(item, "reason")));
	}
}

static void print_sign_in(void)
{
	printf("\nthe demo federation is running (Ctrl-C stops all three nodes):\n");
	for (size_t i = 0; i < NNODES; i++) {
		const struct fed_node *n = &fed_nodes[i];
		const struct fed_node *a = &fed_nodes[(i + 1) % NNODES], *b = &fed_nodes[(i + 2) % NNODES];

		if (a > b) {
			const struct fed_node *t = a;

			a = b;
			b = t;
		}
		printf("  %s (%s) http://127.0.0.1:%u/ (TAXII: http://127.0.0.1:%u/coalition/, "
		       "log: %s/serve.log)\n",
		       n->code, n->name, n->port, n->port, n->dir);
		printf(
		    "    Sign in at http://127.0.0.1:%u/ as %s: %s's own records plus what %s and "
		    "%s released to %s\n",
		    n->port, n->sign_in, n->code, a->code, b->code, n->code);
		printf("    (%s.analyst and %s.analyst may sign in there too: they see only what "
		       "%s's node holds and releases to them)\n",
		       a->lower, b->lower, n->code);
	}
	printf("demo users: password '%s' (for demonstrations only):", CX_DEMO_PASSWORD);
	for (size_t i = 0; i < cx_demo_users_count; i++)
		printf(" %s", cx_demo_users[i].name);
	putchar('\n');
	fflush(stdout);
}

int cx_cmd_demo_federation(struct cx_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"federation", required_argument, NULL, 'f'},
	    {"base-port", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char users_hash[crypto_pwhash_STRBYTES], peer_hash[crypto_pwhash_STRBYTES];
	char peer_password[64], left_desc[512], err[256];
	unsigned char rnd[24];
	const char *dir = NULL;
	unsigned long base = 8080;
	struct cx_config probe;
	json_t *defs = NULL;
	size_t left_out = 0;
	bool has_sync;
	int c, r = CX_EXIT_NODE;

	(void)cli;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'f':
			dir = optarg;
			break;
		case 'p':
			errno = 0;
			base = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || base < 1 || base > 65533) {
				cx_cli_error(
				    "demo: --base-port must be a port from 1 to 65533, not '%s'",
				    optarg);
				return CX_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(help, stdout);
			return CX_EXIT_OK;
		default:
			cx_cli_error(
			    "demo: unknown or incomplete option '%s': see 'cx demo --help'",
			    argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (!dir || !*dir || optind < argc) {
		cx_cli_error(
		    "demo --federation takes one folder and no other argument: see 'cx demo "
		    "--help'");
		return CX_EXIT_USAGE;
	}
	/* The sync loop of cx serve, when this cx has it. */
	cx_config_defaults(&probe);
	has_sync =
	    cx_config_override(&probe, "sync.interval=" SYNC_INTERVAL, err, sizeof(err)) == 0;

	for (size_t i = 0; i < NNODES; i++) {
		struct fed_node *n = &fed_nodes[i];
		char ini[4300];

		snprintf(n->dir, sizeof(n->dir), "%s/%s", dir, n->lower);
		snprintf(n->name, sizeof(n->name), "cx-%s", n->lower);
		n->port = (unsigned)base + (unsigned)i;
		snprintf(ini, sizeof(ini), "%s/cx.ini", n->dir);
		if (access(ini, F_OK) == 0) {
			cx_cli_error("demo: %s is already a node: remove %s to make the federation "
			             "afresh",
			             n->dir, dir);
			r = CX_EXIT_FAILED;
			goto out;
		}
		if (!port_free(n->port)) {
			cx_cli_error(
			    "demo: 127.0.0.1:%u is in use: stop what listens there or pass "
			    "another --base-port",
			    n->port);
			r = CX_EXIT_FAILED;
			goto out;
		}
		n->own = json_array();
		n->not_loaded = json_array();
		n->sync_rejected = json_array();
	}
	sigemptyset(&fed_stop_set);
	sigaddset(&fed_stop_set, SIGINT);
	sigaddset(&fed_stop_set, SIGTERM);
	sigprocmask(SIG_BLOCK, &fed_stop_set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Every demo user has the same password: one hash serves them all (the
	 * hash carries its salt); the peers share one random secret. */
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(peer_password, sizeof(peer_password) - 1, rnd, sizeof(rnd));
	if (cx_demo_password_hash(CX_DEMO_PASSWORD, users_hash) < 0 ||
	    cx_demo_password_hash(peer_password, peer_hash) < 0) {
		cx_cli_error("demo: out of memory hashing the passwords");
		goto out;
	}
	printf("creating the demo federation in %s:", dir);
	for (size_t i = 0; i < NNODES; i++)
		printf("%s %s (%s) on 127.0.0.1:%u", i ? "," : "", fed_nodes[i].code, fed_nodes[i].name,
		       fed_nodes[i].port);
	putchar('\n');
	fflush(stdout);
	/* The three partners' identities, then the demo objects by owner. */
	for (const char *p = cx_demo_partners; *p;) {
		size_t len = strcspn(p, "\n");

		for (size_t k = 0; k < NNODES; k++)
			if (len > 4 && strncmp(p, fed_nodes[k].code, 3) == 0 && p[3] == ' ' &&
			    len - 4 < sizeof(fed_nodes[k].identity)) {
				memcpy(fed_nodes[k].identity, p + 4, len - 4);
				fed_nodes[k].identity[len - 4] = '\0';
			}
		p += len + (p[len] == '\n');
	}
	if (split_demo(&defs, &left_out, left_desc, sizeof(left_desc)) < 0)
		goto out;
	for (size_t i = 0; i < NNODES; i++) {
		r = create_node(&fed_nodes[i], users_hash, peer_hash, defs, has_sync);
		if (r != CX_EXIT_OK)
			goto out;
	}
	r = CX_EXIT_FAILED;
	for (size_t i = 0; i < NNODES; i++)
		if (add_peers(&fed_nodes[i], peer_password) < 0)
			goto out;
	if (left_out)
		printf("left out: %zu demo objects owned by partners that run no node here (%s)\n",
		       left_out, left_desc);
	printf("loading: each node pulls from the others, then stores its own partner's objects\n");
	fflush(stdout);
	if (stop_requested()) {
		cx_cli_error("demo: interrupted: the nodes in %s are not loaded", dir);
		goto out;
	}
	/* Serve without the sync loop while loading, so that the passes alone
	 * decide what is pulled when. */
	for (size_t i = 0; i < NNODES; i++)
		if (start_server(&fed_nodes[i], has_sync ? "sync.interval=0" : NULL) < 0)
			goto stop;
	{
		int lr = load_passes();

		if (lr == -2) {
			cx_cli_error("demo: interrupted while loading");
			goto stop;
		}
		if (lr < 0)
			goto stop;
	}
	print_not_loaded();
	if (stop_servers() < 0) {
		cx_cli_error("demo: a node did not stop cleanly after loading: see its serve.log");
		goto out;
	}
	for (size_t i = 0; i < NNODES; i++)
		if (start_server(&fed_nodes[i], NULL) < 0)
			goto stop;
	if (!has_sync)
		printf(
		    "(this cx has no sync loop in cx serve: run 'cx --node DIR/usa sync' to pull "
		    "again)\n");
	print_sign_in();
	r = wait_servers();
	goto out;
stop:
	stop_servers();
	r = CX_EXIT_FAILED;
out:
	sodium_memzero(peer_password, sizeof(peer_password));
	json_decref(defs);
	for (size_t i = 0; i < NNODES; i++) {
		json_decref(fed_nodes[i].own);
		json_decref(fed_nodes[i].not_loaded);
		json_decref(fed_nodes[i].sync_rejected);
		fed_nodes[i].own = fed_nodes[i].not_loaded = fed_nodes[i].sync_rejected = NULL;
	}
	return r;
}
