/* The node's Ed25519 signing key file: a secret file (util/secret_file.h),
 * refused also when its public half does not match its seed. */
#include "core/node_key.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/secret_file.h"

void cx_node_key_id(const unsigned char pk[32], char out[32])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];

	crypto_hash_sha256(digest, pk, 32);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	snprintf(out, 32, "%s%.16s", CX_NODE_KEY_ID_PREFIX, hex);
}

void cx_node_key_describe(struct cx_node_key *k)
{
	cx_node_key_id(k->pk, k->key_id);
	sodium_bin2base64(k->public_b64, sizeof(k->public_b64), k->pk, sizeof(k->pk),
			  sodium_base64_VARIANT_ORIGINAL);
}

void cx_node_key_wipe(struct cx_node_key *k)
{
	if (k)
		sodium_memzero(k, sizeof(*k));
}

int cx_node_key_create(const char *path, char *err, size_t errlen)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	int r;

	crypto_sign_keypair(pk, sk);
	r = cx_secret_file_create(path, sk, sizeof(sk), "signing key", err, errlen);
	sodium_memzero(sk, sizeof(sk));
	return r;
}

int cx_node_key_load(const char *path, struct cx_node_key *ret, char *err, size_t errlen)
{
	struct cx_node_key k;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	int r;

	memset(&k, 0, sizeof(k));
	r = cx_secret_file_read(path, k.sk, sizeof(k.sk), "signing key", "node.signing_key", err,
				errlen);
	if (r < 0) {
		cx_node_key_wipe(&k);
		return r;
	}
	/* The public half must be the one its seed gives: a damaged or
	 * foreign file is refused rather than signing with a wrong key. */
	crypto_sign_seed_keypair(pk, sk, k.sk);
	sodium_memzero(sk, sizeof(sk));
	if (sodium_memcmp(pk, k.sk + 32, sizeof(pk)) != 0) {
		cx_node_key_wipe(&k);
		snprintf(err, errlen,
			 "the signing key %s is damaged (its public half does not match its seed): "
			 "restore the node's own key file",
			 path);
		return -EINVAL;
	}
	memcpy(k.pk, pk, sizeof(pk));
	cx_node_key_describe(&k);
	*ret = k;
	cx_node_key_wipe(&k);
	return 0;
}
