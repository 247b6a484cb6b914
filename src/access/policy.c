#include "access/policy.h"

#include <string.h>

#include "access/roles.h"
#include "stix/validate.h"

void cx_access_for(const struct cx_principal *who, int64_t home_partner, struct cx_access *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!who || !who->user) {
		ret->nobody = true;
		return;
	}
	ret->peer = (who->roles & CX_ROLE_PEER) != 0;
	ret->partner = who->partner_rowid;
	ret->bit = cx_partner_bit(who->partner_rowid);
	ret->clearance = cx_clearance_rank(who->clearance);
	if (ret->clearance < 0)
		ret->clearance = 0;
	ret->home_partner = home_partner;
	ret->args[0] = (struct cx_sql_arg){":a_partner", ret->partner};
	ret->args[1] = (struct cx_sql_arg){":a_bit", (int64_t)ret->bit};
	ret->args[2] = (struct cx_sql_arg){":a_clearance", ret->clearance};
	ret->args[3] = (struct cx_sql_arg){":a_home", ret->home_partner};
}

bool cx_access_can_read(const struct cx_access *a, const struct cx_labels *eff)
{
	bool released;

	if (a->nobody)
		return false;
	if (eff->owner != 0 && eff->owner == a->partner)
		return true;
	released = (eff->rel_mask & a->bit) != 0 && eff->classification <= a->clearance;
	if (!a->peer)
		return released;
	return released && eff->tlp != CX_TLP_RED &&
	       ((eff->owner != 0 && eff->owner == a->home_partner) ||
		eff->tlp != CX_TLP_AMBER_STRICT);
}

const char *cx_access_sql(const struct cx_access *a)
{
	if (a->nobody)
		return "0";
	if (a->peer)
		return "((o.eff_owner != 0 AND o.eff_owner = :a_partner) OR "
		       "((o.eff_mask & :a_bit) != 0 AND o.eff_class <= :a_clearance "
		       "AND o.eff_tlp != 5 AND ((o.eff_owner != 0 AND o.eff_owner = :a_home) "
		       "OR o.eff_tlp != 4)))";
	return "((o.eff_owner != 0 AND o.eff_owner = :a_partner) OR "
	       "((o.eff_mask & :a_bit) != 0 AND o.eff_class <= :a_clearance))";
}

void cx_access_filter(const struct cx_access *a, struct cx_object_filter *f)
{
	f->access_sql = cx_access_sql(a);
	f->access_args = a->nobody ? NULL : a->args;
	f->naccess_args = a->nobody ? 0 : 4;
}

const char *cx_access_check_write(const struct cx_principal *who, const char *identity_id,
				  const json_t *obj, int64_t modified,
				  const struct cx_existing *latest)
{
	const char *type = json_string_value(json_object_get(obj, "type"));
	const char *creator = json_string_value(json_object_get(obj, "created_by_ref"));
	bool revoked = json_is_true(json_object_get(obj, "revoked"));

	if (!(who->roles & (CX_ROLE_CONTRIBUTOR | CX_ROLE_ADMIN)))
		return "role";
	if (latest->same_version)
		return NULL; /* a duplicate changes nothing (a conflict is caught on store) */
	if (type && strcmp(type, "marking-definition") == 0 && latest->exists)
		return "marking-immutable";
	/* Another partner's object: that is the error, whatever the identity. */
	if (latest->exists && latest->owner != who->partner_rowid)
		return "not-owner";
	if (creator ? strcmp(creator, identity_id) != 0
		    : cx_stix_kind_of(type ? type : "") != CX_STIX_SCO)
		return "wrong-identity";
	if (latest->exists && latest->revoked && modified > latest->modified && !revoked)
		return "unrevoke";
	return NULL;
}

bool cx_access_is_write_rule(const char *rule)
{
	static const char *const rules[] = {"role", "wrong-identity", "not-owner", "unrevoke",
					    "marking-immutable"};

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rule, rules[i]) == 0)
			return true;
	return false;
}
