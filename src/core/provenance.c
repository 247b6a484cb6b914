/* Signing and verifying the cx-provenance extension. */
#include "core/provenance.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "stix/jcs.h"
#include "util/buf.h"

/* The canonical bytes a signature covers: obj with its extension's
 * signature member removed. Returns 0 with the text in out, or -errno. */
static int signed_bytes(const json_t *obj, struct cx_buf *out)
{
	json_t *copy = json_deep_copy(obj);
	json_t *ext;
	int r;

	if (!copy)
		return -ENOMEM;
	ext = json_object_get(json_object_get(copy, "extensions"), CX_PROVENANCE_EXTENSION);
	if (json_is_object(ext))
		json_object_del(ext, "signature");
	cx_buf_init(out, 0);
	r = cx_jcs_append(out, copy);
	json_decref(copy);
	if (r == 0 && out->err)
		r = out->err;
	if (r < 0)
		cx_buf_release(out);
	return r;
}

int cx_provenance_sign(json_t *obj, const struct cx_node_key *k, const char *node_name)
{
	unsigned char sig[crypto_sign_BYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	json_t *exts, *ext;
	struct cx_buf text;
	int r;

	if (!json_is_object(obj))
		return -EINVAL;
	exts = json_object_get(obj, "extensions");
	if (!exts) {
		exts = json_object();
		if (!exts || json_object_set_new(obj, "extensions", exts) < 0)
			return -ENOMEM;
	} else if (!json_is_object(exts)) {
		return -EINVAL;
	}
	ext = json_pack("{s:s, s:s, s:s}", "extension_type", "property-extension", "node",
			node_name ? node_name : "", "key_id", k->key_id);
	if (!ext || json_object_set_new(exts, CX_PROVENANCE_EXTENSION, ext) < 0)
		return -ENOMEM;
	if ((r = signed_bytes(obj, &text)) < 0)
		return r;
	crypto_sign_detached(sig, NULL, (const unsigned char *)text.data, text.len, k->sk);
	cx_buf_release(&text);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	return json_object_set_new(ext, "signature", json_string(b64)) < 0 ? -ENOMEM : 0;
}

bool cx_provenance_present(const json_t *obj)
{
	return json_object_get(json_object_get(obj, "extensions"), CX_PROVENANCE_EXTENSION) !=
	       NULL;
}

#define WHY(...)                                                                               \
	do {                                                                                   \
		if (why)                                                                       \
			snprintf(why, n, __VA_ARGS__);                                         \
	} while (0)

enum cx_prov_result cx_provenance_verify(const json_t *obj, const unsigned char pk[32],
					 const char *key_id, char *why, size_t n)
{
	const json_t *ext =
		json_object_get(json_object_get(obj, "extensions"), CX_PROVENANCE_EXTENSION);
	const char *kid, *sig64;
	unsigned char sig[crypto_sign_BYTES];
	size_t siglen = 0;
	struct cx_buf text;
	int ok;

	if (!ext) {
		WHY("the object carries no provenance extension");
		return CX_PROV_UNSIGNED;
	}
	kid = json_string_value(json_object_get(ext, "key_id"));
	sig64 = json_string_value(json_object_get(ext, "signature"));
	if (!json_is_object(ext) || !kid || !sig64) {
		WHY("the provenance extension lacks its key_id or signature");
		return CX_PROV_BAD_SIGNATURE;
	}
	if (!key_id || strcmp(kid, key_id) != 0) {
		WHY("signed with the key %s, not %s", kid, key_id ? key_id : "(none)");
		return CX_PROV_WRONG_KEY;
	}
	if (sodium_base642bin(sig, sizeof(sig), sig64, strlen(sig64), NULL, &siglen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    siglen != sizeof(sig)) {
		WHY("the signature is not %zu bytes of base64", sizeof(sig));
		return CX_PROV_BAD_SIGNATURE;
	}
	if (signed_bytes(obj, &text) < 0) {
		WHY("the object cannot be written in canonical form");
		return CX_PROV_BAD_SIGNATURE;
	}
	ok = crypto_sign_verify_detached(sig, (const unsigned char *)text.data, text.len, pk) ==
	     0;
	cx_buf_release(&text);
	if (!ok) {
		WHY("the signature does not match the object: it was changed after signing, or "
		    "signed by another key");
		return CX_PROV_BAD_SIGNATURE;
	}
	return CX_PROV_OK;
}

const char *cx_prov_result_name(enum cx_prov_result r)
{
	switch (r) {
	case CX_PROV_OK: return "ok";
	case CX_PROV_UNSIGNED: return "unsigned";
	case CX_PROV_BAD_SIGNATURE: return "bad-signature";
	case CX_PROV_WRONG_KEY: return "wrong-key";
	}
	return "unknown";
}
