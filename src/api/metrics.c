/* GET /metrics: the node's metrics in Prometheus text format 0.0.4, for
 * admins only — the HTTP layer's request counters and latency histograms,
 * the federation's sync state (admin_peers.c), the store and the process.
 * Every metric is listed in doc/OPERATIONS.md, "Metrics". */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/admin_internal.h"
#include "server/server.h"
#include "util/buf.h"

static void help(struct cx_buf *b, const char *name, const char *type, const char *text)
{
	cx_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

static void gauge(struct cx_buf *b, const char *name, const char *text, long long value)
{
	help(b, name, "gauge", text);
	cx_buf_printf(b, "%s %lld\n", name, value);
}

/* Bytes of path on disk; 0 when it does not exist (a WAL between
 * checkpoints may not). */
static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static long long store_size(const char *db_path)
{
	char wal[sizeof(((struct cx_server *)0)->db_path) + 8];

	snprintf(wal, sizeof(wal), "%s-wal", db_path);
	return file_size(db_path) + file_size(wal);
}

/* Resident memory from /proc/self/statm (its second field, in pages). */
static long long resident_bytes(void)
{
	unsigned long long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%llu %llu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return (long long)resident * sysconf(_SC_PAGESIZE);
}

/* Open file descriptors, the one reading /proc/self/fd not counted. */
static long long open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	long long n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n > 0 ? n - 1 : 0;
}

enum MHD_Result cx_api_metrics(struct cx_request *req)
{
	struct cx_api_ctx c;
	enum MHD_Result r;
	struct cx_buf b;
	int64_t objects = 0, audit_seq = 0;
	char head[65];
	size_t len;
	char *text;

	if (!cx_admin_begin(req, &c, &r))
		return r;
	if (c.s->objects_count(c.s, &objects) < 0 || c.s->audit_head(c.s, &audit_seq, head) < 0)
		return cx_admin_store_failed(req);
	cx_buf_init(&b, 0);
	cx_http_metrics(req->http, &b);
	if (cx_admin_peers_metrics(c.s, &b) < 0) {
		cx_buf_release(&b);
		return cx_admin_store_failed(req);
	}
	gauge(&b, "cx_objects_stored", "Object versions in the store.", (long long)objects);
	gauge(&b, "cx_audit_entries", "Entries in the audit trail.", (long long)audit_seq);
	gauge(&b, "cx_store_size_bytes",
	      "Bytes of the store on disk: the database file and its WAL.",
	      store_size(c.srv->db_path));
	gauge(&b, "cx_process_resident_memory_bytes", "Resident memory of the cx serve process.",
	      resident_bytes());
	help(&b, "cx_process_start_time_seconds", "gauge",
	     "When cx serve started (Unix time, seconds).");
	cx_buf_printf(&b, "cx_process_start_time_seconds %lld.%06lld\n",
	              (long long)(c.srv->started_us / 1000000),
	              (long long)(c.srv->started_us % 1000000));
	gauge(&b, "cx_process_open_fds", "Open file descriptors of the cx serve process.",
	      open_fds());
	if (b.err) {
		cx_buf_release(&b);
		return cx_reply_error(req, CX_EC_INTERNAL, NULL, "out of memory");
	}
	text = cx_buf_steal(&b, &len);
	return cx_reply_owned(req, 200, "text/plain; version=0.0.4", text, len, NULL);
}
