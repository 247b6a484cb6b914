/* The PII vault's operations once a request is admitted (vault.c): list,
 * read, create, replace and erase person records, sealing and opening them
 * with the node's vault key. Each runs inside the request's transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/vault_internal.h"
#include "util/time.h"

/* A record as the API shows it; person is stolen. */
static json_t *record_json(const char *id, const char *case_id, int64_t version,
			   int64_t created, int64_t modified, json_t *person)
{
	char c[CX_TIME_STRLEN], m[CX_TIME_STRLEN];

	return json_pack("{s:s, s:s, s:I, s:s, s:s, s:o}", "id", id, "case", case_id, "version",
			 (json_int_t)version, "created", cx_time_format(created, 6, c), "modified",
			 cx_time_format(modified, 6, m), "person", person);
}

static enum cx_store_status integrity_failure(struct cx_vault_call *v)
{
	return cx_vault_refuse(v, CX_EC_INTERNAL, NULL, "integrity",
			       "a person record failed its integrity check: the vault key or the "
			       "stored record was changed");
}

/* Open a stored row into its API form (new reference), or NULL. */
static json_t *open_row(struct cx_vault_call *v, const struct cx_vault_row *row)
{
	struct cx_vault_binding b = {row->id, row->case_id, row->version};
	json_t *person;

	if (row->nonce_len != CX_VAULT_NONCE_BYTES ||
	    cx_vault_open(v->key, &b, row->nonce, row->box, row->box_len, &person) < 0)
		return NULL;
	return record_json(row->id, row->case_id, row->version, row->created, row->modified,
			   person);
}

struct listing {
	struct cx_vault_call *v;
	json_t *items;
	bool failed;
};

static int list_one(void *arg, const struct cx_vault_row *row)
{
	struct listing *l = arg;
	json_t *item = open_row(l->v, row);

	if (!item) {
		l->failed = true;
		return 1;
	}
	json_array_append_new(l->items, item);
	json_array_append_new(l->v->persons, json_string(row->id));
	return 0;
}

static enum cx_store_status list_persons(struct cx_store *s, struct cx_vault_call *v)
{
	struct listing l = {v, json_array(), false};
	enum cx_store_status st = s->vault_list(s, v->case_id, list_one, &l);

	if (st < 0 || l.failed) {
		json_decref(l.items);
		json_array_clear(v->persons);
		return st < 0 ? st : integrity_failure(v);
	}
	v->answer = json_pack("{s:s, s:o}", "case", v->case_id, "items", l.items);
	return CX_STORE_OK;
}

static enum cx_store_status read_person(struct cx_vault_call *v)
{
	const struct cx_vault_stored *r = &v->row;
	struct cx_vault_row row = {v->person_id, r->case_id, r->version, r->created, r->modified,
				   NULL, r->nonce, CX_VAULT_NONCE_BYTES, r->box, r->box_len};

	if (r->bad_nonce || !(v->answer = open_row(v, &row)))
		return integrity_failure(v);
	return CX_STORE_OK;
}

struct link_target {
	const char *case_id;
	bool same_case;
};

static int link_seen(void *arg, const struct cx_vault_row *row)
{
	struct link_target *t = arg;

	t->same_case = strcmp(row->case_id, t->case_id) == 0;
	return 1;
}

static enum cx_store_status refuse_link(struct cx_vault_call *v, size_t i, const char *why)
{
	const char *prefix = v->op == CX_VAULT_UPDATE ? "person." : "";

	cx_vault_refuse(v, CX_EC_UNPROCESSABLE, NULL, "invalid", "%sfamily_links[%zu].person %s",
			prefix, i, why);
	snprintf(v->out.field, sizeof(v->out.field), "%sfamily_links[%zu].person", prefix, i);
	return CX_STORE_OK;
}

/* Every family link names another person record of the same case. */
static enum cx_store_status check_links(struct cx_store *s, struct cx_vault_call *v,
					const char *self)
{
	const json_t *links = json_object_get(v->person, "family_links");
	size_t i;
	json_t *l;

	json_array_foreach ((json_t *)links, i, l) {
		const char *to = json_string_value(json_object_get(l, "person"));
		struct link_target t = {v->case_id, false};
		enum cx_store_status st;

		if (self && strcmp(to, self) == 0)
			return refuse_link(v, i, "names the person itself");
		st = s->vault_get(s, to, link_seen, &t);
		if (st < 0)
			return st;
		if (!t.same_case)
			return refuse_link(v, i, "names no person record of this case");
	}
	return CX_STORE_OK;
}

/* Seal v->person as id at version and answer with it. row is filled for
 * the store (its nonce and box are in *nonce and *ret_box). */
static int seal(struct cx_vault_call *v, struct cx_vault_row *row,
		unsigned char nonce[CX_VAULT_NONCE_BYTES], unsigned char **ret_box)
{
	struct cx_vault_binding b = {row->id, row->case_id, row->version};

	if (cx_vault_seal(v->key, &b, v->person, nonce, ret_box, &row->box_len) < 0)
		return -1;
	row->nonce = nonce;
	row->nonce_len = CX_VAULT_NONCE_BYTES;
	row->box = *ret_box;
	return 0;
}

static enum cx_store_status create_person(struct cx_store *s, struct cx_vault_call *v)
{
	char id[CX_VAULT_ID_LEN + 1];
	unsigned char nonce[CX_VAULT_NONCE_BYTES], *box = NULL;
	int64_t now = cx_time_now_us(), count = 0;
	struct cx_vault_row row = {cx_vault_person_id_new(id), v->case_id, 1, now, now,
				   v->req->who.name, NULL, 0, NULL, 0};
	enum cx_store_status st = s->vault_count(s, v->case_id, &count);

	if (st < 0)
		return st;
	if (count >= CX_VAULT_MAX_PERSONS)
		return cx_vault_refuse(v, CX_EC_CONFLICT, NULL, "too-many",
				       "a case holds at most %d person records",
				       CX_VAULT_MAX_PERSONS);
	if ((st = check_links(s, v, NULL)) < 0 || v->out.code)
		return st;
	if (seal(v, &row, nonce, &box) < 0)
		return CX_STORE_HARD_ERROR;
	st = s->vault_put(s, &row);
	free(box);
	if (st != CX_STORE_OK) /* a taken id: a UUIDv4 collision, retry as busy */
		return st < 0 ? st : CX_STORE_SOFT_ERROR;
	v->version = 1;
	json_array_append_new(v->persons, json_string(id));
	v->answer = record_json(id, v->case_id, 1, now, now, json_incref(v->person));
	return CX_STORE_OK;
}

static enum cx_store_status update_person(struct cx_store *s, struct cx_vault_call *v)
{
	const struct cx_vault_stored *r = &v->row;
	unsigned char nonce[CX_VAULT_NONCE_BYTES], *box = NULL;
	int64_t now = cx_time_now_us();
	struct cx_vault_row row = {v->person_id, r->case_id, r->version + 1, r->created,
				   now > r->modified ? now : r->modified + 1, NULL, NULL, 0, NULL, 0};
	enum cx_store_status st;

	if (v->expect_version != r->version)
		return cx_vault_refuse(v, CX_EC_CONFLICT, "version", "stale-version",
				       "the record is at version %lld, not %lld: read it again",
				       (long long)r->version, (long long)v->expect_version);
	if ((st = check_links(s, v, v->person_id)) < 0 || v->out.code)
		return st;
	if (seal(v, &row, nonce, &box) < 0)
		return CX_STORE_HARD_ERROR;
	st = s->vault_replace(s, &row, r->version);
	free(box);
	if (st < 0)
		return st;
	if (st == CX_STORE_NO_RESULT) /* changed since it was read in this transaction */
		return CX_STORE_HARD_ERROR;
	v->version = row.version;
	v->answer = record_json(v->person_id, r->case_id, row.version, r->created, row.modified,
				json_incref(v->person));
	return CX_STORE_OK;
}

enum cx_store_status cx_vault_perform(struct cx_store *s, struct cx_vault_call *v)
{
	enum cx_store_status st;

	switch (v->op) {
	case CX_VAULT_LIST:
		return list_persons(s, v);
	case CX_VAULT_READ:
		return read_person(v);
	case CX_VAULT_CREATE:
		return create_person(s, v);
	case CX_VAULT_UPDATE:
		return update_person(s, v);
	case CX_VAULT_DELETE:
		st = s->vault_delete(s, v->person_id);
		return st == CX_STORE_NO_RESULT ? CX_STORE_HARD_ERROR : st;
	}
	return CX_STORE_HARD_ERROR;
}
