/* The STIX meta objects (STIX 2.1 section 7): marking-definition (statement,
 * TLP 1.0 and the TLP 2.0 extension), language-content and
 * extension-definition. */
#include "stix/validate_internal.h"

#include <string.h>

#define REQ CX_V_REQUIRED
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- marking-definition ---------------------------------------------------- */

/* The four TLP 1.0 marking definitions STIX 2.1 section 7.2.1.4 fixes: the only
 * instances of definition_type "tlp" that may exist. */
static const struct tlp {
	const char *level, *name, *id;
} tlp1[] = {
    {"white", "TLP:WHITE", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"},
    {"green", "TLP:GREEN", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
    {"amber", "TLP:AMBER", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
    {"red", "TLP:RED", "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},
};
#define TLP1_CREATED "2017-01-20T00:00:00.000Z"

/* TLP 2.0, published by OASIS as a property-extension of marking-definition
 * with five fixed marking definitions. */
#define TLP2_EXTENSION "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
static const struct tlp tlp2[] = {
    {"clear", "TLP:CLEAR", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
    {"green", "TLP:GREEN", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
    {"amber", "TLP:AMBER", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
    {"amber+strict", "TLP:AMBER+STRICT",
     "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
    {"red", "TLP:RED", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
};

static const struct tlp *tlp_by(const struct tlp *set, size_t n, const char *level, const char *id)
{
	for (size_t i = 0; i < n; i++) {
		if ((level && strcmp(set[i].level, level) == 0) ||
		    (id && strcmp(set[i].id, id) == 0))
			return &set[i];
	}
	return NULL;
}

static int tlp_name(const json_t *obj, const struct tlp *t, struct cx_stix_error *err)
{
	const char *name = json_string_value(json_object_get(obj, "name"));

	if (name && strcmp(name, t->name) != 0)
		return cx_v_fail(err, "", "name", CX_RULE_VOCAB, "the %s marking is named %s",
		                 t->level, t->name);
	return 0;
}

static int tlp1_marking(const json_t *obj, const json_t *def, struct cx_stix_error *err)
{
	static const char *const names[] = {"tlp", NULL};
	const char *id = json_string_value(json_object_get(obj, "id"));
	const char *created = json_string_value(json_object_get(obj, "created"));
	const char *level;
	const struct tlp *t;
	int r;

	if ((r = cx_v_string(def, "definition", "tlp", REQ, &level, err)) < 0)
		return r;
	t = tlp_by(tlp1, N(tlp1), level, NULL);
	if (!t)
		return cx_v_fail(err, "definition", "tlp", CX_RULE_VOCAB,
		                 "'%.40s' is not a TLP 1.0 level (white, green, amber, red)",
		                 level);
	if (strcmp(id, t->id) != 0)
		return cx_v_fail(err, "", "id", CX_RULE_IDENTIFIER,
		                 "the TLP:%s marking definition has the id %s", level, t->id);
	if (strcmp(created, TLP1_CREATED) != 0)
		return cx_v_fail(err, "", "created", CX_RULE_TIMESTAMP,
		                 "the TLP 1.0 marking definitions were created " TLP1_CREATED);
	if ((r = tlp_name(obj, t, err)) < 0)
		return r;
	return cx_v_properties(def, "definition", CX_STIX_UNKNOWN, names, err);
}

static int tlp2_marking(const json_t *obj, const json_t *ext, struct cx_stix_error *err)
{
	static const char *const names[] = {"extension_type", "tlp_2_0", NULL};
	static const char at[] = "extensions." TLP2_EXTENSION;
	const char *id = json_string_value(json_object_get(obj, "id"));
	const char *level, *ext_type;
	const struct tlp *t;
	int r;

	if ((r = cx_v_string(ext, at, "tlp_2_0", REQ, &level, err)) < 0 ||
	    (r = cx_v_string(ext, at, "extension_type", 0, &ext_type, err)) < 0)
		return r;
	if (ext_type && strcmp(ext_type, "property-extension") != 0)
		return cx_v_fail(err, at, "extension_type", CX_RULE_EXTENSION,
		                 "TLP 2.0 is a property-extension");
	t = tlp_by(tlp2, N(tlp2), level, NULL);
	if (!t)
		return cx_v_fail(err, at, "tlp_2_0", CX_RULE_VOCAB,
		                 "'%.40s' is not a TLP 2.0 level (clear, green, amber, "
		                 "amber+strict, red)",
		                 level);
	if (strcmp(id, t->id) != 0)
		return cx_v_fail(err, "", "id", CX_RULE_IDENTIFIER,
		                 "the TLP:%s marking definition has the id %s", level, t->id);
	if ((r = tlp_name(obj, t, err)) < 0)
		return r;
	return cx_v_properties(ext, at, CX_STIX_UNKNOWN, names, err);
}

static const struct cx_v_prop marking_definition[] = {
    {.name = "name", .type = CX_VP_STRING},
    {.name = "definition_type", .type = CX_VP_STRING, .flags = CX_V_NONEMPTY},
    {.name = "definition", .type = CX_VP_OBJECT},
};

static int marking_definition_rules(const json_t *obj, struct cx_stix_error *err)
{
	static const char *const statement_names[] = {"statement", NULL};
	const char *id = json_string_value(json_object_get(obj, "id"));
	const char *dtype = json_string_value(json_object_get(obj, "definition_type"));
	const json_t *def = json_object_get(obj, "definition");
	const json_t *exts = json_object_get(obj, "extensions");
	const json_t *tlp2_ext = json_object_get(exts, TLP2_EXTENSION);
	int r;

	if (dtype && !def)
		return cx_v_fail(err, "", "definition", CX_RULE_REQUIRED,
		                 "definition_type needs definition");
	if (def && !dtype)
		return cx_v_fail(err, "", "definition_type", CX_RULE_REQUIRED,
		                 "definition needs definition_type");
	if (!dtype && !exts)
		return cx_v_fail(err, "", "definition_type", CX_RULE_REQUIRED,
		                 "a marking definition without extensions needs definition_type "
		                 "and definition");
	/* The fixed TLP identifiers may only name the published objects. */
	if (tlp_by(tlp1, N(tlp1), NULL, id) && !(dtype && strcmp(dtype, "tlp") == 0))
		return cx_v_fail(err, "", "definition_type", CX_RULE_DEPENDENCY,
		                 "%s is a TLP 1.0 marking definition", id);
	if (tlp_by(tlp2, N(tlp2), NULL, id) && !tlp2_ext)
		return cx_v_fail(err, "", "extensions", CX_RULE_DEPENDENCY,
		                 "%s is a TLP 2.0 marking definition", id);
	if (tlp2_ext && (r = tlp2_marking(obj, tlp2_ext, err)) < 0)
		return r;
	if (!dtype)
		return 0;
	if (strcmp(dtype, "tlp") == 0)
		return tlp1_marking(obj, def, err);
	if (strcmp(dtype, "statement") == 0) {
		r = cx_v_string(def, "definition", "statement", REQ, NULL, err);
		return r < 0 ? r
		             : cx_v_properties(def, "definition", CX_STIX_UNKNOWN, statement_names,
		                               err);
	}
	return 0;
}

/* ---- language-content ---------------------------------------------------- */

static const char *const translatable[] = {
    CX_V_REF_SDO,         CX_V_REF_SRO,           CX_V_REF_SCO, CX_V_REF_CUSTOM,
    "marking-definition", "extension-definition", NULL,
};

static const struct cx_v_prop language_content[] = {
    {.name = "object_ref", .type = CX_VP_REF, .flags = REQ, .set = translatable},
    {.name = "object_modified", .type = CX_VP_TIMESTAMP, .flags = CX_V_MILLIS},
    {.name = "contents", .type = CX_VP_DICT, .flags = REQ},
};

/* contents: language tag -> {property name -> translated string, list or
 * object}. */
static int language_content_rules(const json_t *obj, struct cx_stix_error *err)
{
	const json_t *contents = json_object_get(obj, "contents");
	char path[CX_V_PATH_MAX], vpath[CX_V_PATH_MAX];

	for (void *it = json_object_iter((json_t *)contents); it;
	     it = json_object_iter_next((json_t *)contents, it)) {
		const char *tag = json_object_iter_key(it);
		const json_t *tr = json_object_iter_value(it);

		cx_v_path(path, sizeof(path), "contents", tag);
		if (!cx_v_lang_tag_valid(tag))
			return cx_v_fail(err, path, NULL, CX_RULE_FORMAT,
			                 "'%.60s' is not an RFC 5646 language tag", tag);
		if (!json_is_object(tr))
			return cx_v_fail(err, path, NULL, CX_RULE_TYPE,
			                 "%s must be a dictionary of translated properties", path);
		if (json_object_size(tr) == 0)
			return cx_v_fail(err, path, NULL, CX_RULE_EMPTY,
			                 "%s must not be an empty dictionary", path);
		for (void *jt = json_object_iter((json_t *)tr); jt;
		     jt = json_object_iter_next((json_t *)tr, jt)) {
			const json_t *v = json_object_iter_value(jt);

			cx_v_path(vpath, sizeof(vpath), path, json_object_iter_key(jt));
			if (!cx_v_dict_key_valid(json_object_iter_key(jt)))
				return cx_v_fail(err, vpath, NULL, CX_RULE_PROPERTY_NAME,
				                 "not a property name");
			if (!json_is_string(v) && !json_is_array(v) && !json_is_object(v))
				return cx_v_fail(err, vpath, NULL, CX_RULE_TYPE,
				                 "a translation is a string, list or object");
		}
	}
	return 0;
}

/* ---- extension-definition ----------------------------------------------------- */

static const struct cx_v_prop extension_definition[] = {
    {.name = "name", .type = CX_VP_STRING, .flags = REQ | CX_V_NONEMPTY},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "schema", .type = CX_VP_STRING, .flags = REQ | CX_V_NONEMPTY},
    {.name = "version", .type = CX_VP_STRING, .flags = REQ | CX_V_NONEMPTY},
    {.name = "extension_types",
     .type = CX_VP_ENUM_LIST,
     .flags = REQ,
     .set = cx_vocab_extension_type},
    {.name = "extension_properties", .type = CX_VP_STRING_LIST},
};

static int extension_definition_rules(const json_t *obj, struct cx_stix_error *err)
{
	const json_t *types = json_object_get(obj, "extension_types");
	const json_t *props = json_object_get(obj, "extension_properties");
	char path[CX_V_PATH_MAX];
	bool toplevel = false;

	for (size_t i = 0; i < json_array_size(types); i++) {
		const char *t = json_string_value(json_array_get(types, i));

		toplevel = toplevel || strcmp(t, "toplevel-property-extension") == 0;
	}
	if (props && !toplevel)
		return cx_v_fail(err, "", "extension_properties", CX_RULE_DEPENDENCY,
		                 "extension_properties is only for a "
		                 "toplevel-property-extension");
	for (size_t i = 0; i < json_array_size(props); i++) {
		const char *p = json_string_value(json_array_get(props, i));

		if (!cx_v_property_name_valid(p))
			return cx_v_fail(
			    err, cx_v_path_index(path, sizeof(path), "extension_properties", i),
			    NULL, CX_RULE_PROPERTY_NAME, "'%.60s' is not a valid property name", p);
	}
	return 0;
}

/* ---- Dispatch ---------------------------------------------------------------- */

int cx_v_meta(const char *type, const json_t *obj, struct cx_stix_error *err)
{
	const struct cx_v_prop *props;
	size_t n;
	int (*rules)(const json_t *obj, struct cx_stix_error *err);
	int r;

	if (strcmp(type, "marking-definition") == 0) {
		props = marking_definition;
		n = N(marking_definition);
		rules = marking_definition_rules;
	} else if (strcmp(type, "language-content") == 0) {
		props = language_content;
		n = N(language_content);
		rules = language_content_rules;
	} else if (strcmp(type, "extension-definition") == 0) {
		props = extension_definition;
		n = N(extension_definition);
		rules = extension_definition_rules;
	} else {
		return cx_v_fail(err, "", "type", CX_RULE_TYPE_NAME,
		                 "%.100s is not a meta object type", type);
	}
	r = cx_v_props(obj, "", CX_STIX_META, props, n, err);
	return r < 0 ? r : rules(obj, err);
}
