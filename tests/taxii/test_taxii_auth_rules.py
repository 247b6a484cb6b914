"""The rules of authentication (doc/TAXII.md, doc/ACCESS.md): wrong
passwords, login throttling, disabled users and tokens, expired tokens, the
scheme's case, and the audit entry of every password login.

Throttling: failed Basic logins are counted per user name and per client
address; after 5 failures that name (or address) is refused without a check
for 1 s, doubling with every further failure up to 15 min; a successful
login of the name resets its count.

Every test makes its own users and sends from loopback addresses of its own
(Node.fresh_source), so that the throttle state of one test never decides
another's. Sleeps are kept to the 1-2 s the rules need.
"""
import hashlib
import re
import time
import uuid

import pytest

from .conftest import Node, assert_error, basic, describe, parse_token

PATH = "/coalition/collections/"


@pytest.fixture(scope="module")
def anode(cx_binary, tmp_path_factory):
    n = Node(tmp_path_factory.mktemp("auth") / "node")
    n.init()
    n.add_partner("USA", "United States")
    n.add_partner("IRQ", "Iraq")
    n.add_collection("box", "coalition", "Box", [("*", "*", "read")])
    n.start()
    try:
        yield n
    finally:
        n.stop()


def new_user(n, partner="USA", role="reader"):
    """A user no request has logged in as yet: (name, password)."""
    name = "u" + uuid.uuid4().hex[:10]
    password = "pw-" + uuid.uuid4().hex[:12]
    n.add_user(name, partner, role, password)
    return name, password


def login(n, name, password, source, scheme="Basic"):
    header = basic(name, password).replace("Basic", scheme, 1)
    return n.request("GET", PATH, user=None, headers={"Authorization": header},
                     source=source)


def bearer(n, token, source=None, scheme="Bearer"):
    return n.request("GET", PATH, user=None, headers={"Authorization": f"{scheme} {token}"},
                     source=source)


def assert_ok(r):
    assert r.status_code == 200, describe(r)
    return r


def assert_401(r):
    assert_error(r, 401)
    challenge = r.headers.get("WWW-Authenticate", "")
    assert 'Basic realm="cx"' in challenge and 'Bearer realm="cx"' in challenge, challenge
    return r


def fail(n, name, source):
    """One wrong password for name from source: 401, after the node checked
    it (the answer's time is when the failure was counted)."""
    assert_401(login(n, name, "wrong-" + uuid.uuid4().hex[:6], source))
    return time.monotonic()


def sleep_until(t):
    time.sleep(max(0.0, t - time.monotonic()))


def token_of(n, name, *args):
    p = n.cx("token", "create", name, *args)
    return parse_token(p.stdout)


def token_id(n, name, secret):
    """The id of a token as `cx token list USER` shows it (the secret embeds it)."""
    for line in n.cx("token", "list", name).stdout.decode().splitlines():
        tid = line.split()[0]
        if tid in secret:
            return tid
    raise AssertionError(f"no listed token of {name} matches its secret")


# --- passwords ----------------------------------------------------------------------

def test_wrong_password_is_401(anode):
    name, password = new_user(anode)
    src = anode.fresh_source()
    assert_401(login(anode, name, password + "x", src))
    assert_401(login(anode, name, "", src))
    assert_401(login(anode, name.upper(), password, src))
    assert_ok(login(anode, name, password, src))


# --- throttling ----------------------------------------------------------------------

def test_five_failures_block_the_user_name_for_a_second(anode):
    name, password = new_user(anode)
    # Each failure from another address: only the name's count reaches 5.
    for _ in range(4):
        fail(anode, name, anode.fresh_source())
    fifth = fail(anode, name, anode.fresh_source())
    # Within the block even the right password is refused, from anywhere.
    assert_401(login(anode, name, password, anode.fresh_source()))
    assert time.monotonic() < fifth + 0.9, "too slow to test within the block"
    # Other users are not blocked.
    other, other_pw = new_user(anode)
    assert_ok(login(anode, other, other_pw, anode.fresh_source()))
    sleep_until(fifth + 1.1)
    assert_ok(login(anode, name, password, anode.fresh_source()))


def test_four_failures_do_not_block(anode):
    name, password = new_user(anode)
    for _ in range(4):
        fail(anode, name, anode.fresh_source())
    assert_ok(login(anode, name, password, anode.fresh_source()))


def test_block_doubles_with_each_further_failure(anode):
    name, password = new_user(anode)
    for _ in range(4):
        fail(anode, name, anode.fresh_source())
    fifth = fail(anode, name, anode.fresh_source())
    sleep_until(fifth + 1.1)
    # The sixth failure, checked after the first block ended, blocks for 2 s.
    sixth = fail(anode, name, anode.fresh_source())
    sleep_until(sixth + 1.2)
    assert_401(login(anode, name, password, anode.fresh_source()))
    sleep_until(sixth + 2.1)
    assert_ok(login(anode, name, password, anode.fresh_source()))


def test_success_resets_the_count_of_the_name(anode):
    name, password = new_user(anode)
    for _ in range(4):
        fail(anode, name, anode.fresh_source())
    assert_ok(login(anode, name, password, anode.fresh_source()))
    for _ in range(4):
        fail(anode, name, anode.fresh_source())
    # Eight failures in all, but four since the success: not blocked. A new
    # password, so that no remembered login answers for the node.
    anode.cx("user", "passwd", name, "--password-stdin", input="another-password\n")
    assert_ok(login(anode, name, "another-password", anode.fresh_source()))


def test_five_failures_block_the_client_address(anode):
    src, elsewhere = anode.fresh_source(), anode.fresh_source()
    # Five different names, one failure each, from one address.
    for _ in range(4):
        fail(anode, "nobody-" + uuid.uuid4().hex[:8], src)
    fifth = fail(anode, "nobody-" + uuid.uuid4().hex[:8], src)
    name, password = new_user(anode)
    assert_401(login(anode, name, password, src))
    assert time.monotonic() < fifth + 0.9, "too slow to test within the block"
    # The user's name is not blocked: from another address it logs in.
    assert_ok(login(anode, name, password, elsewhere))
    other, other_pw = new_user(anode)
    sleep_until(fifth + 1.1)
    assert_ok(login(anode, other, other_pw, src))


def slot(key):
    """Where a fixed table of 512 throttle records indexed by an unkeyed
    BLAKE2b-64 hash would keep the count of key."""
    h = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return (h[0] | h[1] << 8) % 512


def colliding_names(key, count):
    out, i = [], 0
    while len(out) < count:
        cand = f"probe{i}"
        if slot(cand) == slot(key) and cand != key:
            out.append(cand)
        i += 1
    return out


def test_block_of_a_name_survives_failures_of_other_names(anode):
    """Failures of other names must not lift a name's block: an attacker
    who may not guess a password five times in a second must not regain
    the right by failing once with a name of its choosing."""
    name, password = new_user(anode)
    for _ in range(4):
        fail(anode, name, anode.fresh_source())
    fifth = fail(anode, name, anode.fresh_source())
    for other in colliding_names(name, 1):
        fail(anode, other, anode.fresh_source())
    assert time.monotonic() < fifth + 0.9, "too slow to test within the block"
    assert_401(login(anode, name, password, anode.fresh_source()))


def test_block_of_an_address_survives_the_names_tried(anode):
    """Whatever names a client tries, its sixth failure in a row is refused
    and so is its next login."""
    src = anode.fresh_source()
    names = colliding_names("@" + src, 6)
    last = None
    for other in names[:5]:
        last = fail(anode, other, src)
    name, password = new_user(anode)
    assert time.monotonic() < last + 0.9, "too slow to test within the block"
    assert_401(login(anode, name, password, src))


# --- disabled users and tokens, expiry ------------------------------------------------

def test_disabled_user_is_refused_with_password_and_token(anode):
    name, password = new_user(anode)
    token = token_of(anode, name)
    src = anode.fresh_source()
    assert_ok(login(anode, name, password, src))
    assert_ok(bearer(anode, token))
    anode.cx("user", "disable", name)
    # The right password (just used successfully) and a valid token.
    assert_401(login(anode, name, password, src))
    assert_401(login(anode, name, password, anode.fresh_source()))
    assert_401(bearer(anode, token))
    anode.cx("user", "enable", name)
    assert_ok(login(anode, name, password, anode.fresh_source()))
    assert_ok(bearer(anode, token))


def test_disabled_token_is_refused(anode):
    name, _ = new_user(anode)
    a, b = token_of(anode, name), token_of(anode, name)
    assert_ok(bearer(anode, a))
    assert_ok(bearer(anode, b))
    anode.cx("token", "disable", token_id(anode, name, a))
    assert_401(bearer(anode, a))
    assert_ok(bearer(anode, b))


def test_expired_token_is_refused(anode):
    name, _ = new_user(anode)
    start = time.monotonic()
    token = token_of(anode, name, "--expires-seconds", 1)
    r = bearer(anode, token)
    if time.monotonic() < start + 0.8:
        assert_ok(r)
    sleep_until(start + 1.2)
    assert_401(bearer(anode, token))
    # Tokens without expiry, or a long one, still work.
    assert_ok(bearer(anode, token_of(anode, name, "--expires-seconds", 3600)))


# --- the scheme ------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["Basic", "basic", "BASIC", "bAsIc"])
def test_basic_scheme_in_any_case(anode, scheme):
    name, password = new_user(anode)
    assert_ok(login(anode, name, password, anode.fresh_source(), scheme=scheme))


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_bearer_scheme_in_any_case(anode, scheme):
    name, _ = new_user(anode)
    assert_ok(bearer(anode, token_of(anode, name), scheme=scheme))


# --- the audit of logins ----------------------------------------------------------------

def test_every_password_login_is_audited(anode):
    name, password = new_user(anode, partner="IRQ")
    src = anode.fresh_source()
    r = assert_401(login(anode, name, "wrong-password", src))
    failed = anode.audit("--action", "login.failed", "--actor", name)
    assert len(failed) == 1, failed
    e = failed[0]
    assert (e["action"], e["actor"], e["partner"]) == ("login.failed", name, "IRQ"), e
    assert e["detail"]["address"] == src, e
    assert e.get("request") == r.headers["X-Request-Id"], e
    assert anode.audit("--action", "login", "--actor", name) == []

    src2 = anode.fresh_source()
    r = assert_ok(login(anode, name, password, src2))
    ok = anode.audit("--action", "login", "--actor", name)
    assert len(ok) == 1, ok
    e = ok[0]
    assert (e["action"], e["actor"], e["partner"]) == ("login", name, "IRQ"), e
    assert e["detail"]["address"] == src2, e
    assert e.get("request") == r.headers["X-Request-Id"], e
    assert e["seq"] > failed[0]["seq"]


def test_failed_login_of_an_unknown_name_is_audited(anode):
    name = "ghost-" + uuid.uuid4().hex[:8]
    src = anode.fresh_source()
    assert_401(login(anode, name, "whatever-password", src))
    got = anode.audit("--action", "login.failed", "--actor", name)
    assert len(got) == 1 and got[0]["partner"] == "" and got[0]["detail"]["address"] == src, got


def test_audit_chain_intact_after_logins(anode):
    p = anode.cx("audit", "verify")
    assert re.fullmatch(rb"audit chain intact: \d+ entries\n", p.stdout), p.stdout
