/* Unit tests for the STIX 2.1 patterning parser (src/stix/pattern.c). Tree
 * shapes are checked through a compact rendering of the public node structs:
 * "(FOLLOWEDBY a b)", "(OR ..)" and "(AND ..)" for observation operators,
 * "(or ..)" and "(and ..)" inside brackets, "{WITHIN 300}" after a qualified
 * node. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stix/pattern.h"
#include "util/time.h"

struct out {
	char buf[8192];
	size_t len;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, sizeof(o->buf) - o->len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(o->buf) - o->len);
	o->len += (size_t)n;
}

static void put_bytes(struct out *o, const struct cx_pattern_const *c)
{
	for (size_t i = 0; i < c->len; i++)
		put(o, "%02x", (unsigned)(unsigned char)c->data[i]);
}

static void put_const(struct out *o, const struct cx_pattern_const *c)
{
	switch (c->kind) {
	case CX_PATTERN_CONST_STRING:
		put(o, "'%s'", c->data);
		break;
	case CX_PATTERN_CONST_INT:
		put(o, "%lld", (long long)c->i);
		break;
	case CX_PATTERN_CONST_FLOAT:
		put(o, "%gf", c->f);
		break;
	case CX_PATTERN_CONST_BOOL:
		put(o, "%s", c->b ? "true" : "false");
		break;
	case CX_PATTERN_CONST_BINARY:
		put(o, "b:");
		put_bytes(o, c);
		break;
	case CX_PATTERN_CONST_HEX:
		put(o, "h:");
		put_bytes(o, c);
		break;
	case CX_PATTERN_CONST_TIMESTAMP:
		put(o, "t:%lld", (long long)c->us);
		break;
	}
}

static void put_path(struct out *o, const struct cx_pattern_path *path)
{
	put(o, "%s:", path->type);
	for (size_t i = 0; i < path->n_steps; i++) {
		const struct cx_pattern_step *s = &path->steps[i];

		if (s->kind == CX_PATTERN_STEP_KEY)
			put(o, "%s%s", i ? "." : "", s->key);
		else if (s->kind == CX_PATTERN_STEP_INDEX)
			put(o, "[%lld]", (long long)s->index);
		else
			put(o, "[*]");
	}
}

static void put_node(struct out *o, const struct cx_pattern_node *n)
{
	static const char *const names[] = {
	    [CX_PATTERN_FOLLOWEDBY] = "FOLLOWEDBY", [CX_PATTERN_OBS_OR] = "OR",
	    [CX_PATTERN_OBS_AND] = "AND",           [CX_PATTERN_CMP_OR] = "or",
	    [CX_PATTERN_CMP_AND] = "and",
	};

	if (n->kind == CX_PATTERN_OBSERVATION) {
		assert_int_equal(n->n_children, 1);
		put(o, "[");
		put_node(o, n->children[0]);
		put(o, "]");
	} else if (n->kind == CX_PATTERN_COMPARISON) {
		assert_int_equal(n->n_children, 0);
		assert_int_equal(n->n_quals, 0);
		if (n->op == CX_PATTERN_OP_EXISTS) {
			assert_int_equal(n->n_values, 0);
			put(o, "EXISTS ");
			put_path(o, &n->path);
			return;
		}
		put_path(o, &n->path);
		put(o, "%s %s ", n->negated ? " NOT" : "", cx_pattern_op_name(n->op));
		if (n->op == CX_PATTERN_OP_IN)
			put(o, "(");
		else
			assert_int_equal(n->n_values, 1);
		for (size_t i = 0; i < n->n_values; i++) {
			put(o, "%s", i ? "," : "");
			put_const(o, &n->values[i]);
		}
		if (n->op == CX_PATTERN_OP_IN)
			put(o, ")");
	} else {
		assert_true(n->n_children >= 2);
		put(o, "(%s", names[n->kind]);
		for (size_t i = 0; i < n->n_children; i++) {
			put(o, " ");
			put_node(o, n->children[i]);
		}
		put(o, ")");
	}
	for (size_t i = 0; i < n->n_quals; i++) {
		const struct cx_pattern_qualifier *q = &n->quals[i];

		if (q->kind == CX_PATTERN_QUAL_WITHIN)
			put(o, "{WITHIN %g}", q->seconds);
		else if (q->kind == CX_PATTERN_QUAL_REPEATS)
			put(o, "{REPEATS %lld}", (long long)q->times);
		else
			put(o, "{START %lld STOP %lld}", (long long)q->start_us,
			    (long long)q->stop_us);
	}
}

static struct cx_pattern *parse_ok(const char *src)
{
	struct cx_pattern_error err;
	struct cx_pattern *p = NULL;
	int rc = cx_pattern_parse(src, &p, &err);

	if (rc)
		fail_msg("rejected %s\n  at %zu: %s", src, err.offset, err.message);
	assert_non_null(p);
	assert_non_null(cx_pattern_root(p));
	return p;
}

/* The rendering of src's tree must be want. */
static void shape(const char *src, const char *want)
{
	struct cx_pattern *p = parse_ok(src);
	struct out o = {.len = 0};

	put_node(&o, cx_pattern_root(p));
	cx_pattern_free(p);
	if (strcmp(o.buf, want))
		fail_msg("%s\n  gave %s\n  want %s", src, o.buf, want);
}

/* src must be rejected at offset with a message containing needle. */
static void bad(const char *src, size_t offset, const char *needle)
{
	struct cx_pattern_error err;
	struct cx_pattern *p = NULL;
	int rc = cx_pattern_parse(src, &p, &err);

	if (rc != -EINVAL)
		fail_msg("accepted %s", src);
	assert_null(p);
	if (err.offset != offset || !strstr(err.message, needle))
		fail_msg("%s\n  gave %zu: %s\n  want %zu: ...%s...", src, err.offset, err.message,
		         offset, needle);
}

/* The examples of STIX 2.1 section 9, with the pattern-level escapes as the
 * specification prints them (a C string doubles each backslash again),
 * followed by a few more forms in the same style. */
static const char *const spec_examples[] = {
    "[file:hashes.'SHA-256' = "
    "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND "
    "email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
    "[file:hashes.'SHA-256' = "
    "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND "
    "file:mime_type = 'application/x-pdf']",
    "[file:hashes.'SHA-256' = "
    "'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR "
    "file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND [file:hashes.'SHA-256' = "
    "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY "
    "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) WITHIN 300 SECONDS",
    "[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND "
    "user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND "
    "user-account:user_id = '1008' AND user-account:account_login = 'Paul'] AND "
    "[user-account:account_type = 'unix' AND user-account:user_id = '1009' AND "
    "user-account:account_login = 'Mary']",
    "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES "
    "'\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
    "[file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\\\Windows\\\\System32']",
    "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
    "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
    "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = "
    "'203.0.113.33/32']",
    "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = "
    "'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS",
    "[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = "
    "'198.51.100.1/32']",
    "[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']",
    "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = "
    "'4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
    "[windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\CryptoLocker\\\\Files' OR "
    "windows-registry-key:key = "
    "'HKEY_CURRENT_USER\\\\Software\\\\Microsoft\\\\CurrentVersion\\\\Run\\\\CryptoLocker_0388']",
    "[(file:name = 'pdf.exe' OR file:size = '371712') AND file:created = "
    "t'2014-01-13T07:03:17Z']",
    "[email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = "
    "'Conference Info']",
    "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
    "[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] "
    "FOLLOWEDBY [process:command_line MATCHES "
    "'^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS",
    "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
    "([file:name = 'foo.dll'] AND [windows-registry-key:key = "
    "'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) OR [process:name = 'fooproc' OR process:name = "
    "'procfoo']",
    "[ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR "
    "ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128']",
    "([ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR "
    "ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128'] FOLLOWEDBY "
    "[domain-name:value = 'example.com']) WITHIN 600 SECONDS",
    "[ipv4-addr:value = '198.51.100.1/32'] START t'2014-06-01T00:00:00Z' STOP "
    "t'2014-07-01T00:00:00Z'",
    "[process:name IN ('proccy', 'proximus', 'badproc')]",
    "[directory:path LIKE 'C:\\\\Windows\\\\%\\\\foo']",
    "[EXISTS windows-registry-key:values]",
    /* Further forms, beyond the specification's own examples. */
    "[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] REPEATS 5 TIMES",
    "[ipv4-addr:value ISSUPERSET '198.51.100.7']",
    "[file:created > t'2016-01-01T00:00:00Z' AND file:created < t'2017-01-01T00:00:00.000Z']",
    "[network-traffic:extensions.'http-request-ext'.request_header.'Accept-Encoding' LIKE "
    "'%gzip%']",
    "[windows-registry-key:values[0].name = 'Foo']",
    "[email-message:to_refs[*].value = 'jdoe@example.com']",
    "[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']",
    "[file:name NOT = 'foo.exe']",
    "[process:pid NOT IN (4, 8)]",
};

static void test_pattern_spec_examples_all_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(spec_examples) / sizeof(*spec_examples); i++)
		cx_pattern_free(parse_ok(spec_examples[i]));
}

static void test_pattern_observation_operator_precedence(void **state)
{
	(void)state;
	/* AND binds tighter than OR, OR tighter than FOLLOWEDBY. */
	shape("[aaa:x = 1] OR [bbb:x = 2] AND [ccc:x = 3] FOLLOWEDBY [ddd:x = 4]",
	      "(FOLLOWEDBY (OR [aaa:x = 1] (AND [bbb:x = 2] [ccc:x = 3])) [ddd:x = 4])");
	shape("[aaa:x = 1] FOLLOWEDBY [bbb:x = 2] OR [ccc:x = 3] AND [ddd:x = 4]",
	      "(FOLLOWEDBY [aaa:x = 1] (OR [bbb:x = 2] (AND [ccc:x = 3] [ddd:x = 4])))");
	/* A chain of one operator is one node, in source order. */
	shape("[aaa:x = 1] AND [bbb:x = 2] AND [ccc:x = 3]",
	      "(AND [aaa:x = 1] [bbb:x = 2] [ccc:x = 3])");
	shape("[aaa:x = 1] FOLLOWEDBY [bbb:x = 2] FOLLOWEDBY [ccc:x = 3]",
	      "(FOLLOWEDBY [aaa:x = 1] [bbb:x = 2] [ccc:x = 3])");
	/* Parentheses override precedence and keep their own node. */
	shape("([aaa:x = 1] OR [bbb:x = 2]) AND [ccc:x = 3]",
	      "(AND (OR [aaa:x = 1] [bbb:x = 2]) [ccc:x = 3])");
	shape("([aaa:x = 1] AND [bbb:x = 2]) AND [ccc:x = 3]",
	      "(AND (AND [aaa:x = 1] [bbb:x = 2]) [ccc:x = 3])");
	shape("[aaa:x = 1] FOLLOWEDBY ([bbb:x = 2] FOLLOWEDBY [ccc:x = 3])",
	      "(FOLLOWEDBY [aaa:x = 1] (FOLLOWEDBY [bbb:x = 2] [ccc:x = 3]))");
	shape("(([aaa:x = 1]))", "[aaa:x = 1]");
}

static void test_pattern_comparison_operator_precedence(void **state)
{
	(void)state;
	shape("[aaa:x = 1 OR aaa:y = 2 AND aaa:z = 3]",
	      "[(or aaa:x = 1 (and aaa:y = 2 aaa:z = 3))]");
	shape("[aaa:x = 1 AND aaa:y = 2 OR aaa:z = 3]",
	      "[(or (and aaa:x = 1 aaa:y = 2) aaa:z = 3)]");
	shape("[(aaa:x = 1 OR aaa:y = 2) AND aaa:z = 3]",
	      "[(and (or aaa:x = 1 aaa:y = 2) aaa:z = 3)]");
	shape("[aaa:x = 1 OR aaa:y = 2 OR aaa:z = 3]", "[(or aaa:x = 1 aaa:y = 2 aaa:z = 3)]");
	shape("[((aaa:x = 1))]", "[aaa:x = 1]");
	shape("( [(aaa:p IN (443, 6443) AND aaa:q != 0) ])",
	      "[(and aaa:p IN (443,6443) aaa:q != 0)]");
}

static void test_pattern_qualifiers(void **state)
{
	int64_t start, stop;

	(void)state;
	/* A qualifier binds to the observation expression right before it. */
	shape("[aaa:x = 1] FOLLOWEDBY [bbb:x = 2] WITHIN 300 SECONDS",
	      "(FOLLOWEDBY [aaa:x = 1] [bbb:x = 2]{WITHIN 300})");
	shape("([aaa:x = 1] FOLLOWEDBY [bbb:x = 2]) WITHIN 300 SECONDS",
	      "(FOLLOWEDBY [aaa:x = 1] [bbb:x = 2]){WITHIN 300}");
	shape("[aaa:x = 1] REPEATS 5 TIMES WITHIN 1800 SECONDS",
	      "[aaa:x = 1]{REPEATS 5}{WITHIN 1800}");
	shape("[aaa:x = 1] WITHIN 0.5 SECONDS", "[aaa:x = 1]{WITHIN 0.5}");
	shape("[aaa:x = 1] WITHIN +2 SECONDS", "[aaa:x = 1]{WITHIN 2}");
	shape("[aaa:x = 1] REPEATS 2 TIMES AND [bbb:x = 1]",
	      "(AND [aaa:x = 1]{REPEATS 2} [bbb:x = 1])");
	shape("([aaa:x = 1] REPEATS 2 TIMES) REPEATS 3 TIMES", "[aaa:x = 1]{REPEATS 2}{REPEATS 3}");
	assert_int_equal(cx_time_parse("2016-06-01T01:30:00.123Z", &start, NULL), 0);
	assert_int_equal(cx_time_parse("2016-06-01T02:20:00.123Z", &stop, NULL), 0);
	{
		char want[128];

		snprintf(want, sizeof(want), "[aaa:x = 1]{START %lld STOP %lld}", (long long)start,
		         (long long)stop);
		shape("[aaa:x = 1] START t'2016-06-01T01:30:00.123Z' STOP "
		      "t'2016-06-01T02:20:00.123Z'",
		      want);
	}
	cx_pattern_free(parse_ok("[aaa:x = 1] START t'2016-06-01T01:30:00Z' STOP "
	                         "t'2016-06-01T02:20:00Z' OR [bbb:x = 1] START "
	                         "t'2016-06-01T03:55:00Z' STOP t'2016-06-01T04:30:24.743Z'"));
}

static void test_pattern_qualifier_misuse(void **state)
{
	(void)state;
	bad("[aaa:x = 1] REPEATS 0 TIMES", 20, "positive integer after REPEATS");
	bad("[aaa:x = 1] REPEATS -3 TIMES", 20, "positive integer after REPEATS");
	bad("[aaa:x = 1] REPEATS 1.5 TIMES", 20, "positive integer after REPEATS");
	bad("[aaa:x = 1] REPEATS 5", 21, "expected TIMES");
	bad("[aaa:x = 1] REPEATS 5 SECONDS", 22, "expected TIMES");
	bad("[aaa:x = 1] WITHIN -5 SECONDS", 19, "positive number of seconds after WITHIN");
	bad("[aaa:x = 1] WITHIN 0 SECONDS", 19, "positive number of seconds");
	bad("[aaa:x = 1] WITHIN 0.0 SECONDS", 19, "positive number of seconds");
	bad("[aaa:x = 1] WITHIN -0.5 SECONDS", 19, "positive number of seconds");
	bad("[aaa:x = 1] WITHIN 'x' SECONDS", 19, "positive number of seconds");
	bad("[aaa:x = 1] WITHIN 5 HOURS", 21, "expected SECONDS");
	bad("[aaa:x = 1] WITHIN 5", 20, "expected SECONDS");
	bad("[aaa:x = 1] WITHIN 5 seconds", 21, "keyword SECONDS");
	bad("[aaa:x = 1] START t'2016-06-01T00:00:00Z'", 41, "expected STOP");
	bad("[aaa:x = 1] START '2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'", 18,
	    "timestamp constant such as");
	bad("[aaa:x = 1] START t'2016-06-01T00:00:00Z' STOP 5", 47, "after STOP");
	bad("[aaa:x = 1] STOP t'2016-06-01T00:00:00Z'", 12, "START and a timestamp before STOP");
	bad("[aaa:x = 1] START t'2016-07-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z'", 47,
	    "STOP timestamp to be later than the START");
	bad("[aaa:x = 1] START t'2016-07-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'", 47,
	    "later than");
	bad("[aaa:x = 1] within 2 seconds", 12, "keyword WITHIN");
	bad("WITHIN 5 SECONDS", 0, "expected '[' or '('");
}

/* A run of qualifiers holds at most one of each kind; qualifying a qualified
 * expression again takes parentheses. */
static void test_pattern_qualifier_kinds_do_not_repeat(void **state)
{
	(void)state;
	bad("[aaa:x = 1] WITHIN 5 SECONDS WITHIN 10 SECONDS", 29, "at most one WITHIN");
	bad("[aaa:x = 1] REPEATS 2 TIMES WITHIN 5 SECONDS REPEATS 3 TIMES", 45,
	    "at most one REPEATS");
	bad("[aaa:x = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z' "
	    "START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
	    71, "at most one START/STOP");
	bad("([aaa:x = 1] WITHIN 5 SECONDS) WITHIN 5 SECONDS WITHIN 10 SECONDS", 48,
	    "at most one WITHIN");
	/* One of each kind, or the same kind again after parentheses. */
	shape("[aaa:x = 1] REPEATS 2 TIMES WITHIN 5 SECONDS START t'2016-06-01T00:00:00Z' STOP "
	      "t'2016-06-01T00:00:01Z'",
	      "[aaa:x = 1]{REPEATS 2}{WITHIN 5}{START 1464739200000000 STOP 1464739201000000}");
	shape("([aaa:x = 1] WITHIN 5 SECONDS) WITHIN 10 SECONDS",
	      "[aaa:x = 1]{WITHIN 5}{WITHIN 10}");
	shape("[aaa:x = 1] WITHIN 5 SECONDS AND [bbb:x = 1] WITHIN 5 SECONDS",
	      "(AND [aaa:x = 1]{WITHIN 5} [bbb:x = 1]{WITHIN 5})");
}

/* The constants of an IN set share one type; integers and floats are both
 * numbers. */
static void test_pattern_in_set_has_one_type(void **state)
{
	(void)state;
	shape("[aaa:x IN (1, 2.5, -3)]", "[aaa:x IN (1,2.5f,-3)]");
	shape("[aaa:x NOT IN (true, false)]", "[aaa:x NOT IN (true,false)]");
	bad("[aaa:x IN ('a', 2)]", 16, "be a string like the first, not a number");
	bad("[aaa:x IN (1, 2.5, 'b')]", 19, "be a number like the first, not a string");
	bad("[aaa:x IN (h'00', b'AA==')]", 18, "not a binary");
	bad("[aaa:x IN (true, 'true')]", 17, "be a boolean like the first");
	bad("[aaa:x IN (t'2016-06-01T00:00:00Z', '2016')]", 36, "be a timestamp like");
	bad("[aaa:x = 1 AND aaa:y NOT IN ('a', 'b', 3)]", 39, "not a number");
}

static void test_pattern_each_operator(void **state)
{
	static const struct {
		const char *src;
		enum cx_pattern_op op;
		bool negated;
	} cases[] = {
	    {"[aaa:x = 1]", CX_PATTERN_OP_EQ, false},
	    {"[aaa:x == 1]", CX_PATTERN_OP_EQ, false},
	    {"[aaa:x != 1]", CX_PATTERN_OP_NE, false},
	    {"[aaa:x <> 1]", CX_PATTERN_OP_NE, false},
	    {"[aaa:x < 1]", CX_PATTERN_OP_LT, false},
	    {"[aaa:x <= 1]", CX_PATTERN_OP_LE, false},
	    {"[aaa:x > 1]", CX_PATTERN_OP_GT, false},
	    {"[aaa:x >= 1]", CX_PATTERN_OP_GE, false},
	    {"[aaa:x IN (1, 2)]", CX_PATTERN_OP_IN, false},
	    {"[aaa:x LIKE 'a%']", CX_PATTERN_OP_LIKE, false},
	    {"[aaa:x MATCHES '^a.*$']", CX_PATTERN_OP_MATCHES, false},
	    {"[aaa:x ISSUBSET '10.0.0.0/8']", CX_PATTERN_OP_ISSUBSET, false},
	    {"[aaa:x ISSUPERSET '10.1.2.3']", CX_PATTERN_OP_ISSUPERSET, false},
	    {"[EXISTS aaa:x]", CX_PATTERN_OP_EXISTS, false},
	    {"[aaa:x NOT = 1]", CX_PATTERN_OP_EQ, true},
	    {"[aaa:x NOT != 1]", CX_PATTERN_OP_NE, true},
	    {"[aaa:x NOT < 1]", CX_PATTERN_OP_LT, true},
	    {"[aaa:x NOT <= 1]", CX_PATTERN_OP_LE, true},
	    {"[aaa:x NOT > 1]", CX_PATTERN_OP_GT, true},
	    {"[aaa:x NOT >= 1]", CX_PATTERN_OP_GE, true},
	    {"[aaa:x NOT IN ('a')]", CX_PATTERN_OP_IN, true},
	    {"[aaa:x NOT LIKE 'a%']", CX_PATTERN_OP_LIKE, true},
	    {"[aaa:x NOT MATCHES 'a']", CX_PATTERN_OP_MATCHES, true},
	    {"[aaa:x NOT ISSUBSET '::1/128']", CX_PATTERN_OP_ISSUBSET, true},
	    {"[aaa:x NOT ISSUPERSET '2001:db8::/32']", CX_PATTERN_OP_ISSUPERSET, true},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct cx_pattern *p = parse_ok(cases[i].src);
		const struct cx_pattern_node *obs = cx_pattern_root(p), *cmp;

		assert_int_equal(obs->kind, CX_PATTERN_OBSERVATION);
		assert_int_equal(obs->offset, 0);
		cmp = obs->children[0];
		assert_int_equal(cmp->kind, CX_PATTERN_COMPARISON);
		assert_int_equal(cmp->offset, 1);
		assert_int_equal(cmp->op, cases[i].op);
		assert_int_equal(cmp->negated, cases[i].negated);
		assert_string_equal(cmp->path.type, "aaa");
		cx_pattern_free(p);
	}
	assert_string_equal(cx_pattern_op_name(CX_PATTERN_OP_NE), "!=");
	assert_string_equal(cx_pattern_op_name(CX_PATTERN_OP_ISSUPERSET), "ISSUPERSET");
	shape("[aaa:x IN ()]", "[aaa:x IN ()]");
	shape("[aaa:x IN ('a', 'b')]", "[aaa:x IN ('a','b')]");
	shape("[aaa:x IN (h'00ff', h'01')]", "[aaa:x IN (h:00ff,h:01)]");
	bad("[aaa:x NOT EXISTS aaa:y]", 11, "comparison operator");
	bad("[NOT EXISTS aaa:y]", 1, "comparison expression");
	bad("[aaa:x =? 1]", 8, "unexpected character '?'");
	bad("[aaa:x ! 1]", 7, "unexpected character '!'");
	bad("[aaa:x 1]", 7, "comparison operator");
	bad("[aaa:x like 'a']", 7, "keyword LIKE");
	bad("[aaa:x = ]", 9, "expected a constant after '='");
	bad("[EXISTS]", 7, "object path");
	bad("[EXISTS 'aaa']", 8, "object path");
}

static void test_pattern_operator_constant_types(void **state)
{
	(void)state;
	/* Equality takes any constant; ordering any but booleans. */
	shape("[aaa:x = true]", "[aaa:x = true]");
	shape("[aaa:x != false]", "[aaa:x != false]");
	shape("[aaa:x > 'm' AND aaa:y < h'ff' AND aaa:z >= b'AA==' AND aaa:w <= -2.5]",
	      "[(and aaa:x > 'm' aaa:y < h:ff aaa:z >= b:00 aaa:w <= -2.5f)]");
	cx_pattern_free(parse_ok("[aaa:x > t'2016-06-01T00:00:00Z']"));
	bad("[aaa:x > true]", 9, "can be ordered after '>', not a boolean");
	bad("[aaa:x <= false]", 10, "not a boolean");
	bad("[aaa:x NOT < true]", 13, "not a boolean");
	/* LIKE, MATCHES, ISSUBSET and ISSUPERSET take strings. */
	bad("[aaa:x LIKE 5]", 12, "string constant after LIKE");
	bad("[aaa:x MATCHES h'00']", 15, "string constant after MATCHES");
	bad("[aaa:x ISSUBSET 10]", 16, "string constant after ISSUBSET");
	bad("[aaa:x ISSUPERSET true]", 18, "string constant after ISSUPERSET");
	bad("[aaa:x ISSUBSET 'example.com']", 16, "IP address or CIDR block");
	bad("[aaa:x ISSUBSET '10.0.0.0/33']", 16, "IP address or CIDR block");
	bad("[aaa:x ISSUPERSET '::1/129']", 18, "IP address or CIDR block");
	bad("[aaa:x ISSUBSET '10.0.0.0/']", 16, "IP address or CIDR block");
	/* IN takes a parenthesised set of constants. */
	bad("[aaa:x IN 5]", 10, "'(' to start the set");
	bad("[aaa:x IN (1, 2]", 15, "',' or ')'");
	bad("[aaa:x IN (1,)]", 13, "constant in the set");
	bad("[aaa:x IN (aaa:y)]", 11, "constant in the set");
	bad("[aaa:x = aaa:y]", 9, "expected a constant after '='");
}

static void test_pattern_constants_decoded(void **state)
{
	struct cx_pattern *p;
	const struct cx_pattern_const *c;
	int64_t us;

	(void)state;
	shape("[aaa:x = 'it\\'s a \\\\ path']", "[aaa:x = 'it's a \\ path']");
	shape("[aaa:x = '']", "[aaa:x = '']");
	shape("[aaa:x = 'caf\xc3\xa9 \xe2\x82\xac']", "[aaa:x = 'caf\xc3\xa9 \xe2\x82\xac']");
	shape("[aaa:x = 9223372036854775807 OR aaa:x = -9223372036854775808]",
	      "[(or aaa:x = 9223372036854775807 aaa:x = -9223372036854775808)]");
	shape("[aaa:x = 0 OR aaa:x = -0 OR aaa:x = +17]", "[(or aaa:x = 0 aaa:x = 0 aaa:x = 17)]");
	shape("[aaa:x = .5 OR aaa:x = -0.25 OR aaa:x = +007.5]",
	      "[(or aaa:x = 0.5f aaa:x = -0.25f aaa:x = 7.5f)]");
	shape("[aaa:x = b'dGhpcyBpcyBhIHRlc3Q=']", "[aaa:x = b:7468697320697320612074657374]");
	shape("[aaa:x = b'YQ==' OR aaa:x = b'YWI=' OR aaa:x = b'YWJj' OR aaa:x = b'+/+/']",
	      "[(or aaa:x = b:61 aaa:x = b:6162 aaa:x = b:616263 aaa:x = b:fbffbf)]");
	shape("[aaa:x = h'ffD8' OR aaa:x = h'']", "[(or aaa:x = h:ffd8 aaa:x = h:)]");

	p = parse_ok("[aaa:x = t'2014-01-13T07:03:17.250Z']");
	c = &cx_pattern_root(p)->children[0]->values[0];
	assert_int_equal(c->kind, CX_PATTERN_CONST_TIMESTAMP);
	assert_int_equal(cx_time_parse("2014-01-13T07:03:17.250Z", &us, NULL), 0);
	assert_int_equal(c->us, us);
	assert_int_equal(c->frac, 3);
	assert_int_equal(c->offset, 9);
	cx_pattern_free(p);

	p = parse_ok("[aaa:x = 'a\\'b']");
	c = &cx_pattern_root(p)->children[0]->values[0];
	assert_int_equal(c->kind, CX_PATTERN_CONST_STRING);
	assert_int_equal(c->len, 3);
	assert_string_equal(c->data, "a'b");
	cx_pattern_free(p);
}

static void test_pattern_malformed_constants(void **state)
{
	(void)state;
	bad("[aaa:x = 'abc]", 9, "closing quote for the string");
	bad("[aaa:x = 'abc\\']", 9, "closing quote for the string");
	bad("[aaa:x = 'a\\nb']", 11, "only escapes allowed");
	bad("[aaa:x = 'a\\\"b']", 11, "only escapes allowed");
	bad("[aaa:x = 'a\\", 11, "only escapes allowed");
	bad("[aaa:x = 'bad \xff byte']", 14, "valid UTF-8");
	bad("[aaa:x = 'overlong \xc0\xaf']", 19, "valid UTF-8");
	bad("[aaa:x = \"abc\"]", 9, "unexpected character '\"'");
	bad("[aaa:x = h'abc']", 9, "even number of hex digits");
	bad("[aaa:x = h'zz']", 11, "hex digit");
	bad("[aaa:x = h'ff", 9, "closing quote for the hex");
	bad("[aaa:x = b'====']", 13, "base64 character");
	bad("[aaa:x = b'YQ=']", 9, "multiple of 4");
	bad("[aaa:x = b'YQ']", 9, "multiple of 4");
	bad("[aaa:x = b'']", 9, "multiple of 4");
	bad("[aaa:x = b'Y=Q=']", 13, "base64 character");
	bad("[aaa:x = b'YQ!=']", 13, "base64 character");
	bad("[aaa:x = b'YQ==", 9, "closing quote for the binary");
	bad("[aaa:x = t'2016-13-01T00:00:00Z']", 9, "RFC 3339 UTC timestamp");
	bad("[aaa:x = t'2016-02-30T00:00:00Z']", 9, "RFC 3339 UTC timestamp");
	bad("[aaa:x = t'2016-06-01T00:00:00']", 9, "RFC 3339 UTC timestamp");
	bad("[aaa:x = t'2016-06-01T00:00:00+01:00']", 9, "RFC 3339 UTC timestamp");
	bad("[aaa:x = t'2016-06-01 00:00:00Z']", 9, "RFC 3339 UTC timestamp");
	bad("[aaa:x = "
	    "t'2016-06-01T00:00:00.0000000000000000000000000000000000000000000000000000Z']",
	    9, "RFC 3339 UTC timestamp");
	bad("[aaa:x = t'2016-06-01T00:00:00Z", 9, "closing quote for the timestamp");
	bad("[aaa:x = 007]", 9, "without leading zeros");
	bad("[aaa:x = 9223372036854775808]", 9, "signed 64-bit range");
	bad("[aaa:x = -9223372036854775809]", 9, "signed 64-bit range");
	bad("[aaa:x = 5.]", 11, "digit after the decimal point");
	bad("[aaa:x = -]", 9, "unexpected character '-'");
	bad("[aaa:x = TRUE]", 9, "keyword true");
	bad("[aaa:x = 1e5]", 10, "']' to close the observation expression");
}

static void test_pattern_object_paths(void **state)
{
	struct cx_pattern *p;
	const struct cx_pattern_path *path;

	(void)state;
	shape("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
	      "[file:extensions.windows-pebinary-ext.sections[*].entropy > 7f]");
	shape("[aaa:'quoted key'.b[12][-1].c = 1]", "[aaa:quoted key.b[12][-1].c = 1]");
	shape("[x-custom-type:_a1 = 1]", "[x-custom-type:_a1 = 1]");
	shape("[aaa : x . y [ 0 ] = 1]", "[aaa:x.y[0] = 1]");
	p = parse_ok("[file:hashes.'SHA-256' = 'x']");
	path = &cx_pattern_root(p)->children[0]->path;
	assert_string_equal(path->type, "file");
	assert_int_equal(path->n_steps, 2);
	assert_int_equal(path->steps[0].kind, CX_PATTERN_STEP_KEY);
	assert_string_equal(path->steps[0].key, "hashes");
	assert_string_equal(path->steps[1].key, "SHA-256");
	cx_pattern_free(p);

	bad("[File:name = 'x']", 1, "object type name");
	bad("[ab:name = 'x']", 1, "object type name");
	bad("[x_whatever:name = 'x']", 1, "object type name");
	bad("[a--b:name = 'x']", 1, "object type name");
	bad("[abc-:name = 'x']", 1, "object type name");
	bad("[_abc:name = 'x']", 1, "object type name");
	bad("[file.name = 'x']", 5, "':' between the object type");
	bad("[file name = 'x']", 6, "':' between the object type and the property");
	bad("[file: = 'x']", 7, "property name after ':'");
	bad("[file:a. = 'x']", 9, "property name after '.'");
	bad("[file:extensions.windows-pebinary-ext.sections[*].entropy > 7.0]", 17, "quote a name");
	bad("[file:a[x] = 1]", 8, "list index or '*'");
	bad("[file:a[1.5] = 1]", 8, "list index or '*'");
	bad("[file:a[1 = 1]", 10, "']' to close the list index");
	bad("[file:IN = 1]", 6, "property name after ':'");
	bad("['file':name = 1]", 1, "comparison expression");
	bad("[123:name = 1]", 1, "comparison expression");
}

static void test_pattern_and_operands_share_a_type(void **state)
{
	(void)state;
	bad("[file:name = 'a' AND domain-name:value = 'b']", 21, "refer to one object type");
	bad("[(aaa:x = 1 OR bbb:x = 1) AND ccc:x = 1]", 30, "one object type");
	bad("[aaa:x = 1 AND aaa:y = 2 AND bbb:x = 3]", 29, "one object type");
	cx_pattern_free(parse_ok("[(aaa:a = 1 OR bbb:b = 2) AND (aaa:a = 2 OR bbb:b = 1)]"));
	cx_pattern_free(parse_ok("[aaa:a = 1 AND (aaa:a = 2 OR bbb:b = 1)]"));
	cx_pattern_free(parse_ok("[aaa:a = 1 OR bbb:b = 2 OR ccc:c = 3]"));
	/* Different observation expressions may use different types. */
	cx_pattern_free(parse_ok("[aaa:a = 1] AND [bbb:b = 2]"));
}

/* parens '(' + inner + parens ')', wrapped in pre and post (caller frees). */
static char *nested(const char *pre, size_t parens, const char *inner, const char *post)
{
	size_t a = strlen(pre), n = strlen(inner), z = strlen(post);
	char *s = malloc(a + parens * 2 + n + z + 1);

	assert_non_null(s);
	memcpy(s, pre, a);
	memset(s + a, '(', parens);
	memcpy(s + a + parens, inner, n);
	memset(s + a + parens + n, ')', parens);
	memcpy(s + a + parens * 2 + n, post, z + 1);
	return s;
}

static void test_pattern_nesting_depth_is_bounded(void **state)
{
	static const struct {
		const char *pre;
		size_t parens;
		const char *inner, *post;
		bool ok;
	} cases[] = {
	    /* 63 parentheses and one bracket are 64 levels: allowed. */
	    {"", CX_PATTERN_MAX_DEPTH - 1, "[aaa:x = 1]", "", true},
	    {"[", CX_PATTERN_MAX_DEPTH - 1, "aaa:x = 1", "]", true},
	    /* One more level, of either kind, is refused at the 65th opening. */
	    {"", CX_PATTERN_MAX_DEPTH, "[aaa:x = 1]", "", false},
	    {"([", CX_PATTERN_MAX_DEPTH - 1, "aaa:x = 1", "])", false},
	    /* Far past the limit: an error, never a stack overflow. */
	    {"", 200000, "[aaa:x = 1]", "", false},
	    {"[", 200000, "aaa:x = 1", "]", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *s = nested(cases[i].pre, cases[i].parens, cases[i].inner, cases[i].post);

		if (cases[i].ok)
			cx_pattern_free(parse_ok(s));
		else
			bad(s, CX_PATTERN_MAX_DEPTH, "at most 64 nested parentheses and brackets");
		free(s);
	}
}

static void test_pattern_empty_incomplete_and_trailing(void **state)
{
	(void)state;
	bad("", 0, "the pattern is empty");
	bad("   \t\n", 5, "the pattern is empty");
	bad("/* only a comment */", 20, "the pattern is empty");
	bad("[]", 1, "expected a comparison expression");
	bad("[aaa:x = 1", 10, "expected ']' to close the observation expression");
	bad("[aaa:x = 1 aaa:y = 2]", 11, "expected ']' to close the observation expression");
	bad("[aaa:x = 1 or aaa:y = 1]", 11, "keyword OR");
	bad("([aaa:x = 1]", 12, "')' to close the parenthesised observation expression");
	bad("[(aaa:x = 1]", 11, "')' to close the parenthesised comparison expression");
	bad("[aaa:x = 1 AND]", 14, "expected a comparison expression");
	bad("[aaa:x = 1]]", 11, "or the end of the pattern");
	bad("[aaa:x = 1] garbage", 12, "or the end of the pattern");
	bad("[aaa:x = 1] [bbb:x = 1]", 12, "or the end of the pattern");
	bad("[aaa:x = 1] AND", 15, "'[' or '(' to start an observation expression");
	bad("[aaa:x = 1] and [bbb:x = 1]", 12, "keyword AND");
	bad("[aaa:x = 1] followedby [bbb:x = 1]", 12, "keyword FOLLOWEDBY");
	bad("aaa:x = 1", 0, "'[' or '(' to start an observation expression");
	bad("[aaa:x = 1]\nAND\n[bbb:y = ]", 25, "expected a constant after '='");
	bad("[aaa:x = 1] /* unterminated", 12, "'*/' to close the comment");
}

static void test_pattern_whitespace_and_comments(void **state)
{
	(void)state;
	shape("\t[aaa:x\n=\r1]\v\f", "[aaa:x = 1]");
	/* U+00A0, U+3000 and U+2003 are whitespace in the grammar. */
	shape("\xc2\xa0[aaa:x\xe3\x80\x80=\xe2\x80\x83 1]", "[aaa:x = 1]");
	shape("[aaa:x /* inline */ = 1] // trailing", "[aaa:x = 1]");
	shape("[aaa:x = 1] // first\nAND [aaa:y = 2]", "(AND [aaa:x = 1] [aaa:y = 2])");
	shape("[aaa:x='a']AND[bbb:y=2]", "(AND [aaa:x = 'a'] [bbb:y = 2])");
	bad("[aaa:x = 1] \xc2\xa1", 12, "unexpected byte 0xc2");
	bad("[aaa:x = 1] \x01", 12, "unexpected byte 0x01");
	bad("[aaa:x = 1] \xe2\x80", 12, "unexpected byte 0xe2");
	bad("[aaa:x = 1] /", 12, "unexpected character '/'");
}

static void test_pattern_check_only_and_null_arguments(void **state)
{
	struct cx_pattern_error err;
	struct cx_pattern *p = (struct cx_pattern *)&err;

	(void)state;
	assert_int_equal(cx_pattern_parse("[aaa:x = 1]", NULL, NULL), 0);
	assert_int_equal(cx_pattern_parse("[aaa:x = 1]", NULL, &err), 0);
	assert_int_equal(cx_pattern_parse("[aaa:x = ", NULL, NULL), -EINVAL);
	/* On failure *ret is left as it was. */
	assert_int_equal(cx_pattern_parse("[aaa:x = ", &p, &err), -EINVAL);
	assert_ptr_equal(p, (struct cx_pattern *)&err);
	assert_int_equal(cx_pattern_parse(NULL, &p, &err), -EINVAL);
	assert_true(strstr(err.message, "null") != NULL);
	assert_null(cx_pattern_root(NULL));
	cx_pattern_free(NULL);
}

/* Parse src from a heap block of exactly its size, so that AddressSanitizer
 * catches any read past the NUL; the result must be a clean accept or a
 * reject pointing inside the text. */
static void parse_exact(const char *src, size_t len)
{
	struct cx_pattern_error err;
	struct cx_pattern *p = NULL;
	char *copy = malloc(len + 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, src, len);
	copy[len] = '\0';
	rc = cx_pattern_parse(copy, &p, &err);
	if (rc == 0) {
		assert_non_null(p);
		cx_pattern_free(p);
	} else {
		assert_int_equal(rc, -EINVAL);
		assert_null(p);
		assert_true(err.offset <= strlen(copy));
		assert_true(err.message[0] != '\0');
	}
	free(copy);
}

static void test_pattern_truncated_and_random_input_is_safe(void **state)
{
	static const char alphabet[] =
	    "[]()':.,*=!<>+-_/\\ \n0123456789abhtxyzAND OR NOT IN "
	    "LIKE EXISTS WITHIN SECONDS REPEATS TIMES START STOP "
	    "FOLLOWEDBY true t'2016-06-01T00:00:00Z' h'ff' b'AA==' \xc2\xa0\xff";
	uint32_t seed = 12345;
	char buf[96];

	(void)state;
	for (size_t i = 0; i < sizeof(spec_examples) / sizeof(*spec_examples); i++)
		for (size_t len = 0; len <= strlen(spec_examples[i]); len++)
			parse_exact(spec_examples[i], len);
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)round % sizeof(buf);

		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[k] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		if (len)
			buf[0] = '[';
		parse_exact(buf, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pattern_spec_examples_all_parse),
	    cmocka_unit_test(test_pattern_observation_operator_precedence),
	    cmocka_unit_test(test_pattern_comparison_operator_precedence),
	    cmocka_unit_test(test_pattern_qualifiers),
	    cmocka_unit_test(test_pattern_qualifier_misuse),
	    cmocka_unit_test(test_pattern_qualifier_kinds_do_not_repeat),
	    cmocka_unit_test(test_pattern_in_set_has_one_type),
	    cmocka_unit_test(test_pattern_each_operator),
	    cmocka_unit_test(test_pattern_operator_constant_types),
	    cmocka_unit_test(test_pattern_constants_decoded),
	    cmocka_unit_test(test_pattern_malformed_constants),
	    cmocka_unit_test(test_pattern_object_paths),
	    cmocka_unit_test(test_pattern_and_operands_share_a_type),
	    cmocka_unit_test(test_pattern_nesting_depth_is_bounded),
	    cmocka_unit_test(test_pattern_empty_incomplete_and_trailing),
	    cmocka_unit_test(test_pattern_whitespace_and_comments),
	    cmocka_unit_test(test_pattern_check_only_and_null_arguments),
	    cmocka_unit_test(test_pattern_truncated_and_random_input_is_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
