#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>

#include "cli/cli.h"

int cx_cmd_version(struct cx_cli *cli, int argc, char **argv)
{
	if (cx_cli_wants_help(argc, argv)) {
		puts("usage: cx version\n\nPrint the version of cx and of the libraries it runs on.");
		return CX_EXIT_OK;
	}
	if (argc > 1) {
		cx_cli_error("version takes no arguments: see 'cx version --help'");
		return CX_EXIT_USAGE;
	}
	printf("cx %s\n", CX_VERSION);
	printf("store schema %d\n", cx_store_schema_latest());
	printf("sqlite %s\n", sqlite3_libversion());
	printf("jansson %s\n", JANSSON_VERSION);
	printf("libmicrohttpd %s\n", MHD_get_version());
	printf("libsodium %s\n", sodium_version_string());
	return CX_EXIT_OK;
}
