"""Get Objects (5.4) and Get Object Manifests (5.3): envelopes, sorting,
the date headers and every filter of 3.4, alone and combined.

Reads the `library` collection, which no test changes: the demo objects
every test user may read (a report in two versions), an indicator in three
versions imported newest first, and 32 generated objects."""
import pytest

from .conftest import (EPOCH, MAX_PAGE_SIZE, TS_RE, assert_date_headers, assert_page_headers,
                      version_of)

ENDPOINTS = ["objects", "manifest"]


# --- expectations --------------------------------------------------------------

def library(node):
    return node.data["library"]


def by_id(objs):
    out = {}
    for o in objs:
        out.setdefault(o["id"], []).append(o)
    return out


def select(versions, spec):
    """The versions of one object that match[version]=spec selects."""
    vs = sorted({version_of(o) for o in versions})
    out = set()
    for item in spec.split(","):
        if item == "last":
            out.add(vs[-1])
        elif item == "first":
            out.add(vs[0])
        elif item == "all":
            out.update(vs)
        elif item in vs:
            out.add(item)
    return out


def expect(node, ids=None, types=None, version="last"):
    """{(id, version)} the library holds for these filters."""
    out = set()
    for oid, versions in by_id(library(node)).items():
        if ids is not None and oid not in ids:
            continue
        if types is not None and versions[0]["type"] not in types:
            continue
        out |= {(oid, v) for v in select(versions, version)}
    return out


def keys_of(endpoint, items):
    if endpoint == "objects":
        return [(o["id"], version_of(o)) for o in items]
    return [(r["id"], r["version"]) for r in items]


def fetch(node, endpoint, params=(), user="usacontrib"):
    """Every item of a filtered request (following next), as a list of
    (id, version), checking there are no repeats."""
    items = node.all_items(node.col_path("library", endpoint + "/"), params, user)
    keys = keys_of(endpoint, items)
    assert len(keys) == len(set(keys)), f"an object version is returned twice: {keys}"
    return keys


@pytest.fixture(scope="module")
def records(node):
    """The library's manifest, every version, in the server's order."""
    return node.manifest("library", [("match[version]", "all")])


# --- envelope, sorting, headers -------------------------------------------------

def test_first_page_is_an_envelope(node):
    r, body = node.get_ok(node.col_path("library", "objects/"))
    assert set(body) <= {"more", "next", "objects"}, body.keys()
    objs = body["objects"]
    assert isinstance(objs, list) and 1 <= len(objs) <= MAX_PAGE_SIZE
    # 45 objects and max_page_size 25: the server must say there is more.
    assert body.get("more") is True
    assert isinstance(body.get("next"), str) and body["next"]
    for h in ("X-TAXII-Date-Added-First", "X-TAXII-Date-Added-Last"):
        assert TS_RE.match(r.headers.get(h, "")), (h, r.headers.get(h))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_default_returns_latest_version_of_everything(node, endpoint):
    assert set(fetch(node, endpoint)) == expect(node)


def test_objects_are_returned_as_stored(node):
    want = {(o["id"], version_of(o)): o for o in library(node)}
    got = node.objects("library", [("match[version]", "all")])
    assert len(got) == len(want)
    for o in got:
        assert o == want[(o["id"], version_of(o))], f"object changed in the store: {o['id']}"


def test_manifest_records(node, records):
    _, col = node.get_ok(node.col_path("library"))
    media_types = col.get("media_types", ["application/stix+json"])
    want = {(o["id"], version_of(o)) for o in library(node)}
    assert {(r["id"], r["version"]) for r in records} == want
    for r in records:
        assert set(r) <= {"id", "date_added", "version", "media_type"}, r
        assert TS_RE.match(r["date_added"]), f"date_added {r['date_added']!r} (2: timestamp)"
        if "media_type" in r:
            assert r["media_type"] in media_types, (r, media_types)


def test_sorted_by_date_added(node, records):
    added = [r["date_added"] for r in records]
    assert added == sorted(added), "manifest is not in ascending date_added order"
    assert len(set(added)) == len(added), "date_added is unique per node (doc/TAXII.md)"
    objs = fetch(node, "objects", [("match[version]", "all")])
    assert objs == keys_of("manifest", records), \
        "objects/ and manifest/ list the same versions in different orders"


def test_versions_of_one_object_follow_date_added(node, records):
    # The three-version indicator was imported newest first: date_added
    # order (v3, v1, v2) is not version order.
    mv = node.data["mv"]
    got = [r["version"] for r in records if r["id"] == mv[0]["id"]]
    assert got == [mv[2]["modified"], mv[0]["modified"], mv[1]["modified"]]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("params", [
    [("limit", "10")],
    [("match[version]", "all"), ("limit", "7")],
    [("match[type]", "indicator"), ("limit", "4")],
    [("match[type]", "malware,tool")],
])
def test_date_headers_name_first_and_last_of_each_page(node, endpoint, params):
    """Each page's headers equal the date_added of the page's first and last
    manifest record (the manifest pages the same way)."""
    pages = node.pages(node.col_path("library", endpoint + "/"), params)
    mpages = node.pages(node.col_path("library", "manifest/"), params)
    assert len(pages) == len(mpages)
    for (r, body), (_, mbody) in zip(pages, mpages):
        recs = mbody["objects"]
        assert keys_of(endpoint, body["objects"]) == keys_of("manifest", recs)
        assert_page_headers(r, recs)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_empty_collection_is_empty_object(node, endpoint):
    r, body = node.get_ok(node.col_path("empty", endpoint + "/"))
    assert body == {}, "an empty result is {} (3.7, 5.3.1)"
    assert_date_headers(r, EPOCH, EPOCH)
    r, body = node.get_ok(node.col_path("empty", endpoint + "/"),
                          params=[("added_after", "2025-05-05T05:05:05.123456Z")])
    assert body == {}
    assert_date_headers(r, "2025-05-05T05:05:05.123456Z", "2025-05-05T05:05:05.123456Z")


# --- match[id], match[type] and ANDing ----------------------------------------------

@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_match_id(node, endpoint):
    rid = node.data["report_id"]
    assert fetch(node, endpoint, [("match[id]", rid)]) == list(expect(node, ids={rid}))
    two = {rid, node.data["generated"][3]["id"]}
    assert set(fetch(node, endpoint, [("match[id]", ",".join(sorted(two)))])) == \
        expect(node, ids=two)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_match_id_not_in_collection_is_empty(node, endpoint):
    other = node.data["readonly"][0]["id"]   # stored, but in another collection
    for oid in (other, "indicator--00000000-0000-4000-8000-000000000000"):
        r, body = node.get_ok(node.col_path("library", endpoint + "/"),
                              params=[("match[id]", oid)])
        assert body == {}
        assert_date_headers(r, EPOCH, EPOCH)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_match_type(node, endpoint):
    assert set(fetch(node, endpoint, [("match[type]", "indicator")])) == \
        expect(node, types={"indicator"})
    assert set(fetch(node, endpoint, [("match[type]", "malware,tool")])) == \
        expect(node, types={"malware", "tool"})
    assert set(fetch(node, endpoint, [("match[type]", "tool,relationship,report")])) == \
        expect(node, types={"tool", "relationship", "report"})


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("types", ["incident", "grouping,campaign", "x-no-such-type"])
def test_match_type_with_nothing_stored_is_empty_not_error(node, endpoint, types):
    # STIX types MUST NOT be an error; other types MAY be fulfilled.
    assert not {o["type"] for o in library(node)} & set(types.split(","))
    _, body = node.get_ok(node.col_path("library", endpoint + "/"),
                          params=[("match[type]", types)])
    assert body == {}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_match_fields_are_anded(node, endpoint):
    rid, mvid = node.data["report_id"], node.data["mv"][0]["id"]
    got = fetch(node, endpoint, [("match[type]", "indicator"), ("match[id]", f"{rid},{mvid}")])
    assert set(got) == expect(node, ids={rid, mvid}, types={"indicator"})
    assert len(got) == 1
    got = fetch(node, endpoint, [("match[type]", "report"), ("match[id]", rid),
                                 ("match[version]", "all")])
    assert set(got) == expect(node, ids={rid}, version="all") and len(got) == 2
    _, body = node.get_ok(node.col_path("library", endpoint + "/"),
                          params=[("match[type]", "malware"), ("match[id]", mvid)])
    assert body == {}


# --- added_after -----------------------------------------------------------------

@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_added_after_returns_later_additions_only(node, endpoint, records):
    for k in (0, 12, len(records) - 2):
        got = fetch(node, endpoint, [("match[version]", "all"),
                                     ("added_after", records[k]["date_added"])])
        assert got == keys_of("manifest", records[k + 1:]), f"added_after record {k}"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_added_after_last_record_is_empty(node, endpoint, records):
    last = records[-1]["date_added"]
    r, body = node.get_ok(node.col_path("library", endpoint + "/"),
                          params=[("match[version]", "all"), ("added_after", last)])
    assert body == {}
    assert_date_headers(r, last, last)


@pytest.mark.parametrize("value", ["2000-01-01T00:00:00Z", "2000-01-01T00:00:00.1Z",
                                   "2000-01-01T00:00:00.123Z", "2000-01-01T00:00:00.123456Z"])
def test_added_after_any_fractional_precision(node, value):
    assert set(fetch(node, "manifest", [("added_after", value)])) == expect(node)


def test_added_after_in_future_echoed_in_microseconds(node):
    r, body = node.get_ok(node.col_path("library", "objects/"),
                          params=[("added_after", "2999-01-01T00:00:00.5Z")])
    assert body == {}
    assert_date_headers(r, "2999-01-01T00:00:00.500000Z", "2999-01-01T00:00:00.500000Z")


# --- match[version] ---------------------------------------------------------------

def multi(node):
    return {node.data["mv"][0]["id"], node.data["report_id"], node.data["generated"][0]["id"]}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("spec", ["last", "first", "all", "last,first", "first,last"])
def test_match_version_keywords(node, endpoint, spec):
    ids = multi(node)
    got = fetch(node, endpoint, [("match[id]", ",".join(sorted(ids))), ("match[version]", spec)])
    assert set(got) == expect(node, ids=ids, version=spec), spec


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_default_version_is_last(node, endpoint):
    ids = ",".join(sorted(multi(node)))
    assert fetch(node, endpoint, [("match[id]", ids)]) == \
        fetch(node, endpoint, [("match[id]", ids), ("match[version]", "last")])
    mv = node.data["mv"]
    assert (mv[0]["id"], mv[2]["modified"]) in fetch(node, endpoint, [("match[id]", ids)])


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_match_version_all_whole_collection(node, endpoint, records):
    assert fetch(node, endpoint, [("match[version]", "all")]) == keys_of("manifest", records)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_match_version_timestamps(node, endpoint):
    mv = node.data["mv"]
    v1, v2, v3 = (m["modified"] for m in mv)
    ids = ",".join(sorted(multi(node)))
    for spec in (v2, f"{v1},{v3}", f"first,{v2},last", f"{v3},first"):
        got = fetch(node, endpoint, [("match[id]", ids), ("match[version]", spec)])
        assert set(got) == expect(node, ids=multi(node), version=spec), spec
    # Across the whole collection a timestamp selects every object whose
    # version is exactly that one.
    got = fetch(node, endpoint, [("match[version]", v1)])
    assert set(got) == expect(node, version=v1)
    assert len(got) > 1


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_match_version_absent_timestamp_is_empty(node, endpoint):
    _, body = node.get_ok(node.col_path("library", endpoint + "/"),
                          params=[("match[version]", "1999-09-09T09:09:09.999Z")])
    assert body == {}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_match_version_with_type_filter(node, endpoint):
    got = fetch(node, endpoint, [("match[type]", "report"), ("match[version]", "first")])
    assert set(got) == expect(node, types={"report"}, version="first")


# --- match[spec_version] ----------------------------------------------------------

@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_match_spec_version(node, endpoint):
    everything = fetch(node, endpoint)
    assert fetch(node, endpoint, [("match[spec_version]", "2.1")]) == everything
    assert fetch(node, endpoint, [("match[spec_version]", "2.0,2.1")]) == everything
    r, body = node.get_ok(node.col_path("library", endpoint + "/"),
                          params=[("match[spec_version]", "2.0")])
    assert body == {}, "only 2.1 objects are stored; 2.0 MUST NOT return them"
    assert_date_headers(r, EPOCH, EPOCH)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_match_spec_version_with_other_filters(node, endpoint):
    got = fetch(node, endpoint, [("match[spec_version]", "2.1"), ("match[type]", "tool"),
                                 ("match[version]", "all")])
    assert set(got) == expect(node, types={"tool"}, version="all")


# --- query string forms -----------------------------------------------------------

@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_percent_encoded_parameters(node, endpoint):
    raw = fetch(node, endpoint, [("match[type]", "malware,tool")])
    path = node.col_path("library", endpoint + "/")
    _, body = node.get_ok(path, params="match%5Btype%5D=malware%2Ctool")
    assert keys_of(endpoint, body.get("objects", [])) == raw


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_unknown_fields_and_parameters_are_ignored(node, endpoint):
    plain = fetch(node, endpoint, [("match[type]", "tool")])
    assert fetch(node, endpoint, [("match[type]", "tool"), ("match[colour]", "red"),
                                  ("foo", "bar")]) == plain


def test_other_readers_see_the_same(node, records):
    # The IRQ reader's grant on the library is read: same manifest.
    assert node.manifest("library", [("match[version]", "all")], user="irqreader") == records
