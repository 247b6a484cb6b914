#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/ingest.h"
#include "core/node_key.h"
#include "util/buf.h"
#include "util/str.h"

#define MAX_INPUT (2ull * 1024 * 1024 * 1024) /* 2 GiB */

static const char help[] =
	"usage: cx import [--collection ID] [--json] [--quiet] FILE|-\n"
	"\n"
	"Store the objects of a STIX 2.1 bundle or a TAXII 2.1 envelope read from FILE\n"
	"or standard input (-). Every object is validated; all valid ones are stored in\n"
	"one transaction. Prints one line per object -- 'stored ID', 'duplicate ID' or\n"
	"'rejected ID PROPERTY RULE: MESSAGE' -- and a summary line.\n"
	"\n"
	"  --collection ID   also add every accepted object to this collection (id or alias)\n"
	"  --json            print the report as one JSON object instead\n"
	"  --quiet           print only rejections and the summary\n"
	"\n"
	"Exit codes: 0 everything stored or already present; 1 some objects rejected\n"
	"(the others are stored); 2 usage; 3 node or store problem (nothing stored);\n"
	"4 input unreadable or not a bundle/envelope (nothing stored).\n";

static int read_all(FILE *f, struct cx_buf *b)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (cx_buf_append(b, chunk, n) < 0)
			return b->err;
	return ferror(f) ? -EIO : 0;
}

static void progress(void *arg, const char *phase, size_t done, size_t total)
{
	(void)arg;
	fprintf(stderr, "\r%-10s %zu/%zu objects (%zu%%)", phase, done, total,
		total ? done * 100 / total : 100);
	if (done == total && strcmp(phase, "storing") == 0)
		fputc('\n', stderr);
}

static void print_text(const struct cx_ingest_report *rep, bool quiet)
{
	for (size_t i = 0; i < rep->count; i++) {
		const struct cx_ingest_item *it = &rep->items[i];

		if (it->status == CX_INGEST_REJECTED) {
			if (it->err.id[0])
				printf("rejected %s", it->err.id);
			else
				printf("rejected #%zu", i);
			printf(" %s %s: %s\n", it->err.property[0] ? it->err.property : "-",
			       it->err.rule[0] ? it->err.rule : "store", it->err.message);
		} else if (!quiet) {
			printf("%s %s\n", cx_ingest_status_name(it->status), it->err.id);
		}
	}
	printf("summary: %zu stored, %zu duplicate, %zu rejected\n", rep->stored, rep->duplicate,
	       rep->rejected);
}

static void print_json(const struct cx_ingest_report *rep)
{
	json_t *results = json_array();
	json_t *root;

	for (size_t i = 0; i < rep->count; i++) {
		const struct cx_ingest_item *it = &rep->items[i];
		json_t *o = json_pack("{s:I, s:s}", "index", (json_int_t)i, "status",
				      cx_ingest_status_name(it->status));

		json_object_set_new(o, "id", it->err.id[0] ? json_string(it->err.id) : json_null());
		if (it->status == CX_INGEST_REJECTED) {
			json_object_set_new(o, "property", json_string(it->err.property));
			json_object_set_new(o, "rule", json_string(it->err.rule));
			json_object_set_new(o, "message", json_string(it->err.message));
		}
		json_array_append_new(results, o);
	}
	root = json_pack("{s:I, s:I, s:I, s:o}", "stored", (json_int_t)rep->stored, "duplicate",
			 (json_int_t)rep->duplicate, "rejected", (json_int_t)rep->rejected,
			 "results", results);
	json_dumpf(root, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(root);
}

int cx_cmd_import(struct cx_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"collection", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct cx_ingest_opts iopts = {0};
	struct cx_node_key key = {0};
	struct cx_ingest_report rep = {0};
	struct cx_buf input;
	struct cx_store *s = NULL;
	json_t *objects = NULL;
	enum cx_store_status st;
	const char *path, *collection = NULL;
	char collection_id[64];
	bool as_json = false, quiet = false;
	char err[512];
	FILE *f;
	int c, r, rc = CX_EXIT_OK;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			collection = optarg;
			break;
		case 'j':
			as_json = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(help, stdout);
			return CX_EXIT_OK;
		default:
			cx_cli_error("import: unknown or incomplete option '%s': see 'cx import "
				     "--help'",
				     argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		cx_cli_error("import needs exactly one FILE (or - for standard input): see 'cx "
			     "import --help'");
		return CX_EXIT_USAGE;
	}
	path = argv[optind];
	if ((r = cx_cli_node_load(cli)) != CX_EXIT_OK)
		return r;

	cx_buf_init(&input, MAX_INPUT);
	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		cx_cli_error("cannot read %s: %s", path, strerror(errno));
		rc = CX_EXIT_INPUT;
		goto out;
	}
	r = read_all(f, &input);
	if (f != stdin)
		fclose(f);
	if (r < 0) {
		cx_cli_error("cannot read %s: %s", path,
			     r == -E2BIG ? "larger than 2 GiB" : strerror(-r));
		rc = CX_EXIT_INPUT;
		goto out;
	}
	if (cx_ingest_parse(cx_buf_cstr(&input), input.len, 0, &objects, err, sizeof(err)) < 0) {
		cx_cli_error("%s: %s; nothing was stored", strcmp(path, "-") ? path : "stdin", err);
		rc = CX_EXIT_INPUT;
		goto out;
	}
	cx_buf_release(&input);

	s = cx_cli_store_open(cli);
	if (!s) {
		rc = CX_EXIT_NODE;
		goto out;
	}
	if (collection) {
		struct cx_collection coll;

		rc = cx_cli_collection_find(s, collection, &coll);
		if (rc != CX_EXIT_OK)
			goto out;
		iopts.collection = coll.rowid;
		cx_strlcpy(collection_id, coll.id, sizeof(collection_id));
		iopts.collection_id = collection_id;
	}
	rc = cx_cli_signing_load(cli, s, &key, &iopts.sign_partner);
	if (rc != CX_EXIT_OK)
		goto out;
	iopts.sign_key = &key;
	iopts.node_name = cli->cfg.name;
	iopts.actor = "operator";
	iopts.rules = &cli->cfg.records;
	iopts.action = "import";
	if (isatty(STDERR_FILENO) && json_array_size(objects) >= 1000) {
		iopts.progress = progress;
	}
	st = cx_ingest_objects(s, objects, &iopts, &rep);
	if (st == CX_STORE_FULL) {
		cx_cli_error("the disk of the node's store is full, nothing was stored: free space "
			     "and import again (%s)",
			     s->error(s));
		rc = CX_EXIT_NODE;
		goto out;
	}
	if (st < 0) {
		cx_cli_error("the store failed, nothing was stored: %s", s->error(s));
		rc = CX_EXIT_NODE;
		goto out;
	}
	if (as_json)
		print_json(&rep);
	else
		print_text(&rep, quiet);
	rc = rep.rejected ? CX_EXIT_FAILED : CX_EXIT_OK;
out:
	cx_node_key_wipe(&key);
	cx_ingest_report_release(&rep);
	json_decref(objects);
	cx_buf_release(&input);
	if (s)
		s->close(s);
	return rc;
}
