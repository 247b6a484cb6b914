/* The cyber-observable objects of STIX 2.1 section 6 as data: for each
 * type, predefined extension and nested structure, its properties and the
 * rules that tie them together, which validate_sco.c interprets. */
#include "stix/validate_sco_internal.h"

#include <string.h>

/* Table entries: O optional, R required, RN required non-empty string; SET
 * carries flags and a set (reference targets or vocabulary), SUB a nested
 * structure, FMT flags and a format. */
/* clang-format off */
#define O(n, k) {(n), (k), 0, NULL, NULL, NULL}
#define R(n, k) {(n), (k), CX_V_REQUIRED, NULL, NULL, NULL}
#define RN(n) {(n), K_STRING, CX_V_REQUIRED | CX_V_NONEMPTY, NULL, NULL, NULL}
#define SET(n, k, f, s) {(n), (k), (f), (s), NULL, NULL}
#define SUB(n, k, sh) {(n), (k), 0, NULL, &(sh), NULL}
#define FMT(n, f, fm) {(n), K_FORMAT, (f), NULL, NULL, &(fm)}
#define END {NULL, K_STRING, 0, NULL, NULL, NULL}
/* clang-format on */

/* ---- Value formats ------------------------------------------------------------ */

static const struct cx_vs_format f_ipv4 = {cx_vs_ipv4_ok, "an IPv4 address or CIDR block"};
static const struct cx_vs_format f_ipv6 = {cx_vs_ipv6_ok, "an IPv6 address or CIDR block"};
static const struct cx_vs_format f_mac = {cx_vs_mac_ok,
                                          "a lowercase colon-delimited MAC-48 address"};
static const struct cx_vs_format f_domain = {cx_vs_domain_ok, "a domain name (RFC 1034)"};
static const struct cx_vs_format f_email = {cx_vs_email_ok,
                                            "an addr-spec email address (RFC 5322)"};
static const struct cx_vs_format f_cpe = {cx_vs_cpe_ok, "a CPE 2.3 formatted string"};
static const struct cx_vs_format f_decoded = {cx_vs_decoded_ok,
                                              "decoded (no RFC 2047 encoded-words)"};
static const struct cx_vs_format f_hive = {cx_vs_hive_ok,
                                           "a key whose hive is fully expanded (HKEY_...)"};

/* ---- Rules across properties ------------------------------------------------ */

static bool has(const json_t *o, const char *key)
{
	return json_object_get(o, key) != NULL;
}

/* Section 6.1: exactly one of payload_bin and url; hashes with url; a
 * decryption key only with an encryption algorithm. */
static int artifact_rules(const json_t *o, const char *at, struct cx_stix_error *err)
{
	bool bin = has(o, "payload_bin"), url = has(o, "url");

	if (bin && url)
		return cx_v_fail(err, at, "url", CX_RULE_DEPENDENCY,
		                 "url must not be present when payload_bin is");
	if (!bin && !url)
		return cx_v_fail(err, at, "payload_bin", CX_RULE_REQUIRED,
		                 "an artifact needs payload_bin or url");
	if (url && !has(o, "hashes"))
		return cx_v_fail(err, at, "hashes", CX_RULE_DEPENDENCY,
		                 "hashes must be present when url is");
	if (has(o, "decryption_key") && !has(o, "encryption_algorithm"))
		return cx_v_fail(err, at, "decryption_key", CX_RULE_DEPENDENCY,
		                 "decryption_key must not be present without encryption_algorithm");
	return 0;
}

/* Section 6.6: body only for single-part, body_multipart only for
 * multipart messages. */
static int email_message_rules(const json_t *o, const char *at, struct cx_stix_error *err)
{
	bool multipart = json_is_true(json_object_get(o, "is_multipart"));

	if (multipart && has(o, "body"))
		return cx_v_fail(err, at, "body", CX_RULE_DEPENDENCY,
		                 "body must not be used when is_multipart is true");
	if (!multipart && has(o, "body_multipart"))
		return cx_v_fail(err, at, "body_multipart", CX_RULE_DEPENDENCY,
		                 "body_multipart must not be used when is_multipart is false");
	return 0;
}

/* Section 6.6.2: a MIME part carries its content one way: text in body or
 * a reference in body_raw_ref. */
static int mime_part_rules(const json_t *o, const char *at, struct cx_stix_error *err)
{
	bool body = has(o, "body"), raw = has(o, "body_raw_ref");

	if (body && raw)
		return cx_v_fail(err, at, "body_raw_ref", CX_RULE_DEPENDENCY,
		                 "a MIME part has body or body_raw_ref, not both");
	if (!body && !raw)
		return cx_v_fail(err, at, "body", CX_RULE_REQUIRED,
		                 "a MIME part needs body or body_raw_ref");
	return 0;
}

/* Section 6.7: a file is known by its hashes or its name; name_enc is the
 * observed encoding of that name, so it says nothing without one. */
static int file_rules(const json_t *o, const char *at, struct cx_stix_error *err)
{
	if (!has(o, "hashes") && !has(o, "name"))
		return cx_v_fail(err, at, "hashes", CX_RULE_REQUIRED,
		                 "a file needs hashes or name");
	if (has(o, "name_enc") && !has(o, "name"))
		return cx_v_fail(err, at, "name_enc", CX_RULE_DEPENDENCY,
		                 "name_enc is the encoding of name and needs it");
	return 0;
}

/* Section 6.12: a source or a destination; no end while still active; end
 * not before start. */
static int network_traffic_rules(const json_t *o, const char *at, struct cx_stix_error *err)
{
	if (!has(o, "src_ref") && !has(o, "dst_ref"))
		return cx_v_fail(err, at, "src_ref", CX_RULE_REQUIRED,
		                 "network traffic needs src_ref or dst_ref");
	if (has(o, "end") && json_is_true(json_object_get(o, "is_active")))
		return cx_v_fail(err, at, "is_active", CX_RULE_DEPENDENCY,
		                 "is_active must be false when end is present");
	return cx_v_time_order(o, at, "start", "end", false, err);
}

/* ---- Tables ------------------------------------------------------------------ */

/* The tables are laid out by hand, related properties on one line, in the
 * order section 6 lists them. */
/* clang-format off */

static const char *const t_artifact[] = {"artifact", NULL};
static const char *const t_artifact_file[] = {"artifact", "file", NULL};
static const char *const t_as[] = {"autonomous-system", NULL};
static const char *const t_directory[] = {"directory", NULL};
static const char *const t_email_addr[] = {"email-addr", NULL};
static const char *const t_endpoint[] = {"ipv4-addr", "ipv6-addr", "mac-addr", "domain-name", NULL};
static const char *const t_file[] = {"file", NULL};
static const char *const t_file_dir[] = {"file", "directory", NULL};
static const char *const t_ip_domain[] = {"ipv4-addr", "ipv6-addr", "domain-name", NULL};
static const char *const t_mac[] = {"mac-addr", NULL};
static const char *const t_network_traffic[] = {"network-traffic", NULL};
static const char *const t_process[] = {"process", NULL};
/* Any cyber-observable: the predefined ones and custom types (which an
 * extension-definition may declare as new SCOs). */
static const char *const t_sco[] = {CX_V_REF_SCO, CX_V_REF_CUSTOM, NULL};
static const char *const t_user_account[] = {"user-account", NULL};

/* Nested structures. */

static const struct cx_vs_prop mime_part_props[] = {
	O("body", K_STRING), SET("body_raw_ref", K_REF, 0, t_artifact_file),
	FMT("content_type", 0, f_decoded), FMT("content_disposition", 0, f_decoded), END,
};
static const struct cx_vs_shape mime_part = {"mime-part-type", mime_part_props, LEAST_NONE,
	mime_part_rules};

static const struct cx_vs_prop ads_props[] = {
	RN("name"), O("hashes", K_HASHES), O("size", K_UINT), END,
};
static const struct cx_vs_shape ads = {"alternate-data-stream-type", ads_props, LEAST_NONE, NULL};

static const struct cx_vs_prop pe_optional_header_props[] = {
	O("magic_hex", K_HEX), O("major_linker_version", K_INT), O("minor_linker_version", K_INT),
	O("size_of_code", K_UINT), O("size_of_initialized_data", K_UINT),
	O("size_of_uninitialized_data", K_UINT), O("address_of_entry_point", K_INT),
	O("base_of_code", K_INT), O("base_of_data", K_INT), O("image_base", K_INT),
	O("section_alignment", K_INT), O("file_alignment", K_INT),
	O("major_os_version", K_INT), O("minor_os_version", K_INT),
	O("major_image_version", K_INT), O("minor_image_version", K_INT),
	O("major_subsystem_version", K_INT), O("minor_subsystem_version", K_INT),
	O("win32_version_value_hex", K_HEX),
	O("size_of_image", K_UINT), O("size_of_headers", K_UINT),
	O("checksum_hex", K_HEX), O("subsystem_hex", K_HEX), O("dll_characteristics_hex", K_HEX),
	O("size_of_stack_reserve", K_UINT), O("size_of_stack_commit", K_UINT),
	O("size_of_heap_reserve", K_UINT), O("size_of_heap_commit", K_UINT),
	O("loader_flags_hex", K_HEX), O("number_of_rva_and_sizes", K_INT),
	O("hashes", K_HASHES), END,
};
static const struct cx_vs_shape pe_optional_header = {"windows-pe-optional-header-type",
	pe_optional_header_props, LEAST_ANY, NULL};

static const struct cx_vs_prop pe_section_props[] = {
	R("name", K_STRING), O("size", K_UINT), O("entropy", K_ENTROPY), O("hashes", K_HASHES), END,
};
static const struct cx_vs_shape pe_section = {"windows-pe-section-type", pe_section_props, LEAST_NONE,
	NULL};

/* A value's name may be "": that is how the default value of a key is named. */
static const struct cx_vs_prop registry_value_props[] = {
	O("name", K_STRING), O("data", K_STRING),
	SET("data_type", K_ENUM, 0, cx_vocab_windows_registry_datatype), END,
};
static const struct cx_vs_shape registry_value = {"windows-registry-value-type", registry_value_props,
	LEAST_NONE, NULL};

static const struct cx_vs_prop x509_v3_props[] = {
	O("basic_constraints", K_STRING), O("name_constraints", K_STRING),
	O("policy_constraints", K_STRING), O("key_usage", K_STRING),
	O("extended_key_usage", K_STRING), O("subject_key_identifier", K_STRING),
	O("authority_key_identifier", K_STRING), O("subject_alternative_name", K_STRING),
	O("issuer_alternative_name", K_STRING), O("subject_directory_attributes", K_STRING),
	O("crl_distribution_points", K_STRING), O("inhibit_any_policy", K_STRING),
	O("private_key_usage_period_not_before", K_TIME),
	O("private_key_usage_period_not_after", K_TIME),
	O("certificate_policies", K_STRING), O("policy_mappings", K_STRING), END,
};
static const struct cx_vs_shape x509_v3 = {"x509-v3-extensions-type", x509_v3_props, LEAST_ANY, NULL};

/* Predefined extensions. */

static const struct cx_vs_prop archive_ext_props[] = {
	SET("contains_refs", K_REFS, CX_V_REQUIRED, t_file_dir), O("comment", K_STRING), END,
};
static const struct cx_vs_shape archive_ext = {"archive-ext", archive_ext_props, LEAST_NONE, NULL};

static const struct cx_vs_prop ntfs_ext_props[] = {
	O("sid", K_STRING), SUB("alternate_data_streams", K_OBJECTS, ads), END,
};
static const struct cx_vs_shape ntfs_ext = {"ntfs-ext", ntfs_ext_props, LEAST_ANY, NULL};

static const struct cx_vs_prop pdf_ext_props[] = {
	O("version", K_STRING), O("is_optimized", K_BOOL), O("document_info_dict", K_DICT_STRING),
	O("pdfid0", K_STRING), O("pdfid1", K_STRING), END,
};
static const struct cx_vs_shape pdf_ext = {"pdf-ext", pdf_ext_props, LEAST_ANY, NULL};

static const struct cx_vs_prop raster_image_ext_props[] = {
	O("image_height", K_INT), O("image_width", K_INT), O("bits_per_pixel", K_INT),
	O("exif_tags", K_DICT_SCALAR), END,
};
static const struct cx_vs_shape raster_image_ext = {"raster-image-ext", raster_image_ext_props, LEAST_ANY,
	NULL};

static const struct cx_vs_prop pebinary_ext_props[] = {
	R("pe_type", K_OPEN), O("imphash", K_STRING), O("machine_hex", K_HEX),
	O("number_of_sections", K_UINT), O("time_date_stamp", K_TIME_SECOND),
	O("pointer_to_symbol_table_hex", K_HEX), O("number_of_symbols", K_UINT),
	O("size_of_optional_header", K_UINT), O("characteristics_hex", K_HEX),
	O("file_header_hashes", K_HASHES), SUB("optional_header", K_OBJECT, pe_optional_header),
	SUB("sections", K_OBJECTS, pe_section), END,
};
static const struct cx_vs_shape pebinary_ext = {"windows-pebinary-ext", pebinary_ext_props,
	LEAST_ANY_BUT_FIRST, NULL};

static const struct cx_vs_prop http_request_ext_props[] = {
	RN("request_method"), R("request_value", K_STRING), O("request_version", K_STRING),
	O("request_header", K_DICT_STRINGS), O("message_body_length", K_INT),
	SET("message_body_data_ref", K_REF, 0, t_artifact), END,
};
static const struct cx_vs_shape http_request_ext = {"http-request-ext", http_request_ext_props,
	LEAST_NONE, NULL};

static const struct cx_vs_prop icmp_ext_props[] = {
	R("icmp_type_hex", K_HEX), R("icmp_code_hex", K_HEX), END,
};
static const struct cx_vs_shape icmp_ext = {"icmp-ext", icmp_ext_props, LEAST_NONE, NULL};

static const struct cx_vs_prop socket_ext_props[] = {
	SET("address_family", K_ENUM, CX_V_REQUIRED, cx_vocab_network_socket_address_family),
	O("is_blocking", K_BOOL), O("is_listening", K_BOOL), O("options", K_DICT_INT),
	SET("socket_type", K_ENUM, 0, cx_vocab_network_socket_type),
	O("socket_descriptor", K_UINT), O("socket_handle", K_INT), END,
};
static const struct cx_vs_shape socket_ext = {"socket-ext", socket_ext_props, LEAST_NONE, NULL};

static const struct cx_vs_prop tcp_ext_props[] = {
	O("src_flags_hex", K_HEX), O("dst_flags_hex", K_HEX), END,
};
static const struct cx_vs_shape tcp_ext = {"tcp-ext", tcp_ext_props, LEAST_ANY, NULL};

static const struct cx_vs_prop windows_process_ext_props[] = {
	O("aslr_enabled", K_BOOL), O("dep_enabled", K_BOOL), O("priority", K_STRING),
	O("owner_sid", K_STRING), O("window_title", K_STRING), O("startup_info", K_DICT),
	SET("integrity_level", K_ENUM, 0, cx_vocab_windows_integrity_level), END,
};
static const struct cx_vs_shape windows_process_ext = {"windows-process-ext", windows_process_ext_props,
	LEAST_ANY, NULL};

static const struct cx_vs_prop windows_service_ext_props[] = {
	O("service_name", K_STRING), O("descriptions", K_STRINGS), O("display_name", K_STRING),
	O("group_name", K_STRING),
	SET("start_type", K_ENUM, 0, cx_vocab_windows_service_start_type),
	SET("service_dll_refs", K_REFS, 0, t_file),
	SET("service_type", K_ENUM, 0, cx_vocab_windows_service_type),
	SET("service_status", K_ENUM, 0, cx_vocab_windows_service_status), END,
};
static const struct cx_vs_shape windows_service_ext = {"windows-service-ext", windows_service_ext_props,
	LEAST_ANY, NULL};

static const struct cx_vs_prop unix_account_ext_props[] = {
	O("gid", K_INT), O("groups", K_STRINGS), O("home_dir", K_STRING), O("shell", K_STRING), END,
};
static const struct cx_vs_shape unix_account_ext = {"unix-account-ext", unix_account_ext_props,
	LEAST_ANY, NULL};

static const struct cx_vs_ext file_exts[] = {
	{"archive-ext", &archive_ext}, {"ntfs-ext", &ntfs_ext}, {"pdf-ext", &pdf_ext},
	{"raster-image-ext", &raster_image_ext}, {"windows-pebinary-ext", &pebinary_ext},
	{NULL, NULL},
};
static const struct cx_vs_ext network_traffic_exts[] = {
	{"http-request-ext", &http_request_ext}, {"icmp-ext", &icmp_ext},
	{"socket-ext", &socket_ext}, {"tcp-ext", &tcp_ext}, {NULL, NULL},
};
static const struct cx_vs_ext process_exts[] = {
	{"windows-process-ext", &windows_process_ext},
	{"windows-service-ext", &windows_service_ext}, {NULL, NULL},
};
static const struct cx_vs_ext user_account_exts[] = {
	{"unix-account-ext", &unix_account_ext}, {NULL, NULL},
};

/* The objects, 6.1 to 6.18. */

static const struct cx_vs_prop artifact_props[] = {
	O("mime_type", K_STRING), O("payload_bin", K_BINARY), O("url", K_URL),
	O("hashes", K_HASHES),
	SET("encryption_algorithm", K_ENUM, 0, cx_vocab_encryption_algorithm),
	O("decryption_key", K_STRING), END,
};
static const struct cx_vs_prop autonomous_system_props[] = {
	R("number", K_INT), O("name", K_STRING), O("rir", K_STRING), END,
};
static const struct cx_vs_prop directory_props[] = {
	RN("path"), O("path_enc", K_STRING),
	O("ctime", K_TIME), O("mtime", K_TIME), O("atime", K_TIME),
	SET("contains_refs", K_REFS, 0, t_file_dir), END,
};
static const struct cx_vs_prop domain_name_props[] = {
	FMT("value", CX_V_REQUIRED, f_domain), SET("resolves_to_refs", K_REFS, 0, t_ip_domain), END,
};
static const struct cx_vs_prop email_addr_props[] = {
	FMT("value", CX_V_REQUIRED, f_email), O("display_name", K_STRING),
	SET("belongs_to_ref", K_REF, 0, t_user_account), END,
};
static const struct cx_vs_prop email_message_props[] = {
	R("is_multipart", K_BOOL), O("date", K_TIME), FMT("content_type", 0, f_decoded),
	SET("from_ref", K_REF, 0, t_email_addr), SET("sender_ref", K_REF, 0, t_email_addr),
	SET("to_refs", K_REFS, 0, t_email_addr), SET("cc_refs", K_REFS, 0, t_email_addr),
	SET("bcc_refs", K_REFS, 0, t_email_addr),
	FMT("message_id", 0, f_decoded), FMT("subject", 0, f_decoded),
	O("received_lines", K_STRINGS),
	O("additional_header_fields", K_DICT_STRINGS), O("body", K_STRING),
	SUB("body_multipart", K_OBJECTS, mime_part),
	SET("raw_email_ref", K_REF, 0, t_artifact), END,
};
static const struct cx_vs_prop file_props[] = {
	O("hashes", K_HASHES), O("size", K_UINT), O("name", K_STRING), O("name_enc", K_STRING),
	O("magic_number_hex", K_HEX), O("mime_type", K_STRING),
	O("ctime", K_TIME), O("mtime", K_TIME), O("atime", K_TIME),
	SET("parent_directory_ref", K_REF, 0, t_directory), SET("contains_refs", K_REFS, 0, t_sco),
	SET("content_ref", K_REF, 0, t_artifact), END,
};
static const struct cx_vs_prop ipv4_addr_props[] = {
	FMT("value", CX_V_REQUIRED, f_ipv4), SET("resolves_to_refs", K_REFS, 0, t_mac),
	SET("belongs_to_refs", K_REFS, 0, t_as), END,
};
static const struct cx_vs_prop ipv6_addr_props[] = {
	FMT("value", CX_V_REQUIRED, f_ipv6), SET("resolves_to_refs", K_REFS, 0, t_mac),
	SET("belongs_to_refs", K_REFS, 0, t_as), END,
};
static const struct cx_vs_prop mac_addr_props[] = {FMT("value", CX_V_REQUIRED, f_mac), END};
static const struct cx_vs_prop mutex_props[] = {RN("name"), END};
static const struct cx_vs_prop network_traffic_props[] = {
	O("start", K_TIME), O("end", K_TIME), O("is_active", K_BOOL),
	SET("src_ref", K_REF, 0, t_endpoint), SET("dst_ref", K_REF, 0, t_endpoint),
	O("src_port", K_PORT), O("dst_port", K_PORT),
	{"protocols", K_STRINGS, CX_V_REQUIRED | CX_V_NONEMPTY, NULL, NULL, NULL},
	O("src_byte_count", K_UINT), O("dst_byte_count", K_UINT),
	O("src_packets", K_UINT), O("dst_packets", K_UINT), O("ipfix", K_DICT_SCALAR),
	SET("src_payload_ref", K_REF, 0, t_artifact), SET("dst_payload_ref", K_REF, 0, t_artifact),
	SET("encapsulates_refs", K_REFS, 0, t_network_traffic),
	SET("encapsulated_by_ref", K_REF, 0, t_network_traffic), END,
};
static const struct cx_vs_prop process_props[] = {
	O("is_hidden", K_BOOL), O("pid", K_INT), O("created_time", K_TIME), O("cwd", K_STRING),
	O("command_line", K_STRING), O("environment_variables", K_DICT_STRING),
	SET("opened_connection_refs", K_REFS, 0, t_network_traffic),
	SET("creator_user_ref", K_REF, 0, t_user_account), SET("image_ref", K_REF, 0, t_file),
	SET("parent_ref", K_REF, 0, t_process), SET("child_refs", K_REFS, 0, t_process), END,
};
static const struct cx_vs_prop software_props[] = {
	RN("name"), FMT("cpe", 0, f_cpe), O("swid", K_STRING), O("languages", K_LANGS),
	O("vendor", K_STRING), O("version", K_STRING), END,
};
static const struct cx_vs_prop url_props[] = {R("value", K_URL), END};
static const struct cx_vs_prop user_account_props[] = {
	O("user_id", K_STRING), O("credential", K_STRING), O("account_login", K_STRING),
	O("account_type", K_OPEN), O("display_name", K_STRING),
	O("is_service_account", K_BOOL), O("is_privileged", K_BOOL),
	O("can_escalate_privs", K_BOOL), O("is_disabled", K_BOOL),
	O("account_created", K_TIME), O("account_expires", K_TIME),
	O("credential_last_changed", K_TIME), O("account_first_login", K_TIME),
	O("account_last_login", K_TIME), END,
};
static const struct cx_vs_prop registry_key_props[] = {
	FMT("key", CX_V_NONEMPTY, f_hive), SUB("values", K_OBJECTS, registry_value),
	O("modified_time", K_TIME), SET("creator_user_ref", K_REF, 0, t_user_account),
	O("number_of_subkeys", K_INT), END,
};
static const struct cx_vs_prop x509_certificate_props[] = {
	O("is_self_signed", K_BOOL), O("hashes", K_HASHES), O("version", K_STRING),
	O("serial_number", K_STRING), O("signature_algorithm", K_STRING), O("issuer", K_STRING),
	O("validity_not_before", K_TIME), O("validity_not_after", K_TIME), O("subject", K_STRING),
	O("subject_public_key_algorithm", K_STRING), O("subject_public_key_modulus", K_STRING),
	O("subject_public_key_exponent", K_INT), SUB("x509_v3_extensions", K_OBJECT, x509_v3), END,
};

#define SCO(t, props, least, rules, exts) {(t), {(t), (props), (least), (rules)}, (exts)}
static const struct cx_vs_sco scos[] = {
	SCO("artifact", artifact_props, LEAST_NONE, artifact_rules, NULL),
	SCO("autonomous-system", autonomous_system_props, LEAST_NONE, NULL, NULL),
	SCO("directory", directory_props, LEAST_NONE, NULL, NULL),
	SCO("domain-name", domain_name_props, LEAST_NONE, NULL, NULL),
	SCO("email-addr", email_addr_props, LEAST_NONE, NULL, NULL),
	SCO("email-message", email_message_props, LEAST_NONE, email_message_rules, NULL),
	SCO("file", file_props, LEAST_NONE, file_rules, file_exts),
	SCO("ipv4-addr", ipv4_addr_props, LEAST_NONE, NULL, NULL),
	SCO("ipv6-addr", ipv6_addr_props, LEAST_NONE, NULL, NULL),
	SCO("mac-addr", mac_addr_props, LEAST_NONE, NULL, NULL),
	SCO("mutex", mutex_props, LEAST_NONE, NULL, NULL),
	SCO("network-traffic", network_traffic_props, LEAST_NONE, network_traffic_rules,
	    network_traffic_exts),
	SCO("process", process_props, LEAST_ANY_OR_EXT, NULL, process_exts),
	SCO("software", software_props, LEAST_NONE, NULL, NULL),
	SCO("url", url_props, LEAST_NONE, NULL, NULL),
	SCO("user-account", user_account_props, LEAST_ANY_OR_EXT, NULL, user_account_exts),
	SCO("windows-registry-key", registry_key_props, LEAST_ANY, NULL, NULL),
	SCO("x509-certificate", x509_certificate_props, LEAST_ANY, NULL, NULL),
};

/* clang-format on */

const struct cx_vs_sco *cx_vs_find(const char *type)
{
	for (size_t i = 0; type && i < sizeof(scos) / sizeof(scos[0]); i++) {
		if (strcmp(scos[i].type, type) == 0)
			return &scos[i];
	}
	return NULL;
}
