/* The baseline for HTTP benchmarks: libmicrohttpd configured as cx serve
 * configures it (epoll, thread pool), answering every request at once with
 * a fixed JSON body (GET) or 202 after reading the body (POST). With
 * BODY_BYTES it sends a body of that size, so that a comparison can put the
 * same bytes on the wire as the server measured.
 *
 * usage: trivial_mhd PORT THREADS [BODY_BYTES]   (runs until SIGINT/SIGTERM) */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *body;
static size_t body_len;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)cls;
	(void)url;
	(void)version;
	(void)upload_data;
	if (!*con_cls) {
		*con_cls = (void *)1;
		return MHD_YES;
	}
	if (*upload_data_size) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(c, strcmp(method, "POST") == 0 ? 202 : 200, r);
	MHD_destroy_response(r);
	return ret;
}

int main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	sigset_t set;
	int sig;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: trivial_mhd PORT THREADS [BODY_BYTES]\n");
		return 2;
	}
	body_len = argc == 4 ? strtoul(argv[3], NULL, 10) : 0;
	if (body_len < 16)
		body_len = 16;
	body = malloc(body_len);
	if (!body)
		return 1;
	memset(body, ' ', body_len);
	memcpy(body, "{\"status\":\"ok\"}", 15);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD, (uint16_t)strtoul(argv[1], NULL, 10), NULL, NULL,
			     on_request, NULL, MHD_OPTION_THREAD_POOL_SIZE,
			     (unsigned)strtoul(argv[2], NULL, 10), MHD_OPTION_CONNECTION_LIMIT, 512u,
			     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "trivial_mhd: cannot listen on port %s\n", argv[1]);
		return 1;
	}
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
