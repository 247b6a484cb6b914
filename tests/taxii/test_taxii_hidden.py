"""The egress gate on TAXII reads (doc/ACCESS.md, "Reading"): versions a
user may not read do not exist for that user.

An object with no readable version is answered exactly like a missing one
(objects/{id}/, versions/ and DELETE: same status, same body apart from
error_id); hidden versions are left out of objects/ and manifest/ pages,
of versions lists, of `more` and of the X-TAXII-Date-Added-* headers.

The node of this module: partners USA (the node's own), IRQ and KRG; one
collection `shared` every user may read and write; readers of USA and IRQ
(clearance S), an IRQ reader with clearance R, an IRQ admin (for DELETE),
a USA admin, and an IRQ peer. The objects, in the order they are added, and
who of usa / irq / irqlow may read them:

| key         | markings                  | owner | readable by                 |
|-------------|---------------------------|-------|-----------------------------|
| pub1        | GREEN                     | USA   | all                         |
| usa_amber   | AMBER                     | USA   | usa                         |
| pub2        | GREEN                     | IRQ   | all                         |
| krg_plain   | none                      | KRG   | nobody of them              |
| rel_s       | REL TO USA, IRQ (S)       | USA   | usa, irq                    |
| up v1, v2   | GREEN, then AMBER         | USA   | usa (no version for others) |
| down v1, v2 | AMBER, then GREEN         | USA   | usa; others only v2         |
| irq_red     | RED                       | IRQ   | irq, irqlow (owner)         |
| rel_red     | RED + REL TO USA, IRQ (C) | USA   | usa, irq (not the peer)     |
| strict_krg  | AMBER+STRICT + REL ALL (C)| KRG   | usa, irq (not the peer)     |
| pub3        | GREEN                     | USA   | all                         |
| unowned     | GREEN, no created_by_ref  | none  | all                         |
| tail_amber  | AMBER                     | USA   | usa                         |
"""
import json
import uuid

import pytest

from .conftest import (AMBER, EPOCH, GREEN, IDENTITY, RED, REL_EXTENSION, Node,
                      assert_date_headers, assert_error, assert_page_headers, describe,
                      indicator, ini_set, stix_id, version_of)

from nodetools import without_provenance

AMBER_STRICT = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"


def unsigned(body):
    """A TAXII envelope as the test sent its objects: what the node's own
    partner made is served signed (doc/ACCESS.md, "Provenance")."""
    return dict(body, objects=[without_provenance(o) for o in body.get("objects", [])])
READERS = {   # name -> partner, role, clearance
    "usa": ("USA", "reader", "S"),
    "irq": ("IRQ", "reader", "S"),
    "irqlow": ("IRQ", "reader", "R"),
    "irqadmin": ("IRQ", "admin", "S"),
    "usaadmin": ("USA", "admin", "S"),
    "irqpeer": ("IRQ", "peer", "S"),
}
ALL = {"usa", "irq", "irqlow"}


def rel_marking(codes, classification, partner="USA"):
    return {"type": "marking-definition", "spec_version": "2.1",
            "id": stix_id("marking-definition"), "created": "2026-01-01T00:00:00.000Z",
            "created_by_ref": IDENTITY[partner],
            "name": f"{classification}//REL TO {', '.join(codes)}",
            "extensions": {REL_EXTENSION: {"extension_type": "property-extension",
                                           "classification": classification,
                                           "releasable_to": codes}}}


def obj(n, markings, owner="USA", **extra):
    extra.setdefault("created_by_ref", IDENTITY[owner] if owner else None)
    return indicator(n, object_marking_refs=markings or None, **extra)


def two(n, first, second, owner="USA"):
    v1 = obj(n, first, owner, modified="2026-01-01T00:00:00.000Z")
    v2 = dict(v1, modified="2026-02-01T00:00:00.000Z", object_marking_refs=second)
    return [v1, v2]


@pytest.fixture(scope="module")
def hnode(cx_binary, tmp_path_factory):
    n = Node(tmp_path_factory.mktemp("hidden") / "node")
    n.init()
    ini_set(n.ini, "node", "partner", "USA")
    for code, name in (("USA", "United States"), ("IRQ", "Iraq"), ("KRG", "Kurdistan")):
        n.add_partner(code, name)
    for name, (partner, role, clearance) in READERS.items():
        n.add_user(name, partner, role, f"{name}-password", clearance=clearance)
        n.users[name].token, _ = n.create_token(name)
    n.add_collection("shared", "coalition", "Shared", [("*", "*", "read-write")])
    rel_s = rel_marking(["USA", "IRQ"], "S")
    rel_c = rel_marking(["USA", "IRQ"], "C")
    rel_all = rel_marking(["USA", "IRQ", "KRG"], "C", partner="KRG")
    n.import_objects([rel_s, rel_c, rel_all], None, "markings")
    plan = [
        ("pub1", [obj(1, [GREEN])], ALL),
        ("usa_amber", [obj(2, [AMBER])], {"usa"}),
        ("pub2", [obj(3, [GREEN], "IRQ")], ALL),
        ("krg_plain", [obj(4, [], "KRG")], set()),
        ("rel_s", [obj(5, [rel_s["id"]])], {"usa", "irq"}),
        ("up", two(6, [GREEN], [AMBER]), {"usa"}),
        ("down", two(7, [AMBER], [GREEN]), ALL),
        ("irq_red", [obj(8, [RED], "IRQ")], {"irq", "irqlow"}),
        ("rel_red", [obj(9, [RED, rel_c["id"]])], {"usa", "irq"}),
        ("strict_krg", [obj(10, [AMBER_STRICT, rel_all["id"]], "KRG")], {"usa", "irq"}),
        ("pub3", [obj(11, [GREEN])], ALL),
        ("unowned", [obj(12, [GREEN], None)], ALL),
        ("tail_amber", [obj(13, [AMBER])], {"usa"}),
    ]
    n.data["plan"] = plan
    n.data["objs"] = {key: versions for key, versions, _ in plan}
    # One import per version, so that date_added follows the table.
    for key, versions, _ in plan:
        for v in versions:
            n.import_objects([v], "shared", key)
    n.start()
    try:
        yield n
    finally:
        n.stop()


def readable(n, user):
    """(id, version) a user may read, in date_added order: a version is
    readable when both it and the object's newest version admit the user."""
    out = []
    for key, versions, readers in n.data["plan"]:
        if user not in readers:
            continue
        if key == "down" and user != "usa":
            versions = versions[1:]
        out += [(v["id"], version_of(v)) for v in versions]
    return out


def path(n, rest=""):
    return n.col_path("shared", rest)


def missing_id():
    return f"indicator--{uuid.uuid4()}"


def hidden_for(user):
    return {"irq": ["usa_amber", "krg_plain", "up", "tail_amber"],
            "irqlow": ["rel_s", "rel_red", "strict_krg", "usa_amber"]}[user]


def comparable(r, oid):
    """What two answers must share: status, headers but the request's own,
    and the body without error_id, the object's id (which the request
    names) written as ID."""
    headers = {k.lower(): v for k, v in r.headers.items()
               if k.lower() not in ("date", "x-request-id")}
    try:
        body = json.loads(r.content.decode("utf-8").replace(oid, "ID"))
    except ValueError:
        body = r.content
    if isinstance(body, dict):
        body.pop("error_id", None)
    return r.status_code, headers, body


def assert_same_as_missing(hidden, oid, missing, gone):
    assert comparable(hidden, oid) == comparable(missing, gone), \
        f"a hidden object answers unlike a missing one:\n{describe(hidden)}\n{describe(missing)}"


# --- single objects ---------------------------------------------------------------

@pytest.mark.parametrize("user", ["irq", "irqlow"])
@pytest.mark.parametrize("rest,params", [
    ("", []),
    ("", [("match[version]", "all")]),
    ("", [("match[version]", "first"), ("limit", "1")]),
    ("versions/", []),
    ("versions/", [("limit", "1")]),
])
def test_hidden_object_answers_like_a_missing_one(hnode, user, rest, params):
    gone = missing_id()
    missing = hnode.get(path(hnode, f"objects/{gone}/{rest}"), user=user, params=params)
    assert_error(missing, 404)
    for key in hidden_for(user):
        oid = hnode.data["objs"][key][0]["id"]
        r = hnode.get(path(hnode, f"objects/{oid}/{rest}"), user=user, params=params)
        assert_same_as_missing(r, oid, missing, gone)
        # The object is there: its owner's partner reads it.
        if key != "krg_plain":
            assert hnode.get(path(hnode, f"objects/{oid}/{rest}"), user="usa",
                             params=params).status_code == 200


@pytest.mark.parametrize("params", [[], [("match[version]", "all")]])
def test_delete_of_a_hidden_object_answers_like_a_missing_one(hnode, params):
    gone = missing_id()
    missing = hnode.delete(path(hnode, f"objects/{gone}/"), user="irqadmin", params=params)
    assert_error(missing, 404)
    for key in hidden_for("irq"):
        oid = hnode.data["objs"][key][0]["id"]
        r = hnode.delete(path(hnode, f"objects/{oid}/"), user="irqadmin", params=params)
        assert_same_as_missing(r, oid, missing, gone)
        assert oid in hnode.store_ids("shared"), f"DELETE removed the hidden {key}"


def test_hidden_versions_are_not_listed(hnode):
    v1, v2 = hnode.data["objs"]["down"]
    oid = v1["id"]
    recs = {r["version"]: r for r in hnode.manifest("shared", [("match[id]", oid),
                                                             ("match[version]", "all")],
                                                    user="usa")}
    assert set(recs) == {v1["modified"], v2["modified"]}
    for user in ("irq", "irqlow"):
        r, body = hnode.get_ok(path(hnode, f"objects/{oid}/versions/"), user=user)
        assert body == {"versions": [v2["modified"]]}, body
        assert_page_headers(r, [recs[v2["modified"]]])
        # One readable version: a page of one holds it and announces no more.
        for rest in ("versions/", ""):
            r, body = hnode.get_ok(path(hnode, f"objects/{oid}/{rest}"), user=user,
                                   params=[("limit", "1")] + ([] if rest else
                                                              [("match[version]", "all")]))
            assert body.get("more", False) is False and "next" not in body, body
            assert len(body.get("versions", body.get("objects", []))) == 1, body
        for spec in ("all", "last"):
            r, body = hnode.get_ok(path(hnode, f"objects/{oid}/"), user=user,
                                   params=[("match[version]", spec)])
            assert unsigned(body) == {"objects": [v2]}, (spec, body)
            assert_page_headers(r, [recs[v2["modified"]]])
        # The hidden version answers like a version that never was.
        for ts in (v1["modified"], "2025-05-05T05:05:05.000Z"):
            r, body = hnode.get_ok(path(hnode, f"objects/{oid}/"), user=user,
                                   params=[("match[version]", ts)])
            assert body == {}, (ts, body)
            assert_date_headers(r, EPOCH, EPOCH)
    r, body = hnode.get_ok(path(hnode, f"objects/{oid}/versions/"), user="usa")
    assert body == {"versions": [v1["modified"], v2["modified"]]}


@pytest.mark.parametrize("user", ["irq", "irqlow"])
def test_first_is_the_oldest_readable_version(hnode, user):
    """match[version]=first names the oldest version in the collection; a
    version the user may not read does not exist for the user, so first is
    the oldest readable one (else the answer tells that an older, hidden
    version exists)."""
    v1, v2 = hnode.data["objs"]["down"]
    oid = v1["id"]
    for spec in ("first", "first,last"):
        _, body = hnode.get_ok(path(hnode, f"objects/{oid}/"), user=user,
                               params=[("match[version]", spec)])
        assert unsigned(body) == {"objects": [v2]}, (spec, body)
        items = hnode.all_items(path(hnode, "manifest/"), [("match[id]", oid),
                                                          ("match[version]", spec)], user)
        assert [i["version"] for i in items] == [v2["modified"]], (spec, items)


def test_newest_version_decides_for_older_ones(hnode):
    # up: v1 is GREEN, but the newest version is AMBER: v1 is hidden too.
    v1, v2 = hnode.data["objs"]["up"]
    for user in ("irq", "irqlow"):
        assert_error(hnode.get(path(hnode, f"objects/{v1['id']}/"), user=user,
                               params=[("match[version]", v1["modified"])]), 404)
    _, body = hnode.get_ok(path(hnode, f"objects/{v1['id']}/"), user="usa",
                           params=[("match[version]", "all")])
    assert unsigned(body)["objects"] == [v1, v2]


# --- lists ---------------------------------------------------------------------------

@pytest.mark.parametrize("user", ["usa", "irq", "irqlow"])
@pytest.mark.parametrize("endpoint", ["objects", "manifest"])
def test_lists_hold_exactly_what_the_user_may_read(hnode, user, endpoint):
    items = hnode.all_items(path(hnode, endpoint + "/"), [("match[version]", "all")], user)
    got = [(i["id"], version_of(i) if endpoint == "objects" else i["version"]) for i in items]
    assert got == readable(hnode, user)
    latest = hnode.all_items(path(hnode, endpoint + "/"), [], user)
    want = {}
    for oid, v in readable(hnode, user):
        want[oid] = max(want.get(oid, v), v)
    got = {i["id"]: (version_of(i) if endpoint == "objects" else i["version"]) for i in latest}
    assert got == want


@pytest.mark.parametrize("user", ["irq", "irqlow"])
@pytest.mark.parametrize("endpoint", ["objects", "manifest"])
def test_paging_counts_only_readable_versions(hnode, user, endpoint):
    want = readable(hnode, user)
    records = hnode.manifest("shared", [("match[version]", "all")], user=user)
    ep = path(hnode, endpoint + "/")
    # A page as large as what the user may read is the last one: the
    # hidden tail after it must not announce more.
    r, body = hnode.get_ok(ep, user=user, params=[("match[version]", "all"),
                                                  ("limit", str(len(want)))])
    assert len(body["objects"]) == len(want)
    assert body.get("more", False) is False and "next" not in body, body
    assert_page_headers(r, records)
    for limit in (1, 2, 3):
        pages = hnode.pages(ep, [("match[version]", "all"), ("limit", str(limit))], user)
        assert len(pages) == -(-len(want) // limit), (limit, [len(b["objects"]) for _, b in pages])
        start = 0
        for r, b in pages:
            assert len(b["objects"]) == min(limit, len(want) - start)
            assert_page_headers(r, records[start:start + len(b["objects"])])
            start += len(b["objects"])


def test_date_headers_ignore_hidden_records(hnode):
    usa = hnode.manifest("shared", [("match[version]", "all")], user="usa")
    tail = hnode.data["objs"]["tail_amber"][0]["id"]
    assert usa[-1]["id"] == tail
    irq = hnode.manifest("shared", [("match[version]", "all")], user="irq")
    r, _ = hnode.get_ok(path(hnode, "objects/"), user="irq",
                        params=[("match[version]", "all")])
    assert_page_headers(r, irq)
    assert r.headers["X-TAXII-Date-Added-Last"] != usa[-1]["date_added"]
    # After the last readable record there is nothing, however much is hidden.
    last = irq[-1]["date_added"]
    r, body = hnode.get_ok(path(hnode, "objects/"), user="irq",
                           params=[("match[version]", "all"), ("added_after", last)])
    assert body == {}
    assert_date_headers(r, last, last)


@pytest.mark.parametrize("endpoint", ["objects", "manifest"])
def test_match_id_of_a_hidden_object_is_empty(hnode, endpoint):
    ep = path(hnode, endpoint + "/")
    hidden = [hnode.data["objs"][k][0]["id"] for k in hidden_for("irq")]
    for oid in hidden + [missing_id()]:
        r, body = hnode.get_ok(ep, user="irq", params=[("match[id]", oid),
                                                      ("match[version]", "all")])
        assert body == {}, (oid, body)
        assert_date_headers(r, EPOCH, EPOCH)
    pub = hnode.data["objs"]["pub1"][0]["id"]
    items = hnode.all_items(ep, [("match[id]", ",".join(hidden + [pub]))], "irq")
    assert [i["id"] for i in items] == [pub]


# --- peers ------------------------------------------------------------------------------

def test_peer_reads_less_and_every_page_is_audited(hnode):
    """A peer node of partner IRQ: no TLP:RED unless IRQ owns it, no
    TLP:AMBER+STRICT unless this node's partner (USA) or IRQ owns it; every
    page it is served is a `release` entry of the audit."""
    want = [(i, v) for i, v in readable(hnode, "irq")
            if i not in (hnode.data["objs"]["rel_red"][0]["id"],
                         hnode.data["objs"]["strict_krg"][0]["id"])]
    before = hnode.audit("--action", "release")
    pages = hnode.pages(path(hnode, "objects/"), [("match[version]", "all"), ("limit", "4")],
                        "irqpeer")
    got = [(o["id"], version_of(o)) for _, b in pages for o in b["objects"]]
    assert got == want
    entries = hnode.audit("--action", "release")[len(before):]
    assert len(entries) == len(pages), entries
    for (r, b), e in zip(pages, entries):
        assert (e["actor"], e["partner"]) == ("irqpeer", "IRQ"), e
        assert e.get("request") == r.headers["X-Request-Id"], e
        assert [(x["id"], x["version"]) for x in e["objects"]] == \
            [(o["id"], version_of(o)) for o in b["objects"]], e
    # Readers are not audited for what they read.
    n = len(hnode.audit("--action", "release"))
    hnode.get_ok(path(hnode, "objects/"), user="irq")
    assert len(hnode.audit("--action", "release")) == n
