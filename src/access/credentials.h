/* API tokens and passwords: generation, hashing and verification.
 * Tokens look like "cx_<12 hex id>_<43 base64url characters>"; only their
 * SHA-256 is stored. Passwords are stored as libsodium Argon2id strings. */
#ifndef CX_ACCESS_CREDENTIALS_H
#define CX_ACCESS_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

#define CX_TOKEN_STRLEN 64 /* enough for a token and its NUL */
#define CX_TOKEN_ID_STRLEN 13

/* Make a new token: its text (shown once) and public id. */
void cx_token_new(char token[CX_TOKEN_STRLEN], char id[CX_TOKEN_ID_STRLEN]);
/* SHA-256 of a presented token. */
void cx_token_hash(const char *token, size_t len, unsigned char out[32]);

/* The password rules of every path that sets one (cx user, the admin API):
 * 8 to 256 bytes of one line (no NUL, CR or LF). */
#define CX_PASSWORD_MIN 8
#define CX_PASSWORD_MAX 256
bool cx_password_acceptable(const char *password, size_t len);

/* True when password matches the stored Argon2id string. Slow by design
 * (tens of milliseconds): never call it on an I/O thread. */
bool cx_password_verify(const char *stored, const char *password, size_t len);

#endif
