#include "http/errors.h"

#include <stddef.h>

static const struct cx_ec_info registry[] = {
	{CX_EC_NOT_FOUND, 404, "Not found"},
	{CX_EC_METHOD_NOT_ALLOWED, 405, "Method not allowed"},
	{CX_EC_BODY_TOO_LARGE, 413, "Request body too large"},
	{CX_EC_BAD_JSON, 400, "Body is not valid JSON"},
	{CX_EC_BAD_PARAMETER, 400, "Invalid parameter"},
	{CX_EC_NOT_ACCEPTABLE, 406, "Not acceptable"},
	{CX_EC_UNSUPPORTED_MEDIA_TYPE, 415, "Unsupported media type"},
	{CX_EC_URI_TOO_LONG, 414, "URI too long"},
	{CX_EC_UNAUTHORIZED, 401, "Authentication required"},
	{CX_EC_FORBIDDEN, 403, "Forbidden"},
	{CX_EC_UNPROCESSABLE, 422, "Unprocessable content"},
	{CX_EC_BAD_NEXT, 400, "Invalid next token"},
	{CX_EC_CSRF, 403, "CSRF token missing or wrong"},
	{CX_EC_SERVER_SET, 400, "Property set by the node"},
	{CX_EC_CONFLICT, 409, "Not allowed in this state"},
	{CX_EC_NOT_IMPLEMENTED, 501, "Not implemented"},
	{CX_EC_HEADERS_TOO_LARGE, 431, "Request header fields too large"},
	{CX_EC_INTERNAL, 500, "Internal error"},
	{CX_EC_STORE_UNAVAILABLE, 503, "Store unavailable"},
	{CX_EC_STORE_FULL, 507, "Insufficient Storage"},
};

const struct cx_ec_info *cx_ec_info(enum cx_ec code)
{
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		if (registry[i].code == code)
			return &registry[i];
	/* An unknown code is a bug: it is answered as an internal error (which
	 * the registry holds, so this ends). */
	return cx_ec_info(CX_EC_INTERNAL);
}
