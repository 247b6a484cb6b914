#include "access/markings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/roles.h"

static const struct {
	const char *id;
	enum cx_tlp tlp;
} tlp_ids[] = {
	/* TLP 2.0 */
	{"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", CX_TLP_CLEAR},
	{"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", CX_TLP_GREEN},
	{"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", CX_TLP_AMBER},
	{"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", CX_TLP_AMBER_STRICT},
	{"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", CX_TLP_RED},
	/* TLP 1.0, mapped: WHITE is CLEAR. */
	{"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", CX_TLP_CLEAR},
	{"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", CX_TLP_GREEN},
	{"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", CX_TLP_AMBER},
	{"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", CX_TLP_RED},
};

enum cx_tlp cx_tlp_of_marking(const char *marking_id)
{
	for (size_t i = 0; i < sizeof(tlp_ids) / sizeof(tlp_ids[0]); i++)
		if (strcmp(tlp_ids[i].id, marking_id) == 0)
			return tlp_ids[i].tlp;
	return CX_TLP_NONE;
}

const char *cx_tlp_name(enum cx_tlp tlp)
{
	static const char *const names[] = {"", "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER",
					    "TLP:AMBER+STRICT", "TLP:RED"};

	return tlp >= CX_TLP_NONE && tlp <= CX_TLP_RED ? names[tlp] : "";
}

const char *cx_classification_word(int classification)
{
	static const char *const words[] = {"UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL",
					    "SECRET"};

	return classification >= 0 && classification <= 3 ? words[classification] : "SECRET";
}

int cx_releasability_parse(const json_t *md, struct cx_releasability *ret, char *err,
			   size_t errlen)
{
	const json_t *ext = json_object_get(json_object_get(md, "extensions"), CX_REL_EXTENSION_ID);
	const json_t *cls, *list, *v;
	size_t i;

	if (!ext)
		return 0;
	memset(ret, 0, sizeof(*ret));
	cls = json_object_get(ext, "classification");
	if (!json_is_string(cls) || json_string_length(cls) != 1 ||
	    (ret->classification = cx_clearance_rank(json_string_value(cls)[0])) < 0) {
		snprintf(err, errlen, "classification must be \"U\", \"R\", \"C\" or \"S\"");
		return -EINVAL;
	}
	list = json_object_get(ext, "releasable_to");
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > CX_MAX_REL_PARTNERS) {
		snprintf(err, errlen, "releasable_to must be a list of 1 to %d partner codes",
			 CX_MAX_REL_PARTNERS);
		return -EINVAL;
	}
	json_array_foreach (list, i, v) {
		if (!json_is_string(v) || !cx_partner_code_valid(json_string_value(v))) {
			snprintf(err, errlen, "releasable_to[%zu] is not a partner code", i);
			return -EINVAL;
		}
		snprintf(ret->codes[ret->ncodes++], sizeof(ret->codes[0]), "%s",
			 json_string_value(v));
	}
	return 1;
}

static int code_order(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	if (strcmp(x, "USA") == 0 || strcmp(y, "USA") == 0)
		return strcmp(x, "USA") == 0 ? (strcmp(y, "USA") == 0 ? 0 : -1) : 1;
	return strcmp(x, y);
}

void cx_banner(struct cx_buf *out, enum cx_tlp tlp, int classification,
	       const char *const *codes, size_t ncodes)
{
	const char *sorted[CX_MAX_REL_PARTNERS];
	size_t n = ncodes < CX_MAX_REL_PARTNERS ? ncodes : CX_MAX_REL_PARTNERS;

	if (tlp != CX_TLP_NONE)
		cx_buf_printf(out, "%s ", cx_tlp_name(tlp));
	cx_buf_puts(out, cx_classification_word(classification));
	if (n == 0)
		return;
	memcpy(sorted, codes, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), code_order);
	cx_buf_puts(out, "//REL TO ");
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(sorted[i], sorted[i - 1]) == 0)
			continue;
		cx_buf_printf(out, "%s%s", i ? ", " : "", sorted[i]);
	}
}

/* The OASIS TLP marking definitions (shared/data/tlp-markings.json), in
 * canonical form. */
const char *const cx_tlp_marking_objects[] = {
	"{\"created\":\"2022-10-01T00:00:00.000Z\",\"extensions\":{\"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d\":{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"clear\"}},\"id\":\"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487\",\"name\":\"TLP:CLEAR\",\"spec_version\":\"2.1\",\"type\":\"marking-definition\"}",
	"{\"created\":\"2022-10-01T00:00:00.000Z\",\"extensions\":{\"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d\":{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"green\"}},\"id\":\"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb\",\"name\":\"TLP:GREEN\",\"spec_version\":\"2.1\",\"type\":\"marking-definition\"}",
	"{\"created\":\"2022-10-01T00:00:00.000Z\",\"extensions\":{\"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d\":{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"amber\"}},\"id\":\"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421\",\"name\":\"TLP:AMBER\",\"spec_version\":\"2.1\",\"type\":\"marking-definition\"}",
	"{\"created\":\"2022-10-01T00:00:00.000Z\",\"extensions\":{\"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d\":{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"amber+strict\"}},\"id\":\"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003\",\"name\":\"TLP:AMBER+STRICT\",\"spec_version\":\"2.1\",\"type\":\"marking-definition\"}",
	"{\"created\":\"2022-10-01T00:00:00.000Z\",\"extensions\":{\"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d\":{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"red\"}},\"id\":\"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1\",\"name\":\"TLP:RED\",\"spec_version\":\"2.1\",\"type\":\"marking-definition\"}",
	"{\"created\":\"2017-01-20T00:00:00.000Z\",\"definition\":{\"tlp\":\"white\"},\"definition_type\":\"tlp\",\"id\":\"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9\",\"name\":\"TLP:WHITE\",\"spec_version\":\"2.1\",\"type\":\"marking-definition\"}",
	"{\"created\":\"2017-01-20T00:00:00.000Z\",\"definition\":{\"tlp\":\"green\"},\"definition_type\":\"tlp\",\"id\":\"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da\",\"name\":\"TLP:GREEN\",\"spec_version\":\"2.1\",\"type\":\"marking-definition\"}",
	"{\"created\":\"2017-01-20T00:00:00.000Z\",\"definition\":{\"tlp\":\"amber\"},\"definition_type\":\"tlp\",\"id\":\"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82\",\"name\":\"TLP:AMBER\",\"spec_version\":\"2.1\",\"type\":\"marking-definition\"}",
	"{\"created\":\"2017-01-20T00:00:00.000Z\",\"definition\":{\"tlp\":\"red\"},\"definition_type\":\"tlp\",\"id\":\"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed\",\"name\":\"TLP:RED\",\"spec_version\":\"2.1\",\"type\":\"marking-definition\"}",
	NULL,
};

const char cx_releasability_schema[] =
	"{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"$id\": \"/schemas/releasability.json\", \"title\": \"Coalition Exchange releasability marking\", \"description\": \"Property extension of a marking-definition: the highest classification of what it marks and the partner codes it is releasable to.\", \"type\": \"object\", \"properties\": {\"extension_type\": {\"const\": \"property-extension\"}, \"classification\": {\"enum\": [\"U\", \"R\", \"C\", \"S\"], \"description\": \"U unclassified < R restricted < C confidential < S secret\"}, \"releasable_to\": {\"type\": \"array\", \"minItems\": 1, \"uniqueItems\": true, \"items\": {\"type\": \"string\", \"pattern\": \"^[A-Z0-9-]{2,16}$\"}}}, \"required\": [\"extension_type\", \"classification\", \"releasable_to\"], \"additionalProperties\": false}";

const char cx_releasability_extension_object[] =
	"{\"created\":\"2026-11-01T00:00:00.000Z\",\"created_by_ref\":\"identity--2c9e4f5a-7b1d-4e3f-8a6c-0d9b8e7f6a5c\",\"description\":\"Marks a marking-definition with a classification and the partners it releases the objects it marks to.\",\"extension_types\":[\"property-extension\"],\"id\":\"extension-definition--a7b3c2d1-6e5f-4a8b-9c0d-1e2f3a4b5c6d\",\"modified\":\"2026-11-01T00:00:00.000Z\",\"name\":\"Coalition Exchange releasability\",\"schema\":\"The JSON schema served by every Coalition Exchange node at /schemas/releasability.json\",\"spec_version\":\"2.1\",\"type\":\"extension-definition\",\"version\":\"1.0.0\"}";

const char cx_project_identity_object[] =
	"{\"created\":\"2026-11-01T00:00:00.000Z\",\"description\":\"The software that declares the releasability marking extension.\",\"id\":\"identity--2c9e4f5a-7b1d-4e3f-8a6c-0d9b8e7f6a5c\",\"identity_class\":\"system\",\"modified\":\"2026-11-01T00:00:00.000Z\",\"name\":\"Coalition Exchange\",\"object_marking_refs\":[\"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487\"],\"spec_version\":\"2.1\",\"type\":\"identity\"}";
