"""Creating the project's record types through the API: the node adds the
extension that declares the type, and the type's schema is enforced."""
from .conftest import GREEN
from nodetools import without_provenance  # objects of the node's partner are signed


def commitment(**kw):
    body = {"type": "cx-commitment", "statement": "Exercise commitment", "owner_partner": "USA",
            "status": "open", "object_marking_refs": [GREEN]}
    body.update(kw)
    return body


def test_create_record_adds_its_extension_and_is_readable(wnode):
    r = wnode.post("objects", commitment(), user="usacontrib")
    assert r.status_code == 201, r.text
    obj = r.json()["object"]
    assert obj["type"] == "cx-commitment" and obj["id"].startswith("cx-commitment--")
    (ext_id, ext), = without_provenance(obj)["extensions"].items()
    assert ext_id.startswith("extension-definition--") and ext == {"extension_type": "new-sdo"}
    got = wnode.get(f"objects/{obj['id']}", user="usacontrib")
    assert got.status_code == 200 and got.json()["object"] == obj


def test_create_record_breaking_its_schema_is_422_naming_the_property(wnode):
    r = wnode.post("objects", commitment(status="late"), user="usacontrib")
    assert r.status_code == 422, r.text
    e = r.json()
    assert e["code"] == 1010 and e["field"] == "status", e
    r = wnode.post("objects", commitment(colour="red"), user="usacontrib")
    assert r.status_code == 422 and r.json()["field"] == "colour", r.text


def test_new_version_of_a_record_is_checked_too(wnode):
    r = wnode.post("objects", commitment(), user="usacontrib")
    oid = r.json()["object"]["id"]
    ok = wnode.post(f"objects/{oid}/versions", {"status": "in-progress"}, user="usacontrib")
    assert ok.status_code == 201 and ok.json()["object"]["status"] == "in-progress", ok.text
    bad = wnode.post(f"objects/{oid}/versions", {"status": "finished"}, user="usacontrib")
    assert bad.status_code == 422 and bad.json()["field"] == "status", bad.text
