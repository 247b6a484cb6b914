/* Fuzz target: the STIX object validator and the RFC 8785 canonicaliser.
 *
 * The input is read as JSON the way ingest reads it (duplicate names
 * refused). An object is validated with the node's record rules, a bundle
 * as a bundle and then each object in it. Every value that parses is
 * canonicalised, and the canonical form must be a fixed point: read back
 * and canonicalised again it gives the same bytes. A validation failure
 * must name a rule; a valid object's canonical form, as stored and sent to
 * peers, must parse again (as the node's readers parse it) and be valid.
 * Every number is written in the shortest form that reads back as the
 * same double. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/records.h"
#include "stix/jcs.h"
#include "stix/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct cx_stix_validate_opts rules = {cx_records_check, NULL};

/* A valid object is stored in canonical form, which the node's readers
 * (and peers) parse again: that must succeed and give a valid object. */
static void stored_form_valid(const json_t *obj)
{
	struct cx_buf canon = CX_BUF_INIT;
	struct cx_stix_error err;
	json_error_t jerr;
	json_t *again;

	if (cx_jcs_append(&canon, obj) < 0)
		goto out;
	again = json_loadb(canon.data, canon.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!again) {
		fprintf(stderr, "a valid object's canonical form does not parse: %s\n%s\n",
		        jerr.text, cx_buf_cstr(&canon));
		abort();
	}
	memset(&err, 0, sizeof(err));
	if (cx_stix_validate(again, &rules, &err) != 0) {
		fprintf(stderr, "a valid object's canonical form is invalid: %s %s: %s\n%s\n",
		        err.property, err.rule, err.message, cx_buf_cstr(&canon));
		abort();
	}
	json_decref(again);
out:
	cx_buf_release(&canon);
}

static void validate_one(const json_t *obj)
{
	struct cx_stix_error err;
	int r;

	memset(&err, 0, sizeof(err));
	r = cx_stix_validate(obj, &rules, &err);
	if (r != 0 && r != -EINVAL)
		abort();
	if (r == -EINVAL && (!err.rule[0] || !memchr(err.message, '\0', sizeof(err.message))))
		abort();
	if (r == 0)
		stored_form_valid(obj);
}

static void canonical_fixed_point(const json_t *v)
{
	struct cx_buf a = CX_BUF_INIT, b = CX_BUF_INIT;
	json_error_t jerr;
	json_t *again;

	if (cx_jcs_append(&a, v) < 0)
		goto out;
	/* Integers past 2^53 were written as the nearest double; jansson
	 * cannot hold some of them as integers, so read them back as reals
	 * (which canonicalise to the same text). */
	again = json_loadb(a.data, a.len,
	                   JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL |
	                       JSON_ALLOW_NUL,
	                   &jerr);
	if (!again) {
		fprintf(stderr, "canonical form does not parse: %s\n%s\n", jerr.text,
		        cx_buf_cstr(&a));
		abort();
	}
	if (cx_jcs_append(&b, again) < 0 || a.len != b.len || memcmp(a.data, b.data, a.len) != 0) {
		fprintf(stderr, "canonical form is not a fixed point:\n%s\n%s\n", cx_buf_cstr(&a),
		        cx_buf_cstr(&b));
		abort();
	}
	json_decref(again);
out:
	cx_buf_release(&a);
	cx_buf_release(&b);
}

/* The significant digits of a number's text ("-1.250e-7": 3). */
static int significant_digits(const char *t)
{
	int first = -1, last = -1, i = 0;

	for (; *t && *t != 'e'; t++) {
		if (*t < '0' || *t > '9')
			continue;
		if (*t != '0') {
			if (first < 0)
				first = i;
			last = i;
		}
		i++;
	}
	return first < 0 ? 1 : last - first + 1;
}

/* ECMAScript's form of a double, which RFC 8785 requires, reads back as the
 * same double and has no fewer digits that would. */
static void number_round_trips(double d)
{
	struct cx_buf t = CX_BUF_INIT;
	char shorter[40];
	int k;

	if (cx_jcs_append_number(&t, d) < 0)
		abort();
	if (strtod(cx_buf_cstr(&t), NULL) != d) {
		fprintf(stderr, "%.17g is written %s, which reads back as %.17g\n", d,
		        cx_buf_cstr(&t), strtod(cx_buf_cstr(&t), NULL));
		abort();
	}
	k = significant_digits(cx_buf_cstr(&t));
	if (k > 1) {
		snprintf(shorter, sizeof(shorter), "%.*e", k - 2, d);
		if (strtod(shorter, NULL) == d) {
			fprintf(stderr, "%.17g is written %s, but %s is shorter\n", d,
			        cx_buf_cstr(&t), shorter);
			abort();
		}
	}
	cx_buf_release(&t);
}

static void numbers_round_trip(const json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;

	if (json_is_real(v))
		number_round_trips(json_real_value(v));
	else if (json_is_integer(v))
		number_round_trips((double)json_integer_value(v));
	else if (json_is_array(v))
		json_array_foreach (v, i, item)
			numbers_round_trip(item);
	else if (json_is_object(v))
		json_object_foreach ((json_t *)v, key, item)
			numbers_round_trip(item);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	const char *type;

	if (!root)
		return 0;
	type = json_string_value(json_object_get(root, "type"));
	if (type && strcmp(type, "bundle") == 0) {
		struct cx_stix_error err;
		size_t i;
		json_t *obj;

		memset(&err, 0, sizeof(err));
		if (cx_stix_validate_bundle(root, &err) == 0)
			json_array_foreach (json_object_get(root, "objects"), i, obj)
				validate_one(obj);
	} else {
		validate_one(root);
	}
	canonical_fixed_point(root);
	numbers_round_trip(root);
	json_decref(root);
	return 0;
}
