/* The structures many STIX objects hold in their common properties:
 * kill chain phases, external references and granular markings (with the
 * selectors that tie a marking to the properties it covers). */
#include "stix/validate_internal.h"

#include <string.h>

static const char *const marking_only[] = {"marking-definition", NULL};

/* Check each element of the list o.key, which must be a JSON object, with
 * fn(element, its path, arg, err). */
static int each_object(const json_t *o, const char *at, const char *key, unsigned flags,
                       int (*fn)(const json_t *e, const char *path, const void *arg,
                                 struct cx_stix_error *err),
                       const void *arg, struct cx_stix_error *err)
{
	const json_t *list;
	char base[CX_V_PATH_MAX], path[CX_V_PATH_MAX];
	int r = cx_v_list(o, at, key, flags, &list, err);

	if (r < 0 || !list)
		return r;
	cx_v_path(base, sizeof(base), at, key);
	for (size_t i = 0; i < json_array_size(list); i++) {
		const json_t *e = json_array_get(list, i);

		cx_v_path_index(path, sizeof(path), base, i);
		if (!json_is_object(e))
			return cx_v_fail(err, path, NULL, CX_RULE_TYPE, "%s must be an object",
			                 path);
		r = fn(e, path, arg, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int kill_chain_phase(const json_t *e, const char *path, const void *arg,
                            struct cx_stix_error *err)
{
	static const char *const names[] = {"kill_chain_name", "phase_name", NULL};
	int r;

	if ((r = cx_v_string(e, path, "kill_chain_name", CX_V_REQUIRED | CX_V_NONEMPTY, NULL,
	                     err)) < 0 ||
	    (r = cx_v_string(e, path, "phase_name", CX_V_REQUIRED | CX_V_NONEMPTY, NULL, err)) < 0)
		return r;
	return cx_v_properties(e, path, CX_STIX_UNKNOWN, names, err);
}

int cx_v_kill_chain_phases(const json_t *o, const char *at, const char *key, unsigned flags,
                           struct cx_stix_error *err)
{
	return each_object(o, at, key, flags, kill_chain_phase, NULL, err);
}

/* "CVE-YYYY-NNNN..." (at least four digits) or "CAPEC-N...". */
static bool digits_only(const char *s, size_t min)
{
	size_t n = 0;

	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9')
			return false;
	}
	return n >= min;
}

static bool cve_id_valid(const char *s)
{
	return strncmp(s, "CVE-", 4) == 0 && strlen(s) >= 9 && s[8] == '-' && s[4] >= '0' &&
	       s[4] <= '9' && s[5] >= '0' && s[5] <= '9' && s[6] >= '0' && s[6] <= '9' &&
	       s[7] >= '0' && s[7] <= '9' && digits_only(s + 9, 4);
}

/* External references admit only the hash-algorithm-ov names (STIX 2.1
 * section 2.5), unlike the hashes of observables. */
static int reference_hash_names(const json_t *e, const char *path, struct cx_stix_error *err)
{
	const json_t *hashes = json_object_get(e, "hashes");
	char base[CX_V_PATH_MAX];

	cx_v_path(base, sizeof(base), path, "hashes");
	for (void *it = json_object_iter((json_t *)hashes); it;
	     it = json_object_iter_next((json_t *)hashes, it)) {
		const char *k = json_object_iter_key(it);

		if (!cx_vocab_has(cx_vocab_hash_algorithm, k))
			return cx_v_fail(err, base, k, CX_RULE_VOCAB,
			                 "%.60s is not a hash-algorithm-ov name", k);
	}
	return 0;
}

static int external_reference(const json_t *e, const char *path, const void *arg,
                              struct cx_stix_error *err)
{
	static const char *const names[] = {"source_name", "description", "url",
	                                    "hashes",      "external_id", NULL};
	const char *source, *ext_id;
	int r;

	if ((r = cx_v_string(e, path, "source_name", CX_V_REQUIRED | CX_V_NONEMPTY, &source, err)) <
	        0 ||
	    (r = cx_v_string(e, path, "description", 0, NULL, err)) < 0 ||
	    (r = cx_v_url(e, path, "url", 0, err)) < 0 ||
	    (r = cx_v_hashes(e, path, "hashes", 0, err)) < 0 ||
	    (r = reference_hash_names(e, path, err)) < 0 ||
	    (r = cx_v_string(e, path, "external_id", 0, &ext_id, err)) < 0)
		return r;
	if (!json_object_get(e, "description") && !json_object_get(e, "url") && !ext_id)
		return cx_v_fail(err, path, NULL, CX_RULE_DEPENDENCY,
		                 "an external reference needs description, url or external_id "
		                 "besides source_name");
	if (strcmp(source, "cve") == 0 || strcmp(source, "capec") == 0) {
		bool cve = source[1] == 'v';

		if (!ext_id)
			return cx_v_fail(err, path, "external_id", CX_RULE_REQUIRED,
			                 "a %s reference needs external_id", source);
		if (cve ? !cve_id_valid(ext_id)
		        : (strncmp(ext_id, "CAPEC-", 6) != 0 || !digits_only(ext_id + 6, 1)))
			return cx_v_fail(err, path, "external_id", CX_RULE_FORMAT,
			                 "'%.60s' is not a %s identifier", ext_id,
			                 cve ? "CVE-YYYY-NNNN" : "CAPEC-N");
	}
	return cx_v_properties(e, path, CX_STIX_UNKNOWN, names, err);
}

int cx_v_external_references(const json_t *o, const char *at, const char *key, unsigned flags,
                             struct cx_stix_error *err)
{
	return each_object(o, at, key, flags, external_reference, NULL, err);
}

/* A granular-marking selector (STIX 2.1 section 7.2.3.1): property names and
 * list indices ("[2]") joined by dots, which must select something present in
 * the object. Returns 0 when it does, 1 when well formed but selecting
 * nothing, -1 when malformed. */
static int selector_resolve(const json_t *obj, const char *sel)
{
	const json_t *cur = obj;
	const char *p = sel;
	char seg[256];
	bool first = true;

	while (first || *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (n == 0 || n >= sizeof(seg) || (dot && dot[1] == '\0'))
			return -1;
		memcpy(seg, p, n);
		seg[n] = '\0';
		if (seg[0] == '[') {
			size_t idx = 0;

			if (first || n < 3 || seg[n - 1] != ']')
				return -1;
			for (size_t i = 1; i + 1 < n; i++) {
				if (seg[i] < '0' || seg[i] > '9' || idx > 100000000)
					return -1;
				idx = idx * 10 + (size_t)(seg[i] - '0');
			}
			if (!json_is_array(cur) || idx >= json_array_size(cur))
				return 1;
			cur = json_array_get(cur, idx);
		} else {
			if (!cx_v_dict_key_valid(seg))
				return -1;
			if (!json_is_object(cur) || !(cur = json_object_get(cur, seg)))
				return 1;
		}
		first = false;
		p += n + (dot ? 1 : 0);
	}
	return 0;
}

/* One granular marking of object obj (arg). */
static int granular_marking(const json_t *e, const char *path, const void *arg,
                            struct cx_stix_error *err)
{
	static const char *const names[] = {"selectors", "marking_ref", "lang", NULL};
	const json_t *obj = arg;
	const json_t *sels;
	char base[CX_V_PATH_MAX], spath[CX_V_PATH_MAX];
	int r;

	if ((r = cx_v_string_list(e, path, "selectors", CX_V_REQUIRED | CX_V_NONEMPTY, err)) < 0 ||
	    (r = cx_v_ref(e, path, "marking_ref", 0, marking_only, err)) < 0 ||
	    (r = cx_v_lang(e, path, "lang", 0, err)) < 0)
		return r;
	if (json_object_get(e, "marking_ref") && json_object_get(e, "lang"))
		return cx_v_fail(err, path, "lang", CX_RULE_DEPENDENCY,
		                 "a granular marking has marking_ref or lang, not both");
	if (!json_object_get(e, "marking_ref") && !json_object_get(e, "lang"))
		return cx_v_fail(err, path, "marking_ref", CX_RULE_REQUIRED,
		                 "a granular marking needs marking_ref or lang");
	sels = json_object_get(e, "selectors");
	cx_v_path(base, sizeof(base), path, "selectors");
	for (size_t i = 0; i < json_array_size(sels); i++) {
		const char *s = json_string_value(json_array_get(sels, i));

		cx_v_path_index(spath, sizeof(spath), base, i);
		r = selector_resolve(obj, s);
		if (r < 0)
			return cx_v_fail(err, spath, NULL, CX_RULE_FORMAT,
			                 "'%.80s' is not a selector (names and [index] joined "
			                 "by dots)",
			                 s);
		if (r > 0)
			return cx_v_fail(err, spath, NULL, CX_RULE_DEPENDENCY,
			                 "the selector '%.80s' selects nothing in this object", s);
	}
	return cx_v_properties(e, path, CX_STIX_UNKNOWN, names, err);
}

int cx_v_granular_markings(const json_t *o, const char *at, const char *key, unsigned flags,
                           struct cx_stix_error *err)
{
	return each_object(o, at, key, flags, granular_marking, o, err);
}
