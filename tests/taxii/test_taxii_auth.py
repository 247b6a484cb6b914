"""Authentication (1.6.9, 8.2.2, doc/TAXII.md): HTTP Basic and bearer
tokens; every failure is 401 with a WWW-Authenticate challenge.

The node throttles failed password logins per user name and per client
address (test_taxii_auth_rules.py). So that this shared node never throttles
the logins of other tests, wrong passwords here are those of `decoy`, a user
no other test logs in as, and every failing Basic login comes from a
loopback address of its own (Node.fresh_source)."""
import base64
import re
import uuid

import pytest
import requests

from .conftest import (PASSWORDS, TAXII, UUID_RE, assert_error, basic, cx_help, describe,
                      parse_token)


def endpoints(node):
    mv = node.data["mv"][0]["id"]
    lib = node.col_path("library")
    return [
        ("GET", "/taxii2/"),
        ("GET", "/coalition/"),
        ("GET", "/second/"),
        ("GET", "/coalition/collections/"),
        ("GET", lib),
        ("GET", lib + "objects/"),
        ("GET", lib + "manifest/"),
        ("GET", lib + f"objects/{mv}/"),
        ("GET", lib + f"objects/{mv}/versions/"),
        ("GET", f"/coalition/status/{uuid.uuid4()}/"),
        ("POST", node.col_path("indicators", "objects/")),
        ("DELETE", node.col_path("indicators", f"objects/{mv}/")),
    ]


def assert_401(r):
    e = assert_error(r, 401)
    challenge = r.headers.get("WWW-Authenticate", "")
    assert re.search(r'(^|,\s*)Basic realm="cx"', challenge), \
        f"no Basic challenge in WWW-Authenticate: {challenge!r}"
    assert re.search(r'(^|,\s*)Bearer realm="cx"', challenge), \
        f"no Bearer challenge in WWW-Authenticate: {challenge!r}"
    return e


def with_header(node, value, path="/coalition/collections/", method="GET", source=None):
    h = {} if value is None else {"Authorization": value}
    return node.request(method, path, user=None, headers=h, source=source)


def test_every_endpoint_needs_credentials(node):
    for method, path in endpoints(node):
        body = {"objects": []} if method == "POST" else None
        r = node.request(method, path, user=None, body=body)
        assert r.status_code == 401, describe(r)
        assert_401(r)


def test_healthz_needs_none(node):
    r = requests.get(node.base + "/healthz", timeout=10)
    assert r.status_code == 200


@pytest.mark.parametrize("header", [
    None,
    basic("decoy", "wrong-password"),
    basic("decoy", ""),
    basic("decoy", PASSWORDS["decoy"] + "x"),
    basic("nobody", "whatever"),
    basic("", ""),
    "Basic " + base64.b64encode(b"decoy").decode(),     # no colon
    "Basic !!!not-base64!!!",
    "Basic",
    "Bearer",
    "Bearer " + "0" * 43,
    "Bearer not-a-token",
    "Digest username=\"decoy\", realm=\"cx\"",
    "decoy:" + PASSWORDS["decoy"],
])
def test_bad_credentials_are_401(node, header):
    assert_401(with_header(node, header, source=node.fresh_source()))


def test_decoy_logs_in_with_its_password(node):
    # The decoy's right password works, so that its wrong ones above are
    # refused for being wrong.
    r = with_header(node, basic("decoy", PASSWORDS["decoy"]), source=node.fresh_source())
    assert r.status_code == 200, describe(r)


def test_password_is_not_a_token_and_token_is_not_a_password(node):
    u = node.users["decoy"]
    assert_401(with_header(node, "Bearer " + u.password))
    assert_401(with_header(node, basic(u.name, u.token), source=node.fresh_source()))


def test_altered_token_is_401(node):
    tok = node.users["usaadmin"].token
    i = len(tok) // 2
    bad = tok[:i] + ("A" if tok[i] != "A" else "B") + tok[i + 1:]
    assert_401(with_header(node, "Bearer " + bad))
    assert_401(with_header(node, "Bearer " + tok[:-1]))
    assert_401(with_header(node, "Bearer " + tok + "A"))


def test_token_of_another_user_acts_as_that_user(node):
    # Bearer identifies the user by the token alone.
    r = node.get("/coalition/collections/", user="krguser")
    assert r.status_code == 200 and r.json() == {}, describe(r)


@pytest.mark.parametrize("user", ["usaadmin", "usacontrib", "irqreader", "krguser"])
@pytest.mark.parametrize("auth", ["basic", "bearer"])
def test_basic_and_bearer_both_work(node, user, auth):
    r = node.get("/coalition/collections/", user=user, auth=auth)
    assert r.status_code == 200, describe(r)
    other = node.get("/coalition/collections/", user=user,
                     auth="bearer" if auth == "basic" else "basic")
    assert r.json() == other.json()


def test_scheme_names_are_case_insensitive(node):
    # RFC 7235 2.1: the auth-scheme is a case-insensitive token.
    u = node.users["usaadmin"]
    r = with_header(node, "bearer " + u.token)
    assert r.status_code == 200, describe(r)
    r = with_header(node, basic(u.name, u.password).replace("Basic", "basic", 1))
    assert r.status_code == 200, describe(r)


def test_disabled_user_is_401(node):
    if not node.data.get("ghost_disabled"):
        pytest.skip("this cx has no `cx user disable`")
    assert_401(node.get("/coalition/collections/", user="ghost", auth="basic",
                        source=node.fresh_source()))
    assert_401(node.get("/coalition/collections/", user="ghost", auth="bearer"))


def token_id(node, user, secret, create_output):
    """The id `cx token disable` takes: from the create output, else from
    `cx token list USER`."""
    for m in UUID_RE.finditer(create_output):
        if m.group(0) not in secret:
            return m.group(0)
    m = re.search(r"\bid\s*[:=]\s*(\S+)", create_output, re.I)
    if m:
        return m.group(1)
    p = node.cx("token", "list", user, check=False)
    ids = [ln.split()[0] for ln in p.stdout.decode().splitlines() if ln.strip()]
    # A listed id that the secret embeds, else the newest (last) listed.
    for i in ids:
        if len(i) >= 6 and i in secret:
            return i
    return ids[-1] if p.returncode == 0 and ids else None


def test_disabled_token_is_401(node):
    if not re.search(r"\bdisable\b", cx_help(node.dir, "token")):
        pytest.skip("this cx has no `cx token disable`")
    secret, out = node.create_token("usacontrib")
    assert secret == parse_token(out.encode())
    r = with_header(node, "Bearer " + secret)
    assert r.status_code == 200, describe(r)
    tid = token_id(node, "usacontrib", secret, out)
    assert tid, f"cannot tell the new token's id from: {out!r}"
    node.cx("token", "disable", tid)
    assert_401(with_header(node, "Bearer " + secret))
    # The user's other token still works.
    r = node.get("/coalition/collections/", user="usacontrib")
    assert r.status_code == 200, describe(r)


def test_401_comes_before_404(node):
    # An unauthenticated client learns nothing about what exists.
    for path in (f"/coalition/collections/{uuid.uuid4()}/", node.col_path("hidden"),
                 node.col_path("library")):
        assert_401(node.get(path, user=None))


def test_401_body_is_taxii(node):
    r = node.get("/coalition/collections/", user=None)
    assert r.headers.get("Content-Type") == TAXII
    assert_401(r)


def test_rotated_token(node):
    """`cx token rotate ID` disables the token and prints a new one."""
    if not re.search(r"\brotate\b", cx_help(node.dir, "token")):
        pytest.skip("this cx has no `cx token rotate`")
    old, out = node.create_token("irqreader")
    tid = token_id(node, "irqreader", old, out)
    assert tid, f"cannot tell the new token's id from: {out!r}"
    new = parse_token(node.cx("token", "rotate", tid).stdout)
    assert new != old
    assert_401(with_header(node, "Bearer " + old))
    r = with_header(node, "Bearer " + new)
    assert r.status_code == 200, describe(r)
    assert {c["alias"] for c in r.json()["collections"]} >= {"library", "irqonly"}
