#include "util/uuid.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>

char *cx_uuid_v4(char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b[16];
	int o = 0;

	randombytes_buf(b, sizeof(b));
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
	return out;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool cx_uuid_valid(const char *s, size_t n)
{
	int version, variant;

	if (n != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (hexval(s[i]) < 0) {
			return false;
		}
	}
	version = hexval(s[14]);
	variant = hexval(s[19]);
	return version >= 1 && version <= 8 && (variant & 0xc) == 0x8;
}
