"""A running node for the TAXII 2.1 conformance tests.

One node is set up per test run (the `node` fixture): three partners,
users of different roles, a token each, two API roots and collections with
every kind of grant, fixture objects imported with `cx import`, and `cx
serve` on a free port of 127.0.0.1. Tests talk to it over real HTTP.

The expected behaviour is the OASIS standard (TAXII Version 2.1, 10 June
2021) and, where it leaves a choice, doc/TAXII.md.

CX_BIN names the binary (default build/src/cli/cx under the repository root).
The server's stderr is kept in a file and shown with every failed test.
"""
import base64
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
from nodetools import (CX_BIN, REPO, cx_env, run_cx, ini_set, parse_token, free_port,
                       terminate, wait_healthy)

DEMO = REPO / "demo" / "intel.json"
SPEC_EXAMPLES = REPO / "tests" / "data" / "stix-spec-examples.json"

TAXII = "application/taxii+json;version=2.1"
TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
EPOCH = "1970-01-01T00:00:00.000000Z"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"  # TLP 2.0 GREEN
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"  # TLP 2.0 AMBER
RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"    # TLP 2.0 RED
REL_EXTENSION = "extension-definition--a7b3c2d1-6e5f-4a8b-9c0d-1e2f3a4b5c6d"


def _demo_partners():
    """code -> identity id of the demo's partners (demo/partners.txt)."""
    out = {}
    for line in (REPO / "demo" / "partners.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            code, identity = line.split()
            out[code] = identity
    return out


# The partners' STIX identities are pinned (`cx partner add --identity`) to
# the demo's, so that the demo objects have their owners on the test nodes
# too and fixtures can name an owner before a node exists. Every node checks
# them against `cx partner list`.
IDENTITY = {code: ident for code, ident in _demo_partners().items()
            if code in ("USA", "IRQ", "KRG")}

SANITIZER_MARKS = ("runtime error", "AddressSanitizer", "LeakSanitizer",
                   "UndefinedBehaviorSanitizer")

DISCOVERY_TITLE = "Coalition Exchange test node"
DISCOVERY_DESCRIPTION = "TAXII conformance fixture"
DISCOVERY_CONTACT = "conformance suite"
MAX_PAGE_SIZE = 25
ROOTS = {
    "coalition": {"title": "Coalition", "description": "Shared across the coalition",
                  "max_content_length": "32M", "bytes": 32 * 1024 * 1024},
    "second": {"title": "Second community", "description": "A second sharing community",
               "max_content_length": "16K", "bytes": 16 * 1024},
}

# name -> partner, role. Every user has clearance S so that no object is
# withheld for clearance; collection grants are what the tests vary. Every
# fixture object is readable by all three partners (doc/ACCESS.md): the
# egress gate itself is tested on nodes of its own (test_taxii_hidden.py).
USERS = {
    "usaadmin": {"partner": "USA", "role": "admin"},
    "usacontrib": {"partner": "USA", "role": "contributor"},
    "irqreader": {"partner": "IRQ", "role": "reader"},
    "irqcontrib": {"partner": "IRQ", "role": "contributor"},
    "krguser": {"partner": "KRG", "role": "approver"},   # matches no grant
    "ghost": {"partner": "USA", "role": "admin"},        # disabled after set-up
    "decoy": {"partner": "USA", "role": "reader"},       # takes the wrong passwords
}
PASSWORDS = {
    "usaadmin": "Admin-pass-4711",
    "usacontrib": "pw:with:colons",   # RFC 7617: only the user-id cannot hold ':'
    "irqreader": "Reader-pass-0815",
    "irqcontrib": "Irq-contrib-pass-1",
    "krguser": "Krg-pass-2222",
    "ghost": "Ghost-pass-3333",
    "decoy": "Decoy-pass-9999",
}

# key -> root, title, grants (partner, role, access). The key is the alias.
COLLECTIONS = {
    "library": ("coalition", "Library", [("USA", "*", "read"), ("IRQ", "*", "read")]),
    "indicators": ("coalition", "Indicators",
                   [("USA", "*", "read-write"), ("IRQ", "reader", "read")]),
    "readonly": ("coalition", "Read only", [("USA", "*", "read"), ("IRQ", "*", "read")]),
    "dropbox": ("coalition", "Drop box", [("USA", "*", "write"), ("IRQ", "*", "write")]),
    "hidden": ("coalition", "Hidden", []),
    "irqonly": ("coalition", "IRQ only", [("IRQ", "*", "read")]),
    "empty": ("coalition", "Empty", [("USA", "*", "read"), ("*", "reader", "read")]),
    "markings": ("coalition", "Markings", [("USA", "*", "read")]),
    "mirror": ("coalition", "Mirror", [("USA", "*", "read")]),
    "union": ("coalition", "Union", [("USA", "*", "read"), ("USA", "contributor", "write")]),
    "bulk": ("coalition", "Bulk", [("USA", "*", "read-write")]),
    "inbox2": ("second", "Second inbox", [("USA", "*", "read-write")]),
}


def expected_access(key, user):
    """(can_read, can_write) of a user on a collection: the union of the
    grants matching the user's partner (or *) and role (or *)."""
    _, _, grants = COLLECTIONS[key]
    u = USERS[user]
    r = w = False
    for partner, role, access in grants:
        if partner in ("*", u["partner"]) and role in ("*", u["role"]):
            r = r or access in ("read", "read-write")
            w = w or access in ("write", "read-write")
    return r, w


# --- STIX fixtures -----------------------------------------------------------

def stix_id(kind):
    return f"{kind}--{uuid.uuid4()}"


def _with(o, extra):
    """o updated with extra; an extra value None removes the property."""
    o.update(extra)
    return {k: v for k, v in o.items() if v is not None}


# Fixture objects are created by the USA partner (the users who post them
# belong to it) and marked TLP:GREEN, so that every partner may read them.
def indicator(n=0, id=None, created="2026-01-01T00:00:00.000Z", modified=None, **extra):
    o = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": id or stix_id("indicator"),
        "created": created,
        "modified": modified or created,
        "created_by_ref": IDENTITY["USA"],
        "name": f"Test indicator {n}",
        "pattern": f"[ipv4-addr:value = '198.51.100.{n % 250 + 1}']",
        "pattern_type": "stix",
        "valid_from": "2026-01-01T00:00:00Z",
        "object_marking_refs": [GREEN],
    }
    return _with(o, extra)


def malware(n=0, **extra):
    return _with({"type": "malware", "spec_version": "2.1", "id": stix_id("malware"),
                  "created": "2026-01-02T00:00:00.000Z",
                  "modified": "2026-01-02T00:00:00.000Z",
                  "created_by_ref": IDENTITY["USA"], "name": f"Test malware {n}",
                  "is_family": False, "object_marking_refs": [GREEN]}, extra)


def tool(n=0, **extra):
    return _with({"type": "tool", "spec_version": "2.1", "id": stix_id("tool"),
                  "created": "2026-01-03T00:00:00.000Z",
                  "modified": "2026-01-03T00:00:00.000Z",
                  "created_by_ref": IDENTITY["USA"], "name": f"Test tool {n}",
                  "object_marking_refs": [GREEN]}, extra)


def versions_of(base, modifieds):
    """Versions of one object: same id and created, one per modified."""
    return [dict(base, modified=m) for m in modifieds]


def version_of(obj):
    """The version TAXII gives an object: modified, else created."""
    return obj.get("modified") or obj.get("created")


def demo_objects():
    return json.loads(DEMO.read_text(encoding="utf-8"))["objects"]


def demo_markings():
    """The demo's own marking definitions (releasability markings)."""
    return [o for o in demo_objects() if o["type"] == "marking-definition"]


def demo_shared():
    """The demo objects every partner of the test node (USA, IRQ, KRG, all
    with clearance S) may read: marked TLP:GREEN, or only with demo
    releasability markings that release to all three (two report versions
    among them)."""
    shared = {GREEN}
    for m in demo_markings():
        ext = m.get("extensions", {}).get(REL_EXTENSION)
        if ext and {"USA", "IRQ", "KRG"} <= set(ext["releasable_to"]):
            shared.add(m["id"])
    return [o for o in demo_objects() if o["type"] != "marking-definition"
            and o.get("object_marking_refs") and set(o["object_marking_refs"]) <= shared]


def tlp_green_definition():
    """The OASIS TLP:GREEN (2.0) marking definition, as the specification
    prints it; every node holds it from `cx init` on."""
    objs = json.loads(SPEC_EXAMPLES.read_text(encoding="utf-8"))["objects"]
    return next(o for o in objs if o["id"] == GREEN)


# --- cx ---------------------------------------------------------------------

def cx_help(node_dir, *cmd):
    p = run_cx(node_dir, *cmd, "--help", check=False)
    return (p.stdout + p.stderr).decode("utf-8", "replace")


UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


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


class User:
    def __init__(self, name, partner, role, password, token=None):
        self.name, self.partner, self.role = name, partner, role
        self.password, self.token = password, token


class Node:
    """A node folder, its running server and the helpers tests use on it."""

    def __init__(self, path):
        self.dir = Path(path)
        self.ini = self.dir / "cx.ini"
        self.users = {}
        self.collections = {}    # alias -> {"id", "alias", "root", "title", ...}
        self.proc = None
        self.port = None
        self.base = None
        self.log = self.dir.parent / (self.dir.name + "-serve.log")
        self.http = requests.Session()
        self.sources = {}        # client address -> requests.Session bound to it
        self.next_source = 0
        self.identities = {}
        self.data = {}

    # -- set-up ---------------------------------------------------------------

    def cx(self, *args, **kw):
        return run_cx(self.dir, *args, **kw)

    def init(self):
        p = subprocess.run([str(CX_BIN), "init", str(self.dir)], env=cx_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0, f"cx init: exit {p.returncode}: {p.stderr[-2000:]!r}"
        assert self.ini.is_file(), f"cx init wrote no {self.ini}"

    def add_partner(self, code, name, identity=None):
        """Add a partner, its identity pinned to IDENTITY[code] unless
        given, and check `cx partner list` names that identity."""
        identity = identity or IDENTITY[code]
        self.cx("partner", "add", code, "--name", name, "--identity", identity)
        self.identities = self.partner_identities()
        assert self.identities.get(code) == identity, self.identities

    def partner_identities(self):
        """code -> identity id, the third column of `cx partner list`."""
        out = {}
        for line in self.cx("partner", "list").stdout.decode().splitlines():
            cols = line.split("\t")
            out[cols[0]] = cols[2]
        return out

    def add_user(self, name, partner, role, password, clearance="S"):
        self.cx("user", "add", name, "--partner", partner, "--role", role,
                "--clearance", clearance, "--password-stdin", input=password + "\n")
        self.users[name] = User(name, partner, role, password)

    def create_token(self, name, days=30):
        p = self.cx("token", "create", name, "--expires-days", days)
        return parse_token(p.stdout), p.stdout.decode("utf-8", "replace")

    def add_collection(self, alias, root, title, grants):
        p = self.cx("collection", "add", "--root", root, "--title", title,
                    "--alias", alias, "--description", f"The {title} collection")
        m = UUID_RE.search(p.stdout.decode())
        assert m, f"collection add printed no id: {p.stdout!r}"
        self.collections[alias] = {"id": m.group(0), "alias": alias, "root": root,
                                   "title": title,
                                   "description": f"The {title} collection"}
        for partner, role, access in grants:
            self.cx("collection", "allow", alias, "--partner", partner, "--role", role,
                    f"--{access}")
        return self.collections[alias]

    def import_objects(self, objects, collection=None, name="fixture"):
        """Store objects with `cx import` (into a collection when given);
        every one must be stored or already present."""
        path = self.dir.parent / f"{name}-{uuid.uuid4().hex[:8]}.json"
        path.write_text(json.dumps({"type": "bundle", "id": stix_id("bundle"),
                                    "objects": objects}), encoding="utf-8")
        args = ["import", "--json"]
        if collection:
            args += ["--collection", collection]
        p = self.cx(*args, path)
        return json.loads(p.stdout)

    def store_ids(self, collection=None):
        """Ids of the objects stored (in a collection), read with the
        operator's `cx export --all`."""
        args = ["export", "--all"] + (["--collection", collection] if collection else [])
        p = self.cx(*args)
        return {o["id"] for o in json.loads(p.stdout)["objects"]}

    def store_versions(self, collection=None):
        """(id, version) of every stored version (in a collection)."""
        args = ["export", "--all"] + (["--collection", collection] if collection else [])
        p = self.cx(*args)
        return {(o["id"], version_of(o)) for o in json.loads(p.stdout)["objects"]}

    def audit(self, *filters):
        """The audit entries `cx audit show` prints with these filters."""
        p = self.cx("audit", "show", *filters)
        return [json.loads(ln) for ln in p.stdout.decode("utf-8").splitlines()]

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

    # -- HTTP -------------------------------------------------------------------

    def col(self, alias):
        return self.collections[alias]

    def col_path(self, alias, rest=""):
        c = self.collections[alias]
        return f"/{c['root']}/collections/{c['id']}/{rest}"

    @staticmethod
    def qs(params):
        if params is None:
            return ""
        if isinstance(params, str):
            return params
        pairs = params.items() if isinstance(params, dict) else params
        return "&".join(urllib.parse.quote(k, safe="[]") + "="
                        + urllib.parse.quote(str(v), safe=",:") for k, v in pairs)

    def fresh_source(self):
        """A loopback address no request of this node's tests came from yet.
        Logins meant to fail come from one, because the node throttles
        failed password logins per client address (5 failures): from
        127.0.0.1 they would lock every other test's Basic logins out."""
        self.next_source += 1
        return f"127.0.{1 + self.next_source // 250}.{1 + self.next_source % 250}"

    def session_from(self, source):
        if source is None:
            return self.http
        if source not in self.sources:
            s = requests.Session()
            s.mount("http://", SourceAdapter(source))
            self.sources[source] = s
        return self.sources[source]

    def request(self, method, path, user="usacontrib", params=None, auth="bearer",
                accept=TAXII, headers=None, data=None, body=None, content_type=TAXII,
                timeout=60, source=None):
        """One request. user None sends no credentials; auth is "bearer" or
        "basic"; accept None sends no Accept header; body is JSON to send;
        source is the client address to send from (default 127.0.0.1)."""
        url = self.base + path
        q = self.qs(params)
        if q:
            url += "?" + q
        h = {"Accept": accept, "User-Agent": "cx-taxii-conformance"}
        if user is not None:
            u = self.users[user]
            if auth == "bearer":
                h["Authorization"] = f"Bearer {u.token}"
            else:
                h["Authorization"] = basic(u.name, u.password)
        if body is not None:
            data = json.dumps(body).encode("utf-8")
        if data is not None and content_type is not None:
            h["Content-Type"] = content_type
        h.update(headers or {})
        return self.session_from(source).request(method, url, headers=h, data=data,
                                                 timeout=timeout)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def get_ok(self, path, **kw):
        r = self.get(path, **kw)
        assert r.status_code == 200, describe(r)
        assert_taxii_type(r)
        return r, (r.json() if r.content else None)

    def post_objects(self, alias, objects, user="usacontrib", **kw):
        return self.post(self.col_path(alias, "objects/"), {"objects": objects},
                         user=user, **kw)

    def pages(self, path, params=(), user="usacontrib", key="objects", max_pages=500):
        """Follow `next` to the end. Returns [(response, body)], checking that
        every page but the last has more: true and a next value."""
        params = list(params.items() if isinstance(params, dict) else params)
        out = []
        extra = []
        for _ in range(max_pages):
            r, body = self.get_ok(path, user=user, params=params + extra)
            out.append((r, body))
            if body.get("more") is True:
                assert isinstance(body.get("next"), str) and body["next"], \
                    f"more: true without a next value: {body}"
                extra = [("next", body["next"])]
            else:
                assert "next" not in body, f"next without more: true: {body}"
                return out
        raise AssertionError(f"{path}: more than {max_pages} pages")

    def all_items(self, path, params=(), user="usacontrib", key="objects"):
        return [it for _, b in self.pages(path, params, user, key) for it in b.get(key, [])]

    def manifest(self, alias, params=(), user="usacontrib"):
        return self.all_items(self.col_path(alias, "manifest/"), params, user)

    def objects(self, alias, params=(), user="usacontrib"):
        return self.all_items(self.col_path(alias, "objects/"), params, user)


class SourceAdapter(requests.adapters.HTTPAdapter):
    """Connections from a given local address (any of 127.0.0.0/8 reaches a
    server listening on 127.0.0.1)."""

    def __init__(self, source, **kw):
        self.source = source
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kw):
        kw["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kw)


def basic(user, password):
    raw = f"{user}:{password}".encode("utf-8")
    return "Basic " + base64.b64encode(raw).decode("ascii")


# --- assertions ----------------------------------------------------------------

def describe(r):
    return (f"{r.request.method} {r.request.url} -> {r.status_code}\n"
            f"headers: {dict(r.headers)}\nbody: {r.text[:2000]!r}")


def assert_taxii_type(r):
    assert r.headers.get("Content-Type") == TAXII, \
        f"Content-Type {r.headers.get('Content-Type')!r}, not {TAXII!r}\n{describe(r)}"


def assert_error(r, status, parameter=None):
    """An HTTP error answered with a TAXII error message (3.6.1, doc/TAXII.md)."""
    assert r.status_code == status, describe(r)
    assert_taxii_type(r)
    try:
        e = r.json()
    except ValueError:
        raise AssertionError(f"error body is not JSON\n{describe(r)}")
    assert isinstance(e, dict), describe(r)
    assert isinstance(e.get("title"), str) and e["title"].strip(), \
        f"error message without a title\n{describe(r)}"
    for k in ("description", "error_id", "error_code", "http_status", "external_details"):
        if k in e:
            assert isinstance(e[k], str), f"{k} must be a string (3.6.1)\n{describe(r)}"
    # The node's contract: every error carries these; details when it has any.
    for k in ("description", "error_id", "error_code", "http_status"):
        assert k in e, f"error message without {k} (doc/TAXII.md)\n{describe(r)}"
    assert e["http_status"] == str(status), describe(r)
    assert isinstance(e.get("details", {}), dict), describe(r)
    assert r.headers.get("X-Request-Id") == e["error_id"], \
        f"error_id is not the X-Request-Id\n{describe(r)}"
    if parameter is not None:
        assert e.get("details", {}).get("parameter") == parameter, \
            f"details.parameter should name {parameter!r}\n{describe(r)}"
    return e


def assert_date_headers(r, first, last):
    for h, want in (("X-TAXII-Date-Added-First", first), ("X-TAXII-Date-Added-Last", last)):
        got = r.headers.get(h)
        assert got is not None, f"no {h}\n{describe(r)}"
        assert TS_RE.match(got), f"{h} {got!r} is not YYYY-MM-DDTHH:MM:SS.ssssssZ"
        assert got == want, f"{h} is {got!r}, expected {want!r}\n{describe(r)}"


def assert_page_headers(r, records):
    """The date headers name the first and last date_added of the records."""
    assert records, "no records to compare the headers with"
    assert_date_headers(r, records[0]["date_added"], records[-1]["date_added"])


# --- the shared node --------------------------------------------------------------

def setup_main_node(tmp):
    node = Node(tmp / "node")
    node.init()
    ini_set(node.ini, "taxii", "title", DISCOVERY_TITLE)
    ini_set(node.ini, "taxii", "description", DISCOVERY_DESCRIPTION)
    ini_set(node.ini, "taxii", "contact", DISCOVERY_CONTACT)
    ini_set(node.ini, "taxii", "default_root", "coalition")
    ini_set(node.ini, "taxii", "max_page_size", str(MAX_PAGE_SIZE))
    for name, root in ROOTS.items():
        for k in ("title", "description", "max_content_length"):
            ini_set(node.ini, f"api_root:{name}", k, root[k])

    node.add_partner("USA", "United States")
    node.add_partner("IRQ", "Iraq")
    node.add_partner("KRG", "Kurdistan Region")
    for name, u in USERS.items():
        node.add_user(name, u["partner"], u["role"], PASSWORDS[name])
        node.users[name].token, _ = node.create_token(name)
    for alias, (root, title, grants) in COLLECTIONS.items():
        node.add_collection(alias, root, title, grants)
    load_fixtures(node)
    return node


def load_fixtures(node):
    d = node.data
    # The demo's releasability markings, stored outside any collection: the
    # objects they mark may be stored only once they are (unknown-marking).
    node.import_objects(demo_markings(), None, "demo-markings")
    # library: the demo objects every partner may read (a report in two
    # versions), one indicator in three versions imported newest first (so
    # that date_added order and version order differ), and 32 generated
    # objects.
    demo = demo_shared()
    node.import_objects(demo, "library", "demo")
    mv = indicator(900, created="2026-01-01T00:00:00.000Z")
    mvs = versions_of(mv, ["2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z",
                           "2026-03-01T00:00:00.000Z"])
    for v in (mvs[2], mvs[0], mvs[1]):
        node.import_objects([v], "library", "mv")
    gen = [indicator(i) for i in range(24)] + [malware(i) for i in range(4)] + \
          [tool(i) for i in range(4)]
    node.import_objects(gen, "library", "generated")
    d["library"] = demo + [mvs[2], mvs[0], mvs[1]] + gen   # every version, import order
    d["mv"] = mvs                                           # by version order
    d["report_id"] = "report--6f8e535f-44cf-5bef-b3c9-3a13bbec4120"
    d["generated"] = gen

    # readonly / irqonly / hidden / mirror / markings hold a few objects each.
    ro = [indicator(300 + i) for i in range(3)]
    node.import_objects(ro, "readonly", "readonly")
    d["readonly"] = ro
    irq = [indicator(400)]
    node.import_objects(irq, "irqonly", "irqonly")
    d["irqonly"] = irq
    hid = [indicator(500)]
    node.import_objects(hid, "hidden", "hidden")
    d["hidden"] = hid
    node.import_objects([tlp_green_definition()], "markings", "markings")

    # Objects the DELETE tests remove, one (or one family) per test.
    d["del"] = {}
    for key in ("admin", "contrib", "irq", "absent_after", "params", "probe"):
        o = indicator(600)
        node.import_objects([o], "indicators", "del-" + key)
        d["del"][key] = o
    both = indicator(610)
    node.import_objects([both], "indicators", "del-both")
    node.import_objects([both], "mirror", "del-both-mirror")
    d["del"]["both"] = both
    three = versions_of(indicator(620), ["2026-01-01T00:00:00.000Z",
                                         "2026-02-01T00:00:00.000Z",
                                         "2026-03-01T00:00:00.000Z"])
    node.import_objects(three, "indicators", "del-versions")
    d["del"]["versions"] = three
    for alias in ("readonly", "dropbox", "hidden"):
        o = indicator(630)
        node.import_objects([o], alias, "del-" + alias)
        d["del"][alias] = o
    # An object that only the read-write collection holds, for the tests of
    # objects/{id}/ and versions/ in a read-write collection.
    rw = versions_of(indicator(700), ["2026-01-01T00:00:00.000Z", "2026-01-05T00:00:00.000Z"])
    node.import_objects(rw, "indicators", "rw")
    d["rw"] = rw


def disable_user(node, name):
    """Disable a user with the cx command, when it has a way to; False when not."""
    text = cx_help(node.dir, "user")
    if re.search(r"\bdisable\b", text):
        node.cx("user", "disable", name)
        return True
    return False


@pytest.fixture(scope="session")
def cx_binary():
    if not (CX_BIN.is_file() and os.access(CX_BIN, os.X_OK)):
        pytest.fail(f"no cx binary at {CX_BIN} (build it, or set CX_BIN)", pytrace=False)
    return CX_BIN


@pytest.fixture(scope="session")
def node(cx_binary, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("taxii")
    n = setup_main_node(tmp)
    n.data["ghost_disabled"] = disable_user(n, "ghost")
    n.start()
    try:
        yield n
    finally:
        n.stop()


def start_small_node(tmp, taxii_settings=()):
    """A node with one user (USA admin `usaadmin`), one read-write collection
    `box` in root `coalition`, and the given [taxii] settings; started."""
    n = Node(tmp / "node")
    n.init()
    for k, v in taxii_settings:
        ini_set(n.ini, "taxii", k, v)
    n.add_partner("USA", "United States")
    n.add_user("usaadmin", "USA", "admin", PASSWORDS["usaadmin"])
    n.users["usaadmin"].token, _ = n.create_token("usaadmin")
    n.add_collection("box", "coalition", "Box", [("USA", "*", "read-write")])
    n.start()
    return n
