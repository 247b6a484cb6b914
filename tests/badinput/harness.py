"""What the bad input catalogue (catalogue.py, cli_catalogue.py,
slow_catalogue.py) is made of: the expected answers (`api`, `taxii`,
`ui404`, `status`, `closed`, ...), `Case` and `BadClass`, the helpers that
build requests, the set-ups of cases that need state first, and
`run_class`, which runs each case between two snapshots of the store
(conftest.Snapshot) and checks the answer and that the store changed only
as documented."""
import base64
import hashlib
import json
import sqlite3

from requests.structures import CaseInsensitiveDict

from api.conftest import GREEN, stix_id
from .conftest import TAXII

API = "/api/v1"
CSP = "Content-Security-Policy"


# --- expectations --------------------------------------------------------------

def _show(r):
    if hasattr(r, "request") and r.request is not None and hasattr(r, "text"):
        return (f"{r.request.method} {r.request.url[:300]} -> {r.status_code}\n"
                f"headers: {dict(r.headers)}\nbody: {r.text[:1500]!r}")
    return repr(r)


def _headers(r):
    return r.headers if isinstance(r.headers, CaseInsensitiveDict) else \
        CaseInsensitiveDict(r.headers)


def _json(r):
    try:
        return json.loads(r.content)
    except ValueError:
        raise AssertionError(f"error body is not JSON\n{_show(r)}")


def api(status, code, field=None):
    """The API's error body {"code", "title", "detail", "field"?}."""
    def check(r):
        assert r.status_code == status, f"expected {status}\n{_show(r)}"
        ctype = _headers(r).get("Content-Type", "")
        assert ctype.split(";")[0].strip() == "application/json", _show(r)
        e = _json(r)
        assert isinstance(e, dict) and e.get("code") == code, f"expected code {code}\n{_show(r)}"
        assert isinstance(e.get("title"), str) and e["title"].strip(), _show(r)
        assert isinstance(e.get("detail"), str) and e["detail"].strip(), \
            f"an error must say what is wrong (detail)\n{_show(r)}"
        if field is not None:
            assert e.get("field") == field, f"field should be {field!r}\n{_show(r)}"
        return e
    check.expect = f"{status} code {code}" + (f" field {field}" if field else "")
    return check


def taxii(status, code, parameter=None, challenge=False):
    """A TAXII error message (TAXII 2.1 3.6.1, doc/TAXII.md)."""
    def check(r):
        assert r.status_code == status, f"expected {status}\n{_show(r)}"
        h = _headers(r)
        assert h.get("Content-Type") == TAXII, f"Content-Type\n{_show(r)}"
        e = _json(r)
        assert isinstance(e, dict), _show(r)
        for k in ("title", "description", "error_id", "error_code", "http_status"):
            assert isinstance(e.get(k), str) and e[k].strip(), f"no {k}\n{_show(r)}"
        assert e["error_code"] == str(code), f"expected error_code {code}\n{_show(r)}"
        assert e["http_status"] == str(status), _show(r)
        assert e["error_id"] == h.get("X-Request-Id"), _show(r)
        if parameter is not None:
            assert e.get("details", {}).get("parameter") == parameter, \
                f"details.parameter should be {parameter!r}\n{_show(r)}"
        if challenge:
            assert "Basic" in h.get("WWW-Authenticate", "") and \
                "Bearer" in h.get("WWW-Authenticate", ""), _show(r)
        if status == 405:
            assert h.get("Allow"), f"a 405 names the allowed methods\n{_show(r)}"
        return e
    check.expect = f"TAXII {status} error_code {code}" + (f" parameter {parameter}"
                                                          if parameter else "")
    return check


def ui404(r):
    """The UI's plain 404, with its security headers."""
    assert r.status_code == 404, _show(r)
    h = _headers(r)
    assert h.get("Content-Type", "").startswith("text/plain"), _show(r)
    assert "frame-ancestors 'none'" in h.get(CSP, ""), _show(r)
    assert r.content == b"not found\n", _show(r)


ui404.expect = "404 text/plain not found"


def status(code):
    """An answer of the HTTP layer (libmicrohttpd) itself: only the status."""
    def check(r):
        assert r.status_code == code, f"expected {code}\n{_show(r)}"
    check.expect = f"{code}"
    return check


def closed(r):
    """No answer: the server closed the connection."""
    assert r.status_code is None and r.whole == b"", f"expected the connection closed\n{r!r}"


closed.expect = "connection closed, no answer"


def not_served(r):
    """A 404, from the UI (plain text) or from the routes table (no route
    for a path with more segments): never a file."""
    assert r.status_code == 404, f"expected 404\n{_show(r)}"
    ctype = _headers(r).get("Content-Type", "")
    if ctype.startswith("text/plain"):
        return ui404(r)
    return api(404, 1000)(r)


not_served.expect = "404, no file"


def one_of(*checks):
    """Any one of several answers (each named in checks) is right."""
    def check(r):
        errors = []
        for c in checks:
            try:
                return c(r)
            except AssertionError as e:
                errors.append(str(e))
        raise AssertionError("\n-- or --\n".join(errors))
    check.expect = " or ".join(c.expect for c in checks)
    return check


def empty_status(r):
    """A TAXII status resource that counts nothing."""
    assert r.status_code == 202, _show(r)
    st = r.json()
    assert st["status"] == "complete" and st["total_count"] == 0, _show(r)


empty_status.expect = "202, a status counting nothing"


# --- classes and cases ------------------------------------------------------------

class Case:
    def __init__(self, label, send, expect, audit=(), tables=(), setup=None, after=None):
        self.label, self.send, self.expect = label, send, expect
        self.audit, self.tables = list(audit), sorted(tables)
        self.setup, self.after = setup, after


class BadClass:
    """xfail: the reason the node still fails this class, where the fix lies
    outside the files the catalogue's fixes may touch."""

    def __init__(self, name, interfaces, cases, xfail=None):
        self.name, self.interfaces, self.cases, self.xfail = name, interfaces, cases, xfail


# --- request helpers ------------------------------------------------------------------

def api_req(method, path, user="contrib", **kw):
    return lambda n, ctx=None: n.request(method, path, user=user, **kw)


def tx(method, path_fn, **kw):
    """A TAXII request; path_fn(node) gives the path."""
    return lambda n, ctx=None: n.taxii(method, path_fn(n) if callable(path_fn) else path_fn, **kw)


def box(rest=""):
    return lambda n: n.col_path("box", rest)


def raw_req(method, path, headers=(), body=b"", user="contrib", version="HTTP/1.1",
            host=True, **kw):
    """A request written byte by byte on a socket."""
    def send(n, ctx=None):
        lines = [f"{method} {path(n) if callable(path) else path} {version}".encode()]
        if host:
            lines.append(f"Host: 127.0.0.1:{n.port}".encode())
        if user:
            lines.append(f"Authorization: Bearer {n.users[user].token}".encode())
        for h in headers:
            lines.append(h.encode() if isinstance(h, str) else h)
        data = b"\r\n".join(lines) + b"\r\n\r\n" + (body(n) if callable(body) else body)
        return n.raw(data, **kw)
    return send


def raw_bytes(data, **kw):
    return lambda n, ctx=None: n.raw(data, **kw)


def envelope(objs):
    return json.dumps({"objects": objs}).encode()


def new_indicator(**extra):
    """An indicator as the API's create takes it (no node-set properties)."""
    o = {"type": "indicator", "name": "Bad input probe", "pattern_type": "stix",
         "pattern": "[ipv4-addr:value = '203.0.113.9']", "valid_from": "2026-01-01T00:00:00Z",
         "object_marking_refs": [GREEN]}
    o.update(extra)
    return {k: v for k, v in o.items() if v is not None}


def rel(n, **extra):
    """A relationship as the API's create takes it, from a stored indicator."""
    o = {"type": "relationship", "relationship_type": "indicates",
         "source_ref": n.data["box"][0]["id"], "target_ref": stix_id("malware"),
         "object_marking_refs": [GREEN]}
    o.update(extra)
    return {k: v for k, v in o.items() if v is not None}


def chunked(payload, size=4096):
    out = b""
    for i in range(0, len(payload), size):
        part = payload[i:i + size]
        out += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return out + b"0\r\n\r\n"


def basic(s):
    return "Basic " + base64.b64encode(s.encode()).decode()


def with_reason(reason="Checking the case before the transfer"):
    return {"X-Access-Reason": reason}


# --- set-ups for cases that need state first ---------------------------------------------

def login_setup(n):
    return n.login_ok("contrib")


def two_logins(n):
    return n.login_ok("contrib"), n.login_ok("contrib")


def signed_out(n):
    lg = n.login_ok("contrib")
    r = n.delete("session", login=lg, csrf=lg.csrf)
    assert r.status_code == 204, _show(r)
    return lg


def aged_session(column, hours):
    """A session whose `created` (or `last_seen`) lies hours in the past, as
    if that much time had gone by."""
    def setup(n):
        lg = n.login_ok("contrib")
        con = sqlite3.connect(str(n.dir / "cx.db"), timeout=30)
        try:
            h = hashlib.sha256(lg.cookie.encode()).digest()
            past = int(hours * 3600 * 1000000)
            cur = con.execute(f"UPDATE sessions SET {column} = {column} - ? WHERE hash = ?",
                              (past, h))
            assert cur.rowcount == 1, "the session row was not found"
            con.commit()
        finally:
            con.close()
        return lg
    return setup


def taxii_next(n, alias="box", path="objects/", user="contrib", params=(("limit", "1"),)):
    r = n.taxii("GET", n.col_path(alias, path), user=user, params=list(params))
    assert r.status_code == 200 and r.json().get("more") is True, _show(r)
    return r.json()["next"]


def api_cursor(n, user="contrib", params=(("limit", "1"),)):
    r = n.request("GET", "objects", user=user, params=list(params))
    assert r.status_code == 200 and r.json().get("next_cursor"), _show(r)
    return r.json()["next_cursor"]


def tamper(token):
    """token with one character in its middle changed."""
    i = len(token) // 2
    c = "A" if token[i] != "A" else "B"
    return token[:i] + c + token[i + 1:]


def same_objects_as_plain(r, n):
    """match[<unknown>] is ignored: the same objects as without it."""
    assert r.status_code == 200, _show(r)
    plain = n.taxii("GET", n.col_path("box", "objects/"))
    assert plain.status_code == 200, _show(plain)
    assert sorted(o["id"] for o in r.json()["objects"]) == \
        sorted(o["id"] for o in plain.json()["objects"]), _show(r)


def lowered_limit(r, n):
    """A limit over max_page_size is lowered to it: the whole (small)
    collection on one page."""
    assert r.status_code == 200, _show(r)
    plain = n.taxii("GET", n.col_path("box", "objects/"))
    assert plain.status_code == 200 and "more" not in plain.json(), _show(plain)
    assert len(r.json()["objects"]) == len(plain.json()["objects"]) >= len(n.data["box"]), \
        _show(r)


def ok_status(want):
    def check(r):
        assert r.status_code == want, _show(r)
    check.expect = str(want)
    return check


# TAXII 202 answers for envelopes whose every object is rejected: nothing is
# stored, the status resource is kept (doc/TAXII.md) and the add is audited.
def all_rejected(rule):
    def check(r):
        assert r.status_code == 202, _show(r)
        assert r.headers.get("Content-Type") == TAXII, _show(r)
        st = r.json()
        assert st["status"] == "complete" and st["success_count"] == 0, _show(r)
        assert st["failure_count"] == st["total_count"] >= 1, _show(r)
        for f in st["failures"]:
            assert rule in f["message"], f"failure should name {rule!r}\n{_show(r)}"
    check.expect = f"202, every object a failure naming {rule}"
    return check


# --- running a class -------------------------------------------------------------------------

def run_case(node, case):
    """Send one case between two snapshots of the store; check its answer,
    and that the store changed only as documented."""
    ctx = case.setup(node) if case.setup else None
    before = node.snapshot()
    r = case.send(node, ctx)
    case.expect(r)
    if case.after:
        case.after(r, node)
    after = node.snapshot()
    assert after.changed_tables(before) == case.tables, \
        f"the store changed: {after.changed_tables(before)} (expected {case.tables})"
    got = after.audit_since(before)
    want = [a if isinstance(a, tuple) else (a, {}) for a in case.audit]
    assert [g[1] for g in got] == [w[0] for w in want], \
        f"audit entries {[g[1] for g in got]}, expected {[w[0] for w in want]}"
    for (_, action, detail), (_, sub) in zip(got, want):
        for k, v in sub.items():
            assert detail.get(k) == v, f"{action} entry: {k} is {detail.get(k)!r}, not {v!r}"


def run_class(node, bad):
    """Every case of a class; fails listing each case that failed."""
    failures = []
    for case in bad.cases:
        try:
            run_case(node, case)
        except Exception as e:  # noqa: BLE001 - every case is reported, not only the first
            failures.append(f"[{case.label}] expected {case.expect.expect}:\n"
                            f"{type(e).__name__}: {e}")
    assert not failures, f"{bad.name}: {len(failures)} of {len(bad.cases)} cases failed\n\n" + \
        "\n\n".join(failures)
