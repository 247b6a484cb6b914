/* The workflow rules ingest applies to a record's new version
 * (doc/RECORDS.md): state machine, approver's steps, endorsement. */
#include "core/ingest_workflow.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/workflow.h"
#include "util/str.h"

/* The principal partners' opinions on an assessment, every one on the
 * node: the node decides an endorsement, not what one reader sees. */
struct endorsers {
	const char *code[16];
	int64_t rowid[16];
	size_t n;
	json_t *opinions;
};

static int add_opinion(void *arg, const struct cx_object_row *row)
{
	struct endorsers *e = arg;

	for (size_t i = 0; i < e->n; i++) {
		json_t *o;

		if (e->rowid[i] != row->owner)
			continue;
		o = json_loadb(row->json, row->json_len, 0, NULL);
		json_array_append_new(e->opinions,
				      json_pack("{s:s, s:s, s:O?}", "id", row->id, "owner",
						e->code[i], "opinion", json_object_get(o, "opinion")));
		json_decref(o);
	}
	return 0;
}

/* An assessment becomes "endorsed" only with an agreeing opinion from each
 * principal partner (doc/RECORDS.md). */
static enum cx_store_status check_endorsement(struct cx_store *s, const char *principals,
					      const json_t *prev, const json_t *next,
					      struct cx_stix_error *err)
{
	const char *id = json_string_value(json_object_get(next, "id"));
	const char *to = json_string_value(json_object_get(next, "status"));
	const char *from = json_string_value(json_object_get(prev, "status"));
	const char *types[1] = {"opinion"};
	struct cx_object_filter f = {.types = types, .ntypes = 1, .versions = CX_VERSION_LAST,
				     .ref_to = id, .ref_kind = "ref"};
	struct endorsers e = {.n = 0};
	char list[256], *awaiting;
	json_t *wf;
	enum cx_store_status st;
	bool endorsed;

	if (strcmp(json_string_value(json_object_get(next, "type")), "cx-assessment") != 0 ||
	    !to || strcmp(to, "endorsed") != 0 || (from && strcmp(from, to) == 0))
		return CX_STORE_OK;
	cx_strlcpy(list, principals ? principals : "USA,IRQ", sizeof(list));
	for (char *save = list, *tok; e.n < 16 && (tok = strsep(&save, ","));) {
		struct cx_partner partner;

		if (!*tok)
			continue;
		st = s->partner_get(s, tok, &partner);
		if (st < 0)
			return st;
		e.code[e.n] = tok;
		e.rowid[e.n++] = st == CX_STORE_OK ? partner.rowid : -1;
	}
	e.opinions = json_array();
	st = s->objects_scan(s, &f, add_opinion, &e);
	if (st < 0) {
		json_decref(e.opinions);
		return st;
	}
	wf = cx_workflow_assessment(next, NULL, e.opinions, e.code, e.n);
	json_decref(e.opinions);
	endorsed = json_is_true(json_object_get(wf, "endorsed"));
	awaiting = json_dumps(json_object_get(wf, "awaiting"), JSON_COMPACT);
	if (!endorsed)
		cx_stix_error_set(err, "status", CX_RULE_ENDORSEMENT,
				  "an assessment is endorsed only when every principal partner "
				  "agrees in its own opinion: awaiting %s",
				  awaiting ? awaiting : "?");
	free(awaiting);
	json_decref(wf);
	return endorsed ? CX_STORE_OK : CX_STORE_NO_RESULT;
}

enum cx_store_status cx_ingest_check_workflow(struct cx_store *s, const char *id,
					      int64_t modified, const json_t *obj,
					      const struct cx_ingest_opts *opts,
					      struct cx_stix_error *err)
{
	const struct cx_principal *writer = opts->writer;
	struct cx_object_row latest;
	enum cx_store_status st = s->object_latest(s, id, &latest);
	json_t *prev;
	int r;

	if (st != CX_STORE_OK)
		return st < 0 ? st : CX_STORE_OK;
	if (latest.modified >= modified)
		return CX_STORE_OK;
	prev = json_loadb(latest.json, latest.json_len, 0, NULL);
	r = prev ? cx_workflow_check_transition(prev, obj, err) : 0;
	if (r == 0 && prev && writer) /* a local import is the administrator's */
		r = cx_workflow_check_role(writer->roles, prev, obj, err);
	st = r < 0 ? CX_STORE_NO_RESULT : CX_STORE_OK;
	if (st == CX_STORE_OK && prev && writer)
		st = check_endorsement(s, opts->principal_partners, prev, obj, err);
	json_decref(prev);
	return st;
}
