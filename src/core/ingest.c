#include "core/ingest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/labels.h"
#include "access/markings.h"
#include "access/policy.h"
#include "core/audit.h"
#include "core/ingest_workflow.h"
#include "core/provenance.h"
#include "core/records.h"
#include "stix/jcs.h"
#include "stix/validate.h"
#include "util/buf.h"
#include "util/time.h"

/* One object ready to store: the row points into `canon` and the input. */
struct prepared {
	size_t index;
	const json_t *obj;
	json_t *signed_obj; /* owned: obj when the node signed it; else NULL */
	struct cx_object_row row;
	char *canon;
	char *search;
	const char **refs; /* ids, then kinds: 2 * row.nrefs pointers into obj */
};

#define MAX_SEARCH_TEXT (64 * 1024)
#define MAX_REFS 1024

static bool skip_for_text(const char *key)
{
	static const char *const skip[] = {"id", "type", "spec_version", "created", "modified",
					   "lang", "pattern_type", "pattern_version", "valid_from",
					   "valid_until", "first_seen", "last_seen", "published"};
	size_t n = strlen(key);

	if ((n > 4 && strcmp(key + n - 4, "_ref") == 0) ||
	    (n > 5 && strcmp(key + n - 5, "_refs") == 0))
		return true;
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (strcmp(key, skip[i]) == 0)
			return true;
	return false;
}

/* The words a search finds an object by: its top-level text properties
 * (and lists of text), not ids, references or timestamps. */
static char *search_text(const json_t *obj)
{
	struct cx_buf b;
	const char *key;
	json_t *v, *e;
	size_t i;

	cx_buf_init(&b, MAX_SEARCH_TEXT);
	json_object_foreach ((json_t *)obj, key, v) {
		if (skip_for_text(key))
			continue;
		if (json_is_string(v)) {
			cx_buf_append(&b, json_string_value(v), json_string_length(v));
			cx_buf_putc(&b, '\n');
		} else if (json_is_array(v)) {
			json_array_foreach (v, i, e) {
				if (!json_is_string(e))
					continue;
				cx_buf_append(&b, json_string_value(e), json_string_length(e));
				cx_buf_putc(&b, '\n');
			}
		}
	}
	if (b.err) /* over the cap: index what fitted is not possible, so none */
		return NULL;
	return cx_buf_steal(&b, NULL);
}

static void add_ref(struct prepared *p, const char **ids, const char **kinds, const char *id,
		    const char *kind)
{
	if (p->row.nrefs < MAX_REFS) {
		if (ids) {
			ids[p->row.nrefs] = id;
			kinds[p->row.nrefs] = kind;
		}
		p->row.nrefs++;
	}
}

/* Every *_ref / *_refs, at any depth, but the creator and markings. */
static void collect_refs(const json_t *v, const char *type, int depth, struct prepared *p,
			 const char **ids, const char **kinds)
{
	const char *key;
	json_t *e;
	size_t i;

	if (depth > 8)
		return;
	if (json_is_array(v)) {
		json_array_foreach ((json_t *)v, i, e)
			collect_refs(e, type, depth + 1, p, ids, kinds);
		return;
	}
	json_object_foreach ((json_t *)v, key, e) {
		size_t n = strlen(key);
		bool rel = depth == 0 &&
			   ((strcmp(type, "relationship") == 0 &&
			     (strcmp(key, "source_ref") == 0 || strcmp(key, "target_ref") == 0)) ||
			    (strcmp(type, "sighting") == 0 && strcmp(key, "sighting_of_ref") == 0));

		if (strcmp(key, "created_by_ref") == 0 || strcmp(key, "object_marking_refs") == 0 ||
		    strcmp(key, "marking_ref") == 0)
			continue;
		if (n > 4 && strcmp(key + n - 4, "_ref") == 0 && json_is_string(e)) {
			add_ref(p, ids, kinds, json_string_value(e), rel ? "rel" : "ref");
		} else if (n > 5 && strcmp(key + n - 5, "_refs") == 0 && json_is_array(e)) {
			json_t *x;
			size_t k;

			json_array_foreach (e, k, x)
				if (json_is_string(x))
					add_ref(p, ids, kinds, json_string_value(x), "ref");
		} else if (json_is_object(e) || json_is_array(e)) {
			collect_refs(e, type, depth + 1, p, ids, kinds);
		}
	}
}

struct tx_ctx {
	struct prepared *items;
	size_t n;
	const struct cx_ingest_opts *opts;
	struct cx_ingest_report *report;
	struct cx_buf audit_objects; /* canonical [{"id","version"},...] of what was stored */
	size_t conflicts;
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

/* What labels need from the node, for one input: partners (by identity and
 * by code) and marking definitions (earlier in the input, or stored). */
struct resolver_ctx {
	struct cx_store *s;
	json_t *input_markings; /* id -> marking-definition of this input (borrowed values) */
	json_t *stored_markings; /* id -> marking-definition loaded from the store (owned) */
	json_t *owners;          /* identity id -> partner rowid */
	json_t *bits;            /* code -> bit */
};

static int64_t owner_of(void *arg, const char *identity_id)
{
	struct resolver_ctx *r = arg;
	json_t *cached = json_object_get(r->owners, identity_id);
	struct cx_partner p;
	int64_t rowid = 0;

	if (cached)
		return json_integer_value(cached);
	if (r->s->partner_by_identity(r->s, identity_id, &p) == CX_STORE_OK)
		rowid = p.rowid;
	json_object_set_new(r->owners, identity_id, json_integer(rowid));
	return rowid;
}

static uint64_t bit_of(void *arg, const char *code)
{
	struct resolver_ctx *r = arg;
	json_t *cached = json_object_get(r->bits, code);
	struct cx_partner p;
	uint64_t bit = 0;

	if (cached)
		return (uint64_t)json_integer_value(cached);
	if (r->s->partner_get(r->s, code, &p) == CX_STORE_OK)
		bit = cx_partner_bit(p.rowid);
	json_object_set_new(r->bits, code, json_integer((json_int_t)bit));
	return bit;
}

static const json_t *marking(void *arg, const char *id)
{
	struct resolver_ctx *r = arg;
	const json_t *m = json_object_get(r->input_markings, id);
	struct cx_object_row row;
	json_t *loaded;

	if (m)
		return m;
	m = json_object_get(r->stored_markings, id);
	if (m)
		return json_is_null(m) ? NULL : m;
	loaded = NULL;
	if (strncmp(id, "marking-definition--", 20) == 0 &&
	    r->s->object_latest(r->s, id, &row) == CX_STORE_OK)
		loaded = json_loadb(row.json, row.json_len, 0, NULL);
	json_object_set_new(r->stored_markings, id, loaded ? loaded : json_null());
	return loaded;
}

/* A marking definition carrying the releasability extension must follow its
 * schema (/schemas/releasability.json) exactly. */
static int check_releasability(const json_t *obj, struct cx_stix_error *err)
{
	static const char *const allowed[] = {"extension_type", "classification",
					      "releasable_to"};
	const json_t *ext = json_object_get(json_object_get(obj, "extensions"),
					    CX_REL_EXTENSION_ID);
	struct cx_releasability rel;
	char path[160], why[160];
	const char *key;
	json_t *v;

	if (!ext)
		return 0;
	snprintf(path, sizeof(path), "extensions.%s", CX_REL_EXTENSION_ID);
	if (strcmp(json_string_value(json_object_get(obj, "type")), "marking-definition") != 0)
		return cx_stix_error_set(err, path, CX_RULE_MARKING,
					 "the releasability extension belongs on marking "
					 "definitions only");
	json_object_foreach ((json_t *)ext, key, v) {
		bool known = false;

		for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			known = known || strcmp(key, allowed[i]) == 0;
		if (!known)
			return cx_stix_error_set(err, path, CX_RULE_MARKING,
						 "the releasability extension has no property %s",
						 key);
	}
	if (cx_releasability_parse(obj, &rel, why, sizeof(why)) < 0)
		return cx_stix_error_set(err, path, CX_RULE_MARKING, "%s", why);
	for (size_t i = 0; i < rel.ncodes; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(rel.codes[i], rel.codes[j]) == 0)
				return cx_stix_error_set(err, path, CX_RULE_MARKING,
							 "releasable_to names %s twice",
							 rel.codes[i]);
	return 0;
}

/* The project's record types are checked against their schemas. */
static const struct cx_stix_validate_opts record_rules = {cx_records_check, NULL};

/* Should this node sign obj, owned by owner, before storing it? */
static bool wants_signature(const json_t *obj, int64_t owner, const struct cx_ingest_opts *opts)
{
	return opts->sign_key && opts->sign_partner && owner == opts->sign_partner &&
	       strcmp(json_string_value(json_object_get(obj, "type")), "marking-definition") != 0 &&
	       !cx_provenance_present(obj);
}

/* Validate, label, sign when the node originates it, and canonicalise one
 * object; on success fill p. */
static int prepare(const json_t *obj, size_t index, const struct cx_ingest_opts *opts,
		   size_t max_bytes, const struct cx_label_resolver *lr, struct prepared *p,
		   struct cx_stix_error *err)
{
	struct cx_labels labels;
	struct cx_buf canon;
	int r;

	if (!json_is_object(obj))
		return cx_stix_error_set(err, "", CX_RULE_NOT_OBJECT,
					 "every entry of objects must be a JSON object");
	if (cx_stix_validate(obj, &record_rules, err) < 0)
		return -EINVAL;
	if (check_releasability(obj, err) < 0)
		return -EINVAL;
	if (cx_labels_compute(obj, lr, &labels, err) < 0)
		return -EINVAL;
	if (wants_signature(obj, labels.owner, opts)) {
		json_t *copy = json_deep_copy(obj);

		if (!copy || cx_provenance_sign(copy, opts->sign_key, opts->node_name) < 0) {
			json_decref(copy);
			return cx_stix_error_set(err, "", CX_RULE_JSON,
						 "object cannot be signed (out of memory)");
		}
		p->signed_obj = copy;
		obj = copy;
	}
	cx_buf_init(&canon, max_bytes);
	r = cx_jcs_append(&canon, obj);
	if (r < 0) {
		json_decref(p->signed_obj);
		p->signed_obj = NULL;
	}
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
	p->obj = obj;
	p->row.id = json_string_value(json_object_get(obj, "id"));
	p->row.type = json_string_value(json_object_get(obj, "type"));
	p->row.spec_version = str_or(obj, "spec_version", "2.1");
	p->row.created = time_or_zero(obj, "created");
	p->row.modified = json_object_get(obj, "modified") ? time_or_zero(obj, "modified")
							    : p->row.created;
	p->row.version = str_or(obj, "modified", str_or(obj, "created", ""));
	p->row.name = str_or(obj, "name", "");
	p->row.created_by_ref = json_string_value(json_object_get(obj, "created_by_ref"));
	p->row.revoked = json_is_true(json_object_get(obj, "revoked"));
	p->row.owner = labels.owner;
	p->row.tlp = (int)labels.tlp;
	p->row.rel_mask = (int64_t)labels.rel_mask;
	p->row.classification = labels.classification;
	p->row.json_len = canon.len;
	p->canon = cx_buf_steal(&canon, NULL);
	p->row.json = p->canon;
	p->search = search_text(obj);
	p->row.search_text = p->search;
	/* Count first, then collect into an array of the right size. */
	p->row.nrefs = 0;
	collect_refs(obj, p->row.type, 0, p, NULL, NULL);
	if (p->row.nrefs) {
		size_t n = p->row.nrefs;

		p->refs = malloc(2 * n * sizeof(*p->refs));
		p->row.nrefs = 0;
		if (p->refs) {
			collect_refs(obj, p->row.type, 0, p, p->refs, p->refs + n);
			p->row.ref_ids = p->refs;
			p->row.ref_kinds = p->refs + n;
		}
	}
	return 0;
}

/* Sovereign writes, inside the transaction: count the objects the writer
 * may not store. */
static enum cx_store_status check_writes(struct cx_store *s, struct tx_ctx *ctx, size_t *ret_bad)
{
	/* Earlier objects of the same input count as stored: id -> newest
	 * {owner, revoked, modified} so far. */
	json_t *seen = json_object();
	size_t bad = 0;

	for (size_t i = 0; i < ctx->n; i++) {
		struct prepared *p = &ctx->items[i];
		struct cx_existing ex = {0};
		enum cx_store_status st;
		const json_t *earlier;
		const char *rule;

		st = s->object_state(s, p->row.id, p->row.modified, &ex.owner, &ex.revoked,
				     &ex.modified, &ex.same_version);
		if (st < 0) {
			json_decref(seen);
			return st;
		}
		ex.exists = st == CX_STORE_OK;
		earlier = json_object_get(seen, p->row.id);
		if (earlier) {
			int64_t m = json_integer_value(json_object_get(earlier, "modified"));

			if (m == p->row.modified)
				ex.same_version = true;
			if (!ex.exists || m > ex.modified) {
				ex.owner = json_integer_value(json_object_get(earlier, "owner"));
				ex.revoked = json_is_true(json_object_get(earlier, "revoked"));
				ex.modified = m;
			}
			ex.exists = true;
		}
		rule = cx_access_check_write(ctx->opts->writer, ctx->opts->writer_identity, p->obj,
					     p->row.modified, &ex);
		if (!rule && (!earlier || p->row.modified >
					  json_integer_value(json_object_get(earlier, "modified"))))
			json_object_set_new(seen, p->row.id,
					    json_pack("{s:I, s:b, s:I}", "owner",
						      (json_int_t)p->row.owner, "revoked",
						      p->row.revoked, "modified",
						      (json_int_t)p->row.modified));
		if (rule) {
			struct cx_ingest_item *item = &ctx->report->items[p->index];

			item->status = CX_INGEST_REJECTED;
			cx_stix_error_set(&item->err, "", rule, "%s",
					  strcmp(rule, "role") == 0
						  ? "writing needs the contributor or admin role"
					  : strcmp(rule, "wrong-identity") == 0
						  ? "created_by_ref must be your partner's identity"
					  : strcmp(rule, "not-owner") == 0
						  ? "only the owner's partner may version or revoke it"
					  : strcmp(rule, "unrevoke") == 0
						  ? "a revoked object cannot be un-revoked"
						  : "marking definitions cannot be versioned");
			bad++;
		}
	}
	json_decref(seen);
	*ret_bad = bad;
	return CX_STORE_OK;
}

static enum cx_store_status store_all(struct cx_store *s, void *arg)
{
	struct tx_ctx *ctx = arg;
	size_t stored = 0, duplicate = 0, conflicts = 0;
	enum cx_store_status st;

	if (ctx->opts->writer) {
		size_t bad = 0;

		st = check_writes(s, ctx, &bad);
		if (st < 0)
			return st;
		ctx->report->violations = bad;
		if (bad) {
			return CX_STORE_HARD_ERROR; /* roll back: nothing is stored */
		}
	}
	cx_buf_reset(&ctx->audit_objects);
	cx_buf_putc(&ctx->audit_objects, '[');
	for (size_t i = 0; i < ctx->n; i++) {
		struct prepared *p = &ctx->items[i];
		struct cx_ingest_item *item = &ctx->report->items[p->index];
		int64_t added = 0;
		bool conflict = false;

		if (strcmp(p->row.type, "marking-definition") == 0) {
			/* A marking definition has one version, ever: another
			 * `created` for a stored id is a change, not a version. */
			int64_t owner, latest;
			bool revoked, same = false;

			st = s->object_state(s, p->row.id, p->row.modified, &owner, &revoked, &latest,
					     &same);
			if (st < 0)
				return st;
			conflict = st == CX_STORE_OK && !same;
		}
		if (!conflict && cx_record_type_of(p->obj)) {
			st = cx_ingest_check_workflow(s, &p->row, p->obj, ctx->opts, &item->err);
			if (st < 0)
				return st;
			if (st == CX_STORE_NO_RESULT) {
				item->status = CX_INGEST_REJECTED;
				conflicts++;
				continue;
			}
		}
		if (!conflict)
			st = s->object_put(s, &p->row, &added, &conflict);
		if (st < 0)
			return st;
		if (conflict) {
			bool md = strcmp(p->row.type, "marking-definition") == 0;

			item->status = CX_INGEST_REJECTED;
			cx_stix_error_set(&item->err, "", md ? CX_RULE_IMMUTABLE : CX_RULE_CONFLICT,
					  md ? "a marking definition with this id holds other "
					       "content; marking definitions never change"
					     : "this id and version are stored with other content; "
					       "a change needs a new modified timestamp");
			conflicts++;
			continue;
		}
		if (ctx->opts->collection) {
			enum cx_store_status c = s->collection_add_object(
				s, ctx->opts->collection, p->row.id, p->row.modified, &added);

			if (c < 0)
				return c;
		}
		item->status = st == CX_STORE_OK ? CX_INGEST_STORED : CX_INGEST_DUPLICATE;
		item->date_added = added;
		if (st == CX_STORE_OK) {
			struct cx_buf *a = &ctx->audit_objects;

			cx_buf_puts(a, stored ? ",{\"id\":" : "{\"id\":");
			cx_buf_put_json_string(a, p->row.id, strlen(p->row.id));
			cx_buf_puts(a, ",\"version\":");
			cx_buf_put_json_string(a, p->row.version, strlen(p->row.version));
			cx_buf_putc(a, '}');
			stored++;
		} else {
			duplicate++;
		}
		if (ctx->opts->progress && (i + 1) % 1000 == 0)
			ctx->opts->progress(ctx->opts->progress_arg, "storing", i + 1, ctx->n);
	}
	if (ctx->opts->actor) {
		json_t *detail = json_pack("{s:I, s:I, s:I}", "stored", (json_int_t)stored,
					   "duplicate", (json_int_t)duplicate, "rejected",
					   (json_int_t)(ctx->report->rejected + conflicts));
		struct cx_audit_entry e = {ctx->opts->actor, ctx->opts->actor_partner,
					   ctx->opts->action, ctx->opts->request,
					   NULL, detail, NULL};

		cx_buf_putc(&ctx->audit_objects, ']');
		if (ctx->audit_objects.err) {
			json_decref(detail);
			return CX_STORE_HARD_ERROR;
		}
		if (stored)
			e.objects_text = cx_buf_cstr(&ctx->audit_objects);

		if (ctx->opts->audit_detail)
			json_object_update(detail, (json_t *)ctx->opts->audit_detail);
		if (ctx->opts->collection_id)
			json_object_set_new(detail, "collection",
					    json_string(ctx->opts->collection_id));
		st = cx_audit_append(s, &e);
		json_decref(detail);
		if (st < 0)
			return st;
	}
	ctx->report->stored = stored;
	ctx->report->duplicate = duplicate;
	ctx->conflicts = conflicts;
	if (ctx->opts->in_transaction)
		return ctx->opts->in_transaction(s, ctx->opts->in_transaction_arg);
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
	struct resolver_ctx rctx;
	struct cx_label_resolver lr = {owner_of, bit_of, marking, &rctx};

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
	rctx.s = s;
	rctx.input_markings = json_object();
	rctx.stored_markings = json_object();
	rctx.owners = json_object();
	rctx.bits = json_object();
	for (size_t i = 0; i < n; i++) {
		const json_t *obj = json_array_get(objects, i);
		struct cx_ingest_item *item = &ret->items[i];
		const char *id = json_string_value(json_object_get(obj, "id"));

		cx_stix_error_clear(&item->err);
		if (prepare(obj, i, opts, max_bytes, &lr, &items[k], &item->err) < 0) {
			item->status = CX_INGEST_REJECTED;
			if (id && !item->err.id[0])
				cx_stix_error_set_id(&item->err, id);
			ret->rejected++;
		} else {
			cx_stix_error_set_id(&item->err, id);
			/* Objects after it may use it: a marking counts only once
			 * it is known valid, and only for what follows it. */
			if (strcmp(items[k].row.type, "marking-definition") == 0)
				json_object_set(rctx.input_markings, id, (json_t *)obj);
			k++;
		}
		if (opts->progress && (i + 1) % 1000 == 0)
			opts->progress(opts->progress_arg, "validating", i + 1, n);
	}
	if (k > 0 || opts->actor || opts->in_transaction) {
		ctx.items = items;
		ctx.n = k;
		ctx.opts = opts;
		ctx.report = ret;
		ctx.conflicts = 0;
		cx_buf_init(&ctx.audit_objects, 0);
		st = cx_store_run(s, true, store_all, &ctx);
		cx_buf_release(&ctx.audit_objects);
		if (st >= 0)
			ret->rejected += ctx.conflicts;
		if (st >= 0 && opts->progress && k)
			opts->progress(opts->progress_arg, "storing", k, k);
	}
	if (st < 0) {
		/* Nothing was stored: the transaction rolled back. Objects that
		 * broke no rule are reported rejected too, without a rule. */
		ret->stored = ret->duplicate = 0;
		for (size_t i = 0; i < k; i++) {
			struct cx_ingest_item *item = &ret->items[items[i].index];

			if (item->status == CX_INGEST_REJECTED && ret->violations)
				continue;
			item->status = CX_INGEST_REJECTED;
			cx_stix_error_set(&item->err, "", "",
					  ret->violations ? "not stored: other objects of this input "
							    "break the write rules"
							  : "not stored: the store failed");
		}
	}
	for (size_t i = 0; i < k; i++) {
		free(items[i].canon);
		free(items[i].search);
		free(items[i].refs);
		json_decref(items[i].signed_obj);
	}
	free(items);
	json_decref(rctx.input_markings);
	json_decref(rctx.stored_markings);
	json_decref(rctx.owners);
	json_decref(rctx.bits);
	return st;
}

void cx_ingest_report_release(struct cx_ingest_report *r)
{
	free(r->items);
	memset(r, 0, sizeof(*r));
}
