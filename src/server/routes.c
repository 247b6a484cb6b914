/* Every endpoint of the node, in one table: method, path pattern, handler
 * and the largest body it accepts. */
#include "server/server.h"

const struct cx_route cx_routes[] = {
	{"GET", "/healthz", cx_handle_healthz, 0},
};

const size_t cx_routes_count = sizeof(cx_routes) / sizeof(cx_routes[0]);
