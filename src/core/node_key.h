/* The node's signing key (doc/FEDERATION.md, "Provenance"): an Ed25519 key
 * pair (libsodium crypto_sign) made by `cx init`, kept in a file outside the
 * database ([node] signing_key, default node.key in the node folder), with
 * which the node signs every object version it originates. The file holds
 * libsodium's 64-byte secret key (the seed, then the public key). */
#ifndef CX_CORE_NODE_KEY_H
#define CX_CORE_NODE_KEY_H

#include <stddef.h>

#define CX_NODE_KEY_FILE_BYTES 64
/* "ed25519:" and 16 hex digits. */
#define CX_NODE_KEY_ID_PREFIX "ed25519:"

struct cx_node_key {
	unsigned char pk[32], sk[64];
	char key_id[32];      /* "ed25519:" + the first 16 hex digits of SHA-256(pk) */
	char public_b64[64];  /* pk in standard base64 with padding */
};

/* Create the key file at path: a fresh key pair, mode 0600, never over an
 * existing file (O_EXCL). Returns 0, -EEXIST when the file exists, or
 * another -errno with a sentence in err. */
int cx_node_key_create(const char *path, char *err, size_t errlen);

/* Load the key file at path into *ret (written only on success; wipe it
 * with cx_node_key_wipe). The file must be a regular file of exactly 64
 * bytes whose public half matches its seed, open to neither group nor
 * others. Returns 0, or -errno with a sentence in err saying what to do. */
int cx_node_key_load(const char *path, struct cx_node_key *ret, char *err, size_t errlen);

/* Fill k's key_id and public_b64 from k->pk. */
void cx_node_key_describe(struct cx_node_key *k);

/* The key id of a public key into out (at least 32 bytes). */
void cx_node_key_id(const unsigned char pk[32], char out[32]);

/* Zero the whole struct (secret included). NULL is fine. */
void cx_node_key_wipe(struct cx_node_key *k);

#endif
