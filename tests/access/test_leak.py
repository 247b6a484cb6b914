"""The randomized leak test: for every principal and every egress path, what
the node returns is compared with the reference model (model.py, written
from doc/ACCESS.md and doc/TAXII.md).

Paths: TAXII collections list and collection resources; objects/ with
match[version] last (the default), first and all, with match[id] and
match[type] filters and with added_after; paging with small limits to the
end through next; manifest/; objects/{id}/ and objects/{id}/versions/ for
every object of every readable collection plus objects from elsewhere and
never-stored ids; exact-version requests; `cx export --as USER`.

Version selection (a choice this test makes from the docs): TAXII.md says
last and first are the newest and oldest versions of an object in the
collection; ACCESS.md says versions a principal may not read do not exist
for it. So last/first/all are chosen among the versions of the collection
that the principal may read.

The native API (/api/v1/) is checked by test_api.py on the same node;
its checks count towards the same total.

Every comparison is counted (checks.py); each test fails with the
differences of its own paths and a reproduction of the first few, and the
last test requires at least 100,000 comparisons with no difference.
"""
import collections
import concurrent.futures
import dataclasses
import json
import random
import uuid

import pytest

from .conftest import TAXII
from .gen import COLLECTIONS
from .model import CLASS_RANK, SCO, admits, fmt_key, labels, ts_us, version_key

EPOCH = "1970-01-01T00:00:00.000000Z"
ROOT = "coalition"
MAX_PAGE = 1000            # the default taxii.max_page_size of cx.ini
WORKERS = 3
MIN_CHECKS = 100_000

CAT_COLLECTIONS = "collections"
CAT_MANIFEST = "manifest/"
CAT_OBJECTS = "objects/"
CAT_PAGING = "paging"
CAT_BY_ID = "objects/{id}/"
CAT_VERSIONS = "versions/"
CAT_EXACT = "match[version]=exact"
CAT_EXPORT = "cx export --as"
CAT_DATES = "date_added"
ALL_TESTS = {"collections", "manifest", "objects", "paging", "by_id", "export",
             "api_objects", "api_filters", "api_detail", "api_dashboard",
             "api_dashboard_records"}


# --- helpers -------------------------------------------------------------------

def run_all(fn, items):
    """fn(item) for every item on a few threads (each with its own
    keep-alive HTTP client); the first exception is raised here."""
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as ex:
        for f in [ex.submit(fn, it) for it in items]:
            f.result()


def principals(lk):
    return [lk.principals[n] for n in sorted(lk.principals)]


def col_path(lk, alias, rest=""):
    return f"/{ROOT}/collections/{lk.collections[alias]}/{rest}"


def body_of(r):
    try:
        return r.json() if r.content else None
    except ValueError:
        return r.text


def row_key(model, oid, version):
    """The model's key of a row (manifest) or versions/ entry."""
    vs = model.versions.get(oid)
    if vs is not None and SCO in vs:
        return SCO
    try:
        return ts_us(version)
    except (TypeError, ValueError):
        return version


def obj_key(o):
    try:
        return (o.get("id"), version_key(o))
    except (AttributeError, ValueError, TypeError):
        return (repr(o)[:80], None)


def fetch_pages(lk, who, path, params, max_pages=400):
    """GET and follow next to the end; stops at anything but a 200 page
    with more: true and a next value. Returns [(response, body)]."""
    pages, extra = [], []
    for _ in range(max_pages):
        r = lk.get(who, path, list(params) + extra)
        body = body_of(r)
        pages.append((r, body))
        if r.status_code != 200 or not isinstance(body, dict) or body.get("more") is not True \
                or not isinstance(body.get("next"), str) or not body["next"]:
            break
        extra = [("next", body["next"])]
    return pages


def never_stored(rng, kind):
    return f"{kind}--{uuid.UUID(int=rng.getrandbits(128), version=4)}"


def norm(r, oid=None):
    """An answer with what must not tell two requests apart removed: the
    request id, the Date header, and the id asked for (when it is echoed)."""
    b = body_of(r)
    if isinstance(b, dict):
        b = {k: v for k, v in b.items() if k != "error_id"}
    text = json.dumps(b, sort_keys=True)
    if oid:
        text = text.replace(oid, "<ID>")
    names = sorted(h.lower() for h in r.headers if h.lower() not in ("date", "x-request-id"))
    return (r.status_code, r.headers.get("Content-Type"), r.headers.get("Content-Length"),
            names, r.headers.get("X-TAXII-Date-Added-First"),
            r.headers.get("X-TAXII-Date-Added-Last"), text)


def sort_by_date(keys, alias, dates):
    return sorted(keys, key=lambda k: dates.get((alias,) + k) or "9999")


class Ctx:
    """What one comparison is about, to write its reproduction."""

    def __init__(self, lk, who, alias, path, params=None):
        self.lk, self.who, self.alias, self.path, self.params = lk, who, alias, path, params
        self.answer = None
        p = dict(params or [])
        extra = [f"+{k}" for k in ("limit", "match[id]", "match[type]", "added_after") if k in p]
        self.label = "" if not path.startswith("/") else \
            f" [match[version]={p.get('match[version]', 'last')}{''.join(extra)}]"

    def text(self, oid=None, key=None, extra=""):
        lines = [f"  principal: {self.who.describe()}",
                 f"  request: GET {self.path}" + (f" {self.params}" if self.params else ""),
                 self.lk.curl(self.who, self.path, self.params)]
        if oid is not None:
            lines.append(f"  object {oid}" + (f" version {fmt_key(key)}" if key is not None
                                             else ""))
            lines.append(self.lk.model.explain(self.who, oid, self.alias))
        if self.answer is not None:
            lines.append(f"  answer: {self.answer}")
        if extra:
            lines.append(f"  {extra}")
        return "\n".join(lines)


def diff_kind(model, who, alias, k, present):
    oid, key = k
    if not present:
        return "readable version withheld"
    if oid not in model.versions or key not in model.versions[oid]:
        return "row that is not a stored version"
    if alias is not None and key not in model.members[alias].get(oid, ()):
        return "version from outside the collection"
    if not model.readable(who, oid, key):
        return "LEAK: unreadable version returned"
    return "readable version returned that was not selected (last/first/filter)"


def compare_rows(ctx, cat, got, want, universe):
    """One check per version of the universe (present or absent, as the
    model says), per unexpected row, for duplicates and for the order."""
    lk, C = ctx.lk, ctx.lk.checks
    gs = collections.Counter(got)
    ws = set(want)
    C.eq(cat, sum(n - 1 for n in gs.values()), 0, "duplicate rows",
         lambda: ctx.text(extra=f"duplicates: {[k for k, n in gs.items() if n > 1][:5]}"))
    same = 0
    for k in set(universe) | set(gs):
        present, expected = k in gs, k in ws
        if present == expected:
            same += 1
            continue
        C.eq(cat, present, expected,
             diff_kind(lk.model, ctx.who, ctx.alias, k, present) + ctx.label,
             lambda k=k: ctx.text(k[0], k[1]))
    C.add(cat, same)
    if set(gs) == ws:
        C.eq(cat, list(got), list(want), "order of rows (date_added ascending)",
             lambda: ctx.text())


def check_headers(ctx, cat, r, first, last, where=""):
    C = ctx.lk.checks
    for h, want in (("X-TAXII-Date-Added-First", first), ("X-TAXII-Date-Added-Last", last)):
        C.eq(cat, r.headers.get(h), want, h + ctx.label, lambda: ctx.text(extra=where))


def check_listing(ctx, cat, pages, want, key_of_row, limit, universe, dates,
                  content=True, added_after=None):
    """A listing followed to its end: status, media type, page count, more
    and next, rows per page, the date headers of every page, every row's
    presence, order and (for objects) content."""
    lk, C, alias = ctx.lk, ctx.lk.checks, ctx.alias
    for r, body in pages:
        if not C.eq(cat, r.status_code, 200, "status of a listing",
                    lambda r=r: ctx.text(extra=f"answer: {r.text[:300]}")):
            return
        C.eq(cat, r.headers.get("Content-Type"), TAXII, "Content-Type", lambda: ctx.text())
        if not C.eq(cat, isinstance(body, dict), True, "body is a JSON object",
                    lambda: ctx.text()):
            return
    if len(pages) == 1:
        r = pages[0][0]
        ctx.answer = f"{r.status_code} {r.text[:240]!r}"
    n, L = len(want), limit or MAX_PAGE
    C.eq(cat, len(pages), max(1, -(-n // L)), "number of pages (more/next exact)" + ctx.label,
         lambda: ctx.text(extra=f"{n} readable rows in pages of {L}; pages had "
                          f"{[len(b.get('objects', [])) for _, b in pages]} rows"))
    got = []
    for i, (r, body) in enumerate(pages):
        rows = body.get("objects", [])
        last = i == len(pages) - 1
        if n == 0:
            C.eq(cat, body, {}, "an empty result is {}" + ctx.label, lambda: ctx.text())
        C.eq(cat, body.get("more", False) is True, not last, "more flag" + ctx.label,
             lambda: ctx.text(extra=f"page {i + 1} of {len(pages)}"))
        C.eq(cat, "next" in body, not last, "next present iff more", lambda: ctx.text())
        if not last:
            C.eq(cat, len(rows), L, "rows on a page that is not the last" + ctx.label,
                 lambda: ctx.text())
        seg = want[i * L:(i + 1) * L]
        if seg:
            check_headers(ctx, cat, r, dates.get((alias,) + seg[0]),
                          dates.get((alias,) + seg[-1]),
                          f"page {i + 1}: first and last expected rows {seg[0]}, {seg[-1]}")
        else:
            e = added_after or EPOCH
            check_headers(ctx, cat, r, e, e, f"page {i + 1}, expected empty")
        for row in rows:
            k = key_of_row(row)
            got.append(k)
            if content:
                v = lk.model.versions.get(k[0], {}).get(k[1])
                if v is not None:
                    C.eq(cat, row, v.obj, "object content differs from the stored version",
                         lambda k=k: ctx.text(k[0], k[1]))
    compare_rows(ctx, cat, got, want, universe)


def collection_versions(model, alias, ids=None):
    return {(oid, k) for oid, ks in model.members[alias].items()
            if ids is None or oid in ids for k in ks}


# --- fixtures -------------------------------------------------------------------

@pytest.fixture(scope="module")
def views(leak):
    """Every principal's manifest (match[version]=all) of every collection
    it may read, and the date_added of each (collection, id, version)."""
    lk, model = leak, leak.model
    out = {}

    def work(who):
        for alias in COLLECTIONS:
            if model.access(who, alias)[0]:
                out[(who.name, alias)] = fetch_pages(
                    lk, who, col_path(lk, alias, "manifest/"), [("match[version]", "all")])

    run_all(work, principals(lk))
    dates = {}
    for (name, alias), pages in sorted(out.items()):
        for r, body in pages:
            if r.status_code != 200 or not isinstance(body, dict):
                continue
            for row in body.get("objects", []):
                k = (alias, row.get("id"), row_key(model, row.get("id"), row.get("version")))
                d = row.get("date_added")
                if k in dates:
                    lk.checks.eq(CAT_DATES, d, dates[k],
                                 "date_added differs between principals",
                                 f"  {k} seen by {name}")
                else:
                    dates[k] = d
    return out, dates


def done(lk, name):
    lk.cache.setdefault("done", set()).add(name)


def assert_clean(lk, cats):
    assert lk.checks.ndiffs(cats) == 0, lk.checks.report(cats)


# --- collections ------------------------------------------------------------------

def test_collections_list_and_resources(leak):
    lk, model = leak, leak.model
    rng = random.Random(lk.seed * 7 + 1)
    missing_col = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    member_ids = {a: sorted(model.members[a]) for a in COLLECTIONS}

    plans = {who.name: random.Random(rng.getrandbits(64)) for who in principals(lk)}

    def work(who):
        C, prng = lk.checks, plans[who.name]
        path = f"/{ROOT}/collections/"
        ctx = Ctx(lk, who, None, path)
        r = lk.get(who, path)
        C.eq(CAT_COLLECTIONS, r.status_code, 200, "status of the collections list",
             lambda: ctx.text(extra=r.text[:300]))
        body = body_of(r) if r.status_code == 200 else {}
        listed = {c.get("id"): c for c in (body or {}).get("collections", [])}
        ids = {lk.collections[a]: a for a in COLLECTIONS}
        for cid in listed:
            if cid not in ids:
                C.eq(CAT_COLLECTIONS, cid, None, "unknown collection listed", ctx.text())
        for alias in COLLECTIONS:
            cid = lk.collections[alias]
            cr, cw = model.access(who, alias)
            g = f"grants of {alias}: {model.grants[alias]}"
            C.eq(CAT_COLLECTIONS, cid in listed, cr or cw,
                 "collection listed iff the principal can read or write it",
                 lambda: ctx.text(extra=g))
            if cid in listed:
                C.eq(CAT_COLLECTIONS, listed[cid].get("can_read"), cr, "can_read in the list",
                     lambda: ctx.text(extra=g))
                C.eq(CAT_COLLECTIONS, listed[cid].get("can_write"), cw,
                     "can_write in the list", lambda: ctx.text(extra=g))

            # The collection resource: 200 with the flags, or 404 exactly as
            # for a collection that does not exist.
            p = col_path(lk, alias)
            cctx = Ctx(lk, who, alias, p)
            r = lk.get(who, p)
            if cr or cw:
                if C.eq(CAT_COLLECTIONS, r.status_code, 200, "status of a collection",
                        lambda: cctx.text(extra=g)):
                    b = body_of(r)
                    C.eq(CAT_COLLECTIONS, (b.get("id"), b.get("can_read"), b.get("can_write")),
                         (cid, cr, cw), "collection resource flags", lambda: cctx.text(extra=g))
            else:
                ref = lk.get(who, f"/{ROOT}/collections/{missing_col}/")
                C.eq(CAT_COLLECTIONS, norm(r, cid), norm(ref, missing_col),
                     "collection without access differs from a missing one",
                     lambda: cctx.text(extra=g))

            # Reading endpoints without can_read: 403 when the principal may
            # write, else 404 as for a missing collection; the same answer
            # for a stored object as for a never-stored one.
            if cr:
                continue
            sample = prng.sample(member_ids[alias], min(4, len(member_ids[alias])))
            fake = never_stored(prng, "indicator")
            for rest in ["objects/", "manifest/"] + \
                    [f"objects/{i}/" for i in sample + [fake]] + \
                    [f"objects/{i}/versions/" for i in sample[:2] + [fake]]:
                rp = col_path(lk, alias, rest)
                r = lk.get(who, rp)
                rctx = Ctx(lk, who, alias, rp)
                if cw:
                    C.eq(CAT_COLLECTIONS, r.status_code, 403,
                         "reading a write-only collection", lambda: rctx.text(extra=g))
                    oid = rest.split("/")[1] if rest.count("/") >= 2 else None
                    if oid and oid != fake:
                        fk = never_stored(prng, oid.split("--")[0])
                        fr = lk.get(who, col_path(lk, alias, rest.replace(oid, fk)))
                        C.eq(CAT_COLLECTIONS, norm(r, oid), norm(fr, fk),
                             "403 for a stored object differs from a never-stored one",
                             lambda: rctx.text(oid, extra=g))
                else:
                    ref = lk.get(who, f"/{ROOT}/collections/{missing_col}/{rest}")
                    C.eq(CAT_COLLECTIONS, norm(r, cid), norm(ref, missing_col),
                         "endpoint of a collection without access differs from a missing one",
                         lambda: rctx.text(extra=g))

    run_all(work, principals(lk))
    done(lk, "collections")
    assert_clean(lk, [CAT_COLLECTIONS])


# --- manifest and objects ------------------------------------------------------------

def test_manifest(leak, views):
    lk, model = leak, leak.model
    pages_of, dates = views
    for who in principals(lk):
        for alias in COLLECTIONS:
            if (who.name, alias) not in pages_of:
                continue
            path = col_path(lk, alias, "manifest/")
            ctx = Ctx(lk, who, alias, path, [("match[version]", "all")])
            want = sort_by_date(model.select(who, alias, "all"), alias, dates)
            pages = pages_of[(who.name, alias)]
            check_listing(ctx, CAT_MANIFEST, pages, want,
                          lambda row: (row.get("id"),
                                       row_key(model, row.get("id"), row.get("version"))),
                          None, collection_versions(model, alias), dates, content=False)
            for r, body in pages:
                for row in (body or {}).get("objects", []) if isinstance(body, dict) else []:
                    lk.checks.eq(CAT_MANIFEST, row.get("media_type"),
                                 "application/stix+json;version=2.1", "manifest media_type",
                                 lambda: ctx.text())
    done(lk, "manifest")
    assert_clean(lk, [CAT_MANIFEST, CAT_DATES])


def test_objects(leak, views):
    """objects/ with last (default), first, all; with match[id] and
    match[type] filters; with added_after inside and after the readable rows."""
    lk, model = leak, leak.model
    _, dates = views
    rng = random.Random(lk.seed * 7 + 2)
    plans = {who.name: random.Random(rng.getrandbits(64)) for who in principals(lk)}

    def work(who):
        prng = plans[who.name]
        for alias in COLLECTIONS:
            if not model.access(who, alias)[0]:
                continue
            path = col_path(lk, alias, "objects/")
            universe = collection_versions(model, alias)
            for which in ("last", "first", "all"):
                params = [] if which == "last" else [("match[version]", which)]
                ctx = Ctx(lk, who, alias, path, params)
                want = sort_by_date(model.select(who, alias, which), alias, dates)
                check_listing(ctx, CAT_OBJECTS, fetch_pages(lk, who, path, params), want,
                              obj_key, None, universe, dates)

            # match[id]: readable and unreadable ids, from here and elsewhere.
            ids = list(model.members[alias])
            pick = prng.sample(ids, min(12, len(ids))) + \
                prng.sample(sorted(model.versions), 6)
            params = [("match[id]", ",".join(pick)), ("match[version]", "all")]
            ctx = Ctx(lk, who, alias, path, params)
            want = sort_by_date([k for k in model.select(who, alias, "all") if k[0] in pick],
                                alias, dates)
            check_listing(ctx, CAT_OBJECTS, fetch_pages(lk, who, path, params), want,
                          obj_key, None, collection_versions(model, alias, set(pick)), dates)

            # match[type]
            types = prng.sample(["indicator", "report", "note", "threat-actor",
                                 "marking-definition", "ipv4-addr", "extension-definition"], 2)
            params = [("match[type]", ",".join(types))]
            ctx = Ctx(lk, who, alias, path, params)
            want = sort_by_date([k for k in model.select(who, alias, "last")
                                 if k[0].split("--")[0] in types], alias, dates)
            tids = {i for i in model.members[alias] if i.split("--")[0] in types}
            check_listing(ctx, CAT_OBJECTS, fetch_pages(lk, who, path, params), want,
                          obj_key, None, collection_versions(model, alias, tids), dates)

            # added_after: from a readable row in the middle, and from the
            # last readable row (nothing readable after it: an empty page
            # whose headers repeat added_after, whatever else is stored).
            allv = sort_by_date(model.select(who, alias, "all"), alias, dates)
            for pos in ([len(allv) // 2, len(allv) - 1] if allv else []):
                after = dates.get((alias,) + allv[pos])
                if after is None:
                    continue
                params = [("added_after", after), ("match[version]", "all")]
                ctx = Ctx(lk, who, alias, path, params)
                want = [k for k in allv if (dates.get((alias,) + k) or "") > after]
                check_listing(ctx, CAT_OBJECTS, fetch_pages(lk, who, path, params), want,
                              obj_key, None, universe, dates, added_after=after)

    run_all(work, principals(lk))
    done(lk, "objects")
    assert_clean(lk, [CAT_OBJECTS])


def test_paging(leak, views):
    """objects/ (last and all) and manifest/ in small pages, through next to
    the end: the concatenation, page sizes, more, next and the date
    headers of each page."""
    lk, model = leak, leak.model
    _, dates = views
    rng = random.Random(lk.seed * 7 + 3)
    limits = {(who.name, a): rng.randint(4, 40) for who in principals(lk) for a in COLLECTIONS}

    def work(who):
        for alias in COLLECTIONS:
            if not model.access(who, alias)[0]:
                continue
            L = limits[(who.name, alias)]
            universe = collection_versions(model, alias)
            for endpoint, which in (("objects/", "last"), ("objects/", "all"),
                                    ("manifest/", "all")):
                path = col_path(lk, alias, endpoint)
                params = [("limit", str(L))] + \
                    ([("match[version]", which)] if which != "last" else [])
                ctx = Ctx(lk, who, alias, path, params)
                want = sort_by_date(model.select(who, alias, which), alias, dates)
                if endpoint == "objects/":
                    key = obj_key
                else:
                    def key(row):
                        return (row.get("id"),
                                row_key(model, row.get("id"), row.get("version")))
                check_listing(ctx, CAT_PAGING, fetch_pages(lk, who, path, params), want,
                              key, L, universe, dates, content=endpoint == "objects/")

    run_all(work, principals(lk))
    done(lk, "paging")
    assert_clean(lk, [CAT_PAGING])


# --- single objects ---------------------------------------------------------------------

def spelled(obj):
    return obj.get("modified") or obj.get("created")


def test_objects_by_id_and_versions(leak, views):
    """objects/{id}/ and objects/{id}/versions/ for every object of every
    collection the principal may read, some objects of other collections
    or of none, and never-stored ids: 200 with exactly the readable
    versions selected, or 404 identical (apart from error_id) to the 404 of
    a never-stored id."""
    lk, model = leak, leak.model
    _, dates = views
    rng = random.Random(lk.seed * 7 + 4)
    plans = {who.name: random.Random(rng.getrandbits(64)) for who in principals(lk)}

    def work(who):
        prng = plans[who.name]
        C = lk.checks
        refs = {}

        def ref404(alias, oid, rest, params):
            """The answer for a never-stored id of the same type (same length)."""
            kind = oid.split("--")[0]
            k = (alias, kind, rest, tuple(params))
            if k not in refs:
                fk = never_stored(prng, kind)
                refs[k] = (fk, norm(lk.get(who, col_path(lk, alias, f"objects/{fk}/{rest}"),
                                           params), fk))
            return refs[k][1]

        for alias in COLLECTIONS:
            if not model.access(who, alias)[0]:
                continue
            readable = model.readable_in(who, alias)
            inside = sorted(model.members[alias])
            outside = sorted(i for i in model.versions if i not in model.members[alias])
            probes = inside + prng.sample(outside, min(14, len(outside))) + \
                [never_stored(prng, t) for t in ("indicator", "report")]
            for oid in probes:
                ks = sort_by_date([(oid, k) for k in readable.get(oid, [])], alias, dates)
                chosen = {"last": [(oid, readable[oid][-1])] if oid in readable else [],
                          "first": [(oid, readable[oid][0])] if oid in readable else [],
                          "all": ks}
                universe = {(oid, k) for k in model.members[alias].get(oid, ())}
                sels = ["last"] + (["first", "all"] if prng.random() < 0.25 else [])
                for which in sels:
                    params = [] if which == "last" else [("match[version]", which)]
                    path = col_path(lk, alias, f"objects/{oid}/")
                    ctx = Ctx(lk, who, alias, path, params)
                    r = lk.get(who, path, params)
                    want = chosen[which]
                    if want:
                        check_listing(ctx, CAT_BY_ID, [(r, body_of(r))], want, obj_key, None,
                                      universe, dates)
                    else:
                        C.eq(CAT_BY_ID, norm(r, oid), ref404(alias, oid, "", params),
                             "answer for an object without readable versions differs from "
                             "the 404 of a never-stored id", lambda: ctx.text(oid))

                path = col_path(lk, alias, f"objects/{oid}/versions/")
                ctx = Ctx(lk, who, alias, path)
                r = lk.get(who, path)
                if ks:
                    check_versions(ctx, r, ks, universe, dates)
                else:
                    C.eq(CAT_VERSIONS, norm(r, oid), ref404(alias, oid, "versions/", []),
                         "versions/ of an object without readable versions differs from "
                         "the 404 of a never-stored id", lambda: ctx.text(oid))

                # An exact version the principal may not read answers as a
                # version that was never stored.
                vs = model.versions.get(oid, {})
                hidden = [k for k in model.members[alias].get(oid, ())
                          if k != SCO and k not in readable.get(oid, [])]
                if hidden:
                    k = prng.choice(hidden)
                    path = col_path(lk, alias, f"objects/{oid}/")
                    p1 = [("match[version]", spelled(vs[k].obj))]
                    p2 = [("match[version]", "2099-12-31T23:59:59.999Z")]
                    ctx = Ctx(lk, who, alias, path, p1)
                    a, b = lk.get(who, path, p1), lk.get(who, path, p2)
                    C.eq(CAT_EXACT, norm(a, oid), norm(b, oid),
                         "an unreadable exact version answers differently from a "
                         "never-stored version", lambda: ctx.text(oid, k))

    run_all(work, principals(lk))
    done(lk, "by_id")
    assert_clean(lk, [CAT_BY_ID, CAT_VERSIONS, CAT_EXACT])


def check_versions(ctx, r, ks, universe, dates):
    C, model, alias = ctx.lk.checks, ctx.lk.model, ctx.alias
    if not C.eq(CAT_VERSIONS, r.status_code, 200, "status of versions/",
                lambda: ctx.text(ks[0][0], extra=r.text[:300])):
        return
    body = body_of(r)
    C.eq(CAT_VERSIONS, body.get("more", False), False, "more on a short versions list",
         lambda: ctx.text())
    oid = ks[0][0]
    got = [(oid, row_key(model, oid, v)) for v in body.get("versions", [])]
    check_headers(ctx, CAT_VERSIONS, r, dates.get((alias,) + ks[0]),
                  dates.get((alias,) + ks[-1]))
    compare_rows(ctx, CAT_VERSIONS, got, ks, universe)


# --- cx export --as -----------------------------------------------------------------------

def test_export_as(leak):
    """`cx export --as USER` writes exactly the versions USER may read, in
    every collection and in none."""
    lk, model = leak, leak.model
    universe = {(oid, k) for oid, vs in model.versions.items() for k in vs}

    def work(who):
        C = lk.checks
        p = lk.node.export("--as", who.name)
        ctx = Ctx(lk, who, None, f"(cx --node {lk.node.dir} export --as {who.name})")
        if not C.eq(CAT_EXPORT, p.returncode, 0, "exit status of cx export --as",
                    lambda: ctx.text(extra=p.stderr.decode("utf-8", "replace")[:300])):
            return
        objs = json.loads(p.stdout).get("objects", [])
        got = []
        for o in objs:
            k = obj_key(o)
            got.append(k)
            v = model.versions.get(k[0], {}).get(k[1])
            if v is not None:
                C.eq(CAT_EXPORT, o, v.obj, "exported content differs from the stored version",
                     lambda k=k: ctx.text(k[0], k[1]))
        want = model.all_readable(who)
        # Export is in the order versions were added, which the model does
        # not know: compare as a set (order=the export's own).
        compare_rows(ctx, CAT_EXPORT, got, [k for k in got if k in want] +
                     sorted(want - set(got), key=repr), universe)

    run_all(work, principals(lk))
    done(lk, "export")
    assert_clean(lk, [CAT_EXPORT])


# --- the whole ---------------------------------------------------------------------------

def test_setup_and_total(leak):
    """Every generated version was stored as generated, and the whole run
    made at least MIN_CHECKS comparisons without a difference."""
    lk = leak
    assert_clean(lk, ["setup"])
    ran = lk.cache.get("done", set())
    if ran != ALL_TESTS:
        pytest.skip(f"only {sorted(ran)} ran; the total needs {sorted(ALL_TESTS)}")
    assert lk.checks.ndiffs() == 0, lk.checks.report()
    assert lk.checks.total() >= MIN_CHECKS, \
        f"only {lk.checks.total()} checks (seed {lk.seed}); at least {MIN_CHECKS} required"


# --- the scenario's strength ----------------------------------------------------------------

def test_scenario_exercises_every_rule(leak):
    """The seed's scenario reaches every distinction ACCESS.md makes, so
    that a node ignoring any one rule would show differences above."""
    lk, m = leak, leak.model
    np_ = m.node_partner
    ps = principals(lk)
    got = collections.Counter()
    for oid, vs in m.versions.items():
        newest = m.newest(oid)
        for k, v in vs.items():
            lab, o = v.labels, v.obj
            if o.get("granular_markings"):
                bare = {x: y for x, y in o.items() if x != "granular_markings"}
                if labels(bare, *m.label_maps) != lab:
                    got["granular markings change the labels"] += 1
            refs = (o.get("object_marking_refs") or []) + \
                [g["marking_ref"] for g in o.get("granular_markings") or []]
            rels = [r for r in refs if r in m.label_maps[2]]
            if len(set(rels)) > 1:
                got["several releasability markings"] += 1
            if rels and not lab.rel_to and not lab.rel_all:
                got["releasable to nobody here (unknown codes, empty intersection)"] += 1
            if any(r in m.label_maps[1] for r in refs) and \
                    any(r in ("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
                              "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
                              "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
                              "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed")
                        for r in refs):
                got["TLP 1.0 markings"] += 1
            if o["type"] in ("marking-definition", "extension-definition"):
                got["exempt definitions" if not o.get("object_marking_refs")
                    else "marked definitions"] += 1
            if o.get("revoked"):
                got["revoked versions"] += 1
            if lab.owner is None and "created_by_ref" in o:
                got["owner not a partner"] += 1
            for who in ps:
                a = admits(lab, who, np_)
                an = admits(newest.labels, who, np_)
                if a and not an:
                    got["the newest version denies an admitted version"] += 1
                if an and not a:
                    got["an older version is denied, the newest admits"] += 1
                released = lab.rel_all or who.partner in lab.rel_to
                if lab.owner == who.partner and not released:
                    got["the owner reads what is not released to it"] += 1
                if released and lab.owner != who.partner and \
                        CLASS_RANK[who.clearance] < CLASS_RANK[lab.classification]:
                    got["clearance too low"] += 1
                if who.peer:
                    as_user = admits(lab, dataclasses.replace(who, roles=("reader",)), np_)
                    if as_user and not a:
                        got[f"the peer rule denies TLP {lab.tlp}"] += 1
                    if a and lab.tlp == "amber+strict" and lab.owner == np_ != who.partner:
                        got["a peer reads AMBER+STRICT of the node's own partner"] += 1
    for alias in COLLECTIONS:
        for who in ps:
            got[{(True, True): "read-write", (True, False): "read only",
                 (False, True): "write only", (False, False): "no access"}[
                m.access(who, alias)]] += 1
        for oid, ks in m.members[alias].items():
            if len(m.versions[oid]) > len(ks):
                got["versions of one object outside the collection"] += 1
    in_any = set().union(*[set(m.members[a]) for a in COLLECTIONS])
    got["objects in no collection"] = len(set(m.versions) - in_any)
    need = ["granular markings change the labels", "several releasability markings",
            "releasable to nobody here (unknown codes, empty intersection)", "TLP 1.0 markings",
            "exempt definitions", "marked definitions", "revoked versions",
            "owner not a partner", "the newest version denies an admitted version",
            "an older version is denied, the newest admits",
            "the owner reads what is not released to it", "clearance too low",
            "the peer rule denies TLP red", "the peer rule denies TLP amber+strict",
            "a peer reads AMBER+STRICT of the node's own partner",
            "read-write", "read only", "write only", "no access",
            "versions of one object outside the collection", "objects in no collection"]
    missing = [n for n in need if got[n] < 3]
    assert not missing, (f"seed {lk.seed} does not exercise: {missing} "
                         f"(counts: {dict(got)})")
