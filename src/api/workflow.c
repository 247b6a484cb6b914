/* The detail view's `workflow`: what the node derives for a record from it
 * and the objects around it, for one reader and from what that reader may
 * read (doc/RECORDS.md). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/ingest_workflow.h"
#include "core/records.h"
#include "core/workflow.h"
#include "util/str.h"
#include "util/time.h"

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Readable objects of one type referencing id, with a property of each. */
struct referrers {
	const struct cx_api_ctx *c;
	const char *property;
	json_t *list;
};

static int add_referrer(void *arg, const struct cx_object_row *row)
{
	struct referrers *r = arg;
	json_t *o = json_loadb(row->json, row->json_len, 0, NULL);
	const char *owner = cx_api_partner_code(r->c, row->owner);

	json_array_append_new(r->list, json_pack("{s:s, s:s?, s:O?}", "id", row->id, "owner",
						 owner, r->property,
						 json_object_get(o, r->property)));
	json_decref(o);
	return json_array_size(r->list) >= 1000;
}

static int take_json(void *arg, const struct cx_object_row *row)
{
	*(json_t **)arg = json_loadb(row->json, row->json_len, 0, NULL);
	return 1;
}

/* The newest version of id the caller may read (new reference), or NULL. */
static json_t *readable_newest(struct cx_api_ctx *c, const char *id)
{
	const char *ids[1] = {id};
	struct cx_object_filter f = {.ids = ids, .nids = 1, .versions = CX_VERSION_LAST};
	json_t *obj = NULL;

	if (!id)
		return NULL;
	cx_access_filter(&c->access, &f);
	if (c->s->objects_scan(c->s, &f, take_json, &obj) < 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *of_type(const json_t *summaries, const char *type)
{
	json_t *out = json_array(), *s;
	size_t i;

	json_array_foreach ((json_t *)summaries, i, s)
		if (strcmp(json_string_value(json_object_get(s, "type")), type) == 0)
			json_array_append(out, s);
	return out;
}

static json_t *assessment(struct cx_api_ctx *c, const json_t *object)
{
	const char *types[1] = {"opinion"};
	struct cx_object_filter f = {.types = types, .ntypes = 1, .versions = CX_VERSION_LAST,
				     .ref_to = str(object, "id"), .ref_kind = "ref"};
	struct referrers r = {c, "opinion", json_array()};
	const char *principals[16];
	char list[256];
	size_t n = 0;
	json_t *framework, *wf;

	cx_strlcpy(list, c->srv->cfg.records.principal_partners, sizeof(list));
	for (char *save = list, *tok; n < 16 && (tok = strsep(&save, ","));)
		if (*tok)
			principals[n++] = tok;
	cx_access_filter(&c->access, &f);
	c->s->objects_scan(c->s, &f, add_referrer, &r);
	framework = readable_newest(c, str(object, "framework_ref"));
	wf = cx_workflow_assessment(object, framework, r.list, principals, n);
	json_decref(framework);
	json_decref(r.list);
	return wf;
}

/* When the record's current status began: the oldest readable version of
 * the newest run of versions in that status. */
#define MAX_STAGE_VERSIONS 1024

struct stage {
	const char *status;
	size_t n;
	struct {
		int64_t modified;
		bool same;
	} v[MAX_STAGE_VERSIONS];
};

static int see_version(void *arg, const struct cx_object_row *row)
{
	struct stage *st = arg;
	json_t *o = json_loadb(row->json, row->json_len, 0, NULL);
	const char *status = str(o, "status");

	st->v[st->n].modified = row->modified;
	st->v[st->n].same = status && strcmp(status, st->status) == 0;
	json_decref(o);
	return ++st->n >= MAX_STAGE_VERSIONS;
}

static int by_modified(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int64_t stage_since(struct cx_api_ctx *c, const json_t *object)
{
	const char *ids[1] = {str(object, "id")};
	struct cx_object_filter f = {.ids = ids, .nids = 1};
	struct stage *st = calloc(1, sizeof(*st));
	int64_t since = 0;

	if (!st)
		return 0;
	st->status = str(object, "status");
	cx_access_filter(&c->access, &f);
	if (st->status && c->s->objects_scan(c->s, &f, see_version, st) >= 0) {
		qsort(st->v, st->n, sizeof(st->v[0]), by_modified);
		for (size_t i = st->n; i > 0 && st->v[i - 1].same; i--)
			since = st->v[i - 1].modified;
	}
	free(st);
	return since;
}

/* The deciding partner's newest decision the reader may read. */
static json_t *decision(struct cx_api_ctx *c, const json_t *object, const char *dtype,
			const char *decider_key)
{
	struct cx_partner p;
	json_t *d = NULL;

	if (!str(object, decider_key) ||
	    c->s->partner_get(c->s, str(object, decider_key), &p) != CX_STORE_OK)
		return NULL;
	if (cx_ingest_newest_decision(c->s, &c->access, dtype, str(object, "id"), p.rowid, &d) < 0)
		return NULL;
	return d;
}

json_t *cx_api_workflow(struct cx_api_ctx *c, const json_t *object, const json_t *refs)
{
	const char *type = str(object, "type");
	json_t *d, *wf;

	if (strcmp(type, "cx-commitment") == 0) {
		json_t *notes = of_type(refs, "note");

		wf = cx_workflow_commitment(object, notes, cx_time_now_us());
		json_decref(notes);
		return wf;
	}
	if (strcmp(type, "cx-aat-activity") == 0 || strcmp(type, "cx-transition-milestone") == 0)
		return json_pack("{s:O?, s:o}", "state", json_object_get(object, "status"), "next",
				 cx_workflow_next_states(object));
	if (strcmp(type, "cx-dialogue") == 0)
		return json_pack("{s:o}", "commitments", of_type(refs, "cx-commitment"));
	if (strcmp(type, "cx-assessment") == 0)
		return assessment(c, object);
	if (strcmp(type, "cx-security-assistance-case") == 0)
		return cx_workflow_sa_case(object, stage_since(c, object), cx_time_now_us());
	if (strcmp(type, "cx-movement-request") == 0) {
		d = decision(c, object, "cx-movement-decision", "host_nation");
		wf = cx_workflow_movement(object, d);
		json_decref(d);
		return wf;
	}
	if (strcmp(type, "cx-repatriation-case") == 0) {
		d = decision(c, object, "cx-home-nation-decision", "home_nation");
		wf = cx_workflow_repatriation(object, d);
		json_decref(d);
		return wf;
	}
	if (strcmp(type, "incident") == 0 && cx_record_type_of(object))
		return cx_workflow_incident(object);
	return NULL;
}
