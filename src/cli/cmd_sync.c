/* cx sync [PEER]: pull the peers' collections once over TAXII 2.1
 * (doc/FEDERATION.md). The engine is src/sync/; this file parses the
 * arguments and prints what the engine reports. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/node_key.h"
#include "sync/sync.h"
#include "util/str.h"

static const char help[] =
    "usage: cx sync [--limit N] [--json] [--quiet] [PEER]\n"
    "\n"
    "Pull every collection of every peer (or of PEER) once: objects added there\n"
    "since the collection's cursor, in pages of at most N objects (default 500,\n"
    "at most 1000), as this node's peer principal there, so the peer's egress\n"
    "gate decides what this node receives. Each page is stored in one\n"
    "transaction together with the advance of the cursor: a round that is\n"
    "interrupted loses and duplicates nothing, and a round with nothing new is\n"
    "one request per collection. Objects are stored as sent (timestamps and\n"
    "created_by_ref kept); the same id and version again is a duplicate.\n"
    "Prints a summary -- received, new, duplicate, rejected (with reasons) --\n"
    "and a progress line on a terminal.\n"
    "\n"
    "  --limit N   objects per page asked for\n"
    "  --json      print the summary as one JSON object\n"
    "  --quiet     print only rejections, errors and the summary\n"
    "\n"
    "Exit codes: 0 every collection pulled, nothing rejected; 1 a peer failed or\n"
    "objects were rejected (the rest is stored); 2 usage; 3 node or store problem.\n";

struct run {
	bool as_json, quiet, progress;
	bool progress_shown;
	json_t *rejections; /* [{peer, collection, id, reason}] */
	json_t *results;    /* per collection */
};

static void on_object(void *arg, const struct cx_peer *p, const char *collection, const char *id,
                      enum cx_ingest_status st, const char *reason)
{
	struct run *r = arg;

	if (st == CX_INGEST_REJECTED) {
		json_array_append_new(
		    r->rejections, json_pack("{s:s, s:s, s:s?, s:s}", "peer", p->name, "collection",
		                             collection, "id", id, "reason", reason ? reason : ""));
		if (!r->as_json)
			printf("rejected %s from %s/%s: %s\n", id ? id : "-", p->name, collection,
			       reason ? reason : "");
		return;
	}
	if (!r->quiet && !r->as_json)
		printf("%s %s\n", st == CX_INGEST_STORED ? "new" : "duplicate", id ? id : "-");
}

static void on_page(void *arg, const struct cx_peer *p, const char *collection, unsigned pages,
                    const struct cx_sync_counts *t)
{
	struct run *r = arg;

	if (!r->progress)
		return;
	fprintf(stderr, "\r%s %s: page %u, %lld received, %lld new ", p->name, collection, pages,
	        (long long)t->received, (long long)t->stored);
	r->progress_shown = true;
}

static void on_collection(void *arg, const struct cx_peer *p,
                          const struct cx_sync_collection_result *c)
{
	struct run *r = arg;

	if (r->progress_shown) {
		fputc('\n', stderr);
		r->progress_shown = false;
	}
	json_array_append_new(
	    r->results,
	    json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:s?}", "peer", p->name,
	              "collection", c->collection, "requests", (json_int_t)c->requests, "received",
	              (json_int_t)c->counts.received, "new", (json_int_t)c->counts.stored,
	              "duplicate", (json_int_t)c->counts.duplicate, "rejected",
	              (json_int_t)c->counts.rejected, "cursor", c->cursor, "error", c->error));
	if (c->error && !r->as_json)
		fprintf(stderr, "cx: sync %s %s: %s\n", p->name, c->collection, c->error);
	if (!r->as_json && !r->quiet)
		printf("%s %s: %u request%s, received %lld, new %lld, duplicate %lld, rejected "
		       "%lld%s\n",
		       p->name, c->collection, c->requests, c->requests == 1 ? "" : "s",
		       (long long)c->counts.received, (long long)c->counts.stored,
		       (long long)c->counts.duplicate, (long long)c->counts.rejected,
		       c->error ? " (failed)" : "");
}

static void print_summary(const struct run *r, const struct cx_sync_counts *all, size_t failures)
{
	if (r->as_json) {
		json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:O, s:O}", "received",
		                      (json_int_t)all->received, "new", (json_int_t)all->stored,
		                      "duplicate", (json_int_t)all->duplicate, "rejected",
		                      (json_int_t)all->rejected, "failed", (json_int_t)failures,
		                      "rejections", r->rejections, "collections", r->results);

		json_dumpf(j, stdout, JSON_COMPACT);
		fputc('\n', stdout);
		json_decref(j);
		return;
	}
	printf("summary: received %lld, new %lld, duplicate %lld, rejected %lld",
	       (long long)all->received, (long long)all->stored, (long long)all->duplicate,
	       (long long)all->rejected);
	if (failures)
		printf(", %zu collection%s failed", failures, failures == 1 ? "" : "s");
	putchar('\n');
}

int cx_cmd_sync(struct cx_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"limit", required_argument, NULL, 'l'},
	    {"json", no_argument, NULL, 'j'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct cx_sync_opts so = {0};
	struct cx_sync_counts all = {0, 0, 0, 0};
	struct cx_node_key key;
	struct cx_peer *peers = NULL;
	struct cx_sync *y = NULL;
	struct cx_store *s = NULL;
	struct run r;
	const char *only = NULL;
	int64_t limit = CX_SYNC_DEFAULT_LIMIT, own_partner = 0;
	size_t npeers = 0, failures = 0;
	bool have_key = false, found = false;
	enum cx_store_status st;
	char err[700];
	int c, rc = CX_EXIT_OK;

	memset(&r, 0, sizeof(r));
	memset(&key, 0, sizeof(key));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (cx_parse_i64(optarg, 1, CX_SYNC_MAX_LIMIT, &limit) < 0) {
				cx_cli_error("--limit must be 1-%d, not '%s'", CX_SYNC_MAX_LIMIT,
				             optarg);
				return CX_EXIT_USAGE;
			}
			break;
		case 'j':
			r.as_json = true;
			break;
		case 'q':
			r.quiet = true;
			break;
		case 'h':
			fputs(help, stdout);
			return CX_EXIT_OK;
		default:
			cx_cli_error(
			    "sync: unknown or incomplete option '%s': see 'cx sync --help'",
			    argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		cx_cli_error("sync takes at most one PEER: see 'cx sync --help'");
		return CX_EXIT_USAGE;
	}
	only = argc - optind == 1 ? argv[optind] : NULL;
	if ((rc = cx_cli_node_load(cli)) != CX_EXIT_OK)
		return rc;
	s = cx_cli_store_open(cli);
	if (!s)
		return CX_EXIT_NODE;
	st = cx_sync_peers_load(s, &peers, &npeers);
	if (st < 0) {
		cx_cli_error("store: %s", s->error(s));
		rc = CX_EXIT_NODE;
		goto out;
	}
	if (st == CX_STORE_NO_RESULT) {
		cx_cli_error("more than %d peers: this node cannot sync them", CX_SYNC_MAX_PEERS);
		rc = CX_EXIT_FAILED;
		goto out;
	}
	for (size_t i = 0; i < npeers; i++)
		found = found || (only && strcmp(peers[i].name, only) == 0);
	if (only && !found) {
		cx_cli_error("no peer '%s': see 'cx peer list'", only);
		rc = CX_EXIT_FAILED;
		goto out;
	}
	/* The node's own key verifies its own partner's objects that come
	 * back through a peer. */
	if (cli->cfg.partner[0]) {
		if ((rc = cx_cli_signing_load(cli, s, &key, &own_partner)) != CX_EXIT_OK)
			goto out;
		have_key = true;
	}
	if (cx_sync_global_init() < 0) {
		cx_cli_error("libcurl failed to initialise");
		rc = CX_EXIT_FAILED;
		goto out;
	}
	r.progress = isatty(STDERR_FILENO) && !r.as_json;
	r.rejections = json_array();
	r.results = json_array();
	so.limit = (unsigned)limit;
	so.rules = &cli->cfg.records;
	so.own_partner = cli->cfg.partner;
	so.own_pk = have_key ? key.pk : NULL;
	so.own_key_id = key.key_id;
	so.on_object = on_object;
	so.on_page = on_page;
	so.on_collection = on_collection;
	so.arg = &r;
	y = cx_sync_new(&so);
	if (!y) {
		cx_cli_error("libcurl failed to initialise");
		rc = CX_EXIT_FAILED;
		goto cleanup;
	}
	for (size_t i = 0; i < npeers; i++) {
		if (only && strcmp(peers[i].name, only) != 0)
			continue;
		if (cx_sync_peer(y, s, &peers[i], &all, &failures, err, sizeof(err)) < 0) {
			cx_cli_error("sync %s: %s", peers[i].name, err);
			rc = CX_EXIT_NODE;
			break;
		}
	}
	if (rc == CX_EXIT_OK) {
		print_summary(&r, &all, failures);
		rc = failures || all.rejected ? CX_EXIT_FAILED : CX_EXIT_OK;
	}
cleanup:
	cx_sync_free(y);
	cx_sync_global_cleanup();
out:
	cx_node_key_wipe(&key);
	cx_sync_peers_free(peers, npeers);
	json_decref(r.rejections);
	json_decref(r.results);
	if (s)
		s->close(s);
	return rc;
}
