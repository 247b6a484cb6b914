/* The JSON schemas of the project's STIX extensions, served at stable paths
 * so that any STIX consumer can validate them (no authentication: they are
 * public definitions). */
#include <string.h>

#include "access/markings.h"
#include "server/server.h"

enum MHD_Result cx_handle_schema_releasability(struct cx_request *req)
{
	return cx_reply_bytes(req, 200, "application/schema+json", cx_releasability_schema,
			      strlen(cx_releasability_schema));
}
