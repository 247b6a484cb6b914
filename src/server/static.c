/* The web UI's static files: web/index.html at /, the files under the web
 * root at /ui/..., and Debian's Chart.js at /vendor/chart.js. No
 * authentication (the files hold no data: the UI reads everything through
 * /api/v1/), but every answer carries the UI's security headers, and only
 * plain names with a known extension inside the web root are served. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/server.h"

/* A UI file larger than this is not one of ours. */
#define MAX_FILE (4u * 1024 * 1024)

/* The security headers of every UI answer: scripts and styles only from the
 * node (no inline script or style attribute), no framing, no referrer. */
static const char *const ui_headers[] = {
    "Content-Security-Policy",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Frame-Options",
    "DENY",
    "Referrer-Policy",
    "no-referrer",
    "Cross-Origin-Opener-Policy",
    "same-origin",
    NULL,
};

static const struct {
	const char *ext;
	const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
};

static enum MHD_Result not_found(struct cx_request *req)
{
	static const char text[] = "not found\n";
	char *body = malloc(sizeof(text) - 1);

	if (!body)
		return MHD_NO;
	memcpy(body, text, sizeof(text) - 1);
	return cx_reply_owned(req, 404, "text/plain; charset=utf-8", body, sizeof(text) - 1,
	                      ui_headers);
}

/* A segment we serve: letters, digits, '-', '_' and '.', not starting with
 * a dot (no "..", no dotfiles). */
static bool segment_ok(const char *s)
{
	if (!s[0] || s[0] == '.')
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return false;
	return true;
}

static const char *type_of(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t e = strlen(types[i].ext);

		if (n > e && strcmp(name + n - e, types[i].ext) == 0)
			return types[i].type;
	}
	return NULL;
}

/* Read the regular file at path into a malloc'd buffer. Returns 0, or
 * -errno (-ENOENT for anything that is not a readable regular file). */
static int read_whole(const char *path, char **ret_data, size_t *ret_len)
{
	struct stat st;
	char *data = NULL;
	size_t got = 0;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -ENOENT;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_FILE) {
		r = -ENOENT;
		goto out;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		r = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = -EIO;
			goto out;
		}
		got += (size_t)n;
	}
	*ret_data = data;
	*ret_len = got;
	data = NULL;
out:
	free(data);
	close(fd);
	return r;
}

static enum MHD_Result send_file(struct cx_request *req, const char *path, const char *type)
{
	char *data;
	size_t len;
	int r = read_whole(path, &data, &len);

	if (r == -ENOENT)
		return not_found(req);
	if (r < 0)
		return cx_reply_error(req, CX_EC_INTERNAL, NULL, "cannot read a UI file");
	return cx_reply_owned(req, 200, type, data, len, ui_headers);
}

/* Serve web_root/segs[0]/.../segs[n-1] when every segment is plain, the
 * last has a known extension and the resolved file lies inside the web
 * root (a symbolic link out of it is not followed). */
static enum MHD_Result serve_under_root(struct cx_request *req, const char *const *segs, size_t n)
{
	struct cx_server *srv = req->app;
	char path[PATH_MAX], root[PATH_MAX], real[PATH_MAX];
	size_t used, rootlen;
	const char *type;

	for (size_t i = 0; i < n; i++)
		if (!segment_ok(segs[i]))
			return not_found(req);
	type = type_of(segs[n - 1]);
	if (!type || !realpath(srv->cfg.web_root, root))
		return not_found(req);
	used = (size_t)snprintf(path, sizeof(path), "%s", root);
	for (size_t i = 0; i < n && used < sizeof(path); i++)
		used += (size_t)snprintf(path + used, sizeof(path) - used, "/%s", segs[i]);
	if (used >= sizeof(path) || !realpath(path, real))
		return not_found(req);
	rootlen = strlen(root);
	if (strncmp(real, root, rootlen) != 0 || real[rootlen] != '/')
		return not_found(req);
	return send_file(req, real, type);
}

enum MHD_Result cx_handle_ui_index(struct cx_request *req)
{
	static const char *const segs[] = {"index.html"};

	return serve_under_root(req, segs, 1);
}

enum MHD_Result cx_handle_ui_file(struct cx_request *req)
{
	const char *segs[CX_HTTP_MAX_PARAMS];
	size_t n = 0;

	/* The route's pattern decides how many segments were captured; the
	 * unused ones are empty. */
	while (n < CX_HTTP_MAX_PARAMS && req->params[n][0]) {
		segs[n] = req->params[n];
		n++;
	}
	if (n == 0)
		return not_found(req);
	return serve_under_root(req, segs, n);
}

enum MHD_Result cx_handle_vendor_chartjs(struct cx_request *req)
{
	struct cx_server *srv = req->app;
	char real[PATH_MAX];

	/* Debian may ship the file behind a symbolic link: resolve it first. */
	if (!realpath(srv->cfg.chartjs, real))
		return not_found(req);
	return send_file(req, real, "text/javascript; charset=utf-8");
}
