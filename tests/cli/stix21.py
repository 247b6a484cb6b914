"""What STIX 2.1 says about properties, vocabularies and patterns, as the
malformed-input generator (mutate.py) needs it: which properties are
required, the JSON type of every property the examples use, where each
reference may point, the closed vocabularies, and invalid variants of a valid
pattern (checked against the grammar and the text of section 9).
"""
import re

# --- What the specification says about properties --------------------------

SDO = {"attack-pattern", "campaign", "course-of-action", "grouping", "identity",
       "incident", "indicator", "infrastructure", "intrusion-set", "location",
       "malware", "malware-analysis", "note", "observed-data", "opinion", "report",
       "threat-actor", "tool", "vulnerability"}
SRO = {"relationship", "sighting"}
SCO = {"artifact", "autonomous-system", "directory", "domain-name", "email-addr",
       "email-message", "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex",
       "network-traffic", "process", "software", "url", "user-account",
       "windows-registry-key", "x509-certificate"}
META = {"marking-definition", "language-content", "extension-definition"}

# Required properties (those both stix-v2.1-os and its errata require).
REQUIRED = {
    "attack-pattern": ["name"], "campaign": ["name"], "course-of-action": ["name"],
    "grouping": ["context", "object_refs"], "identity": ["name"], "incident": ["name"],
    "indicator": ["pattern", "pattern_type", "valid_from"], "infrastructure": ["name"],
    "intrusion-set": ["name"], "malware-analysis": ["product"],
    "note": ["content", "object_refs"],
    "observed-data": ["first_observed", "last_observed", "number_observed"],
    "opinion": ["opinion", "object_refs"], "report": ["name", "published", "object_refs"],
    "threat-actor": ["name"], "tool": ["name"], "vulnerability": ["name"],
    "relationship": ["relationship_type", "source_ref", "target_ref"],
    "sighting": ["sighting_of_ref"],
    "autonomous-system": ["number"], "directory": ["path"], "domain-name": ["value"],
    "email-addr": ["value"], "email-message": ["is_multipart"], "ipv4-addr": ["value"],
    "ipv6-addr": ["value"], "mac-addr": ["value"], "mutex": ["name"],
    "network-traffic": ["protocols"], "software": ["name"], "url": ["value"],
    "language-content": ["object_ref", "contents"],
    "extension-definition": ["created_by_ref", "name", "schema", "version",
                             "extension_types"],
}
# Required inside nested structures: (container key, item key).
NESTED_REQUIRED = [
    ("external_references", "source_name"), ("kill_chain_phases", "kill_chain_name"),
    ("kill_chain_phases", "phase_name"), ("granular_markings", "selectors"),
    ("windows-pebinary-ext", "pe_type"), ("http-request-ext", "request_method"),
    ("http-request-ext", "request_value"), ("icmp-ext", "icmp_type_hex"),
    ("icmp-ext", "icmp_code_hex"), ("socket-ext", "address_family"),
    ("archive-ext", "contains_refs"), ("alternate_data_streams", "name"),
    ("sections", "name"),
]

TIMESTAMPS = {"created", "modified", "valid_from", "valid_until", "first_seen",
              "last_seen", "first_observed", "last_observed", "published", "start_time",
              "stop_time", "analysis_started", "analysis_ended", "submitted",
              "created_time", "date", "ctime", "mtime", "atime", "account_created",
              "account_expires", "credential_last_changed", "account_first_login",
              "account_last_login", "validity_not_before", "validity_not_after",
              "modified_time", "start", "end", "object_modified", "time_date_stamp",
              "private_key_usage_period_not_before", "private_key_usage_period_not_after"}
STRINGS = {"name", "description", "pattern", "pattern_type", "pattern_version", "context",
           "content", "abstract", "explanation", "product", "version", "result",
           "relationship_type", "contact_information", "identity_class", "objective",
           "primary_motivation", "resource_level", "sophistication", "value", "path",
           "mime_type", "key", "subject", "issuer", "serial_number", "command_line",
           "display_name", "account_login", "user_id", "account_type", "schema", "lang",
           "region", "country", "administrative_area", "postal_code", "opinion",
           "tool_version", "rir", "cpe", "vendor", "name_enc", "analysis_engine_version",
           "analysis_definition_version", "message_id", "content_type", "priority",
           "owner_sid", "request_method", "request_value", "request_version", "sid",
           "data", "source_name", "external_id", "url", "kill_chain_name",
           "phase_name", "statement", "tlp", "shell", "home_dir", "decryption_key",
           "content_disposition", "body", "service_name", "pdfid0", "pdfid1",
           "imphash", "definition_type", "tlp_2_0", "basic_constraints", "key_usage"}
BOOLEANS = {"revoked", "is_family", "is_multipart", "is_active", "is_hidden",
            "is_service_account", "is_privileged", "can_escalate_privs", "is_disabled",
            "is_self_signed", "aslr_enabled", "dep_enabled", "is_listening", "is_blocking",
            "is_optimized"}
INTEGERS = {"confidence", "number_observed", "count", "number", "size", "pid",
            "src_port", "dst_port", "src_byte_count", "dst_byte_count", "src_packets",
            "dst_packets", "number_of_subkeys", "subject_public_key_exponent", "gid",
            "number_of_sections", "number_of_symbols", "size_of_optional_header",
            "major_linker_version", "size_of_code", "image_base"}
FLOATS = {"latitude", "longitude", "precision", "entropy"}
STRING_LISTS = {"labels", "aliases", "goals", "roles", "authors", "indicator_types",
                "malware_types", "infrastructure_types", "tool_types", "threat_actor_types",
                "report_types", "sectors", "secondary_motivations", "personal_motivations",
                "protocols", "extension_types", "extension_properties", "received_lines",
                "languages", "modules", "groups", "selectors", "descriptions"}
REF_LISTS = {"object_refs", "object_marking_refs", "observed_data_refs",
             "where_sighted_refs", "sample_refs", "operating_system_refs",
             "resolves_to_refs", "belongs_to_refs", "to_refs", "cc_refs", "bcc_refs",
             "contains_refs", "encapsulates_refs", "opened_connection_refs", "child_refs",
             "analysis_sco_refs", "installed_software_refs", "service_dll_refs"}
REFS = {"created_by_ref", "source_ref", "target_ref", "sighting_of_ref", "object_ref",
        "from_ref", "sender_ref", "raw_email_ref", "src_ref", "dst_ref",
        "parent_directory_ref", "content_ref", "image_ref", "parent_ref",
        "creator_user_ref", "belongs_to_ref", "sample_ref", "host_vm_ref",
        "operating_system_ref", "encapsulated_by_ref", "src_payload_ref",
        "dst_payload_ref", "marking_ref", "body_raw_ref", "message_body_data_ref"}
DICTS = {"extensions", "hashes", "contents", "additional_header_fields", "ipfix",
         "environment_variables", "definition", "x509_v3_extensions", "exif_tags",
         "document_info_dict", "request_header", "optional_header", "startup_info",
         "options"}
OBJECT_LISTS = {"external_references", "kill_chain_phases", "granular_markings",
                "body_multipart", "values", "alternate_data_streams", "sections"}
# Object-valued properties that are types of their own, not dictionaries.
OBJECT_TYPES = {"definition", "x509_v3_extensions", "optional_header"}
# Dictionaries whose keys are data, not property names: walk no further.
FREE_DICTS = {"hashes", "ipfix", "environment_variables", "exif_tags",
              "document_info_dict", "request_header", "additional_header_fields",
              "contents", "startup_info", "options", "file_header_hashes"}
PREDEFINED_EXTENSIONS = {"archive-ext", "ntfs-ext", "pdf-ext", "raster-image-ext",
                         "windows-pebinary-ext", "http-request-ext", "icmp-ext",
                         "socket-ext", "tcp-ext", "windows-process-ext",
                         "windows-service-ext", "unix-account-ext"}

# Where each reference may point (spec sections 4-7); a reference of another
# type breaks the rule.
REF_TARGETS = {
    "created_by_ref": {"identity"}, "object_marking_refs": {"marking-definition"},
    "marking_ref": {"marking-definition"}, "sighting_of_ref": SDO,
    "observed_data_refs": {"observed-data"}, "where_sighted_refs": {"identity", "location"},
    "source_ref": SDO | SCO, "target_ref": SDO | SCO,
    "from_ref": {"email-addr"}, "sender_ref": {"email-addr"}, "to_refs": {"email-addr"},
    "cc_refs": {"email-addr"}, "bcc_refs": {"email-addr"}, "raw_email_ref": {"artifact"},
    "src_ref": {"ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"},
    "dst_ref": {"ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"},
    "parent_directory_ref": {"directory"}, "content_ref": {"artifact"},
    "image_ref": {"file"}, "parent_ref": {"process"}, "child_refs": {"process"},
    "creator_user_ref": {"user-account"}, "belongs_to_ref": {"user-account"},
    "sample_refs": {"file", "artifact"}, "operating_system_refs": {"software"},
    "resolves_to_refs": {"ipv4-addr", "ipv6-addr", "domain-name"},
    "encapsulates_refs": {"network-traffic"}, "encapsulated_by_ref": {"network-traffic"},
    "opened_connection_refs": {"network-traffic"},
    "body_raw_ref": {"artifact", "file"},
}
# IP addresses resolve to MAC addresses, not to what domain names resolve to.
REF_TARGETS_BY_TYPE = {("ipv4-addr", "resolves_to_refs"): {"mac-addr"},
                       ("ipv6-addr", "resolves_to_refs"): {"mac-addr"},
                       ("ipv4-addr", "belongs_to_refs"): {"autonomous-system"},
                       ("ipv6-addr", "belongs_to_refs"): {"autonomous-system"},
                       ("directory", "contains_refs"): {"file", "directory"}}
# Targets outside every allowed set above, tried in turn.
WRONG_TARGETS = ["relationship", "bundle", "marking-definition", "language-content",
                 "sighting", "malware", "ipv4-addr", "url", "file", "identity"]

# Closed vocabularies (enumerations) and the properties that use them.
ENUMS = {
    "opinion": ["strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"],
    "address_family": ["AF_UNSPEC", "AF_INET", "AF_IPX", "AF_APPLETALK", "AF_NETBIOS",
                       "AF_INET6", "AF_IRDA", "AF_BTH"],
    "socket_type": ["SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET"],
    "start_type": ["SERVICE_AUTO_START", "SERVICE_BOOT_START", "SERVICE_DEMAND_START",
                   "SERVICE_DISABLED", "SERVICE_SYSTEM_ALERT"],
    "service_type": ["SERVICE_KERNEL_DRIVER", "SERVICE_FILE_SYSTEM_DRIVER",
                     "SERVICE_WIN32_OWN_PROCESS", "SERVICE_WIN32_SHARE_PROCESS"],
    "service_status": ["SERVICE_CONTINUE_PENDING", "SERVICE_PAUSE_PENDING",
                       "SERVICE_PAUSED", "SERVICE_RUNNING", "SERVICE_START_PENDING",
                       "SERVICE_STOP_PENDING", "SERVICE_STOPPED"],
    "data_type": ["REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD",
                  "REG_DWORD_BIG_ENDIAN", "REG_DWORD_LITTLE_ENDIAN", "REG_LINK",
                  "REG_MULTI_SZ", "REG_RESOURCE_LIST", "REG_FULL_RESOURCE_DESCRIPTION",
                  "REG_RESOURCE_REQUIREMENTS_LIST", "REG_QWORD", "REG_INVALID_TYPE"],
    "extension_types": ["new-sdo", "new-sco", "new-sro", "property-extension",
                        "toplevel-property-extension"],
    "extension_type": ["new-sdo", "new-sco", "new-sro", "property-extension",
                       "toplevel-property-extension"],
    "integrity_level": ["low", "medium", "high", "system"],
    "encryption_algorithm": ["AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated"],
}
BAD_ENUM_VALUES = ["bogus-value", "{up}", "{lo}", "{v} ", " {v}", "{v}x", "{v2}"]

BAD_TIMESTAMPS = [
    "{d}T{t}",                 # no Z
    "{d}T{t}+00:00",           # offset instead of Z
    "{d}T{t}-05:00",
    "{d} {t}Z",                # space separator
    "{d}T{t}ZZ",
    "{d}T{t}Z ",
    " {d}T{t}Z",
    "{d}",                     # date only
    "{d}T{hm}Z",               # no seconds
    "2016-13-06T20:03:48.000Z",
    "2016-00-10T20:03:48.000Z",
    "2016-04-00T20:03:48.000Z",
    "2016-04-31T20:03:48.000Z",
    "2017-02-29T20:03:48.000Z",
    "2100-02-29T00:00:00.000Z",
    "2016-04-06T24:00:00.000Z",
    "2016-04-06T23:60:00.000Z",
    "2016-04-06T23:59:61.000Z",
    "2016-04-06T20:03:48.Z",   # decimal point without digits
    "2016-04-06T20:03:48,123Z",
    "16-04-06T20:03:48.000Z",
    "2016-4-6T20:03:48.000Z",
    "20160406T200348Z",
    "+2016-04-06T20:03:48.000Z",
    "yesterday",
    "2016-04-06T20:03:48.000Zjunk",
    "2016/04/06T20:03:48.000Z",
    "2016-04-06T20:03:48.000\u00a0Z",
    "\u0662\u0660\u0661\u0666-04-06T20:03:48.000Z",   # Arabic-Indic digits
]


def observation_end(p):
    """Index of the "]" that closes the first observation expression of a
    valid pattern (not one of a list index such as `sections[*]`)."""
    stack, i = [], 0
    while i < len(p):
        c = p[i]
        if c == "'":
            i += 1
            while p[i] != "'":
                i += 2 if p[i] == "\\" else 1
        elif c == "[":
            prev = p[:i].rstrip()[-1:]
            stack.append(bool(prev) and (prev.isalnum() or prev in "_'"))
        elif c == "]":
            if not stack.pop() and not stack:
                return i
        i += 1
    raise ValueError(p)


def pattern_variants(p):
    """Invalid variants of a valid STIX pattern: (name, pattern, rule codes)."""
    ip = ("invalid-pattern",)
    first_close = observation_end(p)
    obs = p[:first_close]
    paths = re.findall(r"([a-z0-9-]+):[a-z_]", re.sub(r"'(?:[^'\\]|\\.)*'", "''", obs))
    last_type = paths[-1] if paths else "file"
    other_type = "url" if last_type != "url" else "file"

    def inject(extra):
        return p[:first_close] + extra + p[first_close:]

    v = [
        ("unbalanced:drop-last-bracket", p[:p.rindex("]")] + p[p.rindex("]") + 1:]),
        ("unbalanced:extra-open", "[" + p),
        ("unbalanced:extra-close", p + "]"),
        ("unbalanced:open-paren", "(" + p),
        ("unbalanced:close-paren", p + ")"),
        ("unbalanced:nested-brackets", inject(" OR [file:name = 'x']")),
        ("unbalanced:deep-parens", "(" * 1000 + p),
        ("operator:tilde", inject(" OR file:name =~ 'x'")),
        ("operator:word", inject(" OR file:name EQUALS 'x'")),
        ("operator:and-and", inject(" AND AND file:name = 'x'")),
        ("operator:or-typo", inject(" ORR file:name = 'x'")),
        ("operator:follows", p + " FOLLOWS [file:name = 'x']"),
        ("operator:dangling-and", p + " AND"),
        ("operator:dangling-followedby", p + " FOLLOWEDBY"),
        ("operator:not-before-observation", "NOT " + p),
        ("operator:like-number", inject(" OR file:name LIKE 5")),
        ("operator:matches-number", inject(" OR file:name MATCHES 5")),
        ("operator:in-unclosed", inject(" OR file:name IN ('a', 'b'")),
        ("constant:unterminated", inject(" OR file:name = 'oops")),
        ("constant:hex-not-hex", inject(" OR file:magic_number_hex = h'xyz1'")),
        ("constant:hex-odd", inject(" OR file:magic_number_hex = h'abc'")),
        ("constant:binary-not-base64", inject(" OR artifact:payload_bin = b'@@@!'")),
        ("constant:timestamp-month-13", inject(" OR file:ctime = t'2016-13-01T00:00:00Z'")),
        ("constant:timestamp-words", inject(" OR file:ctime = t'yesterday'")),
        ("constant:timestamp-offset", inject(" OR file:ctime = t'2016-01-01T00:00:00+01:00'")),
        ("constant:number-two-dots", inject(" OR file:size = 1.2.3")),
        ("constant:number-double-minus", inject(" OR file:size = --5")),
        ("constant:number-hex", inject(" OR file:size = 0x10")),
        ("constant:bare-word", inject(" OR file:name = foo")),
        ("constant:double-quoted", inject(' OR file:name = "foo"')),
        ("constant:bad-escape", inject(" OR file:name = 'a\\qb'")),
        ("path:no-property", inject(" OR file: = 'a'")),
        ("path:no-type", inject(" OR :name = 'a'")),
        ("path:no-colon", inject(" OR file name = 'a'")),
        ("path:unterminated-quote", inject(" OR file:hashes.'SHA-256 = 'a'")),
        ("path:bad-index", inject(" OR file:extensions.'windows-pebinary-ext'.sections[x].name = 'a'")),
        ("path:empty-comparison", inject(" OR ")),
        ("observation:empty", p + " AND []"),
        ("observation:no-brackets", p.replace("[", "").replace("]", "")),
        ("qualifier:repeats-float", "(" + p + ") REPEATS 2.5 TIMES"),
        ("qualifier:within-no-number", "(" + p + ") WITHIN SECONDS"),
        ("qualifier:start-without-stop", "(" + p + ") START t'2016-01-01T00:00:00Z'"),
        ("qualifier:stop-without-start", "(" + p + ") STOP t'2016-01-01T00:00:00Z'"),
        ("qualifier:times-missing", "(" + p + ") REPEATS 5"),
        ("other-language:snort", "alert tcp any any -> any 80 (msg:\"x\";)"),
        ("other-language:yara", "rule x { condition: true }"),
        ("whitespace:only", "   \t "),
    ]
    # Allowed by the grammar, forbidden by the text of section 9.
    sem = [
        ("semantic:within-zero", "(" + p + ") WITHIN 0 SECONDS"),
        ("semantic:within-negative", "(" + p + ") WITHIN -5 SECONDS"),
        ("semantic:repeats-zero", "(" + p + ") REPEATS 0 TIMES"),
        ("semantic:repeats-negative", "(" + p + ") REPEATS -1 TIMES"),
        ("semantic:start-not-timestamp", "(" + p + ") START '2016' STOP '2017'"),
        ("semantic:start-month-13",
         "(" + p + ") START t'2016-13-01T00:00:00Z' STOP t'2017-01-01T00:00:00Z'"),
        ("semantic:and-across-types", inject(f" AND {other_type}:value = 'x'")),
        ("semantic:in-mixed-types", inject(" OR file:name IN ('a', 1)")),
        ("semantic:two-within", "(" + p + ") WITHIN 5 SECONDS WITHIN 10 SECONDS"),
        ("semantic:two-repeats", "(" + p + ") REPEATS 2 TIMES REPEATS 3 TIMES"),
    ]
    out = [(n, b, ip) for n, b in v]
    out += [(n, b, ip) for n, b in sem]
    out.append(("empty:pattern", "", ("invalid-pattern", "empty")))
    return out
