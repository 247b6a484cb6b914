#include "core/bootstrap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "access/markings.h"
#include "core/audit.h"
#include "core/ingest.h"
#include "core/records.h"
#include "util/time.h"

static const struct cx_partner_actor operator = {"operator", NULL, NULL};

static int ingest_texts(struct cx_store *s, json_t *objects, const char *action,
			const struct cx_partner_actor *by, char *err, size_t errlen)
{
	struct cx_ingest_opts opts = {0};
	struct cx_ingest_report rep;
	enum cx_store_status st;
	int r = 0;

	opts.actor = by->actor;
	opts.actor_partner = by->partner;
	opts.request = by->request;
	opts.action = action;
	st = cx_ingest_objects(s, objects, &opts, &rep);
	if (st < 0) {
		snprintf(err, errlen, "store: %s", s->error(s));
		r = -EIO;
	} else if (rep.rejected) {
		for (size_t i = 0; i < rep.count; i++)
			if (rep.items[i].status == CX_INGEST_REJECTED) {
				snprintf(err, errlen, "%s refused: %s %s: %s", rep.items[i].err.id,
					 rep.items[i].err.property, rep.items[i].err.rule,
					 rep.items[i].err.message);
				break;
			}
		r = -EIO;
	}
	cx_ingest_report_release(&rep);
	return r;
}

int cx_bootstrap_node(struct cx_store *s, char *err, size_t errlen)
{
	json_t *objects = json_array();
	int r;

	for (size_t i = 0; cx_tlp_marking_objects[i]; i++)
		json_array_append_new(objects, json_loads(cx_tlp_marking_objects[i], 0, NULL));
	json_array_append_new(objects, json_loads(cx_project_identity_object, 0, NULL));
	json_array_append_new(objects, json_loads(cx_releasability_extension_object, 0, NULL));
	for (size_t i = 0; i < cx_record_types_count; i++)
		json_array_append_new(objects, cx_record_extension_definition(&cx_record_types[i]));
	r = ingest_texts(s, objects, "init", &operator, err, errlen);
	json_decref(objects);
	return r;
}

enum cx_store_status cx_partner_create(struct cx_store *s, const struct cx_partner *p,
				       char *err, size_t errlen)
{
	return cx_partner_create_as(s, p, &operator, err, errlen);
}

enum cx_store_status cx_partner_create_as(struct cx_store *s, const struct cx_partner *p,
					  const struct cx_partner_actor *by, char *err,
					  size_t errlen)
{
	char now[CX_TIME_STRLEN];
	json_t *objects;
	enum cx_store_status st;
	int64_t top = 0;

	if (s->partner_max_rowid(s, &top) < 0)
		return CX_STORE_HARD_ERROR;
	if (top >= 63) {
		snprintf(err, errlen, "this node holds 63 partners, the most it can tell apart");
		return CX_STORE_HARD_ERROR;
	}
	if (s->begin(s, true) < 0)
		return CX_STORE_HARD_ERROR;
	st = s->partner_add(s, p);
	if (st != CX_STORE_OK || s->commit(s) < 0) {
		s->rollback(s);
		return st;
	}
	/* The identity is stored after the partner exists, so that its labels
	 * name the partner as owner. */
	cx_time_format(p->created, 3, now);
	objects = json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s]}]", "type",
			    "identity", "spec_version", "2.1", "id", p->identity_id, "created", now,
			    "modified", now, "created_by_ref", p->identity_id, "name", p->name,
			    "identity_class", "organization", "object_marking_refs",
			    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487");
	if (!objects || ingest_texts(s, objects, "partner.add", by, err, errlen) < 0) {
		json_decref(objects);
		return CX_STORE_HARD_ERROR;
	}
	json_decref(objects);
	return CX_STORE_OK;
}
