/* The node of the server fuzz targets (fuzz_node.h). */
#include "fuzz_node.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/config.h"
#include "util/log.h"
#include "util/str.h"

#ifndef CX_FUZZ_CX
#error "CX_FUZZ_CX must name the cx binary (fuzz/meson.build passes it)"
#endif

static struct fuzz_node node;
static int started;         /* 0: nothing yet; 1: the folder exists; 2: the server runs */
static bool show, show_all; /* CX_FUZZ_SHOW */

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_folder(void)
{
	if (started)
		nftw(node.dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Setting the node up failed: no node, no fuzzing. */
static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz node: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	remove_folder();
	abort();
}

/* Run a shell command of the cx binary; its first output line goes to out
 * (may be NULL). */
static void cx(const char *args, char *out, size_t outlen)
{
	char cmd[1024];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s --node %s/node %s", CX_FUZZ_CX, node.dir, args);
	f = popen(cmd, "r");
	if (!f)
		die("cannot run", cmd);
	if (out) {
		if (!fgets(out, (int)outlen, f))
			out[0] = '\0';
		out[strcspn(out, "\r\n")] = '\0';
	}
	while (fgetc(f) != EOF)
		;
	if (pclose(f) != 0)
		die("command failed", cmd);
}

static void stop(void)
{
	if (started == 2)
		cx_server_stop(&node.srv);
	remove_folder();
}

static void load_config(struct cx_config *cfg, char *db_path, size_t n)
{
	char ini[256], err[512], abs[600];

	snprintf(ini, sizeof(ini), "%s/node/cx.ini", node.dir);
	cx_config_defaults(cfg);
	if (cx_config_load(cfg, ini, err, sizeof(err)) < 0 ||
	    cx_config_check(cfg, err, sizeof(err)) < 0)
		die("cx.ini", err);
	snprintf(abs, sizeof(abs), "%s/node/%s", node.dir, cfg->vault_key);
	if (cx_strlcpy(cfg->vault_key, abs, sizeof(cfg->vault_key)) < 0)
		die("path too long", abs);
	snprintf(abs, sizeof(abs), "%s/node/%s", node.dir, cfg->signing_key);
	if (cx_strlcpy(cfg->signing_key, abs, sizeof(cfg->signing_key)) < 0)
		die("path too long", abs);
	snprintf(db_path, n, "%s/node/%s", node.dir, cfg->db_file);
}

/* The JSON body of a raw response (caller frees), or NULL. */
static json_t *response_json(const struct cx_buf *resp)
{
	const char *body = strstr(cx_buf_cstr(resp), "\r\n\r\n");

	return body ? json_loads(body + 4, 0, NULL) : NULL;
}

static void login(void)
{
	static const char body[] = "{\"user\":\"fuzz\",\"password\":\"" FUZZ_PASSWORD "\"}";
	struct cx_buf req = CX_BUF_INIT, resp = CX_BUF_INIT;
	const char *cookie, *end;
	json_t *who;

	cx_buf_printf(&req,
	              "POST /api/v1/session HTTP/1.1\r\nHost: fuzz\r\n"
	              "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
	              strlen(body), body);
	if (fuzz_node_request(&node, req.data, req.len, &resp) != 200)
		die("login failed", cx_buf_cstr(&resp));
	cookie = strstr(cx_buf_cstr(&resp), "cx_session=");
	who = response_json(&resp);
	if (!cookie || !who || !json_string_value(json_object_get(who, "csrf")))
		die("login answer", cx_buf_cstr(&resp));
	cookie += strlen("cx_session=");
	end = cookie + strcspn(cookie, ";\r\n");
	snprintf(node.session, sizeof(node.session), "%.*s", (int)(end - cookie), cookie);
	snprintf(node.csrf, sizeof(node.csrf), "%s",
	         json_string_value(json_object_get(who, "csrf")));
	json_decref(who);
	cx_buf_release(&req);
	cx_buf_release(&resp);
}

static void add_person(void)
{
	static const char body[] = "{\"names\":[\"Fuzz Person\"],\"date_of_birth\":\"1990-02\"}";
	struct cx_buf req = CX_BUF_INIT, resp = CX_BUF_INIT;
	json_t *rec;

	cx_buf_printf(&req,
	              "POST /api/v1/vault/cases/" FUZZ_CASE "/persons HTTP/1.1\r\nHost: fuzz\r\n"
	              "Authorization: Bearer %s\r\nX-Access-Reason: fuzzing the vault\r\n"
	              "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
	              node.token, strlen(body), body);
	if (fuzz_node_request(&node, req.data, req.len, &resp) != 201)
		die("vault person", cx_buf_cstr(&resp));
	rec = response_json(&resp);
	if (!json_string_value(json_object_get(rec, "id")))
		die("vault person answer", cx_buf_cstr(&resp));
	snprintf(node.person, sizeof(node.person), "%s",
	         json_string_value(json_object_get(rec, "id")));
	json_decref(rec);
	cx_buf_release(&req);
	cx_buf_release(&resp);
}

/* The id of the demo collection "intel", from the TAXII collections list. */
static void find_collection(void)
{
	struct cx_buf req = CX_BUF_INIT, resp = CX_BUF_INIT;
	json_t *list, *c;
	size_t i;

	cx_buf_printf(&req,
	              "GET /coalition/collections/ HTTP/1.1\r\nHost: fuzz\r\n"
	              "Accept: application/taxii+json;version=2.1\r\n"
	              "Authorization: Bearer %s\r\n\r\n",
	              node.token);
	if (fuzz_node_request(&node, req.data, req.len, &resp) != 200)
		die("collections", cx_buf_cstr(&resp));
	list = response_json(&resp);
	json_array_foreach (json_object_get(list, "collections"), i, c) {
		const char *alias = json_string_value(json_object_get(c, "alias"));

		if (alias && strcmp(alias, "intel") == 0)
			snprintf(node.coll, sizeof(node.coll), "%s",
			         json_string_value(json_object_get(c, "id")));
	}
	if (!node.coll[0])
		die("no collection intel", cx_buf_cstr(&resp));
	json_decref(list);
	cx_buf_release(&req);
	cx_buf_release(&resp);
}

/* $TMPDIR, else /dev/shm (the store's commits then cost no disk writes),
 * else /tmp. */
static const char *temp_folder(void)
{
	const char *t = getenv("TMPDIR");

	if (t && *t && strlen(t) < 32)
		return t;
	if (access("/dev/shm", W_OK | X_OK) == 0)
		return "/dev/shm";
	return "/tmp";
}

/* A crash ends the process without its exit handlers, leaving its node
 * folder behind: remove the folders of processes that no longer run. */
static void remove_stale(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *e;
	char path[300];

	if (!d)
		return;
	while ((e = readdir(d))) {
		long pid;
		char *end;

		if (strncmp(e->d_name, "cx-fuzz-", 8) != 0)
			continue;
		pid = strtol(e->d_name + 8, &end, 10);
		if (end == e->d_name + 8 || *end != '-' || pid <= 0 ||
		    !(kill((pid_t)pid, 0) < 0 && errno == ESRCH))
			continue;
		snprintf(path, sizeof(path), "%s/%s", parent, e->d_name);
		nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	}
	closedir(d);
}

struct fuzz_node *fuzz_node_get(void)
{
	struct cx_config cfg;
	char db_path[512], err[512], demo[512];

	if (started)
		return &node;
	if (sodium_init() < 0)
		die("libsodium cannot start", NULL);
	show = getenv("CX_FUZZ_SHOW") != NULL;
	show_all = show && strcmp(getenv("CX_FUZZ_SHOW"), "all") == 0;
	remove_stale(temp_folder());
	snprintf(node.dir, sizeof(node.dir), "%s/cx-fuzz-%ld-XXXXXX", temp_folder(),
	         (long)getpid());
	if (!mkdtemp(node.dir))
		die("mkdtemp", node.dir);
	started = 1;
	atexit(stop);
	snprintf(demo, sizeof(demo), "%s demo %s/node >/dev/null", CX_FUZZ_CX, node.dir);
	if (system(demo) != 0)
		die("cannot make the demo node", demo);
	cx("user add fuzz --partner USA --role reader,contributor,approver,admin,case-officer "
	   "--clearance S --password-stdin >/dev/null <<'EOF'\n" FUZZ_PASSWORD "\nEOF",
	   NULL, 0);
	cx("token create fuzz --name fuzz 2>/dev/null", node.token, sizeof(node.token));
	if (strlen(node.token) < 16)
		die("no token", node.token);
	load_config(&cfg, db_path, sizeof(db_path));
	cx_log_set_level(CX_LOG_ERROR);
	if (cx_server_init(&node.srv, &cfg, db_path, err, sizeof(err)) < 0)
		die("server init", err);
	if (cx_server_start_raw(&node.srv, err, sizeof(err)) < 0)
		die("server start", err);
	started = 2;
	login();
	add_person();
	find_collection();
	return &node;
}

static const struct {
	const char *name;
	size_t off;
} holders[] = {
    {"@TOKEN@", offsetof(struct fuzz_node, token)},
    {"@SESSION@", offsetof(struct fuzz_node, session)},
    {"@CSRF@", offsetof(struct fuzz_node, csrf)},
    {"@PERSON@", offsetof(struct fuzz_node, person)},
    {"@COLL@", offsetof(struct fuzz_node, coll)},
};

char *fuzz_node_expand(const struct fuzz_node *n, const void *data, size_t size, size_t *ret_len)
{
	const char *p = data, *end = p + size;
	struct cx_buf out = CX_BUF_INIT;

	while (p < end) {
		const char *at = memchr(p, '@', (size_t)(end - p));
		size_t i;

		if (!at) {
			cx_buf_append(&out, p, (size_t)(end - p));
			break;
		}
		cx_buf_append(&out, p, (size_t)(at - p));
		for (i = 0; i < sizeof(holders) / sizeof(holders[0]); i++) {
			size_t len = strlen(holders[i].name);

			if ((size_t)(end - at) >= len && memcmp(at, holders[i].name, len) == 0) {
				cx_buf_puts(&out, (const char *)n + holders[i].off);
				p = at + len;
				break;
			}
		}
		if (i == sizeof(holders) / sizeof(holders[0])) {
			cx_buf_putc(&out, '@');
			p = at + 1;
		}
	}
	if (out.err)
		die("out of memory", NULL);
	return cx_buf_steal(&out, ret_len);
}

/* The status of the response at p, or 0 when none starts there. */
static int status_at(const char *p, const char *end)
{
	int status = 0;

	if (end - p < 12 || strncmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ')
		return 0;
	for (int i = 9; i < 12 && p[i] >= '0' && p[i] <= '9'; i++)
		status = status * 10 + (p[i] - '0');
	return status;
}

/* The statuses of a server that failed rather than answered: an internal
 * error (500), the store unavailable (503) or full (507). */
static bool failure(int status)
{
	return status == 500 || status == 503 || status == 507;
}

int fuzz_node_failure(const struct cx_buf *resp)
{
	const char *p = cx_buf_cstr(resp), *end = p + resp->len;

	while (p < end) {
		int status = status_at(p, end);
		const char *head_end = strstr(p, "\r\n\r\n"), *cl;
		uint64_t body = 0;

		if (!status || !head_end)
			break;
		if (failure(status))
			return status;
		head_end += 4;
		cl = strcasestr(p, "\r\nContent-Length:");
		if (cl && cl < head_end)
			body = strtoull(cl + 17, NULL, 10);
		/* A HEAD answer announces a body it does not send. */
		if (body <= (uint64_t)(end - head_end) && status_at(head_end + body, end))
			p = head_end + body;
		else if (status_at(head_end, end))
			p = head_end;
		else
			break;
	}
	return 0;
}

int fuzz_node_request(struct fuzz_node *n, const void *data, size_t len, struct cx_buf *resp)
{
	const char *r;
	int status = 0;

	cx_buf_reset(resp);
	if (cx_server_raw_request(&n->srv, data, len, resp) < 0)
		return 0;
	r = cx_buf_cstr(resp);
	if (strncmp(r, "HTTP/1.", 7) == 0 && r[8] == ' ')
		for (int i = 9; i < 12 && r[i] >= '0' && r[i] <= '9'; i++)
			status = status * 10 + (r[i] - '0');
	if (show)
		fprintf(stderr, "%.*s -> %d\n%s", (int)strcspn(data, "\r\n"), (const char *)data,
		        status, show_all ? r : "");
	return status;
}
