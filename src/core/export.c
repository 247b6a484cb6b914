#include "core/export.h"

#include <errno.h>

#include "util/uuid.h"

struct export_ctx {
	const struct cx_object_filter *f;
	FILE *out;
	size_t count;
	bool io_error;
};

static int write_row(void *arg, const struct cx_object_row *row)
{
	struct export_ctx *ctx = arg;

	if ((ctx->count && fputc(',', ctx->out) == EOF) ||
	    fwrite(row->json, 1, row->json_len, ctx->out) != row->json_len) {
		ctx->io_error = true;
		return 1;
	}
	ctx->count++;
	return 0;
}

static enum cx_store_status export_tx(struct cx_store *s, void *arg)
{
	struct export_ctx *ctx = arg;
	char uuid[CX_UUID_STRLEN];
	enum cx_store_status st;

	ctx->count = 0;
	/* Members sort "id" < "objects" < "type", so the bundle is canonical. */
	if (fprintf(ctx->out, "{\"id\":\"bundle--%s\",\"objects\":[", cx_uuid_v4(uuid)) < 0) {
		ctx->io_error = true;
		return CX_STORE_NO_RESULT;
	}
	st = s->objects_scan(s, ctx->f, write_row, ctx);
	if (st < 0)
		return st;
	if (!ctx->io_error && fputs("],\"type\":\"bundle\"}\n", ctx->out) == EOF)
		ctx->io_error = true;
	return CX_STORE_OK;
}

int cx_export_bundle(struct cx_store *s, const struct cx_object_filter *f, FILE *out,
		     size_t *ret_count)
{
	struct export_ctx ctx = {f, out, 0, false};
	enum cx_store_status st = cx_store_run(s, false, export_tx, &ctx);

	if (st < 0)
		return -EPROTO;
	if (ctx.io_error || fflush(out) == EOF || ferror(out))
		return -EIO;
	if (ret_count)
		*ret_count = ctx.count;
	return 0;
}
