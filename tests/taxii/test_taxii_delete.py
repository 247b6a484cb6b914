"""Delete an Object (5.7): the permission table of the standard, then the
node's admin rule (doc/TAXII.md), and what a successful DELETE removes."""
import uuid

import pytest

from .conftest import assert_error, assert_taxii_type, describe


def obj_path(node, alias, oid, rest=""):
    return node.col_path(alias, f"objects/{oid}/{rest}")


def present(node, alias, oid, user="usaadmin"):
    r = node.get(obj_path(node, alias, oid), user=user)
    assert r.status_code in (200, 404), describe(r)
    return r.status_code == 200


def assert_deleted(r):
    assert r.status_code == 200, describe(r)
    assert_taxii_type(r)
    assert r.content == b"", f"DELETE answers 200 with an empty body: {r.content[:200]!r}"


@pytest.mark.parametrize("user,alias,key", [
    ("usaadmin", "hidden", "hidden"),     # admin, but no grant on the collection
    ("krguser", "indicators", "contrib"), # no grant at all
    ("irqreader", "mirror", "both"),      # no IRQ grant on mirror
])
def test_neither_read_nor_write_is_404(node, user, alias, key):
    oid = node.data["del"][key]["id"]
    assert_error(node.delete(obj_path(node, alias, oid), user=user), 404)


def test_read_only_is_403(node):
    oid = node.data["del"]["readonly"]["id"]
    assert_error(node.delete(obj_path(node, "readonly", oid), user="usaadmin"), 403)
    assert present(node, "readonly", oid)


def test_write_only_is_403(node):
    oid = node.data["del"]["dropbox"]["id"]
    assert_error(node.delete(obj_path(node, "dropbox", oid), user="usaadmin"), 403)
    assert_error(node.delete(obj_path(node, "dropbox", oid), user="irqreader"), 403)


def test_reader_on_read_write_collection_is_403(node):
    # irqreader can read `indicators` but not write it.
    oid = node.data["del"]["irq"]["id"]
    assert_error(node.delete(obj_path(node, "indicators", oid), user="irqreader"), 403)
    assert present(node, "indicators", oid)


def test_read_write_without_admin_role_is_403(node):
    oid = node.data["del"]["contrib"]["id"]
    assert_error(node.delete(obj_path(node, "indicators", oid), user="usacontrib"), 403)
    assert present(node, "indicators", oid)


def test_admin_delete(node):
    oid = node.data["del"]["admin"]["id"]
    assert present(node, "indicators", oid)
    assert_deleted(node.delete(obj_path(node, "indicators", oid), user="usaadmin"))
    # 5.7: fetching it MUST give 404, and the manifest and objects MUST NOT
    # return it.
    for user in ("usaadmin", "usacontrib", "irqreader"):
        assert_error(node.get(obj_path(node, "indicators", oid), user=user), 404)
        assert_error(node.get(obj_path(node, "indicators", oid, "versions/"), user=user), 404)
        for ep in ("objects/", "manifest/"):
            _, body = node.get_ok(node.col_path("indicators", ep), user=user,
                                  params=[("match[id]", oid), ("match[version]", "all")])
            assert body == {}, (ep, body)
    assert oid not in {r["id"] for r in node.manifest("indicators",
                                                      [("match[version]", "all")])}
    assert oid not in {o["id"] for o in node.objects("indicators")}


def test_delete_again_is_404(node):
    oid = node.data["del"]["absent_after"]["id"]
    assert_deleted(node.delete(obj_path(node, "indicators", oid), user="usaadmin"))
    assert_error(node.delete(obj_path(node, "indicators", oid), user="usaadmin"), 404)


def test_delete_missing_object_is_404(node):
    oid = f"indicator--{uuid.uuid4()}"
    assert_error(node.delete(obj_path(node, "indicators", oid), user="usaadmin"), 404)


def test_delete_removes_from_that_collection_only(node):
    oid = node.data["del"]["both"]["id"]
    assert present(node, "mirror", oid)
    assert_deleted(node.delete(obj_path(node, "indicators", oid), user="usaadmin"))
    assert not present(node, "indicators", oid)
    _, body = node.get_ok(obj_path(node, "mirror", oid), user="usaadmin")
    assert body["objects"] == [node.data["del"]["both"]]


def test_delete_one_version(node):
    vs = node.data["del"]["versions"]
    oid = vs[0]["id"]
    v1, v2, v3 = (v["modified"] for v in vs)
    path = obj_path(node, "indicators", oid)
    assert_deleted(node.delete(path, user="usaadmin", params=[("match[version]", v2)]))
    _, body = node.get_ok(obj_path(node, "indicators", oid, "versions/"))
    assert sorted(body["versions"]) == [v1, v3]
    _, body = node.get_ok(path, params=[("match[version]", "all")])
    assert sorted(o["modified"] for o in body["objects"]) == [v1, v3]
    _, body = node.get_ok(path, params=[("match[version]", v2)])
    assert body == {}
    recs = node.manifest("indicators", [("match[id]", oid), ("match[version]", "all")])
    assert sorted(r["version"] for r in recs) == [v1, v3]

    # first is now v1; deleting it leaves v3 alone.
    assert_deleted(node.delete(path, user="usaadmin", params=[("match[version]", "first")]))
    _, body = node.get_ok(path, params=[("match[version]", "all")])
    assert body["objects"] == [vs[2]]

    # The last version goes too: the object is gone from the collection.
    assert_deleted(node.delete(path, user="usaadmin", params=[("match[version]", "last")]))
    assert_error(node.get(path), 404)


def test_delete_with_basic_auth(node):
    """The same rules hold whatever the authentication scheme."""
    oid = node.data["del"]["params"]["id"]
    r = node.delete(obj_path(node, "indicators", oid), user="usacontrib", auth="basic")
    assert_error(r, 403)
    r = node.delete(obj_path(node, "indicators", oid), user="usaadmin", auth="basic")
    assert_deleted(r)
    assert not present(node, "indicators", oid)
