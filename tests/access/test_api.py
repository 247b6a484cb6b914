"""The leak test of the native API (/api/v1/, doc/API.md): for every
principal (users of every role and clearance, and peer principals, which
read with the peer rule), what the API returns is compared with the
reference model (model.py, ApiView), on the node the TAXII half of the test
reads (conftest.py, one node for the whole run).

Paths: GET /api/v1/objects in small pages through next_cursor to the end,
and with the filters type, owner, q (full-text: a word the generator puts
into the text of some objects, hidden ones included), modified_after,
revoked and status; GET /api/v1/objects/{id} for every stored object and
for never-stored ids (200 with the object, summary, labels, readable
versions, relationships and referenced_by; or 404 with the body of a
never-stored id); GET /api/v1/dashboard (every count).

The API lists the newest readable version of an object; ACCESS.md's
newest-version rule makes that the newest stored version whenever the
object is readable at all, so the model lists an object iff its newest
stored version admits the principal.
"""
import collections
import datetime
import random

import pytest

from .gen import WORDS
from .model import (SCO, ApiView, api_banner, api_classification, api_releasable, api_tlp,
                    fmt_key, text_of, ts_us)
from .test_leak import body_of, never_stored, norm, principals, run_all

API = "/api/v1"
JSON = "application/json"
MAX_LIMIT = 500

CAT_LIST = "api objects"
CAT_FILTER = "api objects filters"
CAT_DETAIL = "api objects/{id}"
CAT_404 = "api 404"
CAT_DASH = "api dashboard"
API_TESTS = {"api_objects", "api_filters", "api_detail", "api_dashboard",
             "api_dashboard_records"}

STATUSES = ["open", "in-progress", "done", "dropped", "requested", "approved", "scheduled",
            "conducted", "reported", "closed", "cancelled", "draft", "reviewed", "endorsed",
            "superseded", "submitted", "completed", "loa-offered", "delivering", "identified",
            "home-nation-requested", "accepted"]
TYPES = ["indicator", "report", "note", "threat-actor", "malware", "identity", "ipv4-addr",
         "relationship", "sighting", "marking-definition", "extension-definition",
         "cx-commitment", "cx-aat-activity", "cx-assessment", "cx-dialogue",
         "cx-assessment-framework", "cx-security-assistance-case", "cx-protected-site",
         "incident", "cx-movement-request", "cx-movement-decision", "cx-repatriation-case",
         "cx-home-nation-decision"]


# --- helpers -------------------------------------------------------------------

class ApiCtx:
    """What one comparison is about, to write its reproduction."""

    def __init__(self, lk, who, path, params=None, view=None):
        self.lk, self.who, self.path, self.params = lk, who, path, params
        self.view = view                      # the principal's ApiView
        p = dict(params or [])
        self.label = "".join(f" [{k}]" for k in ("type", "owner", "q", "modified_after",
                                                 "modified_before", "marking", "revoked",
                                                 "status") if k in p)

    def text(self, oid=None, extra=""):
        lines = [f"  principal: {self.who.describe()}",
                 f"  request: GET {self.path}" + (f" {self.params}" if self.params else ""),
                 self.lk.api_curl(self.who, self.path, self.params)]
        if oid is not None:
            lines.append(f"  object {oid}")
            lines.append(self.lk.model.explain(self.who, oid))
        if extra:
            lines.append(f"  {extra}")
        return "\n".join(lines)


def same_time(a, b):
    """Two timestamps naming one instant (the API may spell the stored
    modified with another precision); anything else compares as is."""
    try:
        return ts_us(a) == ts_us(b)
    except (TypeError, ValueError):
        return a == b


def want_summary(lk, v):
    """SUMMARY of API.md for one version, less date_added (which the model
    cannot know; it is checked against the listing and the versions)."""
    o, lab = v.obj, v.labels
    # An object without modified (a marking definition) shows its created:
    # the timestamp that names its one version.
    s = {"id": o["id"], "type": o["type"], "created": o.get("created"),
         "modified": o.get("modified") or o.get("created"),
         "revoked": bool(o.get("revoked", False)), "owner": lab.owner, "tlp": api_tlp(lab),
         "banner": api_banner(lab, lk.model.partners)}
    if "name" in o:
        s["name"] = o["name"]
    return s


def check_summary(lk, cat, ctx, got, v, date_added=None, where=""):
    """A summary against the model: every field, timestamps as instants."""
    C = lk.checks
    want = want_summary(lk, v)
    if not C.eq(cat, isinstance(got, dict), True, "summary is an object" + where,
                lambda: ctx.text(v.id)):
        return
    g = dict(got)
    da = g.pop("date_added", None)
    for k in ("created", "modified"):
        if k in g and k in want and same_time(g[k], want[k]):
            g[k] = want[k]
    if v.key == SCO:
        # An SCO has no created/modified: what the summary shows for them
        # is not specified; they are not compared.
        for k in ("created", "modified"):
            g.pop(k, None)
            want.pop(k, None)
    C.eq(cat, g.get("modified"), want.get("modified"),
         "summary modified is not the newest stored version's" + where + ctx.label,
         lambda: ctx.text(v.id))
    C.eq(cat, g, want, "summary fields" + where + ctx.label, lambda: ctx.text(v.id))
    C.eq(cat, isinstance(da, str), True, "summary date_added" + where, lambda: ctx.text(v.id))
    if date_added is not None:
        C.eq(cat, da, date_added, "summary date_added differs from the listing's" + where,
             lambda: ctx.text(v.id))


def fetch_api_pages(lk, who, path, params, max_pages=400):
    """GET and follow next_cursor to the end: [(response, body)]."""
    pages, extra = [], []
    for _ in range(max_pages):
        r = lk.api_get(who, path, list(params) + extra)
        body = body_of(r)
        pages.append((r, body))
        if r.status_code != 200 or not isinstance(body, dict) or \
                not isinstance(body.get("next_cursor"), str) or not body["next_cursor"]:
            break
        extra = [("cursor", body["next_cursor"])]
    return pages


def check_api_listing(lk, cat, ctx, pages, want, limit, ignore=()):
    """A listing followed to its end against the ids the model lists:
    status, media type, page count, next_cursor, items per page, one check
    per stored object (listed or not, as the model says), every summary,
    duplicates and the order (newest date_added first). Returns
    {id: summary} of what was listed."""
    C, model = lk.checks, lk.model
    for r, body in pages:
        if not C.eq(cat, r.status_code, 200, "status of a listing" + ctx.label,
                    lambda r=r: ctx.text(extra=f"answer: {r.text[:300]}")):
            return {}
        C.eq(cat, (r.headers.get("Content-Type") or "").split(";")[0], JSON, "Content-Type",
             lambda: ctx.text())
        if not C.eq(cat, isinstance(body, dict) and isinstance(body.get("items"), list), True,
                    "body is {items: [...]}", lambda r=r: ctx.text(extra=r.text[:300])):
            return {}
    n = len(want)
    C.eq(cat, len(pages), max(1, -(-n // limit)),
         "number of pages (next_cursor exact)" + ctx.label,
         lambda: ctx.text(extra=f"{n} listed objects expected in pages of {limit}; pages had "
                          f"{[len(b['items']) for _, b in pages]} items"))
    items = []
    for i, (r, body) in enumerate(pages):
        last = i == len(pages) - 1
        C.eq(cat, "next_cursor" in body, not last, "next_cursor present iff more" + ctx.label,
             lambda i=i: ctx.text(extra=f"page {i + 1} of {len(pages)}"))
        if not last:
            C.eq(cat, len(body["items"]), limit, "items on a page that is not the last",
                 lambda: ctx.text())
        items += body["items"]
    got = collections.Counter(it.get("id") if isinstance(it, dict) else repr(it)
                              for it in items)
    C.eq(cat, sum(c - 1 for c in got.values()), 0, "duplicate items" + ctx.label,
         lambda: ctx.text(extra=f"{[k for k, c in got.items() if c > 1][:5]}"))
    same = 0
    for oid in set(model.versions) | set(got):
        if oid in ignore:
            continue
        present, expected = oid in got, oid in want
        if present == expected:
            same += 1
            continue
        if not present:
            kind = "listable object withheld"
        elif oid not in model.versions:
            kind = "item that is not a stored object"
        elif oid not in ctx.view.visible:
            kind = "LEAK: object whose newest version the principal may not read"
        else:
            kind = "readable object listed that the filter excludes"
        C.eq(cat, present, expected, kind + ctx.label, lambda oid=oid: ctx.text(oid))
    C.add(cat, same)
    seen = {}
    for it in items:
        oid = it.get("id") if isinstance(it, dict) else None
        if oid in model.versions and oid not in seen:
            seen[oid] = it
            if oid in ctx.view.visible:
                check_summary(lk, cat, ctx, it, ctx.view.listed(oid))
    dates = [it.get("date_added") or "" for it in items if isinstance(it, dict)]
    bad = [i for i in range(1, len(dates)) if dates[i] > dates[i - 1]]
    C.eq(cat, bad[:1], [], "order (newest date_added first)" + ctx.label,
         lambda: ctx.text(extra=f"{len(bad)} items after an older one, first at "
                          f"{bad[:1]}: {dates[bad[0] - 1:bad[0] + 1] if bad else ''}"))
    return seen


# --- fixtures -------------------------------------------------------------------

@pytest.fixture(scope="module")
def api(leak):
    """Every principal's ApiView, and its whole listing in small pages
    (checked by test_api_objects, used by the others for date_added)."""
    lk, model = leak, leak.model
    views = {who.name: ApiView(model, who) for who in principals(lk)}
    rng = random.Random(lk.seed * 11 + 1)
    limits = {who.name: rng.randint(7, 40) for who in principals(lk)}
    pages = {}

    def work(who):
        pages[who.name] = fetch_api_pages(lk, who, f"{API}/objects",
                                          [("limit", str(limits[who.name]))])

    run_all(work, principals(lk))
    return views, limits, pages


def done(lk, name):
    lk.cache.setdefault("done", set()).add(name)


def assert_clean(lk, cats):
    assert lk.checks.ndiffs(cats) == 0, lk.checks.report(cats)


# --- GET /api/v1/objects ------------------------------------------------------------

def test_api_objects(leak, api):
    """The whole listing of every principal in small pages: exactly the
    objects whose newest stored version it may read, each once, with that
    version's summary, newest date_added first, next_cursor exact."""
    lk = leak
    views, limits, pages = api
    for who in principals(lk):
        params = [("limit", str(limits[who.name]))]
        ctx = ApiCtx(lk, who, f"{API}/objects", params, views[who.name])
        check_api_listing(lk, CAT_LIST, ctx, pages[who.name], ctx.view.visible,
                          limits[who.name])
    done(lk, "api_objects")
    assert_clean(lk, [CAT_LIST])


def newest_modified(v):
    return None if v.key == SCO else v.key


def rfc3339(us):
    dt = datetime.datetime.fromtimestamp(us // 1_000_000, tz=datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_api_filters(leak, api):
    """The filters, each against every stored object: type, owner, q (a
    search word, a prefix, an OR of two words: never an object the
    principal may not read, though hidden objects carry the word too),
    modified_after and modified_before (SCOs, which have no modified, are not
    compared), marking, revoked, status, and type with modified_after in
    small pages."""
    lk, model = leak, leak.model
    views, _, _ = api
    rng = random.Random(lk.seed * 11 + 2)
    plans = {who.name: random.Random(rng.getrandbits(64)) for who in principals(lk)}
    codes = sorted(model.partners)
    times = sorted({t for t in (newest_modified(model.newest(i)) for i in model.versions)
                    if t is not None})
    scos = {i for i in model.versions if model.newest(i).key == SCO}
    marks = sorted({m for i in model.versions
                    for m in model.newest(i).obj.get("object_marking_refs", ())})
    hidden_hits = collections.Counter()

    def work(who):
        prng, view = plans[who.name], views[who.name]
        path = f"{API}/objects"

        def run(params, want, limit=MAX_LIMIT, ignore=()):
            params = params + [("limit", str(limit))]
            ctx = ApiCtx(lk, who, path, params, view)
            check_api_listing(lk, CAT_FILTER, ctx, fetch_api_pages(lk, who, path, params),
                              want, limit, ignore)

        def newest(i):
            return model.newest(i).obj

        types = prng.sample(TYPES, 3)
        run([("type", ",".join(types))],
            {i for i in view.visible if newest(i)["type"] in types})
        code = prng.choice(codes)
        run([("owner", code)], {i for i in view.visible if model.newest(i).labels.owner == code})

        words = prng.sample(WORDS, 2)
        form = prng.choice(["word", "prefix", "or"])
        q = {"word": words[0], "prefix": words[0][:4] + "*",
             "or": f"{words[0]} OR {words[1]}"}[form]
        hits = {i for i in model.versions if any(w in text_of(newest(i)).split()
                                                 for w in (words if form == "or"
                                                           else words[:1]))}
        hidden_hits[form] += len(hits - view.visible)
        run([("q", q)], hits & view.visible)

        t = prng.choice(times) + prng.randint(1, 999_999)
        t -= t % 1_000_000
        if t in times:
            t += 500_000
        after = rfc3339(t) if t % 1_000_000 == 0 else \
            rfc3339(t)[:-1] + f".{t % 1_000_000:06d}Z"
        run([("modified_after", after)],
            {i for i in view.visible - scos if newest_modified(model.newest(i)) > t},
            ignore=scos)
        run([("modified_before", after)],
            {i for i in view.visible - scos if newest_modified(model.newest(i)) < t},
            ignore=scos)
        mark = prng.choice(marks)
        run([("marking", mark)],
            {i for i in view.visible if mark in newest(i).get("object_marking_refs", ())})
        flag = prng.choice(["true", "false"])
        run([("revoked", flag)],
            {i for i in view.visible if bool(newest(i).get("revoked")) == (flag == "true")})
        st = prng.choice(STATUSES)
        run([("status", st)], {i for i in view.visible if newest(i).get("status") == st})
        # Two filters at once, in small pages.
        types = prng.sample(TYPES[:6] + TYPES[11:14], 2)
        run([("type", ",".join(types)), ("modified_after", after)],
            {i for i in view.visible - scos if newest(i)["type"] in types
             and newest_modified(model.newest(i)) > t}, limit=prng.randint(3, 12),
            ignore=scos)

    run_all(work, principals(lk))
    lk.checks.note("full-text queries met objects carrying the word that the principal "
                   f"may not read: {dict(hidden_hits)} (none may come back)")
    assert sum(hidden_hits.values()) > 0, "no hidden object carried a search word"
    done(lk, "api_filters")
    assert_clean(lk, [CAT_FILTER])


# --- GET /api/v1/objects/{id} ---------------------------------------------------------

def test_api_detail(leak, api):
    """Every stored object and some never-stored ids, for every principal:
    200 with the newest version as stored, its summary and labels, exactly
    the readable versions in the order stored, the readable relationships and
    sightings that link it, the readable objects that name it; or 404 with
    the body of a never-stored id of the same type."""
    lk, model = leak, leak.model
    views, _, pages = api
    rng = random.Random(lk.seed * 11 + 3)
    plans = {who.name: random.Random(rng.getrandbits(64)) for who in principals(lk)}
    parts = model.partners

    def listing_dates(name):
        out = {}
        for r, body in pages[name]:
            if isinstance(body, dict):
                for it in body.get("items") or []:
                    if isinstance(it, dict):
                        out.setdefault(it.get("id"), it.get("date_added"))
        return out

    def work(who):
        prng, view, C = plans[who.name], views[who.name], lk.checks
        dates = listing_dates(who.name)
        refs = {}

        def ref404(kind):
            if kind not in refs:
                fk = never_stored(prng, kind)
                refs[kind] = norm(lk.api_get(who, f"{API}/objects/{fk}"), fk)
            return refs[kind]

        fakes = [never_stored(prng, t) for t in ("indicator", "cx-commitment", "relationship")]
        for oid in sorted(model.versions) + fakes:
            path = f"{API}/objects/{oid}"
            ctx = ApiCtx(lk, who, path)
            r = lk.api_get(who, path)
            if oid not in view.visible:
                kind = oid.split("--")[0]
                if oid in model.versions:
                    C.eq(CAT_404, norm(r, oid), ref404(kind),
                         "answer for an object the principal may not read differs from the "
                         "404 of a never-stored id", lambda: ctx.text(oid, r.text[:300]))
                else:
                    b = body_of(r)
                    C.eq(CAT_404, (r.status_code, isinstance(b, dict) and b.get("code")),
                         (404, 1000), "never-stored id", lambda: ctx.text(extra=r.text[:300]))
                continue
            if not C.eq(CAT_DETAIL, r.status_code, 200, "status of a readable object",
                        lambda: ctx.text(oid, r.text[:300])):
                continue
            b = body_of(r)
            if not C.eq(CAT_DETAIL, isinstance(b, dict), True, "body is an object",
                        lambda: ctx.text(oid)):
                continue
            v = view.listed(oid)
            C.eq(CAT_DETAIL, b.get("object"), v.obj,
                 "object is not the newest stored version as stored", lambda: ctx.text(oid))
            check_summary(lk, CAT_DETAIL, ctx, b.get("summary"), v, dates.get(oid))
            lab = b.get("labels") if isinstance(b.get("labels"), dict) else {}
            C.eq(CAT_DETAIL, (lab.get("owner"), lab.get("tlp"), lab.get("classification")),
                 (v.labels.owner, api_tlp(v.labels), api_classification(v.labels)),
                 "labels owner, tlp, classification", lambda: ctx.text(oid))
            rel = lab.get("releasable_to")
            want = api_releasable(v.labels, parts)
            if isinstance(want, tuple):
                ok = rel == "all" or (isinstance(rel, list) and frozenset(rel) == want[1])
                C.eq(CAT_DETAIL, ok, True, "labels releasable_to (every partner)",
                     lambda: ctx.text(oid, f"got {rel!r}"))
            else:
                C.eq(CAT_DETAIL, frozenset(rel) if isinstance(rel, list) else rel, want,
                     "labels releasable_to", lambda: ctx.text(oid))

            # versions: exactly the readable ones, in the order stored.
            vs = b.get("versions") if isinstance(b.get("versions"), list) else []
            ks = view.versions(oid)
            if v.key == SCO:
                C.eq(CAT_DETAIL, len(vs), 1, "versions of an SCO", lambda: ctx.text(oid))
            else:
                got = []
                for e in vs:
                    try:
                        got.append(ts_us(e.get("modified")))
                    except (AttributeError, TypeError, ValueError):
                        got.append(repr(e)[:60])
                gs, ws = set(got), set(ks)
                for k in gs | set(model.versions[oid]):
                    kind = ("LEAK: unreadable version listed" if k in gs and k not in ws
                            else "readable version withheld" if k in ws else
                            "versions entry that is not a stored version")
                    C.eq(CAT_DETAIL, k in gs, k in ws, kind,
                         lambda k=k: ctx.text(oid, f"version {fmt_key(k)}"))
                if gs == ws:
                    check_version_order(C, ctx, oid, vs, got, ks)
                    entry = dict(zip(got, vs))
                    for k in ks:
                        w, e = model.versions[oid][k], entry[k]
                        C.eq(CAT_DETAIL, (e.get("banner"), e.get("revoked")),
                             (api_banner(w.labels, parts), bool(w.obj.get("revoked"))),
                             "versions entry banner and revoked",
                             lambda k=k: ctx.text(oid, f"version {fmt_key(k)}"))
                    if isinstance(b.get("summary"), dict) and isinstance(entry[ks[-1]], dict):
                        C.eq(CAT_DETAIL, entry[ks[-1]].get("date_added"),
                             b["summary"].get("date_added"),
                             "date_added of the newest version's entry and of the summary",
                             lambda: ctx.text(oid))

            # relationships and referenced_by: readable objects only.
            for part, want_ids in (("relationships", view.relationships(oid)),
                                   ("referenced_by", view.referenced_by(oid))):
                rows = b.get(part)
                if not C.eq(CAT_DETAIL, isinstance(rows, list), True, f"{part} is a list",
                            lambda: ctx.text(oid)):
                    continue
                ids = collections.Counter(x.get("id") if isinstance(x, dict) else repr(x)
                                          for x in rows)
                C.eq(CAT_DETAIL, sum(c - 1 for c in ids.values()), 0, f"duplicates in {part}",
                     lambda: ctx.text(oid))
                for i in set(ids) | want_ids:
                    present, expected = i in ids, i in want_ids
                    if present and not expected and i not in view.visible:
                        kind = f"LEAK: {part} names an object the principal may not read"
                    elif present and not expected:
                        kind = f"{part} names an object that does not link this one"
                    elif not present:
                        kind = f"{part} withholds a readable object"
                    else:
                        kind = f"{part} entry"
                    C.eq(CAT_DETAIL, present, expected, kind,
                         lambda i=i: ctx.text(oid, f"{part} entry {i}:\n"
                                              f"{model.explain(who, i)}"))
                for x in rows:
                    i = x.get("id") if isinstance(x, dict) else None
                    if i in want_ids:
                        check_summary(lk, CAT_DETAIL, ctx, x, view.listed(i), dates.get(i),
                                      f" ({part})")

    run_all(work, principals(lk))
    done(lk, "api_detail")
    assert_clean(lk, [CAT_DETAIL, CAT_404])


def check_version_order(C, ctx, oid, vs, got, ks):
    """versions are in the order the node stored them, by date_added (API.md,
    as TAXII's versions/), which is not always the order of modified: the
    readable versions each once, their date_added strictly increasing."""
    added = [e.get("date_added") or "" if isinstance(e, dict) else "" for e in vs]
    try:
        at = [ts_us(a) for a in added]
        ordered = all(at[i] < at[i + 1] for i in range(len(at) - 1))
    except ValueError:
        ordered = False
    return C.eq(CAT_DETAIL, (len(got), ordered), (len(ks), True),
                "versions order (the readable ones, by date_added)",
                lambda: ctx.text(oid, f"date_added: {added}"))


# --- GET /api/v1/dashboard ------------------------------------------------------------------

def want_dashboard(model, view, now_us):
    """API.md "Dashboard" over the newest version of each record the
    principal may read."""
    recs = collections.defaultdict(list)
    for oid in view.visible:
        o = model.newest(oid).obj
        recs[o["type"]].append(o)
    com = recs["cx-commitment"]
    overdue = sum(1 for o in com if "due_date" in o and ts_us(o["due_date"]) < now_us
                  and o["status"] not in ("done", "dropped"))
    act = recs["cx-aat-activity"]
    months = collections.Counter((o.get("planned_start") or o["created"])[:7] for o in act)
    ass = sorted(recs["cx-assessment"], key=lambda o: ts_us(o["period_end"]))[:500]
    return {
        "commitments": {"by_status": dict(collections.Counter(o["status"] for o in com)),
                        "overdue": overdue, "total": len(com)},
        "activities": {"by_status": dict(collections.Counter(o["status"] for o in act)),
                       "by_month": dict(months), "total": len(act)},
        "assessments": [{"id": o["id"], "framework_ref": o["framework_ref"],
                         "period_end": o["period_end"], "status": o["status"],
                         "ratings": {r["factor"]: r["rating"] for r in o["ratings"]}}
                        for o in ass]}


def test_api_dashboard(leak, api):
    """Every number of the dashboard of every principal."""
    lk, model = leak, leak.model
    views, _, _ = api
    now = datetime.datetime.now(datetime.timezone.utc)
    now_us = int(now.timestamp()) * 1_000_000 + now.microsecond

    def work(who):
        C, view = lk.checks, views[who.name]
        path = f"{API}/dashboard"
        ctx = ApiCtx(lk, who, path)
        r = lk.api_get(who, path)
        if not C.eq(CAT_DASH, r.status_code, 200, "status of the dashboard",
                    lambda: ctx.text(extra=r.text[:300])):
            return
        b = body_of(r)
        if not C.eq(CAT_DASH, isinstance(b, dict), True, "body is an object",
                    lambda: ctx.text(extra=r.text[:300])):
            return
        want = want_dashboard(model, view, now_us)

        def records(kind, pred):
            ids = sorted(i for i in view.visible if model.newest(i).obj["type"] == kind
                         and pred(model.newest(i).obj))
            hidden = sorted(i for i in model.versions if i not in view.visible
                            and model.newest(i).obj["type"] == kind
                            and pred(model.newest(i).obj))
            return f"readable: {ids[:6]}{' ...' if len(ids) > 6 else ''}; " \
                   f"not readable: {len(hidden)}"

        for part in ("commitments", "activities"):
            g = b.get(part) if isinstance(b.get(part), dict) else {}
            kind = "cx-commitment" if part == "commitments" else "cx-aat-activity"
            for group in ("by_status",) + (("by_month",) if part == "activities" else ()):
                gd = g.get(group) if isinstance(g.get(group), dict) else {}
                wd = want[part][group]
                # A state or month with no record may be shown as 0 or left out.
                for k in set(gd) | set(wd):
                    if gd.get(k, 0) == 0 and k not in wd:
                        C.add(CAT_DASH, 1)
                        continue
                    C.eq(CAT_DASH, gd.get(k, 0), wd.get(k, 0), f"{part} {group} count",
                         lambda k=k, group=group: ctx.text(
                             extra=f"{group} {k}: " + records(
                                 kind, lambda o: (o.get("status") if group == "by_status" else
                                                  (o.get("planned_start") or
                                                   o["created"])[:7]) == k)))
            C.eq(CAT_DASH, g.get("total"), want[part]["total"], f"{part} total",
                 lambda kind=kind: ctx.text(extra=records(kind, lambda o: True)))
        g = b.get("commitments") if isinstance(b.get("commitments"), dict) else {}
        C.eq(CAT_DASH, g.get("overdue"), want["commitments"]["overdue"], "commitments overdue",
             lambda: ctx.text(extra=records(
                 "cx-commitment", lambda o: "due_date" in o and ts_us(o["due_date"]) < now_us
                 and o["status"] not in ("done", "dropped"))))
        ga = b.get("assessments") if isinstance(b.get("assessments"), list) else []
        C.eq(CAT_DASH, [a.get("id") if isinstance(a, dict) else None for a in ga],
             [a["id"] for a in want["assessments"]],
             "assessments listed (readable ones, by period_end)",
             lambda: ctx.text(extra=records("cx-assessment", lambda o: True)))
        wa = {a["id"]: a for a in want["assessments"]}
        for a in ga:
            if isinstance(a, dict) and a.get("id") in wa:
                w = dict(wa[a["id"]])
                g2 = dict(a)
                if same_time(g2.get("period_end"), w["period_end"]):
                    g2["period_end"] = w["period_end"]
                C.eq(CAT_DASH, g2, w, "assessment entry",
                     lambda a=a: ctx.text(a["id"]))

    run_all(work, principals(lk))
    done(lk, "api_dashboard")
    assert_clean(lk, [CAT_DASH])


def test_api_scenario(leak, api):
    """The scenario gives the API checks something to find: relationships,
    sightings, references and records that some principals may read and
    others may not, in every state."""
    lk, model = leak, leak.model
    views, _, _ = api
    got = collections.Counter()
    for oid, vs in model.versions.items():
        o = model.newest(oid).obj
        seen = sum(oid in v.visible for v in views.values())
        if 0 < seen < len(views):
            got[f"{o['type']} readable by some"] += 1
        if o["type"] in ("cx-commitment", "cx-aat-activity", "cx-assessment"):
            got[f"{o['type']} {o['status']}"] += 1
        for v in views.values():
            if oid in v.visible:
                if v.relationships(oid) != (model.rel_index.get(oid) or set()):
                    got["relationships partly hidden"] += 1
                if v.referenced_by(oid) != (model.ref_index.get(oid) or set()):
                    got["referenced_by partly hidden"] += 1
    need = ["relationship readable by some", "sighting readable by some",
            "cx-commitment readable by some", "cx-aat-activity readable by some",
            "cx-assessment readable by some", "relationships partly hidden",
            "referenced_by partly hidden", "cx-commitment open", "cx-commitment done",
            "cx-aat-activity scheduled", "cx-assessment draft"]
    missing = [n for n in need if got[n] < 2]
    assert not missing, f"seed {lk.seed} does not exercise: {missing} (counts: {dict(got)})"
