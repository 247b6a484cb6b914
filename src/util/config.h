/* The node's configuration: an INI file (cx.ini in the node folder) read
 * with libinih, then command-line overrides of the form section.key=value. */
#ifndef CX_UTIL_CONFIG_H
#define CX_UTIL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define CX_MAX_API_ROOTS 16

/* One TAXII API root: a sharing community, served at /<name>/. */
struct cx_api_root {
	char name[65];
	char title[256];
	char description[1024];
	uint64_t max_content_length;
};

/* [records]: the node's tables for the coalition records' rules, each a
 * comma list of codes (doc/RECORDS.md). */
struct cx_record_rules {
	char principal_partners[256]; /* partners whose endorsement an assessment needs */
	char host_nations[256];       /* partners that decide movement requests */
	char sa_countries[256];       /* country codes of security assistance case ids */
	char sa_agencies[256];        /* implementing-agency codes of case ids */
};

/* Is code one of the comma list's entries? */
int cx_config_list_has(const char *list, const char *code);

struct cx_config {
	/* [node] */
	char name[64];
	char partner[17]; /* code of the partner that runs this node; "" unset */
	char signing_key[512]; /* the node's Ed25519 key file; relative to the node folder */
	/* [http] */
	char listen_host[64];
	uint16_t listen_port;
	unsigned threads;          /* MHD thread pool size */
	unsigned connection_limit; /* concurrent connections */
	unsigned timeout;          /* seconds of inactivity before a connection closes */
	uint64_t max_body;         /* bytes accepted in one request body */
	char tls_cert[256];        /* PEM certificate chain; "" serves plain HTTP */
	char tls_key[256];         /* PEM private key */
	char web_root[512];        /* the web UI's files; relative to the node folder */
	char chartjs[512];         /* Chart.js (UMD build) served at /vendor/chart.js */
	/* [store] */
	char db_file[256]; /* relative to the node folder unless absolute */
	unsigned busy_retries;
	char vault_key[512]; /* the PII vault's key file; relative to the node folder */
	/* [log] */
	char log_level[16];
	/* [taxii] */
	char taxii_title[256];
	char taxii_description[1024];
	char taxii_contact[256];
	char default_root[65]; /* "" when none */
	unsigned max_page_size;
	unsigned status_ttl; /* seconds */
	/* [records] */
	struct cx_record_rules records;
	/* [sync]: the sync loop of `cx serve` (doc/FEDERATION.md) */
	unsigned sync_interval;    /* seconds between rounds; 0: no loop */
	unsigned sync_backoff_max; /* seconds: the longest wait after failures */
	/* [api_root:NAME] sections */
	struct cx_api_root roots[CX_MAX_API_ROOTS];
	unsigned nroots;
};

/* Fill cfg with the built-in defaults. */
void cx_config_defaults(struct cx_config *cfg);

/* Apply one setting. Returns 0, or -EINVAL / -ENOENT (unknown key) with a
 * one-line reason in err. */
int cx_config_set(struct cx_config *cfg, const char *section, const char *key,
		  const char *value, char *err, size_t errlen);

/* Apply an override "section.key=value". */
int cx_config_override(struct cx_config *cfg, const char *assignment, char *err,
		       size_t errlen);

/* Read path over the current contents of cfg. Returns 0, -ENOENT when the
 * file cannot be opened, or -EINVAL with "line N: reason" in err. */
int cx_config_load(struct cx_config *cfg, const char *path, char *err, size_t errlen);

/* Check the settings as a whole (default_root names a root; root names are
 * valid and not reserved). Returns 0 or -EINVAL with a reason in err. */
int cx_config_check(const struct cx_config *cfg, char *err, size_t errlen);

/* The API root called name, or NULL. */
const struct cx_api_root *cx_config_root(const struct cx_config *cfg, const char *name);

/* The default file written by `cx init`, as text. */
const char *cx_config_default_text(void);

#endif
