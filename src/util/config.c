#include "util/config.h"

#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"
#include "util/str.h"

/* Where the web UI's files are: the source tree's web/ folder unless the
 * build says otherwise (meson passes the absolute path). */
#ifndef CX_WEB_ROOT
#define CX_WEB_ROOT "web"
#endif
/* Debian's libjs-chart.js. */
#ifndef CX_CHARTJS
#define CX_CHARTJS "/usr/share/javascript/chart.js/chart.min.js"
#endif

void cx_config_defaults(struct cx_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cx_strlcpy(cfg->name, "cx-node", sizeof(cfg->name));
	cx_strlcpy(cfg->signing_key, "node.key", sizeof(cfg->signing_key));
	cx_strlcpy(cfg->listen_host, "127.0.0.1", sizeof(cfg->listen_host));
	cfg->listen_port = 8400;
	cfg->threads = 4;
	cfg->connection_limit = 512;
	cfg->timeout = 30;
	cfg->max_body = 32u * 1024 * 1024;
	cx_strlcpy(cfg->web_root, CX_WEB_ROOT, sizeof(cfg->web_root));
	cx_strlcpy(cfg->chartjs, CX_CHARTJS, sizeof(cfg->chartjs));
	cx_strlcpy(cfg->db_file, "cx.db", sizeof(cfg->db_file));
	cfg->busy_retries = 8;
	cx_strlcpy(cfg->vault_key, "vault.key", sizeof(cfg->vault_key));
	cx_strlcpy(cfg->log_level, "info", sizeof(cfg->log_level));
	cx_strlcpy(cfg->taxii_title, "Coalition Exchange", sizeof(cfg->taxii_title));
	cfg->max_page_size = 1000;
	cx_strlcpy(cfg->records.principal_partners, "USA,IRQ",
		   sizeof(cfg->records.principal_partners));
	cx_strlcpy(cfg->records.host_nations, "IRQ,KRG", sizeof(cfg->records.host_nations));
	cx_strlcpy(cfg->records.sa_countries, "IQ", sizeof(cfg->records.sa_countries));
	cx_strlcpy(cfg->records.sa_agencies, "B,D,P", sizeof(cfg->records.sa_agencies));
	cfg->status_ttl = 86400;
	cfg->sync_interval = 60;
	cfg->sync_backoff_max = 900;
}

const char *cx_config_default_text(void)
{
	return "# Coalition Exchange node configuration.\n"
	       "# Any key can be overridden on the command line: cx --set http.listen=HOST:PORT ...\n"
	       "\n"
	       "[node]\n"
	       "name = cx-node\n"
	       "# The partner that runs this node (a code added with 'cx partner add').\n"
	       "# partner = USA\n"
	       "# The node's Ed25519 key (mode 0600), which signs the objects it originates.\n"
	       "signing_key = node.key\n"
	       "\n"
	       "[http]\n"
	       "listen = 127.0.0.1:8400\n"
	       "threads = 4\n"
	       "connection_limit = 512\n"
	       "timeout = 30\n"
	       "max_body = 32M\n"
	       "# TLS (TAXII requires HTTPS between nodes): PEM files, relative to the node folder\n"
	       "# tls_cert = tls/cert.pem\n"
	       "# tls_key = tls/key.pem\n"
	       "# The web UI's files (default: the web/ folder of the source tree cx was built\n"
	       "# from) and Debian's Chart.js, served at /vendor/chart.js.\n"
	       "# web_root = /usr/share/cx/web\n"
	       "# chartjs = /usr/share/javascript/chart.js/chart.min.js\n"
	       "\n"
	       "[store]\n"
	       "file = cx.db\n"
	       "busy_retries = 8\n"
	       "# The PII vault's key (32 bytes, mode 0600), kept outside the database.\n"
	       "vault_key = vault.key\n"
	       "\n"
	       "[log]\n"
	       "level = info\n"
	       "\n"
	       "[records]\n"
	       "# Partners whose endorsing opinion an assessment needs.\n"
	       "principal_partners = USA,IRQ\n"
	       "# Partners whose decision approves a movement request (host nations).\n"
	       "host_nations = IRQ,KRG\n"
	       "# Codes a security assistance case id CC-I-DDD may use: countries (CC) and\n"
	       "# implementing agencies (I: B Army, D Air Force, P Navy).\n"
	       "sa_countries = IQ\n"
	       "sa_agencies = B,D,P\n"
	       "\n"
	       "[taxii]\n"
	       "title = Coalition Exchange\n"
	       "description = TAXII 2.1 server of this node\n"
	       "contact = node administrator\n"
	       "default_root = coalition\n"
	       "max_page_size = 1000\n"
	       "status_ttl = 86400\n"
	       "\n"
	       "[sync]\n"
	       "# cx serve pulls every peer every interval seconds (0: never; run cx sync);\n"
	       "# a peer that fails is retried after interval, 2x, 4x ... up to backoff_max.\n"
	       "interval = 60\n"
	       "backoff_max = 900\n"
	       "\n"
	       "# One section per API root (sharing community), served at /NAME/.\n"
	       "[api_root:coalition]\n"
	       "title = Coalition\n"
	       "description = Intelligence shared across the coalition\n"
	       "max_content_length = 32M\n";
}

static int uint_value(const char *value, int64_t min, int64_t max, unsigned *ret, char *err,
		      size_t errlen, const char *name)
{
	int64_t v;

	if (cx_parse_i64(value, min, max, &v) < 0) {
		snprintf(err, errlen, "%s must be a whole number from %lld to %lld, not '%s'", name,
			 (long long)min, (long long)max, value);
		return -EINVAL;
	}
	*ret = (unsigned)v;
	return 0;
}

static int set_listen(struct cx_config *cfg, const char *value, char *err, size_t errlen)
{
	const char *colon = strrchr(value, ':');
	unsigned port;
	size_t hostlen;

	if (!colon || colon == value) {
		snprintf(err, errlen, "http.listen must be HOST:PORT, not '%s'", value);
		return -EINVAL;
	}
	hostlen = (size_t)(colon - value);
	if (hostlen >= sizeof(cfg->listen_host)) {
		snprintf(err, errlen, "http.listen host is too long");
		return -EINVAL;
	}
	if (uint_value(colon + 1, 0, 65535, &port, err, errlen, "http.listen port") < 0)
		return -EINVAL;
	memcpy(cfg->listen_host, value, hostlen);
	cfg->listen_host[hostlen] = '\0';
	cfg->listen_port = (uint16_t)port;
	return 0;
}

static int set_text(char *dst, size_t n, const char *value, char *err, size_t errlen,
		    const char *name)
{
	if (cx_strlcpy(dst, value, n) < 0) {
		snprintf(err, errlen, "%s is longer than %zu bytes", name, n - 1);
		return -EINVAL;
	}
	return 0;
}

/* A comma list of codes of min..max characters of A-Z, 0-9 and '-', stored
 * without spaces (every field it fills is 256 bytes). */
static int code_list(char dst[256], const char *value, size_t min, size_t max, char *err,
		     size_t errlen, const char *what)
{
	char out[256];
	size_t n = 0, len = 0;

	for (const char *p = value;; p++) {
		if (*p == ',' || *p == '\0') {
			if (len < min || len > max) {
				snprintf(err, errlen,
					 "%s must be a comma list of codes of %zu to %zu letters, "
					 "digits or '-', not '%s'",
					 what, min, max, value);
				return -EINVAL;
			}
			if (!*p)
				break;
			len = 0;
		} else if (*p == ' ') {
			continue;
		} else if ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-') {
			len++;
		} else {
			snprintf(err, errlen, "%s: '%c' is not allowed in a code (A-Z, 0-9, '-')",
				 what, *p);
			return -EINVAL;
		}
		if (n + 1 >= 256) {
			snprintf(err, errlen, "%s is too long", what);
			return -EINVAL;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
	memcpy(dst, out, n + 1);
	return 0;
}

int cx_config_list_has(const char *list, const char *code)
{
	size_t n = strlen(code);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && n && strncmp(p, code, n) == 0)
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

static bool root_name_ok(const char *name)
{
	static const char *const reserved[] = {"taxii2", "api", "healthz", "metrics", "static",
					       "ui", "vendor"};
	size_t n = strlen(name);

	if (n == 0 || n > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_'))
			return false;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strcmp(name, reserved[i]) == 0)
			return false;
	return true;
}

const struct cx_api_root *cx_config_root(const struct cx_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->nroots; i++)
		if (strcmp(cfg->roots[i].name, name) == 0)
			return &cfg->roots[i];
	return NULL;
}

static int set_root(struct cx_config *cfg, const char *name, const char *key,
		    const char *value, char *err, size_t errlen)
{
	struct cx_api_root *root = (struct cx_api_root *)cx_config_root(cfg, name);

	if (!root_name_ok(name)) {
		snprintf(err, errlen,
			 "API root name '%s' must be 1-64 of a-z 0-9 - _ and not taxii2, api, "
			 "healthz, metrics, static or ui",
			 name);
		return -EINVAL;
	}
	if (!root) {
		if (cfg->nroots == CX_MAX_API_ROOTS) {
			snprintf(err, errlen, "at most %d API roots", CX_MAX_API_ROOTS);
			return -EINVAL;
		}
		root = &cfg->roots[cfg->nroots++];
		memset(root, 0, sizeof(*root));
		cx_strlcpy(root->name, name, sizeof(root->name));
		cx_strlcpy(root->title, name, sizeof(root->title));
		root->max_content_length = 32u * 1024 * 1024;
	}
	if (strcmp(key, "title") == 0)
		return set_text(root->title, sizeof(root->title), value, err, errlen, "title");
	if (strcmp(key, "description") == 0)
		return set_text(root->description, sizeof(root->description), value, err, errlen,
				"description");
	if (strcmp(key, "max_content_length") == 0) {
		if (cx_parse_size(value, 1024ull * 1024 * 1024, &root->max_content_length) < 0 ||
		    root->max_content_length == 0) {
			snprintf(err, errlen,
				 "max_content_length must be a size from 1 byte to 1G (e.g. 32M), "
				 "not '%s'",
				 value);
			return -EINVAL;
		}
		return 0;
	}
	snprintf(err, errlen, "unknown setting api_root:%s.%s", name, key);
	return -ENOENT;
}

int cx_config_check(const struct cx_config *cfg, char *err, size_t errlen)
{
	if (!cfg->tls_cert[0] != !cfg->tls_key[0]) {
		snprintf(err, errlen, "http.tls_cert and http.tls_key go together: set both or neither");
		return -EINVAL;
	}
	if (cfg->default_root[0] && !cx_config_root(cfg, cfg->default_root)) {
		snprintf(err, errlen, "taxii.default_root '%s' is not a configured [api_root:NAME]",
			 cfg->default_root);
		return -EINVAL;
	}
	return 0;
}

int cx_config_set(struct cx_config *cfg, const char *section, const char *key,
		  const char *value, char *err, size_t errlen)
{
	enum cx_log_level lvl;

#define IS(s, k) (strcmp(section, s) == 0 && strcmp(key, k) == 0)
	if (IS("node", "name")) {
		if (cx_strlcpy(cfg->name, value, sizeof(cfg->name)) < 0)
			goto too_long;
		return 0;
	}
	if (IS("node", "partner"))
		return set_text(cfg->partner, sizeof(cfg->partner), value, err, errlen,
				"node.partner");
	if (IS("node", "signing_key")) {
		if (!*value) {
			snprintf(err, errlen, "node.signing_key must name the signing key file");
			return -EINVAL;
		}
		return set_text(cfg->signing_key, sizeof(cfg->signing_key), value, err, errlen,
				"node.signing_key");
	}
	if (IS("http", "listen"))
		return set_listen(cfg, value, err, errlen);
	if (IS("http", "threads"))
		return uint_value(value, 1, 256, &cfg->threads, err, errlen, "http.threads");
	if (IS("http", "connection_limit"))
		return uint_value(value, 1, 65536, &cfg->connection_limit, err, errlen,
				  "http.connection_limit");
	if (IS("http", "timeout"))
		return uint_value(value, 1, 3600, &cfg->timeout, err, errlen, "http.timeout");
	if (IS("http", "max_body")) {
		if (cx_parse_size(value, 1024ull * 1024 * 1024, &cfg->max_body) < 0 ||
		    cfg->max_body < 1024) {
			snprintf(err, errlen,
				 "http.max_body must be a size from 1K to 1G (e.g. 32M), not '%s'",
				 value);
			return -EINVAL;
		}
		return 0;
	}
	if (IS("http", "tls_cert"))
		return set_text(cfg->tls_cert, sizeof(cfg->tls_cert), value, err, errlen,
				"http.tls_cert");
	if (IS("http", "web_root"))
		return set_text(cfg->web_root, sizeof(cfg->web_root), value, err, errlen,
				"http.web_root");
	if (IS("http", "chartjs"))
		return set_text(cfg->chartjs, sizeof(cfg->chartjs), value, err, errlen,
				"http.chartjs");
	if (IS("http", "tls_key"))
		return set_text(cfg->tls_key, sizeof(cfg->tls_key), value, err, errlen,
				"http.tls_key");
	if (IS("store", "file")) {
		if (cx_strlcpy(cfg->db_file, value, sizeof(cfg->db_file)) < 0)
			goto too_long;
		return 0;
	}
	if (IS("store", "vault_key")) {
		if (!*value) {
			snprintf(err, errlen, "store.vault_key must name the vault key file");
			return -EINVAL;
		}
		return set_text(cfg->vault_key, sizeof(cfg->vault_key), value, err, errlen,
				"store.vault_key");
	}
	if (IS("store", "busy_retries"))
		return uint_value(value, 0, 1000, &cfg->busy_retries, err, errlen,
				  "store.busy_retries");
	if (IS("log", "level")) {
		if (cx_log_level_parse(value, &lvl) < 0) {
			snprintf(err, errlen, "log.level must be debug, info, warn or error, not '%s'",
				 value);
			return -EINVAL;
		}
		cx_strlcpy(cfg->log_level, value, sizeof(cfg->log_level));
		return 0;
	}
	if (IS("records", "principal_partners"))
		return code_list(cfg->records.principal_partners, value, 2, 16, err, errlen,
				 "records.principal_partners");
	if (IS("records", "host_nations"))
		return code_list(cfg->records.host_nations, value, 2, 16, err, errlen,
				 "records.host_nations");
	if (IS("records", "sa_countries"))
		return code_list(cfg->records.sa_countries, value, 2, 2, err, errlen,
				 "records.sa_countries");
	if (IS("records", "sa_agencies"))
		return code_list(cfg->records.sa_agencies, value, 1, 1, err, errlen,
				 "records.sa_agencies");
	if (IS("taxii", "title"))
		return set_text(cfg->taxii_title, sizeof(cfg->taxii_title), value, err, errlen,
				"taxii.title");
	if (IS("taxii", "description"))
		return set_text(cfg->taxii_description, sizeof(cfg->taxii_description), value, err,
				errlen, "taxii.description");
	if (IS("taxii", "contact"))
		return set_text(cfg->taxii_contact, sizeof(cfg->taxii_contact), value, err, errlen,
				"taxii.contact");
	if (IS("taxii", "default_root"))
		return set_text(cfg->default_root, sizeof(cfg->default_root), value, err, errlen,
				"taxii.default_root");
	if (IS("taxii", "max_page_size"))
		return uint_value(value, 1, 10000, &cfg->max_page_size, err, errlen,
				  "taxii.max_page_size");
	if (IS("taxii", "status_ttl"))
		return uint_value(value, 1, 365 * 86400, &cfg->status_ttl, err, errlen,
				  "taxii.status_ttl");
	if (IS("sync", "interval"))
		return uint_value(value, 0, 86400, &cfg->sync_interval, err, errlen,
				  "sync.interval");
	if (IS("sync", "backoff_max"))
		return uint_value(value, 1, 7 * 86400, &cfg->sync_backoff_max, err, errlen,
				  "sync.backoff_max");
	if (strncmp(section, "api_root:", 9) == 0)
		return set_root(cfg, section + 9, key, value, err, errlen);
#undef IS
	snprintf(err, errlen, "unknown setting %s.%s", section, key);
	return -ENOENT;
too_long:
	snprintf(err, errlen, "%s.%s is too long", section, key);
	return -EINVAL;
}

int cx_config_override(struct cx_config *cfg, const char *assignment, char *err,
		       size_t errlen)
{
	char section[32], key[64];
	const char *dot = strchr(assignment, '.');
	const char *eq = strchr(assignment, '=');

	if (!dot || !eq || dot > eq || (size_t)(dot - assignment) >= sizeof(section) ||
	    (size_t)(eq - dot - 1) >= sizeof(key)) {
		snprintf(err, errlen, "a setting is SECTION.KEY=VALUE, not '%s'", assignment);
		return -EINVAL;
	}
	memcpy(section, assignment, (size_t)(dot - assignment));
	section[dot - assignment] = '\0';
	memcpy(key, dot + 1, (size_t)(eq - dot - 1));
	key[eq - dot - 1] = '\0';
	return cx_config_set(cfg, section, key, eq + 1, err, errlen);
}

struct load_ctx {
	struct cx_config *cfg;
	char *err;
	size_t errlen;
	bool failed;
};

static int on_value(void *user, const char *section, const char *key, const char *value)
{
	struct load_ctx *ctx = user;

	if (ctx->failed)
		return 0;
	if (cx_config_set(ctx->cfg, section, key, value, ctx->err, ctx->errlen) < 0) {
		ctx->failed = true;
		return 0;
	}
	return 1;
}

int cx_config_load(struct cx_config *cfg, const char *path, char *err, size_t errlen)
{
	struct load_ctx ctx = {cfg, err, errlen, false};
	char reason[256] = "";
	int line;

	ctx.err = reason;
	ctx.errlen = sizeof(reason);
	line = ini_parse(path, on_value, &ctx);
	if (line == -1) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -ENOENT;
	}
	if (line != 0) {
		snprintf(err, errlen, "%s line %d: %s", path, line,
			 reason[0] ? reason : "not a valid INI line");
		return -EINVAL;
	}
	return 0;
}
