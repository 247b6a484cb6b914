#include "cli/demo.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/bootstrap.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

static const struct {
	const char *code, *name;
} partner_names[] = {
	{"USA", "United States (CJTF-OIR)"},
	{"IRQ", "Iraq (Ministry of Defence)"},
	{"KRG", "Kurdistan Region (Ministry of Peshmerga Affairs)"},
	{"GBR", "United Kingdom (Coalition)"},
	{"FRA", "France (Coalition)"},
};

const struct cx_demo_user cx_demo_users[] = {
	{"usa.admin", "USA", CX_ROLE_ADMIN | CX_ROLE_CONTRIBUTOR, 'S'},
	{"usa.analyst", "USA", CX_ROLE_CONTRIBUTOR, 'S'},
	{"usa.approver", "USA", CX_ROLE_CONTRIBUTOR | CX_ROLE_APPROVER, 'S'},
	{"irq.analyst", "IRQ", CX_ROLE_CONTRIBUTOR, 'C'},
	{"irq.approver", "IRQ", CX_ROLE_CONTRIBUTOR | CX_ROLE_APPROVER, 'C'},
	{"krg.analyst", "KRG", CX_ROLE_CONTRIBUTOR, 'R'},
	{"gbr.analyst", "GBR", CX_ROLE_READER, 'S'},
	{"fra.analyst", "FRA", CX_ROLE_READER, 'C'},
	{"usa.caseofficer", "USA", CX_ROLE_CONTRIBUTOR | CX_ROLE_CASE_OFFICER, 'S'},
	{"irq.caseofficer", "IRQ", CX_ROLE_CONTRIBUTOR | CX_ROLE_CASE_OFFICER, 'C'},
	{"krg.approver", "KRG", CX_ROLE_CONTRIBUTOR | CX_ROLE_APPROVER, 'R'},
};
const size_t cx_demo_users_count = sizeof(cx_demo_users) / sizeof(cx_demo_users[0]);

int cx_demo_add_partners(struct cx_store *s)
{
	char line[256], err[256];
	const char *p = cx_demo_partners;

	while (*p) {
		size_t n = strcspn(p, "\n");
		struct cx_partner partner;
		char *space;

		memset(&partner, 0, sizeof(partner));
		if (n >= sizeof(line))
			return -1;
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (p[n] == '\n');
		space = strchr(line, ' ');
		if (!space)
			continue;
		*space = '\0';
		cx_strlcpy(partner.code, line, sizeof(partner.code));
		cx_strlcpy(partner.name, line, sizeof(partner.name));
		for (size_t i = 0; i < sizeof(partner_names) / sizeof(partner_names[0]); i++)
			if (strcmp(partner_names[i].code, line) == 0)
				cx_strlcpy(partner.name, partner_names[i].name, sizeof(partner.name));
		cx_strlcpy(partner.identity_id, space + 1, sizeof(partner.identity_id));
		partner.created = cx_time_now_us();
		if (cx_partner_create(s, &partner, err, sizeof(err)) != CX_STORE_OK) {
			cx_cli_error("demo: partner %s: %s", partner.code, err[0] ? err : s->error(s));
			return -1;
		}
	}
	return 0;
}

int cx_demo_password_hash(const char *password, char *out)
{
	return crypto_pwhash_str(out, password, strlen(password),
				 crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
		       ? 0
		       : -1;
}

int cx_demo_add_user(struct cx_store *s, const char *name, const char *partner, unsigned roles,
		     char clearance, const char *hash)
{
	struct cx_user u;
	struct cx_partner p;

	memset(&u, 0, sizeof(u));
	if (s->partner_get(s, partner, &p) != CX_STORE_OK)
		return -1;
	cx_strlcpy(u.name, name, sizeof(u.name));
	u.partner_rowid = p.rowid;
	u.roles = roles;
	u.clearance = clearance;
	u.created = cx_time_now_us();
	cx_strlcpy(u.password_hash, hash, sizeof(u.password_hash));
	if (s->begin(s, true) < 0 || s->user_add(s, &u) != CX_STORE_OK ||
	    cx_cli_audit(s, "user.add", NULL) < 0 || s->commit(s) < 0) {
		s->rollback(s);
		return -1;
	}
	return 0;
}

int cx_demo_add_users(struct cx_store *s, const char *hash)
{
	for (size_t i = 0; i < cx_demo_users_count; i++)
		if (cx_demo_add_user(s, cx_demo_users[i].name, cx_demo_users[i].partner,
				     cx_demo_users[i].roles, cx_demo_users[i].clearance, hash) < 0)
			return -1;
	return 0;
}

int cx_demo_add_collection(struct cx_store *s, struct cx_collection *c, bool peers)
{
	static const struct {
		const char *role;
		bool write;
	} grants[] = {{"*", false},     {"contributor", true}, {"approver", true},
		      {"admin", true}, {"peer", false}};
	size_t n = sizeof(grants) / sizeof(grants[0]) - (peers ? 0 : 1);

	memset(c, 0, sizeof(*c));
	cx_uuid_v4(c->id);
	cx_strlcpy(c->api_root, "coalition", sizeof(c->api_root));
	cx_strlcpy(c->alias, "intel", sizeof(c->alias));
	cx_strlcpy(c->title, "Exercise intelligence and records", sizeof(c->title));
	cx_strlcpy(c->description, "Synthetic demo data (Exercise) and the statement's records",
		   sizeof(c->description));
	if (s->begin(s, true) < 0 || s->collection_create(s, c) != CX_STORE_OK ||
	    s->commit(s) < 0) {
		s->rollback(s);
		return -1;
	}
	if (s->collection_get(s, "coalition", "intel", c) != CX_STORE_OK)
		return -1;
	if (s->begin(s, true) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (s->collection_grant(s, c->rowid, "*", grants[i].role, true, grants[i].write) < 0) {
			s->rollback(s);
			return -1;
		}
	return cx_cli_audit(s, "collection.add", NULL) < 0 || s->commit(s) < 0 ? -1 : 0;
}
