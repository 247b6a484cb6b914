"""What the dashboard's security assistance, movement, incident and
repatriation numbers and GET /api/v1/statistics/repatriation show one
principal, written from doc/API.md ("Dashboard", "Statistics") and
doc/RECORDS.md over the model's ApiView: the newest version of each object
the principal may read, not revoked; for deliveries, every readable version
of such a case in version order.

Choices where the text leaves room (each named in a difference's report):
a decision's partner is the owner of its newest version's labels; a
decision's and a request's times are their `created`; two host decisions
of one request never end at the same `modified` (the generator keeps them
apart), so "the newest" needs no tie rule here.
"""
import collections
import math

from .gen import record_extension
from .model import ts_us

THRESHOLD = 5
OFFER_WINDOW_US = 30 * 86_400 * 1_000_000
US_PER_HOUR = 3_600 * 1_000_000
INCIDENT_EXT = record_extension("cx-incident-report")
KINDS = ("cx-security-assistance-case", "cx-protected-site", "incident", "cx-movement-request",
         "cx-movement-decision", "cx-repatriation-case", "cx-home-nation-decision")


def live(model, view, kind):
    """[(id, newest object)] of the readable objects of a type, not revoked."""
    out = []
    for oid in sorted(view.visible):
        o = model.newest(oid).obj
        if o["type"] == kind and not o.get("revoked"):
            out.append((oid, o))
    return out


def lines_value(o, quantity):
    return sum(ln.get(quantity, 0) * ln["unit_cost"] for ln in o.get("lines", []))


def security_assistance(model, view, now_us):
    cases = live(model, view, "cx-security-assistance-case")
    months = collections.defaultdict(float)
    for oid, _ in cases:
        vs = [model.versions[oid][k].obj for k in view.versions(oid)]
        for a, b in zip(vs, vs[1:]):
            inc = lines_value(b, "delivered_quantity") - lines_value(a, "delivered_quantity")
            if inc > 0:
                months[b["modified"][:7]] += inc
    near = sum(1 for _, o in cases if o["status"] == "loa-offered" and
               "offer_expires" in o.get("milestones", {}) and
               ts_us(o["milestones"]["offer_expires"]) < now_us + OFFER_WINDOW_US)
    return {"by_status": dict(collections.Counter(o["status"] for _, o in cases)),
            "by_programme": dict(collections.Counter(o["programme"] for _, o in cases)),
            "total": len(cases),
            "value_total": sum(lines_value(o, "quantity") for _, o in cases),
            "value_delivered": sum(lines_value(o, "delivered_quantity") for _, o in cases),
            "offers_near_expiry": near, "deliveries_by_month": dict(months)}


def host_decisions(model, view):
    """{request id: [(readable decision, the partner that owns it)]}; the
    caller keeps those of the request's host nation."""
    out = collections.defaultdict(list)
    for oid, o in live(model, view, "cx-movement-decision"):
        out[o["request_ref"]].append((o, model.newest(oid).labels.owner))
    return out


def movements(model, view):
    decided = host_decisions(model, view)
    by_state, awaiting, hours = collections.Counter(), 0, []
    requests = live(model, view, "cx-movement-request")
    for oid, r in requests:
        mine = [d for d, owner in decided.get(oid, []) if owner == r["host_nation"]]
        newest = max(mine, key=lambda d: ts_us(d["modified"])) if mine else None
        first = min(mine, key=lambda d: ts_us(d["created"])) if mine else None
        submitted = r["status"] == "submitted"
        by_state[newest["decision"] if submitted and newest else r["status"]] += 1
        awaiting += submitted and newest is None
        if first:
            hours.append((ts_us(first["created"]) - ts_us(r["created"])) / US_PER_HOUR)
    hours.sort()
    n = len(hours)
    median = None
    if n:
        median = hours[n // 2] if n % 2 else (hours[n // 2 - 1] + hours[n // 2]) / 2
    return {"by_state": dict(by_state), "awaiting_decision": awaiting,
            "decision_hours": {"count": n, "median": median,
                               "mean": sum(hours) / n if n else None},
            "total": len(requests)}


def incidents(model, view):
    reports = [o["extensions"][INCIDENT_EXT] for _, o in live(model, view, "incident")
               if INCIDENT_EXT in (o.get("extensions") or {})]
    return {"by_month": dict(collections.Counter(r["occurred"][:7] for r in reports)),
            "by_kind": dict(collections.Counter(r["kind"] for r in reports)),
            "by_stage": dict(collections.Counter(r["report_stage"] for r in reports)),
            "total": len(reports)}


def small(n):
    return 0 < n < THRESHOLD


def cell(n, hidden):
    return {"value": None, "suppressed": True} if hidden else {"value": n, "suppressed": False}


def suppressed_row(row):
    """API.md: cells of 1-4 hidden, the total too; with exactly one hidden
    cell beside a shown total, the smallest other (first by status name
    among equals) hidden as well."""
    total = sum(row.values())
    hidden = {s for s, n in row.items() if small(n)}
    secondary = len(hidden) == 1 and not small(total)
    if secondary:
        hidden.add(min((n, s) for s, n in row.items() if n >= THRESHOLD)[1])
    return {"total": cell(total, small(total)),
            "by_status": {s: cell(n, s in hidden) for s, n in row.items() if n > 0}}, secondary


def repatriation(model, view):
    """(the statistics, the nations whose row needed secondary suppression)."""
    rows = collections.defaultdict(collections.Counter)
    for _, o in live(model, view, "cx-repatriation-case"):
        rows[o["home_nation"]][o["status"]] += 1
    out, secondary = {}, []
    for nation, row in rows.items():
        out[nation], sec = suppressed_row(row)
        if sec:
            secondary.append(nation)
    return {"threshold": THRESHOLD, "by_nation": out}, secondary


def want_records(model, view, now_us):
    return {"security_assistance": security_assistance(model, view, now_us),
            "movements": movements(model, view), "incidents": incidents(model, view),
            "repatriation": repatriation(model, view)[0]}


def same(a, b):
    """Equal, amounts compared as numbers (780 and 780.0, sums in another order)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b
