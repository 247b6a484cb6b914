"""The leak test of the dashboard's security assistance, movement, incident
and repatriation numbers and of GET /api/v1/statistics/repatriation: for
every principal, every number against the model (records_model.py) of what
that principal may read, with the small-cell suppression of API.md; on the
node the rest of the leak test reads (conftest.py), whose scenario holds
these records (gen_records.py).
"""
import collections
import datetime

from . import records_model as RM
from .model import ApiView
from .test_api import API, ApiCtx, done
from .test_leak import body_of, principals, run_all

CAT = "api dashboard records"
CAT_STATS = "api statistics"
SECTIONS = ("security_assistance", "movements", "incidents", "repatriation")
KIND = {"security_assistance": "cx-security-assistance-case",
        "movements": "cx-movement-request", "incidents": "incident",
        "repatriation": "cx-repatriation-case"}


def now_us():
    now = datetime.datetime.now(datetime.timezone.utc)
    return int(now.timestamp()) * 1_000_000 + now.microsecond


def records_text(model, view, kind):
    """Which records of a kind the principal may read and how many it may not."""
    ids = sorted(i for i in view.visible if model.newest(i).obj["type"] == kind)
    hidden = sum(1 for i in model.versions if i not in view.visible
                 and model.newest(i).obj["type"] == kind)
    return f"readable: {ids[:6]}{' ...' if len(ids) > 6 else ''} ({len(ids)}); " \
           f"not readable: {hidden}"


def compare(C, cat, ctx, got, want, kind, what):
    """One section key by key: each key one comparison."""
    got = got if isinstance(got, dict) else {}
    for k in sorted(set(got) | set(want)):
        g, w = got.get(k), want.get(k)
        if RM.same(g, w):
            C.add(cat, 1)
        else:
            C.eq(cat, g, w, f"{what} {k}",
                 lambda: ctx.text(extra=records_text(ctx.lk.model, ctx.view, kind)))


def test_api_dashboard_records(leak):
    """The four new parts of every principal's dashboard, and the
    statistics endpoint, each number against the model."""
    lk, model = leak, leak.model
    views = {who.name: ApiView(model, who) for who in principals(lk)}

    def work(who):
        C, view = lk.checks, views[who.name]
        path = f"{API}/dashboard"
        ctx = ApiCtx(lk, who, path, view=view)
        r = lk.api_get(who, path)
        b = body_of(r)
        if not C.eq(CAT, (r.status_code, isinstance(b, dict)), (200, True),
                    "status and body of the dashboard", lambda: ctx.text(extra=r.text[:300])):
            return
        want = RM.want_records(model, view, now_us())
        for part in SECTIONS:
            compare(C, CAT, ctx, b.get(part), want[part], KIND[part], part)
        spath = f"{API}/statistics/repatriation"
        sctx = ApiCtx(lk, who, spath, view=view)
        s = lk.api_get(who, spath)
        sb = body_of(s)
        if C.eq(CAT_STATS, (s.status_code, isinstance(sb, dict)), (200, True),
                "status and body of the statistics", lambda: sctx.text(extra=s.text[:300])):
            compare(C, CAT_STATS, sctx, sb, want["repatriation"], KIND["repatriation"],
                    "statistics")
            C.eq(CAT_STATS, b.get("repatriation"), sb,
                 "the dashboard's repatriation is not the statistics' answer",
                 lambda: sctx.text())

    run_all(work, principals(lk))
    done(lk, "api_dashboard_records")
    assert lk.checks.ndiffs([CAT, CAT_STATS]) == 0, lk.checks.report([CAT, CAT_STATS])


def test_api_records_scenario(leak):
    """The scenario gives these numbers something to find: records of each
    type that some principals may read and others may not, host decisions
    hidden from principals who read their request, deliveries with a
    version some readers of the case may not read, offers near expiry,
    revoked records, and repatriation cells shown, suppressed and
    suppressed a second time."""
    lk, model = leak, leak.model
    views = [ApiView(model, who) for who in principals(lk)]
    got = collections.Counter()
    for oid, vs in model.versions.items():
        o = model.newest(oid).obj
        if o["type"] not in RM.KINDS:
            continue
        seen = [v for v in views if oid in v.visible]
        if 0 < len(seen) < len(views):
            got[f"{o['type']} readable by some"] += 1
        if o.get("revoked"):
            got[f"{o['type']} revoked"] += 1
        if o["type"] == "cx-security-assistance-case" and any(
                len(v.versions(oid)) < len(vs) for v in seen):
            got["case versions partly hidden"] += 1
    now = now_us()
    for v in views:
        sa = RM.security_assistance(model, v, now)
        got["offers near expiry"] += sa["offers_near_expiry"]
        got["deliveries"] += len(sa["deliveries_by_month"])
        mv = RM.movements(model, v)
        got["requests decided"] += sum(n for s, n in mv["by_state"].items()
                                       if s in ("approved", "rejected", "counter-proposed"))
        got["requests awaiting"] += mv["awaiting_decision"]
        stats, secondary = RM.repatriation(model, v)
        got["secondary suppression"] += len(secondary)
        for row in stats["by_nation"].values():
            for c in list(row["by_status"].values()) + [row["total"]]:
                got["cells suppressed" if c["suppressed"] else "cells shown"] += 1
    need = [f"{k} readable by some" for k in RM.KINDS if k != "cx-protected-site"] + \
        ["offers near expiry", "deliveries",
         "requests decided", "requests awaiting", "secondary suppression",
         "cells suppressed", "cells shown"]
    once = [f"{k} revoked" for k in ("cx-security-assistance-case", "incident",
                                     "cx-repatriation-case")] + \
        ["case versions partly hidden", "cx-protected-site readable by some"]
    missing = [n for n in need if got[n] < 2] + [n for n in once if got[n] < 1]
    assert not missing, f"seed {lk.seed} does not exercise: {missing} (counts: {dict(got)})"
