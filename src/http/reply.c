#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

static enum MHD_Result queue(struct cx_request *req, unsigned status, const char *content_type,
			     struct MHD_Response *resp)
{
	enum MHD_Result r;

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(resp, "X-Request-Id", req->id);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED && req->allow[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, req->allow);
	r = MHD_queue_response(req->conn, status, resp);
	MHD_destroy_response(resp);
	req->status = status;
	return r;
}

const char *cx_request_header(struct cx_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

enum MHD_Result cx_reply_owned(struct cx_request *req, unsigned status, const char *content_type,
			       char *body, size_t len, const char *const *headers)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body,
								    MHD_RESPMEM_MUST_FREE);

	if (!resp) {
		free(body);
		return MHD_NO;
	}
	for (size_t i = 0; headers && headers[i]; i += 2)
		MHD_add_response_header(resp, headers[i], headers[i + 1]);
	return queue(req, status, content_type, resp);
}

enum MHD_Result cx_reply_owned_at(struct cx_request *req, unsigned status,
				  const char *content_type, char *base, size_t offset, size_t len,
				  const char *const *headers)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback_cls(
		len, base + offset, free, base);

	if (!resp) {
		free(base);
		return MHD_NO;
	}
	for (size_t i = 0; headers && headers[i]; i += 2)
		MHD_add_response_header(resp, headers[i], headers[i + 1]);
	return queue(req, status, content_type, resp);
}

enum MHD_Result cx_reply_bytes(struct cx_request *req, unsigned status, const char *content_type,
			       const char *data, size_t len)
{
	return queue(req, status, content_type,
		     MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY));
}

enum MHD_Result cx_reply_json(struct cx_request *req, unsigned status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	enum MHD_Result r;

	json_decref(body);
	if (!text)
		return MHD_NO;
	r = queue(req, status, "application/json",
		  MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE));
	return r;
}

enum MHD_Result cx_reply_error(struct cx_request *req, enum cx_ec code, const char *field,
			       const char *detail_fmt, ...)
{
	const struct cx_ec_info *info = cx_ec_info(code);
	char detail[512];
	va_list ap;
	json_t *body;

	va_start(ap, detail_fmt);
	vsnprintf(detail, sizeof(detail), detail_fmt, ap);
	va_end(ap);
	body = json_pack("{s:i, s:s, s:s}", "code", (int)info->code, "title", info->title,
			 "detail", detail);
	if (!body) /* the detail was not valid UTF-8 */
		body = json_pack("{s:i, s:s}", "code", (int)info->code, "title", info->title);
	if (body && field)
		json_object_set_new(body, "field", json_string(field));
	return cx_reply_json(req, info->http_status, body);
}
