"""Get Collections (5.1) and Get a Collection (5.2), with the node's grants."""
import uuid

import pytest

from .conftest import COLLECTIONS, assert_error, expected_access

STIX_MEDIA = "application/stix+json;version=2.1"
COLLECTION_PROPS = {"id", "title", "description", "alias", "can_read", "can_write",
                    "media_types"}


def visible(root, user):
    """Aliases of the collections of a root that a user may see."""
    return {a for a, (r, _, _) in COLLECTIONS.items()
            if r == root and any(expected_access(a, user))}


def check_collection(node, c, user):
    """A collection resource against the standard (5.2.1) and the set-up."""
    assert set(c) <= COLLECTION_PROPS, f"unexpected properties: {set(c) - COLLECTION_PROPS}"
    for k in ("id", "title", "can_read", "can_write"):
        assert k in c, f"collection without required {k}: {c}"
    u = uuid.UUID(c["id"])
    assert str(u) == c["id"] and u.version == 4, f"id is not a UUIDv4: {c['id']}"
    alias = c.get("alias")
    assert alias in node.collections, f"unexpected collection {c}"
    want = node.collections[alias]
    assert c["id"] == want["id"]
    assert c["title"] == want["title"]
    assert c.get("description") == want["description"]
    assert c["can_read"] is expected_access(alias, user)[0], (user, c)
    assert c["can_write"] is expected_access(alias, user)[1], (user, c)
    if "media_types" in c:
        mt = c["media_types"]
        assert isinstance(mt, list) and mt, "media_types, when present, is a non-empty list"
        assert all(isinstance(m, str) for m in mt)
        assert STIX_MEDIA in mt, mt


@pytest.mark.parametrize("user", ["usaadmin", "usacontrib", "irqreader"])
def test_list_holds_only_permitted_collections(node, user):
    _, body = node.get_ok("/coalition/collections/", user=user)
    assert set(body) == {"collections"}, body
    cols = body["collections"]
    assert isinstance(cols, list) and cols
    got = [c.get("alias") for c in cols]
    assert len(got) == len(set(got)), f"a collection is listed twice: {got}"
    assert set(got) == visible("coalition", user), (user, got)
    for c in cols:
        check_collection(node, c, user)


def test_list_with_no_permitted_collection_is_empty_object(node):
    _, body = node.get_ok("/coalition/collections/", user="krguser")
    assert body == {}, "with no collections the key MUST be omitted (5.1.1)"


def test_lists_are_per_api_root(node):
    _, body = node.get_ok("/second/collections/", user="usaadmin")
    assert [c["alias"] for c in body["collections"]] == ["inbox2"]
    check_collection(node, body["collections"][0], "usaadmin")
    _, body = node.get_ok("/second/collections/", user="irqreader")
    assert body == {}


def test_list_order_is_consistent(node):
    orders = []
    for _ in range(4):
        _, body = node.get_ok("/coalition/collections/", user="usaadmin")
        orders.append([c["id"] for c in body["collections"]])
    assert all(o == orders[0] for o in orders), orders


@pytest.mark.parametrize("user", ["usaadmin", "usacontrib", "irqreader"])
def test_collection_resource_equals_list_entry(node, user):
    _, body = node.get_ok("/coalition/collections/", user=user)
    for entry in body["collections"]:
        _, one = node.get_ok(f"/coalition/collections/{entry['id']}/", user=user)
        assert one == entry


@pytest.mark.parametrize("alias", ["library", "dropbox", "union", "empty"])
def test_collection_by_alias(node, alias):
    _, by_id = node.get_ok(node.col_path(alias), user="usacontrib")
    _, by_alias = node.get_ok(f"/coalition/collections/{alias}/", user="usacontrib")
    assert by_alias == by_id
    assert by_id["alias"] == alias
    check_collection(node, by_id, "usacontrib")


def test_permissions_are_the_union_of_grants(node):
    # union: USA * read + USA contributor write.
    _, c = node.get_ok(node.col_path("union"), user="usacontrib")
    assert (c["can_read"], c["can_write"]) == (True, True)
    _, c = node.get_ok(node.col_path("union"), user="usaadmin")
    assert (c["can_read"], c["can_write"]) == (True, False)
    # empty: the partner wildcard grant (* reader read) admits the IRQ reader.
    _, c = node.get_ok(node.col_path("empty"), user="irqreader")
    assert (c["can_read"], c["can_write"]) == (True, False)


def test_write_only_collection_is_visible(node):
    _, c = node.get_ok(node.col_path("dropbox"), user="irqreader")
    assert (c["can_read"], c["can_write"]) == (False, True)


@pytest.mark.parametrize("user,alias", [
    ("usaadmin", "hidden"), ("usacontrib", "hidden"), ("irqreader", "hidden"),
    ("krguser", "hidden"), ("usaadmin", "irqonly"), ("krguser", "library"),
    ("irqreader", "markings"),
])
def test_collection_without_access_is_404(node, user, alias):
    assert_error(node.get(node.col_path(alias), user=user), 404)
    assert_error(node.get(f"/coalition/collections/{alias}/", user=user), 404)


def test_irq_only_collection_for_irq(node):
    _, c = node.get_ok(node.col_path("irqonly"), user="irqreader")
    assert (c["can_read"], c["can_write"]) == (True, False)


@pytest.mark.parametrize("ref", [str(uuid.uuid4()), "no-such-alias"])
def test_unknown_collection_is_404(node, ref):
    assert_error(node.get(f"/coalition/collections/{ref}/", user="usaadmin"), 404)


def test_collection_of_another_root_is_404(node):
    lib = node.col("library")["id"]
    inbox = node.col("inbox2")["id"]
    assert_error(node.get(f"/second/collections/{lib}/", user="usaadmin"), 404)
    assert_error(node.get(f"/coalition/collections/{inbox}/", user="usaadmin"), 404)
    assert_error(node.get(f"/second/collections/{lib}/objects/", user="usaadmin"), 404)


@pytest.mark.parametrize("param,value", [
    ("limit", "1"), ("added_after", "2020-01-01T00:00:00.000000Z"),
    ("match[type]", "indicator"), ("next", "x"),
])
def test_collection_endpoints_take_no_standard_parameters(node, param, value):
    assert_error(node.get("/coalition/collections/", params=[(param, value)]), 400, param)
    assert_error(node.get(node.col_path("library"), params=[(param, value)]), 400, param)


def test_every_user_sees_same_collection_ids(node):
    # A collection's identity does not depend on who asks.
    ids = {}
    for user in ("usaadmin", "usacontrib", "irqreader"):
        _, body = node.get_ok("/coalition/collections/", user=user)
        for c in body["collections"]:
            assert ids.setdefault(c["alias"], c["id"]) == c["id"]
    assert set(ids) == set().union(*(visible("coalition", u)
                                     for u in ("usaadmin", "usacontrib", "irqreader")))


def test_alias_addresses_every_endpoint(node):
    """An alias stands for the collection id in every collection URL."""
    mv = node.data["mv"][0]["id"]
    for rest, params in (("objects/", [("limit", "5")]), ("manifest/", [("limit", "5")]),
                         (f"objects/{mv}/", [("match[version]", "all")]),
                         (f"objects/{mv}/versions/", [])):
        _, by_id = node.get_ok(node.col_path("library", rest), params=params)
        _, by_alias = node.get_ok(f"/coalition/collections/library/{rest}", params=params)
        key = "versions" if rest.endswith("versions/") else "objects"
        assert by_alias[key] == by_id[key], rest
