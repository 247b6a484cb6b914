/* Unit tests for the STIX 2.1 cyber-observable validators (validate_sco.c).
 *
 * Each case starts from a valid object (most are the examples of section 6
 * of the specification), optionally applies an RFC 7386 merge patch to it
 * (null deletes a property; a list of patches applies them in turn) and
 * checks the outcome twice: through
 * cx_stix_validate_sco_type(), the type-specific entry point, and through
 * the public cx_stix_validate(), so that the whole path is covered. Both
 * must agree on the rule code and on the JSON path of the property.
 *
 * Documents are written with single quotes to keep them readable in C; they
 * become double quotes before parsing, so no test string holds an
 * apostrophe. */
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

#define ID_ARTIFACT "artifact--164b3833-74b9-5486-85a0-f794d447337e"
#define ID_ARTIFACT2 "artifact--0dae2f1c-5fc3-5999-ad7b-69505d09efb4"
#define ID_AS "autonomous-system--d0f5a1fa-5966-504a-9b2d-d307da948db8"
#define ID_DIR "directory--debfb3f4-171a-568e-b9a4-6de1301d6cbd"
#define ID_DOMAIN "domain-name--bf6f655c-59fc-53a6-ad38-1d29be1b1ab2"
#define ID_EMAIL "email-addr--a01a224c-b3cb-5c43-a3ac-d5e370b8a969"
#define ID_EMAIL2 "email-addr--13a488bf-b2d6-5c59-8f7e-1ee8f78d26e1"
#define ID_MSG "email-message--74fd3987-6be8-5063-aaef-788ed2880f35"
#define ID_MSG2 "email-message--25488b0d-6c21-53f1-8a6e-69b72471bb7a"
#define ID_FILE "file--ec166cc8-d576-5df0-90b4-8448b2058a46"
#define ID_FILE2 "file--fc730d53-539e-59df-bbb5-67543e646d60"
#define ID_FILE3 "file--cfc57b54-abdc-5f58-bd3c-6aea971c8aad"
#define ID_IPV4 "ipv4-addr--67588a31-8669-586d-a6f6-2d2ba0decf55"
#define ID_IPV4B "ipv4-addr--855ff923-4819-5a10-bee8-23eb28a8a7f7"
#define ID_IPV6 "ipv6-addr--01e227ab-723c-5aec-bd6e-e158c791ba36"
#define ID_MAC "mac-addr--23a94ccc-8803-5854-b19f-8ce9b3977fc1"
#define ID_MUTEX "mutex--18debe92-c117-552b-b52a-e7a2ed0b6f56"
#define ID_NT "network-traffic--ca7b6681-7c55-5cf5-9692-3f3824c1eb2b"
#define ID_NT2 "network-traffic--c718e33b-4de5-5eca-abec-43de4ea9e5bc"
#define ID_PROCESS "process--2726f272-fdbf-5c0f-820f-2355e8ac65eb"
#define ID_SOFTWARE "software--f853c3e3-35fd-5278-ba52-3813fe152943"
#define ID_URL "url--22220ce6-ce59-5e64-aa64-93e568d2188c"
#define ID_USER "user-account--ee1a573f-60d1-50c3-b3d2-f3fd28513034"
#define ID_REGKEY "windows-registry-key--00f81dd7-3021-51b9-a9e9-63f992f7b45e"
#define ID_X509 "x509-certificate--7ae7feb6-6215-5b89-bbdf-cd88fe799613"
#define ID_IDENTITY "identity--6388d64b-2db6-56db-b636-5bfa412346d4"
#define ID_EXTDEF "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e"

#define SHA256 "ceafbfd424be2ca4a5f0402cae090dda2fb0526cf521b60b60077c0f622b285a"
#define MD5 "6b885a1e1d42c0ca66e5f8a17e5a5d29"

/* ---- Harness ---------------------------------------------------------------- */

static json_t *load(int line, const char *text)
{
	char *s = strdup(text);
	json_error_t jerr;
	json_t *j;

	assert_non_null(s);
	for (char *p = s; *p; p++) {
		if (*p == '\'')
			*p = '"';
	}
	j = json_loads(s, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		fail_msg("line %d: test document is not JSON: %s: %s", line, jerr.text, s);
	free(s);
	return j;
}

/* RFC 7386 JSON merge patch. */
static void merge(json_t *target, json_t *patch)
{
	for (void *it = json_object_iter(patch); it; it = json_object_iter_next(patch, it)) {
		const char *k = json_object_iter_key(it);
		json_t *v = json_object_iter_value(it);
		json_t *t = json_object_get(target, k);

		if (json_is_null(v))
			json_object_del(target, k);
		else if (json_is_object(v) && json_is_object(t))
			merge(t, v);
		else
			json_object_set(target, k, v);
	}
}

static void check_one(int line, const char *via, int rc, const struct cx_stix_error *err,
                      const char *rule, const char *property, const char *doc)
{
	if (!rule) {
		if (rc != 0)
			fail_msg("line %d (%s): expected valid, got %s at '%s': %s\n%s", line, via,
			         err->rule, err->property, err->message, doc);
		return;
	}
	if (rc != -EINVAL || strcmp(err->rule, rule) != 0 || strcmp(err->property, property) != 0)
		fail_msg("line %d (%s): expected %s at '%s', got rc %d, %s at '%s': %s\n%s", line,
		         via, rule, property, rc, err->rule, err->property, err->message, doc);
}

/* Validate base (patched by patch when not NULL) both ways; rule NULL means
 * the object must be valid. */
static void expect(int line, const char *base, const char *patch, const char *rule,
                   const char *property)
{
	json_t *obj = load(line, base);
	struct cx_stix_error err;
	char *doc;
	int rc;

	if (patch) {
		json_t *p = load(line, patch);

		if (json_is_array(p)) {
			for (size_t i = 0; i < json_array_size(p); i++)
				merge(obj, json_array_get(p, i));
		} else {
			merge(obj, p);
		}
		json_decref(p);
	}
	doc = json_dumps(obj, JSON_COMPACT);
	assert_non_null(doc);

	cx_stix_error_clear(&err);
	rc = cx_stix_validate_sco_type(json_string_value(json_object_get(obj, "type")), obj, &err);
	check_one(line, "sco", rc, &err, rule, property, doc);

	cx_stix_error_clear(&err);
	rc = cx_stix_validate(obj, NULL, &err);
	check_one(line, "validate", rc, &err, rule, property, doc);

	free(doc);
	json_decref(obj);
}

#define VALID(base, patch) expect(__LINE__, (base), (patch), NULL, NULL)
#define INVALID(base, patch, rule, property) expect(__LINE__, (base), (patch), (rule), (property))

/* ---- Type names ----------------------------------------------------------- */

static void test_sco_type_names_are_the_eighteen_of_stix_2_1(void **state)
{
	static const char *const scos[] = {"artifact",
	                                   "autonomous-system",
	                                   "directory",
	                                   "domain-name",
	                                   "email-addr",
	                                   "email-message",
	                                   "file",
	                                   "ipv4-addr",
	                                   "ipv6-addr",
	                                   "mac-addr",
	                                   "mutex",
	                                   "network-traffic",
	                                   "process",
	                                   "software",
	                                   "url",
	                                   "user-account",
	                                   "windows-registry-key",
	                                   "x509-certificate"};
	struct cx_stix_error err;
	json_t *obj = json_object();

	(void)state;
	for (size_t i = 0; i < sizeof(scos) / sizeof(scos[0]); i++)
		assert_true(cx_stix_is_sco_type(scos[i]));
	assert_false(cx_stix_is_sco_type("indicator"));
	assert_false(cx_stix_is_sco_type("x-acme-widget"));
	assert_false(cx_stix_is_sco_type("file-ext"));
	assert_false(cx_stix_is_sco_type(""));
	assert_false(cx_stix_is_sco_type(NULL));

	cx_stix_error_clear(&err);
	assert_int_equal(cx_stix_validate_sco_type("indicator", obj, &err), -EINVAL);
	assert_string_equal(err.rule, CX_RULE_TYPE_NAME);
	assert_string_equal(err.property, "type");
	json_decref(obj);
}

/* ---- 6.1 Artifact --------------------------------------------------------- */

static const char artifact_doc[] =
    "{'type': 'artifact', 'spec_version': '2.1', 'id': '" ID_ARTIFACT "',"
    " 'mime_type': 'application/zip',"
    " 'payload_bin': 'VGhpcyBpcyBhIHBsYWNlaG9sZGVyIGZvciBhIHNhbXBsZSE=',"
    " 'encryption_algorithm': 'mime-type-indicated',"
    " 'decryption_key': 'My voice is my passport'}";

static void test_sco_artifact(void **state)
{
	(void)state;
	VALID(artifact_doc, NULL);
	VALID(artifact_doc, "{'payload_bin': null, 'url': 'https://example.com/sample.zip',"
	                    " 'hashes': {'SHA-256': '" SHA256 "'}}");
	VALID(artifact_doc, "{'encryption_algorithm': 'AES-256-GCM', 'decryption_key': null}");

	INVALID(artifact_doc,
	        "{'url': 'https://example.com/sample.zip', 'hashes': {'MD5': '" MD5 "'}}",
	        CX_RULE_DEPENDENCY, "url");
	INVALID(artifact_doc, "{'payload_bin': null}", CX_RULE_REQUIRED, "payload_bin");
	INVALID(artifact_doc, "{'payload_bin': null, 'url': 'https://example.com/a.zip'}",
	        CX_RULE_DEPENDENCY, "hashes");
	INVALID(artifact_doc, "{'encryption_algorithm': null}", CX_RULE_DEPENDENCY,
	        "decryption_key");
	INVALID(artifact_doc, "{'encryption_algorithm': 'rot13'}", CX_RULE_VOCAB,
	        "encryption_algorithm");
	INVALID(artifact_doc, "{'payload_bin': 'not base64!'}", CX_RULE_FORMAT, "payload_bin");
	INVALID(artifact_doc,
	        "{'payload_bin': null, 'url': 'not a url', 'hashes': {'MD5': '" MD5 "'}}",
	        CX_RULE_FORMAT, "url");
	INVALID(artifact_doc, "{'hashes': {'MD5': 'xyz'}}", CX_RULE_FORMAT, "hashes.MD5");
	INVALID(artifact_doc, "{'hashes': {}}", CX_RULE_EMPTY, "hashes");
	INVALID(artifact_doc, "{'mime_type': 42}", CX_RULE_TYPE, "mime_type");
}

/* Custom properties on an SCO follow the custom property rules, and common
 * properties that SCOs do not have are refused. */
static void test_sco_custom_and_forbidden_properties(void **state)
{
	(void)state;
	VALID(artifact_doc, "{'x_acme_note': 'kept'}");
	INVALID(artifact_doc, "{'Bad-Name': 1}", CX_RULE_PROPERTY_NAME, "Bad-Name");
	INVALID(artifact_doc, "{'created': '2016-01-20T12:31:12Z'}", CX_RULE_FORBIDDEN, "created");
}

/* ---- 6.2 Autonomous System ----------------------------------------------- */

static const char as_doc[] = "{'type': 'autonomous-system', 'spec_version': '2.1', 'id': '" ID_AS
                             "', 'number': 15139, 'name': 'Slime Industries', 'rir': 'ARIN'}";

static void test_sco_autonomous_system(void **state)
{
	(void)state;
	VALID(as_doc, NULL);
	VALID(as_doc, "{'name': null, 'rir': null}");
	INVALID(as_doc, "{'number': null}", CX_RULE_REQUIRED, "number");
	INVALID(as_doc, "{'number': '15139'}", CX_RULE_TYPE, "number");
	INVALID(as_doc, "{'number': 15139.5}", CX_RULE_TYPE, "number");
	INVALID(as_doc, "{'rir': ['ARIN']}", CX_RULE_TYPE, "rir");
}

/* ---- 6.3 Directory -------------------------------------------------------- */

static const char dir_doc[] = "{'type': 'directory', 'spec_version': '2.1', 'id': '" ID_DIR "',"
                              " 'path': 'C:\\\\Windows\\\\System32',"
                              " 'ctime': '2018-11-23T08:17:27.000Z',"
                              " 'contains_refs': ['" ID_FILE "', '" ID_DIR "']}";

static void test_sco_directory(void **state)
{
	(void)state;
	VALID(dir_doc, NULL);
	INVALID(dir_doc, "{'path': null}", CX_RULE_REQUIRED, "path");
	INVALID(dir_doc, "{'path': ''}", CX_RULE_EMPTY, "path");
	INVALID(dir_doc, "{'mtime': '2018-11-23 08:17:27'}", CX_RULE_TIMESTAMP, "mtime");
	INVALID(dir_doc, "{'contains_refs': ['" ID_FILE "', '" ID_IPV4 "']}", CX_RULE_REF_TYPE,
	        "contains_refs[1]");
	INVALID(dir_doc, "{'contains_refs': []}", CX_RULE_EMPTY, "contains_refs");
	INVALID(dir_doc, "{'contains_refs': ['file--nope']}", CX_RULE_IDENTIFIER,
	        "contains_refs[0]");
}

/* ---- 6.4 Domain Name ------------------------------------------------------- */

static const char domain_doc[] =
    "{'type': 'domain-name', 'spec_version': '2.1', 'id': '" ID_DOMAIN "', 'value': 'example.com',"
    " 'resolves_to_refs': ['" ID_IPV4 "', '" ID_IPV6 "', '" ID_DOMAIN "']}";

static void test_sco_domain_name(void **state)
{
	(void)state;
	VALID(domain_doc, NULL);
	VALID(domain_doc, "{'value': '_dmarc.mail.example.com.'}");
	VALID(domain_doc, "{'value': 'b\\u00fccher.example'}");
	INVALID(domain_doc, "{'value': null}", CX_RULE_REQUIRED, "value");
	INVALID(domain_doc, "{'value': 'exa mple.com'}", CX_RULE_FORMAT, "value");
	INVALID(domain_doc, "{'value': '-bad.example.com'}", CX_RULE_FORMAT, "value");
	INVALID(domain_doc, "{'value': 'a..example.com'}", CX_RULE_FORMAT, "value");
	INVALID(domain_doc, "{'value': 'https://example.com/'}", CX_RULE_FORMAT, "value");
	INVALID(domain_doc,
	        "{'value': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com'}",
	        CX_RULE_FORMAT, "value");
	INVALID(domain_doc, "{'resolves_to_refs': ['" ID_MAC "']}", CX_RULE_REF_TYPE,
	        "resolves_to_refs[0]");
}

/* ---- 6.5 Email Address ------------------------------------------------------- */

static const char email_addr_doc[] =
    "{'type': 'email-addr', 'spec_version': '2.1', 'id': '" ID_EMAIL
    "', 'value': 'john@example.com', 'display_name': 'John Doe',"
    " 'belongs_to_ref': '" ID_USER "'}";

static void test_sco_email_addr(void **state)
{
	(void)state;
	VALID(email_addr_doc, NULL);
	VALID(email_addr_doc, "{'value': 'first.last+tag@sub.example.org'}");
	VALID(email_addr_doc, "{'value': 'postmaster@[198.51.100.3]'}");
	VALID(email_addr_doc, "{'value': '\\\"john doe\\\"@example.com'}");
	INVALID(email_addr_doc, "{'value': null}", CX_RULE_REQUIRED, "value");
	INVALID(email_addr_doc, "{'value': 'John Doe <john@example.com>'}", CX_RULE_FORMAT,
	        "value");
	INVALID(email_addr_doc, "{'value': 'john'}", CX_RULE_FORMAT, "value");
	INVALID(email_addr_doc, "{'value': 'john@'}", CX_RULE_FORMAT, "value");
	INVALID(email_addr_doc, "{'value': 'john..doe@example.com'}", CX_RULE_FORMAT, "value");
	INVALID(email_addr_doc, "{'value': 'john@[198.51.100.3'}", CX_RULE_FORMAT, "value");
	INVALID(email_addr_doc, "{'value': 'john@exa mple.com'}", CX_RULE_FORMAT, "value");
	INVALID(email_addr_doc, "{'belongs_to_ref': '" ID_IDENTITY "'}", CX_RULE_REF_TYPE,
	        "belongs_to_ref");
}

/* ---- 6.6 Email Message -------------------------------------------------------- */

static const char email_msg_doc[] =
    "{'type': 'email-message', 'spec_version': '2.1', 'id': '" ID_MSG "',"
    " 'from_ref': '" ID_EMAIL "', 'to_refs': ['" ID_EMAIL2 "'],"
    " 'is_multipart': false, 'date': '1997-11-21T15:55:06.000Z',"
    " 'subject': 'Saying Hello'}";

static const char email_multipart_doc[] =
    "{'type': 'email-message', 'spec_version': '2.1', 'id': '" ID_MSG2 "',"
    " 'is_multipart': true,"
    " 'received_lines': ['from mail.example.com ([198.51.100.3]) by smtp.gmail.com'],"
    " 'content_type': 'multipart/mixed', 'date': '2016-06-19T14:20:40.000Z',"
    " 'from_ref': '" ID_EMAIL "', 'to_refs': ['" ID_EMAIL2 "'], 'cc_refs': ['" ID_EMAIL "'],"
    " 'subject': 'Check out this picture of a cat!',"
    " 'additional_header_fields': {'Content-Disposition': ['inline'],"
    "   'X-Mailer': ['Mutt/1.5.23'], 'X-Originating-IP': ['198.51.100.3']},"
    " 'body_multipart': ["
    "   {'content_type': 'text/plain; charset=utf-8', 'content_disposition': 'inline',"
    "    'body': 'Cats are funny!'},"
    "   {'content_type': 'image/png', 'content_disposition': 'attachment',"
    "    'body_raw_ref': '" ID_ARTIFACT "'},"
    "   {'content_type': 'application/zip', 'content_disposition': 'attachment',"
    "    'body_raw_ref': '" ID_FILE "'}]}";

static void test_sco_email_message(void **state)
{
	(void)state;
	VALID(email_msg_doc, NULL);
	VALID(email_msg_doc, "{'body': 'Hello', 'raw_email_ref': '" ID_ARTIFACT "',"
	                     " 'bcc_refs': ['" ID_EMAIL2 "'], 'sender_ref': '" ID_EMAIL "'}");
	VALID(email_multipart_doc, NULL);
	/* The list form the text of 6.6 asks for, for a repeated header. */
	VALID(email_multipart_doc,
	      "{'additional_header_fields': {'Reply-To': ['a@example.com', 'b@example.com']}}");

	VALID(email_msg_doc, "{'subject': 'x=?y?=z and =?not a word?='}");
	INVALID(email_msg_doc, "{'subject': '=?iso-8859-1?q?this=20is=20some=20text?='}",
	        CX_RULE_FORMAT, "subject");
	INVALID(email_msg_doc, "{'content_type': 'text/plain; name==?UTF-8?B?w7w=?='}",
	        CX_RULE_FORMAT, "content_type");
	INVALID(email_msg_doc, "{'is_multipart': null}", CX_RULE_REQUIRED, "is_multipart");
	INVALID(email_msg_doc, "{'is_multipart': 'false'}", CX_RULE_TYPE, "is_multipart");
	INVALID(email_msg_doc, "{'date': '1997-11-21'}", CX_RULE_TIMESTAMP, "date");
	INVALID(email_msg_doc, "{'from_ref': '" ID_FILE "'}", CX_RULE_REF_TYPE, "from_ref");
	INVALID(email_msg_doc, "{'to_refs': ['" ID_EMAIL "', '" ID_USER "']}", CX_RULE_REF_TYPE,
	        "to_refs[1]");
	INVALID(email_msg_doc, "{'cc_refs': []}", CX_RULE_EMPTY, "cc_refs");
	INVALID(email_msg_doc, "{'raw_email_ref': '" ID_FILE "'}", CX_RULE_REF_TYPE,
	        "raw_email_ref");
	INVALID(email_msg_doc, "{'received_lines': ['ok', 3]}", CX_RULE_TYPE, "received_lines[1]");
	INVALID(email_msg_doc, "{'body_multipart': [{'body': 'x'}]}", CX_RULE_DEPENDENCY,
	        "body_multipart");
	INVALID(email_multipart_doc, "{'body': 'Cats'}", CX_RULE_DEPENDENCY, "body");
	INVALID(email_multipart_doc, "{'additional_header_fields': {'X-Mailer': 5}}", CX_RULE_TYPE,
	        "additional_header_fields.X-Mailer");
	INVALID(email_multipart_doc, "{'additional_header_fields': {'X-Mailer': []}}",
	        CX_RULE_EMPTY, "additional_header_fields.X-Mailer");
	INVALID(email_multipart_doc, "{'additional_header_fields': {'X-Mailer': ['a', 1]}}",
	        CX_RULE_TYPE, "additional_header_fields.X-Mailer[1]");
}

/* The mime-part-type entries of body_multipart (6.6.2). */
static void test_sco_email_message_mime_parts(void **state)
{
	(void)state;
	INVALID(email_multipart_doc,
	        "{'body_multipart': [{'body': 'a'}, {'body': 'b', 'body_raw_ref': '" ID_FILE "'}]}",
	        CX_RULE_DEPENDENCY, "body_multipart[1].body_raw_ref");
	INVALID(email_multipart_doc, "{'body_multipart': [{'content_type': 'text/plain'}]}",
	        CX_RULE_REQUIRED, "body_multipart[0].body");
	INVALID(email_multipart_doc,
	        "{'body_multipart': [{'body': 'a'}, {'body_raw_ref': '" ID_IPV4 "'}]}",
	        CX_RULE_REF_TYPE, "body_multipart[1].body_raw_ref");
	INVALID(email_multipart_doc, "{'body_multipart': ['text']}", CX_RULE_TYPE,
	        "body_multipart[0]");
	INVALID(email_multipart_doc, "{'body_multipart': []}", CX_RULE_EMPTY, "body_multipart");
	INVALID(email_multipart_doc,
	        "{'body_multipart': [{'body': 'a', 'content_disposition':"
	        " 'attachment; filename==?utf-8?Q?caf=C3=A9.txt?='}]}",
	        CX_RULE_FORMAT, "body_multipart[0].content_disposition");
	INVALID(email_multipart_doc,
	        "{'body_multipart': [{'body': 'a', 'content_disposition': 7}]}", CX_RULE_TYPE,
	        "body_multipart[0].content_disposition");
	INVALID(email_multipart_doc, "{'body_multipart': [{'body': 'a', 'Odd': 1}]}",
	        CX_RULE_PROPERTY_NAME, "body_multipart[0].Odd");
}

/* ---- 6.7 File ----------------------------------------------------------------- */

static const char file_doc[] = "{'type': 'file', 'spec_version': '2.1', 'id': '" ID_FILE "',"
                               " 'hashes': {'SHA-256': '" SHA256 "'},"
                               " 'parent_directory_ref': '" ID_DIR "', 'name': 'qwerty.dll'}";

static void test_sco_file(void **state)
{
	(void)state;
	VALID(file_doc, NULL);
	VALID(file_doc, "{'hashes': null}");
	VALID(file_doc, "{'name': null}");
	VALID(file_doc,
	      "{'size': 0, 'magic_number_hex': 'ffd8', 'mime_type': 'image/jpeg',"
	      " 'ctime': '2016-01-20T12:31:12Z', 'mtime': '2016-01-20T12:31:12.123Z',"
	      " 'atime': '2016-01-20T12:31:12Z', 'content_ref': '" ID_ARTIFACT "',"
	      " 'contains_refs': ['" ID_IPV4 "', '" ID_FILE2 "'], 'name_enc': 'windows-1251'}");
	VALID(file_doc, "{'hashes': {'SHA-256': '" SHA256 "', 'x-custom-hash': 'anything'}}");

	INVALID(file_doc, "{'hashes': null, 'name': null}", CX_RULE_REQUIRED, "hashes");
	INVALID(file_doc, "{'size': -1}", CX_RULE_RANGE, "size");
	INVALID(file_doc, "{'size': '12'}", CX_RULE_TYPE, "size");
	INVALID(file_doc, "{'magic_number_hex': 'ffd'}", CX_RULE_FORMAT, "magic_number_hex");
	INVALID(file_doc, "{'hashes': {'SHA-256': 'zz'}}", CX_RULE_FORMAT, "hashes.SHA-256");
	INVALID(file_doc, "{'parent_directory_ref': '" ID_FILE2 "'}", CX_RULE_REF_TYPE,
	        "parent_directory_ref");
	INVALID(file_doc, "{'content_ref': '" ID_FILE2 "'}", CX_RULE_REF_TYPE, "content_ref");
	INVALID(file_doc, "{'contains_refs': ['" ID_IDENTITY "']}", CX_RULE_REF_TYPE,
	        "contains_refs[0]");
	INVALID(file_doc, "{'atime': '2016-01-20T12:31:12+01:00'}", CX_RULE_TIMESTAMP, "atime");
	INVALID(file_doc, "{'name': 7}", CX_RULE_TYPE, "name");
}

/* Only predefined extensions of the type may use a bare key; any other key
 * must be an extension-definition id. */
static void test_sco_extension_keys(void **state)
{
	(void)state;
	VALID(file_doc, "{'extensions': {'" ID_EXTDEF "': {'extension_type': 'property-extension',"
	                " 'rank': 5}}}");
	INVALID(file_doc, "{'extensions': {'foo-ext': {'a': 1}}}", CX_RULE_EXTENSION,
	        "extensions.foo-ext");
	INVALID(file_doc, "{'extensions': {'tcp-ext': {'src_flags_hex': '02'}}}", CX_RULE_EXTENSION,
	        "extensions.tcp-ext");
	INVALID(file_doc, "{'extensions': {'ntfs-ext': 'sid'}}", CX_RULE_TYPE,
	        "extensions.ntfs-ext");
	VALID(file_doc, "{'extensions': {'ntfs-ext': {'sid': 'S-1-5-18', 'x_acme_flag': true}}}");
	INVALID(file_doc, "{'extensions': {'ntfs-ext': {'sid': 'S-1-5-18', 'X': true}}}",
	        CX_RULE_PROPERTY_NAME, "extensions.ntfs-ext.X");
}

static void test_sco_file_ntfs_ext(void **state)
{
	(void)state;
	VALID(file_doc, "{'name': 'abc.txt', 'extensions': {'ntfs-ext': {'alternate_data_streams':"
	                " [{'name': 'second.stream', 'size': 25536,"
	                " 'hashes': {'MD5': '" MD5 "'}}]}}}");
	INVALID(file_doc, "{'extensions': {'ntfs-ext': {}}}", CX_RULE_REQUIRED,
	        "extensions.ntfs-ext");
	INVALID(file_doc, "{'extensions': {'ntfs-ext': {'alternate_data_streams': [{'size': 1}]}}}",
	        CX_RULE_REQUIRED, "extensions.ntfs-ext.alternate_data_streams[0].name");
	INVALID(file_doc,
	        "{'extensions': {'ntfs-ext': {'alternate_data_streams':"
	        " [{'name': 'a'}, {'name': 'b', 'size': -5}]}}}",
	        CX_RULE_RANGE, "extensions.ntfs-ext.alternate_data_streams[1].size");
	INVALID(file_doc, "{'extensions': {'ntfs-ext': {'alternate_data_streams': []}}}",
	        CX_RULE_EMPTY, "extensions.ntfs-ext.alternate_data_streams");
}

static void test_sco_file_raster_image_ext(void **state)
{
	(void)state;
	VALID(file_doc, "{'name': 'picture.jpg', 'extensions': {'raster-image-ext': {'exif_tags':"
	                " {'Make': 'Nikon', 'Model': 'D7000', 'XResolution': 4928,"
	                " 'YResolution': 3264}}}}");
	VALID(file_doc, "{'extensions': {'raster-image-ext': {'image_height': 768,"
	                " 'image_width': 1024, 'bits_per_pixel': 72}}}");
	INVALID(file_doc, "{'extensions': {'raster-image-ext': {}}}", CX_RULE_REQUIRED,
	        "extensions.raster-image-ext");
	INVALID(file_doc, "{'extensions': {'raster-image-ext': {'exif_tags': {'Make': true}}}}",
	        CX_RULE_TYPE, "extensions.raster-image-ext.exif_tags.Make");
	INVALID(file_doc, "{'extensions': {'raster-image-ext': {'image_height': '768'}}}",
	        CX_RULE_TYPE, "extensions.raster-image-ext.image_height");
}

static void test_sco_file_pdf_ext(void **state)
{
	(void)state;
	VALID(file_doc,
	      "{'name': 'foo.pdf', 'extensions': {'pdf-ext': {'version': '1.7',"
	      " 'document_info_dict': {'Title': 'Sample document',"
	      " 'Author': 'Adobe Systems Incorporated',"
	      " 'CreationDate': '20070412090123-02'},"
	      " 'pdfid0': 'DFCE52BD827ECF765649852119D', 'pdfid1': '57A1E0F9ED2AE523E313C'}}}");
	VALID(file_doc, "{'extensions': {'pdf-ext': {'is_optimized': false}}}");
	INVALID(file_doc, "{'extensions': {'pdf-ext': {}}}", CX_RULE_REQUIRED,
	        "extensions.pdf-ext");
	INVALID(file_doc, "{'extensions': {'pdf-ext': {'document_info_dict': {'Title': 1}}}}",
	        CX_RULE_TYPE, "extensions.pdf-ext.document_info_dict.Title");
	INVALID(file_doc, "{'extensions': {'pdf-ext': {'is_optimized': 'yes'}}}", CX_RULE_TYPE,
	        "extensions.pdf-ext.is_optimized");
}

static void test_sco_file_archive_ext(void **state)
{
	(void)state;
	VALID(file_doc, "{'name': 'foo.zip', 'mime_type': 'application/zip',"
	                " 'extensions': {'archive-ext': {'contains_refs': ['" ID_FILE2
	                "', '" ID_FILE3 "', '" ID_DIR "'], 'comment': 'three'}}}");
	INVALID(file_doc, "{'extensions': {'archive-ext': {'comment': 'empty'}}}", CX_RULE_REQUIRED,
	        "extensions.archive-ext.contains_refs");
	INVALID(file_doc,
	        "{'extensions': {'archive-ext': {'contains_refs': ['" ID_FILE2 "', '" ID_IPV4
	        "']}}}",
	        CX_RULE_REF_TYPE, "extensions.archive-ext.contains_refs[1]");
	INVALID(file_doc, "{'extensions': {'archive-ext': {'contains_refs': []}}}", CX_RULE_EMPTY,
	        "extensions.archive-ext.contains_refs");
}

static const char pe_doc[] =
    "{'type': 'file', 'spec_version': '2.1', 'id': '" ID_FILE3 "', 'name': 'example.exe',"
    " 'extensions': {'windows-pebinary-ext': {"
    "  'pe_type': 'exe', 'machine_hex': '014c', 'number_of_sections': 4,"
    "  'time_date_stamp': '2016-01-22T12:31:12Z', 'pointer_to_symbol_table_hex': '74726144',"
    "  'number_of_symbols': 4542568, 'size_of_optional_header': 224,"
    "  'characteristics_hex': '818f',"
    "  'optional_header': {'magic_hex': '010b', 'major_linker_version': 2,"
    "   'minor_linker_version': 25, 'size_of_code': 512, 'size_of_initialized_data': 283648,"
    "   'size_of_uninitialized_data': 0, 'address_of_entry_point': 4096,"
    "   'base_of_code': 4096, 'base_of_data': 8192, 'image_base': 14548992,"
    "   'section_alignment': 4096, 'file_alignment': 4096, 'major_os_version': 1,"
    "   'minor_os_version': 0, 'major_image_version': 0, 'minor_image_version': 0,"
    "   'major_subsystem_version': 4, 'minor_subsystem_version': 0,"
    "   'win32_version_value_hex': '00', 'size_of_image': 299008, 'size_of_headers': 4096,"
    "   'checksum_hex': '00', 'subsystem_hex': '03', 'dll_characteristics_hex': '00',"
    "   'size_of_stack_reserve': 100000, 'size_of_stack_commit': 8192,"
    "   'size_of_heap_reserve': 100000, 'size_of_heap_commit': 4096,"
    "   'loader_flags_hex': 'abdbffde', 'number_of_rva_and_sizes': 3758087646},"
    "  'sections': [{'name': 'CODE', 'entropy': 0.061089},"
    "   {'name': 'DATA', 'entropy': 7.980693},"
    "   {'name': 'NicolasB', 'entropy': 0.607433},"
    "   {'name': '.idata', 'entropy': 0.607433, 'size': 512,"
    "    'hashes': {'SHA-256': '" SHA256 "'}}]}}}";

#define PE "extensions.windows-pebinary-ext"

static void test_sco_file_windows_pebinary_ext(void **state)
{
	(void)state;
	VALID(pe_doc, NULL);
	VALID(pe_doc, "{'extensions': {'windows-pebinary-ext': {'pe_type': 'x-custom-type',"
	              " 'sections': [{'name': 'CODE', 'entropy': 8}], 'imphash': 'abc'}}}");

	INVALID(pe_doc, "{'extensions': {'windows-pebinary-ext': {'pe_type': null}}}",
	        CX_RULE_REQUIRED, PE ".pe_type");
	INVALID(pe_doc, "{'extensions': {'windows-pebinary-ext': {'pe_type': ''}}}", CX_RULE_EMPTY,
	        PE ".pe_type");
	INVALID(pe_doc,
	        "{'extensions': {'windows-pebinary-ext': {'sections': [{'name': 'CODE'},"
	        " {'name': 'DATA', 'entropy': 9.5}]}}}",
	        CX_RULE_RANGE, PE ".sections[1].entropy");
	INVALID(pe_doc,
	        "{'extensions': {'windows-pebinary-ext': {'sections': [{'name': 'CODE'},"
	        " {'name': 'DATA', 'entropy': 'high'}]}}}",
	        CX_RULE_TYPE, PE ".sections[1].entropy");
	INVALID(pe_doc, "{'extensions': {'windows-pebinary-ext': {'sections': [{'size': 1}]}}}",
	        CX_RULE_REQUIRED, PE ".sections[0].name");
	INVALID(pe_doc,
	        "{'extensions': {'windows-pebinary-ext': {'sections': [{'name': 'a',"
	        " 'size': -1}]}}}",
	        CX_RULE_RANGE, PE ".sections[0].size");
	INVALID(pe_doc,
	        "{'extensions': {'windows-pebinary-ext': {'sections': [{'name': 'a',"
	        " 'hashes': {'SHA-256': '00'}}]}}}",
	        CX_RULE_FORMAT, PE ".sections[0].hashes.SHA-256");
	INVALID(pe_doc,
	        "{'extensions': {'windows-pebinary-ext': {'time_date_stamp':"
	        " '2016-01-22T12:31:12.5Z'}}}",
	        CX_RULE_TIMESTAMP, PE ".time_date_stamp");
	INVALID(pe_doc, "{'extensions': {'windows-pebinary-ext': {'number_of_sections': -1}}}",
	        CX_RULE_RANGE, PE ".number_of_sections");
	INVALID(pe_doc, "{'extensions': {'windows-pebinary-ext': {'number_of_symbols': -1}}}",
	        CX_RULE_RANGE, PE ".number_of_symbols");
	INVALID(pe_doc, "{'extensions': {'windows-pebinary-ext': {'machine_hex': '14c'}}}",
	        CX_RULE_FORMAT, PE ".machine_hex");
	INVALID(pe_doc,
	        "{'extensions': {'windows-pebinary-ext': {'file_header_hashes':"
	        " {'MD5': '00'}}}}",
	        CX_RULE_FORMAT, PE ".file_header_hashes.MD5");
}

/* An extension with nothing but pe_type says nothing: STIX asks for one
 * more property, and an optional header must hold at least one. */
static void test_sco_file_windows_pebinary_ext_needs_content(void **state)
{
	(void)state;
	INVALID(file_doc, "{'extensions': {'windows-pebinary-ext': {'pe_type': 'dll'}}}",
	        CX_RULE_REQUIRED, PE);
	INVALID(file_doc,
	        "{'extensions': {'windows-pebinary-ext': {'pe_type': 'dll',"
	        " 'optional_header': {}}}}",
	        CX_RULE_REQUIRED, PE ".optional_header");
	INVALID(
	    pe_doc,
	    "{'extensions': {'windows-pebinary-ext': {'optional_header': {'size_of_code': -1}}}}",
	    CX_RULE_RANGE, PE ".optional_header.size_of_code");
	INVALID(
	    pe_doc,
	    "{'extensions': {'windows-pebinary-ext': {'optional_header': {'checksum_hex': 'x'}}}}",
	    CX_RULE_FORMAT, PE ".optional_header.checksum_hex");
	INVALID(pe_doc, "{'extensions': {'windows-pebinary-ext': {'optional_header': 3}}}",
	        CX_RULE_TYPE, PE ".optional_header");
}

/* ---- 6.8 to 6.11: addresses and mutex ---------------------------------------- */

static const char ipv4_doc[] = "{'type': 'ipv4-addr', 'spec_version': '2.1', 'id': '" ID_IPV4
                               "', 'value': '198.51.100.3', 'resolves_to_refs': ['" ID_MAC "'],"
                               " 'belongs_to_refs': ['" ID_AS "']}";

static void test_sco_ipv4_addr(void **state)
{
	(void)state;
	VALID(ipv4_doc, NULL);
	VALID(ipv4_doc, "{'value': '198.51.100.0/24'}");
	VALID(ipv4_doc, "{'value': '0.0.0.0/0'}");
	INVALID(ipv4_doc, "{'value': null}", CX_RULE_REQUIRED, "value");
	INVALID(ipv4_doc, "{'value': '198.51.100.300'}", CX_RULE_FORMAT, "value");
	INVALID(ipv4_doc, "{'value': '198.51.100.0/33'}", CX_RULE_FORMAT, "value");
	INVALID(ipv4_doc, "{'value': '198.51.100.0/024'}", CX_RULE_FORMAT, "value");
	INVALID(ipv4_doc, "{'value': '198.51.100.0/'}", CX_RULE_FORMAT, "value");
	INVALID(ipv4_doc, "{'value': '198.051.100.3'}", CX_RULE_FORMAT, "value");
	INVALID(ipv4_doc, "{'value': '2001:db8::1'}", CX_RULE_FORMAT, "value");
	INVALID(ipv4_doc, "{'resolves_to_refs': ['" ID_IPV4B "']}", CX_RULE_REF_TYPE,
	        "resolves_to_refs[0]");
	INVALID(ipv4_doc, "{'belongs_to_refs': ['" ID_DOMAIN "']}", CX_RULE_REF_TYPE,
	        "belongs_to_refs[0]");
}

static const char ipv6_doc[] = "{'type': 'ipv6-addr', 'spec_version': '2.1', 'id': '" ID_IPV6
                               "', 'value': '2001:0db8:85a3:0000:0000:8a2e:0370:7334'}";

static void test_sco_ipv6_addr(void **state)
{
	(void)state;
	VALID(ipv6_doc, NULL);
	VALID(ipv6_doc, "{'value': '2001:0db8::/96'}");
	VALID(ipv6_doc, "{'value': '::ffff:198.51.100.3', 'resolves_to_refs': ['" ID_MAC "'],"
	                " 'belongs_to_refs': ['" ID_AS "']}");
	INVALID(ipv6_doc, "{'value': null}", CX_RULE_REQUIRED, "value");
	INVALID(ipv6_doc, "{'value': '2001:db8::/129'}", CX_RULE_FORMAT, "value");
	INVALID(ipv6_doc, "{'value': '198.51.100.3'}", CX_RULE_FORMAT, "value");
	INVALID(ipv6_doc, "{'value': '2001:db8::g'}", CX_RULE_FORMAT, "value");
	INVALID(ipv6_doc, "{'value': '2001:db8:::1'}", CX_RULE_FORMAT, "value");
	INVALID(ipv6_doc, "{'resolves_to_refs': ['" ID_IPV6 "']}", CX_RULE_REF_TYPE,
	        "resolves_to_refs[0]");
}

static const char mac_doc[] =
    "{'type': 'mac-addr', 'spec_version': '2.1', 'id': '" ID_MAC "', 'value': 'd2:fb:49:24:37:18'}";

static void test_sco_mac_addr(void **state)
{
	(void)state;
	VALID(mac_doc, NULL);
	VALID(mac_doc, "{'value': '00:00:0a:bc:de:f0'}");
	INVALID(mac_doc, "{'value': null}", CX_RULE_REQUIRED, "value");
	INVALID(mac_doc, "{'value': 'D2:FB:49:24:37:18'}", CX_RULE_FORMAT, "value");
	INVALID(mac_doc, "{'value': 'd2-fb-49-24-37-18'}", CX_RULE_FORMAT, "value");
	INVALID(mac_doc, "{'value': '2:fb:49:24:37:18'}", CX_RULE_FORMAT, "value");
	INVALID(mac_doc, "{'value': 'd2:fb:49:24:37:18:00:01'}", CX_RULE_FORMAT, "value");
}

static const char mutex_doc[] =
    "{'type': 'mutex', 'spec_version': '2.1', 'id': '" ID_MUTEX "', 'name': '__CLEANSWEEP__'}";

static void test_sco_mutex(void **state)
{
	(void)state;
	VALID(mutex_doc, NULL);
	INVALID(mutex_doc, "{'name': null}", CX_RULE_REQUIRED, "name");
	INVALID(mutex_doc, "{'name': ''}", CX_RULE_EMPTY, "name");
	INVALID(mutex_doc, "{'name': 5}", CX_RULE_TYPE, "name");
}

/* ---- 6.12 Network Traffic ------------------------------------------------------ */

static const char nt_doc[] =
    "{'type': 'network-traffic', 'spec_version': '2.1', 'id': '" ID_NT "', 'src_ref': '" ID_IPV4
    "', 'dst_ref': '" ID_IPV4B "',"
    " 'protocols': ['ipv4', 'tcp'], 'src_byte_count': 147600,"
    " 'src_packets': 100,"
    " 'ipfix': {'minimumIpTotalLength': 32, 'maximumIpTotalLength': 2556}}";

static void test_sco_network_traffic(void **state)
{
	(void)state;
	VALID(nt_doc, NULL);
	VALID(nt_doc, "{'src_ref': null, 'dst_ref': '" ID_DOMAIN "'}");
	VALID(nt_doc,
	      "{'dst_ref': null, 'src_ref': '" ID_MAC "', 'src_port': 0, 'dst_port': 65535}");
	VALID(nt_doc, "{'start': '2016-01-20T12:31:12Z', 'end': '2016-01-20T12:31:12Z',"
	              " 'is_active': false}");
	VALID(nt_doc,
	      "{'start': '2016-01-20T12:31:12Z', 'is_active': true,"
	      " 'src_payload_ref': '" ID_ARTIFACT "', 'dst_payload_ref': '" ID_ARTIFACT2 "',"
	      " 'encapsulates_refs': ['" ID_NT2 "'], 'encapsulated_by_ref': '" ID_NT2 "',"
	      " 'ipfix': {'protocolIdentifier': 'tcp'}}");

	INVALID(nt_doc, "{'protocols': null}", CX_RULE_REQUIRED, "protocols");
	INVALID(nt_doc, "{'protocols': []}", CX_RULE_EMPTY, "protocols");
	INVALID(nt_doc, "{'protocols': ['tcp', '']}", CX_RULE_EMPTY, "protocols[1]");
	INVALID(nt_doc, "{'src_ref': null, 'dst_ref': null}", CX_RULE_REQUIRED, "src_ref");
	INVALID(nt_doc, "{'src_port': 65536}", CX_RULE_RANGE, "src_port");
	INVALID(nt_doc, "{'dst_port': -1}", CX_RULE_RANGE, "dst_port");
	INVALID(nt_doc, "{'src_byte_count': -1}", CX_RULE_RANGE, "src_byte_count");
	INVALID(nt_doc, "{'dst_packets': 1.5}", CX_RULE_TYPE, "dst_packets");
	INVALID(nt_doc, "{'end': '2016-01-20T12:31:12Z', 'is_active': true}", CX_RULE_DEPENDENCY,
	        "is_active");
	INVALID(nt_doc, "{'start': '2016-01-20T12:31:12.001Z', 'end': '2016-01-20T12:31:12Z'}",
	        CX_RULE_TIME_ORDER, "end");
	INVALID(nt_doc, "{'start': 'yesterday'}", CX_RULE_TIMESTAMP, "start");
	INVALID(nt_doc, "{'src_ref': '" ID_FILE "'}", CX_RULE_REF_TYPE, "src_ref");
	INVALID(nt_doc, "{'dst_ref': '" ID_USER "'}", CX_RULE_REF_TYPE, "dst_ref");
	INVALID(nt_doc, "{'src_payload_ref': '" ID_FILE "'}", CX_RULE_REF_TYPE, "src_payload_ref");
	INVALID(nt_doc, "{'encapsulates_refs': ['" ID_NT2 "', '" ID_FILE "']}", CX_RULE_REF_TYPE,
	        "encapsulates_refs[1]");
	INVALID(nt_doc, "{'encapsulated_by_ref': '" ID_IPV4 "'}", CX_RULE_REF_TYPE,
	        "encapsulated_by_ref");
	INVALID(nt_doc, "{'ipfix': {'minimumIpTotalLength': 1.5}}", CX_RULE_TYPE,
	        "ipfix.minimumIpTotalLength");
	INVALID(nt_doc, "[{'ipfix': null}, {'ipfix': {}}]", CX_RULE_EMPTY, "ipfix");
	INVALID(nt_doc, "{'extensions': {'ntfs-ext': {'sid': 'S-1'}}}", CX_RULE_EXTENSION,
	        "extensions.ntfs-ext");
}

#define NT "extensions."

static void test_sco_network_traffic_http_request_ext(void **state)
{
	(void)state;
	VALID(nt_doc, "{'protocols': ['tcp', 'http'], 'extensions': {'http-request-ext': {"
	              "'request_method': 'get', 'request_value': '/download.html',"
	              " 'request_version': 'http/1.1', 'request_header': {"
	              "'Accept-Encoding': ['gzip,deflate'], 'Host': ['www.example.com'],"
	              " 'Cookie': ['a=1', 'b=2']}, 'message_body_length': 0,"
	              " 'message_body_data_ref': '" ID_ARTIFACT "'}}}");
	INVALID(nt_doc, "{'extensions': {'http-request-ext': {'request_value': '/'}}}",
	        CX_RULE_REQUIRED, NT "http-request-ext.request_method");
	INVALID(nt_doc, "{'extensions': {'http-request-ext': {'request_method': 'get'}}}",
	        CX_RULE_REQUIRED, NT "http-request-ext.request_value");
	INVALID(nt_doc,
	        "{'extensions': {'http-request-ext': {'request_method': 'get',"
	        " 'request_value': '/', 'request_header': {'Host': 5}}}}",
	        CX_RULE_TYPE, NT "http-request-ext.request_header.Host");
	INVALID(nt_doc,
	        "{'extensions': {'http-request-ext': {'request_method': 'get',"
	        " 'request_value': '/', 'message_body_data_ref': '" ID_FILE "'}}}",
	        CX_RULE_REF_TYPE, NT "http-request-ext.message_body_data_ref");
	INVALID(nt_doc,
	        "{'extensions': {'http-request-ext': {'request_method': 'get',"
	        " 'request_value': '/', 'message_body_length': '10'}}}",
	        CX_RULE_TYPE, NT "http-request-ext.message_body_length");
}

static void test_sco_network_traffic_icmp_ext(void **state)
{
	(void)state;
	VALID(nt_doc, "{'protocols': ['icmp'], 'extensions': {'icmp-ext': {'icmp_type_hex': '08',"
	              " 'icmp_code_hex': '00'}}}");
	INVALID(nt_doc, "{'extensions': {'icmp-ext': {'icmp_type_hex': '08'}}}", CX_RULE_REQUIRED,
	        NT "icmp-ext.icmp_code_hex");
	INVALID(nt_doc, "{'extensions': {'icmp-ext': {'icmp_code_hex': '00'}}}", CX_RULE_REQUIRED,
	        NT "icmp-ext.icmp_type_hex");
	INVALID(nt_doc,
	        "{'extensions': {'icmp-ext': {'icmp_type_hex': '8', 'icmp_code_hex': '00'}}}",
	        CX_RULE_FORMAT, NT "icmp-ext.icmp_type_hex");
}

static void test_sco_network_traffic_socket_ext(void **state)
{
	(void)state;
	VALID(nt_doc,
	      "{'src_port': 223, 'dst_port': 229, 'protocols': ['ip', 'tcp'],"
	      " 'extensions': {'socket-ext': {'is_listening': true, 'address_family': 'AF_INET',"
	      " 'socket_type': 'SOCK_STREAM', 'is_blocking': false,"
	      " 'options': {'SO_RCVTIMEO': 100}, 'socket_descriptor': 3,"
	      " 'socket_handle': -1}}}");
	INVALID(nt_doc, "{'extensions': {'socket-ext': {'socket_type': 'SOCK_STREAM'}}}",
	        CX_RULE_REQUIRED, NT "socket-ext.address_family");
	INVALID(nt_doc, "{'extensions': {'socket-ext': {'address_family': 'AF_FOO'}}}",
	        CX_RULE_VOCAB, NT "socket-ext.address_family");
	INVALID(nt_doc,
	        "{'extensions': {'socket-ext': {'address_family': 'AF_INET',"
	        " 'socket_type': 'SOCK_FOO'}}}",
	        CX_RULE_VOCAB, NT "socket-ext.socket_type");
	INVALID(nt_doc,
	        "{'extensions': {'socket-ext': {'address_family': 'AF_INET',"
	        " 'options': {'SO_TEST': 'on'}}}}",
	        CX_RULE_TYPE, NT "socket-ext.options.SO_TEST");
	INVALID(nt_doc,
	        "{'extensions': {'socket-ext': {'address_family': 'AF_INET',"
	        " 'socket_descriptor': -1}}}",
	        CX_RULE_RANGE, NT "socket-ext.socket_descriptor");
	INVALID(nt_doc,
	        "{'extensions': {'socket-ext': {'address_family': 'AF_INET',"
	        " 'is_listening': 1}}}",
	        CX_RULE_TYPE, NT "socket-ext.is_listening");
}

static void test_sco_network_traffic_tcp_ext(void **state)
{
	(void)state;
	VALID(nt_doc, "{'src_port': 3372, 'dst_port': 80, 'protocols': ['tcp'],"
	              " 'extensions': {'tcp-ext': {'src_flags_hex': '00000002'}}}");
	VALID(nt_doc, "{'extensions': {'tcp-ext': {'dst_flags_hex': '12'}}}");
	INVALID(nt_doc, "{'extensions': {'tcp-ext': {}}}", CX_RULE_REQUIRED, NT "tcp-ext");
	INVALID(nt_doc, "{'extensions': {'tcp-ext': {'x_acme_seen': true}}}", CX_RULE_REQUIRED,
	        NT "tcp-ext");
	INVALID(nt_doc, "{'extensions': {'tcp-ext': {'src_flags_hex': '0x02'}}}", CX_RULE_FORMAT,
	        NT "tcp-ext.src_flags_hex");
}

/* ---- 6.13 Process ------------------------------------------------------------------ */

static const char process_doc[] = "{'type': 'process', 'spec_version': '2.1', 'id': '" ID_PROCESS
                                  "', 'pid': 1221, 'created_time': '2016-01-20T14:11:25.55Z',"
                                  " 'command_line': './gedit-bin --new-window',"
                                  " 'image_ref': '" ID_FILE "'}";
static const char process_bare[] =
    "{'type': 'process', 'spec_version': '2.1', 'id': '" ID_PROCESS "'}";

static void test_sco_process(void **state)
{
	(void)state;
	VALID(process_doc, NULL);
	VALID(process_doc, "{'is_hidden': false, 'cwd': '/tmp',"
	                   " 'environment_variables': {'HOME': '/home/jdoe'},"
	                   " 'opened_connection_refs': ['" ID_NT "'], 'creator_user_ref': '" ID_USER
	                   "', 'parent_ref': '" ID_PROCESS "', 'child_refs': ['" ID_PROCESS "']}");
	VALID(process_bare, "{'pid': 1}");
	VALID(process_bare, "{'extensions': {'windows-process-ext': {'window_title': 'x'}}}");

	INVALID(process_bare, NULL, CX_RULE_REQUIRED, "");
	INVALID(process_bare, "{'x_acme_note': 'only custom'}", CX_RULE_REQUIRED, "");
	INVALID(process_doc, "{'pid': '1221'}", CX_RULE_TYPE, "pid");
	INVALID(process_doc, "{'created_time': '2016-01-20T14:11:25.55'}", CX_RULE_TIMESTAMP,
	        "created_time");
	INVALID(process_doc, "{'image_ref': '" ID_PROCESS "'}", CX_RULE_REF_TYPE, "image_ref");
	INVALID(process_doc, "{'parent_ref': '" ID_FILE "'}", CX_RULE_REF_TYPE, "parent_ref");
	INVALID(process_doc, "{'child_refs': ['" ID_PROCESS "', '" ID_FILE "']}", CX_RULE_REF_TYPE,
	        "child_refs[1]");
	INVALID(process_doc, "{'opened_connection_refs': ['" ID_IPV4 "']}", CX_RULE_REF_TYPE,
	        "opened_connection_refs[0]");
	INVALID(process_doc, "{'creator_user_ref': '" ID_IDENTITY "'}", CX_RULE_REF_TYPE,
	        "creator_user_ref");
	INVALID(process_doc, "{'environment_variables': {'PATH': 1}}", CX_RULE_TYPE,
	        "environment_variables.PATH");
	INVALID(process_doc, "{'extensions': {'unix-account-ext': {'gid': 1}}}", CX_RULE_EXTENSION,
	        "extensions.unix-account-ext");
}

static void test_sco_process_windows_process_ext(void **state)
{
	(void)state;
	VALID(process_doc,
	      "{'pid': 314, 'extensions': {'windows-process-ext': {"
	      "'aslr_enabled': true, 'dep_enabled': true,"
	      " 'priority': 'HIGH_PRIORITY_CLASS',"
	      " 'owner_sid': 'S-1-5-21-186985262-1144665072-74031268-1309',"
	      " 'integrity_level': 'high', 'startup_info': {'lpDesktop': 'x', 'dwX': 0}}}}");
	INVALID(process_doc, "{'extensions': {'windows-process-ext': {}}}", CX_RULE_REQUIRED,
	        "extensions.windows-process-ext");
	INVALID(process_doc,
	        "{'extensions': {'windows-process-ext': {'integrity_level': 'ultra'}}}",
	        CX_RULE_VOCAB, "extensions.windows-process-ext.integrity_level");
	INVALID(process_doc, "{'extensions': {'windows-process-ext': {'aslr_enabled': 'yes'}}}",
	        CX_RULE_TYPE, "extensions.windows-process-ext.aslr_enabled");
	INVALID(process_doc, "{'extensions': {'windows-process-ext': {'startup_info': {}}}}",
	        CX_RULE_EMPTY, "extensions.windows-process-ext.startup_info");
}

static void test_sco_process_windows_service_ext(void **state)
{
	(void)state;
	VALID(process_doc, "{'pid': 2217, 'extensions': {'windows-service-ext': {"
	                   "'service_name': 'sirvizio', 'display_name': 'Sirvizio',"
	                   " 'start_type': 'SERVICE_AUTO_START',"
	                   " 'service_type': 'SERVICE_WIN32_OWN_PROCESS',"
	                   " 'service_status': 'SERVICE_RUNNING', 'descriptions': ['a', 'b'],"
	                   " 'group_name': 'net', 'service_dll_refs': ['" ID_FILE2 "']}}}");
	INVALID(process_doc, "{'extensions': {'windows-service-ext': {}}}", CX_RULE_REQUIRED,
	        "extensions.windows-service-ext");
	INVALID(process_doc, "{'extensions': {'windows-service-ext': {'start_type': 'SOMETIMES'}}}",
	        CX_RULE_VOCAB, "extensions.windows-service-ext.start_type");
	INVALID(process_doc, "{'extensions': {'windows-service-ext': {'service_type': 'X'}}}",
	        CX_RULE_VOCAB, "extensions.windows-service-ext.service_type");
	INVALID(process_doc, "{'extensions': {'windows-service-ext': {'service_status': 'up'}}}",
	        CX_RULE_VOCAB, "extensions.windows-service-ext.service_status");
	INVALID(process_doc,
	        "{'extensions': {'windows-service-ext': {'service_dll_refs':"
	        " ['" ID_PROCESS "']}}}",
	        CX_RULE_REF_TYPE, "extensions.windows-service-ext.service_dll_refs[0]");
	INVALID(process_doc, "{'extensions': {'windows-service-ext': {'descriptions': []}}}",
	        CX_RULE_EMPTY, "extensions.windows-service-ext.descriptions");
}

/* ---- 6.14 Software and 6.15 URL ------------------------------------------------------ */

static const char software_doc[] =
    "{'type': 'software', 'spec_version': '2.1', 'id': '" ID_SOFTWARE "', 'name': 'Word',"
    " 'cpe': 'cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*',"
    " 'version': '2002', 'vendor': 'Microsoft'}";

static void test_sco_software(void **state)
{
	(void)state;
	VALID(software_doc, NULL);
	VALID(software_doc, "{'languages': ['en', 'fr-CA', 'zh-Hant'], 'swid': 'com.example-w'}");
	VALID(software_doc, "{'cpe': 'cpe:2.3:a:acme:tool\\\\:pro:1.0:*:*:*:*:*:*:*'}");
	INVALID(software_doc, "{'name': null}", CX_RULE_REQUIRED, "name");
	INVALID(software_doc, "{'cpe': 'cpe:/a:microsoft:word:2000'}", CX_RULE_FORMAT, "cpe");
	INVALID(software_doc, "{'cpe': 'cpe:2.3:a:microsoft:word:2000'}", CX_RULE_FORMAT, "cpe");
	INVALID(software_doc, "{'cpe': 'cpe:2.3:x:microsoft:word:2000:*:*:*:*:*:*:*'}",
	        CX_RULE_FORMAT, "cpe");
	INVALID(software_doc, "{'cpe': 'cpe:2.3:a::word:2000:*:*:*:*:*:*:*'}", CX_RULE_FORMAT,
	        "cpe");
	INVALID(software_doc, "{'languages': ['en', 'not a tag']}", CX_RULE_FORMAT, "languages[1]");
	INVALID(software_doc, "{'languages': []}", CX_RULE_EMPTY, "languages");
	INVALID(software_doc, "{'vendor': false}", CX_RULE_TYPE, "vendor");
}

static const char url_doc[] = "{'type': 'url', 'spec_version': '2.1', 'id': '" ID_URL
                              "', 'value': 'https://example.com/research/index.html'}";

static void test_sco_url(void **state)
{
	(void)state;
	VALID(url_doc, NULL);
	VALID(url_doc, "{'value': 'ftp://198.51.100.3/pub/file.txt'}");
	INVALID(url_doc, "{'value': null}", CX_RULE_REQUIRED, "value");
	INVALID(url_doc, "{'value': 'example com'}", CX_RULE_FORMAT, "value");
	INVALID(url_doc, "{'value': '/relative/path'}", CX_RULE_FORMAT, "value");
}

/* Defanged values (hxxp, [.]) break the formats on purpose; a defanged
 * object keeps only the type check for them. */
static void test_sco_defanged_values_need_only_be_strings(void **state)
{
	(void)state;
	VALID(url_doc, "{'defanged': true, 'value': 'hxxp://example[.]com/a'}");
	VALID(domain_doc, "{'defanged': true, 'value': 'example[.]com'}");
	VALID(ipv4_doc, "{'defanged': true, 'value': '198.51.100[.]3'}");
	VALID(email_addr_doc, "{'defanged': true, 'value': 'john[@]example[.]com'}");
	INVALID(domain_doc, "{'defanged': false, 'value': 'example[.]com'}", CX_RULE_FORMAT,
	        "value");
	INVALID(url_doc, "{'defanged': true, 'value': 7}", CX_RULE_TYPE, "value");
	INVALID(ipv4_doc, "{'defanged': true, 'value': null}", CX_RULE_REQUIRED, "value");
}

/* ---- 6.16 User Account ----------------------------------------------------------------- */

static const char user_doc[] = "{'type': 'user-account', 'spec_version': '2.1', 'id': '" ID_USER
                               "', 'user_id': '1001', 'account_login': 'jdoe',"
                               " 'account_type': 'unix', 'display_name': 'John Doe',"
                               " 'is_service_account': false, 'is_privileged': false,"
                               " 'can_escalate_privs': true,"
                               " 'account_created': '2016-01-20T12:31:12Z',"
                               " 'credential_last_changed': '2016-01-20T14:27:43Z',"
                               " 'account_first_login': '2016-01-20T14:26:07Z',"
                               " 'account_last_login': '2016-07-22T16:08:28Z'}";
static const char user_bare[] =
    "{'type': 'user-account', 'spec_version': '2.1', 'id': '" ID_USER "'}";

static void test_sco_user_account(void **state)
{
	(void)state;
	VALID(user_doc, NULL);
	VALID(user_doc, "{'account_type': 'x-acme-sso', 'is_disabled': true, 'credential': 'pw',"
	                " 'account_expires': '2030-01-01T00:00:00Z'}");
	VALID(user_bare, "{'user_id': 'root'}");
	VALID(user_bare, "{'extensions': {'unix-account-ext': {'shell': '/bin/sh'}}}");

	INVALID(user_bare, NULL, CX_RULE_REQUIRED, "");
	INVALID(user_doc, "{'account_type': ''}", CX_RULE_EMPTY, "account_type");
	INVALID(user_doc, "{'account_type': 3}", CX_RULE_TYPE, "account_type");
	INVALID(user_doc, "{'is_privileged': 'no'}", CX_RULE_TYPE, "is_privileged");
	INVALID(user_doc, "{'account_last_login': '2016-07-22T16:08:28.Z'}", CX_RULE_TIMESTAMP,
	        "account_last_login");
	INVALID(user_doc, "{'user_id': 1001}", CX_RULE_TYPE, "user_id");
}

static void test_sco_user_account_unix_account_ext(void **state)
{
	(void)state;
	VALID(user_doc, "{'extensions': {'unix-account-ext': {'gid': 1001, 'groups': ['wheel'],"
	                " 'home_dir': '/home/jdoe', 'shell': '/bin/bash'}}}");
	INVALID(user_doc, "{'extensions': {'unix-account-ext': {}}}", CX_RULE_REQUIRED,
	        "extensions.unix-account-ext");
	INVALID(user_doc, "{'extensions': {'unix-account-ext': {'gid': '1001'}}}", CX_RULE_TYPE,
	        "extensions.unix-account-ext.gid");
	INVALID(user_doc, "{'extensions': {'unix-account-ext': {'groups': []}}}", CX_RULE_EMPTY,
	        "extensions.unix-account-ext.groups");
	INVALID(user_doc, "{'extensions': {'unix-account-ext': {'groups': ['wheel', 0]}}}",
	        CX_RULE_TYPE, "extensions.unix-account-ext.groups[1]");
}

/* ---- 6.17 Windows Registry Key ------------------------------------------------------------ */

static const char regkey_doc[] =
    "{'type': 'windows-registry-key', 'spec_version': '2.1', 'id': '" ID_REGKEY
    "', 'key': 'hkey_local_machine\\\\system\\\\bar\\\\foo',"
    " 'values': [{'name': 'Foo', 'data': 'qwerty', 'data_type': 'REG_SZ'},"
    " {'name': 'Bar', 'data': '42', 'data_type': 'REG_DWORD'}]}";
static const char regkey_bare[] =
    "{'type': 'windows-registry-key', 'spec_version': '2.1', 'id': '" ID_REGKEY "'}";

static void test_sco_windows_registry_key(void **state)
{
	(void)state;
	VALID(regkey_doc, NULL);
	VALID(regkey_doc, "{'values': [{'name': '', 'data': 'default'}],"
	                  " 'modified_time': '2016-01-20T12:31:12Z', 'creator_user_ref': '" ID_USER
	                  "', 'number_of_subkeys': 2}");
	VALID(regkey_bare, "{'key': 'HKEY_CURRENT_USER'}");
	VALID(regkey_bare, "{'number_of_subkeys': 0}");

	INVALID(regkey_bare, NULL, CX_RULE_REQUIRED, "");
	INVALID(regkey_doc, "{'key': 'HKLM\\\\Software\\\\Acme'}", CX_RULE_FORMAT, "key");
	INVALID(regkey_doc, "{'key': 'hkcu'}", CX_RULE_FORMAT, "key");
	INVALID(regkey_doc, "{'key': ''}", CX_RULE_EMPTY, "key");
	INVALID(regkey_doc, "{'values': [{'name': 'a'}, {'name': 'b', 'data_type': 'REG_FOO'}]}",
	        CX_RULE_VOCAB, "values[1].data_type");
	INVALID(regkey_doc, "{'values': ['Foo']}", CX_RULE_TYPE, "values[0]");
	INVALID(regkey_doc, "{'values': []}", CX_RULE_EMPTY, "values");
	INVALID(regkey_doc, "{'values': [{'name': 'a', 'data': 42}]}", CX_RULE_TYPE,
	        "values[0].data");
	INVALID(regkey_doc, "{'creator_user_ref': '" ID_FILE "'}", CX_RULE_REF_TYPE,
	        "creator_user_ref");
	INVALID(regkey_doc, "{'modified_time': 'now'}", CX_RULE_TIMESTAMP, "modified_time");
	INVALID(regkey_doc, "{'number_of_subkeys': '2'}", CX_RULE_TYPE, "number_of_subkeys");
}

/* ---- 6.18 X.509 Certificate ---------------------------------------------------------------- */

static const char x509_doc[] =
    "{'type': 'x509-certificate', 'spec_version': '2.1', 'id': '" ID_X509 "',"
    " 'issuer': 'C=ZA, ST=Western Cape, L=Cape Town, O=Thawte Consulting cc,"
    " OU=Certification Services Division, CN=Thawte Server CA',"
    " 'validity_not_before': '2016-03-12T12:00:00Z',"
    " 'validity_not_after': '2016-08-21T12:00:00Z',"
    " 'subject': 'C=US, ST=Maryland, L=Pasadena, O=Brent Baccala, OU=FreeSoft,"
    " CN=www.freesoft.org',"
    " 'serial_number': '36:f7:d4:32:f4:ab:70:ea:d3:ce:98:6e:ea:99:93:49:32:0a:b7:06'}";
static const char x509_bare[] =
    "{'type': 'x509-certificate', 'spec_version': '2.1', 'id': '" ID_X509 "'}";

static void test_sco_x509_certificate(void **state)
{
	(void)state;
	VALID(x509_doc, NULL);
	VALID(x509_doc,
	      "{'is_self_signed': false, 'hashes': {'SHA-1': "
	      "'a3b1c6e1f1c4b2a7c9e0e8d1f2a3b4c5d6e7f8a9'}, 'version': '3',"
	      " 'signature_algorithm': 'sha256WithRSAEncryption',"
	      " 'subject_public_key_algorithm': 'rsaEncryption',"
	      " 'subject_public_key_modulus': 'd1bc', 'subject_public_key_exponent': 65537}");
	VALID(x509_bare, "{'serial_number': '01'}");
	INVALID(x509_bare, NULL, CX_RULE_REQUIRED, "");
	INVALID(x509_doc, "{'validity_not_before': '2016-03-12'}", CX_RULE_TIMESTAMP,
	        "validity_not_before");
	INVALID(x509_doc, "{'subject_public_key_exponent': '65537'}", CX_RULE_TYPE,
	        "subject_public_key_exponent");
	INVALID(x509_doc, "{'hashes': {'SHA-1': 'abc'}}", CX_RULE_FORMAT, "hashes.SHA-1");
	INVALID(x509_doc, "{'is_self_signed': 'true'}", CX_RULE_TYPE, "is_self_signed");
}

static void test_sco_x509_v3_extensions(void **state)
{
	(void)state;
	VALID(x509_bare, "{'x509_v3_extensions': {'basic_constraints': 'critical,CA:TRUE,"
	                 " pathlen:0', 'key_usage': 'critical, keyCertSign, cRLSign',"
	                 " 'private_key_usage_period_not_before': '2016-03-12T12:00:00Z',"
	                 " 'private_key_usage_period_not_after': '2018-03-12T12:00:00Z'}}");
	INVALID(x509_bare, "{'x509_v3_extensions': {}}", CX_RULE_REQUIRED, "x509_v3_extensions");
	INVALID(x509_doc,
	        "{'x509_v3_extensions': {'private_key_usage_period_not_after':"
	        " '2018-03-12'}}",
	        CX_RULE_TIMESTAMP, "x509_v3_extensions.private_key_usage_period_not_after");
	INVALID(x509_doc, "{'x509_v3_extensions': {'key_usage': ['a']}}", CX_RULE_TYPE,
	        "x509_v3_extensions.key_usage");
	INVALID(x509_doc, "{'x509_v3_extensions': 'CA:TRUE'}", CX_RULE_TYPE, "x509_v3_extensions");
}

/* ---- Rules the malformed-input suite found missing ------------------------- */

/* Reserved property names are refused at the top level of a predefined
 * observable, as on every predefined object. */
static void test_sco_reserved_property_names(void **state)
{
	(void)state;
	INVALID(artifact_doc, "{'action': 'value'}", CX_RULE_FORBIDDEN, "action");
	INVALID(artifact_doc, "{'severity': 'high'}", CX_RULE_FORBIDDEN, "severity");
	INVALID(file_doc, "{'username': 'root'}", CX_RULE_FORBIDDEN, "username");
	INVALID(file_doc, "{'phone_number': '555-0100'}", CX_RULE_FORBIDDEN, "phone_number");
	INVALID(file_doc, "{'usernames': ['root']}", CX_RULE_FORBIDDEN, "usernames");
	VALID(file_doc, "{'x_acme_severity': 'high', 'actions': 1}");
	/* A predefined extension is a structure, not an object: its custom
	 * properties are not held to the reservation. */
	VALID(file_doc, "{'extensions': {'ntfs-ext': {'sid': 'S-1-5-18', 'severity': 1}}}");
}

/* STIX 2.1 section 2.7: a custom hash algorithm name has 3 to 250
 * characters. */
static void test_sco_hash_names_are_3_to_250_characters(void **state)
{
	char name[260], patch[400];

	(void)state;
	INVALID(file_doc, "{'hashes': {'ab': '0123456789abcdef'}}", CX_RULE_PROPERTY_NAME,
	        "hashes.ab");
	INVALID(file_doc, "{'hashes': {'SHA-256': '" SHA256 "', 'x': 'y'}}", CX_RULE_PROPERTY_NAME,
	        "hashes.x");
	INVALID(pe_doc,
	        "{'extensions': {'windows-pebinary-ext': {'file_header_hashes': {'h1': 'a'}}}}",
	        CX_RULE_PROPERTY_NAME, PE ".file_header_hashes.h1");
	VALID(file_doc, "{'hashes': {'abc': '0123456789abcdef'}}");
	VALID(file_doc, "{'hashes': {'MD5': '" MD5 "'}}");
	memset(name, 'h', sizeof(name));
	name[250] = '\0';
	snprintf(patch, sizeof(patch), "{'hashes': {'%s': 'v'}}", name);
	VALID(file_doc, patch);
	name[250] = 'h';
	name[251] = '\0';
	snprintf(patch, sizeof(patch), "{'hashes': {'%s': 'v'}}", name);
	/* The path is cut to what struct cx_stix_error holds. */
	{
		char path[sizeof(((struct cx_stix_error *)0)->property)];

		memcpy(path, "hashes.", 7);
		memcpy(path + 7, name, sizeof(path) - 8);
		path[sizeof(path) - 1] = '\0';
		INVALID(file_doc, patch, CX_RULE_PROPERTY_NAME, path);
	}
}

/* name_enc is the encoding of the file name and needs one. */
static void test_sco_file_name_enc_needs_name(void **state)
{
	(void)state;
	VALID(file_doc, "{'name_enc': 'windows-1252'}");
	INVALID(file_doc, "{'name': null, 'name_enc': 'windows-1252'}", CX_RULE_DEPENDENCY,
	        "name_enc");
	/* Neither hashes nor name: the missing name is what is reported. */
	INVALID(file_doc, "{'hashes': null, 'name': null, 'name_enc': 'utf-8'}", CX_RULE_REQUIRED,
	        "hashes");
	/* path_enc goes with path, which a directory always has. */
	VALID(dir_doc, "{'path_enc': 'cp850'}");
	INVALID(dir_doc, "{'path': null, 'path_enc': 'cp850'}", CX_RULE_REQUIRED, "path");
}

/* STIX 2.1 section 2.10: integers lie in [-(2^53)+1, (2^53)-1], for every
 * property typed integer, nested and in dictionaries too. */
static void test_sco_integers_stay_within_53_bits(void **state)
{
	(void)state;
	VALID(as_doc, "{'number': 9007199254740991}");
	VALID(as_doc, "{'number': -9007199254740991}");
	INVALID(as_doc, "{'number': 9007199254740992}", CX_RULE_RANGE, "number");
	INVALID(as_doc, "{'number': -9007199254740992}", CX_RULE_RANGE, "number");
	INVALID(as_doc, "{'number': 9223372036854775807}", CX_RULE_RANGE, "number");
	INVALID(process_doc, "{'pid': 9007199254740992}", CX_RULE_RANGE, "pid");
	VALID(file_doc, "{'size': 9007199254740991}");
	INVALID(file_doc, "{'size': 9007199254740992}", CX_RULE_RANGE, "size");
	INVALID(pe_doc,
	        "{'extensions': {'windows-pebinary-ext': {'optional_header':"
	        " {'image_base': -9007199254740992}}}}",
	        CX_RULE_RANGE, PE ".optional_header.image_base");
	INVALID(nt_doc, "{'ipfix': {'minimumIpTotalLength': 9007199254740992}}", CX_RULE_RANGE,
	        "ipfix.minimumIpTotalLength");
	INVALID(file_doc,
	        "{'extensions': {'raster-image-ext': {'exif_tags':"
	        " {'XResolution': -9007199254740992}}}}",
	        CX_RULE_RANGE, "extensions.raster-image-ext.exif_tags.XResolution");
	VALID(nt_doc, "{'extensions': {'socket-ext': {'address_family': 'AF_INET',"
	              " 'options': {'SO_RCVBUF': 9007199254740991}}}}");
	INVALID(nt_doc,
	        "{'extensions': {'socket-ext': {'address_family': 'AF_INET',"
	        " 'options': {'SO_RCVBUF': 9007199254740992}}}}",
	        CX_RULE_RANGE, NT "socket-ext.options.SO_RCVBUF");
	INVALID(nt_doc,
	        "{'extensions': {'socket-ext': {'address_family': 'AF_INET',"
	        " 'options': {'SO_RCVBUF': '1'}}}}",
	        CX_RULE_TYPE, NT "socket-ext.options.SO_RCVBUF");
}

/* STIX 2.1 section 2.8: hex is the digits 0-9 and the lower-case letters
 * a-f, in every property of that type. */
static void test_sco_hex_is_lower_case(void **state)
{
	(void)state;
	VALID(file_doc, "{'magic_number_hex': '504b0304'}");
	INVALID(file_doc, "{'magic_number_hex': '504B0304'}", CX_RULE_FORMAT, "magic_number_hex");
	INVALID(pe_doc, "{'extensions': {'windows-pebinary-ext': {'machine_hex': '014C'}}}",
	        CX_RULE_FORMAT, PE ".machine_hex");
	INVALID(pe_doc,
	        "{'extensions': {'windows-pebinary-ext': {'optional_header':"
	        " {'loader_flags_hex': 'ABDBFFDE'}}}}",
	        CX_RULE_FORMAT, PE ".optional_header.loader_flags_hex");
	INVALID(nt_doc,
	        "{'extensions': {'icmp-ext': {'icmp_type_hex': '0A', 'icmp_code_hex': '00'}}}",
	        CX_RULE_FORMAT, NT "icmp-ext.icmp_type_hex");
	INVALID(nt_doc, "{'extensions': {'tcp-ext': {'dst_flags_hex': '1F'}}}", CX_RULE_FORMAT,
	        NT "tcp-ext.dst_flags_hex");
	/* Hash values are not of the hex type; their case is free. */
	VALID(file_doc, "{'hashes': {'MD5': '6B885A1E1D42C0CA66E5F8A17E5A5D29'}}");
}

/* Header fields (email additional_header_fields, http-request-ext
 * request_header) hold a list of strings per field, as a field may repeat. */
static void test_sco_header_fields_are_lists_of_strings(void **state)
{
	(void)state;
	INVALID(email_multipart_doc, "{'additional_header_fields': {'X-Mailer': 'Mutt/1.5.23'}}",
	        CX_RULE_TYPE, "additional_header_fields.X-Mailer");
	INVALID(email_multipart_doc, "{'additional_header_fields': {'X-Mailer': 42}}", CX_RULE_TYPE,
	        "additional_header_fields.X-Mailer");
	INVALID(nt_doc,
	        "{'extensions': {'http-request-ext': {'request_method': 'get',"
	        " 'request_value': '/', 'request_header': {'User-Agent': 'gzip'}}}}",
	        CX_RULE_TYPE, NT "http-request-ext.request_header.User-Agent");
	INVALID(nt_doc,
	        "{'extensions': {'http-request-ext': {'request_method': 'get',"
	        " 'request_value': '/', 'request_header': {'Host': []}}}}",
	        CX_RULE_EMPTY, NT "http-request-ext.request_header.Host");
	VALID(nt_doc, "{'extensions': {'http-request-ext': {'request_method': 'get',"
	              " 'request_value': '/', 'request_header': {'Host': ['a.example']}}}}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sco_type_names_are_the_eighteen_of_stix_2_1),
	    cmocka_unit_test(test_sco_artifact),
	    cmocka_unit_test(test_sco_custom_and_forbidden_properties),
	    cmocka_unit_test(test_sco_autonomous_system),
	    cmocka_unit_test(test_sco_directory),
	    cmocka_unit_test(test_sco_domain_name),
	    cmocka_unit_test(test_sco_email_addr),
	    cmocka_unit_test(test_sco_email_message),
	    cmocka_unit_test(test_sco_email_message_mime_parts),
	    cmocka_unit_test(test_sco_file),
	    cmocka_unit_test(test_sco_extension_keys),
	    cmocka_unit_test(test_sco_file_ntfs_ext),
	    cmocka_unit_test(test_sco_file_raster_image_ext),
	    cmocka_unit_test(test_sco_file_pdf_ext),
	    cmocka_unit_test(test_sco_file_archive_ext),
	    cmocka_unit_test(test_sco_file_windows_pebinary_ext),
	    cmocka_unit_test(test_sco_file_windows_pebinary_ext_needs_content),
	    cmocka_unit_test(test_sco_ipv4_addr),
	    cmocka_unit_test(test_sco_ipv6_addr),
	    cmocka_unit_test(test_sco_mac_addr),
	    cmocka_unit_test(test_sco_mutex),
	    cmocka_unit_test(test_sco_network_traffic),
	    cmocka_unit_test(test_sco_network_traffic_http_request_ext),
	    cmocka_unit_test(test_sco_network_traffic_icmp_ext),
	    cmocka_unit_test(test_sco_network_traffic_socket_ext),
	    cmocka_unit_test(test_sco_network_traffic_tcp_ext),
	    cmocka_unit_test(test_sco_process),
	    cmocka_unit_test(test_sco_process_windows_process_ext),
	    cmocka_unit_test(test_sco_process_windows_service_ext),
	    cmocka_unit_test(test_sco_software),
	    cmocka_unit_test(test_sco_url),
	    cmocka_unit_test(test_sco_defanged_values_need_only_be_strings),
	    cmocka_unit_test(test_sco_user_account),
	    cmocka_unit_test(test_sco_user_account_unix_account_ext),
	    cmocka_unit_test(test_sco_windows_registry_key),
	    cmocka_unit_test(test_sco_x509_certificate),
	    cmocka_unit_test(test_sco_x509_v3_extensions),
	    cmocka_unit_test(test_sco_reserved_property_names),
	    cmocka_unit_test(test_sco_hash_names_are_3_to_250_characters),
	    cmocka_unit_test(test_sco_file_name_enc_needs_name),
	    cmocka_unit_test(test_sco_integers_stay_within_53_bits),
	    cmocka_unit_test(test_sco_hex_is_lower_case),
	    cmocka_unit_test(test_sco_header_fields_are_lists_of_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
