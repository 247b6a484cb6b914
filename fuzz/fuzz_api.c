/* Fuzz target: the native API's JSON request bodies, through the handlers
 * of a demo node (fuzz_node.h) with a real SQLite store. The first byte
 * picks the endpoint (and, with its high bit, session authentication with
 * CSRF instead of the Bearer token); the rest is the body (placeholders
 * replaced, so that a body can name the vault person @PERSON@), sent with a
 * correct request line and headers so that every input reaches the body
 * parsing and validation of create, new version, revoke, markings,
 * vault persons, administration and login. A body must never make the
 * server fail (500, 503, 507), and every error answer has the API's one shape
 * {"code", "title", "detail"}. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_node.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	const char *method, *path, *extra;
} endpoints[] = {
    {"POST", "/api/v1/objects", ""},
    {"POST", "/api/v1/objects/indicator--7b6818e2-a1cf-5789-bfb2-1784fb56d7c4/versions", ""},
    {"POST", "/api/v1/objects/cx-movement-request--b6f88968-82fb-5788-a36e-c33645840595/versions",
     ""},
    {"POST", "/api/v1/objects/malware--926f0060-9bab-5f13-bf35-938d1a1619bd/revoke", ""},
    {"POST", "/api/v1/markings/preview", ""},
    {"POST", "/api/v1/markings", ""},
    {"POST", "/api/v1/vault/cases/" FUZZ_CASE "/persons", "X-Access-Reason: fuzzing the vault\r\n"},
    {"PUT", "/api/v1/vault/persons/@PERSON@", "X-Access-Reason: fuzzing the vault\r\n"},
    {"POST", "/api/v1/admin/users", ""},
    {"POST", "/api/v1/admin/users/usa.analyst", ""},
    {"POST", "/api/v1/admin/partners", ""},
    {"POST", "/api/v1/admin/tokens", ""},
    {"POST", "/api/v1/admin/collections", ""},
    {"POST", "/api/v1/admin/audit/verify", ""},
    {"POST", "/api/v1/session", ""},
    {"POST", "/api/v1/admin/collections/@COLL@/grants", ""},
};
#define NENDPOINTS (sizeof(endpoints) / sizeof(endpoints[0]))

static struct fuzz_node *node;
static struct cx_buf head = CX_BUF_INIT, req = CX_BUF_INIT, resp = CX_BUF_INIT;

static void release(void)
{
	cx_buf_release(&head);
	cx_buf_release(&req);
	cx_buf_release(&resp);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	node = fuzz_node_get();
	atexit(release);
	return 0;
}

static void check_error_shape(int status)
{
	const char *body = strstr(cx_buf_cstr(&resp), "\r\n\r\n");
	json_t *e = body ? json_loads(body + 4, 0, NULL) : NULL;

	if (!json_is_integer(json_object_get(e, "code")) ||
	    !json_is_string(json_object_get(e, "title")) ||
	    !json_is_string(json_object_get(e, "detail"))) {
		fprintf(stderr, "error %d without the error shape:\n%s\n", status,
		        cx_buf_cstr(&resp));
		abort();
	}
	json_decref(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len, body_len, i;
	char *expanded, *body;
	int status;

	if (size < 1)
		return 0;
	i = (data[0] & 0x7f) % NENDPOINTS;
	body = fuzz_node_expand(node, data + 1, size - 1, &body_len);
	cx_buf_reset(&head);
	cx_buf_printf(&head, "%s %s HTTP/1.1\r\nHost: fuzz\r\n%s", endpoints[i].method,
	              endpoints[i].path, endpoints[i].extra);
	if (data[0] & 0x80)
		cx_buf_puts(&head, "Cookie: cx_session=@SESSION@\r\nX-CSRF-Token: @CSRF@\r\n");
	else
		cx_buf_puts(&head, "Authorization: Bearer @TOKEN@\r\n");
	cx_buf_printf(&head, "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
	              body_len);
	expanded = fuzz_node_expand(node, head.data, head.len, &len);
	cx_buf_reset(&req);
	cx_buf_append(&req, expanded, len);
	cx_buf_append(&req, body, body_len);
	free(expanded);
	free(body);
	status = fuzz_node_request(node, req.data, req.len, &resp);
	if (status < 100 || fuzz_node_failure(&resp)) {
		fprintf(stderr, "endpoint %s %s answered:\n%s\n", endpoints[i].method,
		        endpoints[i].path, cx_buf_cstr(&resp));
		abort();
	}
	if (status >= 400)
		check_error_shape(status);
	return 0;
}
