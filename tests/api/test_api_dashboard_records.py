"""The dashboard's security assistance, movement, incident and repatriation
numbers, and GET /api/v1/statistics/repatriation (doc/API.md, "Dashboard"
and "Statistics"), against a node of their own: records of each type with
markings that release them to some partners and not others, older versions
that say something else, revoked records, a decision one reader may not
read, and repatriation cells above, at and below the threshold of 5.

Every expected number below is worked out by hand from the records; each
reader (one per partner, and a low-clearance one) gets exactly those."""
import datetime
import json

import pytest

from nodetools import REPO
from .conftest import AMBER, GREEN, IDENTITY, Node, describe, rel_marking, stix_id

PARTNERS = {"GBR": "identity--0a5c7c3e-4f1b-4c55-9a43-6b8f3d2e1a01",
            "FRA": "identity--0a5c7c3e-4f1b-4c55-9a43-6b8f3d2e1a02"}
OWNERS = dict(IDENTITY, **PARTNERS)
READERS = {"usa": ("USA", "S"), "usalow": ("USA", "U"), "irq": ("IRQ", "S"),
           "irqlow": ("IRQ", "U"), "krg": ("KRG", "S"), "gbr": ("GBR", "S"),
           "fra": ("FRA", "S")}
TYPES = ["cx-security-assistance-case", "cx-movement-request", "cx-movement-decision",
         "cx-repatriation-case", "cx-home-nation-decision", "cx-incident-report"]
EXT = {t: json.loads((REPO / "schemas" / f"{t}.json").read_text())["x_cx_extension_id"]
       for t in TYPES}
NOW = datetime.datetime.now(datetime.timezone.utc)

MARKS = {"U_UI": rel_marking(["USA", "IRQ"], "U"), "S_UI": rel_marking(["USA", "IRQ"], "S"),
         "C_UI": rel_marking(["USA", "IRQ"], "C"), "U_UK": rel_marking(["USA", "KRG"], "U"),
         "U_UIK": rel_marking(["USA", "IRQ", "KRG"], "U"),
         "U_GI": rel_marking(["GBR", "IRQ"], "U"), "U_UG": rel_marking(["USA", "GBR"], "U")}
M = {k: v["id"] for k, v in MARKS.items()}


def day(month, d, hour=0):
    return f"2026-{month:02d}-{d:02d}T{hour:02d}:00:00.000Z"


def from_now(days):
    return (NOW + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def record(kind, owner, mark, created, **props):
    o = {"type": kind, "spec_version": "2.1", "id": stix_id(kind), "created": created,
         "modified": created, "created_by_ref": OWNERS[owner],
         "object_marking_refs": [mark], "extensions": {EXT[kind]: {"extension_type": "new-sdo"}}}
    o.update(props)
    return o


def then(o, modified, **changes):
    """A later version of o: changes applied, a None value removes the property."""
    v = dict(o, modified=modified, **changes)
    return {k: x for k, x in v.items() if x is not None}


# --- security assistance --------------------------------------------------------------

def sa(case_id, purchaser, programme, status, mark, created, lines=(), **props):
    if lines:
        props["lines"] = [{"description": "Exercise item", "quantity": q, "unit_cost": c,
                           "delivered_quantity": d} for q, c, d in lines]
    return record("cx-security-assistance-case", "USA", M[mark], created, case_id=case_id,
                  name=f"Exercise case {case_id}", programme=programme, purchaser=purchaser,
                  status=status, **props)


def delivered(o, modified, n, **changes):
    return then(o, modified, lines=[dict(o["lines"][0], delivered_quantity=n)], **changes)


def security_assistance():
    # sa1: value 10 x 100; deliveries 0, 4 (Feb), 3 (a correction), 7 (Apr).
    # sa2's value is its lines' (2 x 1000), not its total_value.
    sa1 = sa("IQ-B-AAA", "IRQ", "fms", "delivering", "U_UI", day(1, 10), [(10, 100, 0)])
    sa2 = sa("IQ-D-AAB", "IRQ", "fmf-grant", "loa-offered", "U_UI", day(1, 11), [(2, 1000, 0)],
             total_value=5000, milestones={"offer_expires": from_now(10)})
    sa3 = sa("IQ-P-AAC", "KRG", "fmf-loan", "lor-received", "U_UK", day(1, 12),
             [(3, 1000, 0)])
    sa4 = sa("IQ-B-AAD", "IRQ", "fms", "loa-offered", "U_UIK", day(1, 13), [(4, 500, 0)],
             milestones={"offer_expires": from_now(-5)})
    sa5 = sa("IQ-B-AAE", "IRQ", "fms", "lor-received", "U_UI", day(1, 14), [(10, 10, 0)])
    # sa6: the February version is not released to KRG, so KRG sees the
    # whole increase (0 to 8) in March.
    sa6 = sa("IQ-D-AAF", "IRQ", "fms", "delivering", "U_UIK", day(1, 5), [(10, 10, 0)])
    return [sa1, delivered(sa1, day(2, 10), 4), delivered(sa1, day(3, 10), 3),
            delivered(sa1, day(4, 15), 7), sa2, sa3,
            then(sa3, day(2, 1), status="loa-offered",
                 milestones={"offer_expires": from_now(60)}),
            sa4, sa5, delivered(sa5, day(3, 5), 5), then(sa5, day(3, 20), revoked=True),
            sa6, delivered(sa6, day(2, 5), 5, object_marking_refs=[M["U_UI"]]),
            delivered(sa6, day(3, 5), 8)]


NO_SA = {"by_status": {}, "by_programme": {}, "total": 0, "value_total": 0,
         "value_delivered": 0, "offers_near_expiry": 0, "deliveries_by_month": {}}
IRQ_SA = {"by_status": {"delivering": 2, "loa-offered": 2},
          "by_programme": {"fms": 3, "fmf-grant": 1}, "total": 4, "value_total": 5100,
          "value_delivered": 780, "offers_near_expiry": 2,
          "deliveries_by_month": {"2026-02": 450, "2026-03": 30, "2026-04": 400}}
WANT_SA = {
    "usa": {"by_status": {"delivering": 2, "loa-offered": 3},
            "by_programme": {"fms": 3, "fmf-grant": 1, "fmf-loan": 1}, "total": 5,
            "value_total": 8100, "value_delivered": 780, "offers_near_expiry": 2,
            "deliveries_by_month": {"2026-02": 450, "2026-03": 30, "2026-04": 400}},
    "irq": IRQ_SA, "irqlow": IRQ_SA,
    "krg": {"by_status": {"loa-offered": 2, "delivering": 1},
            "by_programme": {"fmf-loan": 1, "fms": 2}, "total": 3, "value_total": 5100,
            "value_delivered": 80, "offers_near_expiry": 1,
            "deliveries_by_month": {"2026-03": 80}},
    "gbr": NO_SA, "fra": NO_SA}
WANT_SA["usalow"] = WANT_SA["usa"]    # the owner reads its own records


# --- movements ------------------------------------------------------------------------

def request(by, host, mark, created):
    return record("cx-movement-request", by, M[mark], created,
                  convoy_name="Exercise convoy", host_nation=host,
                  window_start=day(6, 1, 6), window_end=day(6, 1, 12),
                  start_point="Exercise SP", release_point="Exercise RP", status="submitted")


def decide(req, host, mark, hours, value):
    created = (datetime.datetime.strptime(req["created"], "%Y-%m-%dT%H:%M:%S.000Z") +
               datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    d = record("cx-movement-decision", host, M[mark], created, request_ref=req["id"],
               decision=value)
    if value == "approved":
        d["movement_number"] = "EX-1"
    if value == "counter-proposed":
        d["conditions"] = "Exercise: a day later"
    return d


def movements():
    mv1 = request("USA", "IRQ", "U_UI", day(3, 1))
    mv2 = request("USA", "IRQ", "U_UI", day(3, 2))
    mv3 = request("USA", "KRG", "U_UK", day(3, 3))
    mv4 = request("GBR", "IRQ", "U_GI", day(3, 4))
    mv5 = request("USA", "IRQ", "U_UI", day(3, 5))
    mv6 = request("USA", "KRG", "U_UK", day(3, 6))
    d6 = decide(mv6, "KRG", "U_UK", 2, "approved")
    return [mv1, mv2, decide(mv2, "IRQ", "S_UI", 10, "approved"),
            mv3, decide(mv3, "KRG", "U_UK", 4, "counter-proposed"),
            decide(mv3, "KRG", "U_UK", 20, "rejected"),
            mv4, decide(mv4, "IRQ", "U_GI", 6, "approved"),
            then(mv4, day(3, 5), status="in-progress"),
            mv5, then(mv5, day(3, 6), revoked=True),
            mv6, d6, then(d6, day(3, 7), revoked=True)]


def hours(*h):
    s = sorted(h)
    median = (s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2) \
        if s else None
    return {"count": len(s), "median": median, "mean": sum(s) / len(s) if s else None}


IRQ_MOVES = {"by_state": {"submitted": 1, "approved": 1, "in-progress": 1},
             "awaiting_decision": 1, "decision_hours": hours(10, 6), "total": 3}
WANT_MOVES = {
    "usa": {"by_state": {"submitted": 2, "approved": 1, "rejected": 1}, "awaiting_decision": 2,
            "decision_hours": hours(10, 4), "total": 4},
    # IRQ's SECRET approval of mv2: usalow may not read it (IRQ's own
    # readers may, whatever their clearance).
    "usalow": {"by_state": {"submitted": 3, "rejected": 1}, "awaiting_decision": 3,
               "decision_hours": hours(4), "total": 4},
    "irq": IRQ_MOVES, "irqlow": IRQ_MOVES,
    "krg": {"by_state": {"rejected": 1, "submitted": 1}, "awaiting_decision": 1,
            "decision_hours": hours(4), "total": 2},
    "gbr": {"by_state": {"in-progress": 1}, "awaiting_decision": 0,
            "decision_hours": hours(6), "total": 1},
    "fra": {"by_state": {}, "awaiting_decision": 0, "decision_hours": hours(), "total": 0}}


# --- incidents --------------------------------------------------------------------------

def incident(owner, marks, occurred, kind, stage):
    ext = {"extension_type": "property-extension", "report_stage": stage,
           "occurred": occurred, "kind": kind}
    return {"type": "incident", "spec_version": "2.1", "id": stix_id("incident"),
            "created": occurred, "modified": occurred, "created_by_ref": OWNERS[owner],
            "name": "Exercise incident", "object_marking_refs": list(marks),
            "extensions": {EXT["cx-incident-report"]: ext}}


def staged(o, modified, stage):
    ext = dict(o["extensions"][EXT["cx-incident-report"]], report_stage=stage)
    return then(o, modified, extensions={EXT["cx-incident-report"]: ext})


def incidents():
    in1 = incident("USA", [M["U_UIK"]], day(8, 5, 10), "idf", "flash")
    in6 = incident("USA", [GREEN], day(10, 1), "uas", "flash")
    plain = {"type": "incident", "spec_version": "2.1", "id": stix_id("incident"),
             "created": day(8, 1), "modified": day(8, 1), "created_by_ref": OWNERS["USA"],
             "name": "Exercise plain incident", "object_marking_refs": [GREEN]}
    return [in1, staged(in1, day(8, 6), "update"),
            incident("IRQ", [M["U_UI"]], day(8, 20), "uas", "final"),
            incident("KRG", [M["U_UK"]], day(9, 2), "ied", "flash"),
            incident("USA", [AMBER], day(9, 10), "other", "flash"),
            plain, in6, then(in6, day(10, 2), revoked=True)]


NO_INCIDENTS = {"by_month": {}, "by_kind": {}, "by_stage": {}, "total": 0}
IRQ_INCIDENTS = {"by_month": {"2026-08": 2}, "by_kind": {"idf": 1, "uas": 1},
                 "by_stage": {"update": 1, "final": 1}, "total": 2}
WANT_INCIDENTS = {
    "usa": {"by_month": {"2026-08": 2, "2026-09": 2},
            "by_kind": {"idf": 1, "uas": 1, "ied": 1, "other": 1},
            "by_stage": {"update": 1, "final": 1, "flash": 2}, "total": 4},
    "irq": IRQ_INCIDENTS, "irqlow": IRQ_INCIDENTS,
    "krg": {"by_month": {"2026-08": 1, "2026-09": 1}, "by_kind": {"idf": 1, "ied": 1},
            "by_stage": {"update": 1, "flash": 1}, "total": 2},
    "gbr": NO_INCIDENTS, "fra": NO_INCIDENTS}
WANT_INCIDENTS["usalow"] = WANT_INCIDENTS["usa"]


# --- repatriation ---------------------------------------------------------------------------

PATH = ["identified", "verification-pending", "verified", "home-nation-requested"]


def repatriation():
    out, n = [], 0

    def case(home, mark, status):
        nonlocal n
        n += 1
        o = record("cx-repatriation-case", "USA", M[mark], day(5, 1 + n % 28), case_number=
                   f"RC-2026-{n:04d}", origin_kind="camp", category="displaced-family",
                   home_nation=home, household_size=1 + n % 5, status="identified")
        vs = [o] + [then(o, day(6, 1 + k), status=s)
                    for k, s in enumerate(PATH[1:PATH.index(status) + 1])]
        out.extend(vs)
        return vs[-1]

    for mark, status, count in [("U_UI", "identified", 4), ("C_UI", "identified", 2),
                                ("U_UI", "verification-pending", 1), ("U_UI", "verified", 2),
                                ("U_UI", "home-nation-requested", 5)]:
        for _ in range(count):
            case("IRQ", mark, status)
    asked = case("IRQ", "U_UI", "home-nation-requested")
    out.append(record("cx-home-nation-decision", "IRQ", M["U_UI"], day(7, 1),
                      case_ref=asked["id"], decision="accepted",
                      authority="Exercise ministry"))
    out.append(then(asked, day(7, 2), status="accepted"))
    gone = case("IRQ", "U_UI", "identified")
    out.append(then(gone, day(7, 3), revoked=True))
    for status, count in [("identified", 5), ("verification-pending", 7), ("verified", 1)]:
        for _ in range(count):
            case("KRG", "U_UK", status)
    for _ in range(3):
        case("GBR", "U_UG", "identified")
    return out


def cell(n):
    return {"value": None, "suppressed": True} if n is None else {"value": n, "suppressed": False}


S = None                      # a suppressed cell
IRQ_ROW = {"total": cell(15), "by_status": {
    "identified": cell(6), "verification-pending": cell(S), "verified": cell(S),
    "home-nation-requested": cell(5), "accepted": cell(S)}}
# One cell below 5 beside a shown total: the smallest other (identified, 5)
# is suppressed too.
KRG_ROW = {"total": cell(13), "by_status": {
    "identified": cell(S), "verification-pending": cell(7), "verified": cell(S)}}
GBR_ROW = {"total": cell(S), "by_status": {"identified": cell(S)}}
WANT_STATS = {
    "usa": {"IRQ": IRQ_ROW, "KRG": KRG_ROW, "GBR": GBR_ROW},
    "irq": {"IRQ": IRQ_ROW},
    # irqlow may not read the two CONFIDENTIAL cases: identified drops to 4.
    "irqlow": {"IRQ": {"total": cell(13), "by_status": {
        "identified": cell(S), "verification-pending": cell(S), "verified": cell(S),
        "home-nation-requested": cell(5), "accepted": cell(S)}}},
    "krg": {"KRG": KRG_ROW}, "gbr": {"GBR": GBR_ROW}, "fra": {}}
# usalow owns the CONFIDENTIAL cases that irqlow may not read.
WANT_STATS["usalow"] = WANT_STATS["usa"]


# --- the node --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dnode(api_binary, tmp_path_factory):
    n = Node(tmp_path_factory.mktemp("api-dash") / "node")
    n.init()
    for code, ident in PARTNERS.items():
        n.cx("partner", "add", code, "--name", f"Exercise {code}", "--identity", ident)
    for name, (partner, clearance) in READERS.items():
        n.add_user(name, partner, "reader", clearance)
    n.import_objects(list(MARKS.values()), "markings")
    for name, objs in [("sa", security_assistance()), ("moves", movements()),
                       ("incidents", incidents()), ("repatriation", repatriation())]:
        rep = n.import_objects(objs, name)
        bad = [r for r in rep["results"] if r["status"] not in ("stored", "duplicate")]
        assert not bad, f"{name}: {bad[:3]}"
    n.start()
    try:
        yield n
    finally:
        n.stop()


@pytest.fixture(scope="module")
def dashboards(dnode):
    out = {}
    for user in READERS:
        r = dnode.get("dashboard", user=user)
        assert r.status_code == 200, describe(r)
        out[user] = r.json()
    return out


def approx(d):
    """Amounts as numbers: 780.0 and 780 are the same answer."""
    if isinstance(d, dict):
        return {k: approx(v) for k, v in d.items()}
    return pytest.approx(d) if isinstance(d, (int, float)) and not isinstance(d, bool) else d


@pytest.mark.parametrize("user", READERS)
def test_security_assistance_counts_exactly_what_the_reader_may_read(dashboards, user):
    assert dashboards[user]["security_assistance"] == approx(WANT_SA[user])


@pytest.mark.parametrize("user", READERS)
def test_movements_count_the_host_nations_readable_decisions(dashboards, user):
    assert dashboards[user]["movements"] == approx(WANT_MOVES[user])


@pytest.mark.parametrize("user", READERS)
def test_incidents_count_readable_reports_by_month_kind_and_stage(dashboards, user):
    assert dashboards[user]["incidents"] == WANT_INCIDENTS[user]


@pytest.mark.parametrize("user", READERS)
def test_repatriation_statistics_suppress_small_cells(dnode, dashboards, user):
    r = dnode.get("statistics/repatriation", user=user)
    assert r.status_code == 200, describe(r)
    stats = r.json()
    assert stats == {"threshold": 5, "by_nation": WANT_STATS[user]}
    assert dashboards[user]["repatriation"] == stats


def test_no_shown_count_is_below_the_threshold_or_recoverable(dnode):
    for user in READERS:
        for row in dnode.get("statistics/repatriation", user=user).json()["by_nation"].values():
            cells = list(row["by_status"].values())
            for c in cells + [row["total"]]:
                assert c["suppressed"] == (c["value"] is None)
                assert c["suppressed"] or c["value"] >= 5
            if not row["total"]["suppressed"]:
                assert sum(c["suppressed"] for c in cells) != 1, row


def test_revoked_records_and_older_versions_are_not_counted(dashboards):
    usa = dashboards["usa"]
    # sa5 (revoked) delivered in March and was lor-received; sa3 was
    # lor-received before its offer.
    assert "lor-received" not in usa["security_assistance"]["by_status"]
    assert usa["security_assistance"]["deliveries_by_month"]["2026-03"] == pytest.approx(30)
    # mv5 was revoked; mv6's approval was withdrawn, so it awaits a decision.
    assert usa["movements"]["total"] == 4 and usa["movements"]["awaiting_decision"] == 2
    # in1 was a flash before its update; in6 was revoked.
    assert usa["incidents"]["by_stage"].get("update") == 1
    assert "2026-10" not in usa["incidents"]["by_month"]
    # The accepted case was home-nation-requested before; the revoked one
    # would make IRQ's identified 7.
    assert usa["repatriation"]["by_nation"]["IRQ"]["total"] == cell(15)


def test_a_reader_without_access_sees_zero(dashboards):
    fra = dashboards["fra"]
    assert fra["security_assistance"] == approx(NO_SA)
    assert fra["movements"] == WANT_MOVES["fra"]
    assert fra["incidents"] == NO_INCIDENTS
    assert fra["repatriation"] == {"threshold": 5, "by_nation": {}}


def test_statistics_need_authentication(dnode):
    r = dnode.get("statistics/repatriation")
    assert r.status_code == 401, describe(r)
    assert r.json()["code"] == 1008
