#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/export.h"
#include "util/time.h"

#define MAX_TYPES 64

static const char help[] =
	"usage: cx export [--type TYPE]... [--collection ID] [--modified-after TIMESTAMP]\n"
	"                 [--latest] [-o FILE]\n"
	"\n"
	"Write stored objects as one STIX 2.1 bundle, each object exactly in its stored\n"
	"canonical (RFC 8785) form, in the order they were added. All versions unless\n"
	"--latest.\n"
	"\n"
	"  --type TYPE                only objects of this type (repeatable)\n"
	"  --collection ID            only members of this collection (id or alias)\n"
	"  --modified-after TIMESTAMP only versions modified after this RFC 3339 time\n"
	"  --latest                   only the newest version of each object\n"
	"  -o, --output FILE          write to FILE (replaced only when complete)\n"
	"\n"
	"Exit codes: 0 written; 1 no such collection or cannot write; 2 usage;\n"
	"3 node or store problem.\n";

int cx_cmd_export(struct cx_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"type", required_argument, NULL, 't'},
		{"collection", required_argument, NULL, 'c'},
		{"modified-after", required_argument, NULL, 'm'},
		{"latest", no_argument, NULL, 'l'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *types[MAX_TYPES];
	struct cx_object_filter f = {0};
	const char *output = NULL, *collection = NULL;
	char tmp[4200];
	struct cx_store *s = NULL;
	FILE *out = stdout;
	size_t count = 0;
	int c, r, rc = CX_EXIT_OK;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (f.ntypes == MAX_TYPES) {
				cx_cli_error("export: at most %d --type options", MAX_TYPES);
				return CX_EXIT_USAGE;
			}
			types[f.ntypes++] = optarg;
			break;
		case 'c':
			collection = optarg;
			break;
		case 'm':
			if (cx_time_parse(optarg, &f.modified_after, NULL) < 0) {
				cx_cli_error("export: --modified-after needs an RFC 3339 UTC time "
					     "like 2026-01-31T12:00:00Z, not '%s'",
					     optarg);
				return CX_EXIT_USAGE;
			}
			break;
		case 'l':
			f.versions = CX_VERSION_LAST;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return CX_EXIT_OK;
		default:
			cx_cli_error("export: unknown or incomplete option '%s': see 'cx export "
				     "--help'",
				     argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cx_cli_error("export takes no arguments: see 'cx export --help'");
		return CX_EXIT_USAGE;
	}
	f.types = types;
	if ((r = cx_cli_node_load(cli)) != CX_EXIT_OK)
		return r;
	s = cx_cli_store_open(cli);
	if (!s)
		return CX_EXIT_NODE;
	if (collection) {
		struct cx_collection coll;

		rc = cx_cli_collection_find(s, collection, &coll);
		if (rc != CX_EXIT_OK)
			goto out;
		f.collection = coll.rowid;
	}
	if (output) {
		snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", output, (long)getpid());
		out = fopen(tmp, "wb");
		if (!out) {
			cx_cli_error("cannot write %s: %s", tmp, strerror(errno));
			rc = CX_EXIT_FAILED;
			goto out;
		}
	}
	r = cx_export_bundle(s, &f, out, &count);
	if (r == -EIO) {
		cx_cli_error("cannot write the bundle: %s", strerror(errno));
		rc = CX_EXIT_FAILED;
	} else if (r < 0) {
		cx_cli_error("store: %s", s->error(s));
		rc = CX_EXIT_NODE;
	}
	if (output) {
		if (rc == CX_EXIT_OK && (fflush(out) != 0 || fsync(fileno(out)) != 0)) {
			cx_cli_error("cannot write %s: %s", output, strerror(errno));
			rc = CX_EXIT_FAILED;
		}
		fclose(out);
		if (rc == CX_EXIT_OK && rename(tmp, output) != 0) {
			cx_cli_error("cannot write %s: %s", output, strerror(errno));
			rc = CX_EXIT_FAILED;
		}
		if (rc != CX_EXIT_OK)
			unlink(tmp);
		else
			fprintf(stderr, "exported %zu objects to %s\n", count, output);
	}
out:
	s->close(s);
	return rc;
}
