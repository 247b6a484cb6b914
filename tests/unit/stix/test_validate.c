/* Unit tests for STIX 2.1 validation of the common properties, the 19 SDOs,
 * both SROs, the meta objects, custom object types declared by an
 * extension-definition, bundles and the shared helpers.
 *
 * Most cases start from a valid object (the examples of the specification),
 * apply a patch to its top-level properties and state the expected outcome:
 * valid, or the rule code and JSON path of the rejection. In a patch the
 * value "$del" removes a property and "$null" sets it to JSON null.
 * Documents are written with single quotes to read well in C; they become
 * double quotes before parsing, and \' stands for a literal single quote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stix/validate.h"
#include "stix/validate_internal.h"

#define IDENTITY "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"
#define TLP_WHITE "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
#define EXTDEF "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e"
#define TLP2_EXT "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
#define SHA256 "4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877"

/* ---- Objects (STIX 2.1 examples, trimmed) ------------------------------------ */

/* The documents are laid out by hand, a few properties a line. */
/* clang-format off */

#define SDO_HEAD(type, uuid)                                                             \
	"{'type': '" type "', 'spec_version': '2.1', 'id': '" type "--" uuid "', "         \
	"'created': '2016-05-12T08:17:27.000Z', 'modified': '2016-05-12T08:17:27.000Z', "

static const char attack_pattern[] =
	SDO_HEAD("attack-pattern", "0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061")
	"'name': 'Spear Phishing', 'description': 'A targeted email',"
	"'external_references': [{'source_name': 'capec', 'external_id': 'CAPEC-163'}]}";

static const char campaign[] =
	SDO_HEAD("campaign", "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
	"'created_by_ref': '" IDENTITY "', 'name': 'Green Group Attacks Against Finance',"
	"'description': 'Campaign by Green Group against the financial sector.'}";

static const char course_of_action[] =
	SDO_HEAD("course-of-action", "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
	"'name': 'Add TCP port 80 Filter Rule', 'description': 'Block inbound TCP 80.'}";

static const char grouping[] =
	SDO_HEAD("grouping", "84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3")
	"'name': 'The Black Vine Cyberespionage Group', 'context': 'suspicious-activity',"
	"'object_refs': ['indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2',"
	"'campaign--83422c77-904c-4dc1-aff5-5c38f3a2c55c',"
	"'relationship--f82356ae-fe6c-437c-9c24-6b64314ae68a',"
	"'file--0203b5c8-f8b6-4ddb-9ad0-527d727f968b']}";

static const char identity[] =
	SDO_HEAD("identity", "e5f1b90a-d9b6-40ab-81a9-8a29df4b6b65")
	"'name': 'ACME Widget, Inc.', 'identity_class': 'organization'}";

static const char incident[] =
	SDO_HEAD("incident", "591f0cb7-d66f-4e14-a8e6-5927b597f920")
	"'name': 'Breach of Cyber Tech Dynamics'}";

static const char indicator[] =
	SDO_HEAD("indicator", "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
	"'indicator_types': ['malicious-activity'], 'name': 'Poison Ivy Malware',"
	"'pattern': '[ file:hashes.\\'SHA-256\\' = \\'" SHA256 "\\' ]',"
	"'pattern_type': 'stix', 'valid_from': '2016-01-01T00:00:00Z'}";

static const char infrastructure[] =
	SDO_HEAD("infrastructure", "38c47d93-d984-4fd9-b87b-d69d0841628d")
	"'name': 'Poison Ivy C2', 'infrastructure_types': ['command-and-control']}";

static const char intrusion_set[] =
	SDO_HEAD("intrusion-set", "4e78f46f-a023-4e5f-bc24-71b3ca22ec29")
	"'name': 'Bobcat Breakin', 'aliases': ['Zookeeper'],"
	"'goals': ['acquisition-theft', 'harassment', 'damage']}";

static const char location[] =
	SDO_HEAD("location", "a6e9345f-5a15-4c29-8bb3-7dcc5d168d64")
	"'latitude': 48.8566, 'longitude': 2.3522}";

static const char malware[] =
	SDO_HEAD("malware", "0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061")
	"'name': 'Cryptolocker', 'description': 'A variant of the cryptolocker family',"
	"'malware_types': ['ransomware'], 'is_family': false}";

static const char malware_analysis[] =
	SDO_HEAD("malware-analysis", "d25167b7-fed0-4068-9ccd-a73dd2c5b07c")
	"'product': 'microsoft', 'result_name': 'Trojan:Win32/Fareit.AD!MTB',"
	"'result': 'malicious'}";

static const char note[] =
	SDO_HEAD("note", "0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061")
	"'external_references': [{'source_name': 'job-tracker', 'external_id': 'job-id-1234'}],"
	"'abstract': 'Tracking Team Note#1', 'content': 'Steps taken by the team.',"
	"'authors': ['John Doe'], 'object_refs': ['campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f']}";

static const char observed_data[] =
	SDO_HEAD("observed-data", "b67d30ff-02ac-498a-92f9-32f845f448cf")
	"'first_observed': '2015-12-21T19:00:00Z', 'last_observed': '2015-12-21T19:00:00Z',"
	"'number_observed': 50, 'object_refs': ['ipv4-addr--efcd5e80-570d-4131-b213-62cb18eaa6a8',"
	"'domain-name--ecb120bf-2694-4902-a737-62b74539a41b']}";

static const char opinion[] =
	SDO_HEAD("opinion", "b01efc25-77b4-4003-b18b-f6e24b5cd9f7")
	"'object_refs': ['relationship--16d2358f-3b0d-4c88-b047-0da2f7ed4471'],"
	"'opinion': 'strongly-disagree', 'explanation': 'This does not seem feasible.'}";

static const char report[] =
	SDO_HEAD("report", "84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3")
	"'name': 'The Black Vine Cyberespionage Group', 'published': '2016-01-20T17:00:00.000Z',"
	"'report_types': ['campaign'], 'object_refs': "
	"['indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2',"
	"'campaign--83422c77-904c-4dc1-aff5-5c38f3a2c55c']}";

static const char threat_actor[] =
	SDO_HEAD("threat-actor", "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
	"'threat_actor_types': ['crime-syndicate'], 'name': 'Evil Org',"
	"'aliases': ['Syndicate 1'], 'roles': ['director'], 'goals': ['Steal bank money'],"
	"'sophistication': 'advanced', 'resource_level': 'team',"
	"'primary_motivation': 'organizational-gain'}";

static const char tool[] =
	SDO_HEAD("tool", "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
	"'tool_types': ['remote-access'], 'name': 'VNC'}";

static const char vulnerability[] =
	SDO_HEAD("vulnerability", "0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061")
	"'name': 'CVE-2016-1234',"
	"'external_references': [{'source_name': 'cve', 'external_id': 'CVE-2016-1234'}]}";

static const char relationship[] =
	SDO_HEAD("relationship", "57b56a43-b8b0-4cba-9deb-34e3e1faed9e")
	"'relationship_type': 'indicates',"
	"'source_ref': 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',"
	"'target_ref': 'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b'}";

static const char sighting[] =
	SDO_HEAD("sighting", "ee20065d-2555-424f-ad9e-0f8428623c75")
	"'first_seen': '2015-12-21T19:00:00Z', 'last_seen': '2015-12-21T19:00:00Z', 'count': 50,"
	"'sighting_of_ref': 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',"
	"'observed_data_refs': ['observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf'],"
	"'where_sighted_refs': ['identity--b67d30ff-02ac-498a-92f9-32f845f448ff']}";

static const char marking_statement[] =
	"{'type': 'marking-definition', 'spec_version': '2.1',"
	"'id': 'marking-definition--4f8a5ef5-4b5a-4c2d-8d2c-0f1a2b3c4d5e',"
	"'created': '2016-08-01T00:00:00.000Z', 'definition_type': 'statement',"
	"'definition': {'statement': 'Copyright 2019, Example Corp'}}";

static const char marking_tlp1[] =
	"{'type': 'marking-definition', 'spec_version': '2.1', 'id': '" TLP_WHITE "',"
	"'created': '2017-01-20T00:00:00.000Z', 'definition_type': 'tlp', 'name': 'TLP:WHITE',"
	"'definition': {'tlp': 'white'}}";

static const char marking_tlp2[] =
	"{'type': 'marking-definition', 'spec_version': '2.1',"
	"'id': 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',"
	"'created': '2022-10-01T00:00:00.000Z', 'name': 'TLP:CLEAR',"
	"'extensions': {'" TLP2_EXT "': {'extension_type': 'property-extension',"
	"'tlp_2_0': 'clear'}}}";

static const char language_content[] =
	"{'type': 'language-content', 'spec_version': '2.1',"
	"'id': 'language-content--b86bd89f-98bb-4fa9-8cb2-9ad421da981d',"
	"'created': '2017-02-08T21:31:22.007Z', 'modified': '2017-02-08T21:31:22.007Z',"
	"'object_ref': 'campaign--12a111f0-b824-4baf-a224-83b80237a094',"
	"'object_modified': '2017-02-08T21:31:22.007Z',"
	"'contents': {'de': {'name': 'Bank Angriff 1', 'description': 'Weitere Informationen'},"
	"'fr': {'name': 'Attaque Bank 1', 'description': 'Plus d informations'}}}";

static const char extension_definition[] =
	"{'type': 'extension-definition', 'spec_version': '2.1', 'id': '" EXTDEF "',"
	"'name': 'Extension Foo 1', 'description': 'Adds two top-level properties',"
	"'created': '2014-02-20T09:16:08.989Z', 'modified': '2014-02-20T09:16:08.989Z',"
	"'created_by_ref': 'identity--11b76a96-5d2b-45e0-8a5a-f6994f370731',"
	"'schema': 'https://www.example.com/schema-foo-1/v1/', 'version': '1.2.1',"
	"'extension_types': ['toplevel-property-extension'],"
	"'extension_properties': ['toxicity', 'rank']}";

static const char new_sdo[] =
	"{'type': 'my-favorite-sdo', 'spec_version': '2.1',"
	"'id': 'my-favorite-sdo--ac97aae4-83f1-46ca-a351-7aeb76678189',"
	"'created': '2014-02-20T09:16:08.989Z', 'modified': '2014-02-20T09:16:08.989Z',"
	"'name': 'This is the name of my favorite', 'some_property_name1': 'value1',"
	"'extensions': {'extension-definition--9c59fd79-4215-4ba2-920d-3e4f320e1e62':"
	"{'extension_type': 'new-sdo'}}}";

static const char new_sco[] =
	"{'type': 'x-acme-widget', 'spec_version': '2.1',"
	"'id': 'x-acme-widget--ac97aae4-83f1-46ca-a351-7aeb76678189', 'serial': 'A-123',"
	"'extensions': {'extension-definition--9c59fd79-4215-4ba2-920d-3e4f320e1e62':"
	"{'extension_type': 'new-sco'}}}";

static const char new_sro[] =
	"{'type': 'x-acme-link', 'spec_version': '2.1',"
	"'id': 'x-acme-link--ac97aae4-83f1-46ca-a351-7aeb76678189',"
	"'created': '2014-02-20T09:16:08.989Z', 'modified': '2014-02-20T09:16:08.989Z',"
	"'extensions': {'extension-definition--9c59fd79-4215-4ba2-920d-3e4f320e1e62':"
	"{'extension_type': 'new-sro'}}}";
/* clang-format on */

/* ---- Harness ------------------------------------------------------------------ */

static json_t *load(const char *text)
{
	char *s = strdup(text), *d;
	json_error_t jerr;
	json_t *j;

	assert_non_null(s);
	d = s;
	for (const char *p = text; *p; p++) {
		if (p[0] == '\\' && p[1] == '\'')
			*d++ = *++p;
		else
			*d++ = *p == '\'' ? '"' : *p;
	}
	*d = '\0';
	j = json_loads(s, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!j)
		fail_msg("test document is not JSON: %s: %s", jerr.text, s);
	free(s);
	return j;
}

/* base with the top-level properties of patch replaced ("$del", "$null"). */
static json_t *patched(const char *base, const char *patch)
{
	json_t *o = load(base), *p;
	const char *k;
	json_t *v;

	if (!patch)
		return o;
	p = load(patch);
	json_object_foreach(p, k, v)
	{
		const char *s = json_string_value(v);

		if (s && strcmp(s, "$del") == 0)
			json_object_del(o, k);
		else if (s && strcmp(s, "$null") == 0)
			json_object_set_new(o, k, json_null());
		else
			json_object_set(o, k, v);
	}
	json_decref(p);
	return o;
}

struct vcase {
	int line;
	const char *base;
	const char *patch; /* NULL: the base itself */
	const char *rule;  /* NULL: valid */
	const char *prop;
};

#define VALID(base, patch)                                                                         \
	{                                                                                          \
		__LINE__, base, patch, NULL, NULL                                                  \
	}
#define BAD(base, patch, rule, prop)                                                               \
	{                                                                                          \
		__LINE__, base, patch, rule, prop                                                  \
	}

/* Check one case; on failure returns false with a description in msg. */
static bool check_case(const struct vcase *c, const struct cx_stix_validate_opts *opts, char *msg,
                       size_t n)
{
	json_t *o = patched(c->base, c->patch);
	const char *id = json_string_value(json_object_get(o, "id"));
	struct cx_stix_error err;
	bool ok;
	int r;

	memset(&err, 0x55, sizeof(err));
	r = cx_stix_validate(o, opts, &err);
	if (!c->rule) {
		ok = r == 0;
		snprintf(msg, n, "line %d: expected valid, got %s at '%s': %s", c->line, err.rule,
		         err.property, err.message);
	} else {
		ok = r == -EINVAL && strcmp(err.rule, c->rule) == 0 &&
		     strcmp(err.property, c->prop) == 0 && strcmp(err.id, id ? id : "") == 0 &&
		     err.message[0] != '\0';
		snprintf(msg, n, "line %d: expected %s at '%s', got r=%d %s at '%s' (id '%s'): %s",
		         c->line, c->rule, c->prop, r, r ? err.rule : "-", r ? err.property : "-",
		         r ? err.id : "-", r ? err.message : "-");
	}
	json_decref(o);
	return ok;
}

static void run(const struct vcase *cases, size_t n)
{
	char msg[1200];

	for (size_t i = 0; i < n; i++) {
		if (!check_case(&cases[i], NULL, msg, sizeof(msg)))
			fail_msg("%s", msg);
	}
}

#define RUN(cases) run(cases, sizeof(cases) / sizeof(cases[0]))

/* ---- Every type: its example is valid ------------------------------------------ */

static void test_spec_examples_are_valid(void **state)
{
	static const struct vcase cases[] = {
	    VALID(attack_pattern, NULL),
	    VALID(campaign, NULL),
	    VALID(course_of_action, NULL),
	    VALID(grouping, NULL),
	    VALID(identity, NULL),
	    VALID(incident, NULL),
	    VALID(indicator, NULL),
	    VALID(infrastructure, NULL),
	    VALID(intrusion_set, NULL),
	    VALID(location, NULL),
	    VALID(malware, NULL),
	    VALID(malware_analysis, NULL),
	    VALID(note, NULL),
	    VALID(observed_data, NULL),
	    VALID(opinion, NULL),
	    VALID(report, NULL),
	    VALID(threat_actor, NULL),
	    VALID(tool, NULL),
	    VALID(vulnerability, NULL),
	    VALID(relationship, NULL),
	    VALID(sighting, NULL),
	    VALID(marking_statement, NULL),
	    VALID(marking_tlp1, NULL),
	    VALID(marking_tlp2, NULL),
	    VALID(language_content, NULL),
	    VALID(extension_definition, NULL),
	    VALID(new_sdo, NULL),
	    VALID(new_sco, NULL),
	    VALID(new_sro, NULL),
	};
	(void)state;
	RUN(cases);
}

/* ---- Common properties ------------------------------------------------------- */

static void test_type_and_id(void **state)
{
	static const struct vcase cases[] = {
	    BAD(attack_pattern, "{'type': '$del'}", CX_RULE_REQUIRED, "type"),
	    BAD(attack_pattern, "{'type': 5}", CX_RULE_TYPE, "type"),
	    BAD(attack_pattern, "{'type': 'Attack-Pattern'}", CX_RULE_TYPE_NAME, "type"),
	    BAD(attack_pattern, "{'type': 'ap'}", CX_RULE_TYPE_NAME, "type"),
	    BAD(attack_pattern, "{'type': 'x--y'}", CX_RULE_TYPE_NAME, "type"),
	    BAD(attack_pattern, "{'type': 'x-foo-'}", CX_RULE_TYPE_NAME, "type"),
	    BAD(attack_pattern, "{'type': '1abc'}", CX_RULE_TYPE_NAME, "type"),
	    BAD(attack_pattern, "{'type': 'x_foo'}", CX_RULE_TYPE_NAME, "type"),
	    /* Well formed but neither predefined nor declared by an extension. */
	    BAD(attack_pattern, "{'type': 'x-unknown-thing'}", CX_RULE_TYPE_NAME, "type"),
	    BAD(attack_pattern, "{'id': '$del'}", CX_RULE_REQUIRED, "id"),
	    BAD(attack_pattern, "{'id': 7}", CX_RULE_TYPE, "id"),
	    BAD(attack_pattern, "{'id': 'campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061'}",
	        CX_RULE_IDENTIFIER, "id"),
	    BAD(attack_pattern, "{'id': 'attack-pattern--not-a-uuid'}", CX_RULE_IDENTIFIER, "id"),
	    /* The variant nibble 2 is not RFC 4122. */
	    BAD(attack_pattern, "{'id': 'attack-pattern--0c7b5b88-8ff7-4a4d-2a9d-feb398cd0061'}",
	        CX_RULE_IDENTIFIER, "id"),
	    BAD(attack_pattern, "{'id': 'attack-pattern-0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061'}",
	        CX_RULE_IDENTIFIER, "id"),
	    VALID(attack_pattern, "{'id': 'attack-pattern--0C7B5B88-8FF7-4A4D-AA9D-FEB398CD0061'}"),
	    BAD(attack_pattern, "{'spec_version': '$del'}", CX_RULE_REQUIRED, "spec_version"),
	    BAD(attack_pattern, "{'spec_version': '2.0'}", CX_RULE_SPEC_VERSION, "spec_version"),
	    BAD(attack_pattern, "{'spec_version': 2.1}", CX_RULE_TYPE, "spec_version"),
	    /* A bundle is not a STIX object. */
	    BAD(attack_pattern,
	        "{'type': 'bundle', 'id': 'bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061'}",
	        CX_RULE_TYPE_NAME, "type"),
	};
	(void)state;
	RUN(cases);
}

static void test_created_modified(void **state)
{
	static const struct vcase cases[] = {
	    BAD(attack_pattern, "{'created': '$del'}", CX_RULE_REQUIRED, "created"),
	    BAD(attack_pattern, "{'modified': '$del'}", CX_RULE_REQUIRED, "modified"),
	    /* Millisecond precision is the minimum for created and modified. */
	    BAD(attack_pattern, "{'created': '2016-05-12T08:17:27Z'}", CX_RULE_TIMESTAMP,
	        "created"),
	    BAD(attack_pattern, "{'modified': '2016-05-12T08:17:27.1Z'}", CX_RULE_TIMESTAMP,
	        "modified"),
	    VALID(attack_pattern, "{'created': '2016-05-12T08:17:26.123456Z'}"),
	    VALID(attack_pattern, "{'created': '2016-05-12T08:17:26.1234567Z'}"),
	    BAD(attack_pattern, "{'created': '2016-05-12 08:17:27.000Z'}", CX_RULE_TIMESTAMP,
	        "created"),
	    BAD(attack_pattern, "{'created': '2016-05-12T08:17:27.000+01:00'}", CX_RULE_TIMESTAMP,
	        "created"),
	    BAD(attack_pattern, "{'created': '2016-05-12T08:17:27.000z'}", CX_RULE_TIMESTAMP,
	        "created"),
	    BAD(attack_pattern, "{'created': '2016-02-30T08:17:27.000Z'}", CX_RULE_TIMESTAMP,
	        "created"),
	    BAD(attack_pattern, "{'created': '2016-05-12T08:17:27.Z'}", CX_RULE_TIMESTAMP,
	        "created"),
	    BAD(attack_pattern, "{'created': 1463041047}", CX_RULE_TYPE, "created"),
	    BAD(attack_pattern, "{'modified': '2016-05-12T08:17:26.999Z'}", CX_RULE_TIME_ORDER,
	        "modified"),
	    VALID(attack_pattern, "{'modified': '2016-05-12T08:17:27.001Z'}"),
	    /* Other timestamps may have any precision. */
	    VALID(campaign, "{'first_seen': '2016-01-01T00:00:00Z'}"),
	    BAD(campaign, "{'first_seen': '2016-01-01'}", CX_RULE_TIMESTAMP, "first_seen"),
	};
	(void)state;
	RUN(cases);
}

static void test_optional_common_properties(void **state)
{
	static const struct vcase cases[] = {
	    VALID(attack_pattern, "{'created_by_ref': '" IDENTITY "'}"),
	    BAD(attack_pattern,
	        "{'created_by_ref': 'malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061'}",
	        CX_RULE_REF_TYPE, "created_by_ref"),
	    BAD(attack_pattern, "{'created_by_ref': 'identity--1'}", CX_RULE_IDENTIFIER,
	        "created_by_ref"),
	    VALID(attack_pattern, "{'revoked': true}"),
	    BAD(attack_pattern, "{'revoked': 'yes'}", CX_RULE_TYPE, "revoked"),
	    VALID(attack_pattern, "{'labels': ['spearphishing']}"),
	    BAD(attack_pattern, "{'labels': []}", CX_RULE_EMPTY, "labels"),
	    BAD(attack_pattern, "{'labels': ['a', 3]}", CX_RULE_TYPE, "labels[1]"),
	    BAD(attack_pattern, "{'labels': 'a'}", CX_RULE_TYPE, "labels"),
	    VALID(attack_pattern, "{'confidence': 0}"),
	    VALID(attack_pattern, "{'confidence': 100}"),
	    BAD(attack_pattern, "{'confidence': 101}", CX_RULE_RANGE, "confidence"),
	    BAD(attack_pattern, "{'confidence': -1}", CX_RULE_RANGE, "confidence"),
	    BAD(attack_pattern, "{'confidence': 50.5}", CX_RULE_TYPE, "confidence"),
	    VALID(attack_pattern, "{'lang': 'en'}"),
	    VALID(attack_pattern, "{'lang': 'en-US'}"),
	    VALID(attack_pattern, "{'lang': 'zh-Hant-TW'}"),
	    BAD(attack_pattern, "{'lang': 'en_US'}", CX_RULE_FORMAT, "lang"),
	    BAD(attack_pattern, "{'lang': 'english language'}", CX_RULE_FORMAT, "lang"),
	    BAD(attack_pattern, "{'lang': ''}", CX_RULE_FORMAT, "lang"),
	    VALID(attack_pattern, "{'object_marking_refs': ['" TLP_WHITE "']}"),
	    BAD(attack_pattern, "{'object_marking_refs': []}", CX_RULE_EMPTY,
	        "object_marking_refs"),
	    BAD(attack_pattern, "{'object_marking_refs': ['" TLP_WHITE "', '" IDENTITY "']}",
	        CX_RULE_REF_TYPE, "object_marking_refs[1]"),
	    /* Properties that do not apply to this kind of object. */
	    BAD(attack_pattern, "{'defanged': true}", CX_RULE_FORBIDDEN, "defanged"),
	    BAD(attack_pattern, "{'description': '$null'}", CX_RULE_TYPE, "description"),
	};
	(void)state;
	RUN(cases);
}

static void test_external_references(void **state)
{
	static const struct vcase cases[] = {
	    BAD(attack_pattern, "{'external_references': []}", CX_RULE_EMPTY,
	        "external_references"),
	    BAD(attack_pattern, "{'external_references': [5]}", CX_RULE_TYPE,
	        "external_references[0]"),
	    BAD(attack_pattern,
	        "{'external_references': [{'source_name': 'a', 'url': 'https://x.example'},"
	        "{'source_name': 'b', 'description': 'd'}, {'url': 'https://y.example'}]}",
	        CX_RULE_REQUIRED, "external_references[2].source_name"),
	    BAD(attack_pattern, "{'external_references': [{'source_name': 'a'}]}",
	        CX_RULE_DEPENDENCY, "external_references[0]"),
	    BAD(attack_pattern,
	        "{'external_references': [{'source_name': 'a', 'url': 'not a url'}]}",
	        CX_RULE_FORMAT, "external_references[0].url"),
	    BAD(attack_pattern,
	        "{'external_references': [{'source_name': 'cve', 'description': 'x'}]}",
	        CX_RULE_REQUIRED, "external_references[0].external_id"),
	    BAD(attack_pattern,
	        "{'external_references': [{'source_name': 'cve', 'external_id': 'CVE-16-1'}]}",
	        CX_RULE_FORMAT, "external_references[0].external_id"),
	    VALID(attack_pattern, "{'external_references': [{'source_name': 'cve',"
	                          "'external_id': 'CVE-2021-44228'}]}"),
	    BAD(attack_pattern,
	        "{'external_references': [{'source_name': 'capec', 'external_id': 'CAPEC-x'}]}",
	        CX_RULE_FORMAT, "external_references[0].external_id"),
	    VALID(attack_pattern,
	          "{'external_references': [{'source_name': 'a', 'url': 'https://x.example',"
	          "'hashes': {'SHA-256': '" SHA256 "'}}]}"),
	    /* External references admit only hash-algorithm-ov names. */
	    BAD(attack_pattern,
	        "{'external_references': [{'source_name': 'a', 'url': 'https://x.example',"
	        "'hashes': {'SHA-256': '" SHA256 "', 'x_custom': 'anything'}}]}",
	        CX_RULE_VOCAB, "external_references[0].hashes.x_custom"),
	    BAD(attack_pattern,
	        "{'external_references': [{'source_name': 'a', 'url': 'https://x.example',"
	        "'hashes': {'SHA-256': 'abc'}}]}",
	        CX_RULE_FORMAT, "external_references[0].hashes.SHA-256"),
	    BAD(attack_pattern,
	        "{'external_references': [{'source_name': 'a', 'url': 'https://x.example',"
	        "'hashes': {}}]}",
	        CX_RULE_EMPTY, "external_references[0].hashes"),
	    BAD(attack_pattern,
	        "{'external_references': [{'source_name': 'a', 'description': 'd',"
	        "'Bad-Name': 1}]}",
	        CX_RULE_PROPERTY_NAME, "external_references[0].Bad-Name"),
	};
	(void)state;
	RUN(cases);
}

static void test_granular_markings(void **state)
{
	static const struct vcase cases[] = {
	    VALID(attack_pattern, "{'granular_markings': [{'selectors': ['description'],"
	                          "'marking_ref': '" TLP_WHITE "'}]}"),
	    VALID(attack_pattern, "{'granular_markings': [{'selectors': ['name'],"
	                          "'lang': 'de'}]}"),
	    VALID(attack_pattern, "{'granular_markings': [{'selectors':"
	                          "['external_references.[0].source_name'],"
	                          "'marking_ref': '" TLP_WHITE "'}]}"),
	    BAD(attack_pattern, "{'granular_markings': []}", CX_RULE_EMPTY, "granular_markings"),
	    BAD(attack_pattern,
	        "{'granular_markings': [{'selectors': ['description'], 'lang': 'de',"
	        "'marking_ref': '" TLP_WHITE "'}]}",
	        CX_RULE_DEPENDENCY, "granular_markings[0].lang"),
	    BAD(attack_pattern, "{'granular_markings': [{'selectors': ['description']}]}",
	        CX_RULE_REQUIRED, "granular_markings[0].marking_ref"),
	    BAD(attack_pattern, "{'granular_markings': [{'marking_ref': '" TLP_WHITE "'}]}",
	        CX_RULE_REQUIRED, "granular_markings[0].selectors"),
	    BAD(attack_pattern,
	        "{'granular_markings': [{'selectors': [], 'marking_ref': '" TLP_WHITE "'}]}",
	        CX_RULE_EMPTY, "granular_markings[0].selectors"),
	    BAD(attack_pattern,
	        "{'granular_markings': [{'selectors': ['name', 'nonexistent'],"
	        "'marking_ref': '" TLP_WHITE "'}]}",
	        CX_RULE_DEPENDENCY, "granular_markings[0].selectors[1]"),
	    BAD(attack_pattern,
	        "{'granular_markings': [{'selectors': ['external_references.[5]'],"
	        "'marking_ref': '" TLP_WHITE "'}]}",
	        CX_RULE_DEPENDENCY, "granular_markings[0].selectors[0]"),
	    BAD(attack_pattern,
	        "{'granular_markings': [{'selectors': ['external_references..x'],"
	        "'marking_ref': '" TLP_WHITE "'}]}",
	        CX_RULE_FORMAT, "granular_markings[0].selectors[0]"),
	    BAD(attack_pattern,
	        "{'granular_markings': [{'selectors': ['[0]'], 'marking_ref': '" TLP_WHITE "'}]}",
	        CX_RULE_FORMAT, "granular_markings[0].selectors[0]"),
	    BAD(attack_pattern,
	        "{'granular_markings': [{'selectors': ['name'], 'marking_ref': '" IDENTITY "'}]}",
	        CX_RULE_REF_TYPE, "granular_markings[0].marking_ref"),
	};
	(void)state;
	RUN(cases);
}

static void test_extensions_and_custom_properties(void **state)
{
	static const struct vcase cases[] = {
	    VALID(attack_pattern, "{'extensions': {'" EXTDEF "':"
	                          "{'extension_type': 'property-extension', 'rank': 5}}}"),
	    /* A toplevel-property-extension adds properties beside the common ones. */
	    VALID(attack_pattern, "{'toxicity': 8, 'extensions': {'" EXTDEF "':"
	                          "{'extension_type': 'toplevel-property-extension'}}}"),
	    BAD(attack_pattern, "{'extensions': {}}", CX_RULE_EMPTY, "extensions"),
	    BAD(attack_pattern, "{'extensions': {'foo-ext': {'a_b': 1}}}", CX_RULE_EXTENSION,
	        "extensions.foo-ext"),
	    BAD(attack_pattern, "{'extensions': {'extension-definition--bad': {'rank': 1}}}",
	        CX_RULE_IDENTIFIER, "extensions.extension-definition--bad"),
	    BAD(attack_pattern, "{'extensions': {'" EXTDEF "': 5}}", CX_RULE_TYPE,
	        "extensions." EXTDEF),
	    BAD(attack_pattern, "{'extensions': {'" EXTDEF "': {}}}", CX_RULE_EMPTY,
	        "extensions." EXTDEF),
	    BAD(attack_pattern, "{'extensions': {'" EXTDEF "': {'extension_type': 'bogus'}}}",
	        CX_RULE_VOCAB, "extensions." EXTDEF ".extension_type"),
	    BAD(attack_pattern, "{'extensions': {'" EXTDEF "': {'extension_type': 'new-sdo'}}}",
	        CX_RULE_EXTENSION, "extensions." EXTDEF ".extension_type"),
	    BAD(attack_pattern, "{'extensions': {'" EXTDEF "': {'rank': 1}}}", CX_RULE_REQUIRED,
	        "extensions." EXTDEF ".extension_type"),
	    BAD(attack_pattern,
	        "{'extensions': {'" EXTDEF
	        "': {'extension_type': 'property-extension', 'Rank': 1}}}",
	        CX_RULE_PROPERTY_NAME, "extensions." EXTDEF ".Rank"),
	    VALID(attack_pattern, "{'x_acme_score': 5, 'x_acme_obj': {'a': [1]}}"),
	    BAD(attack_pattern, "{'X_Upper': 1}", CX_RULE_PROPERTY_NAME, "X_Upper"),
	    BAD(attack_pattern, "{'xy': 1}", CX_RULE_PROPERTY_NAME, "xy"),
	    BAD(attack_pattern, "{'_x_foo': 1}", CX_RULE_PROPERTY_NAME, "_x_foo"),
	    BAD(attack_pattern, "{'x-foo': 1}", CX_RULE_PROPERTY_NAME, "x-foo"),
	    BAD(attack_pattern, "{'x_null': '$null'}", CX_RULE_TYPE, "x_null"),
	    BAD(attack_pattern, "{'x_list': []}", CX_RULE_EMPTY, "x_list"),
	};
	(void)state;
	RUN(cases);
}

static void test_custom_property_name_length(void **state)
{
	char name[260], patch[300];
	struct vcase c = {__LINE__, attack_pattern, patch, NULL, NULL};
	char msg[1200];

	(void)state;
	memset(name, 'x', sizeof(name));
	name[250] = '\0';
	snprintf(patch, sizeof(patch), "{'%s': 1}", name);
	if (!check_case(&c, NULL, msg, sizeof(msg)))
		fail_msg("%s", msg);
	name[250] = 'x';
	name[251] = '\0';
	snprintf(patch, sizeof(patch), "{'%s': 1}", name);
	c.rule = CX_RULE_PROPERTY_NAME;
	/* The path is cut to what struct cx_stix_error holds. */
	name[sizeof(((struct cx_stix_error *)0)->property) - 1] = '\0';
	c.prop = name;
	if (!check_case(&c, NULL, msg, sizeof(msg)))
		fail_msg("%s", msg);
}

/* ---- SDOs ---------------------------------------------------------------------- */

static void test_sdo_required_properties(void **state)
{
	static const struct vcase cases[] = {
	    BAD(attack_pattern, "{'name': '$del'}", CX_RULE_REQUIRED, "name"),
	    BAD(campaign, "{'name': '$del'}", CX_RULE_REQUIRED, "name"),
	    BAD(course_of_action, "{'name': '$del'}", CX_RULE_REQUIRED, "name"),
	    BAD(grouping, "{'context': '$del'}", CX_RULE_REQUIRED, "context"),
	    BAD(grouping, "{'object_refs': '$del'}", CX_RULE_REQUIRED, "object_refs"),
	    VALID(grouping, "{'name': '$del'}"),
	    BAD(identity, "{'name': '$del'}", CX_RULE_REQUIRED, "name"),
	    VALID(identity, "{'identity_class': '$del'}"),
	    BAD(incident, "{'name': '$del'}", CX_RULE_REQUIRED, "name"),
	    BAD(indicator, "{'pattern': '$del'}", CX_RULE_REQUIRED, "pattern"),
	    BAD(indicator, "{'pattern_type': '$del'}", CX_RULE_REQUIRED, "pattern_type"),
	    BAD(indicator, "{'valid_from': '$del'}", CX_RULE_REQUIRED, "valid_from"),
	    VALID(indicator, "{'name': '$del', 'indicator_types': '$del'}"),
	    BAD(infrastructure, "{'name': '$del'}", CX_RULE_REQUIRED, "name"),
	    BAD(intrusion_set, "{'name': '$del'}", CX_RULE_REQUIRED, "name"),
	    BAD(malware, "{'is_family': '$del'}", CX_RULE_REQUIRED, "is_family"),
	    BAD(malware_analysis, "{'product': '$del'}", CX_RULE_REQUIRED, "product"),
	    BAD(note, "{'content': '$del'}", CX_RULE_REQUIRED, "content"),
	    BAD(note, "{'object_refs': '$del'}", CX_RULE_REQUIRED, "object_refs"),
	    BAD(observed_data, "{'first_observed': '$del'}", CX_RULE_REQUIRED, "first_observed"),
	    BAD(observed_data, "{'last_observed': '$del'}", CX_RULE_REQUIRED, "last_observed"),
	    BAD(observed_data, "{'number_observed': '$del'}", CX_RULE_REQUIRED, "number_observed"),
	    BAD(opinion, "{'opinion': '$del'}", CX_RULE_REQUIRED, "opinion"),
	    BAD(opinion, "{'object_refs': '$del'}", CX_RULE_REQUIRED, "object_refs"),
	    BAD(report, "{'name': '$del'}", CX_RULE_REQUIRED, "name"),
	    BAD(report, "{'published': '$del'}", CX_RULE_REQUIRED, "published"),
	    BAD(report, "{'object_refs': '$del'}", CX_RULE_REQUIRED, "object_refs"),
	    BAD(threat_actor, "{'name': '$del'}", CX_RULE_REQUIRED, "name"),
	    BAD(tool, "{'name': '$del'}", CX_RULE_REQUIRED, "name"),
	    BAD(vulnerability, "{'name': '$del'}", CX_RULE_REQUIRED, "name"),
	};
	(void)state;
	RUN(cases);
}

static void test_sdo_property_types(void **state)
{
	static const struct vcase cases[] = {
	    BAD(attack_pattern, "{'name': 5}", CX_RULE_TYPE, "name"),
	    BAD(attack_pattern, "{'aliases': [1]}", CX_RULE_TYPE, "aliases[0]"),
	    VALID(attack_pattern,
	          "{'kill_chain_phases': [{'kill_chain_name': 'lockheed-martin-cyber-kill-chain',"
	          "'phase_name': 'reconnaissance'}]}"),
	    BAD(attack_pattern, "{'kill_chain_phases': []}", CX_RULE_EMPTY, "kill_chain_phases"),
	    BAD(attack_pattern,
	        "{'kill_chain_phases': [{'kill_chain_name': 'a', 'phase_name': 'b'},"
	        "{'kill_chain_name': 'a'}]}",
	        CX_RULE_REQUIRED, "kill_chain_phases[1].phase_name"),
	    BAD(attack_pattern,
	        "{'kill_chain_phases': [{'kill_chain_name': '', 'phase_name': 'b'}]}",
	        CX_RULE_EMPTY, "kill_chain_phases[0].kill_chain_name"),
	    BAD(attack_pattern, "{'kill_chain_phases': ['recon']}", CX_RULE_TYPE,
	        "kill_chain_phases[0]"),
	    BAD(grouping, "{'context': ''}", CX_RULE_EMPTY, "context"),
	    BAD(grouping, "{'object_refs': []}", CX_RULE_EMPTY, "object_refs"),
	    BAD(grouping, "{'object_refs': ['nonsense']}", CX_RULE_IDENTIFIER, "object_refs[0]"),
	    BAD(identity, "{'identity_class': 5}", CX_RULE_TYPE, "identity_class"),
	    VALID(identity, "{'sectors': ['technology', 'a-sector-of-our-own']}"),
	    BAD(identity, "{'sectors': ['']}", CX_RULE_EMPTY, "sectors[0]"),
	    BAD(indicator, "{'indicator_types': 'malicious-activity'}", CX_RULE_TYPE,
	        "indicator_types"),
	    BAD(indicator, "{'pattern_type': ''}", CX_RULE_EMPTY, "pattern_type"),
	    BAD(intrusion_set, "{'resource_level': 5}", CX_RULE_TYPE, "resource_level"),
	    BAD(malware, "{'is_family': 'false'}", CX_RULE_TYPE, "is_family"),
	    VALID(malware, "{'sample_refs': ['file--0203b5c8-f8b6-4ddb-9ad0-527d727f968b']}"),
	    BAD(malware, "{'sample_refs': ['ipv4-addr--efcd5e80-570d-4131-b213-62cb18eaa6a8']}",
	        CX_RULE_REF_TYPE, "sample_refs[0]"),
	    VALID(malware, "{'operating_system_refs':"
	                   "['software--0203b5c8-f8b6-4ddb-9ad0-527d727f968b']}"),
	    BAD(malware,
	        "{'operating_system_refs': ['file--0203b5c8-f8b6-4ddb-9ad0-527d727f968b']}",
	        CX_RULE_REF_TYPE, "operating_system_refs[0]"),
	    VALID(malware_analysis,
	          "{'host_vm_ref': 'software--0203b5c8-f8b6-4ddb-9ad0-527d727f968b'}"),
	    BAD(malware_analysis, "{'sample_ref': 'malware--0203b5c8-f8b6-4ddb-9ad0-527d727f968b'}",
	        CX_RULE_REF_TYPE, "sample_ref"),
	    BAD(malware_analysis,
	        "{'analysis_sco_refs': ['indicator--0203b5c8-f8b6-4ddb-9ad0-527d727f968b']}",
	        CX_RULE_REF_TYPE, "analysis_sco_refs[0]"),
	    BAD(observed_data, "{'number_observed': '50'}", CX_RULE_TYPE, "number_observed"),
	    BAD(observed_data,
	        "{'object_refs': ['indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2']}",
	        CX_RULE_REF_TYPE, "object_refs[0]"),
	    BAD(report, "{'published': 'yesterday'}", CX_RULE_TIMESTAMP, "published"),
	    BAD(report, "{'object_refs': []}", CX_RULE_EMPTY, "object_refs"),
	    BAD(threat_actor, "{'sophistication': 1}", CX_RULE_TYPE, "sophistication"),
	    BAD(threat_actor, "{'roles': ['']}", CX_RULE_EMPTY, "roles[0]"),
	    BAD(tool, "{'tool_version': 1}", CX_RULE_TYPE, "tool_version"),
	    BAD(vulnerability,
	        "{'external_references': [{'source_name': 'cve', 'external_id': 'CVE-2016'}]}",
	        CX_RULE_FORMAT, "external_references[0].external_id"),
	};
	(void)state;
	RUN(cases);
}

static void test_sdo_rules(void **state)
{
	static const struct vcase cases[] = {
	    /* course-of-action: action is reserved. */
	    BAD(course_of_action, "{'action': 'block'}", CX_RULE_FORBIDDEN, "action"),
	    /* first_seen <= last_seen. */
	    BAD(campaign,
	        "{'first_seen': '2016-01-02T00:00:00Z', 'last_seen': '2016-01-01T00:00:00Z'}",
	        CX_RULE_TIME_ORDER, "last_seen"),
	    VALID(campaign,
	          "{'first_seen': '2016-01-01T00:00:00Z', 'last_seen': '2016-01-01T00:00:00Z'}"),
	    BAD(infrastructure,
	        "{'first_seen': '2016-01-02T00:00:00Z', 'last_seen': '2016-01-01T00:00:00Z'}",
	        CX_RULE_TIME_ORDER, "last_seen"),
	    BAD(intrusion_set,
	        "{'first_seen': '2016-01-02T00:00:00Z', 'last_seen': '2016-01-01T00:00:00Z'}",
	        CX_RULE_TIME_ORDER, "last_seen"),
	    BAD(malware,
	        "{'first_seen': '2016-01-02T00:00:00Z', 'last_seen': '2016-01-01T00:00:00Z'}",
	        CX_RULE_TIME_ORDER, "last_seen"),
	    BAD(threat_actor,
	        "{'first_seen': '2016-01-02T00:00:00Z', 'last_seen': '2016-01-01T00:00:00Z'}",
	        CX_RULE_TIME_ORDER, "last_seen"),
	    /* indicator: valid_until strictly after valid_from. */
	    VALID(indicator, "{'valid_until': '2016-01-01T00:00:00.001Z'}"),
	    BAD(indicator, "{'valid_until': '2016-01-01T00:00:00Z'}", CX_RULE_TIME_ORDER,
	        "valid_until"),
	    BAD(indicator, "{'valid_until': '2015-12-31T00:00:00Z'}", CX_RULE_TIME_ORDER,
	        "valid_until"),
	    VALID(indicator, "{'pattern_type': 'snort', 'pattern': 'alert tcp any any'}"),
	    BAD(indicator, "{'pattern': ''}", CX_RULE_EMPTY, "pattern"),
	    /* location: region, country or coordinates; coordinates in range. */
	    BAD(location, "{'latitude': 91}", CX_RULE_RANGE, "latitude"),
	    BAD(location, "{'latitude': -90.5}", CX_RULE_RANGE, "latitude"),
	    BAD(location, "{'longitude': -181}", CX_RULE_RANGE, "longitude"),
	    VALID(location, "{'latitude': -90, 'longitude': 180, 'precision': 1000.0}"),
	    BAD(location, "{'precision': -1}", CX_RULE_RANGE, "precision"),
	    BAD(location, "{'latitude': '48.8'}", CX_RULE_TYPE, "latitude"),
	    BAD(location, "{'longitude': '$del'}", CX_RULE_DEPENDENCY, "longitude"),
	    BAD(location, "{'latitude': '$del'}", CX_RULE_DEPENDENCY, "latitude"),
	    VALID(location, "{'latitude': '$del', 'longitude': '$del', 'region': 'europe'}"),
	    VALID(location, "{'latitude': '$del', 'longitude': '$del', 'country': 'US'}"),
	    BAD(location, "{'latitude': '$del', 'longitude': '$del', 'city': 'Paris'}",
	        CX_RULE_REQUIRED, "region"),
	    BAD(location,
	        "{'latitude': '$del', 'longitude': '$del', 'region': 'europe', 'precision': 5}",
	        CX_RULE_DEPENDENCY, "precision"),
	    /* malware: a family has a name. */
	    BAD(malware, "{'is_family': true, 'name': '$del'}", CX_RULE_REQUIRED, "name"),
	    VALID(malware, "{'name': '$del'}"),
	    /* malware-analysis: result or analysis_sco_refs. */
	    BAD(malware_analysis, "{'result': '$del'}", CX_RULE_REQUIRED, "result"),
	    VALID(malware_analysis, "{'result': '$del', 'analysis_sco_refs':"
	                            "['file--0203b5c8-f8b6-4ddb-9ad0-527d727f968b']}"),
	    /* observed-data: bounds, order, objects xor object_refs. */
	    BAD(observed_data, "{'number_observed': 0}", CX_RULE_RANGE, "number_observed"),
	    BAD(observed_data, "{'number_observed': 1000000000}", CX_RULE_RANGE, "number_observed"),
	    VALID(observed_data, "{'number_observed': 999999999}"),
	    BAD(observed_data, "{'last_observed': '2015-12-21T18:59:59.999Z'}", CX_RULE_TIME_ORDER,
	        "last_observed"),
	    BAD(observed_data, "{'objects': {'0': {'type': 'ipv4-addr', 'value': '1.2.3.4'}}}",
	        CX_RULE_DEPENDENCY, "objects"),
	    BAD(observed_data, "{'object_refs': '$del'}", CX_RULE_REQUIRED, "object_refs"),
	    VALID(observed_data, "{'object_refs': '$del',"
	                         "'objects': {'0': {'type': 'ipv4-addr', 'value': '1.2.3.4'}}}"),
	    BAD(observed_data, "{'object_refs': '$del', 'objects': {'0': 5}}", CX_RULE_TYPE,
	        "objects.0"),
	    BAD(observed_data, "{'object_refs': '$del', 'objects': {'0': {'value': 'x'}}}",
	        CX_RULE_REQUIRED, "objects.0.type"),
	    /* opinion: a closed vocabulary. */
	    VALID(opinion, "{'opinion': 'agree'}"),
	    BAD(opinion, "{'opinion': 'maybe'}", CX_RULE_VOCAB, "opinion"),
	    BAD(opinion, "{'opinion': 'Agree'}", CX_RULE_VOCAB, "opinion"),
	};
	(void)state;
	RUN(cases);
}

/* The pattern of an indicator with pattern_type "stix" is parsed; the error
 * names the offset the parser reports. */
static void test_indicator_stix_pattern_is_parsed(void **state)
{
	static const struct vcase cases[] = {
	    BAD(indicator, "{'pattern': '[file:name = ]'}", CX_RULE_PATTERN, "pattern"),
	    BAD(indicator, "{'pattern': 'file:name = \\'a\\''}", CX_RULE_PATTERN, "pattern"),
	    VALID(indicator, "{'pattern': '[url:value = \\'http://x.example/\\'] "
	                     "FOLLOWEDBY [ipv4-addr:value = \\'198.51.100.1/32\\']'}"),
	};
	json_t *o;
	struct cx_stix_error err;

	(void)state;
	RUN(cases);
	o = patched(indicator, "{'pattern': '[file:name = ]'}");
	assert_int_equal(cx_stix_validate(o, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.message, "offset"));
	json_decref(o);
}

/* ---- SROs ---------------------------------------------------------------------- */

static void test_relationship(void **state)
{
	static const struct vcase cases[] = {
	    BAD(relationship, "{'relationship_type': '$del'}", CX_RULE_REQUIRED,
	        "relationship_type"),
	    BAD(relationship, "{'relationship_type': 'Indicates'}", CX_RULE_FORMAT,
	        "relationship_type"),
	    BAD(relationship, "{'relationship_type': 'related_to'}", CX_RULE_FORMAT,
	        "relationship_type"),
	    VALID(relationship, "{'relationship_type': 'x-acme-derived-from'}"),
	    BAD(relationship, "{'source_ref': '$del'}", CX_RULE_REQUIRED, "source_ref"),
	    BAD(relationship, "{'target_ref': '$del'}", CX_RULE_REQUIRED, "target_ref"),
	    BAD(relationship, "{'source_ref': 'bundle--57b56a43-b8b0-4cba-9deb-34e3e1faed9e'}",
	        CX_RULE_REF_TYPE, "source_ref"),
	    BAD(relationship,
	        "{'target_ref': 'relationship--57b56a43-b8b0-4cba-9deb-34e3e1faed9e'}",
	        CX_RULE_REF_TYPE, "target_ref"),
	    BAD(relationship, "{'target_ref': '" TLP_WHITE "'}", CX_RULE_REF_TYPE, "target_ref"),
	    BAD(relationship, "{'target_ref': 'malware-31b940d4'}", CX_RULE_IDENTIFIER,
	        "target_ref"),
	    VALID(relationship, "{'target_ref': 'file--0203b5c8-f8b6-4ddb-9ad0-527d727f968b'}"),
	    VALID(relationship,
	          "{'target_ref': 'x-acme-widget--0203b5c8-f8b6-4ddb-9ad0-527d727f968b'}"),
	    VALID(relationship, "{'start_time': '2016-01-01T00:00:00Z',"
	                        "'stop_time': '2016-01-01T00:00:01Z'}"),
	    BAD(relationship,
	        "{'start_time': '2016-01-01T00:00:00Z', 'stop_time': '2016-01-01T00:00:00Z'}",
	        CX_RULE_TIME_ORDER, "stop_time"),
	    BAD(relationship, "{'start_time': 'soon'}", CX_RULE_TIMESTAMP, "start_time"),
	    BAD(relationship, "{'lang': 'de', 'created': '$del'}", CX_RULE_REQUIRED, "created"),
	};
	(void)state;
	RUN(cases);
}

static void test_sighting(void **state)
{
	static const struct vcase cases[] = {
	    BAD(sighting, "{'sighting_of_ref': '$del'}", CX_RULE_REQUIRED, "sighting_of_ref"),
	    BAD(sighting,
	        "{'sighting_of_ref': 'relationship--57b56a43-b8b0-4cba-9deb-34e3e1faed9e'}",
	        CX_RULE_REF_TYPE, "sighting_of_ref"),
	    BAD(sighting, "{'sighting_of_ref': 'file--0203b5c8-f8b6-4ddb-9ad0-527d727f968b'}",
	        CX_RULE_REF_TYPE, "sighting_of_ref"),
	    VALID(sighting,
	          "{'sighting_of_ref': 'x-acme-thing--0203b5c8-f8b6-4ddb-9ad0-527d727f968b'}"),
	    VALID(sighting, "{'count': 0}"),
	    VALID(sighting, "{'count': 999999999}"),
	    BAD(sighting, "{'count': -1}", CX_RULE_RANGE, "count"),
	    BAD(sighting, "{'count': 1000000000}", CX_RULE_RANGE, "count"),
	    BAD(sighting,
	        "{'observed_data_refs': ['indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f']}",
	        CX_RULE_REF_TYPE, "observed_data_refs[0]"),
	    VALID(sighting,
	          "{'where_sighted_refs': ['location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64']}"),
	    BAD(sighting,
	        "{'where_sighted_refs': ['" IDENTITY "',"
	        "'malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061']}",
	        CX_RULE_REF_TYPE, "where_sighted_refs[1]"),
	    BAD(sighting, "{'last_seen': '2015-12-21T18:00:00Z'}", CX_RULE_TIME_ORDER, "last_seen"),
	    BAD(sighting, "{'summary': 'yes'}", CX_RULE_TYPE, "summary"),
	};
	(void)state;
	RUN(cases);
}

/* ---- Meta objects --------------------------------------------------------------- */

static void test_marking_definition(void **state)
{
	static const struct vcase cases[] = {
	    BAD(marking_statement, "{'created': '$del'}", CX_RULE_REQUIRED, "created"),
	    BAD(marking_statement, "{'spec_version': '$del'}", CX_RULE_REQUIRED, "spec_version"),
	    BAD(marking_statement, "{'modified': '2016-08-01T00:00:00.000Z'}", CX_RULE_FORBIDDEN,
	        "modified"),
	    BAD(marking_statement, "{'labels': ['x']}", CX_RULE_FORBIDDEN, "labels"),
	    BAD(marking_statement, "{'definition': '$del'}", CX_RULE_REQUIRED, "definition"),
	    BAD(marking_statement, "{'definition_type': '$del'}", CX_RULE_REQUIRED,
	        "definition_type"),
	    BAD(marking_statement, "{'definition_type': '$del', 'definition': '$del'}",
	        CX_RULE_REQUIRED, "definition_type"),
	    BAD(marking_statement, "{'definition': {'text': 'x'}}", CX_RULE_REQUIRED,
	        "definition.statement"),
	    BAD(marking_statement, "{'definition': 'Copyright'}", CX_RULE_TYPE, "definition"),
	    VALID(marking_statement,
	          "{'definition_type': 'x-acme-marking', 'definition': {'level': 3}}"),
	    /* A marking defined only through an extension. */
	    VALID(marking_statement,
	          "{'definition_type': '$del', 'definition': '$del', 'extensions': {'" EXTDEF
	          "': {'extension_type': 'property-extension', 'classification': 'S'}}}"),
	    /* TLP 1.0: only the four published objects. */
	    BAD(marking_tlp1, "{'definition': {'tlp': 'red'}}", CX_RULE_IDENTIFIER, "id"),
	    BAD(marking_tlp1, "{'definition': {'tlp': 'purple'}}", CX_RULE_VOCAB, "definition.tlp"),
	    BAD(marking_tlp1, "{'created': '2018-01-20T00:00:00.000Z'}", CX_RULE_TIMESTAMP,
	        "created"),
	    BAD(marking_tlp1, "{'name': 'TLP:GREEN'}", CX_RULE_VOCAB, "name"),
	    BAD(marking_tlp1,
	        "{'definition_type': 'statement', 'definition':"
	        "{'statement': 'x'}}",
	        CX_RULE_DEPENDENCY, "definition_type"),
	    BAD(marking_statement, "{'definition_type': 'tlp'}", CX_RULE_REQUIRED,
	        "definition.tlp"),
	    /* TLP 2.0 through its extension. */
	    BAD(marking_tlp2, "{'name': 'TLP:RED'}", CX_RULE_VOCAB, "name"),
	    BAD(marking_tlp2, "{'id': 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'}",
	        CX_RULE_IDENTIFIER, "id"),
	    BAD(marking_tlp2,
	        "{'extensions': {'" TLP2_EXT "': {'extension_type':"
	        "'property-extension', 'tlp_2_0': 'white'}}}",
	        CX_RULE_VOCAB, "extensions." TLP2_EXT ".tlp_2_0"),
	    BAD(marking_tlp2,
	        "{'extensions': {'" TLP2_EXT "': {'extension_type': 'property-extension'}}}",
	        CX_RULE_REQUIRED, "extensions." TLP2_EXT ".tlp_2_0"),
	    BAD(marking_tlp2,
	        "{'extensions': '$del', 'definition_type': 'statement',"
	        "'definition': {'statement': 'x'}}",
	        CX_RULE_DEPENDENCY, "extensions"),
	};
	(void)state;
	RUN(cases);
}

static void test_language_content(void **state)
{
	static const struct vcase cases[] = {
	    BAD(language_content, "{'object_ref': '$del'}", CX_RULE_REQUIRED, "object_ref"),
	    BAD(language_content, "{'contents': '$del'}", CX_RULE_REQUIRED, "contents"),
	    BAD(language_content, "{'modified': '$del'}", CX_RULE_REQUIRED, "modified"),
	    BAD(language_content, "{'contents': {}}", CX_RULE_EMPTY, "contents"),
	    BAD(language_content, "{'contents': {'e': {'name': 'x'}}}", CX_RULE_FORMAT,
	        "contents.e"),
	    BAD(language_content, "{'contents': {'de': 'x'}}", CX_RULE_TYPE, "contents.de"),
	    BAD(language_content, "{'contents': {'de': {}}}", CX_RULE_EMPTY, "contents.de"),
	    BAD(language_content, "{'contents': {'de': {'name': 5}}}", CX_RULE_TYPE,
	        "contents.de.name"),
	    VALID(language_content, "{'contents': {'de-CH': {'aliases': ['a', 'b']}}}"),
	    BAD(language_content, "{'object_ref': 'bundle--b86bd89f-98bb-4fa9-8cb2-9ad421da981d'}",
	        CX_RULE_REF_TYPE, "object_ref"),
	    BAD(language_content, "{'object_modified': 'then'}", CX_RULE_TIMESTAMP,
	        "object_modified"),
	    BAD(language_content, "{'object_modified': '2017-02-08T21:31:22Z'}", CX_RULE_TIMESTAMP,
	        "object_modified"),
	    BAD(language_content, "{'lang': 'de'}", CX_RULE_FORBIDDEN, "lang"),
	};
	(void)state;
	RUN(cases);
}

static void test_extension_definition(void **state)
{
	static const struct vcase cases[] = {
	    BAD(extension_definition, "{'created_by_ref': '$del'}", CX_RULE_REQUIRED,
	        "created_by_ref"),
	    BAD(extension_definition, "{'name': '$del'}", CX_RULE_REQUIRED, "name"),
	    BAD(extension_definition, "{'schema': '$del'}", CX_RULE_REQUIRED, "schema"),
	    BAD(extension_definition, "{'version': '$del'}", CX_RULE_REQUIRED, "version"),
	    BAD(extension_definition, "{'extension_types': '$del'}", CX_RULE_REQUIRED,
	        "extension_types"),
	    BAD(extension_definition, "{'extension_types': []}", CX_RULE_EMPTY, "extension_types"),
	    BAD(extension_definition, "{'extension_types': ['new-sdo', 'new-thing']}",
	        CX_RULE_VOCAB, "extension_types[1]"),
	    BAD(extension_definition, "{'extension_types': ['property-extension']}",
	        CX_RULE_DEPENDENCY, "extension_properties"),
	    VALID(extension_definition, "{'extension_types': ['property-extension'],"
	                                "'extension_properties': '$del'}"),
	    BAD(extension_definition, "{'extension_properties': ['rank', 'Bad Name']}",
	        CX_RULE_PROPERTY_NAME, "extension_properties[1]"),
	    BAD(extension_definition, "{'extensions': {'" EXTDEF "': {'rank': 1}}}",
	        CX_RULE_FORBIDDEN, "extensions"),
	    BAD(extension_definition, "{'confidence': 50}", CX_RULE_FORBIDDEN, "confidence"),
	    BAD(extension_definition, "{'modified': '2014-02-20T09:16:08Z'}", CX_RULE_TIMESTAMP,
	        "modified"),
	};
	(void)state;
	RUN(cases);
}

/* ---- Custom object types --------------------------------------------------- */

static void test_custom_objects(void **state)
{
	static const struct vcase cases[] = {
	    BAD(new_sdo, "{'extensions': '$del'}", CX_RULE_TYPE_NAME, "type"),
	    BAD(new_sdo,
	        "{'extensions': {'extension-definition--9c59fd79-4215-4ba2-920d-3e4f320e1e62':"
	        "{'extension_type': 'property-extension'}}}",
	        CX_RULE_TYPE_NAME, "type"),
	    /* A new SDO carries what every SDO carries. */
	    BAD(new_sdo, "{'created': '$del'}", CX_RULE_REQUIRED, "created"),
	    BAD(new_sdo, "{'spec_version': '$del'}", CX_RULE_REQUIRED, "spec_version"),
	    BAD(new_sdo, "{'id': 'my-favorite-sdo--1234'}", CX_RULE_IDENTIFIER, "id"),
	    BAD(new_sdo, "{'Some_Property': 'v'}", CX_RULE_PROPERTY_NAME, "Some_Property"),
	    BAD(new_sdo, "{'defanged': false}", CX_RULE_FORBIDDEN, "defanged"),
	    BAD(new_sdo,
	        "{'extensions': {'extension-definition--9c59fd79-4215-4ba2-920d-3e4f320e1e62':"
	        "{'extension_type': 'new-sdo'}, 'x-ext': {'a_b': 1}}}",
	        CX_RULE_EXTENSION, "extensions.x-ext"),
	    /* A new SCO carries what SCOs carry, and no more. */
	    VALID(new_sco, "{'spec_version': '$del', 'defanged': true}"),
	    BAD(new_sco, "{'created': '2014-02-20T09:16:08.989Z'}", CX_RULE_FORBIDDEN, "created"),
	    BAD(new_sco, "{'id': '$del'}", CX_RULE_REQUIRED, "id"),
	    BAD(new_sro, "{'modified': '$del'}", CX_RULE_REQUIRED, "modified"),
	};
	(void)state;
	RUN(cases);
}

struct hook_state {
	int calls;
	char last[120];
	bool reject;
	bool fill;
};

static int hook(void *arg, const char *extension_id, const json_t *obj, struct cx_stix_error *err)
{
	struct hook_state *h = arg;

	(void)obj;
	h->calls++;
	snprintf(h->last, sizeof(h->last), "%s", extension_id);
	if (!h->reject)
		return 0;
	if (h->fill)
		return cx_stix_error_set(err, "some_property_name1", CX_RULE_FORMAT, "not liked");
	return -EINVAL;
}

static void test_extension_hook(void **state)
{
	struct hook_state h = {0};
	struct cx_stix_validate_opts opts = {hook, &h};
	struct cx_stix_error err;
	json_t *o = load(new_sdo);
	json_t *bad = patched(new_sdo, "{'created': '$del'}");

	(void)state;
	assert_int_equal(cx_stix_validate(o, &opts, &err), 0);
	assert_int_equal(h.calls, 1);
	assert_string_equal(h.last, "extension-definition--9c59fd79-4215-4ba2-920d-3e4f320e1e62");

	/* The hook runs only after the generic rules pass. */
	h.calls = 0;
	assert_int_equal(cx_stix_validate(bad, &opts, &err), -EINVAL);
	assert_int_equal(h.calls, 0);

	h.reject = true;
	h.fill = true;
	assert_int_equal(cx_stix_validate(o, &opts, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_FORMAT);
	assert_string_equal(err.property, "some_property_name1");
	assert_string_equal(err.id, "my-favorite-sdo--ac97aae4-83f1-46ca-a351-7aeb76678189");

	/* A hook that rejects without saying why still yields a full error. */
	h.fill = false;
	assert_int_equal(cx_stix_validate(o, &opts, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_EXTENSION);
	assert_string_equal(
	    err.property, "extensions.extension-definition--9c59fd79-4215-4ba2-920d-3e4f320e1e62");
	assert_string_equal(err.id, "my-favorite-sdo--ac97aae4-83f1-46ca-a351-7aeb76678189");
	json_decref(o);
	json_decref(bad);
}

/* ---- Structure ------------------------------------------------------------------ */

/* An attack-pattern whose custom property nests `levels` containers. */
static json_t *nested(int levels, bool arrays)
{
	json_t *o = load(attack_pattern), *v = json_string("leaf");

	for (int i = 0; i < levels; i++) {
		json_t *c = arrays ? json_array() : json_object();

		if (arrays)
			json_array_append_new(c, v);
		else
			json_object_set_new(c, "a", v);
		v = c;
	}
	json_object_set_new(o, "x_deep", v);
	return o;
}

static void test_depth_limit(void **state)
{
	struct cx_stix_error err;
	json_t *o;

	(void)state;
	/* The object is level 1, so 31 nested containers reach the limit. */
	o = nested(CX_STIX_MAX_DEPTH - 1, false);
	assert_int_equal(cx_stix_validate(o, NULL, &err), 0);
	json_decref(o);

	o = nested(CX_STIX_MAX_DEPTH, false);
	assert_int_equal(cx_stix_validate(o, NULL, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_DEPTH);
	assert_string_equal(err.id, "attack-pattern--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061");
	assert_int_equal(strncmp(err.property, "x_deep.a.a.a", 12), 0);
	json_decref(o);

	o = nested(CX_STIX_MAX_DEPTH + 100, true);
	assert_int_equal(cx_stix_validate(o, NULL, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_DEPTH);
	assert_int_equal(strncmp(err.property, "x_deep[0][0][0]", 15), 0);
	json_decref(o);
}

static void test_not_an_object(void **state)
{
	struct cx_stix_error err;
	json_t *a = json_array();

	(void)state;
	assert_int_equal(cx_stix_validate(a, NULL, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_NOT_OBJECT);
	assert_int_equal(cx_stix_validate_bundle(a, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_NOT_OBJECT);
	json_decref(a);
	/* err may be NULL. */
	a = load(attack_pattern);
	json_object_set_new(a, "confidence", json_integer(500));
	assert_int_equal(cx_stix_validate(a, NULL, NULL), -EINVAL);
	json_decref(a);
}

/* A string with an embedded NUL (possible when the caller parsed with
 * JSON_ALLOW_NUL or built the value) would check one string and store
 * another. */
static void test_nul_in_string_is_refused(void **state)
{
	struct cx_stix_error err;
	json_t *o = load(attack_pattern);

	(void)state;
	json_object_set_new(o, "name", json_stringn("Spear\0Phishing", 14));
	assert_int_equal(cx_stix_validate(o, NULL, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_FORMAT);
	assert_string_equal(err.property, "name");
	json_object_set_new(o, "name", json_string("Spear Phishing"));
	json_object_set_new(o, "aliases", json_pack("[s, s%]", "a", "b\0c", (size_t)3));
	assert_int_equal(cx_stix_validate(o, NULL, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_FORMAT);
	assert_string_equal(err.property, "aliases[1]");
	json_decref(o);
}

/* A number is stored in canonical form (RFC 8785), which writes magnitudes
 * below 10^21 as integer literals; from 2^63 on no 64-bit reader could read
 * the stored object back, so it is refused where it stands. */
static void test_number_unreadable_in_canonical_form_is_refused(void **state)
{
	struct cx_stix_error err;
	json_t *o = load(attack_pattern);

	(void)state;
	json_object_set_new(o, "x_size", json_real(1e20));
	assert_int_equal(cx_stix_validate(o, NULL, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_RANGE);
	assert_string_equal(err.property, "x_size");
	json_object_set_new(o, "x_size", json_pack("{s:[I]}", "n", (json_int_t)INT64_MAX));
	assert_int_equal(cx_stix_validate(o, NULL, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_RANGE);
	assert_string_equal(err.property, "x_size.n[0]");
	json_object_set_new(o, "x_size", json_real(-1e19));
	assert_int_equal(cx_stix_validate(o, NULL, &err), -EINVAL);
	assert_string_equal(err.property, "x_size");
	/* -2^63 reads as an integer, but its canonical form is
	 * -9223372036854776000, below the 64-bit range. */
	json_object_set_new(o, "x_size", json_integer(INT64_MIN));
	assert_int_equal(cx_stix_validate(o, NULL, &err), -EINVAL);
	assert_string_equal(err.property, "x_size");
	/* Readable: the doubles next to the 64-bit range's ends, and the
	 * exponent form from 10^21. */
	json_object_set_new(o, "x_size", json_real(1e21));
	assert_int_equal(cx_stix_validate(o, NULL, &err), 0);
	json_object_set_new(o, "x_size", json_real(-9223372036854774784.0));
	assert_int_equal(cx_stix_validate(o, NULL, &err), 0);
	json_object_set_new(o, "x_size", json_integer(INT64_MAX - 1024));
	assert_int_equal(cx_stix_validate(o, NULL, &err), 0);
	json_decref(o);
}

/* ---- Bundles and kinds ----------------------------------------------------------- */

static void expect_bundle(const char *text, const char *rule, const char *prop)
{
	json_t *b = load(text);
	struct cx_stix_error err;
	int r = cx_stix_validate_bundle(b, &err);

	json_decref(b);
	if (!rule) {
		if (r != 0)
			fail_msg("bundle %s: %s at %s: %s", text, err.rule, err.property,
			         err.message);
		return;
	}
	if (r != -EINVAL || strcmp(err.rule, rule) != 0 || strcmp(err.property, prop) != 0)
		fail_msg("bundle %s: expected %s at %s, got %d %s at %s", text, rule, prop, r,
		         err.rule, err.property);
}

#define BUNDLE_ID "'id': 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d'"

static void test_bundle(void **state)
{
	(void)state;
	expect_bundle("{'type': 'bundle', " BUNDLE_ID ", 'objects': [{'type': 'x'}]}", NULL, NULL);
	expect_bundle("{'type': 'bundle', " BUNDLE_ID "}", NULL, NULL);
	expect_bundle("{'type': 'bndl', " BUNDLE_ID "}", CX_RULE_TYPE_NAME, "type");
	expect_bundle("{" BUNDLE_ID "}", CX_RULE_REQUIRED, "type");
	expect_bundle("{'type': 'bundle'}", CX_RULE_REQUIRED, "id");
	expect_bundle("{'type': 'bundle', 'id': 'report--5d0092c5-5f74-4287-9642-33f4c354e56d'}",
	              CX_RULE_IDENTIFIER, "id");
	expect_bundle("{'type': 'bundle', " BUNDLE_ID ", 'objects': []}", CX_RULE_EMPTY, "objects");
	expect_bundle("{'type': 'bundle', " BUNDLE_ID ", 'objects': {}}", CX_RULE_TYPE, "objects");
	expect_bundle("{'type': 'bundle', " BUNDLE_ID ", 'objects': [{}, 1]}", CX_RULE_NOT_OBJECT,
	              "objects[1]");
}

static void test_kind_of(void **state)
{
	static const char *const sdos[] = {
	    "attack-pattern", "campaign",      "course-of-action", "grouping",
	    "identity",       "incident",      "indicator",        "infrastructure",
	    "intrusion-set",  "location",      "malware",          "malware-analysis",
	    "note",           "observed-data", "opinion",          "report",
	    "threat-actor",   "tool",          "vulnerability",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(sdos) / sizeof(sdos[0]); i++)
		assert_int_equal(cx_stix_kind_of(sdos[i]), CX_STIX_SDO);
	assert_int_equal(cx_stix_kind_of("relationship"), CX_STIX_SRO);
	assert_int_equal(cx_stix_kind_of("sighting"), CX_STIX_SRO);
	assert_int_equal(cx_stix_kind_of("marking-definition"), CX_STIX_META);
	assert_int_equal(cx_stix_kind_of("language-content"), CX_STIX_META);
	assert_int_equal(cx_stix_kind_of("extension-definition"), CX_STIX_META);
	assert_int_equal(cx_stix_kind_of("bundle"), CX_STIX_BUNDLE);
	assert_int_equal(cx_stix_kind_of("file"), CX_STIX_SCO);
	assert_int_equal(cx_stix_kind_of("ipv4-addr"), CX_STIX_SCO);
	assert_int_equal(cx_stix_kind_of("x-acme-widget"), CX_STIX_UNKNOWN);
	assert_int_equal(cx_stix_kind_of("Indicator"), CX_STIX_UNKNOWN);
	assert_int_equal(cx_stix_kind_of(NULL), CX_STIX_UNKNOWN);
}

/* ---- Helpers of validate_internal.h -------------------------------------------- */

static void test_name_syntax(void **state)
{
	(void)state;
	assert_true(cx_v_type_name_valid("abc"));
	assert_true(cx_v_type_name_valid("x-acme-widget2"));
	assert_false(cx_v_type_name_valid("ab"));
	assert_false(cx_v_type_name_valid("-abc"));
	assert_false(cx_v_type_name_valid("abc-"));
	assert_false(cx_v_type_name_valid("a--b"));
	assert_false(cx_v_type_name_valid("a_bc"));
	assert_false(cx_v_type_name_valid("2abc"));
	assert_true(cx_v_property_name_valid("x_a"));
	assert_false(cx_v_property_name_valid("id"));
	assert_false(cx_v_property_name_valid("9abc"));
	assert_false(cx_v_property_name_valid("abc-d"));
	assert_true(cx_v_dict_key_valid("SHA-256"));
	assert_true(cx_v_dict_key_valid("a"));
	assert_false(cx_v_dict_key_valid(""));
	assert_false(cx_v_dict_key_valid("a.b"));
	assert_true(cx_v_identifier_valid("file--0203b5c8-f8b6-4ddb-9ad0-527d727f968b", "file"));
	assert_false(cx_v_identifier_valid("file--0203b5c8-f8b6-4ddb-9ad0-527d727f968b", "url"));
	assert_false(cx_v_identifier_valid("file--0203b5c8-f8b6-4ddb-9ad0-527d727f968", NULL));
	assert_false(cx_v_identifier_valid("fi--0203b5c8-f8b6-4ddb-9ad0-527d727f968b", NULL));
	assert_false(cx_v_identifier_valid("file-0203b5c8-f8b6-4ddb-9ad0-527d727f968b", NULL));
}

static void test_lang_tags(void **state)
{
	static const char *const good[] = {
	    "de",         "en-US",     "zh-Hant-TW", "sr-Latn-RS",
	    "es-419",     "sl-rozaj",  "de-CH-1901", "en-US-x-twain",
	    "x-private",  "i-klingon", "zh-yue-HK",  "en-a-bbb-x-a-ccc",
	    "art-lojban", "fil",
	};
	static const char *const bad[] = {
	    "",       "e",    "en-US-US", "en_US", "en-",  "-en", "en--US",
	    "en-US-", "de-a", "x-",       "en-x",  "abcd", "123", "en-12345678901",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!cx_v_lang_tag_valid(good[i]))
			fail_msg("refused language tag %s", good[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (cx_v_lang_tag_valid(bad[i]))
			fail_msg("accepted language tag %s", bad[i]);
	}
}

static void test_hash_formats(void **state)
{
	static const struct {
		const char *algo, *value;
		bool ok;
	} cases[] = {
	    {"MD5", "6b885a1e1d42c0ca66e5f8a17e5a5d29", true},
	    {"MD5", "6b885a1e1d42c0ca66e5f8a17e5a5d2", false},
	    {"MD5", "6b885a1e1d42c0ca66e5f8a17e5a5d2g", false},
	    {"SHA-1", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12", true},
	    {"SHA-256", SHA256, true},
	    {"SHA-256", SHA256 "00", false},
	    {"SHA-512", SHA256 SHA256, true},
	    {"SHA3-256", SHA256, true},
	    {"SHA3-512", SHA256, false},
	    {"SSDEEP", "96:QdLAFBMQMLVDBVpFOaTVHGAlHsOBtBt6:QAdMQNVpEaTVHGMZBb", true},
	    {"SSDEEP", "not an ssdeep", false},
	    {"TLSH", "B2A1C4F4E0A0D1A3C3C0B1E2F3D4C5B6A7980A1B2C3D4E5F60718293A4B5C6D7E8F9A0B1",
	     false},
	    {"TLSH", "B2A1C4F4E0A0D1A3C3C0B1E2F3D4C5B6A7980A1B2C3D4E5F60718293A4B5C6D7E8F9A0B",
	     false},
	    {"TLSH", "B2A1C4F4E0A0D1A3C3C0B1E2F3D4C5B6A7980A1B2C3D4E5F60718293A4B5C6D7E8F9A0",
	     true},
	    {"TLSH", "T1B2A1C4F4E0A0D1A3C3C0B1E2F3D4C5B6A7980A1B2C3D4E5F60718293A4B5C6D7E8F9A0",
	     true},
	    {"x_custom", "whatever", true},
	    /* Misspelt names of known algorithms are held to their format. */
	    {"sha256", SHA256, true},
	    {"sha256", "zz", false},
	    {"Sha_1", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12", true},
	    {"ssdeep", "x", false},
	};
	struct cx_stix_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = cx_v_hash_value(cases[i].algo, cases[i].value, "hashes.x", &err);

		if ((r == 0) != cases[i].ok)
			fail_msg("%s %s: got %d", cases[i].algo, cases[i].value, r);
		if (r != 0) {
			assert_string_equal(err.rule, CX_RULE_FORMAT);
			assert_string_equal(err.property, "hashes.x");
		}
	}
}

static void test_typed_helpers_report_nested_paths(void **state)
{
	struct cx_stix_error err;
	json_t *o = load("{'when': '2020-01-01T00:00:00Z', 'n': 3, 'url': 'https://a.example/x',"
	                 "'bin': 'aGVsbG8=', 'hex': '0aff', 'odd': 'abc', 'bad64': 'a===',"
	                 "'refs': ['file--0203b5c8-f8b6-4ddb-9ad0-527d727f968b'], 'd': {'k': 1}}");
	static const char *const files[] = {"file", NULL};
	static const char *const urls[] = {"url", NULL};
	int64_t us = 0;
	bool set = false;

	(void)state;
	assert_int_equal(
	    cx_v_timestamp(o, "extensions.x-ext", "when", CX_V_REQUIRED, &us, &set, &err), 0);
	assert_true(set);
	assert_int_equal(us, 1577836800000000LL);
	assert_int_equal(
	    cx_v_timestamp(o, "extensions.x-ext", "when", CX_V_MILLIS, NULL, NULL, &err), -EINVAL);
	assert_string_equal(err.property, "extensions.x-ext.when");
	assert_int_equal(cx_v_string(o, "extensions.x-ext", "missing", CX_V_REQUIRED, NULL, &err),
	                 -EINVAL);
	assert_string_equal(err.rule, CX_RULE_REQUIRED);
	assert_string_equal(err.property, "extensions.x-ext.missing");
	assert_int_equal(cx_v_integer(o, "", "n", 0, 4, 9, NULL, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_RANGE);
	assert_int_equal(cx_v_url(o, "", "url", 0, &err), 0);
	assert_int_equal(cx_v_binary(o, "", "bin", 0, &err), 0);
	assert_int_equal(cx_v_binary(o, "", "bad64", 0, &err), -EINVAL);
	assert_int_equal(cx_v_hex(o, "", "hex", 0, &err), 0);
	assert_int_equal(cx_v_hex(o, "", "odd", 0, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_FORMAT);
	assert_int_equal(cx_v_ref_list(o, "a[1]", "refs", 0, files, &err), 0);
	assert_int_equal(cx_v_ref_list(o, "a[1]", "refs", 0, urls, &err), -EINVAL);
	assert_string_equal(err.property, "a[1].refs[0]");
	assert_string_equal(err.rule, CX_RULE_REF_TYPE);
	assert_int_equal(cx_v_dict(o, "", "d", 0, CX_VJ_STRING, NULL, &err), -EINVAL);
	assert_string_equal(err.property, "d.k");
	assert_int_equal(cx_v_dict(o, "", "d", 0, CX_VJ_INTEGER, NULL, &err), 0);
	assert_int_equal(cx_v_time_order(o, "", "when", "when", true, &err), -EINVAL);
	assert_int_equal(cx_v_time_order(o, "", "when", "when", false, &err), 0);
	json_decref(o);
}

/* ---- Rules the malformed-input suite found missing --------------------------- */

/* Reserved property names: refused on every predefined object, with the rule
 * and path course-of-action gives its reserved action; allowed where the
 * names belong to someone else (custom types, extension contents). */
static void test_reserved_property_names(void **state)
{
	static const struct vcase cases[] = {
	    BAD(attack_pattern, "{'severity': 'high'}", CX_RULE_FORBIDDEN, "severity"),
	    BAD(indicator, "{'action': 'block'}", CX_RULE_FORBIDDEN, "action"),
	    BAD(course_of_action, "{'action': 'block'}", CX_RULE_FORBIDDEN, "action"),
	    BAD(infrastructure, "{'username': 'value'}", CX_RULE_FORBIDDEN, "username"),
	    BAD(identity, "{'phone_number': '555-0100'}", CX_RULE_FORBIDDEN, "phone_number"),
	    BAD(identity, "{'phone_numbers': ['555-0100']}", CX_RULE_FORBIDDEN, "phone_numbers"),
	    BAD(identity, "{'addresses': ['1 Main St']}", CX_RULE_FORBIDDEN, "addresses"),
	    BAD(campaign, "{'first_seen_precision': 'day'}", CX_RULE_FORBIDDEN,
	        "first_seen_precision"),
	    BAD(relationship, "{'usernames': ['root']}", CX_RULE_FORBIDDEN, "usernames"),
	    BAD(sighting, "{'severity': 3}", CX_RULE_FORBIDDEN, "severity"),
	    BAD(marking_statement, "{'severity': 'low'}", CX_RULE_FORBIDDEN, "severity"),
	    BAD(language_content, "{'action': 'x'}", CX_RULE_FORBIDDEN, "action"),
	    BAD(extension_definition, "{'username': 'x'}", CX_RULE_FORBIDDEN, "username"),
	    /* Names that merely resemble them are ordinary custom properties. */
	    VALID(attack_pattern, "{'x_acme_severity': 'high', 'severity_score': 3}"),
	    /* A type declared by an extension-definition defines its own names. */
	    VALID(new_sdo, "{'severity': 'high', 'action': 'block'}"),
	    VALID(new_sco, "{'username': 'root'}"),
	    /* So does the extension inside its own value. */
	    VALID(attack_pattern, "{'extensions': {'" EXTDEF "':"
	                          "{'extension_type': 'property-extension', 'severity': 5}}}"),
	};
	(void)state;
	RUN(cases);
}

/* STIX 2.1 section 2.10: integers lie in [-(2^53)+1, (2^53)-1], whatever wider
 * bounds a caller asks for. */
static void test_integers_stay_within_53_bits(void **state)
{
	static const struct vcase cases[] = {
	    BAD(observed_data, "{'number_observed': 9007199254740992}", CX_RULE_RANGE,
	        "number_observed"),
	    BAD(sighting, "{'count': -9007199254740992}", CX_RULE_RANGE, "count"),
	};
	struct cx_stix_error err;
	json_t *o = load("{'max': 9007199254740991, 'min': -9007199254740991,"
	                 " 'over': 9007199254740992, 'under': -9007199254740992,"
	                 " 'huge': 9223372036854775807}");
	json_int_t v = 0;

	(void)state;
	RUN(cases);
	assert_int_equal(cx_v_integer(o, "", "max", 0, INT64_MIN, INT64_MAX, &v, &err), 0);
	assert_true(v == CX_V_INT_MAX);
	assert_int_equal(cx_v_integer(o, "", "min", 0, INT64_MIN, INT64_MAX, &v, &err), 0);
	assert_true(v == CX_V_INT_MIN);
	assert_int_equal(cx_v_integer(o, "x", "over", 0, INT64_MIN, INT64_MAX, NULL, &err),
	                 -EINVAL);
	assert_string_equal(err.rule, CX_RULE_RANGE);
	assert_string_equal(err.property, "x.over");
	assert_int_equal(cx_v_integer(o, "", "under", 0, INT64_MIN, 0, NULL, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_RANGE);
	assert_string_equal(err.property, "under");
	assert_int_equal(cx_v_integer(o, "", "huge", 0, 0, INT64_MAX, NULL, &err), -EINVAL);
	assert_string_equal(err.property, "huge");
	/* Narrower bounds still apply. */
	assert_int_equal(cx_v_integer(o, "", "max", 0, 0, 100, NULL, &err), -EINVAL);
	json_decref(o);
}

/* STIX 2.1 section 2.8: hex digits are 0-9 and lower-case a-f. */
static void test_hex_is_lower_case(void **state)
{
	struct cx_stix_error err;
	json_t *o = load("{'lower': '0aff', 'upper': '0AFF', 'mixed': 'aBcd', 'odd': 'abc',"
	                 " 'prefix': '0x0a'}");

	(void)state;
	assert_int_equal(cx_v_hex(o, "", "lower", 0, &err), 0);
	assert_int_equal(cx_v_hex(o, "ext", "upper", 0, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_FORMAT);
	assert_string_equal(err.property, "ext.upper");
	assert_int_equal(cx_v_hex(o, "", "mixed", 0, &err), -EINVAL);
	assert_string_equal(err.property, "mixed");
	assert_int_equal(cx_v_hex(o, "", "odd", 0, &err), -EINVAL);
	assert_int_equal(cx_v_hex(o, "", "prefix", 0, &err), -EINVAL);
	json_decref(o);
}

/* Hash algorithm names of 3 to 250 characters, in external references as in
 * observables (where the name must also be a hash-algorithm-ov one). */
static void test_hash_names_are_3_to_250_characters(void **state)
{
	static const struct vcase cases[] = {
	    BAD(attack_pattern,
	        "{'external_references': [{'source_name': 'x', 'url': 'https://a.example/',"
	        " 'hashes': {'ab': '00'}}]}",
	        CX_RULE_PROPERTY_NAME, "external_references[0].hashes.ab"),
	    BAD(attack_pattern,
	        "{'external_references': [{'source_name': 'x', 'url': 'https://a.example/',"
	        " 'hashes': {'abc': '00'}}]}",
	        CX_RULE_VOCAB, "external_references[0].hashes.abc"),
	};
	struct cx_stix_error err;
	json_t *o = load("{'h': {'SHA-256': '" SHA256 "', 'x_': 'v'}, 'ok': {'x_a': 'v'}}");

	(void)state;
	RUN(cases);
	assert_int_equal(cx_v_hashes(o, "", "ok", 0, &err), 0);
	assert_int_equal(cx_v_hashes(o, "obj", "h", 0, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_PROPERTY_NAME);
	assert_string_equal(err.property, "obj.h.x_");
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spec_examples_are_valid),
	    cmocka_unit_test(test_type_and_id),
	    cmocka_unit_test(test_created_modified),
	    cmocka_unit_test(test_optional_common_properties),
	    cmocka_unit_test(test_external_references),
	    cmocka_unit_test(test_granular_markings),
	    cmocka_unit_test(test_extensions_and_custom_properties),
	    cmocka_unit_test(test_custom_property_name_length),
	    cmocka_unit_test(test_sdo_required_properties),
	    cmocka_unit_test(test_sdo_property_types),
	    cmocka_unit_test(test_sdo_rules),
	    cmocka_unit_test(test_indicator_stix_pattern_is_parsed),
	    cmocka_unit_test(test_relationship),
	    cmocka_unit_test(test_sighting),
	    cmocka_unit_test(test_marking_definition),
	    cmocka_unit_test(test_language_content),
	    cmocka_unit_test(test_extension_definition),
	    cmocka_unit_test(test_custom_objects),
	    cmocka_unit_test(test_extension_hook),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_not_an_object),
	    cmocka_unit_test(test_nul_in_string_is_refused),
	    cmocka_unit_test(test_number_unreadable_in_canonical_form_is_refused),
	    cmocka_unit_test(test_bundle),
	    cmocka_unit_test(test_kind_of),
	    cmocka_unit_test(test_name_syntax),
	    cmocka_unit_test(test_lang_tags),
	    cmocka_unit_test(test_hash_formats),
	    cmocka_unit_test(test_typed_helpers_report_nested_paths),
	    cmocka_unit_test(test_reserved_property_names),
	    cmocka_unit_test(test_integers_stay_within_53_bits),
	    cmocka_unit_test(test_hex_is_lower_case),
	    cmocka_unit_test(test_hash_names_are_3_to_250_characters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
