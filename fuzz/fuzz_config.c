/* Fuzz target: the node configuration (cx.ini) parser.
 *
 * The input is the text of a cx.ini, read through the file path the node
 * uses (an in-memory file), over the defaults; the settings are then
 * checked as a whole. Each line is also tried as a command-line override
 * (SECTION.KEY=VALUE). Whatever happens, every text setting stays a
 * NUL-terminated string inside its field, the root count inside its array,
 * and a failure says why. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fd = -1;
static char path[64];

#define TERMINATED(field) (memchr((field), '\0', sizeof(field)) != NULL)

static void check_fields(const struct cx_config *cfg)
{
	if (!TERMINATED(cfg->name) || !TERMINATED(cfg->partner) || !TERMINATED(cfg->signing_key) ||
	    !TERMINATED(cfg->listen_host) || !TERMINATED(cfg->tls_cert) ||
	    !TERMINATED(cfg->tls_key) || !TERMINATED(cfg->web_root) || !TERMINATED(cfg->chartjs) ||
	    !TERMINATED(cfg->db_file) || !TERMINATED(cfg->vault_key) ||
	    !TERMINATED(cfg->log_level) || !TERMINATED(cfg->taxii_title) ||
	    !TERMINATED(cfg->taxii_description) || !TERMINATED(cfg->taxii_contact) ||
	    !TERMINATED(cfg->default_root) || !TERMINATED(cfg->records.principal_partners) ||
	    !TERMINATED(cfg->records.host_nations) || !TERMINATED(cfg->records.sa_countries) ||
	    !TERMINATED(cfg->records.sa_agencies))
		abort();
	if (cfg->nroots > CX_MAX_API_ROOTS)
		abort();
	for (unsigned i = 0; i < cfg->nroots; i++)
		if (!TERMINATED(cfg->roots[i].name) || !TERMINATED(cfg->roots[i].title) ||
		    !TERMINATED(cfg->roots[i].description) ||
		    cx_config_root(cfg, cfg->roots[i].name) == NULL)
			abort();
}

static void overrides(const uint8_t *data, size_t size)
{
	struct cx_config cfg;
	char err[256], *text = malloc(size + 1), *line;

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	cx_config_defaults(&cfg);
	for (line = text; line;) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		err[0] = '\0';
		if (cx_config_override(&cfg, line, err, sizeof(err)) == -EINVAL && !err[0])
			abort();
		line = nl ? nl + 1 : NULL;
	}
	check_fields(&cfg);
	free(text);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fd = memfd_create("cx.ini", 0);
	if (fd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cx_config cfg;
	char err[512];
	int r;

	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	cx_config_defaults(&cfg);
	err[0] = '\0';
	r = cx_config_load(&cfg, path, err, sizeof(err));
	if (r == 0) {
		err[0] = '\0';
		if (cx_config_check(&cfg, err, sizeof(err)) < 0) {
			if (!err[0])
				abort();
		} else if (cfg.default_root[0] && !cx_config_root(&cfg, cfg.default_root)) {
			abort();
		}
	} else if (r != -EINVAL || !err[0]) {
		abort();
	}
	check_fields(&cfg);
	overrides(data, size);
	return 0;
}
