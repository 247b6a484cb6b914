/* The formats of cyber-observable values: addresses, domain names, email
 * addresses, CPE names, decoded header values and registry key hives. */
#include "stix/validate_sco_internal.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

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

bool cx_vs_ipv4_ok(const char *s)
{
	return ip_ok(s, AF_INET, 32);
}

bool cx_vs_ipv6_ok(const char *s)
{
	return ip_ok(s, AF_INET6, 128);
}

bool cx_vs_mac_ok(const char *s)
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != ':' : !cx_v_is_hex_lower(s[i]))
			return false;
	}
	return true;
}

bool cx_vs_domain_ok(const char *s)
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
		if (!cx_v_is_alnum((char)c) && c != '-' && c != '_' && c < 0x80)
			return false;
		if (c == '-' && label == 0)
			return false;
		label++;
	}
	return true;
}

bool cx_vs_email_ok(const char *s)
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
	} else if (!cx_vs_domain_ok(at + 1)) {
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

bool cx_vs_cpe_ok(const char *s)
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

bool cx_vs_decoded_ok(const char *s)
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

bool cx_vs_hive_ok(const char *s)
{
	static const char *const abbrev[] = {"HKLM", "HKCU", "HKCR", "HKU", "HKCC", "HKPD", NULL};
	size_t n = strcspn(s, "\\");

	for (size_t i = 0; abbrev[i]; i++) {
		if (strlen(abbrev[i]) == n && strncasecmp(s, abbrev[i], n) == 0)
			return false;
	}
	return true;
}
