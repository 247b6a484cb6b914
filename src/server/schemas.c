/* The JSON schemas of the project's STIX extensions, served at stable paths
 * so that any STIX consumer can validate them (no authentication: they are
 * public definitions). */
#include <string.h>

#include "access/markings.h"
#include "core/records.h"
#include "server/server.h"

enum MHD_Result cx_handle_schema(struct cx_request *req)
{
	const char *file = req->params[0];
	size_t n = strlen(file);
	char type[256];
	const struct cx_record_type *t;

	if (strcmp(file, "releasability.json") == 0)
		return cx_reply_bytes(req, 200, "application/schema+json", cx_releasability_schema,
				      strlen(cx_releasability_schema));
	if (n > 5 && n - 5 < sizeof(type) && strcmp(file + n - 5, ".json") == 0) {
		memcpy(type, file, n - 5);
		type[n - 5] = '\0';
		t = cx_record_type_named(type);
		if (t)
			return cx_reply_bytes(req, 200, "application/schema+json", t->schema,
					      strlen(t->schema));
	}
	return cx_reply_error(req, CX_EC_NOT_FOUND, NULL, "no schema %s", file);
}
