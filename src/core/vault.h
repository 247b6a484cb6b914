/* The PII vault (doc/API.md, "PII vault"): person records of repatriation
 * cases. They are not STIX: each is checked here, sealed with libsodium's
 * secretbox under the node's vault key (a file outside the database) and
 * stored as ciphertext in the store's vault table. The sealed plaintext
 * names the record's id, case and version, so that a ciphertext moved to
 * another row, or an older ciphertext put back, fails to open. */
#ifndef CX_CORE_VAULT_H
#define CX_CORE_VAULT_H

#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CX_VAULT_KEY_BYTES 32
#define CX_VAULT_NONCE_BYTES crypto_secretbox_NONCEBYTES
/* The largest person record, as compact JSON. */
#define CX_VAULT_MAX_RECORD (64 * 1024)
/* "person-" and a UUID. */
#define CX_VAULT_ID_PREFIX "person-"
#define CX_VAULT_ID_LEN (7 + 36)

/* Why a person record was refused: the property (e.g. "documents[1].kind")
 * and a sentence. Neither quotes the record's values. */
struct cx_vault_error {
	char field[96];
	char message[192];
};

/* Check a person record (borrowed): {"names": [..], "date_of_birth"?,
 * "documents"?, "family_links"?, "special_needs"?}, nothing else, at most
 * CX_VAULT_MAX_RECORD bytes. Returns 0, or -EINVAL with err filled. */
int cx_vault_person_check(const json_t *person, struct cx_vault_error *err);

/* True when id is "person-" and a lower-case version 4 UUID. */
bool cx_vault_person_id_valid(const char *id);

/* A new person id (out holds CX_VAULT_ID_LEN + 1 bytes). Returns out. */
char *cx_vault_person_id_new(char *out);

/* The key, in guarded memory (sodium_malloc: locked, read-only once
 * loaded). */
struct cx_vault_key;

/* Create the key file at path: 32 random bytes, mode 0600, never over an
 * existing file (O_EXCL). Returns 0 or -errno. */
int cx_vault_key_create(const char *path);

/* Load the key file at path. It must be a regular file of exactly 32
 * bytes that neither group nor others may read or write. Returns 0 with
 * *ret (free with cx_vault_key_free), or -errno with a sentence in err. */
int cx_vault_key_load(const char *path, struct cx_vault_key **ret, char *err, size_t errlen);

/* A key from raw bytes (borrowed; copied), for tests. NULL when out of
 * memory. */
struct cx_vault_key *cx_vault_key_from(const unsigned char raw[CX_VAULT_KEY_BYTES]);

/* Wipe and free the key (NULL is fine). */
void cx_vault_key_free(struct cx_vault_key *k);

/* What a sealed record is bound to. */
struct cx_vault_binding {
	const char *id;      /* person id */
	const char *case_id; /* repatriation case id */
	int64_t version;
};

/* Seal person (borrowed) for binding b: a fresh random nonce into nonce,
 * the ciphertext into *ret_box (caller frees) and its length. Returns 0,
 * -ENOMEM, or -E2BIG past CX_VAULT_MAX_RECORD. */
int cx_vault_seal(const struct cx_vault_key *k, const struct cx_vault_binding *b,
		  const json_t *person, unsigned char nonce[CX_VAULT_NONCE_BYTES],
		  unsigned char **ret_box, size_t *ret_len);

/* Open a ciphertext sealed for binding b. Returns 0 with the person record
 * in *ret_person (new reference); -EBADMSG when it does not authenticate
 * under the key or was sealed for another id, case or version; -ENOMEM. */
int cx_vault_open(const struct cx_vault_key *k, const struct cx_vault_binding *b,
		  const unsigned char nonce[CX_VAULT_NONCE_BYTES], const unsigned char *box,
		  size_t len, json_t **ret_person);

#endif
