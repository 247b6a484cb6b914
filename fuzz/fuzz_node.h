/* A node for the fuzz targets that go through the server (fuzz_http,
 * fuzz_api): a demo node made by the real cx binary in a temporary folder,
 * a user "fuzz" of partner USA with every role but peer, a Bearer token and
 * a session of that user, and the server started without a listening
 * socket, to which each input is handed as one raw HTTP request.
 *
 * Inputs name the credentials, which change with each node, by
 * placeholders that fuzz_node_expand() replaces: @TOKEN@ (the Bearer
 * token), @SESSION@ (the cx_session cookie's value), @CSRF@ (the session's
 * CSRF value), @PERSON@ (a vault person record of the case FUZZ_CASE) and
 * @COLL@ (the id of the demo collection "intel"). */
#ifndef CX_FUZZ_NODE_H
#define CX_FUZZ_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "server/server.h"
#include "util/buf.h"

#define FUZZ_PASSWORD "fuzzing-only-password"
/* A repatriation case of the demo data owned by USA. */
#define FUZZ_CASE "cx-repatriation-case--238a3176-d569-533f-8268-59a00bf2ce24"

struct fuzz_node {
	char dir[64]; /* the temporary folder; the node is dir/node */
	struct cx_server srv;
	char token[128];
	char session[128];
	char csrf[80];
	char person[64];
	char coll[64];
};

/* Make the node and start its server (once per process; later calls return
 * the same node). Aborts with a message when anything fails. The node is
 * stopped and its folder removed at exit. */
struct fuzz_node *fuzz_node_get(void);

/* data with the placeholders replaced (caller frees; *ret_len its length,
 * a NUL follows). */
char *fuzz_node_expand(const struct fuzz_node *n, const void *data, size_t size, size_t *ret_len);

/* Hand one raw request to the server; the response goes to resp (reset
 * first). Returns the HTTP status of the response, or 0 when it has none.
 * With CX_FUZZ_SHOW set in the environment the request line and the status
 * are printed on stderr (CX_FUZZ_SHOW=all: and the whole response). */
int fuzz_node_request(struct fuzz_node *n, const void *data, size_t len, struct cx_buf *resp);

/* The first status in resp (pipelined requests get one response each)
 * that says the server failed rather than answered (500, 503, 507), or 0.
 * The HTTP layer's other 5xx (501, 505) answer the request. */
int fuzz_node_failure(const struct cx_buf *resp);

#endif
