#include "access/credentials.h"

#include <sodium.h>
#include <string.h>

void cx_token_new(char token[CX_TOKEN_STRLEN], char id[CX_TOKEN_ID_STRLEN])
{
	unsigned char idb[6], secret[32];
	char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

	randombytes_buf(idb, sizeof(idb));
	randombytes_buf(secret, sizeof(secret));
	sodium_bin2hex(id, CX_TOKEN_ID_STRLEN, idb, sizeof(idb));
	sodium_bin2base64(b64, sizeof(b64), secret, sizeof(secret),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	memcpy(token, "cx_", 3);
	memcpy(token + 3, id, 12);
	token[15] = '_';
	memcpy(token + 16, b64, strlen(b64) + 1);
	sodium_memzero(secret, sizeof(secret));
}

void cx_token_hash(const char *token, size_t len, unsigned char out[32])
{
	crypto_hash_sha256(out, (const unsigned char *)token, len);
}

bool cx_password_verify(const char *stored, const char *password, size_t len)
{
	if (!stored || !*stored)
		return false;
	return crypto_pwhash_str_verify(stored, password, len) == 0;
}

bool cx_password_acceptable(const char *password, size_t len)
{
	if (len < CX_PASSWORD_MIN || len > CX_PASSWORD_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (password[i] == '\0' || password[i] == '\r' || password[i] == '\n')
			return false;
	return true;
}
