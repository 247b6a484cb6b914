/* cx demo --federation: the three nodes and their cx serve children
 * (cmd_demo_federation.c sets them up, demo_federation_servers.c runs
 * processes). */
#ifndef CX_CLI_DEMO_FEDERATION_H
#define CX_CLI_DEMO_FEDERATION_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util/buf.h"

#define NNODES 3
#define SELF "/proc/self/exe"

struct fed_node {
	const char *code;    /* USA, IRQ, KRG */
	const char *lower;   /* usa, irq, krg */
	const char *sign_in; /* the demo user named in the output */
	char identity[128];  /* the partner's identity id */
	char dir[4200];
	char name[32]; /* cx-usa */
	unsigned port;
	char coll_id[64]; /* its collection intel */
	char key_id[32], public_b64[64];
	json_t *own;           /* its partner's demo objects */
	json_t *not_loaded;    /* [{id, reason}] of its last import */
	json_t *sync_rejected; /* [{peer, id, reason}] of every sync */
	pid_t pid;             /* its cx serve, or 0 */
};

extern struct fed_node fed_nodes[NNODES];
/* SIGINT, SIGTERM: blocked, taken with sigtimedwait. */
extern sigset_t fed_stop_set;

bool stop_requested(void);
void sleep_ms(long ms);
/* Run this binary with argv (argv[0] is "cx"), input (may be NULL) on its
 * standard input, its standard output into out (NULL: inherited). Returns
 * its exit status, or -1 when it could not run or died by a signal. */
int run_child(char *const argv[], const char *input, struct cx_buf *out);
bool port_answers(unsigned port);
bool port_free(unsigned port);
/* Start n's cx serve with an optional --set override (extra). */
int start_server(struct fed_node *n, const char *extra);
/* SIGTERM to every running server, then wait (SIGKILL after 15 s). */
int stop_servers(void);
/* Serve until SIGINT/SIGTERM (0) or until a server stops on its own (1). */
int wait_servers(void);

#endif
