"""Security assistance, force protection and repatriation through the native
API (doc/RECORDS.md, "Security assistance, force protection and
repatriation"): each lifecycle end to end with the right partners, and each
refusal — wrong partner, wrong role, wrong state, a decision by another
partner than the one whose decision it is — with its status, field and rule."""
import json
import uuid

import pytest

from nodetools import REPO

from .conftest import GREEN, IDENTITY, Node, assert_error, rel_marking

FORBIDDEN, UNPROCESSABLE, CONFLICT, NOT_FOUND = 1009, 1010, 1014, 1000
INCIDENT_EXT = "extension-definition--24c5a9d5-5359-55d0-9ac5-d79afd75ff12"
GBR_IDENTITY = f"identity--{uuid.uuid4()}"
IRQ_IDENTITY = IDENTITY["IRQ"]
MOVEMENT_DECISION_EXT = json.loads((REPO / "schemas" / "cx-movement-decision.json")
                                   .read_text())["x_cx_extension_id"]

# name -> partner, roles, clearance
USERS = {
    "usa.contrib": ("USA", "contributor", "S"),
    "usa.approver": ("USA", "contributor,approver", "S"),
    "usa.co": ("USA", "contributor,case-officer", "S"),
    "usa.reader": ("USA", "reader", "S"),
    "irq.contrib": ("IRQ", "contributor", "S"),
    "irq.approver": ("IRQ", "contributor,approver", "S"),
    "irq.reader": ("IRQ", "reader", "S"),
    "krg.approver": ("KRG", "contributor,approver", "S"),
    "krg.reader": ("KRG", "reader", "S"),
    "gbr.contrib": ("GBR", "contributor", "S"),
}
MARKINGS = {"USA,IRQ": ["USA", "IRQ"], "USA,KRG": ["USA", "KRG"],
            "USA,IRQ,KRG": ["USA", "IRQ", "KRG"], "GBR,IRQ": ["GBR", "IRQ"],
            "GBR,KRG": ["GBR", "KRG"],
            "IRQ": ["IRQ"]}


@pytest.fixture(scope="module")
def node(api_binary, tmp_path_factory):
    n = Node(tmp_path_factory.mktemp("coalition-records") / "node")
    n.init()
    n.cx("partner", "add", "GBR", "--name", "United Kingdom", "--identity", GBR_IDENTITY)
    for name, (partner, roles, clearance) in USERS.items():
        n.add_user(name, partner, roles, clearance)
    marks = {k: rel_marking(v, "S") for k, v in MARKINGS.items()}
    n.import_objects(list(marks.values()), "markings")
    n.data["rel"] = {k: m["id"] for k, m in marks.items()}
    n.start()
    try:
        yield n
    finally:
        n.stop()


def create(node, user, body, marking="USA,IRQ"):
    r = node.post("objects", dict(body, object_marking_refs=[
        node.data["rel"][marking] if marking in node.data["rel"] else marking]), user=user)
    return r


def created(node, user, body, marking="USA,IRQ"):
    r = create(node, user, body, marking)
    assert r.status_code == 201, r.text
    return r.json()["object"]["id"]


def version(node, user, oid, changes):
    return node.post(f"objects/{oid}/versions", changes, user=user)


def step(node, user, oid, changes):
    r = version(node, user, oid, changes)
    assert r.status_code == 201, r.text
    return r.json()


def refused(r, status, code, field, rule):
    e = assert_error(r, status, code, field)
    assert e["detail"].startswith(rule + ":"), e
    return e


# --- security assistance -------------------------------------------------------------

def sa_case(**kw):
    c = {"type": "cx-security-assistance-case", "case_id": "IQ-B-ZAA",
         "name": "Exercise vehicle sustainment (fictional)", "programme": "fms",
         "purchaser": "IRQ", "implementing_agency": "Exercise Army command",
         "total_value": 1200000, "currency": "USD", "funding": "Exercise national funds",
         "lines": [{"description": "Exercise spare parts", "quantity": 10, "unit_cost": 1000,
                    "delivered_quantity": 0},
                   {"description": "Exercise training", "quantity": 2, "unit_cost": 5000}],
         "milestones": {"lor_received": "2026-09-01T00:00:00Z"}, "status": "lor-received"}
    c.update(kw)
    return {k: v for k, v in c.items() if v is not None}


def test_security_assistance_case_walks_its_lifecycle(node):
    cid = created(node, "usa.contrib", sa_case())
    d = node.detail("irq.reader", cid)  # the purchaser sees its case
    assert d["workflow"]["state"] == "lor-received"
    assert set(d["workflow"]["next"]) == {"loa-offered", "cancelled"}
    assert d["workflow"]["value_total"] == 20000 and d["workflow"]["value_delivered"] == 0
    assert d["workflow"]["days_in_stage"] == 0
    for status in ("loa-offered", "accepted", "implemented", "delivering"):
        step(node, "usa.contrib", cid, {"status": status})
    lines = sa_case()["lines"]
    lines[0]["delivered_quantity"] = 4
    wf = step(node, "usa.contrib", cid, {"lines": lines})["workflow"]
    assert wf["state"] == "delivering" and wf["value_delivered"] == 4000
    for status in ("supply-complete", "closed"):
        wf = step(node, "usa.contrib", cid, {"status": status})["workflow"]
    assert wf["state"] == "closed" and wf["next"] == []
    assert node.get(f"objects/{cid}", user="krg.reader").status_code == 404


def test_offer_near_expiry_is_flagged(node):
    cid = created(node, "usa.contrib", sa_case(case_id="IQ-D-ZAB", status="loa-offered",
                                               milestones={"offer_expires":
                                                           "2020-01-01T00:00:00Z"}))
    assert node.detail("usa.contrib", cid)["workflow"]["offer_expiring"] is True
    later = created(node, "usa.contrib", sa_case(case_id="IQ-D-ZAC", status="loa-offered",
                                                 milestones={"offer_expires":
                                                             "2099-01-01T00:00:00Z"}))
    assert node.detail("usa.contrib", later)["workflow"]["offer_expiring"] is False


@pytest.mark.parametrize("changes,marking,field,rule", [
    ({"case_id": "KU-B-ZAA"}, "USA,IRQ", "case_id", "unknown-code"),
    ({"case_id": "IQ-X-ZAA"}, "USA,IRQ", "case_id", "unknown-code"),
    ({"case_id": "IQ-B-1"}, "USA,IRQ", "case_id", "invalid-format"),
    ({"purchaser": "XXX"}, "USA,IRQ", "purchaser", "unknown-code"),
    ({}, "USA,KRG", "object_marking_refs", "not-released"),
    ({"programme": "gift"}, "USA,IRQ", "programme", "not-in-vocabulary"),
    ({"lines": [{"description": "x", "quantity": -1, "unit_cost": 1}]}, "USA,IRQ",
     "lines[0].quantity", "out-of-range"),
], ids=["country", "agency", "format", "purchaser", "not-released-to-purchaser", "programme",
        "line"])
def test_security_assistance_case_refusals(node, changes, marking, field, rule):
    before = len(node.list_all("usa.contrib", {"type": "cx-security-assistance-case"}))
    r = create(node, "usa.contrib", sa_case(**changes), marking)
    refused(r, 422, UNPROCESSABLE, field, rule)
    assert len(node.list_all("usa.contrib", {"type": "cx-security-assistance-case"})) == before


def test_security_assistance_case_wrong_state_and_wrong_partner(node):
    cid = created(node, "usa.contrib", sa_case(case_id="IQ-P-ZAD"))
    r = version(node, "usa.contrib", cid, {"status": "delivering"})
    e = assert_error(r, 409, CONFLICT, "status")
    assert set(e["allowed"]) == {"loa-offered", "cancelled"}
    r = version(node, "irq.contrib", cid, {"status": "loa-offered"})
    assert_error(r, 403, FORBIDDEN)
    assert node.detail("usa.contrib", cid)["workflow"]["state"] == "lor-received"


# --- force protection ------------------------------------------------------------------

def movement(**kw):
    m = {"type": "cx-movement-request", "convoy_name": "Exercise convoy (fictional)",
         "host_nation": "IRQ", "window_start": "2026-12-01T06:00:00Z",
         "window_end": "2026-12-01T10:00:00Z", "start_point": "Exercise grid A (coarse)",
         "release_point": "Exercise grid B (coarse)",
         "route_points": ["Exercise checkpoint 1", "Exercise checkpoint 2"],
         "vehicle_count": 6, "personnel_count": 24, "escort_requested": True,
         "status": "submitted"}
    m.update(kw)
    return {k: v for k, v in m.items() if v is not None}


def decision(request, **kw):
    d = {"type": "cx-movement-decision", "request_ref": request, "decision": "approved",
         "movement_number": "EX-MOV-0001"}
    d.update(kw)
    return {k: v for k, v in d.items() if v is not None}


def test_movement_request_is_approved_only_by_the_host_nations_decision(node):
    req = created(node, "usa.contrib", movement())
    assert node.detail("irq.reader", req)["workflow"]["state"] == "submitted"
    # Not yet decided: the requester cannot start it.
    refused(version(node, "usa.contrib", req, {"status": "in-progress"}), 409, CONFLICT,
            "status", "not-decided")
    # Decisions by anyone but IRQ, or without the approver role, are refused.
    refused(create(node, "usa.approver", decision(req)), 403, FORBIDDEN, "created_by_ref",
            "not-host-nation")
    refused(create(node, "krg.approver", decision(req), "USA,IRQ,KRG"), 403, FORBIDDEN,
            "created_by_ref", "not-host-nation")
    refused(create(node, "irq.contrib", decision(req)), 403, FORBIDDEN, "type",
            "role-required")
    refused(create(node, "irq.approver", decision(req, movement_number=None)), 422,
            UNPROCESSABLE, "movement_number", "property-dependency")
    refused(create(node, "irq.approver", decision(req), "USA,IRQ,KRG"), 422, UNPROCESSABLE,
            "object_marking_refs", "need-to-know")
    did = created(node, "irq.approver", decision(req))
    wf = node.detail("usa.contrib", req)["workflow"]
    assert wf["state"] == "approved" and wf["decision"]["id"] == did
    assert wf["decision"]["movement_number"] == "EX-MOV-0001"
    assert step(node, "usa.contrib", req, {"status": "in-progress"})["workflow"]["state"] == \
        "in-progress"
    # The request no longer awaits a decision.
    refused(create(node, "irq.approver", decision(req, movement_number="EX-MOV-0002")), 409,
            CONFLICT, "request_ref", "wrong-state")
    done = step(node, "usa.contrib", req, {"status": "completed"})
    obj = done["object"]
    for gone in ("window_start", "window_end", "start_point", "release_point", "route_points"):
        assert gone not in obj, obj
    assert obj["convoy_name"] == "Exercise convoy (fictional)"
    assert len(done["versions"]) == 3  # submitted, in-progress, completed
    audit = [e for e in node.audit() if e["action"] == "movement.minimise"]
    assert any(e["detail"]["minimised"] == ["window_start", "window_end", "start_point",
                                            "release_point", "route_points"]
               and e["objects"][0]["id"] == req for e in audit), audit


def test_counter_proposal_then_revision_then_approval(node):
    req = created(node, "usa.contrib", movement(convoy_name="Exercise convoy 2"))
    refused(create(node, "irq.approver", decision(req, decision="counter-proposed",
                                                  movement_number=None)),
            422, UNPROCESSABLE, "conditions", "property-dependency")
    did = created(node, "irq.approver", decision(req, decision="counter-proposed",
                                                 movement_number=None,
                                                 conditions="Exercise: move after 08:00"))
    assert node.detail("usa.contrib", req)["workflow"]["state"] == "counter-proposed"
    step(node, "usa.contrib", req, {"window_start": "2026-12-01T08:00:00Z"})
    step(node, "irq.approver", did, {"decision": "approved", "movement_number": "EX-MOV-0003",
                                     "conditions": None})
    wf = node.detail("usa.contrib", req)["workflow"]
    assert wf["state"] == "approved" and wf["decision"]["movement_number"] == "EX-MOV-0003"


def test_the_host_nation_of_a_request_is_fixed(node):
    req = created(node, "usa.contrib", movement(convoy_name="Exercise convoy 7"))
    created(node, "irq.approver", decision(req, movement_number="EX-MOV-0007"))
    refused(version(node, "usa.contrib", req, {"host_nation": "KRG", "status": "in-progress"}),
            422, UNPROCESSABLE, "host_nation", "immutable")
    assert node.detail("usa.contrib", req)["object"]["host_nation"] == "IRQ"


def test_rejected_request_cannot_start(node):
    req = created(node, "usa.contrib", movement(convoy_name="Exercise convoy 3"))
    created(node, "irq.approver", decision(req, decision="rejected", movement_number=None))
    assert node.detail("usa.contrib", req)["workflow"]["state"] == "rejected"
    refused(version(node, "usa.contrib", req, {"status": "in-progress"}), 409, CONFLICT,
            "status", "not-decided")
    assert step(node, "usa.contrib", req, {"status": "cancelled"})["workflow"]["state"] == \
        "cancelled"


def test_krg_decides_its_own_requests_and_nobody_else_sees_them(node):
    req = created(node, "gbr.contrib", movement(host_nation="KRG"), "GBR,KRG")
    refused(create(node, "gbr.contrib", movement(host_nation="KRG"), "GBR,IRQ"), 422,
            UNPROCESSABLE, "object_marking_refs", "need-to-know")
    for outsider in ("usa.reader", "irq.reader"):
        assert node.get(f"objects/{req}", user=outsider).status_code == 404
    refused(create(node, "irq.approver", decision(req), "GBR,IRQ"), 403, FORBIDDEN,
            "created_by_ref", "not-host-nation")
    created(node, "krg.approver", decision(req, movement_number="EX-KRG-0001"), "GBR,KRG")
    assert node.detail("gbr.contrib", req)["workflow"]["state"] == "approved"


@pytest.mark.parametrize("changes,marking,field,rule", [
    ({"host_nation": "USA"}, "USA,IRQ", "host_nation", "unknown-code"),
    ({}, "USA,IRQ,KRG", "object_marking_refs", "need-to-know"),
    ({}, GREEN, "object_marking_refs", "need-to-know"),
    ({"window_end": None}, "USA,IRQ", "window_end", "property-dependency"),
    ({"window_end": "2026-12-01T05:00:00Z"}, "USA,IRQ", "window_end", "property-dependency"),
    ({"vehicle_count": -2}, "USA,IRQ", "vehicle_count", "out-of-range"),
    ({"escort_requested": "yes"}, "USA,IRQ", "escort_requested", "wrong-type"),
], ids=["host", "too-wide", "green", "no-window-end", "window-order", "count", "escort"])
def test_movement_request_refusals(node, changes, marking, field, rule):
    refused(create(node, "usa.contrib", movement(**changes), marking), 422, UNPROCESSABLE,
            field, rule)


def test_movement_request_starts_submitted_and_others_do_not_see_it(node):
    refused(create(node, "usa.contrib", movement(status="in-progress")), 409, CONFLICT,
            "status", "invalid-transition")
    req = created(node, "usa.contrib", movement(convoy_name="Exercise convoy 4"))
    assert node.get(f"objects/{req}", user="krg.reader").status_code == 404


def test_a_completed_movement_arriving_with_details_is_refused(node):
    """Other paths than the API (here `cx import`) get no silent minimising:
    a completed version must arrive without window and points."""
    req = created(node, "usa.contrib", movement(convoy_name="Exercise convoy 5"))
    obj = node.detail("usa.contrib", req)["object"]
    late = dict(obj, status="completed", modified="2099-01-01T00:00:00.000Z")
    path = node.dir.parent / f"completed-{uuid.uuid4().hex[:8]}.json"
    path.write_text(json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}",
                                "objects": [late]}), encoding="utf-8")
    p = node.cx("import", "--json", path, check=False)
    assert p.returncode == 1, p
    result = json.loads(p.stdout)["results"][0]
    assert (result["status"], result["property"], result["rule"]) == \
        ("rejected", "window_start", "minimised"), result
    assert node.detail("usa.contrib", req)["workflow"]["state"] == "submitted"


# --- incidents -------------------------------------------------------------------------

def incident(**kw):
    ext = {"extension_type": "property-extension", "report_stage": "flash",
           "occurred": "2026-11-20T03:00:00Z", "kind": "uas",
           "counts": {"events": 1, "uas": 2}, "casualties": {"killed": 0, "wounded": 1}}
    ext.update(kw)
    return {"type": "incident", "name": "Exercise UAS attempt (fictional)",
            "extensions": {INCIDENT_EXT: {k: v for k, v in ext.items() if v is not None}}}


def test_incident_report_goes_flash_update_final_by_its_creator(node):
    iid = created(node, "usa.contrib", incident(), "USA,IRQ,KRG")
    assert node.detail("krg.reader", iid)["workflow"] == {"stage": "flash",
                                                         "next": ["update", "final"]}
    ext = node.detail("usa.contrib", iid)["object"]["extensions"][INCIDENT_EXT]
    assert_error(version(node, "irq.contrib", iid,
                         {"extensions": {INCIDENT_EXT: dict(ext, report_stage="update")}}),
                 403, FORBIDDEN, "not-owner")
    step(node, "usa.contrib", iid, {"extensions": {INCIDENT_EXT: dict(
        ext, report_stage="update", host_nation_response="Exercise: ISF QRF deployed")}})
    wf = step(node, "usa.contrib", iid, {"extensions": {INCIDENT_EXT: dict(
        ext, report_stage="final")}})["workflow"]
    assert wf == {"stage": "final", "next": []}
    e = assert_error(version(node, "usa.contrib", iid, {"extensions": {INCIDENT_EXT: dict(
        ext, report_stage="flash")}}), 409, CONFLICT)
    assert "final" in e["detail"]


@pytest.mark.parametrize("changes,field,rule", [
    ({"kind": None}, f"extensions.{INCIDENT_EXT}.kind", "required"),
    ({"kind": "rocket"}, f"extensions.{INCIDENT_EXT}.kind", "not-in-vocabulary"),
    ({"casualties": {"killed": -1}}, f"extensions.{INCIDENT_EXT}.casualties.killed",
     "out-of-range"),
    ({"names": ["x"]}, f"extensions.{INCIDENT_EXT}.names", "forbidden-property"),
], ids=["kind-missing", "kind", "casualties", "extra"])
def test_incident_report_refusals(node, changes, field, rule):
    refused(create(node, "usa.contrib", incident(**changes), "USA,IRQ,KRG"), 422, UNPROCESSABLE,
            field, rule)


# --- repatriation ----------------------------------------------------------------------

def rcase(**kw):
    c = {"type": "cx-repatriation-case", "case_number": "RC-2026-0001", "origin_kind": "camp",
         "origin": "Exercise camp (fictional)", "category": "displaced-family",
         "home_nation": "IRQ", "household_size": 4, "status": "identified"}
    c.update(kw)
    return {k: v for k, v in c.items() if v is not None}


def home_decision(case, **kw):
    d = {"type": "cx-home-nation-decision", "case_ref": case, "decision": "accepted",
         "authority": "Exercise ministry (fictional)", "decision_date": "2026-11-01T00:00:00Z"}
    d.update(kw)
    return d


def test_repatriation_case_is_accepted_by_its_home_nations_decision(node):
    cid = created(node, "usa.co", rcase())
    for status in ("verification-pending", "verified", "home-nation-requested"):
        step(node, "usa.co", cid, {"status": status})
    refused(version(node, "usa.co", cid, {"status": "accepted"}), 409, CONFLICT, "status",
            "not-decided")
    refused(create(node, "usa.approver", home_decision(cid)), 403, FORBIDDEN, "created_by_ref",
            "not-home-nation")
    refused(create(node, "irq.contrib", home_decision(cid)), 403, FORBIDDEN, "type",
            "role-required")
    refused(create(node, "irq.approver", home_decision(cid), "IRQ"), 422, UNPROCESSABLE,
            "object_marking_refs", "not-released")
    did = created(node, "irq.approver", home_decision(cid))
    wf = node.detail("irq.reader", cid)["workflow"]
    assert wf["decision"]["id"] == did and wf["decision"]["decision"] == "accepted"
    refused(version(node, "usa.co", cid, {"status": "declined"}), 409, CONFLICT, "status",
            "not-decided")
    for status in ("accepted", "transfer-scheduled", "transferred", "received",
                   "in-rehabilitation", "reintegrated", "closed"):
        wf = step(node, "usa.co", cid, {"status": status})["workflow"]
        assert wf["state"] == status
    assert wf["next"] == []
    assert node.get(f"objects/{cid}", user="krg.reader").status_code == 404


def test_deferred_case_is_requested_again(node):
    cid = created(node, "usa.co", rcase(case_number="RC-2026-0002",
                                        status="home-nation-requested"))
    refused(create(node, "irq.approver", home_decision(cid, case_ref=f"cx-repatriation-case--"
                                                        f"{uuid.uuid4()}")),
            422, UNPROCESSABLE, "case_ref", "unknown-reference")
    did = created(node, "irq.approver", home_decision(cid, decision="deferred"))
    step(node, "usa.co", cid, {"status": "deferred"})
    # The case no longer awaits a decision: a new one is the wrong state.
    refused(create(node, "irq.approver", home_decision(cid)), 409, CONFLICT, "case_ref",
            "wrong-state")
    step(node, "usa.co", cid, {"status": "home-nation-requested"})
    step(node, "irq.approver", did, {"decision": "declined"})
    step(node, "usa.co", cid, {"status": "declined"})
    assert step(node, "usa.co", cid, {"status": "closed"})["workflow"]["state"] == "closed"


@pytest.mark.parametrize("user,changes,marking,status,code,field,rule", [
    ("usa.contrib", {}, "USA,IRQ", 403, FORBIDDEN, "type", "role-required"),
    ("usa.co", {"x_family_name": "Exercise"}, "USA,IRQ", 422, UNPROCESSABLE, "x_family_name",
     "personal-data"),
    ("usa.co", {"labels": ["Exercise person"]}, "USA,IRQ", 422, UNPROCESSABLE, "labels",
     "personal-data"),
    ("usa.co", {}, "USA,KRG", 422, UNPROCESSABLE, "object_marking_refs", "not-released"),
    ("usa.co", {"case_number": "Jane Doe"}, "USA,IRQ", 422, UNPROCESSABLE, "case_number",
     "invalid-format"),
    ("usa.co", {"status": "accepted"}, "USA,IRQ", 409, CONFLICT, "status",
     "invalid-transition"),
], ids=["role", "custom-property", "labels", "not-released", "case-number", "starts-decided"])
def test_repatriation_case_refusals(node, user, changes, marking, status, code, field, rule):
    refused(create(node, user, rcase(**changes), marking), status, code, field, rule)


# --- the same rules through TAXII ------------------------------------------------------

TAXII = "application/taxii+json;version=2.1"


def test_decisions_and_their_partners_are_the_nodes_rules_through_taxii_too(node):
    """A USA approver posting a movement decision over TAXII is refused as
    through the API; IRQ's own decision over TAXII is stored and decides."""
    node.cx("collection", "add", "--title", "Force protection", "--alias", "fp")
    for partner in ("USA", "IRQ"):
        node.cx("collection", "allow", "fp", "--partner", partner, "--role", "*",
                "--read-write")
    req = created(node, "usa.contrib", movement(convoy_name="Exercise convoy 6"))

    def post(user, obj):
        r = node.request("POST", "/coalition/collections/fp/objects/", user=user,
                         body={"objects": [obj]}, content_type=TAXII,
                         headers={"Accept": TAXII})
        assert r.status_code == 202, r.text
        return r.json()

    def decided_by(partner, **kw):
        return dict(decision(req, **kw), id=f"cx-movement-decision--{uuid.uuid4()}",
                    spec_version="2.1", created="2026-11-20T00:00:00.000Z",
                    modified="2026-11-20T00:00:00.000Z",
                    created_by_ref=node.detail("usa.contrib", req)["object"]["created_by_ref"]
                    if partner == "USA" else IRQ_IDENTITY,
                    object_marking_refs=[node.data["rel"]["USA,IRQ"]],
                    extensions={MOVEMENT_DECISION_EXT: {"extension_type": "new-sdo"}})

    st = post("usa.approver", decided_by("USA"))
    assert st["failure_count"] == 1 and "not-host-nation" in st["failures"][0]["message"], st
    assert node.detail("usa.contrib", req)["workflow"]["state"] == "submitted"
    st = post("irq.approver", decided_by("IRQ"))
    assert st["success_count"] == 1, st
    assert node.detail("usa.contrib", req)["workflow"]["state"] == "approved"
