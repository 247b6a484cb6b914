#include "core/ingest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stix/jcs.h"
#include "stix/validate.h"
#include "util/buf.h"
#include "util/time.h"

/* One object ready to store: the row points into `canon` and the input. */
struct prepared {
	size_t index;
	struct cx_object_row row;
	char *canon;
};

struct tx_ctx {
	struct prepared *items;
	size_t n;
	const struct cx_ingest_opts *opts;
	struct cx_ingest_report *report;
};

const char *cx_ingest_status_name(enum cx_ingest_status st)
{
	switch (st) {
	case CX_INGEST_STORED: return "stored";
	case CX_INGEST_DUPLICATE: return "duplicate";
	case CX_INGEST_REJECTED: return "rejected";
	}
	return "unknown";
}

int cx_ingest_parse(const char *text, size_t len, unsigned flags, json_t **ret_objects,
		    char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root, *objects, *type;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errlen, "not valid JSON at line %d column %d: %s", jerr.line,
			 jerr.column, jerr.text);
		return -EINVAL;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "expected a STIX bundle or TAXII envelope (a JSON object)");
		json_decref(root);
		return -EINVAL;
	}
	type = json_object_get(root, "type");
	if (type && (flags & CX_INGEST_ENVELOPE_ONLY)) {
		snprintf(err, errlen, "expected a TAXII envelope ({\"objects\": [...]}), not an "
				      "object with a \"type\"");
		json_decref(root);
		return -EINVAL;
	}
	if (type && !(json_is_string(type) && strcmp(json_string_value(type), "bundle") == 0)) {
		snprintf(err, errlen, "expected a STIX bundle or TAXII envelope, not an object of "
				      "type %s",
			 json_is_string(type) ? json_string_value(type) : "(not a string)");
		json_decref(root);
		return -EINVAL;
	}
	if (type) {
		struct cx_stix_error se;
		/* The bundle's own properties only: each entry is judged on its
		 * own later, so one bad entry does not sink the others. */
		json_t *header = json_copy(root);
		json_t *entries = json_object_get(root, "objects");
		int bad;

		if (json_is_array(entries) && json_array_size(entries) > 0)
			json_object_del(header, "objects");
		cx_stix_error_clear(&se);
		bad = cx_stix_validate_bundle(header, &se) < 0;
		json_decref(header);
		if (bad) {
			snprintf(err, errlen, "invalid bundle: %s%s%s", se.property,
				 se.property[0] ? ": " : "", se.message);
			json_decref(root);
			return -EINVAL;
		}
	}
	objects = json_object_get(root, "objects");
	if (!objects) {
		if (!type) {
			snprintf(err, errlen, "expected a STIX bundle or TAXII envelope: no "
					      "\"type\": \"bundle\" and no \"objects\"");
			json_decref(root);
			return -EINVAL;
		}
		objects = json_array();
	} else if (!json_is_array(objects)) {
		snprintf(err, errlen, "\"objects\" must be an array");
		json_decref(root);
		return -EINVAL;
	} else {
		json_incref(objects);
	}
	json_decref(root);
	*ret_objects = objects;
	return 0;
}

static const char *str_or(const json_t *o, const char *key, const char *dflt)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : dflt;
}

static int64_t time_or_zero(const json_t *o, const char *key)
{
	int64_t us = 0;
	const char *v = json_string_value(json_object_get(o, key));

	if (v && cx_time_parse(v, &us, NULL) < 0)
		us = 0;
	return v ? us : 0;
}

/* Validate and canonicalise one object; on success fill p. */
static int prepare(const json_t *obj, size_t index, size_t max_bytes, struct prepared *p,
		   struct cx_stix_error *err)
{
	struct cx_buf canon;
	int r;

	if (!json_is_object(obj))
		return cx_stix_error_set(err, "", CX_RULE_NOT_OBJECT,
					 "every entry of objects must be a JSON object");
	if (cx_stix_validate(obj, NULL, err) < 0)
		return -EINVAL;
	cx_buf_init(&canon, max_bytes);
	r = cx_jcs_append(&canon, obj);
	if (r == -E2BIG) {
		cx_buf_release(&canon);
		return cx_stix_error_set(err, "", CX_RULE_SIZE,
					 "object is larger than %zu bytes in canonical form",
					 max_bytes);
	}
	if (r < 0) {
		cx_buf_release(&canon);
		return cx_stix_error_set(err, "", CX_RULE_JSON,
					 "object cannot be written in canonical form");
	}
	p->index = index;
	p->row.id = json_string_value(json_object_get(obj, "id"));
	p->row.type = json_string_value(json_object_get(obj, "type"));
	p->row.spec_version = str_or(obj, "spec_version", "2.1");
	p->row.created = time_or_zero(obj, "created");
	p->row.modified = json_object_get(obj, "modified") ? time_or_zero(obj, "modified")
							    : p->row.created;
	p->row.version = str_or(obj, "modified", str_or(obj, "created", ""));
	p->row.created_by_ref = json_string_value(json_object_get(obj, "created_by_ref"));
	p->row.revoked = json_is_true(json_object_get(obj, "revoked"));
	p->row.json_len = canon.len;
	p->canon = cx_buf_steal(&canon, NULL);
	p->row.json = p->canon;
	return 0;
}

static enum cx_store_status store_all(struct cx_store *s, void *arg)
{
	struct tx_ctx *ctx = arg;
	size_t stored = 0, duplicate = 0;

	for (size_t i = 0; i < ctx->n; i++) {
		struct prepared *p = &ctx->items[i];
		struct cx_ingest_item *item = &ctx->report->items[p->index];
		enum cx_store_status st;
		int64_t added = 0;

		st = s->object_put(s, &p->row, &added);
		if (st < 0)
			return st;
		if (ctx->opts->collection) {
			enum cx_store_status c = s->collection_add_object(
				s, ctx->opts->collection, p->row.id, p->row.modified, &added);

			if (c < 0)
				return c;
		}
		item->status = st == CX_STORE_OK ? CX_INGEST_STORED : CX_INGEST_DUPLICATE;
		item->date_added = added;
		if (st == CX_STORE_OK)
			stored++;
		else
			duplicate++;
		if (ctx->opts->progress && (i + 1) % 1000 == 0)
			ctx->opts->progress(ctx->opts->progress_arg, "storing", i + 1, ctx->n);
	}
	ctx->report->stored = stored;
	ctx->report->duplicate = duplicate;
	return CX_STORE_OK;
}

enum cx_store_status cx_ingest_objects(struct cx_store *s, const json_t *objects,
				       const struct cx_ingest_opts *opts,
				       struct cx_ingest_report *ret)
{
	static const struct cx_ingest_opts no_opts;
	size_t n = json_array_size(objects), k = 0;
	size_t max_bytes;
	struct prepared *items;
	struct tx_ctx ctx;
	enum cx_store_status st = CX_STORE_NO_RESULT;

	if (!opts)
		opts = &no_opts;
	max_bytes = opts->max_object_bytes ? opts->max_object_bytes : CX_INGEST_MAX_OBJECT_BYTES;
	memset(ret, 0, sizeof(*ret));
	ret->items = calloc(n ? n : 1, sizeof(*ret->items));
	items = calloc(n ? n : 1, sizeof(*items));
	if (!ret->items || !items) {
		free(items);
		free(ret->items);
		ret->items = NULL;
		return CX_STORE_HARD_ERROR;
	}
	ret->count = n;
	for (size_t i = 0; i < n; i++) {
		const json_t *obj = json_array_get(objects, i);
		struct cx_ingest_item *item = &ret->items[i];
		const char *id = json_string_value(json_object_get(obj, "id"));

		cx_stix_error_clear(&item->err);
		if (prepare(obj, i, max_bytes, &items[k], &item->err) < 0) {
			item->status = CX_INGEST_REJECTED;
			if (id && !item->err.id[0])
				cx_stix_error_set_id(&item->err, id);
			ret->rejected++;
		} else {
			cx_stix_error_set_id(&item->err, id);
			k++;
		}
		if (opts->progress && (i + 1) % 1000 == 0)
			opts->progress(opts->progress_arg, "validating", i + 1, n);
	}
	if (k > 0) {
		ctx.items = items;
		ctx.n = k;
		ctx.opts = opts;
		ctx.report = ret;
		st = cx_store_run(s, true, store_all, &ctx);
		if (st >= 0 && opts->progress)
			opts->progress(opts->progress_arg, "storing", k, k);
	}
	if (st < 0) {
		/* Nothing was stored: the transaction rolled back. */
		ret->stored = ret->duplicate = 0;
		for (size_t i = 0; i < k; i++)
			ret->items[items[i].index].status = CX_INGEST_REJECTED;
	}
	for (size_t i = 0; i < k; i++)
		free(items[i].canon);
	free(items);
	return st;
}

void cx_ingest_report_release(struct cx_ingest_report *r)
{
	free(r->items);
	memset(r, 0, sizeof(*r));
}
