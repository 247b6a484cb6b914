#include "access/labels.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

uint64_t cx_partner_bit(int64_t rowid)
{
	return rowid >= 1 && rowid <= 63 ? (uint64_t)1 << (rowid - 1) : 0;
}

struct acc {
	enum cx_tlp tlp;
	bool have_rel;
	uint64_t mask;
	int classification;
};

static int apply_marking(const char *id, const char *path, const struct cx_label_resolver *r,
			 struct acc *a, struct cx_stix_error *err)
{
	enum cx_tlp tlp = cx_tlp_of_marking(id);
	struct cx_releasability rel;
	const json_t *md;
	char why[160];
	int k;

	if (tlp != CX_TLP_NONE) {
		if (tlp > a->tlp)
			a->tlp = tlp;
		return 0;
	}
	md = r->marking(r->arg, id);
	if (!md)
		return cx_stix_error_set(err, path, CX_RULE_UNKNOWN_MARKING,
					 "%s is not a TLP marking nor a marking definition this "
					 "node holds; send the marking definition first",
					 id);
	k = cx_releasability_parse(md, &rel, why, sizeof(why));
	if (k < 0)
		return cx_stix_error_set(err, path, CX_RULE_MARKING, "marking %s: %s", id, why);
	if (k == 0)
		return 0; /* a statement or other marking: text only */
	{
		uint64_t m = 0;

		for (size_t i = 0; i < rel.ncodes; i++)
			m |= r->bit_of(r->arg, rel.codes[i]);
		a->mask = a->have_rel ? (a->mask & m) : m;
	}
	a->have_rel = true;
	if (rel.classification > a->classification)
		a->classification = rel.classification;
	return 0;
}

int cx_labels_compute(const json_t *obj, const struct cx_label_resolver *r,
		      struct cx_labels *ret, struct cx_stix_error *err)
{
	const json_t *refs = json_object_get(obj, "object_marking_refs");
	const json_t *granular = json_object_get(obj, "granular_markings");
	const char *type = json_string_value(json_object_get(obj, "type"));
	const char *creator = json_string_value(json_object_get(obj, "created_by_ref"));
	struct acc a = {CX_TLP_NONE, false, 0, 0};
	char path[64];
	const json_t *v;
	size_t i;

	json_array_foreach (refs, i, v) {
		snprintf(path, sizeof(path), "object_marking_refs[%zu]", i);
		if (json_is_string(v) && apply_marking(json_string_value(v), path, r, &a, err) < 0)
			return -EINVAL;
	}
	json_array_foreach (granular, i, v) {
		const char *ref = json_string_value(json_object_get(v, "marking_ref"));

		snprintf(path, sizeof(path), "granular_markings[%zu].marking_ref", i);
		if (ref && apply_marking(ref, path, r, &a, err) < 0)
			return -EINVAL;
	}
	ret->owner = creator ? r->owner_of(r->arg, creator) : 0;
	ret->tlp = a.tlp;
	ret->classification = a.classification;
	if (a.have_rel)
		ret->rel_mask = a.mask;
	else if (a.tlp == CX_TLP_CLEAR || a.tlp == CX_TLP_GREEN)
		ret->rel_mask = CX_MASK_ALL;
	else
		ret->rel_mask = 0;
	/* Definitions that others need to read what they mark, unless marked. */
	if (type && !json_array_size(refs) && !json_array_size(granular) &&
	    (strcmp(type, "marking-definition") == 0 || strcmp(type, "extension-definition") == 0))
		ret->rel_mask = CX_MASK_ALL;
	return 0;
}
