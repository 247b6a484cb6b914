"""A node for the bad input catalogue (doc/TESTING.md, "Bad input catalogue").

The node is the native API suite's `Node` (tests/api/conftest.py: partners
USA, IRQ, KRG, `cx serve` on 127.0.0.1, its stderr checked for sanitizer
reports when it stops), set up here with what every interface needs to be
fed bad input: users of each role and a disabled one, TAXII collections
(read-write, read-only), a second API root with a small body limit, and a
few stored objects. Each test module starts its own node.

Every class of bad input is checked to change nothing: `Snapshot` reads the
store read-only (the row count of every table, a digest of every table that
holds data, and the audit entries appended since) before and after.
"""
import hashlib
import json
import socket
import sqlite3
import time

import pytest
import requests

from api.conftest import Node as ApiNode, describe, indicator, stix_id, GREEN
from nodetools import CX_BIN, ini_set, run_cx

TAXII = "application/taxii+json;version=2.1"
SMALL_ROOT_BYTES = 16 * 1024

# The tables whose rows change on reads, not on writes: a token's and a
# session's last use. Their row counts are still compared.
VOLATILE = {"tokens", "sessions"}

USERS = {
    # name: partner, roles, clearance
    "admin": ("USA", "admin", "S"),
    "contrib": ("USA", "contributor", "S"),
    "reader": ("USA", "reader", "S"),
    "officer": ("USA", "contributor,case-officer", "S"),
    "irq": ("IRQ", "contributor", "S"),
    "ghost": ("USA", "contributor", "S"),     # disabled after set-up
}


class Snapshot:
    """What the store holds: {table: (rows, digest)} and the audit head."""

    def __init__(self, db):
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        try:
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'objects_fts_%' "
                "ORDER BY name")]
            self.tables = {}
            for t in tables:
                rows = con.execute(f'SELECT * FROM "{t}"').fetchall()
                if t == "node_meta":
                    # The audit head moves with the audit, compared entry by entry.
                    rows = [r for r in rows if r[0] != "audit_head"]
                h = hashlib.sha256()
                if t not in VOLATILE and t != "audit":
                    for row in sorted(repr(r) for r in rows):
                        h.update(row.encode())
                self.tables[t] = (len(rows), h.hexdigest())
            self.audit_seq = con.execute("SELECT coalesce(max(seq), 0) FROM audit").fetchone()[0]
        finally:
            con.close()
        self.db = db

    def audit_since(self, other):
        """(actor, action, detail) of the audit entries appended after other."""
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            rows = con.execute("SELECT actor, action, json FROM audit WHERE seq > ? ORDER BY seq",
                               (other.audit_seq,)).fetchall()
        finally:
            con.close()
        return [(a, act, json.loads(j).get("detail") or {}) for a, act, j in rows]

    def changed_tables(self, other):
        """Tables whose count or digest differ from other's (audit excluded:
        it is compared entry by entry)."""
        return sorted(t for t in set(self.tables) | set(other.tables)
                      if t != "audit" and self.tables.get(t) != other.tables.get(t))


class BadNode(ApiNode):
    """The API suite's node plus TAXII collections, raw sockets and snapshots."""

    def __init__(self, path):
        super().__init__(path)
        self.collections = {}

    def add_collection(self, alias, root, grants):
        p = self.cx("collection", "add", "--root", root, "--title", alias.title(),
                    "--alias", alias)
        cid = next(w for w in p.stdout.decode().split() if len(w) == 36 and w.count("-") == 4)
        self.collections[alias] = {"id": cid, "root": root}
        for partner, role, access in grants:
            self.cx("collection", "allow", alias, "--partner", partner, "--role", role,
                    f"--{access}")

    def col_path(self, alias, rest=""):
        c = self.collections[alias]
        return f"/{c['root']}/collections/{c['id']}/{rest}"

    def snapshot(self):
        return Snapshot(self.dir / "cx.db")

    def taxii(self, method, path, user="contrib", params=None, accept=TAXII, headers=None,
              data=None, body=None, content_type=TAXII, authz=None, source=None):
        """One TAXII request with the user's Bearer token (authz: the whole
        Authorization header instead; user None and authz None: none)."""
        h = {"User-Agent": "cx-badinput", "Accept": accept}  # None: no Accept at all
        if authz is not None:
            h["Authorization"] = authz
        elif user is not None:
            h["Authorization"] = f"Bearer {self.users[user].token}"
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None and content_type is not None:
            h["Content-Type"] = content_type
        h.update(headers or {})
        url = self.base + path
        if params is not None:
            url += "?" + (params if isinstance(params, str) else
                          requests.models.RequestEncodingMixin._encode_params(params))
        return self.client(source).request(method, url, headers=h, data=data, timeout=60)

    def raw(self, data, source=None, shutdown=True, timeout=30, chunks=None, pause=0.0):
        """Send bytes on a new connection (chunks: a list sent one by one
        with pause seconds between) and read until a whole response came
        or the server closed the connection (else fail after timeout); a
        RawAnswer."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout,
                                     source_address=(source, 0) if source else None)
        answer = b""
        try:
            for i, part in enumerate(chunks if chunks is not None else [data]):
                if i and pause:
                    time.sleep(pause)
                try:
                    s.sendall(part)
                except (BrokenPipeError, ConnectionResetError):
                    break
            if shutdown:
                try:
                    s.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            while True:
                try:
                    b = s.recv(65536)
                except ConnectionResetError:
                    break
                except socket.timeout:
                    raise AssertionError(f"no end of the answer within {timeout} s: "
                                         f"{answer[:500]!r}")
                if not b:
                    break
                answer += b
                if complete(answer):
                    break
        finally:
            s.close()
        return parse_raw(answer)


class RawAnswer:
    def __init__(self, status, headers, body, whole):
        self.status_code, self.headers, self.content, self.whole = status, headers, body, whole

    def json(self):
        return json.loads(self.content)

    def __repr__(self):
        return f"raw answer {self.whole[:1500]!r}"


def complete(answer):
    """Does answer hold one whole HTTP response?"""
    head, sep, rest = answer.partition(b"\r\n\r\n")
    if not sep or not answer.startswith(b"HTTP/"):
        return False
    headers = parse_raw(head + sep).headers
    if "content-length" in headers:
        return len(rest) >= int(headers["content-length"])
    if headers.get("transfer-encoding", "").lower() == "chunked":
        return rest.endswith(b"0\r\n\r\n")
    return False


def parse_raw(answer):
    """The first HTTP response in answer (None status when there is none)."""
    if not answer.startswith(b"HTTP/"):
        return RawAnswer(None, {}, b"", answer)
    head, _, rest = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        headers[k.strip().lower()] = v.strip()
    body = rest
    if "content-length" in headers:
        body = rest[:int(headers["content-length"])]
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        out, buf = b"", rest
        while buf:
            size_line, _, buf = buf.partition(b"\r\n")
            n = int(size_line.split(b";")[0] or b"0", 16)
            if n == 0:
                break
            out, buf = out + buf[:n], buf[n + 2:]
        body = out
    return RawAnswer(status, headers, body, answer)


def set_up(tmp, http_timeout=None):
    """A node with USERS (each with a token), the collections `box`
    (USA read-write), `ro` (USA read only) and `tiny` (USA read-write, in
    the API root `small` whose body limit is 16 KiB), and BOX_OBJECTS
    indicators stored in `box`; started."""
    n = BadNode(tmp / "node")
    n.init()
    ini_set(n.ini, "api_root:small", "title", "Small")
    ini_set(n.ini, "api_root:small", "max_content_length", "16K")
    ini_set(n.ini, "taxii", "default_root", "coalition")
    if http_timeout is not None:
        ini_set(n.ini, "http", "timeout", str(http_timeout))
    for name, (partner, roles, clearance) in USERS.items():
        n.add_user(name, partner, roles, clearance)
    n.cx("user", "disable", "ghost")
    n.add_collection("box", "coalition", [("USA", "*", "read-write")])
    n.add_collection("ro", "coalition", [("USA", "*", "read")])
    n.add_collection("tiny", "small", [("USA", "*", "read-write")])
    objs = [indicator(f"Stored {i}") for i in range(BOX_OBJECTS)]
    path = n.dir.parent / "box.json"
    path.write_text(json.dumps({"type": "bundle", "id": stix_id("bundle"), "objects": objs}))
    n.cx("import", "--collection", "box", path)
    n.data["box"] = objs
    n.start()
    try:
        add_case(n)
    except BaseException:
        n.stop()
        raise
    return n


def add_case(n):
    # A repatriation case the case officer may open the vault of.
    r = n.post("objects", {"type": "cx-repatriation-case", "case_number": "RC-2026-100001",
                           "origin_kind": "camp", "origin": "Exercise camp (fictional)",
                           "category": "displaced-family", "home_nation": "IRQ",
                           "household_size": 4, "status": "identified",
                           "object_marking_refs": [GREEN]}, user="officer")
    assert r.status_code == 201, describe(r)
    n.data["case"] = r.json()["object"]["id"]


BOX_OBJECTS = 4


def running_node(tmp, http_timeout=None):
    """set_up's node for the length of a module; when it stops, no sanitizer
    report on its stderr (ApiNode.stop) and an intact audit chain."""
    if not CX_BIN.is_file():
        pytest.fail(f"no cx binary at {CX_BIN} (build it, or set CX_BIN)", pytrace=False)
    n = set_up(tmp, http_timeout)
    try:
        yield n
    finally:
        n.stop()
        # The audit chain is still whole after everything the module sent.
        p = run_cx(n.dir, "audit", "verify", check=False)
        assert p.returncode == 0, f"cx audit verify: {p.stdout!r} {p.stderr!r}"


@pytest.fixture(scope="module")
def bnode(tmp_path_factory):
    yield from running_node(tmp_path_factory.mktemp("badinput"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    n = item.funcargs.get("bnode") if hasattr(item, "funcargs") else None
    if rep.failed and n is not None and n.log.exists():
        rep.sections.append((f"cx serve stderr ({n.log})",
                             n.log.read_bytes()[-6000:].decode("utf-8", "replace")))
