/* Origin signatures (doc/FEDERATION.md, "Provenance"): the project's
 * property-extension cx-provenance, which any STIX object may carry:
 *
 *   "extensions": {"extension-definition--b73d556f-...": {
 *       "extension_type": "property-extension", "node": NAME,
 *       "key_id": "ed25519:0123456789abcdef", "signature": BASE64}}
 *
 * The signature is Ed25519 (detached, libsodium crypto_sign_detached) over
 * the RFC 8785 canonical JSON of the whole object with only the `signature`
 * member of this extension removed. Ed25519 is deterministic, so signing
 * the same object with the same key twice gives the same bytes. */
#ifndef CX_CORE_PROVENANCE_H
#define CX_CORE_PROVENANCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/node_key.h"

#define CX_PROVENANCE_EXTENSION "extension-definition--b73d556f-8bd0-4b1d-aca0-62f31a628b73"

enum cx_prov_result {
	CX_PROV_OK,
	CX_PROV_UNSIGNED,      /* no provenance extension */
	CX_PROV_BAD_SIGNATURE, /* malformed extension, or the signature does not verify */
	CX_PROV_WRONG_KEY,     /* signed under another key id than the one expected */
};

/* Add (or replace) the provenance extension of obj (borrowed, changed in
 * place), signed with k (borrowed) as node node_name. Returns 0, -EINVAL
 * when obj is not an object, or -ENOMEM. */
int cx_provenance_sign(json_t *obj, const struct cx_node_key *k, const char *node_name);

/* Check obj's (borrowed) provenance against the public key pk whose key id
 * is key_id. On anything but CX_PROV_OK, why (may be NULL) gets a
 * sentence. */
enum cx_prov_result cx_provenance_verify(const json_t *obj, const unsigned char pk[32],
					 const char *key_id, char *why, size_t n);

/* True when obj carries the provenance extension (signed or not). */
bool cx_provenance_present(const json_t *obj);

/* "ok", "unsigned", "bad-signature" or "wrong-key". */
const char *cx_prov_result_name(enum cx_prov_result r);

#endif
