/* Query parameters of TAXII 2.1 section 3.4, and the `next` tokens that
 * page through their results. */
#include <errno.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "taxii/taxii.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

struct parse_ctx {
	struct cx_taxii_query *q;
	unsigned allowed;
};

static const struct {
	const char *name;
	unsigned bit;
} known[] = {
	{"added_after", CX_P_ADDED_AFTER}, {"limit", CX_P_LIMIT},
	{"next", CX_P_NEXT},               {"match[id]", CX_P_ID},
	{"match[type]", CX_P_TYPE},        {"match[version]", CX_P_VERSION},
	{"match[spec_version]", CX_P_SPEC_VERSION},
};

/* Record the first problem; returns false, which ends the parse. */
static bool bad(struct cx_taxii_query *q, const char *param, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool bad(struct cx_taxii_query *q, const char *param, const char *fmt, ...)
{
	va_list ap;

	q->bad_param = param;
	va_start(ap, fmt);
	vsnprintf(q->bad_reason, sizeof(q->bad_reason), fmt, ap);
	va_end(ap);
	return false;
}

static bool type_name_ok(const char *s, size_t n)
{
	if (n < 1 || n > 250)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool stix_id_ok(const char *s)
{
	const char *sep = strstr(s, "--");

	return sep && type_name_ok(s, (size_t)(sep - s)) && cx_uuid_valid(sep + 2, strlen(sep + 2));
}

/* Copy value into the query's storage and split it at commas into out.
 * Returns the count, or -1 (empty element, too many, too long). */
static int split(struct cx_taxii_query *q, const char *value, const char **out)
{
	size_t len = strlen(value);
	char *p;
	int n = 0;

	if (len == 0 || q->used + len + 1 > sizeof(q->storage))
		return -1;
	p = q->storage + q->used;
	memcpy(p, value, len + 1);
	q->used += len + 1;
	for (;;) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		if (!*p || n == CX_TAXII_MAX_VALUES)
			return -1;
		out[n++] = p;
		if (!comma)
			return n;
		p = comma + 1;
	}
}

static bool parse_versions(struct cx_taxii_query *q, const char *key, const char *value)
{
	const char *vals[CX_TAXII_MAX_VALUES];
	int n = split(q, value, vals);

	q->versions = 0; /* given: no longer the default "last" */
	if (n < 0)
		return bad(q, key, "'%s' is not a comma-separated list of versions", value);
	for (int i = 0; i < n; i++) {
		unsigned bit = 0;
		int64_t us;

		if (strcmp(vals[i], "last") == 0)
			bit = CX_VERSION_LAST;
		else if (strcmp(vals[i], "first") == 0)
			bit = CX_VERSION_FIRST;
		if (strcmp(vals[i], "all") == 0) {
			if (n > 1)
				return bad(q, key, "'all' cannot be combined with other versions");
			q->all_versions = true;
		} else if (bit) {
			if (q->versions & bit)
				return bad(q, key, "'%s' is given twice", vals[i]);
			q->versions |= bit;
		} else if (cx_time_parse(vals[i], &us, NULL) == 0) {
			for (size_t k = 0; k < q->nmodified; k++)
				if (q->modified[k] == us)
					return bad(q, key, "version %s is given twice", vals[i]);
			q->modified[q->nmodified++] = us;
		} else {
			return bad(q, key, "'%s' is not last, first, all or a timestamp", vals[i]);
		}
	}
	return true;
}

void cx_taxii_query_start(struct cx_taxii_query *q)
{
	memset(q, 0, sizeof(*q));
	q->spec21 = true;
	q->versions = CX_VERSION_LAST;
}

static enum MHD_Result on_arg(void *cls, enum MHD_ValueKind kind, const char *key,
			      const char *value)
{
	struct parse_ctx *ctx = cls;

	(void)kind;
	return cx_taxii_query_arg(ctx->q, ctx->allowed, key, value) ? MHD_YES : MHD_NO;
}

bool cx_taxii_query_arg(struct cx_taxii_query *q, unsigned allowed, const char *key,
			const char *value)
{
	unsigned bit = 0;
	int64_t v;
	int n;

	if (q->bad_param)
		return false;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(key, known[i].name) == 0)
			bit = known[i].bit;
	if (!bit)
		return true; /* unknown fields may be ignored (section 3.4) */
	if (!(allowed & bit))
		return bad(q, key, "this endpoint does not take %s", key);
	if (q->seen & bit)
		return bad(q, key, "%s may be given only once", key);
	q->seen |= bit;
	if (!value || !*value)
		return bad(q, key, "%s needs a value", key);
	switch (bit) {
	case CX_P_ADDED_AFTER:
		if (cx_time_parse(value, &q->added_after, NULL) < 0)
			return bad(q, key, "'%s' is not an RFC 3339 UTC timestamp", value);
		return true;
	case CX_P_LIMIT:
		if (cx_parse_i64(value, 1, INT64_MAX, &v) < 0)
			return bad(q, key, "'%s' is not a positive integer", value);
		q->limit = (size_t)v;
		return true;
	case CX_P_NEXT:
		if (cx_strlcpy(q->next, value, sizeof(q->next)) < 0)
			return bad(q, key, "not a next value of this server");
		return true;
	case CX_P_ID:
		n = split(q, value, q->ids);
		if (n < 0)
			return bad(q, key, "'%s' is not a comma-separated list of STIX ids", value);
		q->nids = (size_t)n;
		for (size_t i = 0; i < q->nids; i++)
			if (!stix_id_ok(q->ids[i]))
				return bad(q, key, "'%s' is not a STIX id", q->ids[i]);
		return true;
	case CX_P_TYPE:
		n = split(q, value, q->types);
		if (n < 0)
			return bad(q, key, "'%s' is not a comma-separated list of types", value);
		q->ntypes = (size_t)n;
		for (size_t i = 0; i < q->ntypes; i++)
			if (!type_name_ok(q->types[i], strlen(q->types[i])))
				return bad(q, key, "'%s' is not a type name", q->types[i]);
		return true;
	case CX_P_VERSION:
		return parse_versions(q, key, value);
	case CX_P_SPEC_VERSION: {
		const char *vals[CX_TAXII_MAX_VALUES];

		n = split(q, value, vals);
		if (n < 0)
			return bad(q, key, "'%s' is not a comma-separated list of versions", value);
		q->spec21 = false;
		for (int i = 0; i < n; i++) {
			const char *sv = vals[i];
			size_t major = strspn(sv, "0123456789");
			size_t minor = major && sv[major] == '.' ? strspn(sv + major + 1, "0123456789")
								 : 0;

			if (!minor || sv[major + 1 + minor] != '\0')
				return bad(q, key, "'%s' is not a specification version like 2.1",
					   vals[i]);
			if (strcmp(vals[i], "2.1") == 0)
				q->spec21 = true;
		}
		return true;
	}
	}
	return true;
}

bool cx_taxii_query_parse(struct cx_request *req, unsigned allowed, struct cx_taxii_query *q,
			  enum MHD_Result *ret)
{
	struct parse_ctx ctx = {q, allowed};

	cx_taxii_query_start(q);
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, on_arg, &ctx);
	if (q->bad_param) {
		*ret = cx_taxii_error(req, CX_EC_BAD_PARAMETER, q->bad_param, "%s", q->bad_reason);
		return false;
	}
	return true;
}

/* A string of the message, length first, so that no value (a path segment
 * or a match[] value may hold any byte) can pass for another split. */
static void field(struct cx_buf *m, const char *s)
{
	cx_buf_printf(m, "%zu:%s\n", strlen(s), s);
}

/* The message a next token signs: who, where, which filters, and where the
 * previous page ended. */
static void next_message(const struct cx_taxii_ctx *c, const struct cx_request *req,
			 const char *endpoint, const struct cx_taxii_query *q, int64_t last_added,
			 struct cx_buf *m)
{
	cx_buf_printf(m, "v2\n%lld\n", (long long)req->who.user);
	field(m, endpoint);
	field(m, c->root ? c->root->name : "");
	cx_buf_printf(m, "%lld\n", (long long)c->coll.rowid);
	field(m, req->params[2]);
	cx_buf_printf(m, "%lld\n%zu\n", (long long)q->added_after, q->nids);
	for (size_t i = 0; i < q->nids; i++)
		field(m, q->ids[i]);
	cx_buf_printf(m, "%zu\n", q->ntypes);
	for (size_t i = 0; i < q->ntypes; i++)
		field(m, q->types[i]);
	cx_buf_printf(m, "%u/%d\n%zu\n", q->versions, q->all_versions, q->nmodified);
	for (size_t i = 0; i < q->nmodified; i++)
		cx_buf_printf(m, "%lld,", (long long)q->modified[i]);
	cx_buf_printf(m, "\n%d\n%lld", q->spec21, (long long)last_added);
}

static void next_mac(const struct cx_taxii_ctx *c, const struct cx_request *req,
		     const char *endpoint, const struct cx_taxii_query *q, int64_t last_added,
		     unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	struct cx_buf m;

	cx_buf_init(&m, 64 * 1024);
	next_message(c, req, endpoint, q, last_added, &m);
	crypto_auth_hmacsha256(mac, (const unsigned char *)cx_buf_cstr(&m), m.len,
			       c->srv->next_key);
	cx_buf_release(&m);
}

void cx_taxii_next_make(const struct cx_taxii_ctx *c, const struct cx_request *req,
			const char *endpoint, const struct cx_taxii_query *q, int64_t last_added,
			char out[64])
{
	unsigned char raw[8 + 16], mac[crypto_auth_hmacsha256_BYTES];
	uint64_t v = (uint64_t)last_added;

	for (int i = 7; i >= 0; i--, v >>= 8)
		raw[i] = (unsigned char)(v & 0xff);
	next_mac(c, req, endpoint, q, last_added, mac);
	memcpy(raw + 8, mac, 16);
	sodium_bin2base64(out, 64, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool cx_taxii_next_check(const struct cx_taxii_ctx *c, const struct cx_request *req,
			 const char *endpoint, const struct cx_taxii_query *q,
			 int64_t *ret_added)
{
	unsigned char raw[64], mac[crypto_auth_hmacsha256_BYTES];
	size_t len;
	uint64_t v = 0;

	if (sodium_base642bin(raw, sizeof(raw), q->next, strlen(q->next), NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != 24)
		return false;
	for (int i = 0; i < 8; i++)
		v = v << 8 | raw[i];
	next_mac(c, req, endpoint, q, (int64_t)v, mac);
	if (sodium_memcmp(mac, raw + 8, 16) != 0)
		return false;
	*ret_added = (int64_t)v;
	return true;
}
