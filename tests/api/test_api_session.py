"""Authentication of the native API (doc/API.md, "Authentication"):
password sessions with their cookie and CSRF token, Bearer tokens, and
nothing else."""
import base64
import time
import uuid

import pytest

from .conftest import COOKIE, GREEN, assert_error, describe, parse_token, set_cookie


def new_object(name):
    return {"type": "indicator", "name": name, "pattern": "[ipv4-addr:value = '203.0.113.9']",
            "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
            "object_marking_refs": [GREEN]}


def stored_named(node, name):
    """Ids of the objects usaadmin finds with a word search on name."""
    return [it["id"] for it in node.list_all("usaadmin", [("q", f'"{name}"')])]


def unique_name():
    return "Csrfprobe" + uuid.uuid4().hex[:10]


# --- logging in --------------------------------------------------------------------

def test_login_answers_who_and_sets_the_cookie(wnode):
    lg = wnode.login("usacontrib")
    r = lg.response
    assert r.status_code == 200, describe(r)
    b = lg.body
    assert b["user"] == "usacontrib", b
    assert b["partner"] == "USA", b
    assert b["roles"] == ["contributor"], b
    assert b["clearance"] == "S", b
    assert isinstance(b["csrf"], str) and len(b["csrf"]) >= 16, b
    c = set_cookie(r, COOKIE)
    assert c is not None, f"no Set-Cookie {COOKIE}\n{describe(r)}"
    assert len(c["value"]) >= 16, c
    assert c["attrs"].get("httponly") is True, c["line"]
    assert str(c["attrs"].get("samesite", "")).lower() == "strict", c["line"]
    assert c["attrs"].get("path") == "/api/v1/", c["line"]
    # The password is nowhere in the answer.
    assert wnode.users["usacontrib"].password not in r.text


def test_login_lists_every_role(wnode):
    u = wnode.add_user("multi-" + uuid.uuid4().hex[:6], "KRG", "contributor,approver", "R",
                       token=False)
    lg = wnode.login_ok(u.name)
    assert sorted(lg.body["roles"]) == ["approver", "contributor"], lg.body
    assert (lg.body["partner"], lg.body["clearance"]) == ("KRG", "R"), lg.body


def test_two_logins_get_different_sessions(wnode):
    a, b = wnode.login_ok("usareader"), wnode.login_ok("usareader")
    assert a.cookie != b.cookie
    assert a.csrf != b.csrf
    assert a.csrf != a.cookie


def test_wrong_password_is_401_without_cookie(wnode):
    lg = wnode.login("usareader", "Wrong-password-123", source=wnode.fresh_source())
    e = assert_error(lg.response, 401, 1008)
    assert lg.cookie is None, describe(lg.response)
    assert "csrf" not in e


def test_unknown_user_is_401(wnode):
    lg = wnode.login("nobody-" + uuid.uuid4().hex[:6], "Whatever-pass-1",
                     source=wnode.fresh_source())
    assert_error(lg.response, 401, 1008)
    assert lg.cookie is None


def test_disabled_user_is_401(wnode):
    lg = wnode.login("ghost", source=wnode.fresh_source())
    assert_error(lg.response, 401, 1008)
    assert lg.cookie is None


def test_disabled_users_token_is_401(wnode):
    assert_error(wnode.get("objects", user="ghost"), 401, 1008)


def test_login_body_not_json_is_400(wnode):
    r = wnode.request("POST", "session", data=b'{"user": "usareader", "password": ',
                      source=wnode.fresh_source())
    assert_error(r, 400, 1003)


def test_logins_are_audited(wnode):
    name = "audited"
    src = wnode.fresh_source()
    lg = wnode.login(name, "Wrong-password-456", source=src)
    assert_error(lg.response, 401, 1008)
    failed = wnode.audit("--action", "login.failed", "--actor", name)
    assert len(failed) == 1, failed
    assert failed[0]["partner"] == "IRQ", failed
    assert failed[0]["detail"]["address"] == src, failed
    ok = wnode.login(name, source=wnode.fresh_source())
    assert ok.response.status_code == 200, describe(ok.response)
    logins = wnode.audit("--action", "login", "--actor", name)
    assert len(logins) == 1, logins


def test_failed_logins_are_throttled(wnode):
    """As for HTTP Basic: five failures of a name block it, even with the
    right password, for a moment."""
    u = wnode.add_user("throttle2-" + uuid.uuid4().hex[:6], "USA", "reader", token=False)
    for _ in range(5):
        lg = wnode.login(u.name, "Wrong-password-789", source=wnode.fresh_source())
        assert_error(lg.response, 401, 1008)
    fifth = time.monotonic()
    lg = wnode.login(u.name, source=wnode.fresh_source())
    if lg.response.status_code == 200 and time.monotonic() > fifth + 0.9:
        pytest.skip("too slow to log in within the one-second block")
    assert_error(lg.response, 401, 1008)
    assert lg.cookie is None
    # The block ends (1 s after the fifth failure, as for Basic).
    time.sleep(max(0.0, fifth + 1.2 - time.monotonic()))
    assert wnode.login(u.name, source=wnode.fresh_source()).response.status_code == 200


# --- GET and DELETE /session ------------------------------------------------------------

def test_get_session_with_cookie(wnode):
    lg = wnode.login_ok("irqcontrib")
    r = wnode.get("session", login=lg)
    assert r.status_code == 200, describe(r)
    b = r.json()
    assert (b["user"], b["partner"], b["roles"], b["clearance"]) == \
        ("irqcontrib", "IRQ", ["contributor"], "S"), b
    assert b["csrf"] == lg.csrf, b


def test_get_session_with_token(wnode):
    r = wnode.get("session", user="krgreader")
    assert r.status_code == 200, describe(r)
    b = r.json()
    assert (b["user"], b["partner"], b["roles"], b["clearance"]) == \
        ("krgreader", "KRG", ["reader"], "S"), b


def test_logout_ends_the_session(wnode):
    lg = wnode.login_ok("usareader")
    assert wnode.get("objects", login=lg).status_code == 200
    r = wnode.delete("session", login=lg, csrf=lg.csrf)
    assert r.status_code == 204, describe(r)
    assert not r.content, describe(r)
    c = set_cookie(r, COOKIE)
    assert c is not None, f"logout does not clear the cookie\n{describe(r)}"
    cleared = (c["value"] in ("", '""') or c["attrs"].get("max-age") == "0"
               or "expires" in c["attrs"])
    assert cleared, c["line"]
    assert c["attrs"].get("path") == "/api/v1/", c["line"]
    assert_error(wnode.get("session", login=lg), 401, 1008)
    assert_error(wnode.get("objects", login=lg), 401, 1008)
    assert_error(wnode.post("objects", new_object(unique_name()), login=lg, csrf=lg.csrf),
                 401, 1008)


def test_disabling_a_user_ends_its_sessions(wnode):
    """A disabled user cannot log in (doc/CLI.md); a session it opened
    before must not outlive that either."""
    u = wnode.add_user("leaver-" + uuid.uuid4().hex[:6], "USA", "contributor")
    lg = wnode.login_ok(u.name)
    assert wnode.get("session", login=lg).status_code == 200
    wnode.cx("user", "disable", u.name)
    assert_error(wnode.get("session", login=lg), 401, 1008)
    name = unique_name()
    assert_error(wnode.post("objects", new_object(name), login=lg, csrf=lg.csrf), 401, 1008)
    assert stored_named(wnode, name) == []


def test_logout_leaves_other_sessions(wnode):
    a, b = wnode.login_ok("usareader"), wnode.login_ok("usareader")
    assert wnode.delete("session", login=a, csrf=a.csrf).status_code == 204
    r = wnode.get("session", login=b)
    assert r.status_code == 200, describe(r)


def test_logout_without_csrf_is_refused_and_session_lives(wnode):
    lg = wnode.login_ok("usareader")
    assert_error(wnode.delete("session", login=lg), 403, 1012)
    assert_error(wnode.delete("session", login=lg, csrf=lg.csrf + "x"), 403, 1012)
    assert wnode.get("session", login=lg).status_code == 200


def test_forged_cookie_is_401(wnode):
    assert_error(wnode.get("objects", login="x" * 43), 401, 1008)
    assert_error(wnode.get("session", login=""), 401, 1008)


# --- CSRF ----------------------------------------------------------------------------------

def test_create_with_cookie_needs_csrf(wnode):
    lg = wnode.login_ok("usacontrib")
    name = unique_name()
    before = len(wnode.audit("--action", "api.create"))
    assert_error(wnode.post("objects", new_object(name), login=lg), 403, 1012)
    assert_error(wnode.post("objects", new_object(name), login=lg, csrf="wrong-token"),
                 403, 1012)
    assert_error(wnode.post("objects", new_object(name), login=lg, csrf=""), 403, 1012)
    assert stored_named(wnode, name) == []
    assert len(wnode.audit("--action", "api.create")) == before
    r = wnode.post("objects", new_object(name), login=lg, csrf=lg.csrf)
    assert r.status_code == 201, describe(r)
    assert stored_named(wnode, name) == [r.json()["object"]["id"]]


def test_csrf_of_another_session_is_refused(wnode):
    a, b = wnode.login_ok("usacontrib"), wnode.login_ok("usacontrib")
    other = wnode.login_ok("usaadmin")
    name = unique_name()
    assert_error(wnode.post("objects", new_object(name), login=a, csrf=b.csrf), 403, 1012)
    assert_error(wnode.post("objects", new_object(name), login=a, csrf=other.csrf), 403, 1012)
    assert stored_named(wnode, name) == []


def test_csrf_is_not_the_cookie(wnode):
    lg = wnode.login_ok("usacontrib")
    name = unique_name()
    assert_error(wnode.post("objects", new_object(name), login=lg, csrf=lg.cookie), 403, 1012)
    assert stored_named(wnode, name) == []


def test_version_and_revoke_with_cookie_need_csrf(wnode):
    lg = wnode.login_ok("usacontrib")
    r = wnode.post("objects", new_object(unique_name()), user="usacontrib")
    assert r.status_code == 201, describe(r)
    oid = r.json()["object"]["id"]
    assert_error(wnode.post(f"objects/{oid}/versions", {"name": "Changed"}, login=lg),
                 403, 1012)
    assert_error(wnode.post(f"objects/{oid}/revoke", {}, login=lg, csrf="nope"), 403, 1012)
    d = wnode.detail("usacontrib", oid)
    assert len(d["versions"]) == 1 and d["object"].get("revoked") is not True, d
    assert d["object"]["name"] != "Changed"
    r = wnode.post(f"objects/{oid}/versions", {"name": "Changed"}, login=lg, csrf=lg.csrf)
    assert r.status_code == 201, describe(r)
    r = wnode.post(f"objects/{oid}/revoke", {}, login=lg, csrf=lg.csrf)
    assert r.status_code == 201, describe(r)


def test_reads_with_cookie_need_no_csrf(wnode):
    lg = wnode.login_ok("irqreader")
    r = wnode.get("objects", login=lg)
    assert r.status_code == 200, describe(r)
    oid = wnode.data["usa_green"]["id"]
    assert wnode.get(f"objects/{oid}", login=lg).status_code == 200


def test_bearer_needs_no_csrf(wnode):
    name = unique_name()
    r = wnode.post("objects", new_object(name), user="usacontrib")
    assert r.status_code == 201, describe(r)
    oid = r.json()["object"]["id"]
    r = wnode.post(f"objects/{oid}/versions", {"description": "x"}, user="usacontrib")
    assert r.status_code == 201, describe(r)
    r = wnode.post(f"objects/{oid}/revoke", {}, user="usacontrib")
    assert r.status_code == 201, describe(r)


def test_session_csrf_does_not_stand_in_for_the_cookie(wnode):
    lg = wnode.login_ok("usacontrib")
    name = unique_name()
    assert_error(wnode.post("objects", new_object(name), csrf=lg.csrf), 401, 1008)
    assert stored_named(wnode, name) == []


# --- every endpoint needs authentication ---------------------------------------------

def endpoints(wnode, name):
    oid = wnode.data["usa_green"]["id"]
    return [("GET", "objects", None), ("GET", f"objects/{oid}", None),
            ("POST", "objects", new_object(name)),
            ("POST", f"objects/{oid}/versions", {"name": "x"}),
            ("POST", f"objects/{oid}/revoke", {}),
            ("GET", "session", None), ("DELETE", "session", None)]


@pytest.mark.parametrize("how", ["none", "bad-bearer", "basic", "empty-bearer"])
def test_every_endpoint_needs_authentication(wnode, how):
    u = wnode.users["usaadmin"]
    headers = {"none": {}, "bad-bearer": {"Authorization": "Bearer " + "A" * 40},
               "empty-bearer": {"Authorization": "Bearer "},
               # HTTP Basic is TAXII's; the API knows only sessions and tokens.
               "basic": {"Authorization": "Basic " + base64.b64encode(
                   f"{u.name}:{u.password}".encode()).decode()}}[how]
    name = unique_name()
    for method, path, body in endpoints(wnode, name):
        r = wnode.request(method, path, body=body, headers=headers,
                          source=wnode.fresh_source() if how == "basic" else None)
        assert_error(r, 401, 1008)
    # Nothing was written: a browser sends cached Basic credentials with
    # any cross-site form, so Basic must not write without CSRF either.
    assert stored_named(wnode, name) == []
    d = wnode.detail("usaadmin", wnode.data["usa_green"]["id"])
    assert len(d["versions"]) == 1 and d["object"]["name"] == "Imported usa green", d


def test_expired_token_is_401(wnode):
    u = wnode.add_user("tok-" + uuid.uuid4().hex[:6], "USA", "reader", token=False)
    tok = parse_token(wnode.cx("token", "create", u.name, "--expires-seconds", 2).stdout)
    assert wnode.get("session", token=tok).status_code == 200
    time.sleep(2.6)
    assert_error(wnode.get("objects", token=tok), 401, 1008)
    assert_error(wnode.get("session", token=tok), 401, 1008)
