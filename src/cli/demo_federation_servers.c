/* The processes of cx demo --federation: this binary run as a child, the
 * three cx serve, and the ports they listen on. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/demo_federation.h"
#include "util/str.h"

sigset_t fed_stop_set; /* SIGINT, SIGTERM: blocked, taken with sigtimedwait */

bool stop_requested(void)
{
	struct timespec zero = {0, 0};

	return sigtimedwait(&fed_stop_set, NULL, &zero) > 0;
}

void sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* ---- child processes -------------------------------------------------- */

/* Run this binary with argv (argv[0] is "cx"), input (may be NULL) on its
 * standard input, its standard output into out (NULL: inherited). Returns
 * its exit status, or -1 when it could not run or died by a signal. */
int run_child(char *const argv[], const char *input, struct cx_buf *out)
{
	int in_fd[2] = {-1, -1}, out_fd[2] = {-1, -1};
	int status;
	pid_t pid;

	if ((input && pipe(in_fd) < 0) || (out && pipe(out_fd) < 0))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (input) {
			dup2(in_fd[0], 0);
			close(in_fd[0]);
			close(in_fd[1]);
		}
		if (out) {
			dup2(out_fd[1], 1);
			close(out_fd[0]);
			close(out_fd[1]);
		}
		execv(SELF, argv);
		_exit(127);
	}
	if (input) {
		size_t len = strlen(input), off = 0;

		close(in_fd[0]);
		while (off < len) {
			ssize_t w = write(in_fd[1], input + off, len - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		close(in_fd[1]);
	}
	if (out) {
		char chunk[8192];
		ssize_t got;

		close(out_fd[1]);
		while ((got = read(out_fd[0], chunk, sizeof(chunk))) != 0) {
			if (got < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			cx_buf_append(out, chunk, (size_t)got);
		}
		close(out_fd[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool port_answers(unsigned port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

bool port_free(unsigned port)
{
	struct sockaddr_in a;
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

/* Start n's cx serve (its own process group, so that Ctrl-C reaches only
 * this process, which stops it; it dies with this process), its output
 * appended to n->dir/serve.log; extra (may be NULL) is a --set. Waits
 * until it accepts connections. Returns 0 or -1 after printing why. */
int start_server(struct fed_node *n, const char *extra)
{
	char node[4300], log[4400], listen[64];
	char *argv[10];
	int i = 0, fd;
	pid_t parent = getpid();

	snprintf(node, sizeof(node), "--node=%s", n->dir);
	snprintf(log, sizeof(log), "%s/serve.log", n->dir);
	snprintf(listen, sizeof(listen), "--listen=127.0.0.1:%u", n->port);
	argv[i++] = (char *)"cx";
	argv[i++] = node;
	if (extra) {
		argv[i++] = (char *)"--set";
		argv[i++] = (char *)extra;
	}
	argv[i++] = (char *)"serve";
	argv[i++] = listen;
	argv[i] = NULL;
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		cx_cli_error("demo: cannot open %s: %s", log, strerror(errno));
		return -1;
	}
	n->pid = fork();
	if (n->pid < 0) {
		n->pid = 0;
		close(fd);
		cx_cli_error("demo: cannot start cx serve: %s", strerror(errno));
		return -1;
	}
	if (n->pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (null >= 0)
			dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(SELF, argv);
		_exit(127);
	}
	close(fd);
	for (int waited = 0;; waited += 50) {
		int status;

		if (waitpid(n->pid, &status, WNOHANG) == n->pid) {
			n->pid = 0;
			cx_cli_error("demo: cx serve of %s stopped at once: see %s", n->code, log);
			return -1;
		}
		if (port_answers(n->port))
			return 0;
		if (waited > 30000) {
			cx_cli_error("demo: cx serve of %s does not answer on port %u: see %s",
			             n->code, n->port, log);
			return -1;
		}
		sleep_ms(50);
	}
}

/* SIGTERM to every running server, then wait (SIGKILL after 15 s).
 * Returns 0 when every one stopped with exit code 0. */
int stop_servers(void)
{
	int bad = 0;

	for (size_t i = 0; i < NNODES; i++)
		if (fed_nodes[i].pid > 0)
			kill(fed_nodes[i].pid, SIGTERM);
	for (int waited = 0;; waited += 50) {
		bool running = false;

		for (size_t i = 0; i < NNODES; i++) {
			int status;

			if (fed_nodes[i].pid <= 0)
				continue;
			if (waitpid(fed_nodes[i].pid, &status, WNOHANG) == fed_nodes[i].pid) {
				if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
					bad = 1;
				fed_nodes[i].pid = 0;
			} else {
				running = true;
			}
		}
		if (!running)
			return bad ? -1 : 0;
		if (waited == 15000)
			for (size_t i = 0; i < NNODES; i++)
				if (fed_nodes[i].pid > 0)
					kill(fed_nodes[i].pid, SIGKILL);
		sleep_ms(50);
	}
}

/* Serve until SIGINT/SIGTERM (0) or until a server stops on its own (1). */
int wait_servers(void)
{
	for (;;) {
		struct timespec t = {0, 200000000L};

		if (sigtimedwait(&fed_stop_set, NULL, &t) > 0) {
			printf("stopping the three nodes\n");
			fflush(stdout);
			return stop_servers() < 0 ? CX_EXIT_FAILED : CX_EXIT_OK;
		}
		for (size_t i = 0; i < NNODES; i++) {
			int status;

			if (fed_nodes[i].pid > 0 &&
			    waitpid(fed_nodes[i].pid, &status, WNOHANG) == fed_nodes[i].pid) {
				fed_nodes[i].pid = 0;
				cx_cli_error(
				    "demo: cx serve of %s stopped on its own: see %s/serve.log; "
				    "stopping the others",
				    fed_nodes[i].code, fed_nodes[i].dir);
				stop_servers();
				return CX_EXIT_FAILED;
			}
		}
	}
}

