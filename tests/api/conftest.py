"""Nodes for the tests of the native JSON API (doc/API.md, doc/ACCESS.md).

Two nodes per run, both with the partners USA (the node's own), IRQ and KRG:

- `rnode`, for reads: fixture objects stored with `cx import` (one import
  per object, so that the order they were stored in is known), never
  written to through the API. Its objects and who may read them are listed
  in READ_PLAN below.
- `wnode`, for sessions and writes: tests create objects through the API.

Tests talk to `cx serve` over real HTTP. CX_BIN names the binary (default
build/src/cli/cx under the repository root). The server's stderr is kept in
a file, shown with every failed test, and checked for sanitizer reports
when the node stops.
"""
import datetime
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import urllib.parse
import uuid
from pathlib import Path

import pytest
import requests
import requests.adapters
from nodetools import (CX_BIN, cx_env, run_cx, ini_set, parse_token, free_port, terminate,
                       wait_healthy)


API = "/api/v1"
COOKIE = "cx_session"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"   # TLP 2.0 GREEN
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"   # TLP 2.0 AMBER
REL_EXTENSION = "extension-definition--a7b3c2d1-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
MS_TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

# The partners' identities are pinned to the demo's (demo/partners.txt).
IDENTITY = {
    "USA": "identity--e7d6c87e-078e-549a-8446-373b49cb3cad",
    "IRQ": "identity--31059b07-8f67-5cb2-9992-4654afe92041",
    "KRG": "identity--2dfe0889-dfea-5743-bf26-44f12629445f",
}
PARTNER_NAMES = {"USA": "United States", "IRQ": "Iraq", "KRG": "Kurdistan Region"}

SANITIZER_MARKS = ("runtime error", "AddressSanitizer", "LeakSanitizer",
                   "UndefinedBehaviorSanitizer")


# --- STIX fixtures -------------------------------------------------------------------

def stix_id(kind):
    return f"{kind}--{uuid.uuid4()}"


def _with(o, extra):
    """o updated with extra; an extra value None removes the property."""
    o.update(extra)
    return {k: v for k, v in o.items() if v is not None}


def indicator(name, owner="USA", markings=(GREEN,), created="2026-01-01T00:00:00.000Z",
              modified=None, **extra):
    o = {
        "type": "indicator", "spec_version": "2.1", "id": stix_id("indicator"),
        "created": created, "modified": modified or created,
        "created_by_ref": IDENTITY[owner] if owner else None,
        "name": name,
        "pattern": "[ipv4-addr:value = '198.51.100.7']",
        "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
        "object_marking_refs": list(markings) or None,
    }
    return _with(o, extra)


def sdo(kind, name, owner="USA", markings=(GREEN,), **extra):
    o = {"type": kind, "spec_version": "2.1", "id": stix_id(kind),
         "created": "2026-01-02T00:00:00.000Z", "modified": "2026-01-02T00:00:00.000Z",
         "created_by_ref": IDENTITY[owner] if owner else None, "name": name,
         "object_marking_refs": list(markings) or None}
    if kind == "malware":
        o["is_family"] = False
    return _with(o, extra)


def relationship(source, rtype, target, owner="USA", markings=(GREEN,)):
    return _with({"type": "relationship", "spec_version": "2.1",
                  "id": stix_id("relationship"), "created": "2026-01-03T00:00:00.000Z",
                  "modified": "2026-01-03T00:00:00.000Z",
                  "created_by_ref": IDENTITY[owner], "relationship_type": rtype,
                  "source_ref": source, "target_ref": target,
                  "object_marking_refs": list(markings)}, {})


def sighting(of, owner="USA", markings=(GREEN,)):
    return {"type": "sighting", "spec_version": "2.1", "id": stix_id("sighting"),
            "created": "2026-01-04T00:00:00.000Z", "modified": "2026-01-04T00:00:00.000Z",
            "created_by_ref": IDENTITY[owner], "sighting_of_ref": of, "count": 1,
            "object_marking_refs": list(markings)}


def report(name, refs, owner="USA", markings=(GREEN,)):
    return {"type": "report", "spec_version": "2.1", "id": stix_id("report"),
            "created": "2026-01-05T00:00:00.000Z", "modified": "2026-01-05T00:00:00.000Z",
            "created_by_ref": IDENTITY[owner], "name": name,
            "published": "2026-01-05T00:00:00Z", "object_refs": list(refs),
            "object_marking_refs": list(markings)}


def rel_marking(codes, classification, owner="USA"):
    """A releasability marking definition (doc/ACCESS.md)."""
    return {"type": "marking-definition", "spec_version": "2.1",
            "id": stix_id("marking-definition"), "created": "2026-01-01T00:00:00.000Z",
            "created_by_ref": IDENTITY[owner],
            "name": f"{classification}//REL TO {', '.join(codes)}",
            "extensions": {REL_EXTENSION: {"extension_type": "property-extension",
                                           "classification": classification,
                                           "releasable_to": list(codes)}}}


def versions_of(base, modifieds, **per_version):
    """Versions of one object: same id and created, one per modified; each
    keyword gives a list of per-version values of that property."""
    out = []
    for i, m in enumerate(modifieds):
        v = dict(base, modified=m)
        for k, vals in per_version.items():
            v[k] = vals[i]
        out.append({k: x for k, x in v.items() if x is not None})
    return out


# --- cx ---------------------------------------------------------------------------

def parse_ts(s):
    """A STIX / RFC 3339 UTC timestamp as (datetime to the second, fraction
    as an integer of nanoseconds), comparable whatever the precision."""
    m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$", s)
    assert m, f"not an RFC 3339 UTC timestamp: {s!r}"
    frac = int((m.group(2) or "0").ljust(9, "0"))
    return (datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S"), frac)


# Logs of the servers running now, shown with failed tests.
_SERVER_LOGS = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for log in _SERVER_LOGS:
            try:
                text = Path(log).read_bytes()[-6000:].decode("utf-8", "replace")
            except OSError:
                continue
            rep.sections.append((f"cx serve stderr ({log})", text))


class SourceAdapter(requests.adapters.HTTPAdapter):
    """Connections from a given local address (any of 127.0.0.0/8 reaches a
    server listening on 127.0.0.1)."""

    def __init__(self, source, **kw):
        self.source = source
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kw):
        kw["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kw)


def _client(source=None):
    """A requests session that never keeps cookies: every request says
    explicitly which session cookie it sends."""
    s = requests.Session()
    s.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    if source:
        s.mount("http://", SourceAdapter(source))
    return s


class User:
    def __init__(self, name, partner, roles, clearance, password, token=None):
        self.name, self.partner, self.roles = name, partner, roles
        self.clearance, self.password, self.token = clearance, password, token


class Login:
    """A session made with POST /api/v1/session: its cookie and CSRF token."""

    def __init__(self, response, cookie, body):
        self.response, self.cookie, self.body = response, cookie, body
        self.csrf = body.get("csrf") if isinstance(body, dict) else None


class Node:
    def __init__(self, path):
        self.dir = Path(path)
        self.ini = self.dir / "cx.ini"
        self.users = {}
        self.proc = None
        self.port = None
        self.base = None
        self.log = self.dir.parent / (self.dir.name + "-serve.log")
        self.http = _client()
        self.sources = {}
        self.next_source = 0
        self.data = {}

    # -- set-up ---------------------------------------------------------------------

    def cx(self, *args, **kw):
        return run_cx(self.dir, *args, **kw)

    def init(self):
        p = subprocess.run([str(CX_BIN), "init", str(self.dir)], env=cx_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0, f"cx init: exit {p.returncode}: {p.stderr[-2000:]!r}"
        ini_set(self.ini, "node", "partner", "USA")
        for code in ("USA", "IRQ", "KRG"):
            self.cx("partner", "add", code, "--name", PARTNER_NAMES[code],
                    "--identity", IDENTITY[code])

    def add_user(self, name, partner, roles, clearance="S", token=True):
        password = f"{name}-Pass-{uuid.uuid4().hex[:6]}"
        self.cx("user", "add", name, "--partner", partner, "--role", roles,
                "--clearance", clearance, "--password-stdin", input=password + "\n")
        u = User(name, partner, roles.split(","), clearance, password)
        if token:
            p = self.cx("token", "create", name, "--expires-days", 30)
            u.token = parse_token(p.stdout)
        self.users[name] = u
        return u

    def import_objects(self, objects, name="fixture"):
        path = self.dir.parent / f"{name}-{uuid.uuid4().hex[:8]}.json"
        path.write_text(json.dumps({"type": "bundle", "id": stix_id("bundle"),
                                    "objects": objects}), encoding="utf-8")
        p = self.cx("import", "--json", path)
        return json.loads(p.stdout)

    def audit(self, *filters):
        p = self.cx("audit", "show", *filters)
        return [json.loads(ln) for ln in p.stdout.decode("utf-8").splitlines() if ln.strip()]

    def start(self):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        logf = open(self.log, "wb")
        self.proc = subprocess.Popen([str(CX_BIN), "--node", str(self.dir), "serve",
                                      "--listen", f"127.0.0.1:{self.port}"],
                                     stdout=logf, stderr=logf, env=cx_env())
        logf.close()
        _SERVER_LOGS.append(self.log)
        wait_healthy(self.proc, self.base, self.log)

    def stop(self):
        terminate(self.proc)
        if self.log in _SERVER_LOGS:
            _SERVER_LOGS.remove(self.log)
        text = self.log.read_bytes().decode("utf-8", "replace") if self.log.exists() else ""
        for mark in SANITIZER_MARKS:
            assert mark not in text, f"sanitizer report from cx serve:\n{text[-4000:]}"
        assert self.proc.returncode in (0, -signal.SIGTERM), \
            f"cx serve exited {self.proc.returncode} on SIGTERM:\n{text[-3000:]}"

    # -- HTTP ---------------------------------------------------------------------------

    def fresh_source(self):
        """A loopback address no request came from yet. Failed logins come
        from one, so that the node's throttle of failed password logins per
        client address never refuses another test's logins."""
        self.next_source += 1
        return f"127.0.{1 + self.next_source // 250}.{1 + self.next_source % 250}"

    def client(self, source=None):
        if source is None:
            return self.http
        if source not in self.sources:
            self.sources[source] = _client(source)
        return self.sources[source]

    def request(self, method, path, user=None, token=None, login=None, csrf=None,
                body=None, data=None, params=None, headers=None, source=None,
                content_type="application/json"):
        """One request to the API. user sends that user's Bearer token (or
        token a given one); login sends its session cookie, csrf the
        X-CSRF-Token header; body is JSON to send, data raw bytes; params a
        dict or list of pairs (or a ready query string)."""
        url = self.base + (path if path.startswith("/") else f"{API}/{path}")
        if params:
            if isinstance(params, str):
                url += "?" + params
            else:
                url += "?" + urllib.parse.urlencode(params)
        h = {"Accept": "application/json", "User-Agent": "cx-api-tests"}
        if user is not None:
            token = self.users[user].token
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        if login is not None:
            h["Cookie"] = f"{COOKIE}={login.cookie if isinstance(login, Login) else login}"
        if csrf is not None:
            h["X-CSRF-Token"] = csrf
        if body is not None:
            data = json.dumps(body).encode("utf-8")
        if data is not None and content_type:
            h["Content-Type"] = content_type
        h.update(headers or {})
        return self.client(source).request(method, url, headers=h, data=data, timeout=60)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, name, password=None, source=None):
        """POST /api/v1/session; a Login (cookie None when none was set)."""
        u = self.users.get(name)
        pw = password if password is not None else u.password
        r = self.post("session", {"user": name, "password": pw}, source=source)
        cookie = set_cookie(r, COOKIE)
        try:
            body = r.json()
        except ValueError:
            body = None
        return Login(r, cookie["value"] if cookie else None, body)

    def login_ok(self, name):
        lg = self.login(name)
        assert lg.response.status_code == 200, describe(lg.response)
        assert lg.cookie, f"no {COOKIE} cookie set\n{describe(lg.response)}"
        assert isinstance(lg.csrf, str) and lg.csrf, describe(lg.response)
        return lg

    # -- objects ------------------------------------------------------------------------

    def list_page(self, user, params=()):
        r = self.get("objects", user=user, params=list(params))
        assert r.status_code == 200, describe(r)
        ctype = r.headers.get("Content-Type", "")
        assert ctype.split(";")[0].strip() == "application/json", describe(r)
        body = r.json()
        assert isinstance(body.get("items"), list), describe(r)
        return body

    def list_all(self, user, params=(), limit=None, max_pages=200):
        """Follow next_cursor to the end: every item, in order."""
        params = list(params.items() if isinstance(params, dict) else params)
        if limit is not None:
            params.append(("limit", limit))
        items, cursor = [], None
        for _ in range(max_pages):
            body = self.list_page(user, params + ([("cursor", cursor)] if cursor else []))
            items += body["items"]
            cursor = body.get("next_cursor")
            if cursor is None:
                return items
            assert isinstance(cursor, str) and cursor, f"bad next_cursor: {body}"
        raise AssertionError(f"more than {max_pages} pages")

    def detail(self, user, oid, **kw):
        r = self.get(f"objects/{oid}", user=user, **kw)
        assert r.status_code == 200, describe(r)
        return r.json()


def set_cookie(r, name):
    """The Set-Cookie of a response for cookie name: {"value", "attrs":
    {lowercased attribute: value or True}}; None when there is none."""
    raw = r.raw.headers.getlist("Set-Cookie") if hasattr(r.raw, "headers") else []
    for line in raw:
        parts = [p.strip() for p in line.split(";")]
        k, _, v = parts[0].partition("=")
        if k.strip() != name:
            continue
        attrs = {}
        for p in parts[1:]:
            if not p:
                continue
            ak, eq, av = p.partition("=")
            attrs[ak.strip().lower()] = av.strip() if eq else True
        return {"value": v.strip(), "attrs": attrs, "line": line}
    return None


# --- assertions ---------------------------------------------------------------------------

def describe(r):
    return (f"{r.request.method} {r.request.url} -> {r.status_code}\n"
            f"headers: {dict(r.headers)}\nbody: {r.text[:2000]!r}")


def assert_error(r, status, code, field=None):
    """The API's one error body (doc/API.md, "Errors")."""
    assert r.status_code == status, describe(r)
    ctype = r.headers.get("Content-Type", "")
    assert ctype.split(";")[0].strip() == "application/json", \
        f"error Content-Type {ctype!r}\n{describe(r)}"
    try:
        e = r.json()
    except ValueError:
        raise AssertionError(f"error body is not JSON\n{describe(r)}")
    assert isinstance(e, dict), describe(r)
    assert e.get("code") == code, f"expected code {code}\n{describe(r)}"
    assert isinstance(e.get("title"), str) and e["title"].strip(), describe(r)
    if "detail" in e:
        assert isinstance(e["detail"], str), describe(r)
    if field is not None:
        assert e.get("field") == field, f"field should be {field!r}\n{describe(r)}"
    return e


def ids(items):
    return [it["id"] for it in items]


# --- the read node ---------------------------------------------------------------------------

# Readers of rnode: name -> partner, clearance. All have the role reader.
READERS = {
    "usa": ("USA", "S"),
    "usalow": ("USA", "U"),
    "irq": ("IRQ", "S"),
    "irqlow": ("IRQ", "R"),
    "krg": ("KRG", "S"),
}
EVERYONE = set(READERS)
PAGE_OBJECTS = 57


def build_read_plan():
    """The objects of rnode: [(key, [versions...], readers)] in the order
    they are stored, and the releasability markings (stored first)."""
    m = {
        "c_all": rel_marking(["KRG", "IRQ", "USA"], "C"),
        "s_ui": rel_marking(["IRQ", "USA"], "S", owner="KRG"),
        "c_ug": rel_marking(["USA", "GBR"], "C"),
        "r_ui": rel_marking(["USA", "IRQ"], "R", owner="IRQ"),
    }
    M = {k: v["id"] for k, v in m.items()}
    pub = indicator("Alpha green beacon", description="the quick brown fox jumps")
    mal = sdo("malware", "Delta malware")
    plan = [
        ("pub", [pub], EVERYONE),
        ("usa_amber", [indicator("Bravo amber usa", markings=[AMBER])], {"usa", "usalow"}),
        ("irq_amber", [indicator("Bravo amber irq", "IRQ", [AMBER])], {"irq", "irqlow"}),
        ("rel_c_all", [indicator("Rel c all", markings=[M["c_all"]])],
         {"usa", "usalow", "irq", "krg"}),
        ("amber_c_all", [indicator("Amber c all", markings=[AMBER, M["c_all"]])],
         {"usa", "usalow", "irq", "krg"}),
        ("krg_s_ui", [indicator("Krg s ui", "KRG", [M["s_ui"]])], {"usa", "irq", "krg"}),
        ("rel_c_ug", [indicator("Rel c ug", markings=[M["c_ug"]])], {"usa", "usalow"}),
        ("irq_r_ui", [indicator("Irq r ui", "IRQ", [M["r_ui"]])], {"usa", "irq", "irqlow"}),
        ("up", versions_of(indicator("Up object"), ["2026-01-01T00:00:00.000Z",
                                                     "2026-02-01T00:00:00.000Z"],
                           object_marking_refs=[[GREEN], [AMBER]]), {"usa", "usalow"}),
        ("down", versions_of(indicator("Secretword older"), ["2026-01-01T00:00:00.000Z",
                                                             "2026-02-01T00:00:00.000Z"],
                             object_marking_refs=[[AMBER], [GREEN]],
                             name=["Secretword older", "Public newer"]), EVERYONE),
        ("krg_plain", [indicator("Krg plain", "KRG", [])], {"krg"}),
        ("unowned", [indicator("Unowned green", None)], EVERYONE),
        ("two_rel", [indicator("Two rel", markings=[M["c_all"], M["r_ui"]])],
         {"usa", "usalow", "irq"}),
        ("green_rel", [indicator("Green rel", markings=[GREEN, M["s_ui"]])],
         {"usa", "usalow", "irq"}),
        ("three", versions_of(indicator("Gamma first"), ["2026-01-01T00:00:00.000Z",
                                                         "2026-02-01T00:00:00.000Z",
                                                         "2026-03-01T00:00:00.000Z"],
                              name=["Gamma first", "Gamma second", "Gamma third"]),
         EVERYONE),
        ("mal", [mal], EVERYONE),
        ("tool", [sdo("tool", "Hammer tool", "IRQ")], EVERYONE),
        ("rel_indicates", [relationship(pub["id"], "indicates", mal["id"])], EVERYONE),
        ("rel_hidden", [relationship(pub["id"], "related-to", mal["id"], markings=[AMBER])],
         {"usa", "usalow"}),
        ("sighting", [sighting(pub["id"])], EVERYONE),
        ("report", [report("Echo report", [pub["id"], mal["id"]])], EVERYONE),
        ("report_hidden", [report("Hidden report", [pub["id"]], markings=[AMBER])],
         {"usa", "usalow"}),
        ("fox2", [indicator("Foxtrot", description="brown dogs are quick")], EVERYONE),
        ("prefix", [indicator("Beaconing host")], EVERYONE),
        ("eps_jan", [indicator("Epsilon jan", created="2025-01-15T00:00:00.000Z")], EVERYONE),
        ("eps_jun", [indicator("Epsilon jun", created="2025-06-15T00:00:00.000Z")], EVERYONE),
        ("eps_nov", [indicator("Epsilon nov", created="2025-11-15T00:00:00.000Z")], EVERYONE),
        ("zeta_live", [indicator("Zeta live")], EVERYONE),
        ("zeta_revoked", versions_of(indicator("Zeta revoked"),
                                     ["2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z"],
                                     revoked=[None, True]), EVERYONE),
    ]
    for i in range(PAGE_OBJECTS):
        plan.append((f"page{i}", [indicator(f"Pagetest number {i}")], EVERYONE))
    return m, plan


@pytest.fixture(scope="session")
def api_binary():
    if not (CX_BIN.is_file() and os.access(CX_BIN, os.X_OK)):
        pytest.fail(f"no cx binary at {CX_BIN} (build it, or set CX_BIN)", pytrace=False)
    return CX_BIN


@pytest.fixture(scope="session")
def rnode(api_binary, tmp_path_factory):
    n = Node(tmp_path_factory.mktemp("api-read") / "node")
    n.init()
    for name, (partner, clearance) in READERS.items():
        n.add_user(name, partner, "reader", clearance)
    markings, plan = build_read_plan()
    n.import_objects(list(markings.values()), "markings")
    # One import per object (all its versions), so that the order they were
    # stored in is the plan's.
    for key, versions, _ in plan:
        n.import_objects(versions, key)
    n.data["markings"] = markings
    n.data["plan"] = plan
    n.data["objs"] = {key: versions for key, versions, _ in plan}
    n.data["readers"] = {key: readers for key, _, readers in plan}
    n.start()
    try:
        yield n
    finally:
        n.stop()


# --- the write node ----------------------------------------------------------------------------

# name -> partner, roles, clearance
WRITERS = {
    "usaadmin": ("USA", "admin", "S"),
    "usacontrib": ("USA", "contributor", "S"),
    "usacontrib2": ("USA", "contributor", "S"),
    "usareader": ("USA", "reader", "S"),
    "usaapprover": ("USA", "approver", "S"),
    "irqcontrib": ("IRQ", "contributor", "S"),
    "irqreader": ("IRQ", "reader", "S"),
    "krgreader": ("KRG", "reader", "S"),
    "ghost": ("USA", "contributor", "S"),      # disabled after set-up
    "audited": ("IRQ", "reader", "S"),         # its logins are counted
}


@pytest.fixture(scope="session")
def wnode(api_binary, tmp_path_factory):
    n = Node(tmp_path_factory.mktemp("api-write") / "node")
    n.init()
    for name, (partner, roles, clearance) in WRITERS.items():
        n.add_user(name, partner, roles, clearance)
    n.cx("user", "disable", "ghost")
    rel_ui = rel_marking(["IRQ", "USA"], "C")
    usa_green = indicator("Imported usa green")
    irq_amber = indicator("Imported irq amber", "IRQ", [AMBER])
    n.import_objects([rel_ui, usa_green, irq_amber], "wfixtures")
    n.data.update(rel_ui=rel_ui["id"], usa_green=usa_green, irq_amber=irq_amber)
    n.start()
    try:
        yield n
    finally:
        n.stop()
