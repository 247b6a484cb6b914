/* The vault key and sealed person records: libsodium secretbox
 * (XSalsa20-Poly1305) with a random nonce per sealing. Plaintext lives only
 * in sodium_malloc'd buffers, wiped when freed. */
#include "core/vault.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/secret_file.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS)
/* The binding around a record adds less than this. */
#define BINDING_SLACK 1024

struct cx_vault_key {
	unsigned char *bytes; /* sodium_malloc'd, read-only */
};

int cx_vault_key_create(const char *path)
{
	unsigned char raw[CX_VAULT_KEY_BYTES];
	char err[512];
	int r;

	randombytes_buf(raw, sizeof(raw));
	r = cx_secret_file_create(path, raw, sizeof(raw), "vault key", err, sizeof(err));
	sodium_memzero(raw, sizeof(raw));
	return r;
}

static struct cx_vault_key *key_new(void)
{
	struct cx_vault_key *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->bytes = sodium_malloc(CX_VAULT_KEY_BYTES);
	if (!k->bytes) {
		free(k);
		return NULL;
	}
	return k;
}

struct cx_vault_key *cx_vault_key_from(const unsigned char raw[CX_VAULT_KEY_BYTES])
{
	struct cx_vault_key *k = key_new();

	if (!k)
		return NULL;
	memcpy(k->bytes, raw, CX_VAULT_KEY_BYTES);
	sodium_mprotect_readonly(k->bytes);
	return k;
}

void cx_vault_key_free(struct cx_vault_key *k)
{
	if (!k)
		return;
	sodium_free(k->bytes); /* zeroes the bytes first */
	free(k);
}

int cx_vault_key_load(const char *path, struct cx_vault_key **ret, char *err, size_t errlen)
{
	struct cx_vault_key *k = key_new();
	int r;

	if (!k) {
		snprintf(err, errlen, "out of memory for the vault key");
		return -ENOMEM;
	}
	r = cx_secret_file_read(path, k->bytes, CX_VAULT_KEY_BYTES, "vault key", "store.vault_key",
				err, errlen);
	if (r < 0) {
		cx_vault_key_free(k);
		return r;
	}
	sodium_mprotect_readonly(k->bytes);
	*ret = k;
	return 0;
}

/* The plaintext of a sealed record: {"case", "id", "person", "version"}. */
static json_t *bound(const struct cx_vault_binding *b, const json_t *person)
{
	return json_pack("{s:s, s:s, s:I, s:O}", "id", b->id, "case", b->case_id, "version",
			 (json_int_t)b->version, "person", person);
}

int cx_vault_seal(const struct cx_vault_key *k, const struct cx_vault_binding *b,
		  const json_t *person, unsigned char nonce[CX_VAULT_NONCE_BYTES],
		  unsigned char **ret_box, size_t *ret_len)
{
	json_t *plain = bound(b, person);
	unsigned char *m = NULL, *box = NULL;
	size_t n;
	int r = -ENOMEM;

	if (!plain)
		return -ENOMEM;
	n = json_dumpb(plain, NULL, 0, DUMP_FLAGS);
	if (n > CX_VAULT_MAX_RECORD + BINDING_SLACK) {
		r = -E2BIG;
		goto out;
	}
	if (n == 0 || !(m = sodium_malloc(n)) || json_dumpb(plain, (char *)m, n, DUMP_FLAGS) != n ||
	    !(box = malloc(n + crypto_secretbox_MACBYTES)))
		goto out;
	randombytes_buf(nonce, CX_VAULT_NONCE_BYTES);
	crypto_secretbox_easy(box, m, n, nonce, k->bytes);
	*ret_box = box;
	*ret_len = n + crypto_secretbox_MACBYTES;
	box = NULL;
	r = 0;
out:
	sodium_free(m);
	free(box);
	json_decref(plain);
	return r;
}

/* Does the opened plaintext say what the row says? */
static bool binding_matches(const json_t *plain, const struct cx_vault_binding *b)
{
	const char *id = json_string_value(json_object_get(plain, "id"));
	const char *case_id = json_string_value(json_object_get(plain, "case"));
	const json_t *version = json_object_get(plain, "version");

	return id && case_id && json_is_integer(version) && strcmp(id, b->id) == 0 &&
	       strcmp(case_id, b->case_id) == 0 && json_integer_value(version) == b->version &&
	       json_is_object(json_object_get(plain, "person"));
}

int cx_vault_open(const struct cx_vault_key *k, const struct cx_vault_binding *b,
		  const unsigned char nonce[CX_VAULT_NONCE_BYTES], const unsigned char *box,
		  size_t len, json_t **ret_person)
{
	unsigned char *m;
	json_t *plain;
	size_t n;

	if (len <= crypto_secretbox_MACBYTES ||
	    len > CX_VAULT_MAX_RECORD + BINDING_SLACK + crypto_secretbox_MACBYTES)
		return -EBADMSG;
	n = len - crypto_secretbox_MACBYTES;
	m = sodium_malloc(n);
	if (!m)
		return -ENOMEM;
	if (crypto_secretbox_open_easy(m, box, len, nonce, k->bytes) != 0) {
		sodium_free(m);
		return -EBADMSG;
	}
	plain = json_loadb((const char *)m, n, JSON_REJECT_DUPLICATES, NULL);
	sodium_free(m);
	if (!plain || !binding_matches(plain, b)) {
		json_decref(plain);
		return -EBADMSG;
	}
	*ret_person = json_incref(json_object_get(plain, "person"));
	json_decref(plain);
	return 0;
}
