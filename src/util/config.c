#include "util/config.h"

#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"
#include "util/str.h"

void cx_config_defaults(struct cx_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cx_strlcpy(cfg->name, "cx-node", sizeof(cfg->name));
	cx_strlcpy(cfg->listen_host, "127.0.0.1", sizeof(cfg->listen_host));
	cfg->listen_port = 8400;
	cfg->threads = 4;
	cfg->connection_limit = 512;
	cfg->timeout = 30;
	cfg->max_body = 32u * 1024 * 1024;
	cx_strlcpy(cfg->db_file, "cx.db", sizeof(cfg->db_file));
	cfg->busy_retries = 8;
	cx_strlcpy(cfg->log_level, "info", sizeof(cfg->log_level));
}

const char *cx_config_default_text(void)
{
	return "# Coalition Exchange node configuration.\n"
	       "# Any key can be overridden on the command line: cx --set http.listen=HOST:PORT ...\n"
	       "\n"
	       "[node]\n"
	       "name = cx-node\n"
	       "\n"
	       "[http]\n"
	       "listen = 127.0.0.1:8400\n"
	       "threads = 4\n"
	       "connection_limit = 512\n"
	       "timeout = 30\n"
	       "max_body = 32M\n"
	       "\n"
	       "[store]\n"
	       "file = cx.db\n"
	       "busy_retries = 8\n"
	       "\n"
	       "[log]\n"
	       "level = info\n";
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
	if (IS("store", "file")) {
		if (cx_strlcpy(cfg->db_file, value, sizeof(cfg->db_file)) < 0)
			goto too_long;
		return 0;
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
