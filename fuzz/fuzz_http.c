/* Fuzz target: one raw HTTP request through the whole server stack (the
 * HTTP layer, routing, authentication, TAXII, the native API, the web UI's
 * files) of a demo node (fuzz_node.h). The input is the bytes a client
 * sends on one connection, credentials written as placeholders. Whatever
 * the bytes, the server answers with well-formed status lines, or not at
 * all, and never says that it failed (500, 503, 507). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_node.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fuzz_node *node;
static struct cx_buf resp = CX_BUF_INIT;

static void release(void)
{
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	char *req = fuzz_node_expand(node, data, size, &len);
	int status = fuzz_node_request(node, req, len, &resp);

	if (resp.len && status < 100) {
		fprintf(stderr, "not an HTTP response:\n%s\n", cx_buf_cstr(&resp));
		abort();
	}
	if (fuzz_node_failure(&resp)) {
		fprintf(stderr, "the server failed:\n%s\n", cx_buf_cstr(&resp));
		abort();
	}
	free(req);
	return 0;
}
