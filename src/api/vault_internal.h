/* What the PII vault's two files share (not part of the API): one vault
 * request, from its gate (vault.c) to its operation (vault_ops.c). */
#ifndef CX_API_VAULT_INTERNAL_H
#define CX_API_VAULT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"
#include "core/vault.h"

/* The most person records one case holds. */
#define CX_VAULT_MAX_PERSONS 500

enum cx_vault_op {
	CX_VAULT_LIST,
	CX_VAULT_CREATE,
	CX_VAULT_READ,
	CX_VAULT_UPDATE,
	CX_VAULT_DELETE
};

/* A refusal (code != 0): the error reply, and the word the audit records. */
struct cx_vault_outcome {
	enum cx_ec code;
	char field[128]; /* "" for none */
	char detail[256];
	const char *what; /* "no-reason", "not-found", "not-permitted", "invalid", ... */
};

/* The person row the request names (person routes), copied out of the store. */
struct cx_vault_stored {
	bool found;
	bool bad_nonce;
	char case_id[256];
	int64_t version, created, modified;
	unsigned char nonce[CX_VAULT_NONCE_BYTES];
	unsigned char *box; /* malloc'd */
	size_t box_len;
};

struct cx_vault_call {
	struct cx_request *req;
	struct cx_api_ctx *c;
	enum cx_vault_op op;
	const struct cx_vault_key *key;
	const char *person_id; /* person routes: the id in the path, when valid */
	const char *reason;    /* X-Access-Reason when valid, else NULL */
	const char *reason_problem;
	json_t *person;         /* create / update: the record to store (borrowed from body) */
	int64_t expect_version; /* update: the version the caller replaces */
	json_t *body;
	bool not_json;     /* create / update: a body not sent as application/json */
	bool csrf_refused; /* only audit the refusal cx_api_begin answered */
	/* Filled by each run of the transaction: */
	char case_id[256]; /* "" when the path names no valid case */
	struct cx_vault_stored row;
	struct cx_vault_outcome out;
	json_t *answer;  /* the success body */
	json_t *persons; /* ids of the person records touched, for the audit */
	int64_t version; /* create / update: the stored version */
};

/* Record a refusal in v->out. Returns CX_STORE_OK (the transaction goes on
 * to audit it). */
enum cx_store_status cx_vault_refuse(struct cx_vault_call *v, enum cx_ec code, const char *field,
                                     const char *what, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Run the admitted operation inside the transaction: fills v->answer or
 * refuses (422, 409, 500). Returns the store status. */
enum cx_store_status cx_vault_perform(struct cx_store *s, struct cx_vault_call *v);

#endif
