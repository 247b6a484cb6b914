/* `cx key`: the node's Ed25519 signing key (doc/FEDERATION.md,
 * "Provenance"), and the loading of it that `cx import` and `cx sync`
 * share. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/ingest.h"
#include "core/node_key.h"
#include "core/provenance.h"
#include "util/buf.h"

static const char help[] =
	"usage: cx key show [--json]\n"
	"       cx key verify FILE|-\n"
	"\n"
	"The node's Ed25519 signing key (node.signing_key in cx.ini, default node.key),\n"
	"which signs every object version this node originates (the cx-provenance\n"
	"extension).\n"
	"\n"
	"  show      print the public key (base64) and the key id ('ed25519:' and the\n"
	"            first 16 hex digits of its SHA-256); --json prints\n"
	"            {\"algorithm\", \"key_id\", \"public_key\", \"node\"}\n"
	"  verify    check the provenance signature of each object of a STIX bundle,\n"
	"            TAXII envelope or single object against this node's key: one line\n"
	"            per object (ok, unsigned, bad-signature, wrong-key)\n"
	"\n"
	"Exit codes: 0 shown, or every object verified; 1 an object did not verify;\n"
	"2 usage; 3 no node or no usable key; 4 input problem.\n";

int cx_cli_signing_load(struct cx_cli *cli, struct cx_store *s, struct cx_node_key *ret_key,
			int64_t *ret_partner)
{
	char err[1200];
	struct cx_partner p;

	if (cx_node_key_load(cli->cfg.signing_key, ret_key, err, sizeof(err)) < 0) {
		cx_cli_error("%s", err);
		return CX_EXIT_NODE;
	}
	*ret_partner = 0;
	if (s && cli->cfg.partner[0] && s->partner_get(s, cli->cfg.partner, &p) == CX_STORE_OK)
		*ret_partner = p.rowid;
	return CX_EXIT_OK;
}

static int show(struct cx_cli *cli, bool as_json)
{
	struct cx_node_key k;
	int r = cx_cli_signing_load(cli, NULL, &k, &(int64_t){0});

	if (r != CX_EXIT_OK)
		return r;
	if (as_json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "key_id", k.key_id, "public_key",
				      k.public_b64, "algorithm", "ed25519", "node", cli->cfg.name);

		json_dumpf(o, stdout, JSON_COMPACT | JSON_SORT_KEYS);
		fputc('\n', stdout);
		json_decref(o);
	} else {
		printf("key_id: %s\npublic_key: %s\n", k.key_id, k.public_b64);
	}
	cx_node_key_wipe(&k);
	return CX_EXIT_OK;
}

static int read_input(const char *path, struct cx_buf *b)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!f)
		return -errno;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		cx_buf_append(b, chunk, n);
	if (f != stdin)
		fclose(f);
	return b->err;
}

static int verify(struct cx_cli *cli, const char *path)
{
	struct cx_node_key k;
	struct cx_buf input;
	json_t *root, *objects;
	char why[300];
	size_t i, bad = 0;
	json_t *o;
	int r;

	if ((r = cx_cli_signing_load(cli, NULL, &k, &(int64_t){0})) != CX_EXIT_OK)
		return r;
	cx_buf_init(&input, 1u << 30);
	if ((r = read_input(path, &input)) < 0) {
		cx_cli_error("cannot read %s: %s", path, strerror(-r));
		cx_buf_release(&input);
		cx_node_key_wipe(&k);
		return CX_EXIT_INPUT;
	}
	root = json_loadb(input.data ? input.data : "", input.len, JSON_REJECT_DUPLICATES, NULL);
	cx_buf_release(&input);
	objects = json_object_get(root, "objects");
	if (!json_is_object(root) || (objects && !json_is_array(objects))) {
		cx_cli_error("%s is not a STIX object, bundle or TAXII envelope", path);
		json_decref(root);
		cx_node_key_wipe(&k);
		return CX_EXIT_INPUT;
	}
	if (!objects)
		objects = json_pack("[O]", root);
	else
		json_incref(objects);
	json_array_foreach (objects, i, o) {
		enum cx_prov_result pr = cx_provenance_verify(o, k.pk, k.key_id, why, sizeof(why));
		const char *id = json_string_value(json_object_get(o, "id"));

		printf("%s %s%s%s\n", cx_prov_result_name(pr), id ? id : "(no id)",
		       pr == CX_PROV_OK ? "" : ": ", pr == CX_PROV_OK ? "" : why);
		bad += pr != CX_PROV_OK;
	}
	json_decref(objects);
	json_decref(root);
	cx_node_key_wipe(&k);
	return bad ? CX_EXIT_FAILED : CX_EXIT_OK;
}

int cx_cmd_key(struct cx_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool as_json = false;
	const char *what;
	int c, r;

	if (cx_cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return CX_EXIT_OK;
	}
	if (argc < 2) {
		cx_cli_error("key needs a subcommand (show, verify): see 'cx key --help'");
		return CX_EXIT_USAGE;
	}
	what = argv[1];
	argc--;
	argv++;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			as_json = true;
			break;
		default:
			cx_cli_error("key %s: unknown option '%s': see 'cx key --help'", what,
				     argv[optind - 1]);
			return CX_EXIT_USAGE;
		}
	}
	if (strcmp(what, "show") == 0) {
		if (optind != argc) {
			cx_cli_error("key show takes no arguments: see 'cx key --help'");
			return CX_EXIT_USAGE;
		}
		if ((r = cx_cli_node_load(cli)) != CX_EXIT_OK)
			return r;
		return show(cli, as_json);
	}
	if (strcmp(what, "verify") == 0) {
		if (argc - optind != 1 || as_json) {
			cx_cli_error("key verify needs exactly one FILE (or -): see 'cx key --help'");
			return CX_EXIT_USAGE;
		}
		if ((r = cx_cli_node_load(cli)) != CX_EXIT_OK)
			return r;
		return verify(cli, argv[optind]);
	}
	cx_cli_error("unknown key subcommand '%s': see 'cx key --help'", what);
	return CX_EXIT_USAGE;
}
