#include "access/roles.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct {
	unsigned bit;
	const char *name;
} roles[] = {
	{CX_ROLE_READER, "reader"},   {CX_ROLE_CONTRIBUTOR, "contributor"},
	{CX_ROLE_APPROVER, "approver"}, {CX_ROLE_ADMIN, "admin"},
	{CX_ROLE_PEER, "peer"},       {CX_ROLE_CASE_OFFICER, "case-officer"},
};

const char *cx_role_name(unsigned role)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].bit == role)
			return roles[i].name;
	return NULL;
}

int cx_role_parse(const char *name, unsigned *ret)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		if (strcmp(roles[i].name, name) == 0) {
			*ret = roles[i].bit;
			return 0;
		}
	}
	return -EINVAL;
}

int cx_roles_parse(const char *list, unsigned *ret)
{
	unsigned bits = 0;
	const char *p = list;

	if (!*p)
		return -EINVAL;
	for (;;) {
		size_t n = strcspn(p, ",");
		char name[32];
		unsigned bit;

		if (n == 0 || n >= sizeof(name))
			return -EINVAL;
		memcpy(name, p, n);
		name[n] = '\0';
		if (cx_role_parse(name, &bit) < 0)
			return -EINVAL;
		bits |= bit;
		if (!p[n])
			break;
		p += n + 1;
	}
	*ret = bits;
	return 0;
}

char *cx_roles_format(unsigned bits, char *out, size_t n)
{
	size_t o = 0;

	if (n)
		out[0] = '\0';
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		if (!(bits & roles[i].bit))
			continue;
		int w = snprintf(out + o, n > o ? n - o : 0, "%s%s", o ? "," : "", roles[i].name);

		if (w < 0 || (size_t)w >= n - o)
			break;
		o += (size_t)w;
	}
	return out;
}

bool cx_clearance_valid(char c)
{
	return cx_clearance_rank(c) >= 0;
}

int cx_clearance_rank(char c)
{
	switch (c) {
	case 'U': return 0;
	case 'R': return 1;
	case 'C': return 2;
	case 'S': return 3;
	default: return -1;
	}
}

bool cx_partner_code_valid(const char *code)
{
	size_t n = strlen(code);

	if (n < 2 || n > 16)
		return false;
	for (; *code; code++)
		if (!((*code >= 'A' && *code <= 'Z') || (*code >= '0' && *code <= '9') ||
		      *code == '-'))
			return false;
	return true;
}

bool cx_user_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n < 1 || n > 64)
		return false;
	for (; *name; name++)
		if (!((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') ||
		      (*name >= '0' && *name <= '9') || strchr("._-@", *name)))
			return false;
	return true;
}
