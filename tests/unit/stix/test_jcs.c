/* RFC 8785 canonicalization: the RFC's own vectors (Appendix B numbers and the
 * worked examples of §3.2), the published JCS test data (structures, unicode,
 * weird, values, arrays, french), ECMAScript number edge cases, UTF-16 member
 * order checked against an independent reference, and the limits. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "stix/jcs.h"
#include "util/buf.h"

/* Canonical text of v (caller frees); fails the test on an error. */
static char *canon(const json_t *v)
{
	struct cx_buf b;

	cx_buf_init(&b, 0);
	assert_int_equal(cx_jcs_append(&b, v), 0);
	return cx_buf_steal(&b, NULL);
}

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);

	if (!v)
		fail_msg("test input does not parse: %s (line %d)", err.text, err.line);
	return v;
}

/* Canonicalize text, compare with want, and check that canonicalizing the
 * canonical form again changes nothing. */
static void check_text(const char *text, const char *want)
{
	json_t *v = parse(text), *again;
	char *got = canon(v), *got2;

	assert_string_equal(got, want);
	again = parse(got);
	got2 = canon(again);
	assert_string_equal(got2, want);
	free(got2);
	json_decref(again);
	free(got);
	json_decref(v);
}

static char *number(double d)
{
	struct cx_buf b;

	cx_buf_init(&b, 0);
	assert_int_equal(cx_jcs_append_number(&b, d), 0);
	return cx_buf_steal(&b, NULL);
}

static double from_bits(uint64_t u)
{
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

/* RFC 8785 Appendix B: IEEE-754 bit patterns and their canonical text. */
static const struct {
	uint64_t bits;
	const char *want;
} rfc_numbers[] = {
	{0x0000000000000000, "0"},
	{0x8000000000000000, "0"},
	{0x0000000000000001, "5e-324"},
	{0x8000000000000001, "-5e-324"},
	{0x7fefffffffffffff, "1.7976931348623157e+308"},
	{0xffefffffffffffff, "-1.7976931348623157e+308"},
	{0x4340000000000000, "9007199254740992"},
	{0xc340000000000000, "-9007199254740992"},
	{0x4430000000000000, "295147905179352830000"},
	{0x44b52d02c7e14af5, "9.999999999999997e+22"},
	{0x44b52d02c7e14af6, "1e+23"},
	{0x44b52d02c7e14af7, "1.0000000000000001e+23"},
	{0x444b1ae4d6e2ef4e, "999999999999999700000"},
	{0x444b1ae4d6e2ef4f, "999999999999999900000"},
	{0x444b1ae4d6e2ef50, "1e+21"},
	{0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
	{0x3eb0c6f7a0b5ed8d, "0.000001"},
	{0x41b3de4355555553, "333333333.3333332"},
	{0x41b3de4355555554, "333333333.33333325"},
	{0x41b3de4355555555, "333333333.3333333"},
	{0x41b3de4355555556, "333333333.3333334"},
	{0x41b3de4355555557, "333333333.33333343"},
	{0xbecbf647612f3696, "-0.0000033333333333333333"},
	{0x43143ff3c1cb0959, "1424953923781206.2"},
};

static void test_jcs_number_rfc8785_appendix_b(void **state)
{
	for (size_t i = 0; i < sizeof(rfc_numbers) / sizeof(rfc_numbers[0]); i++) {
		char *got = number(from_bits(rfc_numbers[i].bits));

		if (strcmp(got, rfc_numbers[i].want) != 0)
			fail_msg("%016llx: got %s, want %s", (unsigned long long)rfc_numbers[i].bits,
				 got, rfc_numbers[i].want);
		free(got);
	}
}

/* Number.prototype.toString results (as printed by a JavaScript engine). */
static const struct {
	double d;
	const char *want;
} es_numbers[] = {
	{5e-324, "5e-324"},
	{1e-323, "1e-323"},
	{3e-323, "3e-323"},
	{4.94e-322, "4.94e-322"},
	{2.2250738585072014e-308, "2.2250738585072014e-308"},
	{2.225073858507201e-308, "2.225073858507201e-308"},
	{1.7976931348623157e308, "1.7976931348623157e+308"},
	{8.988465674311579e+307, "8.988465674311579e+307"},
	{9007199254740992.0, "9007199254740992"},
	{9007199254740994.0, "9007199254740994"},
	{9223372036854775808.0, "9223372036854776000"},
	{18446744073709551616.0, "18446744073709552000"},
	{1e20, "100000000000000000000"},
	{1.2345678901234568e20, "123456789012345680000"},
	{1e21, "1e+21"},
	{1.2345678901234568e21, "1.2345678901234568e+21"},
	{1e23, "1e+23"},
	{1e300, "1e+300"},
	{0.1, "0.1"},
	{0.30000000000000004, "0.30000000000000004"},
	{1.0 / 3.0, "0.3333333333333333"},
	{-2.0 / 3.0, "-0.6666666666666666"},
	{0.5, "0.5"},
	{-1.5, "-1.5"},
	{4.35, "4.35"},
	{0.001, "0.001"},
	{0.0255, "0.0255"},
	{0.000001, "0.000001"},
	{0.0000011, "0.0000011"},
	{0.0000015, "0.0000015"},
	{1e-7, "1e-7"},
	{1.5e-7, "1.5e-7"},
	{5e-7, "5e-7"},
	{1.23e-18, "1.23e-18"},
	{100.0, "100"},
	{56.0, "56"},
	{-0.0, "0"},
	{123456789.123, "123456789.123"},
	{3.141592653589793, "3.141592653589793"},
	{2.718281828459045, "2.718281828459045"},
};

static void test_jcs_number_ecmascript_edge_cases(void **state)
{
	volatile double a = 0.1, b = 0.2;
	char *got;

	for (size_t i = 0; i < sizeof(es_numbers) / sizeof(es_numbers[0]); i++) {
		got = number(es_numbers[i].d);
		if (strcmp(got, es_numbers[i].want) != 0)
			fail_msg("%.17g: got %s, want %s", es_numbers[i].d, got, es_numbers[i].want);
		free(got);
	}
	/* Computed at run time so the compiler cannot fold it differently. */
	got = number(a + b);
	assert_string_equal(got, "0.30000000000000004");
	free(got);
}

static void test_jcs_number_non_finite_is_einval_and_writes_nothing(void **state)
{
	const double bad[] = {NAN, -NAN, INFINITY, -INFINITY, from_bits(0x7fffffffffffffff),
			      from_bits(0x7ff0000000000000)};
	struct cx_buf b;

	cx_buf_init(&b, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cx_jcs_append_number(&b, bad[i]), -EINVAL);
		assert_int_equal(b.len, 0);
		assert_int_equal(b.err, 0);
	}
	cx_buf_release(&b);
}

/* Tiny deterministic generator so failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The fewest significant digits that read back as d, by plain linear search
 * (the implementation under test takes shortcuts); *ret_exp gets the decimal
 * exponent of the leading digit. */
static int min_digits(double d, int *ret_exp)
{
	char s[40];
	int p;

	for (p = 1; p < 17; p++) {
		snprintf(s, sizeof(s), "%.*e", p - 1, d);
		if (strtod(s, NULL) == d)
			break;
	}
	snprintf(s, sizeof(s), "%.*e", p - 1, d);
	*ret_exp = (int)strtol(strchr(s, 'e') + 1, NULL, 10);
	return p;
}

/* For random doubles (a third of them subnormal), the text reads back as the
 * same double, uses the fewest significant digits, and takes the exponent
 * form exactly when ECMAScript does (decimal exponent below -6 or above 20). */
static void test_jcs_number_random_values_shortest_round_trip(void **state)
{
	for (int i = 0; i < 100000; i++) {
		uint64_t u = rng();
		double d;
		char *got, *end;
		const char *p, *last;
		int want_digits, exp, digits = 0;

		if (i % 3 == 1)
			u %= 0x0010000000000000ULL;
		d = from_bits(u);
		if (!isfinite(d) || d == 0)
			continue;
		got = number(d);
		if (strtod(got, &end) != d || *end)
			fail_msg("%016llx: %s does not read back", (unsigned long long)u, got);
		want_digits = min_digits(fabs(d), &exp);
		assert_int_equal(strchr(got, 'e') != NULL, exp < -6 || exp > 20);
		assert_int_equal(got[0] == '-', d < 0);
		/* Count significant digits: skip leading zeros, and trailing
		 * zeros that only pad an integer. */
		last = strchr(got, 'e');
		if (!last)
			last = got + strlen(got);
		if (strchr(got, '.'))
			assert_true(last[-1] != '0');
		else
			while (last > got && last[-1] == '0')
				last--;
		for (p = got; p < last && (*p < '1' || *p > '9'); p++)
			;
		for (; p < last; p++)
			digits += *p >= '0' && *p <= '9';
		if (digits != want_digits)
			fail_msg("%016llx: %s has %d digits, want %d", (unsigned long long)u, got,
				 digits, want_digits);
		free(got);
	}
}

static const struct {
	json_int_t v;
	const char *want;
} integers[] = {
	{0, "0"},
	{-1, "-1"},
	{42, "42"},
	{1000000, "1000000"},
	{9007199254740991LL, "9007199254740991"},
	{9007199254740992LL, "9007199254740992"},
	{-9007199254740992LL, "-9007199254740992"},
	/* Past 2^53 the nearest double is what a JavaScript reader holds. */
	{9007199254740993LL, "9007199254740992"},
	{-9007199254740993LL, "-9007199254740992"},
	{9007199254740995LL, "9007199254740996"},
	{123456789012345678LL, "123456789012345680"},
	{1000000000000000000LL, "1000000000000000000"},
	{INT64_MAX, "9223372036854776000"},
	{INT64_MIN, "-9223372036854776000"},
};

static void test_jcs_integers_exact_up_to_2_pow_53_then_double(void **state)
{
	for (size_t i = 0; i < sizeof(integers) / sizeof(integers[0]); i++) {
		json_t *v = json_integer(integers[i].v);
		char *got = canon(v);

		if (strcmp(got, integers[i].want) != 0)
			fail_msg("%lld: got %s, want %s", (long long)integers[i].v, got,
				 integers[i].want);
		free(got);
		json_decref(v);
	}
}

/* The test data published with JCS (cyberphone/json-canonicalization,
 * testdata/input and testdata/output). */
static const struct {
	const char *name;
	const char *in;
	const char *want;
} vectors[] = {
	{"arrays", "[\n  56,\n  {\n    \"d\": true,\n    \"10\": null,\n    \"1\": [ ]\n  }\n]",
	 "[56,{\"1\":[],\"10\":null,\"d\":true}]"},
	{"french",
	 "{\n  \"peach\": \"This sorting order\",\n  \"p\xc3\xa9" "ch\xc3\xa9\": \"is wrong "
	 "according to French\",\n  \"p\xc3\xaa" "che\": \"but canonicalization MUST\",\n"
	 "  \"sin\":   \"ingnore locale\"\n}\n",
	 "{\"peach\":\"This sorting order\",\"p\xc3\xa9" "ch\xc3\xa9\":\"is wrong according to "
	 "French\",\"p\xc3\xaa" "che\":\"but canonicalization MUST\",\"sin\":\"ingnore locale\"}"},
	{"structures",
	 "{\n  \"1\": {\"f\": {\"f\": \"hi\",\"F\": 5} ,\"\\n\": 56.0},\n  \"10\": { },\n  \"\": "
	 "\"empty\",\n  \"a\": { },\n  \"111\": [ { } ],\n  \"A\": { }\n}",
	 "{\"\":\"empty\",\"1\":{\"\\n\":56,\"f\":{\"F\":5,\"f\":\"hi\"}},\"10\":{},\"111\":[{}],"
	 "\"A\":{},\"a\":{}}"},
	{"unicode", "{\n  \"Unnormalized Unicode\":\"\\u1e0d\\u0307\"\n}\n",
	 "{\"Unnormalized Unicode\":\"\xe1\xb8\x8d\xcc\x87\"}"},
	{"values",
	 "{\n  \"numbers\": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],"
	 "\n  \"escaping\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
	 "  \"literals\": [null, true, false]\n}\n",
	 "{\"escaping\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\",\"literals\":[null,true,"
	 "false],\"numbers\":[1e+30,4.5,333333333.3333333,0.002,1e-27]}"},
	{"weird",
	 "{\n  \"\\u20ac\": \"Euro Sign\",\n  \"1\": \"One\",\n  \"\\u0080\": \"Control\\u007f\",\n"
	 "  \"\\ud83d\\ude02\": \"Smiley\",\n  \"\\u00f6\": \"Latin Small Letter O With "
	 "Diaeresis\",\n  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n  \"</script>\": "
	 "\"Browser Challenge\"\n}\n",
	 "{\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\xc2\x80\":\"Control\x7f\","
	 "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
	 "\"\xf0\x9f\x98\x82\":\"Smiley\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}"},
	/* RFC 8785 §3.2.2 and §3.2.4: the worked serialization example. */
	{"rfc-3.2.4",
	 "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],"
	 "\n  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
	 "  \"literals\": [null, true, false]\n}",
	 "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
	 "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}"},
	/* RFC 8785 §3.2.3: the sorting example. */
	{"rfc-3.2.3",
	 "{\n  \"\\u20ac\": \"Euro Sign\",\n  \"\\r\": \"Carriage Return\",\n  \"\\ufb33\": "
	 "\"Hebrew Letter Dalet With Dagesh\",\n  \"1\": \"One\",\n  \"\\ud83d\\ude00\": \"Emoji: "
	 "Grinning Face\",\n  \"\\u0080\": \"Control\",\n  \"\\u00f6\": \"Latin Small Letter O "
	 "With Diaeresis\"\n}",
	 "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\",\"\xc3\xb6\":\"Latin "
	 "Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x80\":"
	 "\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}"},
};

static void test_jcs_published_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		print_message("vector %s\n", vectors[i].name);
		check_text(vectors[i].in, vectors[i].want);
	}
}

/* RFC 8785 §3.2.4 gives the UTF-8 bytes of its example in hexadecimal. */
static void test_jcs_rfc8785_example_bytes(void **state)
{
	static const unsigned char want[] = {
		0x7b, 0x22, 0x6c, 0x69, 0x74, 0x65, 0x72, 0x61, 0x6c, 0x73, 0x22, 0x3a, 0x5b, 0x6e,
		0x75, 0x6c, 0x6c, 0x2c, 0x74, 0x72, 0x75, 0x65, 0x2c, 0x66, 0x61, 0x6c, 0x73, 0x65,
		0x5d, 0x2c, 0x22, 0x6e, 0x75, 0x6d, 0x62, 0x65, 0x72, 0x73, 0x22, 0x3a, 0x5b, 0x33,
		0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x2e, 0x33, 0x33, 0x33, 0x33, 0x33,
		0x33, 0x33, 0x2c, 0x31, 0x65, 0x2b, 0x33, 0x30, 0x2c, 0x34, 0x2e, 0x35, 0x2c, 0x30,
		0x2e, 0x30, 0x30, 0x32, 0x2c, 0x31, 0x65, 0x2d, 0x32, 0x37, 0x5d, 0x2c, 0x22, 0x73,
		0x74, 0x72, 0x69, 0x6e, 0x67, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0xac, 0x24, 0x5c, 0x75,
		0x30, 0x30, 0x30, 0x66, 0x5c, 0x6e, 0x41, 0x27, 0x42, 0x5c, 0x22, 0x5c, 0x5c, 0x5c,
		0x5c, 0x5c, 0x22, 0x2f, 0x22, 0x7d};
	json_t *v = parse("{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, "
			  "0.000000000000000000000000001], \"string\": "
			  "\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\", "
			  "\"literals\": [null, true, false]}");
	struct cx_buf b;

	cx_buf_init(&b, 0);
	assert_int_equal(cx_jcs_append(&b, v), 0);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.data, want, sizeof(want));
	cx_buf_release(&b);
	json_decref(v);
}

/* Names above U+FFFF are surrogate pairs (0xD800..0xDBFF first) in UTF-16 and
 * so sort before U+E000..U+FFFF, unlike in UTF-8 byte or code point order. */
static void test_jcs_member_order_is_utf16_code_units(void **state)
{
	check_text("{\"\\u00e0\":1,\"z\":2,\"\\u07ff\":3,\"\\u0800\":4,\"\\ud7ff\":5,"
		   "\"\\ud800\\udc00\":6,\"\\ud83d\\ude00\":7,\"\\ue000\":8,\"\\uffff\":9,"
		   "\"\\ue001\":10,\"\\ud83d\\ude01\":11,\"\":12,\"a\":13,\"ab\":14,"
		   "\"x\\ue000\":15,\"x\\ud83d\\ude00\":16,\"\\u007f\":17}",
		   "{\"\":12,\"a\":13,\"ab\":14,\"x\xf0\x9f\x98\x80\":16,\"x\xee\x80\x80\":15,"
		   "\"z\":2,\"\x7f\":17,\"\xc3\xa0\":1,\"\xdf\xbf\":3,\"\xe0\xa0\x80\":4,"
		   "\"\xed\x9f\xbf\":5,\"\xf0\x90\x80\x80\":6,\"\xf0\x9f\x98\x80\":7,"
		   "\"\xf0\x9f\x98\x81\":11,\"\xee\x80\x80\":8,\"\xee\x80\x81\":10,"
		   "\"\xef\xbf\xbf\":9}");
}

/* Independent reference: decode to UTF-16 and compare code units. */
static size_t to_utf16(const unsigned char *s, size_t n, uint16_t *u)
{
	size_t k = 0;

	for (size_t i = 0; i < n;) {
		uint32_t cp;

		if (s[i] < 0x80) {
			cp = s[i];
			i += 1;
		} else if (s[i] < 0xe0) {
			cp = (uint32_t)(s[i] & 0x1f) << 6 | (s[i + 1] & 0x3f);
			i += 2;
		} else if (s[i] < 0xf0) {
			cp = (uint32_t)(s[i] & 0x0f) << 12 | (uint32_t)(s[i + 1] & 0x3f) << 6 |
			     (s[i + 2] & 0x3f);
			i += 3;
		} else {
			cp = (uint32_t)(s[i] & 0x07) << 18 | (uint32_t)(s[i + 1] & 0x3f) << 12 |
			     (uint32_t)(s[i + 2] & 0x3f) << 6 | (s[i + 3] & 0x3f);
			i += 4;
		}
		if (cp >= 0x10000) {
			u[k++] = (uint16_t)(0xd800 + ((cp - 0x10000) >> 10));
			u[k++] = (uint16_t)(0xdc00 + ((cp - 0x10000) & 0x3ff));
		} else {
			u[k++] = (uint16_t)cp;
		}
	}
	return k;
}

static int utf16_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	uint16_t ua[64], ub[64];
	size_t na = to_utf16((const unsigned char *)a, an, ua);
	size_t nb = to_utf16((const unsigned char *)b, bn, ub);

	for (size_t i = 0; i < na && i < nb; i++)
		if (ua[i] != ub[i])
			return ua[i] < ub[i] ? -1 : 1;
	return na < nb ? -1 : na > nb;
}

static size_t put_utf8(uint32_t cp, char *p)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (char)(0xc0 | cp >> 6);
		p[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (char)(0xe0 | cp >> 12);
		p[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		p[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	p[0] = (char)(0xf0 | cp >> 18);
	p[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	p[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	p[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A code point that needs no escaping, drawn mostly from the ranges where
 * UTF-8 and UTF-16 orders disagree, with short keys so prefixes collide. */
static uint32_t random_code_point(void)
{
	switch (rng() % 6) {
	case 0:
		return 'a' + (uint32_t)(rng() % 3);
	case 1:
		return 0x80 + (uint32_t)(rng() % 0x780);
	case 2:
		return 0x800 + (uint32_t)(rng() % (0xd800 - 0x800));
	case 3:
		return 0xe000 + (uint32_t)(rng() % 0x2000);
	case 4:
		return 0xfff0 + (uint32_t)(rng() % 0x10);
	default:
		return 0x10000 + (uint32_t)(rng() % 0x100000);
	}
}

/* Members of many random objects come out in strictly increasing UTF-16
 * order, each exactly once; sizes cross the insertion/merge sort boundary
 * and the scratch stack's growth. */
static void test_jcs_random_member_order_matches_utf16_reference(void **state)
{
	for (int round = 0; round < 200; round++) {
		size_t want_n = 1 + (size_t)(rng() % (round < 100 ? 20 : 400));
		json_t *obj = json_object();
		char *out, *p;
		const char *prev = NULL;
		size_t prev_len = 0, seen = 0;

		for (size_t i = 0; i < want_n; i++) {
			char key[40];
			size_t len = 0, chars = 1 + (size_t)(rng() % 4);

			for (size_t c = 0; c < chars; c++)
				len += put_utf8(random_code_point(), key + len);
			key[len] = '\0';
			assert_int_equal(json_object_set_new(obj, key, json_integer((json_int_t)i)),
					 0);
		}
		out = canon(obj);
		/* Keys hold no quote or backslash, so each is the text between
		 * a quote and the next one. */
		p = out + 1;
		while (*p == '"') {
			const char *k = p + 1, *end = strchr(k, '"');

			assert_non_null(end);
			if (prev && utf16_cmp(prev, prev_len, k, (size_t)(end - k)) >= 0)
				fail_msg("round %d: members out of order at %zu", round, seen);
			prev = k;
			prev_len = (size_t)(end - k);
			seen++;
			p = (char *)end + 2;
			while (*p >= '0' && *p <= '9')
				p++;
			if (*p == ',')
				p++;
		}
		assert_int_equal(*p, '}');
		assert_int_equal(seen, json_object_size(obj));
		free(out);
		json_decref(obj);
	}
}

/* Nested objects wider than the on-stack scratch grow it while an outer
 * object is still being written; the outer slice must survive the move. */
static void test_jcs_nested_wide_objects(void **state)
{
	json_t *outer = json_object();
	struct cx_buf want;
	char *got;

	cx_buf_init(&want, 0);
	for (int i = 99; i >= 0; i--) {
		json_t *inner = json_object();
		char k[16];

		for (int j = 99; j >= 0; j--) {
			snprintf(k, sizeof(k), "i%02d", j);
			json_object_set_new(inner, k, json_integer(i * 100 + j));
		}
		snprintf(k, sizeof(k), "o%02d", i);
		json_object_set_new(outer, k, inner);
	}
	for (int i = 0; i < 100; i++) {
		cx_buf_printf(&want, "%s\"o%02d\":", i ? "," : "{", i);
		for (int j = 0; j < 100; j++)
			cx_buf_printf(&want, "%s\"i%02d\":%d", j ? "," : "{", j, i * 100 + j);
		cx_buf_putc(&want, '}');
	}
	cx_buf_putc(&want, '}');
	got = canon(outer);
	assert_string_equal(got, cx_buf_cstr(&want));
	free(got);
	cx_buf_release(&want);
	json_decref(outer);
}

static void test_jcs_literals_and_empty_containers(void **state)
{
	check_text("null", "null");
	check_text("true", "true");
	check_text("false", "false");
	check_text("{}", "{}");
	check_text("[]", "[]");
	check_text("[{},[],{\"a\":[]}]", "[{},[],{\"a\":[]}]");
	check_text("\"\"", "\"\"");
	check_text(" [ 1 , \"x\" , null ] ", "[1,\"x\",null]");
	check_text("[-0, -0.0, 0.0, 1.0, -1.0, 1e2, 12.5e-1]", "[0,0,0,1,-1,100,1.25]");
}

/* RFC 8785 §3.2.2.2: the seven short escapes, \u00xx in lower case for other
 * controls, and everything else (DEL, '/', non-ASCII) as is. */
static void test_jcs_string_escaping(void **state)
{
	char in[32];
	json_t *v;
	char *got;

	for (int c = 0; c < 32; c++)
		in[c] = (char)c;
	v = json_stringn(in, sizeof(in));
	assert_non_null(v);
	got = canon(v);
	assert_string_equal(got, "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007"
				 "\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013"
				 "\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c"
				 "\\u001d\\u001e\\u001f\"");
	free(got);
	json_decref(v);
	check_text("\"a\\\"b\\\\c\\/d\\u007f\\u00e9\\ud83d\\ude00\"",
		   "\"a\\\"b\\\\c/d\x7f\xc3\xa9\xf0\x9f\x98\x80\"");
	/* Names are escaped like any other string, and one holding a NUL
	 * (which jansson's parser refuses but its setters allow) is written
	 * and sorted by its full length. */
	v = json_object();
	json_object_setn_new(v, "a\0b", 3, json_integer(1));
	json_object_setn_new(v, "a", 1, json_integer(4));
	json_object_set_new(v, "\t", json_integer(2));
	json_object_set_new(v, "\"", json_integer(3));
	got = canon(v);
	assert_string_equal(got, "{\"\\t\":2,\"\\\"\":3,\"a\":4,\"a\\u0000b\":1}");
	free(got);
	json_decref(v);
}

static void test_jcs_appends_after_existing_content(void **state)
{
	json_t *v = parse("{\"b\":[1,2.5],\"a\":\"x\"}");
	struct cx_buf b;

	cx_buf_init(&b, 0);
	cx_buf_puts(&b, "pre:");
	assert_int_equal(cx_jcs_append(&b, v), 0);
	assert_int_equal(cx_jcs_append_number(&b, 0.25), 0);
	assert_string_equal(cx_buf_cstr(&b), "pre:{\"a\":\"x\",\"b\":[1,2.5]}0.25");
	cx_buf_release(&b);
	json_decref(v);
}

static json_t *nested_arrays(int levels)
{
	json_t *v = json_array();

	for (int i = 1; i < levels; i++) {
		json_t *w = json_array();

		json_array_append_new(w, v);
		v = w;
	}
	return v;
}

/* Depth is bounded like jansson's parser (2048 levels below the top), so a
 * hand-built monster cannot exhaust the stack. */
static void test_jcs_depth_limit(void **state)
{
	json_t *ok = nested_arrays(2049), *deep = nested_arrays(2050), *obj;
	struct cx_buf b;

	cx_buf_init(&b, 0);
	assert_int_equal(cx_jcs_append(&b, ok), 0);
	assert_int_equal(b.len, 2 * 2049);
	assert_int_equal(b.data[2048], '[');
	assert_int_equal(b.data[2049], ']');
	cx_buf_reset(&b);
	assert_int_equal(cx_jcs_append(&b, deep), -EINVAL);
	obj = json_object();
	json_object_set_new(obj, "k", deep);
	cx_buf_reset(&b);
	assert_int_equal(cx_jcs_append(&b, obj), -EINVAL);
	cx_buf_release(&b);
	json_decref(obj);
	json_decref(ok);
}

static void test_jcs_null_value_is_einval(void **state)
{
	struct cx_buf b;

	cx_buf_init(&b, 0);
	assert_int_equal(cx_jcs_append(&b, NULL), -EINVAL);
	cx_buf_release(&b);
}

static void test_jcs_buffer_cap_is_reported(void **state)
{
	json_t *v = parse("{\"description\":\"a fairly long string that passes the cap\","
			  "\"x\":[1,2,3,{\"y\":0.5}]}");
	struct cx_buf b;

	cx_buf_init(&b, 16);
	assert_int_equal(cx_jcs_append(&b, v), -E2BIG);
	assert_int_equal(b.err, -E2BIG);
	assert_int_equal(cx_jcs_append_number(&b, 1.5), -E2BIG);
	cx_buf_release(&b);
	/* Exactly at the cap is fine. */
	cx_buf_init(&b, 80);
	assert_int_equal(cx_jcs_append(&b, v), 0);
	assert_string_equal(cx_buf_cstr(&b),
			    "{\"description\":\"a fairly long string that passes the cap\","
			    "\"x\":[1,2,3,{\"y\":0.5}]}");
	cx_buf_release(&b);
	json_decref(v);
}

/* A STIX-shaped object: what the store canonicalizes on every write. */
static void test_jcs_stix_object(void **state)
{
	check_text("{\n"
		   "  \"type\": \"indicator\",\n"
		   "  \"spec_version\": \"2.1\",\n"
		   "  \"id\": \"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\",\n"
		   "  \"created\": \"2016-04-06T20:03:48.000Z\",\n"
		   "  \"modified\": \"2016-04-06T20:03:48.000Z\",\n"
		   "  \"indicator_types\": [\"malicious-activity\"],\n"
		   "  \"name\": \"Poison Ivy Malware\",\n"
		   "  \"pattern\": \"[file:hashes.'SHA-256' = 'abc']\",\n"
		   "  \"pattern_type\": \"stix\",\n"
		   "  \"confidence\": 85,\n"
		   "  \"x_score\": 0.75,\n"
		   "  \"valid_from\": \"2016-01-01T00:00:00Z\"\n"
		   "}",
		   "{\"confidence\":85,\"created\":\"2016-04-06T20:03:48.000Z\","
		   "\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\","
		   "\"indicator_types\":[\"malicious-activity\"],"
		   "\"modified\":\"2016-04-06T20:03:48.000Z\",\"name\":\"Poison Ivy Malware\","
		   "\"pattern\":\"[file:hashes.'SHA-256' = 'abc']\",\"pattern_type\":\"stix\","
		   "\"spec_version\":\"2.1\",\"type\":\"indicator\","
		   "\"valid_from\":\"2016-01-01T00:00:00Z\",\"x_score\":0.75}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jcs_number_rfc8785_appendix_b),
		cmocka_unit_test(test_jcs_number_ecmascript_edge_cases),
		cmocka_unit_test(test_jcs_number_non_finite_is_einval_and_writes_nothing),
		cmocka_unit_test(test_jcs_number_random_values_shortest_round_trip),
		cmocka_unit_test(test_jcs_integers_exact_up_to_2_pow_53_then_double),
		cmocka_unit_test(test_jcs_published_vectors),
		cmocka_unit_test(test_jcs_rfc8785_example_bytes),
		cmocka_unit_test(test_jcs_member_order_is_utf16_code_units),
		cmocka_unit_test(test_jcs_random_member_order_matches_utf16_reference),
		cmocka_unit_test(test_jcs_nested_wide_objects),
		cmocka_unit_test(test_jcs_literals_and_empty_containers),
		cmocka_unit_test(test_jcs_string_escaping),
		cmocka_unit_test(test_jcs_appends_after_existing_content),
		cmocka_unit_test(test_jcs_depth_limit),
		cmocka_unit_test(test_jcs_null_value_is_einval),
		cmocka_unit_test(test_jcs_buffer_cap_is_reported),
		cmocka_unit_test(test_jcs_stix_object),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
