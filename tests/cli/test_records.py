"""The project's record types: new SDOs declared by the node's own
extension-definitions, checked against their JSON schemas on every write
(doc/RECORDS.md)."""
import json
import uuid

import pytest
import requests

from conftest import REPO, RECORD_TYPES, export, import_json, write_bundle
from test_serve import free_port, start, stop, wait_healthy

T = "2026-11-01T10:00:00.000Z"


def schema(t):
    return json.loads((REPO / "schemas" / f"{t}.json").read_text())


def record(t, **props):
    obj = {"type": t, "spec_version": "2.1", "id": f"{t}--{uuid.uuid4()}", "created": T,
           "modified": T, "extensions": {schema(t)["x_cx_extension_id"]:
                                         {"extension_type": "new-sdo"}}}
    obj.update(props)
    return obj


def commitment(**kw):
    props = {"statement": "Enhance Iraq's security and defence capabilities",
             "owner_partner": "USA", "status": "open", "area": "security cooperation",
             "due_date": "2027-06-30T00:00:00Z"}
    props.update(kw)
    return record("cx-commitment", **props)


FRAMEWORK = {"name": "Exercise conditions framework", "factors": [
    {"name": "IS threat", "weight": 0.25, "indicators": [
        {"name": "attacks per month", "unit": "count", "direction": "lower-is-better",
         "weight": 1.0, "threshold_good": 5, "threshold_poor": 30}]}]}


def outcome(node, tmp_path, obj):
    f = write_bundle(tmp_path / f"{uuid.uuid4()}.json", [obj])
    _, rep = import_json(node, f)
    return rep["results"][0]


def test_every_record_type_is_declared_at_init(node):
    _, _, objects = export(node)
    ids = {o["id"]: o for o in objects}
    for t in RECORD_TYPES:
        ext = ids[schema(t)["x_cx_extension_id"]]
        kind = schema(t).get("x_cx_extension_type", "new-sdo")
        assert ext["type"] == "extension-definition" and ext["extension_types"] == [kind]
        assert f"/schemas/{t}.json" in ext["schema"]


@pytest.mark.parametrize("obj", [
    commitment(),
    record("cx-dialogue", name="Exercise Joint Security Cooperation Dialogue", kind="jscd",
           date="2026-08-01T00:00:00Z", statement="Synthetic statement."),
    record("cx-aat-activity", name="Exercise advise mission", kind="advise", status="requested",
           headcount=12),
    record("cx-assessment-framework", **FRAMEWORK),
    record("cx-transition-milestone", name="Exercise site handover", phase="2",
           handover_state="joint"),
], ids=lambda o: o["type"])
def test_valid_records_are_stored(node, tmp_path, obj):
    r = outcome(node, tmp_path, obj)
    assert r["status"] == "stored", r


@pytest.mark.parametrize("obj,prop,rule", [
    (commitment(owner_partner=None), "owner_partner", "required"),
    (commitment(status="late"), "status", "not-in-vocabulary"),
    (commitment(owner_partner="usa"), "owner_partner", "invalid-format"),
    (commitment(due_date="tomorrow"), "due_date", "invalid-timestamp"),
    (commitment(dialogue_ref="not-an-id"), "dialogue_ref", "invalid-identifier"),
    (commitment(colour="red"), "colour", "forbidden-property"),
    (commitment(statement=""), "statement", "empty"),
    (record("cx-aat-activity", name="n", kind="advise", status="requested", headcount=-1),
     "headcount", "out-of-range"),
    (record("cx-assessment-framework", name="f", factors=[dict(FRAMEWORK["factors"][0],
      indicators=[dict(FRAMEWORK["factors"][0]["indicators"][0], direction="up")])]),
     "factors[0].indicators[0].direction", "not-in-vocabulary"),
    (record("cx-assessment", framework_ref=f"cx-assessment-framework--{uuid.uuid4()}",
            period_start=T, period_end=T, ratings=[{"factor": "IS threat", "rating": 2}],
            recommendation="maintain", status="draft"), "ratings[0].rating", "out-of-range"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_invalid_records_are_rejected_naming_property_and_rule(node, tmp_path, obj, prop, rule):
    obj = {k: v for k, v in obj.items() if v is not None}
    r = outcome(node, tmp_path, obj)
    assert r["status"] == "rejected", r
    assert (r["property"], r["rule"]) == (prop, rule), r


def test_record_type_must_match_its_extension(node, tmp_path):
    obj = commitment()
    obj["type"] = "cx-dialogue"
    obj["id"] = f"cx-dialogue--{uuid.uuid4()}"
    r = outcome(node, tmp_path, obj)
    assert r["status"] == "rejected" and r["rule"] == "invalid-extension", r


def test_schemas_are_served(node, tmp_path):
    port = free_port()
    proc, log = start(node, tmp_path, port)
    try:
        r, why = wait_healthy(proc, f"http://127.0.0.1:{port}/healthz")
        assert r is not None, why
        for t in RECORD_TYPES:
            got = requests.get(f"http://127.0.0.1:{port}/schemas/{t}.json", timeout=5)
            assert got.status_code == 200, got.text
            assert got.json() == schema(t)
        assert requests.get(f"http://127.0.0.1:{port}/schemas/cx-nothing.json",
                            timeout=5).status_code == 404
    finally:
        stop(proc, log, tmp_path)
