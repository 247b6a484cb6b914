/* Internals of the validator of cyber-observable objects (STIX 2.1 section
 * 6), shared by its files and not part of the public interface:
 * validate_sco.c interprets the tables that validate_sco_tables.c lays out,
 * and validate_sco_formats.c checks the formats of SCO values.
 *
 * Each type, each predefined extension and each nested structure is a
 * `struct cx_vs_shape`: a table of its properties with the kind of value each
 * takes, the "at least one of" rule and a function for the few rules that tie
 * properties together. The kinds and rules keep their short K_ and LEAST_
 * names: only these files see them. */
#ifndef CX_STIX_VALIDATE_SCO_INTERNAL_H
#define CX_STIX_VALIDATE_SCO_INTERNAL_H

#include "stix/validate_internal.h"

enum cx_vs_kind {
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

struct cx_vs_format {
	bool (*ok)(const char *s);
	const char *what; /* completes "must be ..." */
};

struct cx_vs_shape;

struct cx_vs_prop {
	const char *name;
	enum cx_vs_kind kind;
	unsigned flags; /* CX_V_REQUIRED, CX_V_NONEMPTY */
	const char *const *set;
	const struct cx_vs_shape *shape;
	const struct cx_vs_format *format;
};

/* Which "at least one property" rule a structure has. */
enum cx_vs_least {
	LEAST_NONE,
	LEAST_ANY,           /* one of its properties */
	LEAST_ANY_BUT_FIRST, /* one besides the first (required) property */
	LEAST_ANY_OR_EXT,    /* one of its properties, or `extensions` */
};

struct cx_vs_shape {
	const char *name; /* for messages */
	const struct cx_vs_prop *props;
	enum cx_vs_least least;
	/* Rules across properties; runs after each property passed. */
	int (*rules)(const json_t *o, const char *at, struct cx_stix_error *err);
};

struct cx_vs_ext {
	const char *key;
	const struct cx_vs_shape *shape;
};

struct cx_vs_sco {
	const char *type;
	struct cx_vs_shape shape;
	const struct cx_vs_ext *exts; /* predefined extensions, NULL-terminated; or NULL */
};

/* The SCO type named type, or NULL when it is not one (validate_sco_tables.c). */
const struct cx_vs_sco *cx_vs_find(const char *type);

/* ---- Value formats (validate_sco_formats.c) ---------------------------------
 *
 * Each is true when s, a NUL-terminated string, has the format. */

/* An IPv4 address, optionally followed by a CIDR "/prefix" of 0 to 32.
 * inet_pton() is strict: dotted quads only, no leading zeros. */
bool cx_vs_ipv4_ok(const char *s);
/* An IPv6 address, optionally followed by a CIDR "/prefix" of 0 to 128, with
 * no zone index. */
bool cx_vs_ipv6_ok(const char *s);
/* Section 6.10: colon-delimited, lowercase MAC-48 with leading zeros. */
bool cx_vs_mac_ok(const char *s);
/* RFC 1034 names with RFC 5890 labels: at most 253 octets (a final dot
 * aside), labels of 1 to 63 octets made of letters, digits and hyphens, not
 * starting or ending with a hyphen. Octets above 0x7f are accepted so that
 * U-labels (UTF-8) pass, and so is the underscore that service labels such
 * as "_dmarc" carry in real DNS data. */
bool cx_vs_domain_ok(const char *s);
/* The addr-spec of RFC 5322 section 3.4.1 (no display name, no angle
 * brackets): a dot-atom or quoted local part, "@", then a domain name or a
 * bracketed domain literal. UTF-8 is allowed as RFC 6531 does. */
bool cx_vs_email_ok(const char *s);
/* A CPE 2.3 formatted string (NISTIR 7695 section 6.2): "cpe:2.3:" then
 * part (a, o, h, * or -) and ten more non-empty components, separated by
 * unescaped colons: thirteen components in all. */
bool cx_vs_cpe_ok(const char *s);
/* Section 6.6: header values encoded as RFC 2047 encoded-words
 * ("=?charset?Q?text?=") MUST be decoded before they are stored. */
bool cx_vs_decoded_ok(const char *s);
/* Section 6.17: the hive part of a registry key MUST be fully expanded
 * (HKEY_LOCAL_MACHINE, not HKLM). */
bool cx_vs_hive_ok(const char *s);

#endif
