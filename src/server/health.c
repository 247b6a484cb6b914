#include "server/server.h"
#include "util/time.h"

/* Healthy means: the store answers a query on this thread's connection. */
enum MHD_Result cx_handle_healthz(struct cx_request *req)
{
	struct cx_server *srv = req->app;
	struct cx_store *s = cx_server_store(srv);
	int version = 0;

	if (!s || s->schema_version(s, &version) < 0)
		return cx_reply_error(req, CX_EC_STORE_UNAVAILABLE, NULL,
				      "the store does not answer");
	return cx_reply_json(req, 200,
			     json_pack("{s:s, s:s, s:i, s:I}", "status", "ok", "version",
				       CX_VERSION, "schema", version, "uptime_s",
				       (json_int_t)((cx_time_now_us() - srv->started_us) / 1000000)));
}
