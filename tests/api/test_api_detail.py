"""GET /api/v1/objects/{id} (doc/API.md): the object as stored, its summary
and labels, its readable versions oldest first, the relationships and
sightings that name it, and the objects that refer to it."""
from .conftest import IDENTITY, assert_error, ids
from nodetools import without_provenance  # objects of the node's partner are signed


def oid(rnode, key):
    return rnode.data["objs"][key][-1]["id"]


def test_detail_shape(rnode):
    d = rnode.detail("irq", oid(rnode, "pub"))
    assert set(d) >= {"object", "summary", "labels", "versions", "relationships",
                      "referenced_by"}, d.keys()
    assert without_provenance(d["object"]) == rnode.data["objs"]["pub"][0]
    s = d["summary"]
    assert (s["id"], s["type"], s["name"], s["owner"], s["revoked"]) == \
        (oid(rnode, "pub"), "indicator", "Alpha green beacon", "USA", False), s
    assert d["object"]["created_by_ref"] == IDENTITY["USA"]


def test_detail_summary_equals_list_summary(rnode):
    d = rnode.detail("irq", oid(rnode, "pub"))
    (it,) = [x for x in rnode.list_all("irq", [("q", "Alpha")]) if x["id"] == oid(rnode, "pub")]
    assert d["summary"] == it


def test_newest_version_and_all_versions_oldest_first(rnode):
    d = rnode.detail("krg", oid(rnode, "three"))
    assert without_provenance(d["object"]) == rnode.data["objs"]["three"][2]
    vs = d["versions"]
    assert [v["modified"] for v in vs] == ["2026-01-01T00:00:00.000Z",
                                           "2026-02-01T00:00:00.000Z",
                                           "2026-03-01T00:00:00.000Z"], vs
    for v in vs:
        assert {"modified", "date_added", "banner", "revoked"} <= set(v), v
        assert v["revoked"] is False
    assert d["summary"]["modified"] == "2026-03-01T00:00:00.000Z"


def test_revoked_versions(rnode):
    d = rnode.detail("irq", oid(rnode, "zeta_revoked"))
    assert [v["revoked"] for v in d["versions"]] == [False, True], d["versions"]
    assert d["object"]["revoked"] is True and d["summary"]["revoked"] is True


def test_relationships_both_directions(rnode):
    rel, sig = oid(rnode, "rel_indicates"), oid(rnode, "sighting")
    hidden = oid(rnode, "rel_hidden")
    d = rnode.detail("irq", oid(rnode, "pub"))
    assert set(ids(d["relationships"])) == {rel, sig}, d["relationships"]
    d = rnode.detail("usa", oid(rnode, "pub"))
    assert set(ids(d["relationships"])) == {rel, sig, hidden}, d["relationships"]
    # The malware is the target of both relationships.
    d = rnode.detail("irq", oid(rnode, "mal"))
    assert set(ids(d["relationships"])) == {rel}, d["relationships"]
    d = rnode.detail("usalow", oid(rnode, "mal"))
    assert set(ids(d["relationships"])) == {rel, hidden}, d["relationships"]
    for s in d["relationships"]:
        assert s["type"] in ("relationship", "sighting") and "banner" in s, s


def test_referenced_by(rnode):
    rep, hidden = oid(rnode, "report"), oid(rnode, "report_hidden")
    d = rnode.detail("krg", oid(rnode, "pub"))
    assert rep in ids(d["referenced_by"])
    assert hidden not in ids(d["referenced_by"])
    # Relationships and sightings are listed under relationships only.
    assert oid(rnode, "rel_indicates") not in ids(d["referenced_by"])
    d = rnode.detail("usa", oid(rnode, "pub"))
    assert {rep, hidden} <= set(ids(d["referenced_by"]))
    d = rnode.detail("irq", oid(rnode, "mal"))
    assert rep in ids(d["referenced_by"]) and hidden not in ids(d["referenced_by"])
    (s,) = [x for x in d["referenced_by"] if x["id"] == rep]
    assert (s["type"], s["name"]) == ("report", "Echo report"), s


def test_object_with_no_links(rnode):
    d = rnode.detail("irq", oid(rnode, "zeta_live"))
    assert d["relationships"] == [] and d["referenced_by"] == [], d


def test_missing_object(rnode):
    r = rnode.get("objects/indicator--00000000-0000-4000-8000-000000000000", user="usa")
    assert_error(r, 404, 1000)
