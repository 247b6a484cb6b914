/* Type-specific validation of the 18 STIX 2.1 Cyber-observable Objects
 * (section 6) and of their predefined extensions.
 *
 * cx_stix_validate() has already checked the properties every SCO shares
 * (id, spec_version, markings, defanged, and the extension-definition keys
 * of `extensions`). What is left is described here as data: each type, each
 * predefined extension and each nested structure is a `struct shape`, a
 * table of its properties with the kind of value each takes, plus the "at
 * least one of" rule and a function for the few rules that tie properties
 * together. One interpreter walks the tables, so a rule is written once and
 * every rejection carries the JSON path of the offending property.
 *
 * Paths name the property a rule is about. A rule that asks for one of two
 * alternatives names the first (`hashes` for a file that has neither hashes
 * nor name); a rule that asks for at least one of many properties names the
 * structure that lacks them ("" for the object itself,
 * "extensions.tcp-ext" for an extension). */
#include "stix/validate_internal.h"

#include <arpa/inet.h>
#include <assert.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

enum kind {
	K_STRING,
	K_INT,
	K_UINT,    /* integer >= 0 (the spec's "MUST NOT be negative") */
	K_PORT,    /* integer 0..65535 */
	K_ENTROPY, /* Shannon entropy of bytes: a number 0..8 */
	K_BOOL,
	K_TIME,
	K_TIME_SECOND, /* timestamp precise to the second: no fraction */
	K_HEX,
	K_HASHES,
	K_BINARY,
	K_URL,     /* RFC 3986 URI (checked by cx_v_url) */
	K_REF,     /* `set` lists the allowed target types */
	K_REFS,    /* as K_REF, for a list */
	K_STRINGS, /* non-empty list of strings */
	K_LANGS,   /* non-empty list of RFC 5646 language tags */
	K_DICT,    /* dictionary, any values */
	K_DICT_STRING,
	K_DICT_INT,
	K_DICT_SCALAR,  /* dictionary of integers or strings */
	K_DICT_STRINGS, /* dictionary of non-empty lists of strings */
	K_ENUM,         /* closed vocabulary `set` */
	K_OPEN,         /* open vocabulary: any non-empty string */
	K_FORMAT,       /* string accepted by `format`; any string once defanged */
	K_OBJECT,       /* nested structure `shape` */
	K_OBJECTS,      /* non-empty list of nested structures `shape` */
};

struct format {
	bool (*ok)(const char *s);
	const char *what; /* completes "must be ..." */
};

struct shape;

struct prop {
	const char *name;
	enum kind kind;
	unsigned flags; /* CX_V_REQUIRED, CX_V_NONEMPTY */
	const char *const *set;
	const struct shape *shape;
	const struct format *format;
};

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

/* Which "at least one property" rule a structure has. */
enum least {
	LEAST_NONE,
	LEAST_ANY,           /* one of its properties */
	LEAST_ANY_BUT_FIRST, /* one besides the first (required) property */
	LEAST_ANY_OR_EXT,    /* one of its properties, or `extensions` */
};

struct shape {
	const char *name; /* for messages */
	const struct prop *props;
	enum least least;
	/* Rules across properties; runs after each property passed. */
	int (*rules)(const json_t *o, const char *at, struct cx_stix_error *err);
};

struct ext {
	const char *key;
	const struct shape *shape;
};

struct sco {
	const char *type;
	struct shape shape;
	const struct ext *exts; /* predefined extensions, NULL-terminated; or NULL */
};

/* Enough for the longest property table (the PE optional header) plus NULL. */
#define MAX_PROPS 40

/* ---- Value formats --------------------------------------------------------- */

/* A CIDR suffix: decimal without sign or leading zero, at most max. */
static bool prefix_ok(const char *p, unsigned max)
{
	unsigned v = 0;
	size_t n = strlen(p);

	if (n == 0 || n > 3 || (p[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	return v <= max;
}

/* An address of `family`, optionally followed by "/prefix". inet_pton() is
 * strict: dotted quads only, no leading zeros, no zone index. */
static bool ip_ok(const char *s, int family, unsigned max_prefix)
{
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned char addr[16];
	char buf[64];

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(family, buf, addr) != 1)
		return false;
	return !slash || prefix_ok(slash + 1, max_prefix);
}

static bool ipv4_ok(const char *s)
{
	return ip_ok(s, AF_INET, 32);
}

static bool ipv6_ok(const char *s)
{
	return ip_ok(s, AF_INET6, 128);
}

static bool hex_digit_lower(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Section 6.10: colon-delimited, lowercase MAC-48 with leading zeros. */
static bool mac_ok(const char *s)
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != ':' : !hex_digit_lower(s[i]))
			return false;
	}
	return true;
}

static bool ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 1034 names with RFC 5890 labels: at most 253 octets (a final dot
 * aside), labels of 1 to 63 octets made of letters, digits and hyphens, not
 * starting or ending with a hyphen. Octets above 0x7f are accepted so that
 * U-labels (UTF-8) pass, and so is the underscore that service labels such
 * as "_dmarc" carry in real DNS data. */
static bool domain_ok(const char *s)
{
	size_t n = strlen(s), label = 0;

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)s[i] : '.';

		if (c == '.') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!ascii_alnum(c) && c != '-' && c != '_' && c < 0x80)
			return false;
		if (c == '-' && label == 0)
			return false;
		label++;
	}
	return true;
}

/* The addr-spec of RFC 5322 section 3.4.1 (no display name, no angle
 * brackets): a dot-atom or quoted local part, "@", then a domain name or a
 * bracketed domain literal. UTF-8 is allowed as RFC 6531 does. */
static bool email_ok(const char *s)
{
	const char *at = strrchr(s, '@');
	size_t local, dom;

	if (!at || at == s || !at[1])
		return false;
	local = (size_t)(at - s);
	dom = strlen(at + 1);
	if (at[1] == '[') {
		if (at[dom] != ']' || dom < 3)
			return false;
		for (size_t i = 2; i < dom; i++) {
			if ((unsigned char)at[i] <= ' ' || at[i] == '[' || at[i] == '\\' ||
			    at[i] == 0x7f)
				return false;
		}
	} else if (!domain_ok(at + 1)) {
		return false;
	}
	if (local >= 2 && s[0] == '"' && s[local - 1] == '"')
		return true;
	if (s[0] == '.' || s[local - 1] == '.')
		return false;
	for (size_t i = 0; i < local; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == 0x7f || strchr("()<>[]:;@\\,\"", c))
			return false;
		if (c == '.' && s[i + 1] == '.')
			return false;
	}
	return true;
}

/* A CPE 2.3 formatted string (NISTIR 7695 section 6.2): "cpe:2.3:" then
 * part (a, o, h, * or -) and ten more non-empty components, separated by
 * unescaped colons: thirteen components in all. */
static bool cpe_ok(const char *s)
{
	size_t len = 0;
	int colons = 0;

	if (strncmp(s, "cpe:2.3:", 8) != 0 || !strchr("aoh*-", s[8]) || s[8] == '\0' || s[9] != ':')
		return false;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= ' ' || c >= 0x7f)
			return false;
		if (c == '\\') {
			if (p[1] == '\0')
				return false;
			p++;
			len++;
		} else if (c == ':') {
			if (len == 0)
				return false;
			colons++;
			len = 0;
		} else {
			len++;
		}
	}
	return colons == 12 && len > 0;
}

/* Section 6.6: header values encoded as RFC 2047 encoded-words
 * ("=?charset?Q?text?=") MUST be decoded before they are stored. */
static bool decoded_ok(const char *s)
{
	for (const char *p = strstr(s, "=?"); p; p = strstr(p + 2, "=?")) {
		const char *q = p + 2;
		size_t charset = strcspn(q, "? \t\r\n");

		if (charset == 0 || q[charset] != '?' || !strchr("BbQq", q[charset + 1]) ||
		    q[charset + 1] == '\0' || q[charset + 2] != '?')
			continue;
		q += charset + 3;
		q += strcspn(q, "? \t\r\n");
		if (q[0] == '?' && q[1] == '=')
			return false;
	}
	return true;
}

/* Section 6.17: the hive part of a registry key MUST be fully expanded
 * (HKEY_LOCAL_MACHINE, not HKLM). */
static bool hive_ok(const char *s)
{
	static const char *const abbrev[] = {"HKLM", "HKCU", "HKCR", "HKU", "HKCC", "HKPD", NULL};
	size_t n = strcspn(s, "\\");

	for (size_t i = 0; abbrev[i]; i++) {
		if (strlen(abbrev[i]) == n && strncasecmp(s, abbrev[i], n) == 0)
			return false;
	}
	return true;
}

static const struct format f_ipv4 = {ipv4_ok, "an IPv4 address or CIDR block"};
static const struct format f_ipv6 = {ipv6_ok, "an IPv6 address or CIDR block"};
static const struct format f_mac = {mac_ok, "a lowercase colon-delimited MAC-48 address"};
static const struct format f_domain = {domain_ok, "a domain name (RFC 1034)"};
static const struct format f_email = {email_ok, "an addr-spec email address (RFC 5322)"};
static const struct format f_cpe = {cpe_ok, "a CPE 2.3 formatted string"};
static const struct format f_decoded = {decoded_ok, "decoded (no RFC 2047 encoded-words)"};
static const struct format f_hive = {hive_ok, "a key whose hive is fully expanded (HKEY_...)"};

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

static const struct prop mime_part_props[] = {
	O("body", K_STRING), SET("body_raw_ref", K_REF, 0, t_artifact_file),
	FMT("content_type", 0, f_decoded), FMT("content_disposition", 0, f_decoded), END,
};
static const struct shape mime_part = {"mime-part-type", mime_part_props, LEAST_NONE,
	mime_part_rules};

static const struct prop ads_props[] = {
	RN("name"), O("hashes", K_HASHES), O("size", K_UINT), END,
};
static const struct shape ads = {"alternate-data-stream-type", ads_props, LEAST_NONE, NULL};

static const struct prop pe_optional_header_props[] = {
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
static const struct shape pe_optional_header = {"windows-pe-optional-header-type",
	pe_optional_header_props, LEAST_ANY, NULL};

static const struct prop pe_section_props[] = {
	R("name", K_STRING), O("size", K_UINT), O("entropy", K_ENTROPY), O("hashes", K_HASHES), END,
};
static const struct shape pe_section = {"windows-pe-section-type", pe_section_props, LEAST_NONE,
	NULL};

/* A value's name may be "": that is how the default value of a key is named. */
static const struct prop registry_value_props[] = {
	O("name", K_STRING), O("data", K_STRING),
	SET("data_type", K_ENUM, 0, cx_vocab_windows_registry_datatype), END,
};
static const struct shape registry_value = {"windows-registry-value-type", registry_value_props,
	LEAST_NONE, NULL};

static const struct prop x509_v3_props[] = {
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
static const struct shape x509_v3 = {"x509-v3-extensions-type", x509_v3_props, LEAST_ANY, NULL};

/* Predefined extensions. */

static const struct prop archive_ext_props[] = {
	SET("contains_refs", K_REFS, CX_V_REQUIRED, t_file_dir), O("comment", K_STRING), END,
};
static const struct shape archive_ext = {"archive-ext", archive_ext_props, LEAST_NONE, NULL};

static const struct prop ntfs_ext_props[] = {
	O("sid", K_STRING), SUB("alternate_data_streams", K_OBJECTS, ads), END,
};
static const struct shape ntfs_ext = {"ntfs-ext", ntfs_ext_props, LEAST_ANY, NULL};

static const struct prop pdf_ext_props[] = {
	O("version", K_STRING), O("is_optimized", K_BOOL), O("document_info_dict", K_DICT_STRING),
	O("pdfid0", K_STRING), O("pdfid1", K_STRING), END,
};
static const struct shape pdf_ext = {"pdf-ext", pdf_ext_props, LEAST_ANY, NULL};

static const struct prop raster_image_ext_props[] = {
	O("image_height", K_INT), O("image_width", K_INT), O("bits_per_pixel", K_INT),
	O("exif_tags", K_DICT_SCALAR), END,
};
static const struct shape raster_image_ext = {"raster-image-ext", raster_image_ext_props, LEAST_ANY,
	NULL};

static const struct prop pebinary_ext_props[] = {
	R("pe_type", K_OPEN), O("imphash", K_STRING), O("machine_hex", K_HEX),
	O("number_of_sections", K_UINT), O("time_date_stamp", K_TIME_SECOND),
	O("pointer_to_symbol_table_hex", K_HEX), O("number_of_symbols", K_UINT),
	O("size_of_optional_header", K_UINT), O("characteristics_hex", K_HEX),
	O("file_header_hashes", K_HASHES), SUB("optional_header", K_OBJECT, pe_optional_header),
	SUB("sections", K_OBJECTS, pe_section), END,
};
static const struct shape pebinary_ext = {"windows-pebinary-ext", pebinary_ext_props,
	LEAST_ANY_BUT_FIRST, NULL};

static const struct prop http_request_ext_props[] = {
	RN("request_method"), R("request_value", K_STRING), O("request_version", K_STRING),
	O("request_header", K_DICT_STRINGS), O("message_body_length", K_INT),
	SET("message_body_data_ref", K_REF, 0, t_artifact), END,
};
static const struct shape http_request_ext = {"http-request-ext", http_request_ext_props,
	LEAST_NONE, NULL};

static const struct prop icmp_ext_props[] = {
	R("icmp_type_hex", K_HEX), R("icmp_code_hex", K_HEX), END,
};
static const struct shape icmp_ext = {"icmp-ext", icmp_ext_props, LEAST_NONE, NULL};

static const struct prop socket_ext_props[] = {
	SET("address_family", K_ENUM, CX_V_REQUIRED, cx_vocab_network_socket_address_family),
	O("is_blocking", K_BOOL), O("is_listening", K_BOOL), O("options", K_DICT_INT),
	SET("socket_type", K_ENUM, 0, cx_vocab_network_socket_type),
	O("socket_descriptor", K_UINT), O("socket_handle", K_INT), END,
};
static const struct shape socket_ext = {"socket-ext", socket_ext_props, LEAST_NONE, NULL};

static const struct prop tcp_ext_props[] = {
	O("src_flags_hex", K_HEX), O("dst_flags_hex", K_HEX), END,
};
static const struct shape tcp_ext = {"tcp-ext", tcp_ext_props, LEAST_ANY, NULL};

static const struct prop windows_process_ext_props[] = {
	O("aslr_enabled", K_BOOL), O("dep_enabled", K_BOOL), O("priority", K_STRING),
	O("owner_sid", K_STRING), O("window_title", K_STRING), O("startup_info", K_DICT),
	SET("integrity_level", K_ENUM, 0, cx_vocab_windows_integrity_level), END,
};
static const struct shape windows_process_ext = {"windows-process-ext", windows_process_ext_props,
	LEAST_ANY, NULL};

static const struct prop windows_service_ext_props[] = {
	O("service_name", K_STRING), O("descriptions", K_STRINGS), O("display_name", K_STRING),
	O("group_name", K_STRING),
	SET("start_type", K_ENUM, 0, cx_vocab_windows_service_start_type),
	SET("service_dll_refs", K_REFS, 0, t_file),
	SET("service_type", K_ENUM, 0, cx_vocab_windows_service_type),
	SET("service_status", K_ENUM, 0, cx_vocab_windows_service_status), END,
};
static const struct shape windows_service_ext = {"windows-service-ext", windows_service_ext_props,
	LEAST_ANY, NULL};

static const struct prop unix_account_ext_props[] = {
	O("gid", K_INT), O("groups", K_STRINGS), O("home_dir", K_STRING), O("shell", K_STRING), END,
};
static const struct shape unix_account_ext = {"unix-account-ext", unix_account_ext_props,
	LEAST_ANY, NULL};

static const struct ext file_exts[] = {
	{"archive-ext", &archive_ext}, {"ntfs-ext", &ntfs_ext}, {"pdf-ext", &pdf_ext},
	{"raster-image-ext", &raster_image_ext}, {"windows-pebinary-ext", &pebinary_ext},
	{NULL, NULL},
};
static const struct ext network_traffic_exts[] = {
	{"http-request-ext", &http_request_ext}, {"icmp-ext", &icmp_ext},
	{"socket-ext", &socket_ext}, {"tcp-ext", &tcp_ext}, {NULL, NULL},
};
static const struct ext process_exts[] = {
	{"windows-process-ext", &windows_process_ext},
	{"windows-service-ext", &windows_service_ext}, {NULL, NULL},
};
static const struct ext user_account_exts[] = {
	{"unix-account-ext", &unix_account_ext}, {NULL, NULL},
};

/* The objects, 6.1 to 6.18. */

static const struct prop artifact_props[] = {
	O("mime_type", K_STRING), O("payload_bin", K_BINARY), O("url", K_URL),
	O("hashes", K_HASHES),
	SET("encryption_algorithm", K_ENUM, 0, cx_vocab_encryption_algorithm),
	O("decryption_key", K_STRING), END,
};
static const struct prop autonomous_system_props[] = {
	R("number", K_INT), O("name", K_STRING), O("rir", K_STRING), END,
};
static const struct prop directory_props[] = {
	RN("path"), O("path_enc", K_STRING),
	O("ctime", K_TIME), O("mtime", K_TIME), O("atime", K_TIME),
	SET("contains_refs", K_REFS, 0, t_file_dir), END,
};
static const struct prop domain_name_props[] = {
	FMT("value", CX_V_REQUIRED, f_domain), SET("resolves_to_refs", K_REFS, 0, t_ip_domain), END,
};
static const struct prop email_addr_props[] = {
	FMT("value", CX_V_REQUIRED, f_email), O("display_name", K_STRING),
	SET("belongs_to_ref", K_REF, 0, t_user_account), END,
};
static const struct prop email_message_props[] = {
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
static const struct prop file_props[] = {
	O("hashes", K_HASHES), O("size", K_UINT), O("name", K_STRING), O("name_enc", K_STRING),
	O("magic_number_hex", K_HEX), O("mime_type", K_STRING),
	O("ctime", K_TIME), O("mtime", K_TIME), O("atime", K_TIME),
	SET("parent_directory_ref", K_REF, 0, t_directory), SET("contains_refs", K_REFS, 0, t_sco),
	SET("content_ref", K_REF, 0, t_artifact), END,
};
static const struct prop ipv4_addr_props[] = {
	FMT("value", CX_V_REQUIRED, f_ipv4), SET("resolves_to_refs", K_REFS, 0, t_mac),
	SET("belongs_to_refs", K_REFS, 0, t_as), END,
};
static const struct prop ipv6_addr_props[] = {
	FMT("value", CX_V_REQUIRED, f_ipv6), SET("resolves_to_refs", K_REFS, 0, t_mac),
	SET("belongs_to_refs", K_REFS, 0, t_as), END,
};
static const struct prop mac_addr_props[] = {FMT("value", CX_V_REQUIRED, f_mac), END};
static const struct prop mutex_props[] = {RN("name"), END};
static const struct prop network_traffic_props[] = {
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
static const struct prop process_props[] = {
	O("is_hidden", K_BOOL), O("pid", K_INT), O("created_time", K_TIME), O("cwd", K_STRING),
	O("command_line", K_STRING), O("environment_variables", K_DICT_STRING),
	SET("opened_connection_refs", K_REFS, 0, t_network_traffic),
	SET("creator_user_ref", K_REF, 0, t_user_account), SET("image_ref", K_REF, 0, t_file),
	SET("parent_ref", K_REF, 0, t_process), SET("child_refs", K_REFS, 0, t_process), END,
};
static const struct prop software_props[] = {
	RN("name"), FMT("cpe", 0, f_cpe), O("swid", K_STRING), O("languages", K_LANGS),
	O("vendor", K_STRING), O("version", K_STRING), END,
};
static const struct prop url_props[] = {R("value", K_URL), END};
static const struct prop user_account_props[] = {
	O("user_id", K_STRING), O("credential", K_STRING), O("account_login", K_STRING),
	O("account_type", K_OPEN), O("display_name", K_STRING),
	O("is_service_account", K_BOOL), O("is_privileged", K_BOOL),
	O("can_escalate_privs", K_BOOL), O("is_disabled", K_BOOL),
	O("account_created", K_TIME), O("account_expires", K_TIME),
	O("credential_last_changed", K_TIME), O("account_first_login", K_TIME),
	O("account_last_login", K_TIME), END,
};
static const struct prop registry_key_props[] = {
	FMT("key", CX_V_NONEMPTY, f_hive), SUB("values", K_OBJECTS, registry_value),
	O("modified_time", K_TIME), SET("creator_user_ref", K_REF, 0, t_user_account),
	O("number_of_subkeys", K_INT), END,
};
static const struct prop x509_certificate_props[] = {
	O("is_self_signed", K_BOOL), O("hashes", K_HASHES), O("version", K_STRING),
	O("serial_number", K_STRING), O("signature_algorithm", K_STRING), O("issuer", K_STRING),
	O("validity_not_before", K_TIME), O("validity_not_after", K_TIME), O("subject", K_STRING),
	O("subject_public_key_algorithm", K_STRING), O("subject_public_key_modulus", K_STRING),
	O("subject_public_key_exponent", K_INT), SUB("x509_v3_extensions", K_OBJECT, x509_v3), END,
};

#define SCO(t, props, least, rules, exts) {(t), {(t), (props), (least), (rules)}, (exts)}
static const struct sco scos[] = {
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

/* ---- The interpreter -------------------------------------------------------------- */

static int check_nested(const json_t *o, const char *at, const struct shape *sh, bool defanged,
                        struct cx_stix_error *err);

static int check_time_second(const json_t *o, const char *at, const struct prop *p,
                             struct cx_stix_error *err)
{
	const char *s;
	int r = cx_v_timestamp(o, at, p->name, p->flags, NULL, NULL, err);

	if (r < 0)
		return r;
	s = json_string_value(json_object_get(o, p->name));
	if (s && strchr(s, '.'))
		return cx_v_fail(err, at, p->name, CX_RULE_TIMESTAMP,
		                 "%s must be precise to the second (no fraction)", p->name);
	return 0;
}

static int check_langs(const json_t *o, const char *at, const struct prop *p,
                       struct cx_stix_error *err)
{
	const json_t *list = json_object_get(o, p->name);
	char base[CX_V_PATH_MAX], path[CX_V_PATH_MAX];
	int r = cx_v_string_list(o, at, p->name, p->flags, err);

	if (r < 0 || !list)
		return r;
	cx_v_path(base, sizeof(base), at, p->name);
	for (size_t i = 0; i < json_array_size(list); i++) {
		if (cx_v_lang_tag_valid(json_string_value(json_array_get(list, i))))
			continue;
		cx_v_path_index(path, sizeof(path), base, i);
		return cx_v_fail(err, path, NULL, CX_RULE_FORMAT,
		                 "%s must be an RFC 5646 language tag", path);
	}
	return 0;
}

/* Dictionaries whose values the generic check cannot express: integers
 * (socket options), integers or strings (EXIF tags, IPFIX elements), whose
 * integers keep to the STIX integer range, or header fields. Each header
 * field value MUST be a list of strings, as a field may repeat (sections
 * 6.6 and 6.12.1); errata 01 corrected the examples of the specification
 * that printed plain strings. */
static int check_dict(const json_t *o, const char *at, const struct prop *p,
                      struct cx_stix_error *err)
{
	char base[CX_V_PATH_MAX];
	const json_t *dict = NULL;
	int r = cx_v_dict(o, at, p->name, p->flags, CX_VJ_ANY, &dict, err);

	if (r < 0 || !dict)
		return r;
	cx_v_path(base, sizeof(base), at, p->name);
	for (void *it = json_object_iter((json_t *)dict); it;
	     it = json_object_iter_next((json_t *)dict, it)) {
		const char *k = json_object_iter_key(it);
		const json_t *v = json_object_iter_value(it);

		if (p->kind == K_DICT_STRINGS)
			r = cx_v_string_list(dict, base, k, 0, err);
		else if (p->kind == K_DICT_INT || json_is_integer(v))
			r = cx_v_integer(dict, base, k, 0, CX_V_INT_MIN, CX_V_INT_MAX, NULL, err);
		else if (!json_is_string(v))
			r = cx_v_fail(err, base, k, CX_RULE_TYPE,
			              "values of %s must be integers or strings", p->name);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Defanging (the SCO common property `defanged`) rewrites values such as
 * addresses and URLs on purpose ("198.51.100[.]3", "hxxp://example[.]com"),
 * so in a defanged object the formatted values need only be strings. */
static int check_format(const json_t *o, const char *at, const struct prop *p, bool defanged,
                        struct cx_stix_error *err)
{
	const char *s = NULL;
	int r = cx_v_string(o, at, p->name, p->flags, &s, err);

	if (r < 0 || defanged)
		return r;
	if (p->kind == K_URL)
		return cx_v_url(o, at, p->name, p->flags, err);
	if (s && !p->format->ok(s))
		return cx_v_fail(err, at, p->name, CX_RULE_FORMAT, "%s must be %s", p->name,
		                 p->format->what);
	return 0;
}

static int check_objects(const json_t *o, const char *at, const struct prop *p, bool defanged,
                         struct cx_stix_error *err)
{
	char base[CX_V_PATH_MAX], path[CX_V_PATH_MAX];
	const json_t *v = NULL;
	int r;

	cx_v_path(base, sizeof(base), at, p->name);
	if (p->kind == K_OBJECT) {
		r = cx_v_get(o, at, p->name, p->flags, CX_VJ_OBJECT, &v, err);
		return r < 0 || !v ? r : check_nested(v, base, p->shape, defanged, err);
	}
	r = cx_v_list(o, at, p->name, p->flags, &v, err);
	if (r < 0 || !v)
		return r;
	for (size_t i = 0; i < json_array_size(v); i++) {
		const json_t *e = json_array_get(v, i);

		cx_v_path_index(path, sizeof(path), base, i);
		if (!json_is_object(e))
			return cx_v_fail(err, path, NULL, CX_RULE_TYPE, "%s must be a %s object",
			                 path, p->shape->name);
		r = check_nested(e, path, p->shape, defanged, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_prop(const json_t *o, const char *at, const struct prop *p, bool defanged,
                      struct cx_stix_error *err)
{
	const char *n = p->name;
	unsigned f = p->flags;

	switch (p->kind) {
	case K_STRING:
		return cx_v_string(o, at, n, f, NULL, err);
	case K_INT:
		return cx_v_integer(o, at, n, f, LLONG_MIN, LLONG_MAX, NULL, err);
	case K_UINT:
		return cx_v_integer(o, at, n, f, 0, LLONG_MAX, NULL, err);
	case K_PORT:
		return cx_v_integer(o, at, n, f, 0, 65535, NULL, err);
	case K_ENTROPY:
		return cx_v_number(o, at, n, f, 0.0, 8.0, NULL, err);
	case K_BOOL:
		return cx_v_boolean(o, at, n, f, err);
	case K_TIME:
		return cx_v_timestamp(o, at, n, f, NULL, NULL, err);
	case K_TIME_SECOND:
		return check_time_second(o, at, p, err);
	case K_HEX:
		return cx_v_hex(o, at, n, f, err);
	case K_HASHES:
		return cx_v_hashes(o, at, n, f, err);
	case K_BINARY:
		return cx_v_binary(o, at, n, f, err);
	case K_REF:
		return cx_v_ref(o, at, n, f, p->set, err);
	case K_REFS:
		return cx_v_ref_list(o, at, n, f, p->set, err);
	case K_STRINGS:
		return cx_v_string_list(o, at, n, f, err);
	case K_LANGS:
		return check_langs(o, at, p, err);
	case K_DICT:
		return cx_v_dict(o, at, n, f, CX_VJ_ANY, NULL, err);
	case K_DICT_STRING:
		return cx_v_dict(o, at, n, f, CX_VJ_STRING, NULL, err);
	case K_DICT_INT:
	case K_DICT_SCALAR:
	case K_DICT_STRINGS:
		return check_dict(o, at, p, err);
	case K_ENUM:
		return cx_v_enum(o, at, n, f, p->set, err);
	case K_OPEN:
		return cx_v_open_vocab(o, at, n, f, err);
	case K_URL:
	case K_FORMAT:
		return check_format(o, at, p, defanged, err);
	case K_OBJECT:
	case K_OBJECTS:
		return check_objects(o, at, p, defanged, err);
	}
	return cx_v_fail(err, at, n, CX_RULE_TYPE, "%s has no known kind", n);
}

/* The "MUST contain at least one property" rules of section 6. Custom
 * properties do not count: they say nothing the type defines. */
static int check_least(const json_t *o, const char *at, const struct shape *sh,
                       struct cx_stix_error *err)
{
	size_t first = sh->least == LEAST_ANY_BUT_FIRST ? 1 : 0;

	if (sh->least == LEAST_NONE)
		return 0;
	if (sh->least == LEAST_ANY_OR_EXT && has(o, "extensions"))
		return 0;
	for (size_t i = first; sh->props[i].name; i++) {
		if (has(o, sh->props[i].name))
			return 0;
	}
	if (first)
		return cx_v_fail(err, at, NULL, CX_RULE_REQUIRED,
		                 "%s needs at least one property besides %s", sh->name,
		                 sh->props[0].name);
	return cx_v_fail(err, at, NULL, CX_RULE_REQUIRED, "%s needs at least one of its properties",
	                 sh->name);
}

static int check_fields(const json_t *o, const char *at, const struct shape *sh, bool defanged,
                        struct cx_stix_error *err)
{
	int r;

	for (const struct prop *p = sh->props; p->name; p++) {
		r = check_prop(o, at, p, defanged, err);
		if (r < 0)
			return r;
	}
	r = check_least(o, at, sh, err);
	if (r < 0)
		return r;
	return sh->rules ? sh->rules(o, at, err) : 0;
}

/* Every property of o that the shape does not define is a custom property:
 * cx_v_properties() holds it to the custom property rules. */
static int check_custom(const json_t *o, const char *at, enum cx_stix_kind kind,
                        const struct shape *sh, struct cx_stix_error *err)
{
	const char *names[MAX_PROPS + 1];
	size_t n = 0;

	for (const struct prop *p = sh->props; p->name; p++) {
		assert(n < MAX_PROPS);
		names[n++] = p->name;
	}
	names[n] = NULL;
	return cx_v_properties(o, at, kind, names, err);
}

static int check_nested(const json_t *o, const char *at, const struct shape *sh, bool defanged,
                        struct cx_stix_error *err)
{
	int r = check_fields(o, at, sh, defanged, err);

	return r < 0 ? r : check_custom(o, at, CX_STIX_UNKNOWN, sh, err);
}

/* Keys of `extensions` other than extension-definition ids (which the
 * dispatcher checks) must name a predefined extension of this type. */
static int check_extensions(const json_t *o, const struct sco *t, bool defanged,
                            struct cx_stix_error *err)
{
	static const char defn[] = "extension-definition--";
	const json_t *exts = json_object_get(o, "extensions");
	char path[CX_V_PATH_MAX];
	int r;

	if (!exts)
		return 0;
	if (!json_is_object(exts))
		return cx_v_fail(err, "", "extensions", CX_RULE_TYPE,
		                 "extensions must be a dictionary");
	for (void *it = json_object_iter((json_t *)exts); it;
	     it = json_object_iter_next((json_t *)exts, it)) {
		const char *key = json_object_iter_key(it);
		const json_t *v = json_object_iter_value(it);
		const struct ext *e = t->exts;

		if (strncmp(key, defn, sizeof(defn) - 1) == 0)
			continue;
		while (e && e->key && strcmp(e->key, key) != 0)
			e++;
		if (!e || !e->key)
			return cx_v_fail(err, "extensions", key, CX_RULE_EXTENSION,
			                 "%s is not a predefined extension of %s", key, t->type);
		cx_v_path(path, sizeof(path), "extensions", key);
		if (!json_is_object(v))
			return cx_v_fail(err, path, NULL, CX_RULE_TYPE, "%s must be an object",
			                 key);
		r = check_nested(v, path, e->shape, defanged, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static const struct sco *find(const char *type)
{
	for (size_t i = 0; type && i < sizeof(scos) / sizeof(scos[0]); i++) {
		if (strcmp(scos[i].type, type) == 0)
			return &scos[i];
	}
	return NULL;
}

bool cx_stix_is_sco_type(const char *type)
{
	return find(type) != NULL;
}

int cx_stix_validate_sco_type(const char *type, const json_t *obj, struct cx_stix_error *err)
{
	const struct sco *t = find(type);
	bool defanged;
	int r;

	if (!t)
		return cx_v_fail(err, "", "type", CX_RULE_TYPE_NAME,
		                 "%s is not a STIX 2.1 cyber-observable type",
		                 type ? type : "(null)");
	if (!json_is_object(obj))
		return cx_v_fail(err, "", NULL, CX_RULE_NOT_OBJECT, "a %s must be a JSON object",
		                 type);
	defanged = json_is_true(json_object_get(obj, "defanged"));
	r = check_fields(obj, "", &t->shape, defanged, err);
	if (r < 0)
		return r;
	r = check_extensions(obj, t, defanged, err);
	if (r < 0)
		return r;
	return check_custom(obj, "", CX_STIX_SCO, &t->shape, err);
}
