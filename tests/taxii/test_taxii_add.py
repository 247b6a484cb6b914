"""Add Objects (5.5) and Get Status (4.3): the status resource, duplicates,
invalid objects, body limits, media types of the request, and write
permissions."""
import http.client
import json
import re
import uuid

import pytest

from .conftest import (IDENTITY, REPO, ROOTS, TAXII, TS_RE, assert_error, assert_taxii_type,
                      describe, indicator, malware, version_of)

STATUS_PROPS = {"id", "status", "request_timestamp", "total_count", "success_count",
                "successes", "failure_count", "failures", "pending_count", "pendings"}


def rule_codes():
    text = (REPO / "src" / "stix" / "error.h").read_text()
    return set(re.findall(r'#define CX_RULE_\w+\s+"([a-z-]+)"', text))


def check_status(s, total, successes, failures=()):
    """A complete status resource (4.3.1) with these successes and failures,
    each given as a list of objects."""
    assert isinstance(s, dict) and set(s) <= STATUS_PROPS, s
    u = uuid.UUID(s["id"])
    assert str(u) == s["id"] and u.version == 4, f"status id is not a UUIDv4: {s['id']}"
    assert s["status"] == "complete", s["status"]
    if "request_timestamp" in s:
        assert TS_RE.match(s["request_timestamp"]), s["request_timestamp"]
    for k in ("total_count", "success_count", "failure_count", "pending_count"):
        assert isinstance(s[k], int) and not isinstance(s[k], bool) and s[k] >= 0, (k, s[k])
    assert s["total_count"] == total
    assert s["success_count"] == len(successes)
    assert s["failure_count"] == len(failures)
    assert s["pending_count"] == 0
    assert s["success_count"] + s["failure_count"] + s["pending_count"] == s["total_count"]
    # Empty lists are prohibited (2: list): an empty one is omitted.
    assert "pendings" not in s, "pendings must be omitted when empty"
    for key, objs in (("successes", successes), ("failures", failures)):
        if not objs:
            assert key not in s, f"{key} must be omitted when empty"
            continue
        details = s[key]
        assert isinstance(details, list) and len(details) == len(objs)
        for d in details:
            assert isinstance(d.get("id"), str) and isinstance(d.get("version"), str), d
            assert set(d) <= {"id", "version", "message"}, d
        assert sorted((d["id"], d["version"]) for d in details) == \
            sorted((o["id"], version_of(o)) for o in objs), key
    return s


def post(node, alias, objects, user="usacontrib", **kw):
    r = node.post_objects(alias, objects, user=user, **kw)
    assert r.status_code == 202, describe(r)
    assert_taxii_type(r)
    return r.json()


def stored(node, alias, objects, user="usaadmin"):
    """The stored versions of these objects' ids in a collection."""
    ids = ",".join(sorted({o["id"] for o in objects}))
    return node.objects(alias, [("match[id]", ids), ("match[version]", "all")], user=user)


def test_post_and_status(node):
    objs = [indicator(i) for i in range(5)]
    s = check_status(post(node, "indicators", objs), 5, objs)
    got = stored(node, "indicators", objs)
    assert sorted(got, key=lambda o: o["id"]) == sorted(objs, key=lambda o: o["id"])

    # The same user reads the same status resource back.
    r, again = node.get_ok(f"/coalition/status/{s['id']}/")
    assert again == s
    # Nobody else does, whatever their rights on the collection.
    for user in ("usaadmin", "irqreader", "krguser"):
        assert_error(node.get(f"/coalition/status/{s['id']}/", user=user), 404)
    # A status resource belongs to the API root the objects were added in.
    assert_error(node.get(f"/second/status/{s['id']}/", user="usaadmin"), 404)
    assert_error(node.get(f"/second/status/{s['id']}/"), 404)
    # The status endpoint takes no parameters.
    assert_error(node.get(f"/coalition/status/{s['id']}/", params=[("limit", "1")]), 400,
                 "limit")


def test_status_ids_are_distinct(node):
    ids = {post(node, "indicators", [indicator(i)])["id"] for i in range(3)}
    assert len(ids) == 3


@pytest.mark.parametrize("sid", [str(uuid.uuid4()), "not-a-uuid"])
def test_unknown_status_is_404(node, sid):
    assert_error(node.get(f"/coalition/status/{sid}/"), 404)


def test_duplicates_are_not_failures(node):
    objs = [indicator(i) for i in range(4)]
    post(node, "indicators", objs)
    before = node.manifest("indicators", [("match[id]", ",".join(o["id"] for o in objs)),
                                          ("match[version]", "all")])
    s = post(node, "indicators", objs)
    check_status(s, 4, objs)
    after = node.manifest("indicators", [("match[id]", ",".join(o["id"] for o in objs)),
                                         ("match[version]", "all")])
    assert after == before, "posting duplicates added manifest records"


def test_new_version_by_post(node):
    v1 = indicator(7, modified="2026-01-01T00:00:00.000Z")
    v2 = dict(v1, modified="2026-04-01T00:00:00.000Z", name="Test indicator 7, revised")
    post(node, "indicators", [v1])
    check_status(post(node, "indicators", [v2]), 1, [v2])
    _, body = node.get_ok(node.col_path("indicators", f"objects/{v1['id']}/"))
    assert body["objects"] == [v2]
    _, body = node.get_ok(node.col_path("indicators", f"objects/{v1['id']}/versions/"))
    assert body["versions"] == [v1["modified"], v2["modified"]]


def test_invalid_objects_are_failures(node):
    good = [indicator(10), indicator(11), malware(1)]
    known = indicator(12)
    post(node, "indicators", [known])
    no_pattern = indicator(13)
    del no_pattern["pattern"]
    bad_pattern = indicator(14, pattern="[ipv4-addr:value = ]")
    backwards = indicator(15, created="2026-05-01T00:00:00.000Z",
                          modified="2026-04-01T00:00:00.000Z")
    no_family = malware(2)
    del no_family["is_family"]
    bad = [(no_pattern, "pattern", "required"), (bad_pattern, "pattern", "invalid-pattern"),
           (backwards, "modified", "timestamp-order"), (no_family, "is_family", "required")]
    envelope = [good[0], no_pattern, good[1], bad_pattern, known, backwards, good[2], no_family]
    s = post(node, "indicators", envelope)
    check_status(s, len(envelope), good + [known], [o for o, _, _ in bad])
    codes = rule_codes()
    messages = {f["id"]: f.get("message") for f in s["failures"]}
    for obj, prop, rule in bad:
        msg = messages[obj["id"]]
        assert isinstance(msg, str) and msg, f"failure of {obj['id']} has no message"
        assert prop in msg, f"message does not name the property {prop}: {msg!r}"
        assert rule in codes and rule in msg, f"message does not name rule {rule}: {msg!r}"
    got = {o["id"] for o in stored(node, "indicators", envelope)}
    assert got == {o["id"] for o in good + [known]}
    assert not {o["id"] for o, _, _ in bad} & node.store_ids(), "an invalid object was stored"


def test_unversioned_object_version_is_created(node):
    statement = {"type": "marking-definition", "spec_version": "2.1",
                 "id": f"marking-definition--{uuid.uuid4()}",
                 "created": "2026-02-02T02:02:02.000Z",
                 "created_by_ref": IDENTITY["USA"], "definition_type": "statement",
                 "definition": {"statement": "Copyright 2026, conformance suite"}}
    s = post(node, "indicators", [statement])
    check_status(s, 1, [statement])
    assert s["successes"][0]["version"] == statement["created"]


def test_empty_envelope(node):
    # An envelope without objects is still an envelope: nothing to store.
    r = node.post_objects("indicators", [])
    if r.status_code == 202:
        check_status(r.json(), 0, [])
    else:
        assert_error(r, 422)


# --- permissions ---------------------------------------------------------------

@pytest.mark.parametrize("user,alias,status", [
    ("usacontrib", "readonly", 403),
    ("irqreader", "indicators", 403),     # read grant only
    ("irqreader", "library", 403),
    ("usaadmin", "union", 403),           # USA * read; write is for contributors
    # A write grant, but writing needs the contributor or admin role too
    # (doc/ACCESS.md, sovereign writes).
    ("irqreader", "dropbox", 403),
    ("usacontrib", "hidden", 404),
    ("krguser", "indicators", 404),
    ("irqreader", "mirror", 404),
])
def test_post_without_write_permission(node, user, alias, status):
    o = indicator(20, created_by_ref=IDENTITY[node.users[user].partner])
    assert_error(node.post_objects(alias, [o], user=user), status)
    assert o["id"] not in node.store_ids()


@pytest.mark.parametrize("user,alias", [
    ("irqcontrib", "dropbox"), ("usacontrib", "dropbox"), ("usacontrib", "union"),
    ("usaadmin", "inbox2"),
])
def test_post_with_write_permission(node, user, alias):
    # Each posts what its own partner created.
    o = indicator(21, created_by_ref=IDENTITY[node.users[user].partner])
    check_status(post(node, alias, [o], user=user), 1, [o])


def test_write_only_post_is_stored(node):
    o = indicator(22)
    s = post(node, "dropbox", [o], user="usacontrib")
    check_status(s, 1, [o])
    # The write-only user cannot read it back, but it is in the collection.
    assert_error(node.get(node.col_path("dropbox", "objects/"), user="usacontrib"), 403)
    assert o["id"] in node.store_ids("dropbox")
    _, again = node.get_ok(f"/coalition/status/{s['id']}/", user="usacontrib")
    assert again == s


# --- request media types and body --------------------------------------------------

@pytest.mark.parametrize("ctype", [
    "application/taxii+json;version=2.1", "application/taxii+json",
    "application/taxii+json; version=2.1", "application/taxii+json;version=2.1;charset=utf-8",
    "application/taxii+json; charset=utf-8",
])
def test_accepted_content_types(node, ctype):
    o = indicator(30)
    check_status(post(node, "indicators", [o], content_type=ctype), 1, [o])


@pytest.mark.parametrize("ctype", [
    "application/json", "application/stix+json;version=2.1", "application/taxii+json;version=2.0",
    "text/plain", "application/x-www-form-urlencoded", None,
])
def test_unsupported_content_type_is_415(node, ctype):
    o = indicator(31)
    r = node.post_objects("indicators", [o], content_type=ctype)
    assert_error(r, 415)
    assert o["id"] not in node.store_ids()


@pytest.mark.parametrize("accept", ["application/json", "application/stix+json;version=2.1",
                                    "text/html", None])
def test_post_not_accepting_taxii_is_406(node, accept):
    o = indicator(32)
    r = node.post_objects("indicators", [o], accept=accept)
    assert_error(r, 406)
    assert o["id"] not in node.store_ids()


def raw_post(node, alias, data, user="usacontrib"):
    return node.post(node.col_path(alias, "objects/"), None, user=user, data=data)


@pytest.mark.parametrize("data", [
    b"", b"not json", b"[1, 2]", b'"text"', b"null", b'{"objects": {}}', b'{"objects": "x"}',
    b'{"objects": [{"type": "indicator"}', b"\xff\xfe{}",
], ids=["empty", "text", "array", "string", "null", "objects-dict", "objects-string",
        "truncated", "bad-utf8"])
def test_body_not_an_envelope_is_422(node, data):
    assert_error(raw_post(node, "indicators", data), 422)


def test_duplicate_keys_are_422_and_store_nothing(node):
    o = indicator(33)
    one = json.dumps([o])
    data = ('{"objects": ' + one + ', "objects": ' + one + "}").encode()
    assert_error(raw_post(node, "indicators", data), 422)
    assert o["id"] not in node.store_ids()
    inner = json.dumps(o)[:-1] + ', "name": "again"}'
    data = ('{"objects": [' + inner + "]}").encode()
    assert_error(raw_post(node, "indicators", data), 422)
    assert o["id"] not in node.store_ids()


def padded(n_bytes):
    """An envelope of one indicator whose JSON is n_bytes long."""
    o = indicator(40, description="")
    base = len(json.dumps({"objects": [o]}).encode())
    o["description"] = "x" * (n_bytes - base)
    data = json.dumps({"objects": [o]}).encode()
    assert len(data) == n_bytes
    return o, data


def test_body_over_max_content_length_is_413(node):
    limit = ROOTS["second"]["bytes"]
    o, data = padded(limit + 1)
    r = raw_post(node, "inbox2", data, user="usaadmin")
    assert_error(r, 413)
    assert o["id"] not in node.store_ids()
    o, data = padded(4 * limit)
    assert_error(raw_post(node, "inbox2", data, user="usaadmin"), 413)


def test_body_under_max_content_length_is_accepted(node):
    limit = ROOTS["second"]["bytes"]
    for size in (limit - 200, limit):
        o, data = padded(size)
        r = raw_post(node, "inbox2", data, user="usaadmin")
        assert r.status_code == 202, f"{size} bytes: " + describe(r)
        check_status(r.json(), 1, [o])


def test_413_is_decided_before_the_body(node):
    """Announce a body far over the limit and send none of it: the answer
    must come without waiting for the body."""
    conn = http.client.HTTPConnection("127.0.0.1", node.port, timeout=10)
    try:
        conn.putrequest("POST", node.col_path("inbox2", "objects/"))
        conn.putheader("Accept", TAXII)
        conn.putheader("Content-Type", TAXII)
        conn.putheader("Authorization", f"Bearer {node.users['usaadmin'].token}")
        conn.putheader("Content-Length", str(50 * 1024 * 1024))
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    assert resp.status == 413, (resp.status, body[:500])
    assert resp.getheader("Content-Type") == TAXII
    err = json.loads(body)
    assert err["http_status"] == "413" and err["title"]


def test_post_params_not_allowed(node):
    o = indicator(41)
    r = node.post(node.col_path("indicators", "objects/"), {"objects": [o]},
                  params=[("match[type]", "indicator")])
    assert_error(r, 400, "match[type]")
    assert o["id"] not in node.store_ids()


def test_large_envelope(node):
    objs = [indicator(i) for i in range(2000)]
    r = node.post_objects("bulk", objs, user="usaadmin", timeout=120)
    assert r.status_code == 202, describe(r)
    s = check_status(r.json(), 2000, objs)
    assert len({d["id"] for d in s["successes"]}) == 2000
    recs = node.manifest("bulk", user="usaadmin")
    assert sorted(r["id"] for r in recs) == sorted(o["id"] for o in objs)
    added = [r["date_added"] for r in recs]
    assert added == sorted(added) and len(set(added)) == len(added)


def test_object_stored_elsewhere_joins_the_collection(node):
    """An object the node holds in another collection is a success, and is
    then a member of this one too."""
    g = node.data["generated"][7]
    s = post(node, "indicators", [g])
    check_status(s, 1, [g])
    _, body = node.get_ok(node.col_path("indicators", f"objects/{g['id']}/"))
    assert body["objects"] == [g]
    recs = node.manifest("indicators", [("match[id]", g["id"])])
    lib = node.manifest("library", [("match[id]", g["id"])])
    assert len(recs) == 1 and recs[0]["date_added"] > lib[0]["date_added"], \
        "date_added is when the object was added to this collection"


def test_unicode_round_trip(node):
    o = indicator(50, name="Ünïcödé ✓ 指標 — \U0001F6F0", description='quote " and \\ and \t')
    check_status(post(node, "indicators", [o]), 1, [o])
    r, body = node.get_ok(node.col_path("indicators", f"objects/{o['id']}/"))
    assert body["objects"] == [o]
    r.encoding = "utf-8"
    assert "Ünïcödé" in r.text or "\\u00dc" in r.text


def test_concurrent_posts(node):
    """Parallel envelopes are all stored, and date_added stays unique."""
    from concurrent.futures import ThreadPoolExecutor
    batches = [[indicator(i * 100 + j) for j in range(40)] for i in range(8)]

    def send(objs):
        return node.request("POST", node.col_path("union", "objects/"),
                            body={"objects": objs}, user="usacontrib")

    with ThreadPoolExecutor(max_workers=8) as ex:
        answers = list(ex.map(send, batches))
    for objs, r in zip(batches, answers):
        assert r.status_code == 202, describe(r)
        check_status(r.json(), 40, objs)
    recs = node.manifest("union", [("match[version]", "all")])
    ids = {r["id"] for r in recs}
    assert all(o["id"] in ids for b in batches for o in b)
    added = [r["date_added"] for r in recs]
    assert added == sorted(added) and len(set(added)) == len(added)


@pytest.mark.parametrize("modified", ["2026-03-03T03:03:03.123Z", "2026-03-03T03:03:03.123456Z",
                                      "2026-03-03T03:03:03.120000Z", "2026-03-03T03:03:03.1000Z"])
def test_version_is_the_modified_timestamp(node, modified):
    """status-details, manifest-record and versions give the STIX modified
    property as the version (4.3.1, 5.3.1, 5.8), and a client can select
    the object with either spelling."""
    o = indicator(60, created="2026-03-03T03:03:03.000Z", modified=modified)
    s = post(node, "indicators", [o])
    check_status(s, 1, [o])
    recs = node.manifest("indicators", [("match[id]", o["id"])])
    assert [r["version"] for r in recs] == [modified]
    _, body = node.get_ok(node.col_path("indicators", f"objects/{o['id']}/versions/"))
    assert body["versions"] == [modified]
    _, body = node.get_ok(node.col_path("indicators", f"objects/{o['id']}/"),
                          params=[("match[version]", modified)])
    assert body["objects"] == [o]
