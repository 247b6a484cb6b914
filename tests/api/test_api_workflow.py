"""Workflows of the coalition records through the API (doc/RECORDS.md):
state transitions, derived states, the assessment score and endorsement."""
import pytest

from .conftest import GREEN


def create(wnode, body, user="usacontrib"):
    body = dict(body, object_marking_refs=[GREEN])
    r = wnode.post("objects", body, user=user)
    assert r.status_code == 201, r.text
    return r.json()["object"]["id"]


def detail(wnode, oid, user="usacontrib"):
    r = wnode.get(f"objects/{oid}", user=user)
    assert r.status_code == 200, r.text
    return r.json()


def test_commitment_past_due_and_open_is_overdue(wnode):
    late = create(wnode, {"type": "cx-commitment", "statement": "Exercise late", "owner_partner":
                          "USA", "status": "open", "due_date": "2020-01-01T00:00:00Z"})
    future = create(wnode, {"type": "cx-commitment", "statement": "Exercise later",
                            "owner_partner": "USA", "status": "open",
                            "due_date": "2099-01-01T00:00:00Z"})
    assert detail(wnode, late)["workflow"]["overdue"] is True
    assert detail(wnode, future)["workflow"]["overdue"] is False
    r = wnode.post(f"objects/{late}/versions", {"status": "done"}, user="usacontrib")
    assert r.status_code == 201 and r.json()["workflow"]["overdue"] is False, r.text


def test_commitment_progress_notes_are_listed(wnode):
    c = create(wnode, {"type": "cx-commitment", "statement": "Exercise progress",
                       "owner_partner": "IRQ", "status": "in-progress"})
    n = create(wnode, {"type": "note", "content": "Exercise: half done", "object_refs": [c]},
               user="irqcontrib")
    wf = detail(wnode, c)["workflow"]
    assert [p["id"] for p in wf["progress"]] == [n]
    assert set(wf["next"]) == {"done", "dropped", "open"}


# Approving and cancelling need the approver (or admin) role: usaadmin.
APPROVALS = {"approved", "cancelled"}


@pytest.mark.parametrize("path,ok", [
    (["approved", "scheduled", "conducted", "reported", "closed"], True),
    (["conducted"], False),
    (["approved", "closed"], False),
    (["cancelled", "approved"], False),
])
def test_activity_follows_its_state_machine(wnode, path, ok):
    a = create(wnode, {"type": "cx-aat-activity", "name": "Exercise train", "kind": "train",
                       "status": "requested"})
    for i, state in enumerate(path):
        user = "usaadmin" if state in APPROVALS else "usacontrib"
        r = wnode.post(f"objects/{a}/versions", {"status": state}, user=user)
        last = i == len(path) - 1
        if ok or not last:
            assert r.status_code == 201, r.text
        else:
            # 409, naming the states the record may move to instead.
            assert r.status_code == 409, r.text
            e = r.json()
            assert e["code"] == 1014 and e["field"] == "status", e
            prev = path[-2] if len(path) > 1 else "requested"
            assert set(e["allowed"]) == {"requested": {"approved", "cancelled"},
                                         "approved": {"scheduled", "cancelled"},
                                         "cancelled": set()}[prev], e
    assert detail(wnode, a)["workflow"]["state"] == (path[-1] if ok else
                                                     (path[-2] if len(path) > 1 else "requested"))


def test_assessment_score_shows_its_inputs_and_needs_endorsement(wnode):
    fw = create(wnode, {"type": "cx-assessment-framework", "name": "Exercise framework",
                        "factors": [
                            {"name": "IS threat", "weight": 0.4, "indicators": [
                                {"name": "attacks", "unit": "count",
                                 "direction": "lower-is-better", "weight": 1}]},
                            {"name": "ISF capabilities", "weight": 0.6, "indicators": [
                                {"name": "units certified", "unit": "count",
                                 "direction": "higher-is-better", "weight": 1}]}]})
    a = create(wnode, {"type": "cx-assessment", "framework_ref": fw,
                       "period_start": "2026-07-01T00:00:00Z",
                       "period_end": "2026-09-30T00:00:00Z",
                       "ratings": [{"factor": "IS threat", "rating": 0.5},
                                   {"factor": "ISF capabilities", "rating": 1.0}],
                       "recommendation": "maintain", "status": "draft"})
    wf = detail(wnode, a)["workflow"]
    assert wf["score"]["value"] == pytest.approx(0.4 * 0.5 + 0.6 * 1.0)
    assert [(i["factor"], i["weight"], i["rating"]) for i in wf["score"]["inputs"]] == [
        ("IS threat", 0.4, 0.5), ("ISF capabilities", 0.6, 1.0)]
    assert wf["endorsed"] is False and set(wf["awaiting"]) == {"USA", "IRQ"}
    # Review is the approver's (or admin's) step.
    r = wnode.post(f"objects/{a}/versions", {"status": "reviewed"}, user="usacontrib")
    assert r.status_code == 403 and r.json()["field"] == "role", r.text
    assert wnode.post(f"objects/{a}/versions", {"status": "reviewed"},
                      user="usaadmin").status_code == 201
    # Not endorsed yet: the status cannot say so.
    r = wnode.post(f"objects/{a}/versions", {"status": "endorsed"}, user="usaadmin")
    assert r.status_code == 422 and r.json()["field"] == "status", r.text
    for user in ("usacontrib", "irqcontrib"):
        create(wnode, {"type": "opinion", "opinion": "agree", "object_refs": [a]}, user=user)
    wf = detail(wnode, a)["workflow"]
    assert wf["endorsed"] is True and wf["awaiting"] == []
    assert set(wf["endorsements"]) == {"USA", "IRQ"}
    r = wnode.post(f"objects/{a}/versions", {"status": "endorsed"}, user="usaadmin")
    assert r.status_code == 201, r.text
    assert r.json()["workflow"]["state"] == "endorsed"


def test_list_filters_by_status_and_marking(wnode):
    a = create(wnode, {"type": "cx-commitment", "statement": "Exercise filter open",
                       "owner_partner": "USA", "status": "open"})
    b = create(wnode, {"type": "cx-commitment", "statement": "Exercise filter dropped",
                       "owner_partner": "USA", "status": "dropped"})
    got = {i["id"] for i in wnode.list_all("usacontrib", [("type", "cx-commitment"),
                                                         ("status", "dropped")])}
    assert b in got and a not in got
    green = {i["id"] for i in wnode.list_all("usacontrib", [("marking", GREEN),
                                                           ("type", "cx-commitment")])}
    assert {a, b} <= green
    r = wnode.get("objects", user="usacontrib", params={"marking": "green"})
    assert r.status_code == 400 and r.json()["field"] == "marking", r.text


def test_dashboard_counts_only_what_the_reader_may_read(wnode):
    import collections
    import datetime
    # One commitment everyone may read, one only USA may (no marking: owner only).
    create(wnode, {"type": "cx-commitment", "statement": "Exercise dash shared",
                   "owner_partner": "USA", "status": "in-progress",
                   "due_date": "2020-05-01T00:00:00Z"})
    r = wnode.post("objects", {"type": "cx-commitment", "statement": "Exercise dash private",
                               "owner_partner": "USA", "status": "open"}, user="usacontrib")
    assert r.status_code == 201, r.text
    private = r.json()["object"]["id"]
    create(wnode, {"type": "cx-aat-activity", "name": "Exercise dash", "kind": "assist",
                   "status": "requested", "planned_start": "2026-12-03T00:00:00Z"})
    now = datetime.datetime.now(datetime.timezone.utc)
    for user in ("usacontrib", "irqcontrib"):
        dash = wnode.get("dashboard", user=user)
        assert dash.status_code == 200, dash.text
        d = dash.json()
        # Expected from what the same reader gets one by one.
        status, overdue = collections.Counter(), 0
        ids = [i["id"] for i in wnode.list_all(user, [("type", "cx-commitment")])]
        for oid in ids:
            o = detail(wnode, oid, user=user)["object"]
            status[o["status"]] += 1
            due = o.get("due_date")
            if o["status"] not in ("done", "dropped") and due and \
                    datetime.datetime.fromisoformat(due.replace("Z", "+00:00")) < now:
                overdue += 1
        assert d["commitments"]["total"] == len(ids)
        assert d["commitments"]["by_status"] == dict(status)
        assert d["commitments"]["overdue"] == overdue
        assert (private in ids) == (user == "usacontrib")
        acts = [detail(wnode, i["id"], user=user)["object"]
                for i in wnode.list_all(user, [("type", "cx-aat-activity")])]
        months = collections.Counter((a.get("planned_start") or a["created"])[:7] for a in acts)
        assert d["activities"]["total"] == len(acts)
        assert d["activities"]["by_month"] == dict(months)
        ends = [a["period_end"] for a in d["assessments"]]
        assert ends == sorted(ends)
    assert wnode.get("dashboard").status_code == 401


TAXII = "application/taxii+json;version=2.1"


def taxii_add(wnode, collection, obj, user):
    return wnode.request("POST", f"/coalition/collections/{collection}/objects/", user=user,
                         body={"objects": [obj]}, content_type=TAXII,
                         headers={"Accept": TAXII})


def test_approvers_steps_are_refused_through_taxii_too(wnode):
    """The workflow is the node's, not the API's: a contributor's new version
    posted over TAXII may not approve an activity either."""
    coll = "wf"
    wnode.cx("collection", "add", "--title", "Workflow", "--alias", coll)
    wnode.cx("collection", "allow", coll, "--partner", "USA", "--role", "*", "--read-write")
    a = create(wnode, {"type": "cx-aat-activity", "name": "Exercise advise", "kind": "advise",
                       "status": "requested"})
    obj = detail(wnode, a)["object"]
    approved = dict(obj, status="approved", modified="2099-01-01T00:00:00.000Z")
    r = taxii_add(wnode, coll, approved, "usacontrib")
    assert r.status_code == 202, r.text
    st = r.json()
    assert st["failure_count"] == 1 and st["success_count"] == 0, st
    assert "approver-step" in st["failures"][0]["message"], st
    assert detail(wnode, a)["workflow"]["state"] == "requested"
    r = taxii_add(wnode, coll, approved, "usaadmin")
    assert r.status_code == 202 and r.json()["success_count"] == 1, r.text
    assert detail(wnode, a)["workflow"]["state"] == "approved"


def test_endorsement_needs_every_principal_partner_through_taxii_too(wnode):
    """An approver cannot post "endorsed" over TAXII before the USA and Iraq
    have each agreed in their own opinion; afterwards it can."""
    coll = "wf-endorse"
    wnode.cx("collection", "add", "--title", "Endorse", "--alias", coll)
    wnode.cx("collection", "allow", coll, "--partner", "USA", "--role", "*", "--read-write")
    fw = create(wnode, {"type": "cx-assessment-framework", "name": "Exercise framework",
                        "factors": [{"name": "IS threat", "weight": 1.0, "indicators": [
                            {"name": "attacks", "unit": "count",
                             "direction": "lower-is-better", "weight": 1}]}]})
    a = create(wnode, {"type": "cx-assessment", "framework_ref": fw,
                       "period_start": "2026-07-01T00:00:00Z",
                       "period_end": "2026-09-30T00:00:00Z",
                       "ratings": [{"factor": "IS threat", "rating": 0.5}],
                       "recommendation": "maintain", "status": "draft"})
    assert wnode.post(f"objects/{a}/versions", {"status": "reviewed"},
                      user="usaadmin").status_code == 201
    create(wnode, {"type": "opinion", "opinion": "agree", "object_refs": [a]})
    obj = detail(wnode, a)["object"]
    endorsed = dict(obj, status="endorsed", modified="2099-01-01T00:00:00.000Z")
    r = taxii_add(wnode, coll, endorsed, "usaadmin")
    assert r.status_code == 202 and r.json()["failure_count"] == 1, r.text
    msg = r.json()["failures"][0]["message"]
    assert "not-endorsed" in msg and "IRQ" in msg and "USA" not in msg.split("awaiting")[1], msg
    assert detail(wnode, a)["workflow"]["state"] == "reviewed"
    # Iraq's opinion must be Iraq's own, and agreeing: a disagreement does not count.
    o = create(wnode, {"type": "opinion", "opinion": "disagree", "object_refs": [a]},
               user="irqcontrib")
    r = taxii_add(wnode, coll, endorsed, "usaadmin")
    assert r.status_code == 202 and r.json()["failure_count"] == 1, r.text
    assert wnode.post(f"objects/{o}/versions", {"opinion": "strongly-agree"},
                      user="irqcontrib").status_code == 201
    r = taxii_add(wnode, coll, endorsed, "usaadmin")
    assert r.status_code == 202 and r.json()["success_count"] == 1, r.text
    assert detail(wnode, a)["workflow"]["state"] == "endorsed"
