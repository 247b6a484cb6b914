"""Writes through the API (doc/API.md, "Objects"; doc/ACCESS.md, "Writing"):
create, new version, revoke; server-set properties, validation, the
sovereign-write rules, default releasability, and the audit of each write.

All requests here use Bearer tokens (CSRF is tested in test_api_session.py)."""
import datetime
import uuid

import pytest

from nodetools import without_provenance  # objects of the node's partner are signed
from .conftest import AMBER, GREEN, IDENTITY, MS_TS_RE, assert_error, describe, ids, \
    parse_ts

SERVER_SET = ["id", "spec_version", "created", "modified", "created_by_ref"]
# The validator names the element of the list (as `cx import` does), or the list.
MARKING_FIELDS = ("object_marking_refs", "object_marking_refs[0]")
NOT_IN_VERSIONS = ["id", "type", "spec_version", "created", "modified", "created_by_ref",
                   "revoked"]


def body(name=None, **extra):
    o = {"type": "indicator", "name": name or unique("Writeprobe"),
         "description": "made through the API",
         "pattern": "[domain-name:value = 'example.org']", "pattern_type": "stix",
         "valid_from": "2026-01-01T00:00:00Z", "object_marking_refs": [GREEN]}
    o.update(extra)
    return {k: v for k, v in o.items() if v is not None}


def unique(prefix):
    return prefix + uuid.uuid4().hex[:10]


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def ts_dt(s):
    d, frac = parse_ts(s)
    return d + datetime.timedelta(microseconds=frac // 1000)


def create(wnode, user="usacontrib", **kw):
    b = body(**kw)
    r = wnode.post("objects", b, user=user)
    assert r.status_code == 201, describe(r)
    return r.json(), b


def nothing_named(wnode, name):
    return wnode.list_all("usaadmin", [("q", f'"{name}"')]) == []


def audit_mark(wnode, action):
    return len(wnode.audit("--action", action))


def assert_nothing_stored_since(wnode, action, mark):
    """A refused write stores nothing: any audit entry it left (the node
    may record refused attempts, as for TAXII) names no stored object."""
    for e in wnode.audit("--action", action)[mark:]:
        assert e.get("detail", {}).get("stored", 0) == 0 and not e.get("objects"), e


# --- create ---------------------------------------------------------------------------------

def test_create_assigns_id_timestamps_and_identity(wnode):
    t0 = now()
    d, b = create(wnode)
    t1 = now()
    o = d["object"]
    assert o["type"] == "indicator" and o["id"].startswith("indicator--"), o
    uuid.UUID(o["id"].split("--", 1)[1])
    assert o["spec_version"] == "2.1", o
    assert o["created_by_ref"] == IDENTITY["USA"], o
    assert MS_TS_RE.match(o["created"]) and MS_TS_RE.match(o["modified"]), o
    assert o["created"] == o["modified"], o
    slack = datetime.timedelta(seconds=2)
    assert t0 - slack <= ts_dt(o["created"]) <= t1 + slack, (t0, o["created"], t1)
    for k, v in b.items():
        assert o[k] == v, k
    assert d["summary"]["id"] == o["id"] and d["summary"]["owner"] == "USA", d["summary"]
    assert d["summary"]["tlp"] == "TLP:GREEN"
    assert len(d["versions"]) == 1 and d["versions"][0]["modified"] == o["modified"]
    assert d["relationships"] == [] and d["referenced_by"] == []
    # Stored as answered.
    assert wnode.detail("usacontrib", o["id"])["object"] == o


def test_created_ids_differ(wnode):
    a, _ = create(wnode)
    b, _ = create(wnode)
    assert a["object"]["id"] != b["object"]["id"]


def test_create_by_another_partner_gets_its_identity(wnode):
    d, _ = create(wnode, user="irqcontrib")
    assert d["object"]["created_by_ref"] == IDENTITY["IRQ"]
    assert d["labels"]["owner"] == "IRQ" and d["summary"]["owner"] == "IRQ"


def test_admin_may_create(wnode):
    d, _ = create(wnode, user="usaadmin")
    assert d["object"]["created_by_ref"] == IDENTITY["USA"]


@pytest.mark.parametrize("prop", SERVER_SET)
def test_create_with_server_set_property_is_400(wnode, prop):
    name = unique("Forbidden")
    values = {"id": f"indicator--{uuid.uuid4()}", "spec_version": "2.1",
              "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
              "created_by_ref": IDENTITY["USA"]}
    before = audit_mark(wnode, "api.create")
    r = wnode.post("objects", body(name, **{prop: values[prop]}), user="usacontrib")
    assert_error(r, 400, 1013, prop)
    assert nothing_named(wnode, name)
    assert_nothing_stored_since(wnode, "api.create", before)


@pytest.mark.parametrize("change,prop,rule", [
    ({"pattern": "[ipv4-addr:value = "}, "pattern", "invalid-pattern"),
    ({"pattern_type": None}, "pattern_type", "required"),
    ({"valid_from": "yesterday"}, "valid_from", "invalid-timestamp"),
    ({"valid_until": "2025-01-01T00:00:00Z"}, "valid_until", "timestamp-order"),
    ({"indicator_types": "malicious-activity"}, "indicator_types", "wrong-type"),
    ({"confidence": 101}, "confidence", "out-of-range"),
])
def test_create_invalid_stix_is_422(wnode, change, prop, rule):
    name = unique("Invalid")
    before = audit_mark(wnode, "api.create")
    r = wnode.post("objects", body(name, **change), user="usacontrib")
    e = assert_error(r, 422, 1010, prop)
    assert rule in e.get("detail", ""), f"the rule {rule} is not in the detail\n{describe(r)}"
    assert nothing_named(wnode, name)
    assert_nothing_stored_since(wnode, "api.create", before)


def test_create_with_unknown_marking_is_422(wnode):
    name = unique("Unknownmarking")
    r = wnode.post("objects", body(name, object_marking_refs=[
        f"marking-definition--{uuid.uuid4()}"]), user="usacontrib")
    e = assert_error(r, 422, 1010)
    assert e.get("field") in MARKING_FIELDS, describe(r)
    assert "unknown-marking" in e.get("detail", ""), describe(r)
    assert nothing_named(wnode, name)


def test_create_unknown_type_and_bad_bodies(wnode):
    assert_error(wnode.post("objects", body(type="Not A Type"), user="usacontrib"),
                 422, 1010, "type")
    r = wnode.request("POST", "objects", data=b'{"type": "indicator", ', user="usacontrib")
    assert_error(r, 400, 1003)
    r = wnode.request("POST", "objects", data=b"\xff\xfe", user="usacontrib")
    assert_error(r, 400, 1003)


@pytest.mark.parametrize("user", ["usareader", "usaapprover", "irqreader"])
def test_create_needs_contributor_or_admin(wnode, user):
    name = unique("Roleprobe")
    before = audit_mark(wnode, "api.create")
    assert_error(wnode.post("objects", body(name), user=user), 403, 1009, "role")
    assert nothing_named(wnode, name)
    assert_nothing_stored_since(wnode, "api.create", before)


def test_default_releasability_is_owner_only(wnode):
    d, _ = create(wnode, object_marking_refs=None)
    o = d["object"]
    assert "object_marking_refs" not in o, o
    assert d["summary"]["tlp"] is None
    assert wnode.get(f"objects/{o['id']}", user="usacontrib2").status_code == 200
    assert wnode.get(f"objects/{o['id']}", user="usareader").status_code == 200
    for other in ("irqreader", "krgreader", "irqcontrib"):
        assert_error(wnode.get(f"objects/{o['id']}", user=other), 404, 1000)
        assert o["id"] not in ids(wnode.list_all(other, [("q", f'"{o["name"]}"')]))


def test_green_is_readable_by_everyone(wnode):
    d, _ = create(wnode)
    o = d["object"]
    for other in ("irqreader", "krgreader"):
        got = wnode.detail(other, o["id"])
        assert got["object"] == o
        assert o["id"] in ids(wnode.list_all(other, [("q", f'"{o["name"]}"')]))
    assert d["labels"]["releasable_to"] == "all"


def test_releasability_marking_on_create(wnode):
    d, _ = create(wnode, object_marking_refs=[wnode.data["rel_ui"]])
    o = d["object"]
    assert d["summary"]["banner"] == "CONFIDENTIAL//REL TO USA, IRQ", d["summary"]
    assert wnode.get(f"objects/{o['id']}", user="irqreader").status_code == 200
    assert_error(wnode.get(f"objects/{o['id']}", user="krgreader"), 404, 1000)


def test_create_is_audited(wnode):
    before = wnode.audit("--action", "api.create")
    r = wnode.post("objects", body(), user="irqcontrib")
    assert r.status_code == 201, describe(r)
    o = r.json()["object"]
    entries = wnode.audit("--action", "api.create")[len(before):]
    assert len(entries) == 1, entries
    e = entries[0]
    assert (e["action"], e["actor"], e["partner"]) == ("api.create", "irqcontrib", "IRQ"), e
    assert e["objects"] == [{"id": o["id"], "version": o["modified"]}], e
    if "X-Request-Id" in r.headers:
        assert e.get("request") == r.headers["X-Request-Id"], e


# --- new versions ----------------------------------------------------------------------------

def test_new_version_merges_and_removes(wnode):
    d, _ = create(wnode, confidence=40)
    o = d["object"]
    r = wnode.post(f"objects/{o['id']}/versions",
                   {"name": o["name"] + " two", "description": None, "confidence": 60},
                   user="usacontrib")
    assert r.status_code == 201, describe(r)
    n = r.json()["object"]
    assert n["id"] == o["id"] and n["created"] == o["created"], n
    assert n["created_by_ref"] == IDENTITY["USA"] and n["spec_version"] == "2.1"
    assert n["name"] == o["name"] + " two" and n["confidence"] == 60, n
    assert "description" not in n, n
    for k in ("pattern", "pattern_type", "valid_from", "object_marking_refs", "type"):
        assert n[k] == o[k], k
    assert MS_TS_RE.match(n["modified"]), n
    assert parse_ts(n["modified"]) > parse_ts(o["modified"]), (o["modified"], n["modified"])
    v = r.json()["versions"]
    assert [x["modified"] for x in v] == [o["modified"], n["modified"]], v
    # The list shows the new version only.
    items = wnode.list_all("irqreader", [("q", f'"{o["name"]}"')])
    assert [(it["id"], it["modified"]) for it in items] == [(o["id"], n["modified"])]


def test_quick_versions_are_each_later(wnode):
    d, _ = create(wnode)
    mods = [d["object"]["modified"]]
    for i in range(4):
        r = wnode.post(f"objects/{d['object']['id']}/versions", {"confidence": i},
                       user="usacontrib")
        assert r.status_code == 201, describe(r)
        mods.append(r.json()["object"]["modified"])
    parsed = [parse_ts(m) for m in mods]
    assert all(a < b for a, b in zip(parsed, parsed[1:])), mods
    assert [v["modified"] for v in wnode.detail("usacontrib", d["object"]["id"])["versions"]] \
        == mods


def test_another_user_of_the_owner_partner_may_version(wnode):
    d, _ = create(wnode)
    r = wnode.post(f"objects/{d['object']['id']}/versions", {"confidence": 5},
                   user="usacontrib2")
    assert r.status_code == 201, describe(r)
    assert r.json()["object"]["created_by_ref"] == IDENTITY["USA"]


def test_version_changing_markings_hides_the_object(wnode):
    """The newest-version rule: once the newest version is AMBER, the older
    GREEN version is not readable for other partners either."""
    d, _ = create(wnode)
    i = d["object"]["id"]
    assert wnode.get(f"objects/{i}", user="irqreader").status_code == 200
    r = wnode.post(f"objects/{i}/versions", {"object_marking_refs": [AMBER]}, user="usacontrib")
    assert r.status_code == 201, describe(r)
    assert_error(wnode.get(f"objects/{i}", user="irqreader"), 404, 1000)
    assert i not in ids(wnode.list_all("irqreader", [("q", f'"{d["object"]["name"]}"')]))
    assert len(wnode.detail("usareader", i)["versions"]) == 2


def test_version_by_another_partner_is_403_not_owner(wnode):
    o = wnode.data["usa_green"]
    before = audit_mark(wnode, "api.version")
    r = wnode.post(f"objects/{o['id']}/versions", {"name": "Taken over"}, user="irqcontrib")
    assert_error(r, 403, 1009, "not-owner")
    d = wnode.detail("usaadmin", o["id"])
    assert without_provenance(d["object"]) == without_provenance(o)
    assert len(d["versions"]) == 1
    assert_nothing_stored_since(wnode, "api.version", before)


def test_version_by_a_reader_is_403_role(wnode):
    d, _ = create(wnode)
    r = wnode.post(f"objects/{d['object']['id']}/versions", {"confidence": 1}, user="usareader")
    assert_error(r, 403, 1009, "role")
    r = wnode.post(f"objects/{d['object']['id']}/revoke", {}, user="usareader")
    assert_error(r, 403, 1009, "role")
    assert len(wnode.detail("usacontrib", d["object"]["id"])["versions"]) == 1


@pytest.mark.parametrize("prop", NOT_IN_VERSIONS)
def test_version_with_fixed_property_is_400(wnode, prop):
    d, _ = create(wnode)
    o = d["object"]
    values = {"id": f"indicator--{uuid.uuid4()}", "type": "malware", "spec_version": "2.1",
              "created": "2026-01-01T00:00:00.000Z", "modified": "2099-01-01T00:00:00.000Z",
              "created_by_ref": IDENTITY["IRQ"], "revoked": True}
    r = wnode.post(f"objects/{o['id']}/versions", {"confidence": 9, prop: values[prop]},
                   user="usacontrib")
    assert_error(r, 400, 1013, prop)
    got = wnode.detail("usacontrib", o["id"])
    assert got["object"] == o and len(got["versions"]) == 1
    # null (removal) of a fixed property is refused the same way.
    r = wnode.post(f"objects/{o['id']}/versions", {prop: None}, user="usacontrib")
    assert_error(r, 400, 1013, prop)


def test_version_making_the_object_invalid_is_422(wnode):
    d, _ = create(wnode)
    o = d["object"]
    r = wnode.post(f"objects/{o['id']}/versions", {"pattern": None}, user="usacontrib")
    assert_error(r, 422, 1010, "pattern")
    r = wnode.post(f"objects/{o['id']}/versions",
                   {"object_marking_refs": [f"marking-definition--{uuid.uuid4()}"]},
                   user="usacontrib")
    assert assert_error(r, 422, 1010).get("field") in MARKING_FIELDS, describe(r)
    assert len(wnode.detail("usacontrib", o["id"])["versions"]) == 1


def test_version_of_missing_and_hidden_objects_is_404(wnode):
    """usacontrib cannot read IRQ's AMBER object: for it, it does not exist."""
    hidden = wnode.data["irq_amber"]["id"]
    missing = f"indicator--{uuid.uuid4()}"
    for action, b in (("versions", {"confidence": 1}), ("revoke", {})):
        rh = wnode.post(f"objects/{hidden}/{action}", b, user="usacontrib")
        rm = wnode.post(f"objects/{missing}/{action}", b, user="usacontrib")
        assert_error(rh, 404, 1000)
        assert_error(rm, 404, 1000)
        assert rh.text.replace(hidden, "ID") == rm.text.replace(missing, "ID")
    d = wnode.detail("irqreader", hidden)
    assert len(d["versions"]) == 1 and d["object"] == wnode.data["irq_amber"]


def test_version_body_must_be_an_object(wnode):
    d, _ = create(wnode)
    r = wnode.request("POST", f"objects/{d['object']['id']}/versions", data=b"[1,",
                      user="usacontrib")
    assert_error(r, 400, 1003)


def test_version_is_audited(wnode):
    d, _ = create(wnode)
    before = wnode.audit("--action", "api.version")
    r = wnode.post(f"objects/{d['object']['id']}/versions", {"confidence": 77},
                   user="usacontrib2")
    assert r.status_code == 201, describe(r)
    n = r.json()["object"]
    entries = wnode.audit("--action", "api.version")[len(before):]
    assert len(entries) == 1, entries
    e = entries[0]
    assert (e["actor"], e["partner"]) == ("usacontrib2", "USA"), e
    assert e["objects"] == [{"id": n["id"], "version": n["modified"]}], e


# --- revoke ------------------------------------------------------------------------------------

def test_revoke(wnode):
    d, _ = create(wnode)
    o = d["object"]
    r = wnode.post(f"objects/{o['id']}/revoke", {}, user="usacontrib")
    assert r.status_code == 201, describe(r)
    got = r.json()
    n = got["object"]
    assert n["revoked"] is True and got["summary"]["revoked"] is True, got
    assert parse_ts(n["modified"]) > parse_ts(o["modified"])
    assert n["name"] == o["name"] and n["created"] == o["created"]
    assert [v["revoked"] for v in got["versions"]] == [False, True], got["versions"]
    q = [("q", f'"{o["name"]}"')]
    assert ids(wnode.list_all("irqreader", q + [("revoked", "true")])) == [o["id"]]
    assert wnode.list_all("irqreader", q + [("revoked", "false")]) == []


def test_revoked_object_cannot_change(wnode):
    d, _ = create(wnode)
    i = d["object"]["id"]
    assert wnode.post(f"objects/{i}/revoke", {}, user="usacontrib").status_code == 201
    before = audit_mark(wnode, "api.version")
    assert_error(wnode.post(f"objects/{i}/versions", {"confidence": 3}, user="usacontrib"),
                 403, 1009, "unrevoke")
    assert len(wnode.detail("usacontrib", i)["versions"]) == 2
    assert_nothing_stored_since(wnode, "api.version", before)


def test_revoking_a_revoked_object_is_refused(wnode):
    """revoke follows the rules of versions ("same rules", doc/API.md): not
    on a revoked object."""
    d, _ = create(wnode)
    i = d["object"]["id"]
    assert wnode.post(f"objects/{i}/revoke", {}, user="usacontrib").status_code == 201
    assert_error(wnode.post(f"objects/{i}/revoke", {}, user="usacontrib"), 403, 1009, "unrevoke")
    assert len(wnode.detail("usacontrib", i)["versions"]) == 2


def test_revoke_by_another_partner_is_403_not_owner(wnode):
    d, _ = create(wnode)
    i = d["object"]["id"]
    assert_error(wnode.post(f"objects/{i}/revoke", {}, user="irqcontrib"), 403, 1009,
                 "not-owner")
    got = wnode.detail("usacontrib", i)
    assert len(got["versions"]) == 1 and got["object"].get("revoked") is not True


def test_revoke_is_audited(wnode):
    d, _ = create(wnode, user="usaadmin")
    before = wnode.audit("--action", "api.revoke")
    r = wnode.post(f"objects/{d['object']['id']}/revoke", {}, user="usaadmin")
    assert r.status_code == 201, describe(r)
    n = r.json()["object"]
    entries = wnode.audit("--action", "api.revoke")[len(before):]
    assert len(entries) == 1, entries
    assert (entries[0]["actor"], entries[0]["partner"]) == ("usaadmin", "USA"), entries
    assert entries[0]["objects"] == [{"id": n["id"], "version": n["modified"]}], entries


# --- paging while objects are added ------------------------------------------------------------

def test_cursor_survives_new_objects(wnode):
    """Objects stored after a page was served do not shift the next pages:
    no duplicates, no gaps among the objects that were there."""
    tag = unique("Cursortag")
    made = [create(wnode, name=f"{tag} {i}")[0]["object"]["id"] for i in range(7)]
    q = [("q", tag), ("limit", 3)]
    first = wnode.list_page("usacontrib", q)
    create(wnode, name=f"{tag} late")
    seen = ids(first["items"])
    cursor = first["next_cursor"]
    while cursor:
        page = wnode.list_page("usacontrib", q + [("cursor", cursor)])
        seen += ids(page["items"])
        cursor = page.get("next_cursor")
    assert seen == list(reversed(made)), seen


def test_audit_chain_intact_after_writes(wnode):
    create(wnode)
    p = wnode.cx("audit", "verify")
    assert p.returncode == 0 and b"intact" in p.stdout, p.stdout


def test_created_relationships_show_on_both_ends_for_their_readers(wnode):
    """A relationship made through the API is listed in the detail of its
    source and target; one released to its owner only, for the owner only."""
    src = wnode.data["usa_green"]["id"]
    tgt, _ = create(wnode)
    tgt = tgt["object"]["id"]
    rel = {"type": "relationship", "relationship_type": "indicates", "source_ref": src,
           "target_ref": tgt, "object_marking_refs": [GREEN]}
    r = wnode.post("objects", rel, user="usacontrib")
    assert r.status_code == 201, describe(r)
    shared = r.json()["object"]["id"]
    r = wnode.post("objects", {k: v for k, v in rel.items() if k != "object_marking_refs"}
                   | {"relationship_type": "related-to"}, user="usacontrib")
    assert r.status_code == 201, describe(r)
    private = r.json()["object"]["id"]
    for end in (src, tgt):
        assert {shared, private} <= set(ids(wnode.detail("usareader", end)["relationships"]))
        got = ids(wnode.detail("irqreader", end)["relationships"])
        assert shared in got and private not in got, got
