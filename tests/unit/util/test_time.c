/* STIX timestamps: what cx_time_parse accepts and refuses, the instants it
 * computes, and the round trip through cx_time_format. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/time.h"

/* 2016-05-12T08:17:27Z in seconds since the epoch. */
#define T0 1463041047LL

static int64_t parse_ok(const char *s, int want_frac)
{
	int64_t us = INT64_MIN;
	int frac = -1;

	if (cx_time_parse(s, &us, &frac) != 0)
		fail_msg("refused valid timestamp %s", s);
	assert_int_equal(frac, want_frac);
	return us;
}

/* A refused string leaves the out-parameters untouched. */
static void parse_bad(const char *s)
{
	int64_t us = 12345;
	int frac = 77;

	if (cx_time_parse(s, &us, &frac) != -EINVAL)
		fail_msg("accepted invalid timestamp \"%s\"", s ? s : "(null)");
	assert_int_equal(us, 12345);
	assert_int_equal(frac, 77);
}

static void test_time_parse_fraction_0_to_9_digits(void **state)
{
	static const struct {
		const char *s;
		int frac;
		int64_t us_part;
	} cases[] = {
		{"2016-05-12T08:17:27Z", 0, 0},
		{"2016-05-12T08:17:27.1Z", 1, 100000},
		{"2016-05-12T08:17:27.12Z", 2, 120000},
		{"2016-05-12T08:17:27.123Z", 3, 123000},
		{"2016-05-12T08:17:27.1234Z", 4, 123400},
		{"2016-05-12T08:17:27.12345Z", 5, 123450},
		{"2016-05-12T08:17:27.123456Z", 6, 123456},
		/* Digits past the sixth are counted but truncated, not rounded. */
		{"2016-05-12T08:17:27.1234567Z", 7, 123456},
		{"2016-05-12T08:17:27.12345678Z", 8, 123456},
		{"2016-05-12T08:17:27.123456789Z", 9, 123456},
		{"2016-05-12T08:17:27.999999999Z", 9, 999999},
		{"2016-05-12T08:17:27.000Z", 3, 0},
		{"2016-05-12T08:17:27.000001Z", 6, 1},
		{"2016-05-12T08:17:27.000000000000000000001Z", 21, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(parse_ok(cases[i].s, cases[i].frac),
				 T0 * 1000000 + cases[i].us_part);
}

static void test_time_parse_known_instants(void **state)
{
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z", 0), 0);
	assert_int_equal(parse_ok("1970-01-01T00:00:00.000001Z", 6), 1);
	assert_int_equal(parse_ok("2000-02-29T12:00:00Z", 0), 951825600LL * 1000000);
	assert_int_equal(parse_ok("2400-02-29T00:00:00Z", 0), 13574563200LL * 1000000);
	/* Before the epoch the instant is negative and fractions still add. */
	assert_int_equal(parse_ok("1969-12-31T23:59:59Z", 0), -1000000);
	assert_int_equal(parse_ok("1969-12-31T23:59:59.999999Z", 6), -1);
	assert_int_equal(parse_ok("1900-03-01T00:00:00Z", 0), -2203891200LL * 1000000);
	assert_int_equal(parse_ok("0001-01-01T00:00:00Z", 0), -62135596800LL * 1000000);
	assert_int_equal(parse_ok("9999-12-31T23:59:59Z", 0), 253402300799LL * 1000000);
	assert_int_equal(parse_ok("9999-12-31T23:59:59.999999Z", 6),
			 253402300799LL * 1000000 + 999999);
}

static void test_time_parse_null_out_params_allowed(void **state)
{
	int64_t us = 0;
	int frac = 0;

	assert_int_equal(cx_time_parse("2016-05-12T08:17:27.5Z", NULL, NULL), 0);
	assert_int_equal(cx_time_parse("2016-05-12T08:17:27.5Z", &us, NULL), 0);
	assert_int_equal(us, T0 * 1000000 + 500000);
	assert_int_equal(cx_time_parse("2016-05-12T08:17:27.5Z", NULL, &frac), 0);
	assert_int_equal(frac, 1);
}

static void test_time_parse_leap_years(void **state)
{
	parse_ok("2016-02-29T00:00:00Z", 0);
	parse_ok("2000-02-29T00:00:00Z", 0);
	parse_ok("2400-02-29T00:00:00Z", 0);
	parse_ok("0004-02-29T00:00:00Z", 0);
	/* Divisible by 100 but not 400, or not by 4: no Feb 29. */
	parse_bad("1900-02-29T00:00:00Z");
	parse_bad("2100-02-29T00:00:00Z");
	parse_bad("2015-02-29T00:00:00Z");
	parse_bad("2019-02-29T00:00:00Z");
	parse_bad("2016-02-30T00:00:00Z");
	parse_ok("2015-02-28T23:59:59Z", 0);
}

static void test_time_parse_field_ranges(void **state)
{
	static const char *const days_ok[] = {
		"2021-01-31T00:00:00Z", "2021-03-31T00:00:00Z", "2021-04-30T00:00:00Z",
		"2021-05-31T00:00:00Z", "2021-06-30T00:00:00Z", "2021-07-31T00:00:00Z",
		"2021-08-31T00:00:00Z", "2021-09-30T00:00:00Z", "2021-10-31T00:00:00Z",
		"2021-11-30T00:00:00Z", "2021-12-31T00:00:00Z",
	};
	static const char *const bad[] = {
		"2021-00-10T00:00:00Z", "2021-13-10T00:00:00Z", "2021-01-00T00:00:00Z",
		"2021-01-32T00:00:00Z", "2021-04-31T00:00:00Z", "2021-06-31T00:00:00Z",
		"2021-09-31T00:00:00Z", "2021-11-31T00:00:00Z", "2021-01-10T24:00:00Z",
		"2021-01-10T00:60:00Z", "2021-01-10T00:00:60Z", "2021-01-10T99:00:00Z",
		"0000-01-01T00:00:00Z",
	};

	for (size_t i = 0; i < sizeof(days_ok) / sizeof(days_ok[0]); i++)
		parse_ok(days_ok[i], 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_bad(bad[i]);
	parse_ok("2021-01-10T23:59:59Z", 0);
	parse_ok("2021-01-10T00:00:00Z", 0);
}

static void test_time_parse_rejects_bad_shapes(void **state)
{
	static const char *const bad[] = {
		"",
		"2016",
		"2016-05-12",
		"2016-05-12T08:17:27",      /* no Z, and too short */
		"2016-05-12T08:17:27.123",  /* no Z */
		"2016-05-12T08:17:27.123 ", /* no Z */
		"2016-05-12t08:17:27Z",     /* lower-case t */
		"2016-05-12T08:17:27z",     /* lower-case z */
		"2016-05-12 08:17:27Z",     /* space for T */
		"2016-05-12T08:17:27+00:00",
		"2016-05-12T08:17:27-00:00",
		"2016-05-12T08:17:27.123+01:00",
		"2016-05-12T08:17:27.Z", /* point without digits */
		"2016-05-12T08:17:27.",
		"2016-05-12T08:17:27ZZ",
		"2016-05-12T08:17:27Z ",
		"2016-05-12T08:17:27Zjunk",
		"2016-05-12T08:17:27.123Zx",
		"2016-05-12T08:17:27.12a3Z",
		" 2016-05-12T08:17:27Z",
		"2016/05/12T08:17:27Z",
		"2016-05-12T08-17-27Z",
		"2016-5-12T08:17:27.12Z", /* one-digit month */
		"2016-05-12T8:17:27.123Z", /* one-digit hour */
		"16-05-12T08:17:27.1234Z",
		"+016-05-12T08:17:27Z",
		"-016-05-12T08:17:27Z",
		"2016-05-12T08:17:27,123Z",
		"20160512T081727Z0000",
		"abcd-ef-ghTij:kl:mnZ",
		"2016-0x-12T08:17:27Z",
		"12016-05-12T08:17:27Z",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_bad(bad[i]);
	parse_bad(NULL);
}

static void test_time_format_digits(void **state)
{
	char out[CX_TIME_STRLEN];
	int64_t us = T0 * 1000000 + 123456;

	assert_string_equal(cx_time_format(us, 0, out), "2016-05-12T08:17:27Z");
	assert_string_equal(cx_time_format(us, 1, out), "2016-05-12T08:17:27.1Z");
	assert_string_equal(cx_time_format(us, 3, out), "2016-05-12T08:17:27.123Z");
	assert_string_equal(cx_time_format(us, 5, out), "2016-05-12T08:17:27.12345Z");
	assert_string_equal(cx_time_format(us, 6, out), "2016-05-12T08:17:27.123456Z");
	/* Past six digits there is nothing more to say. */
	assert_string_equal(cx_time_format(us, 9, out), "2016-05-12T08:17:27.123456Z");
	/* Truncation, never rounding up into the next second. */
	assert_string_equal(cx_time_format(T0 * 1000000 + 999999, 3, out),
			    "2016-05-12T08:17:27.999Z");
	assert_string_equal(cx_time_format(T0 * 1000000 + 999999, 0, out),
			    "2016-05-12T08:17:27Z");
	assert_string_equal(cx_time_format(0, 3, out), "1970-01-01T00:00:00.000Z");
	assert_ptr_equal(cx_time_format(0, 0, out), out);
}

static void test_time_format_pre_epoch_and_extremes(void **state)
{
	char out[CX_TIME_STRLEN];

	assert_string_equal(cx_time_format(-1, 6, out), "1969-12-31T23:59:59.999999Z");
	assert_string_equal(cx_time_format(-1, 3, out), "1969-12-31T23:59:59.999Z");
	assert_string_equal(cx_time_format(-1, 0, out), "1969-12-31T23:59:59Z");
	assert_string_equal(cx_time_format(-1000000, 3, out), "1969-12-31T23:59:59.000Z");
	assert_string_equal(cx_time_format(-1000001, 6, out), "1969-12-31T23:59:58.999999Z");
	assert_string_equal(cx_time_format(-86400LL * 1000000, 0, out), "1969-12-31T00:00:00Z");
	assert_string_equal(cx_time_format(-2203891200LL * 1000000, 0, out),
			    "1900-03-01T00:00:00Z");
	assert_string_equal(cx_time_format(-62135596800LL * 1000000, 6, out),
			    "0001-01-01T00:00:00.000000Z");
	assert_string_equal(cx_time_format(253402300799LL * 1000000 + 999999, 6, out),
			    "9999-12-31T23:59:59.999999Z");
}

/* Parse then format gives the text back for canonical forms at 0, 3 and 6
 * digits, and format then parse gives the instant back (truncated to the
 * digits written). */
static void test_time_round_trip(void **state)
{
	static const char *const texts[] = {
		"2016-05-12T08:17:27Z",        "2016-05-12T08:17:27.123Z",
		"2016-05-12T08:17:27.123456Z", "1969-12-31T23:59:59.999999Z",
		"1950-06-15T12:30:45.500Z",    "0001-01-01T00:00:00Z",
		"1600-02-29T01:02:03.004Z",    "9999-12-31T23:59:59.999999Z",
		"2000-02-29T23:59:59Z",        "1970-01-01T00:00:00.000001Z",
	};
	static const int64_t divisor[7] = {1000000, 100000, 10000, 1000, 100, 10, 1};
	char out[CX_TIME_STRLEN];
	uint64_t x = 0x2545f4914f6cdd1dULL;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		int64_t us;
		int frac;

		assert_int_equal(cx_time_parse(texts[i], &us, &frac), 0);
		assert_string_equal(cx_time_format(us, frac, out), texts[i]);
	}
	/* Instants spread over years 1..9999, before and after the epoch. */
	for (int i = 0; i < 20000; i++) {
		const int64_t lo = -62135596800LL * 1000000;
		const int64_t span = (253402300799LL - -62135596800LL) * 1000000 + 999999;
		int64_t us, back, floor_us;
		int frac = (int[]){0, 3, 6}[i % 3], got_frac;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		us = lo + (int64_t)(x % (uint64_t)span);
		cx_time_format(us, frac, out);
		assert_int_equal(strlen(out), frac ? 21 + frac : 20);
		assert_int_equal(cx_time_parse(out, &back, &got_frac), 0);
		assert_int_equal(got_frac, frac);
		/* Floor to the precision written (us - lo is never negative). */
		floor_us = lo + (us - lo) / divisor[frac] * divisor[frac];
		if (back != floor_us)
			fail_msg("%lld -> %s -> %lld", (long long)us, out, (long long)back);
	}
}

static void test_time_clocks(void **state)
{
	int64_t now = cx_time_now_us();
	int64_t m1 = cx_time_mono_us(), m2 = cx_time_mono_us();

	/* After 2020-01-01 and before 2200-01-01. */
	assert_true(now > 1577836800LL * 1000000);
	assert_true(now < 7258118400LL * 1000000);
	assert_true(m2 >= m1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_parse_fraction_0_to_9_digits),
		cmocka_unit_test(test_time_parse_known_instants),
		cmocka_unit_test(test_time_parse_null_out_params_allowed),
		cmocka_unit_test(test_time_parse_leap_years),
		cmocka_unit_test(test_time_parse_field_ranges),
		cmocka_unit_test(test_time_parse_rejects_bad_shapes),
		cmocka_unit_test(test_time_format_digits),
		cmocka_unit_test(test_time_format_pre_epoch_and_extremes),
		cmocka_unit_test(test_time_round_trip),
		cmocka_unit_test(test_time_clocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
