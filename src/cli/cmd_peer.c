/* cx peer add|list|show|remove: the nodes this node pulls from
 * (doc/FEDERATION.md). */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "access/roles.h"
#include "cli/cli.h"
#include "core/node_key.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

#define MAX_COLLECTIONS 64

static const char help[] =
    "usage: cx peer add NAME --url URL --partner CODE --user U\n"
    "                   (--password-stdin | --token-stdin) --public-key B64\n"
    "                   [--key-id ID] [--into LOCAL_COLLECTION]\n"
    "                   --collection ID [--collection ID]...\n"
    "       cx peer list [--json]\n"
    "       cx peer show NAME [--json]\n"
    "       cx peer remove NAME\n"
    "\n"
    "A peer is another node this node pulls from with 'cx sync': its TAXII API\n"
    "root URL (e.g. https://irq.example:8400/coalition/), the partner that runs\n"
    "it, the peer-role user this node is there and its password or token (read\n"
    "from the first line of standard input and stored as given: protect the node\n"
    "folder), the peer node's Ed25519 public key (base64 of 32 bytes) and key id\n"
    "(default: derived from the key, as 'cx key show' prints it), and the remote\n"
    "collections to pull. --into names a local collection (id or alias) every\n"
    "pulled object is added to, so that this node serves it on.\n"
    "\n"
    "Exit codes: 0 done; 1 no such peer, or name taken; 2 usage; 3 node or store.\n";

static bool name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* Derived key id when none is given: the one the peer's node uses
 * (core/node_key.h). */
static void default_key_id(const unsigned char pk[32], char *out, size_t n)
{
	char id[32];

	cx_node_key_id(pk, id);
	snprintf(out, n, "%s", id);
}

static int read_secret(char *out, size_t n)
{
	size_t len;

	if (!fgets(out, (int)n, stdin))
		out[0] = '\0';
	len = strcspn(out, "\r\n");
	out[len] = '\0';
	if (!len) {
		cx_cli_error("peer add: no secret on standard input (one line)");
		return CX_EXIT_USAGE;
	}
	return CX_EXIT_OK;
}

static int add(struct cx_cli *cli, struct cx_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"url", required_argument, NULL, 'u'},
	    {"partner", required_argument, NULL, 'p'},
	    {"user", required_argument, NULL, 'U'},
	    {"password-stdin", no_argument, NULL, 'P'},
	    {"token-stdin", no_argument, NULL, 'T'},
	    {"public-key", required_argument, NULL, 'k'},
	    {"key-id", required_argument, NULL, 'K'},
	    {"into", required_argument, NULL, 'i'},
	    {"collection", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	const char *colls[MAX_COLLECTIONS];
	size_t ncolls = 0;
	const char *url = NULL, *partner = NULL, *user = NULL, *pkb64 = NULL, *key_id = NULL;
	const char *into = NULL;
	int secret_kind = 0; /* 'P' or 'T' */
	struct cx_peer p;
	unsigned char pk[32];
	size_t pklen = 0;
	int64_t rowid = 0;
	enum cx_store_status st;
	json_t *detail = NULL, *jc;
	int o, rc = CX_EXIT_OK;

	memset(&p, 0, sizeof(p));
	optind = 0;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'u':
			url = optarg;
			break;
		case 'p':
			partner = optarg;
			break;
		case 'U':
			user = optarg;
			break;
		case 'P':
		case 'T':
			if (secret_kind && secret_kind != o) {
				cx_cli_error(
				    "peer add: --password-stdin or --token-stdin, not both");
				return CX_EXIT_USAGE;
			}
			secret_kind = o;
			break;
		case 'k':
			pkb64 = optarg;
			break;
		case 'K':
			key_id = optarg;
			break;
		case 'i':
			into = optarg;
			break;
		case 'c':
			if (ncolls == MAX_COLLECTIONS) {
				cx_cli_error("peer add: at most %d --collection", MAX_COLLECTIONS);
				return CX_EXIT_USAGE;
			}
			colls[ncolls++] = optarg;
			break;
		default:
			cx_cli_error("peer add: bad option '%s': see 'cx peer --help'",
			             argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || !url || !partner || !user || !secret_kind || !pkb64 || !ncolls) {
		cx_cli_error("peer add needs NAME, --url, --partner, --user, --password-stdin or "
		             "--token-stdin, --public-key and --collection: see 'cx peer --help'");
		return CX_EXIT_USAGE;
	}
	if (!name_valid(argv[optind])) {
		cx_cli_error("peer name '%s' must be 1-64 of A-Z a-z 0-9 - _ .", argv[optind]);
		return CX_EXIT_USAGE;
	}
	cx_strlcpy(p.name, argv[optind], sizeof(p.name));
	if ((strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) ||
	    url[strlen(url) - 1] != '/' || cx_strlcpy(p.url, url, sizeof(p.url)) < 0) {
		cx_cli_error("--url must be the peer's TAXII API root, http(s)://HOST:PORT/ROOT/ "
		             "(ending in '/'), not '%s'",
		             url);
		return CX_EXIT_USAGE;
	}
	if (!cx_partner_code_valid(partner)) {
		cx_cli_error("--partner '%s' must be a partner code, 2-16 of A-Z 0-9 -", partner);
		return CX_EXIT_USAGE;
	}
	cx_strlcpy(p.partner, partner, sizeof(p.partner));
	if (!user[0] || cx_strlcpy(p.user, user, sizeof(p.user)) < 0) {
		cx_cli_error("--user must be 1-64 characters");
		return CX_EXIT_USAGE;
	}
	if (sodium_base642bin(pk, sizeof(pk), pkb64, strlen(pkb64), NULL, &pklen, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    pklen != 32) {
		cx_cli_error("--public-key must be an Ed25519 public key: base64 of 32 bytes");
		return CX_EXIT_USAGE;
	}
	cx_strlcpy(p.public_key, pkb64, sizeof(p.public_key));
	if (key_id) {
		if (!key_id[0] || cx_strlcpy(p.key_id, key_id, sizeof(p.key_id)) < 0) {
			cx_cli_error("--key-id must be 1-127 characters");
			return CX_EXIT_USAGE;
		}
	} else {
		default_key_id(pk, p.key_id, sizeof(p.key_id));
	}
	for (size_t i = 0; i < ncolls; i++) {
		if (!cx_uuid_valid(colls[i], strlen(colls[i]))) {
			cx_cli_error(
			    "--collection '%s' must be the remote collection's id (a UUID)",
			    colls[i]);
			return CX_EXIT_USAGE;
		}
	}
	if (into) {
		struct cx_collection c;

		rc = cx_cli_collection_find(s, into, &c);
		if (rc != CX_EXIT_OK)
			return rc;
		cx_strlcpy(p.into, c.id, sizeof(p.into));
	}
	rc = read_secret(p.secret, sizeof(p.secret));
	if (rc != CX_EXIT_OK)
		goto out;
	p.secret_is_token = secret_kind == 'T';
	p.created = cx_time_now_us();
	(void)cli;

	jc = json_array();
	for (size_t i = 0; i < ncolls; i++)
		json_array_append_new(jc, json_string(colls[i]));
	detail = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "peer", p.name, "url", p.url,
	                   "partner", p.partner, "user", p.user, "key_id", p.key_id, "into", p.into,
	                   "collections", jc);
	if (s->begin(s, true) < 0 || (st = s->peer_add(s, &p, &rowid)) < 0)
		goto fail;
	if (st == CX_STORE_NO_RESULT) {
		s->rollback(s);
		cx_cli_error("a peer named '%s' exists: see 'cx peer list', or remove it first",
		             p.name);
		rc = CX_EXIT_FAILED;
		goto out;
	}
	for (size_t i = 0; i < ncolls; i++)
		if (s->peer_collection_add(s, rowid, colls[i]) < 0)
			goto fail;
	if (cx_cli_audit(s, "peer.add", detail) < 0 || s->commit(s) < 0)
		goto fail;
	printf("%s\t%s\t%s\t%s\n", p.name, p.partner, p.url, p.key_id);
	goto out;
fail:
	s->rollback(s);
	cx_cli_error("store: %s", s->error(s));
	rc = CX_EXIT_NODE;
out:
	sodium_memzero(p.secret, sizeof(p.secret));
	json_decref(detail);
	return rc;
}

static void time_text(int64_t us, char *out)
{
	if (us)
		cx_time_format(us, 6, out);
	else
		cx_strlcpy(out, "", CX_TIME_STRLEN);
}

/* The peer as JSON, without its secret. */
static json_t *peer_json(const struct cx_peer *p)
{
	char created[CX_TIME_STRLEN];

	time_text(p->created, created);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", p->name, "url",
	                 p->url, "partner", p->partner, "user", p->user, "auth",
	                 p->secret_is_token ? "token" : "password", "public_key", p->public_key,
	                 "key_id", p->key_id, "into", p->into, "created", created);
}

static int coll_cb(void *arg, const struct cx_peer_collection *c)
{
	char ok[CX_TIME_STRLEN], at[CX_TIME_STRLEN];

	time_text(c->last_success, ok);
	time_text(c->last_attempt, at);
	json_array_append_new(
	    arg, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "collection",
	                   c->collection, "cursor", c->cursor, "last_attempt", at, "last_success",
	                   ok, "last_error", c->last_error, "received", (json_int_t)c->received,
	                   "stored", (json_int_t)c->stored, "duplicate", (json_int_t)c->duplicate,
	                   "rejected", (json_int_t)c->rejected));
	return 0;
}

struct list_ctx {
	bool as_json;
	json_t *all;
};

static int list_cb(void *arg, const struct cx_peer *p)
{
	struct list_ctx *ctx = arg;

	if (ctx->as_json)
		json_array_append_new(ctx->all, peer_json(p));
	else
		printf("%s\t%s\t%s\t%s\n", p->name, p->partner, p->url, p->key_id);
	return 0;
}

static void print_json(const json_t *j)
{
	json_dumpf(j, stdout, JSON_COMPACT);
	fputc('\n', stdout);
}

static int list(struct cx_store *s, int argc, char **argv)
{
	struct list_ctx ctx = {false, NULL};

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			ctx.as_json = true;
		} else {
			cx_cli_error("peer list: unknown argument '%s'", argv[i]);
			return CX_EXIT_USAGE;
		}
	}
	ctx.all = json_array();
	if (s->peer_list(s, list_cb, &ctx) < 0) {
		json_decref(ctx.all);
		cx_cli_error("store: %s", s->error(s));
		return CX_EXIT_NODE;
	}
	if (ctx.as_json)
		print_json(ctx.all);
	json_decref(ctx.all);
	return CX_EXIT_OK;
}

static int show(struct cx_store *s, int argc, char **argv)
{
	const char *name = NULL;
	bool as_json = false;
	struct cx_peer p;
	enum cx_store_status st;
	json_t *j, *colls;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			as_json = true;
		else if (!name && argv[i][0] != '-')
			name = argv[i];
		else {
			cx_cli_error("peer show: unexpected argument '%s'", argv[i]);
			return CX_EXIT_USAGE;
		}
	}
	if (!name) {
		cx_cli_error("peer show needs NAME: see 'cx peer list'");
		return CX_EXIT_USAGE;
	}
	st = s->peer_get(s, name, &p);
	if (st == CX_STORE_NO_RESULT) {
		cx_cli_error("no peer '%s': see 'cx peer list'", name);
		return CX_EXIT_FAILED;
	}
	if (st < 0) {
		cx_cli_error("store: %s", s->error(s));
		return CX_EXIT_NODE;
	}
	sodium_memzero(p.secret, sizeof(p.secret));
	j = peer_json(&p);
	colls = json_array();
	if (s->peer_collections(s, p.rowid, coll_cb, colls) < 0) {
		json_decref(colls);
		json_decref(j);
		cx_cli_error("store: %s", s->error(s));
		return CX_EXIT_NODE;
	}
	json_object_set_new(j, "collections", colls);
	if (as_json) {
		print_json(j);
	} else {
		size_t i;
		json_t *c;

		printf("name: %s\nurl: %s\npartner: %s\nuser: %s (%s)\npublic key: %s\n"
		       "key id: %s\ninto: %s\ncreated: %s\n",
		       p.name, p.url, p.partner, p.user, p.secret_is_token ? "token" : "password",
		       p.public_key, p.key_id, p.into[0] ? p.into : "-",
		       json_string_value(json_object_get(j, "created")));
		json_array_foreach(colls, i, c)
		{
			const char *err = json_string_value(json_object_get(c, "last_error"));

			printf("collection %s: cursor %s, last success %s, received %lld, stored "
			       "%lld, duplicate %lld, rejected %lld%s%s\n",
			       json_string_value(json_object_get(c, "collection")),
			       *json_string_value(json_object_get(c, "cursor"))
			           ? json_string_value(json_object_get(c, "cursor"))
			           : "-",
			       *json_string_value(json_object_get(c, "last_success"))
			           ? json_string_value(json_object_get(c, "last_success"))
			           : "never",
			       (long long)json_integer_value(json_object_get(c, "received")),
			       (long long)json_integer_value(json_object_get(c, "stored")),
			       (long long)json_integer_value(json_object_get(c, "duplicate")),
			       (long long)json_integer_value(json_object_get(c, "rejected")),
			       err && *err ? ", last error: " : "", err && *err ? err : "");
		}
	}
	json_decref(j);
	return CX_EXIT_OK;
}

static int remove_peer(struct cx_store *s, int argc, char **argv)
{
	enum cx_store_status st;
	json_t *detail;

	if (argc != 2) {
		cx_cli_error("peer remove needs one NAME");
		return CX_EXIT_USAGE;
	}
	detail = json_pack("{s:s}", "peer", argv[1]);
	if (s->begin(s, true) < 0 || (st = s->peer_remove(s, argv[1])) < 0 ||
	    (st == CX_STORE_OK && cx_cli_audit(s, "peer.remove", detail) < 0) || s->commit(s) < 0) {
		json_decref(detail);
		s->rollback(s);
		cx_cli_error("store: %s", s->error(s));
		return CX_EXIT_NODE;
	}
	json_decref(detail);
	if (st == CX_STORE_NO_RESULT) {
		cx_cli_error("no peer '%s': see 'cx peer list'", argv[1]);
		return CX_EXIT_FAILED;
	}
	return CX_EXIT_OK;
}

int cx_cmd_peer(struct cx_cli *cli, int argc, char **argv)
{
	struct cx_store *s;
	int r;

	if (cx_cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return CX_EXIT_OK;
	}
	if (argc < 2) {
		cx_cli_error("peer needs a command: add, list, show or remove (see 'cx peer "
		             "--help')");
		return CX_EXIT_USAGE;
	}
	if (strcmp(argv[1], "add") && strcmp(argv[1], "list") && strcmp(argv[1], "show") &&
	    strcmp(argv[1], "remove")) {
		cx_cli_error("unknown peer command '%s': see 'cx peer --help'", argv[1]);
		return CX_EXIT_USAGE;
	}
	if ((r = cx_cli_node_load(cli)) != CX_EXIT_OK)
		return r;
	s = cx_cli_store_open(cli);
	if (!s)
		return CX_EXIT_NODE;
	if (strcmp(argv[1], "add") == 0)
		r = add(cli, s, argc - 1, argv + 1);
	else if (strcmp(argv[1], "list") == 0)
		r = list(s, argc - 1, argv + 1);
	else if (strcmp(argv[1], "show") == 0)
		r = show(s, argc - 1, argv + 1);
	else
		r = remove_peer(s, argc - 1, argv + 1);
	s->close(s);
	return r;
}
