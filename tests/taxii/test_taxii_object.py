"""Get an Object (5.6) and Get Object Versions (5.8)."""
import uuid

import pytest

from .conftest import (EPOCH, GREEN, assert_date_headers, assert_error, assert_page_headers,
                      tlp_green_definition)


def mv(node):
    return node.data["mv"]


def recs_of(node, oid, alias="library"):
    """The manifest records of every version of one object, in server order."""
    return node.manifest(alias, [("match[id]", oid), ("match[version]", "all")])


def by_version(node, oid, alias="library"):
    return {r["version"]: r for r in recs_of(node, oid, alias)}


def get_obj(node, oid, params=(), alias="library", user="usacontrib"):
    return node.get_ok(node.col_path(alias, f"objects/{oid}/"), params=list(params), user=user)


def test_default_is_last_version(node):
    v = mv(node)
    r, body = get_obj(node, v[0]["id"])
    assert set(body) <= {"more", "next", "objects"}
    assert body["objects"] == [v[2]]
    rec = by_version(node, v[0]["id"])[v[2]["modified"]]
    assert_date_headers(r, rec["date_added"], rec["date_added"])


@pytest.mark.parametrize("spec,want", [
    ("last", [2]), ("first", [0]), ("all", [2, 0, 1]), ("first,last", [2, 0]),
    ("v2", [1]), ("v1,v3", [2, 0]), ("first,v2,last", [2, 0, 1]),
])
def test_version_selection(node, spec, want):
    """Selected versions, in date_added order (v3 was added first)."""
    v = mv(node)
    for i, m in enumerate(("v1", "v2", "v3")):
        spec = spec.replace(m, v[i]["modified"])
    r, body = get_obj(node, v[0]["id"], [("match[version]", spec)])
    assert body["objects"] == [v[i] for i in want], spec
    recs = by_version(node, v[0]["id"])
    assert_page_headers(r, [recs[v[i]["modified"]] for i in want])


def test_report_versions(node):
    rid = node.data["report_id"]
    _, body = get_obj(node, rid, [("match[version]", "all")])
    assert sorted(o["modified"] for o in body["objects"]) == \
        ["2026-10-01T08:00:00.000Z", "2026-10-08T08:00:00.000Z"]
    _, body = get_obj(node, rid)
    assert [o["modified"] for o in body["objects"]] == ["2026-10-08T08:00:00.000Z"]


def test_added_after(node):
    v = mv(node)
    recs = recs_of(node, v[0]["id"])
    r, body = get_obj(node, v[0]["id"], [("match[version]", "all"),
                                         ("added_after", recs[0]["date_added"])])
    assert body["objects"] == [v[0], v[1]]
    assert_page_headers(r, recs[1:])


def test_limit_and_next(node):
    v = mv(node)
    recs = recs_of(node, v[0]["id"])
    pages = node.pages(node.col_path("library", f"objects/{v[0]['id']}/"),
                       [("match[version]", "all"), ("limit", "1")])
    assert [b["objects"] for _, b in pages] == [[v[2]], [v[0]], [v[1]]]
    assert [b.get("more", False) for _, b in pages] == [True, True, False]
    for (r, _), rec in zip(pages, recs):
        assert_page_headers(r, [rec])


def test_missing_object_is_404(node):
    oid = f"indicator--{uuid.uuid4()}"
    assert_error(node.get(node.col_path("library", f"objects/{oid}/")), 404)
    assert_error(node.get(node.col_path("library", f"objects/{oid}/versions/")), 404)


@pytest.mark.parametrize("where", ["readonly", "irqonly", "hidden"])
def test_object_of_another_collection_is_404(node, where):
    oid = node.data[where][0]["id"]
    assert_error(node.get(node.col_path("library", f"objects/{oid}/")), 404)
    assert_error(node.get(node.col_path("library", f"objects/{oid}/versions/")), 404)


def test_object_in_its_own_collection(node):
    oid = node.data["readonly"][0]["id"]
    _, body = get_obj(node, oid, alias="readonly")
    assert body["objects"] == [node.data["readonly"][0]]


def test_selection_matching_no_version_is_empty(node):
    """The object exists in the collection; a filter that selects none of its
    versions gives an empty envelope (5.6: MUST include an empty envelope)."""
    oid = mv(node)[0]["id"]
    for params in ([("match[version]", "1999-01-01T00:00:00.000Z")],
                   [("match[spec_version]", "2.0")]):
        r, body = get_obj(node, oid, params)
        assert body == {}, params
        assert_date_headers(r, EPOCH, EPOCH)


def test_spec_version_21(node):
    oid = mv(node)[0]["id"]
    _, a = get_obj(node, oid)
    _, b = get_obj(node, oid, [("match[spec_version]", "2.1")])
    _, c = get_obj(node, oid, [("match[spec_version]", "2.0,2.1")])
    assert a == b == c


def test_read_write_collection(node):
    rw = node.data["rw"]
    _, body = get_obj(node, rw[0]["id"], alias="indicators")
    assert body["objects"] == [rw[1]]
    _, body = get_obj(node, rw[0]["id"], [("match[version]", "all")], alias="indicators",
                      user="irqreader")
    assert body["objects"] == rw


def test_unversioned_object_uses_created(node):
    """A marking definition has no modified: its version is created (3.4.1,
    5.3.1, 5.8)."""
    created = tlp_green_definition()["created"]
    _, body = get_obj(node, GREEN, alias="markings")
    assert body["objects"] == [tlp_green_definition()]
    _, body = get_obj(node, GREEN, [("match[version]", created)], alias="markings")
    assert len(body["objects"]) == 1
    recs = node.manifest("markings")
    assert [(r["id"], r["version"]) for r in recs] == [(GREEN, created)]
    _, body = node.get_ok(node.col_path("markings", f"objects/{GREEN}/versions/"))
    assert body["versions"] == [created]


# --- versions/ -----------------------------------------------------------------

def test_versions_resource(node):
    v = mv(node)
    r, body = node.get_ok(node.col_path("library", f"objects/{v[0]['id']}/versions/"))
    assert set(body) <= {"more", "next", "versions"}, body
    recs = recs_of(node, v[0]["id"])
    assert body["versions"] == [rec["version"] for rec in recs], \
        "versions are listed in date_added order"
    assert body["versions"] == [v[2]["modified"], v[0]["modified"], v[1]["modified"]]
    assert body.get("more", False) is False
    assert_page_headers(r, recs)


def test_versions_of_single_version_object(node):
    g = node.data["generated"][5]
    r, body = node.get_ok(node.col_path("library", f"objects/{g['id']}/versions/"))
    assert body["versions"] == [g["modified"]]
    assert_page_headers(r, recs_of(node, g["id"]))


def test_versions_paging(node):
    v = mv(node)
    recs = recs_of(node, v[0]["id"])
    pages = node.pages(node.col_path("library", f"objects/{v[0]['id']}/versions/"),
                       [("limit", "2")])
    assert [b["versions"] for _, b in pages] == [[v[2]["modified"], v[0]["modified"]],
                                                 [v[1]["modified"]]]
    assert pages[0][1]["more"] is True
    assert_page_headers(pages[0][0], recs[:2])
    assert_page_headers(pages[1][0], recs[2:])


def test_versions_added_after(node):
    v = mv(node)
    recs = recs_of(node, v[0]["id"])
    path = node.col_path("library", f"objects/{v[0]['id']}/versions/")
    r, body = node.get_ok(path, params=[("added_after", recs[1]["date_added"])])
    assert body["versions"] == [v[1]["modified"]]
    assert_page_headers(r, recs[2:])
    r, body = node.get_ok(path, params=[("added_after", recs[2]["date_added"])])
    assert body == {}, "no versions: the key is omitted and the response is {} (5.8.1)"
    assert_date_headers(r, recs[2]["date_added"], recs[2]["date_added"])


def test_versions_spec_version(node):
    v = mv(node)
    path = node.col_path("library", f"objects/{v[0]['id']}/versions/")
    _, all21 = node.get_ok(path, params=[("match[spec_version]", "2.1")])
    assert len(all21["versions"]) == 3
    r, body = node.get_ok(path, params=[("match[spec_version]", "2.0")])
    assert body == {}
    assert_date_headers(r, EPOCH, EPOCH)
