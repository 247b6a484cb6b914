/* The capped growable buffer: appends, growth, the cap and the failed state
 * it leaves, printf, JSON string escaping, steal and reset. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"

static void test_buf_empty_buffer_reads_as_empty_string(void **state)
{
	struct cx_buf b = CX_BUF_INIT;

	assert_string_equal(cx_buf_cstr(&b), "");
	assert_int_equal(b.len, 0);
	cx_buf_init(&b, 0);
	assert_null(b.data);
	assert_string_equal(cx_buf_cstr(&b), "");
	assert_int_equal(b.err, 0);
	cx_buf_release(&b);
}

static void test_buf_append_puts_putc_concatenate(void **state)
{
	struct cx_buf b;

	cx_buf_init(&b, 0);
	assert_int_equal(cx_buf_append(&b, "abc", 3), 0);
	assert_int_equal(cx_buf_puts(&b, "def"), 0);
	assert_int_equal(cx_buf_putc(&b, 'g'), 0);
	assert_int_equal(cx_buf_append(&b, "xyz", 0), 0);
	assert_int_equal(cx_buf_puts(&b, ""), 0);
	assert_int_equal(b.len, 7);
	assert_string_equal(cx_buf_cstr(&b), "abcdefg");
	/* Bytes are copied as they are, NUL included; a NUL still follows. */
	assert_int_equal(cx_buf_append(&b, "h\0i", 3), 0);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.data, "abcdefgh\0i", 10);
	assert_int_equal(b.data[10], '\0');
	cx_buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

/* A buffer declared with CX_BUF_INIT (max 0) behaves as uncapped. */
static void test_buf_static_init_is_usable(void **state)
{
	struct cx_buf b = CX_BUF_INIT;

	assert_int_equal(cx_buf_puts(&b, "hello"), 0);
	assert_string_equal(cx_buf_cstr(&b), "hello");
	assert_int_equal(b.err, 0);
	cx_buf_release(&b);
}

/* Growth across many reallocations keeps every byte and the trailing NUL. */
static void test_buf_grows_and_keeps_contents(void **state)
{
	struct cx_buf b;
	size_t total = 0;

	cx_buf_init(&b, 0);
	for (int i = 0; i < 5000; i++) {
		char c = (char)('a' + i % 26);

		assert_int_equal(cx_buf_putc(&b, c), 0);
		total++;
		assert_true(b.cap > b.len);
		assert_int_equal(b.data[b.len], '\0');
	}
	{
		char *big = malloc(1 << 20);

		assert_non_null(big);
		memset(big, 'Z', 1 << 20);
		assert_int_equal(cx_buf_append(&b, big, 1 << 20), 0);
		total += 1 << 20;
		free(big);
	}
	assert_int_equal(b.len, total);
	for (size_t i = 0; i < 5000; i++)
		assert_int_equal(b.data[i], 'a' + (int)(i % 26));
	assert_int_equal(b.data[5000], 'Z');
	assert_int_equal(b.data[total - 1], 'Z');
	assert_int_equal(b.data[total], '\0');
	cx_buf_release(&b);
}

/* Reaching the cap exactly is allowed; one byte more fails, frees the
 * contents, and every later append returns the same error. */
static void test_buf_cap_e2big_enters_failed_state(void **state)
{
	struct cx_buf b;

	cx_buf_init(&b, 8);
	assert_int_equal(cx_buf_puts(&b, "12345"), 0);
	assert_int_equal(cx_buf_append(&b, "678", 3), 0);
	assert_int_equal(b.len, 8);
	assert_string_equal(cx_buf_cstr(&b), "12345678");
	assert_int_equal(cx_buf_putc(&b, '9'), -E2BIG);
	assert_int_equal(b.err, -E2BIG);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(cx_buf_cstr(&b), "");
	/* Sticky: even appends that would fit now are refused. */
	assert_int_equal(cx_buf_putc(&b, 'x'), -E2BIG);
	assert_int_equal(cx_buf_append(&b, "", 0), -E2BIG);
	assert_int_equal(cx_buf_puts(&b, "y"), -E2BIG);
	assert_int_equal(cx_buf_printf(&b, "%d", 1), -E2BIG);
	assert_int_equal(cx_buf_put_json_string(&b, "z", 1), -E2BIG);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	cx_buf_release(&b);
}

/* A single append larger than the cap fails without copying anything. */
static void test_buf_cap_single_oversized_append(void **state)
{
	struct cx_buf b;
	char big[100];

	memset(big, 'q', sizeof(big));
	cx_buf_init(&b, 64);
	assert_int_equal(cx_buf_append(&b, big, sizeof(big)), -E2BIG);
	assert_null(b.data);
	cx_buf_release(&b);
	/* Reset clears the error and the buffer works again within the cap. */
	cx_buf_init(&b, 64);
	assert_int_equal(cx_buf_append(&b, big, 65), -E2BIG);
	cx_buf_reset(&b);
	assert_int_equal(b.err, 0);
	assert_int_equal(cx_buf_append(&b, big, 64), 0);
	assert_int_equal(b.len, 64);
	assert_int_equal(cx_buf_putc(&b, 'x'), -E2BIG);
	cx_buf_release(&b);
}

static void test_buf_printf_formats_and_appends(void **state)
{
	struct cx_buf b;
	char want[1200];

	cx_buf_init(&b, 0);
	assert_int_equal(cx_buf_puts(&b, "n="), 0);
	assert_int_equal(cx_buf_printf(&b, "%d,%s,%05.1f,%llx", -42, "str", 3.14159, 0xabcULL), 0);
	assert_string_equal(cx_buf_cstr(&b), "n=-42,str,003.1,abc");
	assert_int_equal(cx_buf_printf(&b, "%s", ""), 0);
	assert_int_equal(b.len, strlen("n=-42,str,003.1,abc"));
	/* Output longer than the first allocation. */
	cx_buf_reset(&b);
	assert_int_equal(cx_buf_printf(&b, "%1000d|%s", 7, "end"), 0);
	memset(want, ' ', 999);
	memcpy(want + 999, "7|end", 6);
	assert_string_equal(cx_buf_cstr(&b), want);
	assert_int_equal(b.len, 1004);
	cx_buf_release(&b);
}

static void test_buf_printf_past_cap_is_e2big(void **state)
{
	struct cx_buf b;

	cx_buf_init(&b, 10);
	assert_int_equal(cx_buf_printf(&b, "%s", "0123456789"), 0);
	assert_int_equal(b.len, 10);
	assert_int_equal(cx_buf_printf(&b, "%d", 1), -E2BIG);
	assert_int_equal(b.err, -E2BIG);
	assert_null(b.data);
	cx_buf_release(&b);
}

static char *json_string(const char *s, size_t n)
{
	struct cx_buf b;

	cx_buf_init(&b, 0);
	assert_int_equal(cx_buf_put_json_string(&b, s, n), 0);
	return cx_buf_steal(&b, NULL);
}

/* RFC 8785 §3.2.2.2 (ECMAScript JSON.stringify): \b \t \n \f \r get their
 * short escapes, other controls \u00xx in lower-case hex. */
static void test_buf_json_string_escapes_every_control_char(void **state)
{
	static const char *const want[32] = {
		"\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006",
		"\\u0007", "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",
		"\\u000e", "\\u000f", "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014",
		"\\u0015", "\\u0016", "\\u0017", "\\u0018", "\\u0019", "\\u001a", "\\u001b",
		"\\u001c", "\\u001d", "\\u001e", "\\u001f",
	};

	for (int c = 0; c < 32; c++) {
		char in[3] = {'a', (char)c, 'z'};
		char expect[16];
		char *got = json_string(in, 3);

		snprintf(expect, sizeof(expect), "\"a%sz\"", want[c]);
		if (strcmp(got, expect) != 0)
			fail_msg("control 0x%02x: got %s, want %s", c, got, expect);
		free(got);
	}
}

static void test_buf_json_string_leaves_other_bytes_alone(void **state)
{
	static const char mixed[] = "q\"b\\s/d\x7f \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
	char *got;

	got = json_string("", 0);
	assert_string_equal(got, "\"\"");
	free(got);
	/* Quote and backslash are escaped; '/', DEL, space and UTF-8 are not. */
	got = json_string(mixed, sizeof(mixed) - 1);
	assert_string_equal(got, "\"q\\\"b\\\\s/d\x7f \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	free(got);
	/* Only n bytes are read, NUL or not. */
	got = json_string("abc\0def", 5);
	assert_string_equal(got, "\"abc\\u0000d\"");
	free(got);
	got = json_string("\"\"\\\\", 4);
	assert_string_equal(got, "\"\\\"\\\"\\\\\\\\\"");
	free(got);
}

static void test_buf_json_string_appends_to_existing(void **state)
{
	struct cx_buf b;

	cx_buf_init(&b, 0);
	cx_buf_puts(&b, "{\"k\":");
	assert_int_equal(cx_buf_put_json_string(&b, "v\n", 2), 0);
	cx_buf_putc(&b, '}');
	assert_string_equal(cx_buf_cstr(&b), "{\"k\":\"v\\n\"}");
	cx_buf_release(&b);
}

static void test_buf_json_string_past_cap_is_e2big(void **state)
{
	struct cx_buf b;

	/* "\"\\n\"" is four bytes: the escape makes it overflow a cap of 3. */
	cx_buf_init(&b, 3);
	assert_int_equal(cx_buf_put_json_string(&b, "\n", 1), -E2BIG);
	assert_int_equal(b.err, -E2BIG);
	assert_null(b.data);
	cx_buf_release(&b);
	cx_buf_init(&b, 4);
	assert_int_equal(cx_buf_put_json_string(&b, "\n", 1), 0);
	assert_string_equal(cx_buf_cstr(&b), "\"\\n\"");
	cx_buf_release(&b);
}

static void test_buf_steal_hands_over_and_empties(void **state)
{
	struct cx_buf b;
	size_t len = 99;
	char *s;

	cx_buf_init(&b, 0);
	cx_buf_puts(&b, "payload");
	s = cx_buf_steal(&b, &len);
	assert_string_equal(s, "payload");
	assert_int_equal(len, 7);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_string_equal(cx_buf_cstr(&b), "");
	/* The buffer is usable again and independent of the stolen memory. */
	assert_int_equal(cx_buf_puts(&b, "next"), 0);
	assert_string_equal(cx_buf_cstr(&b), "next");
	assert_string_equal(s, "payload");
	free(s);
	s = cx_buf_steal(&b, NULL);
	assert_string_equal(s, "next");
	free(s);
	/* Stealing an empty buffer still gives a string the caller frees. */
	s = cx_buf_steal(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	cx_buf_release(&b);
}

static void test_buf_reset_keeps_memory(void **state)
{
	struct cx_buf b;
	char *data;
	size_t cap;

	cx_buf_init(&b, 0);
	cx_buf_puts(&b, "something long enough");
	data = b.data;
	cap = b.cap;
	cx_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(cx_buf_cstr(&b), "");
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_int_equal(cx_buf_puts(&b, "new"), 0);
	assert_string_equal(cx_buf_cstr(&b), "new");
	assert_ptr_equal(b.data, data);
	/* Reset of a never-used buffer is harmless. */
	cx_buf_release(&b);
	cx_buf_reset(&b);
	assert_string_equal(cx_buf_cstr(&b), "");
	cx_buf_release(&b);
}

static void test_buf_release_then_init_reuses(void **state)
{
	struct cx_buf b;

	cx_buf_init(&b, 4);
	assert_int_equal(cx_buf_puts(&b, "12345"), -E2BIG);
	cx_buf_release(&b);
	cx_buf_init(&b, 0);
	assert_int_equal(b.err, 0);
	assert_int_equal(cx_buf_puts(&b, "12345"), 0);
	assert_string_equal(cx_buf_cstr(&b), "12345");
	cx_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_empty_buffer_reads_as_empty_string),
		cmocka_unit_test(test_buf_append_puts_putc_concatenate),
		cmocka_unit_test(test_buf_static_init_is_usable),
		cmocka_unit_test(test_buf_grows_and_keeps_contents),
		cmocka_unit_test(test_buf_cap_e2big_enters_failed_state),
		cmocka_unit_test(test_buf_cap_single_oversized_append),
		cmocka_unit_test(test_buf_printf_formats_and_appends),
		cmocka_unit_test(test_buf_printf_past_cap_is_e2big),
		cmocka_unit_test(test_buf_json_string_escapes_every_control_char),
		cmocka_unit_test(test_buf_json_string_leaves_other_bytes_alone),
		cmocka_unit_test(test_buf_json_string_appends_to_existing),
		cmocka_unit_test(test_buf_json_string_past_cap_is_e2big),
		cmocka_unit_test(test_buf_steal_hands_over_and_empties),
		cmocka_unit_test(test_buf_reset_keeps_memory),
		cmocka_unit_test(test_buf_release_then_init_reuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
