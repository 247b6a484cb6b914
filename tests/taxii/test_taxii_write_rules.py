"""Sovereign writes (doc/ACCESS.md, "Writing"): what a TAXII POST may store.

- the principal needs the contributor or admin role (`role`);
- a new object's created_by_ref is the principal's partner identity; SCOs,
  which have no created_by_ref in STIX 2.1, go without (`wrong-identity`);
- only the owner's partner may add a version of an existing object
  (`not-owner`);
- a revoked object is not un-revoked by a newer version (`unrevoke`);
- a marking definition is never versioned (`marking-immutable`).

Any violation refuses the whole envelope: 403, `details.violations` lists
each broken rule as {id, index, rule, message}, and nothing of the envelope
is stored, not even its valid objects. Every test here fails if its rule is
removed from the node.

The node of this module: partners USA, IRQ and KRG, a collection `box` that
every user may read and write, and users of each kind.
"""
import uuid

import pytest

from .conftest import (GREEN, IDENTITY, Node, assert_error, describe, indicator,
                      malware, stix_id, version_of)

PROJECT_IDENTITY = "identity--2c9e4f5a-7b1d-4e3f-8a6c-0d9b8e7f6a5c"
WRITERS = {
    "usacontrib": ("USA", "contributor"),
    "usaadmin": ("USA", "admin"),
    "usareader": ("USA", "reader"),
    "usaapprover": ("USA", "approver"),
    "irqcontrib": ("IRQ", "contributor"),
}


@pytest.fixture(scope="module")
def wnode(cx_binary, tmp_path_factory):
    n = Node(tmp_path_factory.mktemp("writes") / "node")
    n.init()
    for code, name in (("USA", "United States"), ("IRQ", "Iraq"), ("KRG", "Kurdistan")):
        n.add_partner(code, name)
    for name, (partner, role) in WRITERS.items():
        n.add_user(name, partner, role, f"{name}-password")
        n.users[name].token, _ = n.create_token(name)
    n.add_collection("box", "coalition", "Box", [("*", "*", "read-write")])
    n.start()
    try:
        yield n
    finally:
        n.stop()


def ind(partner="USA", **extra):
    """A new TLP:GREEN indicator created by a partner (extra may name
    another created_by_ref, or None for none)."""
    return indicator(7, **dict({"created_by_ref": IDENTITY[partner]}, **extra))


def sco(**extra):
    o = {"type": "ipv4-addr", "spec_version": "2.1", "id": stix_id("ipv4-addr"),
         "value": f"203.0.113.{uuid.uuid4().int % 250 + 1}"}
    o.update(extra)
    return o


def statement(partner="USA", created="2026-02-02T00:00:00.000Z", text="Test statement"):
    return {"type": "marking-definition", "spec_version": "2.1",
            "id": stix_id("marking-definition"), "created": created,
            "created_by_ref": IDENTITY[partner], "definition_type": "statement",
            "definition": {"statement": text}}


def later(obj, modified, **extra):
    """A newer version of obj."""
    v = dict(obj, modified=modified)
    v.update(extra)
    return {k: x for k, x in v.items() if x is not None}


def post(n, user, objects):
    return n.post_objects("box", objects, user=user)


def accepted(n, user, objects):
    """POST that must store every object; returns the status resource."""
    r = post(n, user, objects)
    assert r.status_code == 202, describe(r)
    s = r.json()
    assert s["success_count"] == len(objects) and s["failure_count"] == 0, s
    return s


def refused(n, user, objects, want):
    """POST that the write rules must refuse: 403 naming exactly the
    violations `want` [(index, rule)], and nothing of the envelope stored
    (the store and the collection are as they were, and the poster cannot
    read any object of the envelope that was not there before)."""
    before, members = n.store_versions(), n.store_versions("box")
    r = post(n, user, objects)
    e = assert_error(r, 403)
    got = e.get("details", {}).get("violations")
    assert isinstance(got, list), f"403 without details.violations\n{describe(r)}"
    for v in got:
        assert set(v) == {"id", "index", "rule", "message"}, v
        assert isinstance(v["index"], int) and 0 <= v["index"] < len(objects), v
        assert v["id"] == objects[v["index"]]["id"], v
        assert isinstance(v["message"], str) and v["message"], v
    assert [(v["index"], v["rule"]) for v in got] == want, describe(r)
    assert n.store_versions() == before, "a refused envelope stored something"
    assert n.store_versions("box") == members, "a refused envelope joined the collection"
    for o in objects:
        if (o["id"], version_of(o)) not in before:
            res = n.get(n.col_path("box", f"objects/{o['id']}/"), user=user,
                        params=[("match[version]", version_of(o) or "last")])
            assert res.status_code in (403, 404) or res.json() == {}, describe(res)
    return got


def stored_versions(n, oid, user="usaadmin"):
    _, body = n.get_ok(n.col_path("box", f"objects/{oid}/versions/"), user=user)
    return body.get("versions", [])


# --- wrong-identity ----------------------------------------------------------------

def test_created_by_another_partner(wnode):
    objs = [ind(), ind("IRQ"), sco(), malware(1)]
    refused(wnode, "usacontrib", objs, [(1, "wrong-identity")])
    # The same envelope without the foreign object is fine.
    accepted(wnode, "usacontrib", [objs[0], objs[2], objs[3]])


def test_created_by_a_non_partner_identity(wnode):
    # The project's identity is stored on every node, but is no partner's.
    objs = [ind(), ind(created_by_ref=PROJECT_IDENTITY)]
    refused(wnode, "usaadmin", objs, [(1, "wrong-identity")])


@pytest.mark.parametrize("kind", ["indicator", "malware", "relationship",
                                  "marking-definition"])
def test_created_by_ref_missing_on_a_non_sco(wnode, kind):
    a, b = ind(), ind()
    lone = {"indicator": lambda: ind(created_by_ref=None),
            "malware": lambda: malware(2, created_by_ref=None),
            "relationship": lambda: {
                "type": "relationship", "spec_version": "2.1",
                "id": stix_id("relationship"), "created": "2026-01-01T00:00:00.000Z",
                "modified": "2026-01-01T00:00:00.000Z", "relationship_type": "related-to",
                "source_ref": a["id"], "target_ref": b["id"],
                "object_marking_refs": [GREEN]},
            "marking-definition": lambda: {k: v for k, v in statement().items()
                                           if k != "created_by_ref"}}[kind]()
    assert "created_by_ref" not in lone
    refused(wnode, "usacontrib", [a, b, lone], [(2, "wrong-identity")])


# --- not-owner ----------------------------------------------------------------------

def test_versioning_another_partners_object(wnode):
    v1 = ind("IRQ", modified="2026-01-01T00:00:00.000Z")
    wnode.import_objects([v1], "box", "irq-owned")
    v2 = later(v1, "2026-02-01T00:00:00.000Z", created_by_ref=IDENTITY["USA"],
               name="taken over")
    refused(wnode, "usacontrib", [ind(), v2], [(1, "not-owner")])
    # Keeping the owner's identity does not help: it is still another
    # partner's object, and that is the rule named (doc/ACCESS.md).
    v2b = later(v1, "2026-02-01T00:00:00.000Z", name="taken over")
    refused(wnode, "usaadmin", [v2b, sco()], [(0, "not-owner")])
    assert stored_versions(wnode, v1["id"]) == [v1["modified"]]
    # The owner's partner may.
    accepted(wnode, "irqcontrib", [v2b])
    assert stored_versions(wnode, v1["id"]) == [v1["modified"], v2b["modified"]]


def test_revoking_another_partners_object(wnode):
    v1 = ind("IRQ", modified="2026-01-01T00:00:00.000Z")
    wnode.import_objects([v1], "box", "irq-owned")
    v2 = later(v1, "2026-02-01T00:00:00.000Z", created_by_ref=IDENTITY["USA"], revoked=True)
    refused(wnode, "usacontrib", [v2], [(0, "not-owner")])


def test_versioning_an_object_nobody_owns(wnode):
    # Stored by the operator without created_by_ref: no partner owns it, so
    # no partner may version it.
    v1 = ind(created_by_ref=None, modified="2026-01-01T00:00:00.000Z")
    wnode.import_objects([v1], "box", "unowned")
    v2 = later(v1, "2026-02-01T00:00:00.000Z", created_by_ref=IDENTITY["USA"])
    refused(wnode, "usacontrib", [v2], [(0, "not-owner")])


# --- unrevoke -----------------------------------------------------------------------

@pytest.mark.parametrize("revoked", [None, False], ids=["absent", "false"])
def test_unrevoking(wnode, revoked):
    v1 = ind(modified="2026-01-01T00:00:00.000Z")
    v2 = later(v1, "2026-02-01T00:00:00.000Z", revoked=True)
    accepted(wnode, "usacontrib", [v1])
    accepted(wnode, "usacontrib", [v2])
    v3 = later(v1, "2026-03-01T00:00:00.000Z", revoked=revoked, name="back again")
    refused(wnode, "usacontrib", [ind(), v3], [(1, "unrevoke")])
    refused(wnode, "usaadmin", [v3], [(0, "unrevoke")])
    assert stored_versions(wnode, v1["id"]) == [v1["modified"], v2["modified"]]


def test_unrevoking_within_one_envelope(wnode):
    # A new object whose envelope holds a revoked version and then a newer
    # one that is not: the newer version un-revokes it all the same.
    v1 = ind(modified="2026-01-01T00:00:00.000Z", revoked=True)
    v2 = later(v1, "2026-02-01T00:00:00.000Z", revoked=None)
    refused(wnode, "usacontrib", [v1, v2], [(1, "unrevoke")])


# --- marking-immutable --------------------------------------------------------------

def test_versioning_a_marking_definition(wnode):
    m = statement(created="2026-02-02T00:00:00.000Z")
    accepted(wnode, "usacontrib", [m])
    newer = dict(m, created="2026-03-03T00:00:00.000Z", definition={"statement": "changed"})
    refused(wnode, "usacontrib", [ind(), newer], [(1, "marking-immutable")])
    # Even with the same text: a second version is a version.
    refused(wnode, "usaadmin", [dict(m, created="2026-04-04T00:00:00.000Z")],
            [(0, "marking-immutable")])
    assert stored_versions(wnode, m["id"]) == [m["created"]]


def test_versioning_a_marking_definition_within_one_envelope(wnode):
    m = statement(created="2026-02-02T00:00:00.000Z")
    newer = dict(m, created="2026-03-03T00:00:00.000Z", definition={"statement": "changed"})
    refused(wnode, "usacontrib", [m, newer], [(1, "marking-immutable")])


def test_same_marking_definition_again_is_a_duplicate(wnode):
    m = statement()
    accepted(wnode, "usacontrib", [m])
    s = accepted(wnode, "usacontrib", [m])
    assert [(d["id"], d["version"]) for d in s["successes"]] == [(m["id"], m["created"])]


# --- role ----------------------------------------------------------------------------

@pytest.mark.parametrize("user", ["usareader", "usaapprover"])
def test_writing_without_contributor_or_admin_role(wnode, user):
    # The collection grants every user read-write: the role alone refuses.
    objs = [ind(), sco(), malware(3)]
    got = refused(wnode, user, objs, [(0, "role"), (1, "role"), (2, "role")])
    assert all(v["rule"] == "role" for v in got)
    _, col = wnode.get_ok(wnode.col_path("box"), user=user)
    assert col["can_write"] is True, col


# --- several at once --------------------------------------------------------------------

def test_every_violation_is_listed(wnode):
    irq = ind("IRQ", modified="2026-01-01T00:00:00.000Z")
    wnode.import_objects([irq], "box", "irq-owned")
    mine = ind(modified="2026-01-01T00:00:00.000Z", revoked=True)
    accepted(wnode, "usacontrib", [mine])
    m = statement()
    accepted(wnode, "usacontrib", [m])
    objs = [ind(),                                                        # fine
            ind("KRG"),                                                   # wrong-identity
            sco(),                                                        # fine
            later(irq, "2026-02-01T00:00:00.000Z", created_by_ref=IDENTITY["USA"]),
            later(mine, "2026-02-01T00:00:00.000Z", revoked=None),        # unrevoke
            dict(m, created="2026-05-05T00:00:00.000Z"),                  # marking-immutable
            malware(4)]                                                   # fine
    refused(wnode, "usacontrib", objs, [(1, "wrong-identity"), (3, "not-owner"),
                                        (4, "unrevoke"), (5, "marking-immutable")])


# --- what is allowed ----------------------------------------------------------------------

def test_owner_partner_versions_its_object(wnode):
    v1 = ind(modified="2026-01-01T00:00:00.000Z")
    accepted(wnode, "usacontrib", [v1])
    # Another user of the same partner: ownership is the partner's.
    v2 = later(v1, "2026-02-01T00:00:00.000Z", name="revised")
    accepted(wnode, "usaadmin", [v2])
    _, body = wnode.get_ok(wnode.col_path("box", f"objects/{v1['id']}/"), user="usacontrib")
    assert body["objects"] == [v2]
    assert stored_versions(wnode, v1["id"]) == [v1["modified"], v2["modified"]]


def test_revoking_and_staying_revoked(wnode):
    v1 = ind(modified="2026-01-01T00:00:00.000Z")
    accepted(wnode, "usacontrib", [v1])
    v2 = later(v1, "2026-02-01T00:00:00.000Z", revoked=True)
    accepted(wnode, "usacontrib", [v2])
    v3 = later(v1, "2026-03-01T00:00:00.000Z", revoked=True, description="still revoked")
    accepted(wnode, "usaadmin", [v3])
    assert stored_versions(wnode, v1["id"]) == [v1["modified"], v2["modified"],
                                                v3["modified"]]


def test_older_version_after_a_revocation(wnode):
    # Only a newer version can un-revoke; an older one, arriving late,
    # leaves the newest (revoked) version the newest.
    v1 = ind(modified="2026-01-01T00:00:00.000Z")
    v3 = later(v1, "2026-03-01T00:00:00.000Z", revoked=True)
    accepted(wnode, "usacontrib", [v1, v3])
    v2 = later(v1, "2026-02-01T00:00:00.000Z", name="late")
    accepted(wnode, "usacontrib", [v2])
    _, body = wnode.get_ok(wnode.col_path("box", f"objects/{v1['id']}/"), user="usacontrib")
    assert body["objects"] == [v3]


def test_sco_without_created_by_ref(wnode):
    a, b = sco(), sco()
    assert "created_by_ref" not in a
    accepted(wnode, "irqcontrib", [a, b])
    assert {a["id"], b["id"]} <= wnode.store_ids("box")


def test_new_marking_definition_and_what_it_marks(wnode):
    # A marking definition earlier in the same envelope is known to the
    # objects after it.
    m = statement("IRQ")
    o = ind("IRQ", object_marking_refs=[GREEN, m["id"]])
    accepted(wnode, "irqcontrib", [m, o])



# --- the audit of writes ---------------------------------------------------------------

def test_accepted_post_is_audited(wnode):
    objs = [ind("IRQ"), sco(), ind("IRQ", modified="2026-03-03T00:00:00.000Z")]
    r = post(wnode, "irqcontrib", objs)
    assert r.status_code == 202, describe(r)
    (e,) = [x for x in wnode.audit("--action", "taxii.add")
            if x.get("request") == r.headers["X-Request-Id"]]
    assert (e["actor"], e["partner"]) == ("irqcontrib", "IRQ"), e
    assert [x["id"] for x in e["objects"]] == [o["id"] for o in objs], e
    assert [x["version"] for x in e["objects"] if x["id"] != objs[1]["id"]] == \
        [version_of(objs[0]), version_of(objs[2])], e
    assert (e["detail"]["stored"], e["detail"]["duplicate"], e["detail"]["rejected"]) == \
        (3, 0, 0), e


def test_refused_post_records_no_write(wnode):
    r = post(wnode, "usareader", [ind()])
    assert_error(r, 403)
    assert not [x for x in wnode.audit("--action", "taxii.add")
                if x.get("request") == r.headers["X-Request-Id"]]


def test_delete_is_audited(wnode):
    v1 = ind(modified="2026-01-01T00:00:00.000Z")
    v2 = later(v1, "2026-02-01T00:00:00.000Z")
    accepted(wnode, "usacontrib", [v1, v2])
    r = wnode.delete(wnode.col_path("box", f"objects/{v1['id']}/"), user="usaadmin",
                     params=[("match[version]", "first")])
    assert r.status_code == 200, describe(r)
    (e,) = [x for x in wnode.audit("--action", "taxii.delete")
            if x.get("request") == r.headers["X-Request-Id"]]
    assert (e["actor"], e["partner"]) == ("usaadmin", "USA"), e
    assert e["objects"] == [{"id": v1["id"], "version": v1["modified"]}], e
    assert e["detail"]["collection"] == wnode.col("box")["id"], e
    assert stored_versions(wnode, v1["id"]) == [v2["modified"]]
