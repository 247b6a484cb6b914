"""A whole exchange through taxii_client, a client written from the standard
alone: discovery, API root, collections, add with status, paging, filters,
version selection and delete, all with HTTP Basic as 8.5.1 requires of
clients."""
import pytest

from .conftest import ROOTS, TAXII, indicator, malware, versions_of
from .taxii_client import Server, TaxiiError


def test_scenario(node):
    contrib = Server(node.base, user="usacontrib", password=node.users["usacontrib"].password)
    admin = Server(node.base, user="usaadmin", password=node.users["usaadmin"].password)

    # Discovery, then the default API root.
    d = contrib.discover()
    assert d["title"]
    roots = contrib.api_roots()
    assert sorted(r.url for r in roots) == sorted(f"{node.base}/{n}/" for n in ROOTS)
    root = contrib.default_root()
    assert root.url == f"{node.base}/coalition/"
    assert TAXII in root.info()["versions"]
    assert root.max_content_length == ROOTS["coalition"]["bytes"]

    # Collections: find a writable one by alias.
    cols = root.collections()
    col = root.find_collection(alias="indicators")
    assert col is not None and col.can_read and col.can_write
    assert {c.info["alias"] for c in cols} >= {"indicators", "library"}
    assert not root.find_collection(alias="hidden")

    # Where the collection stands now: the last date_added seen.
    before = list(col.manifest(versions=["all"]))
    mark = None
    for page in col.pages(col.url + "manifest/", "objects",
                          [("match[version]", "all"), ("limit", "1000")]):
        mark = page.last or mark
    assert mark

    # Add 40 objects, one of them in three versions, and wait for the status.
    new = [indicator(i) for i in range(30)] + [malware(i) for i in range(7)]
    family = versions_of(indicator(99), ["2026-01-01T00:00:00.000Z",
                                         "2026-06-01T00:00:00.000Z",
                                         "2026-09-01T00:00:00.000Z"])
    status = col.add(new + family)
    assert status["status"] == "complete"
    assert status["total_count"] == 40 and status["success_count"] == 40
    assert status["failure_count"] == 0
    assert root.status(status["id"]) == status

    # Page through what was added since the mark, 6 at a time: the latest
    # version of each new object, nothing else.
    got = list(col.objects(added_after=mark, limit=6))
    assert sorted(o["id"] for o in got) == sorted(o["id"] for o in new + family[:1])
    assert [o for o in got if o["id"] == family[0]["id"]] == [family[2]]

    # Filters.
    mal = list(col.objects(added_after=mark, types=["malware"], limit=4))
    assert sorted(o["id"] for o in mal) == sorted(o["id"] for o in new[30:])
    some = [new[0]["id"], new[31]["id"], family[0]["id"]]
    picked = list(col.objects(ids=some, versions=["all"]))
    assert sorted((o["id"], o["modified"]) for o in picked) == \
        sorted([(new[0]["id"], new[0]["modified"]), (new[31]["id"], new[31]["modified"])] +
               [(v["id"], v["modified"]) for v in family])
    man = list(col.manifest(added_after=mark, versions=["all"], limit=9))
    assert len(man) == 40
    assert [m["date_added"] for m in man] == sorted(m["date_added"] for m in man)

    # Version selection on one object.
    fid = family[0]["id"]
    assert col.get_object(fid) == [family[2]]
    assert col.get_object(fid, versions=["first"]) == [family[0]]
    every = col.get_object(fid, versions=["all"], limit=1)
    assert sorted(every, key=lambda o: o["modified"]) == family
    assert col.get_object(fid, versions=[family[1]["modified"]]) == [family[1]]
    assert sorted(col.versions(fid, limit=2)) == [v["modified"] for v in family]

    # The contributor may not delete; the admin may.
    with pytest.raises(TaxiiError) as e:
        col.delete(fid)
    assert e.value.status == 403
    acol = admin.default_root().collection("indicators")
    acol.delete(fid, versions=[family[0]["modified"]])
    assert sorted(col.versions(fid)) == [family[1]["modified"], family[2]["modified"]]
    acol.delete(fid)
    with pytest.raises(TaxiiError) as e:
        col.get_object(fid)
    assert e.value.status == 404

    # Everything else the collection held is untouched.
    after = {(r["id"], r["version"]) for r in col.manifest(versions=["all"])}
    assert {(r["id"], r["version"]) for r in before} <= after
    assert fid not in {i for i, _ in after}
