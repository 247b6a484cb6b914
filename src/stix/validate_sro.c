/* The two STIX Relationship Objects (STIX 2.1 section 5): relationship and
 * sighting. */
#include "stix/validate_internal.h"

#include <string.h>

#define REQ CX_V_REQUIRED
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Relationships join SDOs and SCOs (custom ones included), never SROs,
 * bundles or the meta objects. */
static const char *const endpoint_types[] = {CX_V_REF_SDO, CX_V_REF_SCO, CX_V_REF_CUSTOM, NULL};
static const char *const sighted_types[] = {CX_V_REF_SDO, CX_V_REF_CUSTOM, NULL};
static const char *const observed_data_only[] = {"observed-data", NULL};
static const char *const where_types[] = {"identity", "location", NULL};

static const struct cx_v_prop relationship[] = {
    {.name = "relationship_type", .type = CX_VP_STRING, .flags = REQ},
    {.name = "description", .type = CX_VP_STRING},
    {.name = "source_ref", .type = CX_VP_REF, .flags = REQ, .set = endpoint_types},
    {.name = "target_ref", .type = CX_VP_REF, .flags = REQ, .set = endpoint_types},
    {.name = "start_time", .type = CX_VP_TIMESTAMP},
    {.name = "stop_time", .type = CX_VP_TIMESTAMP},
};

static const struct cx_v_prop sighting[] = {
    {.name = "description", .type = CX_VP_STRING},
    {.name = "first_seen", .type = CX_VP_TIMESTAMP},
    {.name = "last_seen", .type = CX_VP_TIMESTAMP},
    {.name = "count", .type = CX_VP_INTEGER, .min = 0, .max = 999999999},
    {.name = "sighting_of_ref", .type = CX_VP_REF, .flags = REQ, .set = sighted_types},
    {.name = "observed_data_refs", .type = CX_VP_REF_LIST, .set = observed_data_only},
    {.name = "where_sighted_refs", .type = CX_VP_REF_LIST, .set = where_types},
    {.name = "summary", .type = CX_VP_BOOLEAN},
};

/* relationship_type: ASCII a-z, 0-9 and hyphen (STIX 2.1 section 5.1). */
static bool relationship_type_valid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	}
	return true;
}

static int relationship_rules(const json_t *obj, struct cx_stix_error *err)
{
	const char *t = json_string_value(json_object_get(obj, "relationship_type"));

	if (!relationship_type_valid(t))
		return cx_v_fail(err, "", "relationship_type", CX_RULE_FORMAT,
		                 "relationship_type is a-z, 0-9 and hyphen only");
	return cx_v_time_order(obj, "", "start_time", "stop_time", true, err);
}

static int sighting_rules(const json_t *obj, struct cx_stix_error *err)
{
	return cx_v_time_order(obj, "", "first_seen", "last_seen", false, err);
}

int cx_v_sro(const char *type, const json_t *obj, struct cx_stix_error *err)
{
	int r;

	if (strcmp(type, "relationship") == 0) {
		r = cx_v_props(obj, "", CX_STIX_SRO, relationship, N(relationship), err);
		return r < 0 ? r : relationship_rules(obj, err);
	}
	if (strcmp(type, "sighting") == 0) {
		r = cx_v_props(obj, "", CX_STIX_SRO, sighting, N(sighting), err);
		return r < 0 ? r : sighting_rules(obj, err);
	}
	return cx_v_fail(err, "", "type", CX_RULE_TYPE_NAME, "%.100s is not an SRO type", type);
}
