/* The 19 STIX Domain Objects (STIX 2.1 section 4): each type's own
 * properties as a table, plus the rules between properties that a table
 * cannot state. */
#include "stix/validate_internal.h"

#include <errno.h>
#include <float.h>
#include <string.h>

#include "stix/pattern.h"

#define REQ CX_V_REQUIRED
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const software[] = {"software", NULL};
static const char *const file_artifact[] = {"file", "artifact", NULL};
static const char *const sample_types[] = {"file", "network-traffic", "artifact", NULL};
static const char *const sco_refs[] = {CX_V_REF_SCO, CX_V_REF_CUSTOM, NULL};
static const char *const sco_sro_refs[] = {CX_V_REF_SCO, CX_V_REF_SRO, CX_V_REF_CUSTOM, NULL};

/* ---- Property tables ------------------------------------------------------- */

static const struct cx_v_prop attack_pattern[] = {
    {.name = "name", .type = CX_VP_STRING, .flags = REQ},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "aliases", .type = CX_VP_STRING_LIST},
    {.name = "kill_chain_phases", .type = CX_VP_KILL_CHAIN},
};

static const struct cx_v_prop campaign[] = {
    {.name = "name", .type = CX_VP_STRING, .flags = REQ},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "aliases", .type = CX_VP_STRING_LIST},
    {.name = "first_seen", .type = CX_VP_TIMESTAMP},
    {.name = "last_seen", .type = CX_VP_TIMESTAMP},
    {.name = "objective", .type = CX_VP_STRING},
};

static const struct cx_v_prop course_of_action[] = {
    {.name = "name", .type = CX_VP_STRING, .flags = REQ},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "action", .type = CX_VP_RESERVED},
};

static const struct cx_v_prop grouping[] = {
    {.name = "name", .type = CX_VP_STRING},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "context", .type = CX_VP_OPEN_VOCAB, .flags = REQ},
    {.name = "object_refs", .type = CX_VP_REF_LIST, .flags = REQ},
};

static const struct cx_v_prop identity[] = {
    {.name = "name", .type = CX_VP_STRING, .flags = REQ},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "roles", .type = CX_VP_STRING_LIST},
    {.name = "identity_class", .type = CX_VP_OPEN_VOCAB},
    {.name = "sectors", .type = CX_VP_OPEN_VOCAB_LIST},
    {.name = "contact_information", .type = CX_VP_STRING},
};

static const struct cx_v_prop incident[] = {
    {.name = "name", .type = CX_VP_STRING, .flags = REQ},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "kill_chain_phases", .type = CX_VP_KILL_CHAIN},
};

static const struct cx_v_prop indicator[] = {
    {.name = "name", .type = CX_VP_STRING},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "indicator_types", .type = CX_VP_OPEN_VOCAB_LIST},
    {.name = "pattern", .type = CX_VP_STRING, .flags = REQ | CX_V_NONEMPTY},
    {.name = "pattern_type", .type = CX_VP_OPEN_VOCAB, .flags = REQ},
    {.name = "pattern_version", .type = CX_VP_STRING},
    {.name = "valid_from", .type = CX_VP_TIMESTAMP, .flags = REQ},
    {.name = "valid_until", .type = CX_VP_TIMESTAMP},
    {.name = "kill_chain_phases", .type = CX_VP_KILL_CHAIN},
};

static const struct cx_v_prop infrastructure[] = {
    {.name = "name", .type = CX_VP_STRING, .flags = REQ},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "infrastructure_types", .type = CX_VP_OPEN_VOCAB_LIST},
    {.name = "aliases", .type = CX_VP_STRING_LIST},
    {.name = "kill_chain_phases", .type = CX_VP_KILL_CHAIN},
    {.name = "first_seen", .type = CX_VP_TIMESTAMP},
    {.name = "last_seen", .type = CX_VP_TIMESTAMP},
};

static const struct cx_v_prop intrusion_set[] = {
    {.name = "name", .type = CX_VP_STRING, .flags = REQ},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "aliases", .type = CX_VP_STRING_LIST},
    {.name = "first_seen", .type = CX_VP_TIMESTAMP},
    {.name = "last_seen", .type = CX_VP_TIMESTAMP},
    {.name = "goals", .type = CX_VP_STRING_LIST},
    {.name = "resource_level", .type = CX_VP_OPEN_VOCAB},
    {.name = "primary_motivation", .type = CX_VP_OPEN_VOCAB},
    {.name = "secondary_motivations", .type = CX_VP_OPEN_VOCAB_LIST},
};

static const struct cx_v_prop location[] = {
    {.name = "name", .type = CX_VP_STRING},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "latitude", .type = CX_VP_NUMBER, .min = -90.0, .max = 90.0},
    {.name = "longitude", .type = CX_VP_NUMBER, .min = -180.0, .max = 180.0},
    {.name = "precision", .type = CX_VP_NUMBER, .min = 0.0, .max = DBL_MAX},
    {.name = "region", .type = CX_VP_OPEN_VOCAB},
    {.name = "country", .type = CX_VP_STRING, .flags = CX_V_NONEMPTY},
    {.name = "administrative_area", .type = CX_VP_STRING},
    {.name = "city", .type = CX_VP_STRING},
    {.name = "street_address", .type = CX_VP_STRING},
    {.name = "postal_code", .type = CX_VP_STRING},
};

static const struct cx_v_prop malware[] = {
    {.name = "name", .type = CX_VP_STRING},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "malware_types", .type = CX_VP_OPEN_VOCAB_LIST},
    {.name = "is_family", .type = CX_VP_BOOLEAN, .flags = REQ},
    {.name = "aliases", .type = CX_VP_STRING_LIST},
    {.name = "kill_chain_phases", .type = CX_VP_KILL_CHAIN},
    {.name = "first_seen", .type = CX_VP_TIMESTAMP},
    {.name = "last_seen", .type = CX_VP_TIMESTAMP},
    {.name = "operating_system_refs", .type = CX_VP_REF_LIST, .set = software},
    {.name = "architecture_execution_envs", .type = CX_VP_OPEN_VOCAB_LIST},
    {.name = "implementation_languages", .type = CX_VP_OPEN_VOCAB_LIST},
    {.name = "capabilities", .type = CX_VP_OPEN_VOCAB_LIST},
    {.name = "sample_refs", .type = CX_VP_REF_LIST, .set = file_artifact},
};

static const struct cx_v_prop malware_analysis[] = {
    {.name = "product", .type = CX_VP_STRING, .flags = REQ},
    {.name = "version", .type = CX_VP_STRING},
    {.name = "host_vm_ref", .type = CX_VP_REF, .set = software},
    {.name = "operating_system_ref", .type = CX_VP_REF, .set = software},
    {.name = "installed_software_refs", .type = CX_VP_REF_LIST, .set = software},
    {.name = "configuration_version", .type = CX_VP_STRING},
    {.name = "modules", .type = CX_VP_STRING_LIST},
    {.name = "analysis_engine_version", .type = CX_VP_STRING},
    {.name = "analysis_definition_version", .type = CX_VP_STRING},
    {.name = "submitted", .type = CX_VP_TIMESTAMP},
    {.name = "analysis_started", .type = CX_VP_TIMESTAMP},
    {.name = "analysis_ended", .type = CX_VP_TIMESTAMP},
    {.name = "result_name", .type = CX_VP_STRING},
    {.name = "result", .type = CX_VP_OPEN_VOCAB},
    {.name = "analysis_sco_refs", .type = CX_VP_REF_LIST, .set = sco_refs},
    {.name = "sample_ref", .type = CX_VP_REF, .set = sample_types},
};

static const struct cx_v_prop note[] = {
    {.name = "abstract", .type = CX_VP_STRING},
    {.name = "content", .type = CX_VP_STRING, .flags = REQ},
    {.name = "authors", .type = CX_VP_STRING_LIST},
    {.name = "object_refs", .type = CX_VP_REF_LIST, .flags = REQ},
};

static const struct cx_v_prop observed_data[] = {
    {.name = "first_observed", .type = CX_VP_TIMESTAMP, .flags = REQ},
    {.name = "last_observed", .type = CX_VP_TIMESTAMP, .flags = REQ},
    {.name = "number_observed", .type = CX_VP_INTEGER, .flags = REQ, .min = 1, .max = 999999999},
    {.name = "objects", .type = CX_VP_DICT},
    {.name = "object_refs", .type = CX_VP_REF_LIST, .set = sco_sro_refs},
};

static const struct cx_v_prop opinion[] = {
    {.name = "explanation", .type = CX_VP_STRING},
    {.name = "authors", .type = CX_VP_STRING_LIST},
    {.name = "opinion", .type = CX_VP_ENUM, .flags = REQ, .set = cx_vocab_opinion},
    {.name = "object_refs", .type = CX_VP_REF_LIST, .flags = REQ},
};

static const struct cx_v_prop report[] = {
    {.name = "name", .type = CX_VP_STRING, .flags = REQ},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "report_types", .type = CX_VP_OPEN_VOCAB_LIST},
    {.name = "published", .type = CX_VP_TIMESTAMP, .flags = REQ},
    {.name = "object_refs", .type = CX_VP_REF_LIST, .flags = REQ},
};

static const struct cx_v_prop threat_actor[] = {
    {.name = "name", .type = CX_VP_STRING, .flags = REQ},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "threat_actor_types", .type = CX_VP_OPEN_VOCAB_LIST},
    {.name = "aliases", .type = CX_VP_STRING_LIST},
    {.name = "first_seen", .type = CX_VP_TIMESTAMP},
    {.name = "last_seen", .type = CX_VP_TIMESTAMP},
    {.name = "roles", .type = CX_VP_OPEN_VOCAB_LIST},
    {.name = "goals", .type = CX_VP_STRING_LIST},
    {.name = "sophistication", .type = CX_VP_OPEN_VOCAB},
    {.name = "resource_level", .type = CX_VP_OPEN_VOCAB},
    {.name = "primary_motivation", .type = CX_VP_OPEN_VOCAB},
    {.name = "secondary_motivations", .type = CX_VP_OPEN_VOCAB_LIST},
    {.name = "personal_motivations", .type = CX_VP_OPEN_VOCAB_LIST},
};

static const struct cx_v_prop tool[] = {
    {.name = "name", .type = CX_VP_STRING, .flags = REQ},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "tool_types", .type = CX_VP_OPEN_VOCAB_LIST},
    {.name = "aliases", .type = CX_VP_STRING_LIST},
    {.name = "kill_chain_phases", .type = CX_VP_KILL_CHAIN},
    {.name = "tool_version", .type = CX_VP_STRING},
};

static const struct cx_v_prop vulnerability[] = {
    {.name = "name", .type = CX_VP_STRING, .flags = REQ},
    {.name = "description", .type = CX_VP_STRING},
};

/* ---- Rules between properties --------------------------------------------- */

static int seen_order(const json_t *obj, struct cx_stix_error *err)
{
	return cx_v_time_order(obj, "", "first_seen", "last_seen", false, err);
}

static int indicator_rules(const json_t *obj, struct cx_stix_error *err)
{
	const char *type = json_string_value(json_object_get(obj, "pattern_type"));
	struct cx_pattern_error perr;
	int r = cx_v_time_order(obj, "", "valid_from", "valid_until", true, err);

	if (r < 0)
		return r;
	if (strcmp(type, "stix") != 0)
		return 0;
	memset(&perr, 0, sizeof(perr));
	if (cx_pattern_parse(json_string_value(json_object_get(obj, "pattern")), NULL, &perr) < 0)
		return cx_v_fail(err, "", "pattern", CX_RULE_PATTERN, "%s (at offset %zu)",
		                 perr.message[0] ? perr.message : "invalid STIX pattern",
		                 perr.offset);
	return 0;
}

static int location_rules(const json_t *obj, struct cx_stix_error *err)
{
	bool lat = json_object_get(obj, "latitude") != NULL;
	bool lon = json_object_get(obj, "longitude") != NULL;

	if (lat != lon)
		return cx_v_fail(err, "", lat ? "longitude" : "latitude", CX_RULE_DEPENDENCY,
		                 "latitude and longitude go together");
	if (json_object_get(obj, "precision") && !lat)
		return cx_v_fail(err, "", "precision", CX_RULE_DEPENDENCY,
		                 "precision needs latitude and longitude");
	if (!lat && !json_object_get(obj, "region") && !json_object_get(obj, "country"))
		return cx_v_fail(err, "", "region", CX_RULE_REQUIRED,
		                 "a location needs region, country, or latitude and longitude");
	return 0;
}

static int malware_rules(const json_t *obj, struct cx_stix_error *err)
{
	if (json_is_true(json_object_get(obj, "is_family")) && !json_object_get(obj, "name"))
		return cx_v_fail(err, "", "name", CX_RULE_REQUIRED,
		                 "a malware family must have a name");
	return seen_order(obj, err);
}

static int malware_analysis_rules(const json_t *obj, struct cx_stix_error *err)
{
	if (!json_object_get(obj, "result") && !json_object_get(obj, "analysis_sco_refs"))
		return cx_v_fail(err, "", "result", CX_RULE_REQUIRED,
		                 "a malware analysis needs result or analysis_sco_refs");
	return 0;
}

/* The deprecated `objects` of observed-data: a dictionary of observables
 * keyed by local references, each at least an object with a type. */
static int observed_objects(const json_t *objects, struct cx_stix_error *err)
{
	char path[CX_V_PATH_MAX];

	for (void *it = json_object_iter((json_t *)objects); it;
	     it = json_object_iter_next((json_t *)objects, it)) {
		const json_t *o = json_object_iter_value(it);
		const char *type;
		int r;

		cx_v_path(path, sizeof(path), "objects", json_object_iter_key(it));
		if (!json_is_object(o))
			return cx_v_fail(err, path, NULL, CX_RULE_TYPE,
			                 "%s must be an observable object", path);
		if ((r = cx_v_string(o, path, "type", REQ, &type, err)) < 0)
			return r;
		if (!cx_v_type_name_valid(type))
			return cx_v_fail(err, path, "type", CX_RULE_TYPE_NAME,
			                 "'%.100s' is not a type name", type);
	}
	return 0;
}

static int observed_data_rules(const json_t *obj, struct cx_stix_error *err)
{
	const json_t *objects = json_object_get(obj, "objects");
	const json_t *refs = json_object_get(obj, "object_refs");
	int r = cx_v_time_order(obj, "", "first_observed", "last_observed", false, err);

	if (r < 0)
		return r;
	if (objects && refs)
		return cx_v_fail(err, "", "objects", CX_RULE_DEPENDENCY,
		                 "objects and object_refs must not both be present");
	if (!objects && !refs)
		return cx_v_fail(err, "", "object_refs", CX_RULE_REQUIRED,
		                 "observed-data needs object_refs (or the deprecated objects)");
	return objects ? observed_objects(objects, err) : 0;
}

/* ---- Dispatch ---------------------------------------------------------------- */

static const struct sdo {
	const char *type;
	const struct cx_v_prop *props;
	size_t n;
	int (*rules)(const json_t *obj, struct cx_stix_error *err);
} sdos[] = {
    {"attack-pattern", attack_pattern, N(attack_pattern), NULL},
    {"campaign", campaign, N(campaign), seen_order},
    {"course-of-action", course_of_action, N(course_of_action), NULL},
    {"grouping", grouping, N(grouping), NULL},
    {"identity", identity, N(identity), NULL},
    {"incident", incident, N(incident), NULL},
    {"indicator", indicator, N(indicator), indicator_rules},
    {"infrastructure", infrastructure, N(infrastructure), seen_order},
    {"intrusion-set", intrusion_set, N(intrusion_set), seen_order},
    {"location", location, N(location), location_rules},
    {"malware", malware, N(malware), malware_rules},
    {"malware-analysis", malware_analysis, N(malware_analysis), malware_analysis_rules},
    {"note", note, N(note), NULL},
    {"observed-data", observed_data, N(observed_data), observed_data_rules},
    {"opinion", opinion, N(opinion), NULL},
    {"report", report, N(report), NULL},
    {"threat-actor", threat_actor, N(threat_actor), seen_order},
    {"tool", tool, N(tool), NULL},
    {"vulnerability", vulnerability, N(vulnerability), NULL},
};

static const struct sdo *find(const char *type)
{
	for (size_t i = 0; type && i < N(sdos); i++) {
		if (strcmp(sdos[i].type, type) == 0)
			return &sdos[i];
	}
	return NULL;
}

bool cx_v_is_sdo_type(const char *type)
{
	return find(type) != NULL;
}

int cx_v_sdo(const char *type, const json_t *obj, struct cx_stix_error *err)
{
	const struct sdo *s = find(type);
	int r;

	if (!s)
		return cx_v_fail(err, "", "type", CX_RULE_TYPE_NAME, "%.100s is not an SDO type",
		                 type);
	r = cx_v_props(obj, "", CX_STIX_SDO, s->props, s->n, err);
	if (r < 0 || !s->rules)
		return r;
	return s->rules(obj, err);
}
