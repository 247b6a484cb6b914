/* Fuzz target: the TAXII query-string parser and the `next` tokens.
 *
 * The first byte chooses which parameters the endpoint allows; the rest is
 * a query string, split and %-decoded as the HTTP layer does before the
 * parser sees each argument. Then, with a fixed server key:
 * - a `next` value from the input (a forged token, or a real one from the
 *   corpus whose query the fuzzer changed) is checked, and when accepted it
 *   must be exactly the token the server would make for that position;
 * - a token made for the parsed query must be accepted, at its position,
 *   and the same token with any one character changed must not be. */
#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "taxii/taxii.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ALL_PARAMS                                                                                 \
	(CX_P_ADDED_AFTER | CX_P_LIMIT | CX_P_NEXT | CX_P_ID | CX_P_TYPE | CX_P_VERSION |          \
	 CX_P_SPEC_VERSION)

static struct cx_server srv;
static struct cx_api_root root = {.name = "intel", .title = "Intel"};

static void setup(struct cx_taxii_ctx *c, struct cx_request *req, uint8_t who)
{
	memset(c, 0, sizeof(*c));
	memset(req, 0, sizeof(*req));
	memset(srv.next_key, 0x5a, sizeof(srv.next_key));
	c->srv = &srv;
	c->root = &root;
	c->coll.rowid = 1 + (who & 1);
	req->who.user = 1 + (who >> 1 & 1);
	if (who & 4)
		snprintf(req->params[2], sizeof(req->params[2]),
		         "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
}

/* Feed "k=v&k2=v2..." (modified in place) to the parser. */
static void parse(struct cx_taxii_query *q, unsigned allowed, char *qs)
{
	char *arg = qs;

	cx_taxii_query_start(q);
	while (arg) {
		char *amp = strchr(arg, '&'), *eq;

		if (amp)
			*amp = '\0';
		eq = strchr(arg, '=');
		if (eq) {
			*eq = '\0';
			MHD_http_unescape(eq + 1);
		}
		MHD_http_unescape(arg);
		if (*arg && !cx_taxii_query_arg(q, allowed, arg, eq ? eq + 1 : NULL))
			break;
		arg = amp ? amp + 1 : NULL;
	}
}

static void check_forged(const struct cx_taxii_ctx *c, const struct cx_request *req,
                         const struct cx_taxii_query *q)
{
	char made[64];
	int64_t added;

	if (!cx_taxii_next_check(c, req, "objects", q, &added))
		return;
	cx_taxii_next_make(c, req, "objects", q, added, made);
	if (strcmp(made, q->next) != 0) {
		fprintf(stderr, "accepted next %s, the server makes %s\n", q->next, made);
		abort();
	}
}

static void check_made(const struct cx_taxii_ctx *c, const struct cx_request *req,
                       struct cx_taxii_query *q, int64_t position)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char made[64];
	int64_t added = 0;
	size_t len;

	cx_taxii_next_make(c, req, "manifest", q, position, made);
	len = strlen(made);
	snprintf(q->next, sizeof(q->next), "%s", made);
	if (!cx_taxii_next_check(c, req, "manifest", q, &added) || added != position)
		abort();
	if (cx_taxii_next_check(c, req, "objects", q, &added))
		abort(); /* bound to its endpoint */
	for (size_t i = 0; i < len; i++) {
		char keep = q->next[i];

		q->next[i] = alphabet[(strchr(alphabet, keep) - alphabet + 1 + (long)i) % 64];
		if (cx_taxii_next_check(c, req, "manifest", q, &added))
			abort();
		q->next[i] = keep;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cx_taxii_query q;
	struct cx_taxii_ctx c;
	struct cx_request req;
	unsigned allowed;
	char *qs;

	if (size < 1)
		return 0;
	allowed = data[0] & 0x80 ? ALL_PARAMS : data[0] & ALL_PARAMS;
	qs = malloc(size);
	if (!qs)
		return 0;
	memcpy(qs, data + 1, size - 1);
	qs[size - 1] = '\0';
	parse(&q, allowed, qs);
	setup(&c, &req, data[0]);
	if (q.bad_param) {
		if (!q.bad_reason[0])
			abort();
	} else {
		if (q.seen & CX_P_NEXT)
			check_forged(&c, &req, &q);
		check_made(&c, &req, &q, q.added_after ^ (int64_t)size << 40);
	}
	free(qs);
	return 0;
}
