#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "access/policy.h"
#include "core/audit.h"
#include "core/export.h"
#include "util/str.h"
#include "util/time.h"

#define MAX_TYPES 64

static const char help[] =
	"usage: cx export (--as USER | --all) [--type TYPE]... [--collection ID]\n"
	"                 [--modified-after TIMESTAMP] [--latest] [-o FILE]\n"
	"\n"
	"Write stored objects as one STIX 2.1 bundle, each object exactly in its stored\n"
	"canonical (RFC 8785) form, in the order they were added. All versions unless\n"
	"--latest. Every export is audited.\n"
	"\n"
	"  --as USER                  only what USER may read (doc/ACCESS.md)\n"
	"  --all                      everything: an operator's backup\n"
	"  --type TYPE                only objects of this type (repeatable)\n"
	"  --collection ID            only members of this collection (id or alias)\n"
	"  --modified-after TIMESTAMP only versions modified after this RFC 3339 time\n"
	"  --latest                   only the newest version of each object\n"
	"  -o, --output FILE          write to FILE (replaced only when complete)\n"
	"\n"
	"Exit codes: 0 written; 1 no such collection or cannot write; 2 usage;\n"
	"3 node or store problem.\n";

/* The reading rule of a user, as TAXII would apply it. */
static int reader_access(struct cx_cli *cli, struct cx_store *s, const char *name,
			 struct cx_access *ret)
{
	struct cx_principal who;
	struct cx_user u;
	struct cx_partner home;
	int64_t home_rowid = 0;
	enum cx_store_status st = s->user_get(s, name, &u);

	if (st != CX_STORE_OK) {
		cx_cli_error(st == CX_STORE_NO_RESULT ? "no user '%s': see 'cx user list'"
						      : "store: cannot read user '%s'",
			     name);
		return st == CX_STORE_NO_RESULT ? CX_EXIT_FAILED : CX_EXIT_NODE;
	}
	if (cli->cfg.partner[0] && s->partner_get(s, cli->cfg.partner, &home) == CX_STORE_OK)
		home_rowid = home.rowid;
	memset(&who, 0, sizeof(who));
	who.user = u.rowid;
	cx_strlcpy(who.name, u.name, sizeof(who.name));
	who.partner_rowid = u.partner_rowid;
	cx_strlcpy(who.partner, u.partner, sizeof(who.partner));
	who.roles = u.roles;
	who.clearance = u.clearance;
	cx_access_for(u.disabled ? NULL : &who, home_rowid, ret);
	return CX_EXIT_OK;
}

int cx_cmd_export(struct cx_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"type", required_argument, NULL, 't'},
		{"collection", required_argument, NULL, 'c'},
		{"modified-after", required_argument, NULL, 'm'},
		{"latest", no_argument, NULL, 'l'},
		{"output", required_argument, NULL, 'o'},
		{"as", required_argument, NULL, 'u'},
		{"all", no_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *types[MAX_TYPES];
	struct cx_object_filter f = {0};
	const char *output = NULL, *collection = NULL, *as_user = NULL;
	bool all = false;
	struct cx_access access;
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
		case 'u':
			as_user = optarg;
			break;
		case 'a':
			all = true;
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
	if (!as_user == !all) {
		cx_cli_error("export needs exactly one of --as USER (what that user may read) or "
			     "--all (an operator's backup)");
		return CX_EXIT_USAGE;
	}
	f.types = types;
	if ((r = cx_cli_node_load(cli)) != CX_EXIT_OK)
		return r;
	s = cx_cli_store_open(cli);
	if (!s)
		return CX_EXIT_NODE;
	if (as_user) {
		rc = reader_access(cli, s, as_user, &access);
		if (rc != CX_EXIT_OK)
			goto out;
		cx_access_filter(&access, &f);
	}
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
	if (rc == CX_EXIT_OK) {
		json_t *detail = json_pack("{s:s?, s:b, s:I}", "as", as_user, "all", all, "objects",
					   (json_int_t)count);
		struct cx_audit_entry e = {"operator", NULL, "export", NULL, NULL, detail, NULL};

		if (cx_audit_record(s, &e) < 0) {
			cx_cli_error("store: cannot audit the export: %s", s->error(s));
			rc = CX_EXIT_NODE;
		}
		json_decref(detail);
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
