/* String formats shared by many properties: hashes, URLs, base64, hex and
 * RFC 5646 language tags. */
#include "stix/validate_internal.h"

#include <string.h>
#include <strings.h>

/* ---- Formats --------------------------------------------------------------- */

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!cx_v_is_hex(s[i]))
			return false;
	}
	return true;
}

static bool all_hex_lower(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!cx_v_is_hex_lower(s[i]))
			return false;
	}
	return true;
}

static bool base64_char(char c)
{
	return cx_v_is_alnum(c) || c == '+' || c == '/';
}

/* ssdeep: "blocksize:hash:hash", both hashes in the base64 alphabet. */
static bool ssdeep_valid(const char *s)
{
	const char *p = s;
	size_t n;

	while (cx_v_is_digit(*p))
		p++;
	if (p == s || *p++ != ':')
		return false;
	for (n = 0; base64_char(*p); p++)
		n++;
	if (n == 0 || *p++ != ':')
		return false;
	while (base64_char(*p))
		p++;
	return *p == '\0';
}

/* Algorithm names compared the way producers misspell them: ignoring case,
 * hyphens and underscores ("sha256" is SHA-256 and must look like it). */
static bool algo_is(const char *name, const char *algo)
{
	for (;;) {
		while (*name == '-' || *name == '_')
			name++;
		while (*algo == '-')
			algo++;
		if (!*name || !*algo)
			return !*name && !*algo;
		if ((*name | 0x20) != (*algo | 0x20))
			return false;
		name++;
		algo++;
	}
}

int cx_v_hash_value(const char *algo, const char *value, const char *path,
                    struct cx_stix_error *err)
{
	static const struct {
		const char *algo;
		size_t hexlen;
	} fixed[] = {
	    {"MD5", 32},      {"SHA-1", 40},    {"SHA-256", 64},
	    {"SHA-512", 128}, {"SHA3-256", 64}, {"SHA3-512", 128},
	};
	size_t n = strlen(value);
	bool ok = true;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (algo_is(algo, fixed[i].algo)) {
			if (n != fixed[i].hexlen || !all_hex(value, n))
				return cx_v_fail(err, path, NULL, CX_RULE_FORMAT,
				                 "a %s hash is %zu hexadecimal digits",
				                 fixed[i].algo, fixed[i].hexlen);
			return 0;
		}
	}
	if (algo_is(algo, "SSDEEP"))
		ok = ssdeep_valid(value);
	else if (algo_is(algo, "TLSH"))
		/* 70 hex digits, or 72 with the "T1" version prefix of TLSH 4. */
		ok = (n == 70 && all_hex(value, n)) ||
		     (n == 72 && value[0] == 'T' && value[1] == '1' && all_hex(value + 2, 70));
	if (!ok)
		return cx_v_fail(err, path, NULL, CX_RULE_FORMAT, "'%.100s' is not a valid %s hash",
		                 value, algo);
	return 0;
}

int cx_v_hashes(const json_t *o, const char *at, const char *key, unsigned flags,
                struct cx_stix_error *err)
{
	const json_t *d;
	char base[CX_V_PATH_MAX], path[CX_V_PATH_MAX];
	int r = cx_v_dict(o, at, key, flags, CX_VJ_STRING, &d, err);

	if (r < 0 || !d)
		return r;
	cx_v_path(base, sizeof(base), at, key);
	for (void *it = json_object_iter((json_t *)d); it;
	     it = json_object_iter_next((json_t *)d, it)) {
		const char *algo = json_object_iter_key(it);
		const char *value = json_string_value(json_object_iter_value(it));

		cx_v_path(path, sizeof(path), base, algo);
		/* Every hash-algorithm-ov name is at least 3 characters long, and so
		 * must a custom one be (STIX 2.1 section 2.7); the dictionary check
		 * above caps them at 250. */
		if (strlen(algo) < 3)
			return cx_v_fail(err, path, NULL, CX_RULE_PROPERTY_NAME,
			                 "hash algorithm names are 3-250 characters long");
		r = cx_v_hash_value(algo, value, path, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A string property whose value ok() accepts, else CX_RULE_FORMAT with the
 * message "<key> must be <what>". */
static int string_format(const json_t *o, const char *at, const char *key, unsigned flags,
                         bool (*ok)(const char *s), const char *what, struct cx_stix_error *err)
{
	const char *s;
	int r = cx_v_string(o, at, key, flags, &s, err);

	if (r < 0 || !s)
		return r;
	if (!ok(s))
		return cx_v_fail(err, at, key, CX_RULE_FORMAT, "%s must be %s", key, what);
	return 0;
}

static bool url_valid(const char *s)
{
	const char *p = s;

	if (!cx_v_is_alpha(*p))
		return false;
	while (cx_v_is_alnum(*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || p[1] == '\0')
		return false;
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

int cx_v_url(const json_t *o, const char *at, const char *key, unsigned flags,
             struct cx_stix_error *err)
{
	return string_format(o, at, key, flags, url_valid, "an absolute URL (RFC 3986)", err);
}

static bool base64_valid(const char *s)
{
	size_t n = strlen(s), pad = 0;

	if (n % 4 != 0)
		return false;
	if (n >= 1 && s[n - 1] == '=')
		pad++;
	if (n >= 2 && s[n - 2] == '=')
		pad++;
	for (size_t i = 0; i < n - pad; i++) {
		if (!base64_char(s[i]))
			return false;
	}
	return true;
}

int cx_v_binary(const json_t *o, const char *at, const char *key, unsigned flags,
                struct cx_stix_error *err)
{
	return string_format(o, at, key, flags, base64_valid, "base64 (RFC 4648)", err);
}

/* STIX 2.1 section 2.8: the digits 0-9 and the lower-case letters a-f. */
static bool hex_valid(const char *s)
{
	return strlen(s) % 2 == 0 && all_hex_lower(s, strlen(s));
}

int cx_v_hex(const json_t *o, const char *at, const char *key, unsigned flags,
             struct cx_stix_error *err)
{
	return string_format(o, at, key, flags, hex_valid,
	                     "an even number of hexadecimal digits 0-9 and a-f (lower case)", err);
}

/* ---- Language tags (RFC 5646 section 2.1 syntax) -------------------------- */

/* The irregular grandfathered tags, which do not follow the langtag syntax. */
static const char *const irregular_tags[] = {
    "en-GB-oed", "i-ami", "i-bnn",     "i-default", "i-enochian", "i-hak",
    "i-klingon", "i-lux", "i-mingo",   "i-navajo",  "i-pwn",      "i-tao",
    "i-tay",     "i-tsu", "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE",  NULL,
};

struct subtag {
	const char *p;
	size_t n;
	bool alpha, digit; /* all letters / all digits */
};

/* Split the next subtag off *s; false at the end or on an empty subtag. */
static bool next_subtag(const char **s, struct subtag *t)
{
	const char *p = *s;

	if (*p == '\0')
		return false;
	t->p = p;
	t->alpha = t->digit = true;
	while (*p && *p != '-') {
		if (!cx_v_is_alnum(*p))
			return false;
		t->alpha = t->alpha && cx_v_is_alpha(*p);
		t->digit = t->digit && cx_v_is_digit(*p);
		p++;
	}
	t->n = (size_t)(p - t->p);
	if (t->n == 0 || t->n > 8 || (*p == '-' && p[1] == '\0'))
		return false;
	*s = *p ? p + 1 : p;
	return true;
}

static bool privateuse_rest(const char *s)
{
	struct subtag t;
	int count = 0;

	while (next_subtag(&s, &t))
		count++;
	return *s == '\0' && count > 0;
}

bool cx_v_lang_tag_valid(const char *s)
{
	struct subtag t;
	int state = 0; /* 0 language, 1 extlang, 2 script, 3 region, 4 variant, 5 extension */
	int extlangs = 0;
	bool in_extension = false;
	size_t ext_subtags = 0;

	if (!s || !*s)
		return false;
	for (const char *const *g = irregular_tags; *g; g++) {
		if (strcasecmp(s, *g) == 0)
			return true;
	}
	if ((s[0] == 'x' || s[0] == 'X') && s[1] == '-')
		return privateuse_rest(s + 2);
	if (!next_subtag(&s, &t) || !t.alpha || t.n < 2 || t.n > 8 || t.n == 4)
		return false;
	state = t.n <= 3 ? 1 : 2;
	while (next_subtag(&s, &t)) {
		if (t.n == 1) {
			if (in_extension && ext_subtags == 0)
				return false;
			if (t.p[0] == 'x' || t.p[0] == 'X')
				return privateuse_rest(s);
			in_extension = true;
			ext_subtags = 0;
			state = 5;
			continue;
		}
		if (state == 5) {
			if (t.n < 2)
				return false;
			ext_subtags++;
			continue;
		}
		if (state == 1 && t.alpha && t.n == 3 && extlangs < 3) {
			extlangs++;
			continue;
		}
		if (state <= 2 && t.alpha && t.n == 4) {
			state = 3;
			continue;
		}
		if (state <= 3 && ((t.alpha && t.n == 2) || (t.digit && t.n == 3))) {
			state = 4;
			continue;
		}
		if ((t.n >= 5) || (t.n == 4 && cx_v_is_digit(t.p[0]))) {
			state = 4;
			continue;
		}
		return false;
	}
	return *s == '\0' && !(in_extension && ext_subtags == 0);
}

int cx_v_lang(const json_t *o, const char *at, const char *key, unsigned flags,
              struct cx_stix_error *err)
{
	const char *s;
	int r = cx_v_string(o, at, key, flags, &s, err);

	if (r < 0 || !s)
		return r;
	if (!cx_v_lang_tag_valid(s))
		return cx_v_fail(err, at, key, CX_RULE_FORMAT,
		                 "'%.60s' is not an RFC 5646 language tag", s);
	return 0;
}
