"""Partners, markings and administration through the native API
(doc/API.md, "Partners and markings" and "Administration"): what each
endpoint answers, each refusal, that changes made here are what `cx`
sees and are audited under the CLI's action names, and that the markings
preview says who can really read."""
import json
import uuid

import pytest

from .conftest import (AMBER, GREEN, IDENTITY, REL_EXTENSION, Node, assert_error, describe,
                       indicator)

ADMIN_USERS = {
    "root": ("USA", "admin", "S"),
    "usacontrib": ("USA", "contributor", "S"),
    "usareader": ("USA", "reader", "S"),
    "irqcontrib": ("IRQ", "contributor", "S"),
    "irqreader": ("IRQ", "reader", "S"),
    "irqlow": ("IRQ", "reader", "U"),
    "krgreader": ("KRG", "reader", "S"),
}
PARTNERS = ["IRQ", "KRG", "USA"]  # the partner table's order (by code)


@pytest.fixture(scope="module")
def anode(api_binary, tmp_path_factory):
    """A node of its own: these tests add partners, which would change the
    banners other modules' nodes expect."""
    n = Node(tmp_path_factory.mktemp("api-admin") / "node")
    n.init()
    for name, (partner, roles, clearance) in ADMIN_USERS.items():
        n.add_user(name, partner, roles, clearance)
    n.cx("collection", "add", "--alias", "shared", "--title", "Shared")
    n.start()
    try:
        yield n
    finally:
        n.stop()


def unique(prefix):
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def ok(r, status=200):
    assert r.status_code == status, describe(r)
    return r.json()


def cli_lines(node, *args):
    return node.cx(*args).stdout.decode().splitlines()


def audit_of(node, action):
    return node.audit("--action", action)


def new_user(node, **body):
    body = {"name": unique("u"), "partner": "IRQ", "roles": ["reader"], "clearance": "R",
            **body}
    return ok(node.post("admin/users", body, user="root"), 201)


# --- partners and markings: any signed-in user ------------------------------------------

def test_partners_lists_code_name_identity_for_any_user(anode):
    body = ok(anode.get("partners", user="irqreader"))
    assert [p["code"] for p in body["items"]][:3] == PARTNERS
    for p in body["items"]:
        assert set(p) == {"code", "name", "identity"}
    usa = [p for p in body["items"] if p["code"] == "USA"][0]
    assert usa["identity"] == IDENTITY["USA"] and usa["name"] == "United States"


def test_partners_needs_sign_in(anode):
    assert_error(anode.get("partners"), 401, 1008)


def test_preview_of_tlp_only_markings(anode):
    b = ok(anode.post("markings/preview", {"object_marking_refs": [GREEN]}, user="irqreader"))
    assert b["tlp"] == "green" and b["classification"] == "U"
    assert b["releasable_to"] == "all" and b["owner"] == "IRQ"
    assert set(b["readers"]) >= set(PARTNERS)
    assert b["banner"].startswith("TLP:GREEN UNCLASSIFIED//REL TO USA, IRQ, KRG")
    b = ok(anode.post("markings/preview", {"object_marking_refs": [AMBER]}, user="irqreader"))
    assert b == {"banner": "TLP:AMBER UNCLASSIFIED", "tlp": "amber", "classification": "U",
                 "releasable_to": [], "owner": "IRQ", "readers": ["IRQ"]}
    b = ok(anode.post("markings/preview", {"object_marking_refs": []}, user="usareader"))
    assert b["tlp"] is None and b["readers"] == ["USA"] and b["banner"] == "UNCLASSIFIED"


def test_preview_unknown_or_malformed_marking_is_422_naming_it(anode):
    unknown = f"marking-definition--{uuid.uuid4()}"
    r = anode.post("markings/preview", {"object_marking_refs": [GREEN, unknown]},
                   user="usareader")
    assert_error(r, 422, 1010, "object_marking_refs[1]")
    r = anode.post("markings/preview", {"object_marking_refs": ["nonsense"]}, user="usareader")
    assert_error(r, 422, 1010, "object_marking_refs[0]")
    r = anode.post("markings/preview", {"object_marking_refs": "x"}, user="usareader")
    assert_error(r, 400, 1004, "object_marking_refs")
    r = anode.post("markings/preview", {"object_marking_refs": [], "x": 1}, user="usareader")
    assert_error(r, 400, 1004, "x")


def test_markings_create_is_idempotent_and_audited(anode):
    body = {"classification": "S", "releasable_to": ["USA", "IRQ"]}
    first = anode.post("markings", body, user="usacontrib")
    b1 = ok(first, 201)
    assert b1["created"] is True and b1["id"].startswith("marking-definition--")
    assert b1["banner"] == "SECRET//REL TO USA, IRQ"
    # The same set in another order, and a duplicate code: the same marking.
    again = ok(anode.post("markings", {"classification": "S",
                                       "releasable_to": ["IRQ", "USA", "IRQ"]},
                          user="usacontrib"), 200)
    assert again == {"id": b1["id"], "banner": b1["banner"], "created": False}
    # Another partner's marking of the same set is its own.
    other = ok(anode.post("markings", body, user="irqcontrib"), 201)
    assert other["id"] != b1["id"]
    stored = anode.detail("usareader", b1["id"])["object"]
    assert stored["created_by_ref"] == IDENTITY["USA"]
    assert stored["extensions"][REL_EXTENSION]["classification"] == "S"
    assert stored["extensions"][REL_EXTENSION]["releasable_to"] == ["IRQ", "USA"]
    entries = [e for e in audit_of(anode, "api.create")
               if any(o.get("id") == b1["id"] for o in e.get("objects", []))]
    assert len(entries) == 1 and entries[0]["actor"] == "usacontrib"


def test_markings_create_refusals(anode):
    r = anode.post("markings", {"classification": "S", "releasable_to": ["USA"]},
                   user="usareader")
    assert_error(r, 403, 1009, "role")
    r = anode.post("markings", {"classification": "S", "releasable_to": ["USA", "ZZZ"]},
                   user="usacontrib")
    e = assert_error(r, 422, 1010, "releasable_to[1]")
    assert "ZZZ" in e["detail"]
    r = anode.post("markings", {"classification": "X", "releasable_to": ["USA"]},
                   user="usacontrib")
    assert_error(r, 400, 1004, "classification")
    r = anode.post("markings", {"classification": "C", "releasable_to": []}, user="usacontrib")
    assert_error(r, 400, 1004, "releasable_to")


@pytest.mark.parametrize("owner_user,classification,codes,extra", [
    ("usacontrib", "C", ["IRQ"], []),
    ("irqcontrib", "S", ["USA", "KRG"], []),
    ("usacontrib", "U", ["USA", "IRQ", "KRG"], [AMBER]),
    ("irqcontrib", "R", ["KRG"], [GREEN]),
])
def test_preview_readers_are_who_can_read_the_created_object(anode, owner_user,
                                                             classification, codes, extra):
    r = anode.post("markings", {"classification": classification, "releasable_to": codes},
                   user=owner_user)
    assert r.status_code in (200, 201), describe(r)
    marking = r.json()
    refs = extra + [marking["id"]]
    preview = ok(anode.post("markings/preview", {"object_marking_refs": refs},
                            user=owner_user))
    created = ok(anode.post("objects", {
        "type": "indicator", "name": unique("Preview check "), "pattern_type": "stix",
        "pattern": "[ipv4-addr:value = '198.51.100.1']", "valid_from": "2026-01-01T00:00:00Z",
        "object_marking_refs": refs}, user=owner_user), 201)
    assert created["summary"]["banner"] == preview["banner"]
    assert created["labels"]["classification"] == preview["classification"]
    assert created["labels"]["releasable_to"] == preview["releasable_to"]
    oid = created["object"]["id"]
    readers = set()
    for code, user in (("USA", "usareader"), ("IRQ", "irqreader"), ("KRG", "krgreader")):
        r = anode.get(f"objects/{oid}", user=user)
        assert r.status_code in (200, 404), describe(r)
        if r.status_code == 200:
            readers.add(code)
    assert set(preview["readers"]) == readers
    assert preview["owner"] == ADMIN_USERS[owner_user][0]


# --- the admin gate --------------------------------------------------------------------------

ADMIN_GETS = ["admin/users", "admin/partners", "admin/tokens", "admin/collections",
              "admin/audit"]
ADMIN_POSTS = [("admin/users", {"name": "x1", "partner": "USA", "roles": ["reader"]}),
               ("admin/users/usareader", {"clearance": "U"}),
               ("admin/partners", {"code": "ZZA", "name": "Z"}),
               ("admin/tokens", {"user": "usareader", "expires_days": 1}),
               ("admin/tokens/abc/disable", {}),
               ("admin/collections", {"title": "t"}),
               ("admin/collections/shared/grants",
                {"partner": "*", "role": "*", "read": True, "write": True}),
               ("admin/audit/verify", {})]


@pytest.mark.parametrize("path", ADMIN_GETS)
def test_admin_reads_refuse_non_admins(anode, path):
    assert_error(anode.get(path, user="usacontrib"), 403, 1009, "role")
    assert_error(anode.get(path), 401, 1008)


@pytest.mark.parametrize("path,body", ADMIN_POSTS)
def test_admin_writes_refuse_non_admins_and_missing_csrf(anode, path, body):
    before = len(anode.audit())
    assert_error(anode.post(path, body, user="usacontrib"), 403, 1009, "role")
    lg = anode.login_ok("root")
    assert_error(anode.post(path, body, login=lg), 403, 1012, "X-CSRF-Token")
    assert_error(anode.post(path, body, login=lg, csrf="wrong"), 403, 1012)
    assert len(anode.audit()) == before + 1  # the login only: nothing changed


# --- users -------------------------------------------------------------------------------------

def test_users_list_shows_every_user(anode):
    items = ok(anode.get("admin/users", user="root"))["items"]
    by = {u["name"]: u for u in items}
    assert set(ADMIN_USERS) <= set(by)
    u = by["irqlow"]
    assert u["partner"] == "IRQ" and u["roles"] == ["reader"] and u["clearance"] == "U"
    assert u["disabled"] is False and u["created"].endswith("Z")


def test_user_create_shows_in_cli_and_audit_and_can_sign_in(anode):
    name = unique("newbie")
    password = "a-good-password-1"
    b = ok(anode.post("admin/users", {"name": name, "partner": "KRG",
                                      "roles": ["reader", "contributor"], "clearance": "C",
                                      "password": password}, user="root"), 201)
    assert b["name"] == name and b["partner"] == "KRG" and b["clearance"] == "C"
    assert sorted(b["roles"]) == ["contributor", "reader"] and b["disabled"] is False
    line = cli_lines(anode, "user", "show", name)[0].split("\t")
    assert line[:2] == [name, "KRG"] and line[3] == "C" and line[4] == "enabled"
    assert set(line[2].split(",")) == {"reader", "contributor"}
    e = [x for x in audit_of(anode, "user.add") if x["detail"]["user"] == name]
    assert len(e) == 1 and e[0]["actor"] == "root" and e[0]["partner"] == "USA"
    assert e[0]["detail"]["partner"] == "KRG" and e[0]["detail"]["clearance"] == "C"
    assert "request" in e[0]
    r = anode.post("session", {"user": name, "password": password})
    assert r.status_code == 200, describe(r)


def test_user_create_by_session_with_csrf(anode):
    lg = anode.login_ok("root")
    name = unique("sess")
    r = anode.post("admin/users", {"name": name, "partner": "USA", "roles": ["reader"],
                                   "password": "session-made-password"},
                   login=lg, csrf=lg.csrf)
    assert ok(r, 201)["name"] == name
    r = anode.post("session", {"user": name, "password": "session-made-password"})
    assert r.status_code == 200, describe(r)


def test_user_create_refusals(anode):
    good = {"name": unique("bad"), "partner": "USA", "roles": ["reader"]}
    cases = [
        (dict(good, name="has space"), 400, 1004, "name"),
        (dict(good, name=""), 400, 1004, "name"),
        ({k: v for k, v in good.items() if k != "name"}, 400, 1004, "name"),
        (dict(good, roles=["wizard"]), 400, 1004, "roles"),
        (dict(good, roles=[]), 400, 1004, "roles"),
        ({k: v for k, v in good.items() if k != "roles"}, 400, 1004, "roles"),
        (dict(good, clearance="TS"), 400, 1004, "clearance"),
        (dict(good, password="short"), 400, 1004, "password"),
        (dict(good, password="x" * 257), 400, 1004, "password"),
        (dict(good, password="two\nlines-password"), 400, 1004, "password"),
        (dict(good, partner="ZZZ"), 422, 1010, "partner"),
        (dict(good, extra=1), 400, 1004, "extra"),
        (dict(good, name="usareader"), 409, 1014, "name"),
    ]
    for body, status, code, field in cases:
        assert_error(anode.post("admin/users", body, user="root"), status, code, field)
    r = anode.post("admin/users", data=b"[1]", user="root")
    assert_error(r, 400, 1003)
    assert not [x for x in audit_of(anode, "user.add") if x["detail"]["user"] == good["name"]]


def test_user_update_roles_clearance_password_and_audit(anode):
    u = new_user(anode)
    name = u["name"]
    b = ok(anode.post(f"admin/users/{name}", {"roles": ["contributor"], "clearance": "S"},
                      user="root"))
    assert b["roles"] == ["contributor"] and b["clearance"] == "S"
    assert cli_lines(anode, "user", "show", name)[0].split("\t")[2:4] == ["contributor", "S"]
    assert [x["detail"]["clearance"] for x in audit_of(anode, "user.set")
            if x["detail"]["user"] == name] == ["S"]
    ok(anode.post(f"admin/users/{name}", {"password": "brand-new-password"}, user="root"))
    assert [x["actor"] for x in audit_of(anode, "user.passwd")
            if x["detail"]["user"] == name] == ["root"]
    r = anode.post("session", {"user": name, "password": "brand-new-password"})
    assert r.status_code == 200, describe(r)


def test_user_disable_ends_sessions_and_tokens_then_enable(anode):
    u = new_user(anode, password="disable-me-password")
    name = u["name"]
    r = anode.post("session", {"user": name, "password": "disable-me-password"})
    cookie = r.cookies.get("cx_session") or r.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    token = ok(anode.post("admin/tokens", {"user": name, "expires_days": 1}, user="root"),
               201)["token"]
    assert anode.get("session", login=cookie).status_code == 200
    b = ok(anode.post(f"admin/users/{name}", {"disabled": True}, user="root"))
    assert b["disabled"] is True
    assert cli_lines(anode, "user", "show", name)[0].endswith("disabled")
    assert_error(anode.get("session", login=cookie), 401, 1008)
    assert_error(anode.get("session", token=token), 401, 1008)
    r = anode.post("session", {"user": name, "password": "disable-me-password"},
                   source=anode.fresh_source())
    assert r.status_code == 401
    ok(anode.post(f"admin/users/{name}", {"disabled": False}, user="root"))
    assert anode.get("session", token=token).status_code == 200
    assert [x["action"] for x in anode.audit("--actor", "root")
            if x["action"] in ("user.disable", "user.enable")
            and x["detail"]["user"] == name] == ["user.disable", "user.enable"]


def test_user_update_refusals(anode):
    assert_error(anode.post("admin/users/nobody-here", {"clearance": "U"}, user="root"),
                 404, 1000)
    assert_error(anode.post("admin/users/usareader", {}, user="root"), 400, 1004)
    assert_error(anode.post("admin/users/usareader", {"disabled": "yes"}, user="root"),
                 400, 1004, "disabled")
    assert_error(anode.post("admin/users/usareader", {"partner": "IRQ"}, user="root"),
                 400, 1004, "partner")
    assert_error(anode.post("admin/users/usareader", {"password": "short"}, user="root"),
                 400, 1004, "password")


# --- partners ------------------------------------------------------------------------------------

def test_partner_create_list_cli_and_audit(anode):
    code = "P" + uuid.uuid4().hex[:6].upper()
    b = ok(anode.post("admin/partners", {"code": code, "name": "Partner Land"}, user="root"),
           201)
    assert b["code"] == code and b["identity"].startswith("identity--") and b["created"]
    items = ok(anode.get("admin/partners", user="root"))["items"]
    assert [p for p in items if p["code"] == code] == [b]
    assert all(set(p) == {"code", "name", "identity", "created"} for p in items)
    assert cli_lines(anode, "partner", "show", code)[0].split("\t") == \
        [code, "Partner Land", b["identity"]]
    e = [x for x in audit_of(anode, "partner.add")
         if any(o.get("id") == b["identity"] for o in x.get("objects", []))]
    assert len(e) == 1 and e[0]["actor"] == "root"
    # Its identity is readable (TLP:CLEAR) and the public list has it too.
    assert anode.detail("irqreader", b["identity"])["object"]["name"] == "Partner Land"
    assert code in [p["code"] for p in ok(anode.get("partners", user="irqreader"))["items"]]
    ident = f"identity--{uuid.uuid4()}"
    code2 = "Q" + uuid.uuid4().hex[:6].upper()
    b2 = ok(anode.post("admin/partners", {"code": code2, "name": "Q", "identity": ident},
                       user="root"), 201)
    assert b2["identity"] == ident


def test_partner_create_refusals(anode):
    assert_error(anode.post("admin/partners", {"code": "usa", "name": "x"}, user="root"),
                 400, 1004, "code")
    assert_error(anode.post("admin/partners", {"code": "ABC"}, user="root"), 400, 1004, "name")
    assert_error(anode.post("admin/partners", {"code": "ABD", "name": "x",
                                               "identity": "identity--nope"}, user="root"),
                 400, 1004, "identity")
    assert_error(anode.post("admin/partners", {"code": "USA", "name": "again"}, user="root"),
                 409, 1014, "code")
    assert_error(anode.post("admin/partners", {"code": "ABE", "name": "x",
                                               "identity": IDENTITY["IRQ"]}, user="root"),
                 409, 1014, "identity")


# --- tokens ----------------------------------------------------------------------------------------

def test_token_create_works_as_bearer_until_disabled(anode):
    b = ok(anode.post("admin/tokens", {"user": "irqreader", "expires_days": 7}, user="root"),
           201)
    assert b["user"] == "irqreader" and b["disabled"] is False and b["last_used"] is None
    assert b["expires"] > b["created"] and b["token"].startswith("cx_")
    who = ok(anode.get("session", token=b["token"]))
    assert who["user"] == "irqreader"
    items = ok(anode.get("admin/tokens", user="root"))["items"]
    mine = [t for t in items if t["id"] == b["id"]]
    assert len(mine) == 1 and "token" not in mine[0]
    assert set(mine[0]) >= {"id", "user", "created", "expires", "last_used", "disabled"}
    assert b["id"] in "\n".join(cli_lines(anode, "token", "list", "irqreader"))
    d = ok(anode.post(f"admin/tokens/{b['id']}/disable", None, user="root"))
    assert d["id"] == b["id"] and d["disabled"] is True
    assert_error(anode.get("session", token=b["token"]), 401, 1008)
    line = [ln for ln in cli_lines(anode, "token", "list", "irqreader") if b["id"] in ln][0]
    assert line.endswith("disabled")
    assert [x["detail"] for x in audit_of(anode, "token.create")
            if x["detail"]["token"] == b["id"]] == [{"token": b["id"], "user": "irqreader"}]
    assert [x["actor"] for x in audit_of(anode, "token.disable")
            if x["detail"]["token"] == b["id"]] == ["root"]


def test_token_without_expiry_and_refusals(anode):
    b = ok(anode.post("admin/tokens", {"user": "krgreader"}, user="root"), 201)
    assert b["expires"] is None
    assert_error(anode.post("admin/tokens", {"user": "nobody-here"}, user="root"),
                 422, 1010, "user")
    for days in (0, 3651, "7", 1.5):
        assert_error(anode.post("admin/tokens", {"user": "krgreader", "expires_days": days},
                                user="root"), 400, 1004, "expires_days")
    assert_error(anode.post("admin/tokens/cx_nope/disable", None, user="root"), 404, 1000)


# --- collections -----------------------------------------------------------------------------------

def test_collection_create_grant_list_and_cli(anode):
    alias = unique("box")
    b = ok(anode.post("admin/collections", {"title": "A box", "alias": alias,
                                            "description": "for tests"}, user="root"), 201)
    assert b["alias"] == alias and b["api_root"] == "coalition" and b["grants"] == []
    g = ok(anode.post(f"admin/collections/{b['id']}/grants",
                      {"partner": "IRQ", "role": "reader", "read": True, "write": False},
                      user="root"))
    assert g["grants"] == [{"partner": "IRQ", "role": "reader", "read": True, "write": False}]
    g = ok(anode.post(f"admin/collections/{alias}/grants",
                      {"partner": "*", "read": True, "write": True}, user="root"))
    assert {"partner": "*", "role": "*", "read": True, "write": True} in g["grants"]
    shown = cli_lines(anode, "collection", "show", alias)
    assert shown[0].split("\t")[:3] == [b["id"], "coalition", alias]
    assert "  allow\tIRQ\treader\tread" in shown
    items = ok(anode.get("admin/collections", user="root"))["items"]
    assert [c for c in items if c["id"] == b["id"]][0]["grants"] == g["grants"]
    shared = [c for c in items if c["alias"] == "shared"][0]
    assert set(shared) == {"id", "api_root", "alias", "title", "description", "grants"}
    assert [x["detail"]["title"] for x in audit_of(anode, "collection.add")
            if x["detail"]["collection"] == b["id"]] == ["A box"]
    assert len([x for x in audit_of(anode, "collection.allow")
                if x["detail"]["collection"] == b["id"] and x["actor"] == "root"]) == 2
    # Both false removes the grant.
    g = ok(anode.post(f"admin/collections/{alias}/grants",
                      {"partner": "IRQ", "role": "reader", "read": False, "write": False},
                      user="root"))
    assert all(x["partner"] != "IRQ" for x in g["grants"])


def test_collection_refusals(anode):
    assert_error(anode.post("admin/collections", {"alias": "x"}, user="root"),
                 400, 1004, "title")
    assert_error(anode.post("admin/collections", {"title": "t", "api_root": "nowhere"},
                            user="root"), 422, 1010, "api_root")
    assert_error(anode.post("admin/collections", {"title": "t", "alias": str(uuid.uuid4())},
                            user="root"), 400, 1004, "alias")
    assert_error(anode.post("admin/collections", {"title": "t", "alias": "shared"},
                            user="root"), 409, 1014, "alias")
    grant = {"partner": "IRQ", "role": "reader", "read": True, "write": False}
    assert_error(anode.post("admin/collections/nothing-here/grants", grant, user="root"),
                 404, 1000)
    assert_error(anode.post("admin/collections/shared/grants", dict(grant, partner="ZZZ"),
                            user="root"), 422, 1010, "partner")
    assert_error(anode.post("admin/collections/shared/grants", dict(grant, role="wizard"),
                            user="root"), 400, 1004, "role")
    assert_error(anode.post("admin/collections/shared/grants", dict(grant, read="yes"),
                            user="root"), 400, 1004, "read")


# --- audit -----------------------------------------------------------------------------------------

def test_audit_entries_are_cx_audit_show_lines_with_paging(anode):
    new_user(anode)
    cli = anode.audit()
    first = ok(anode.get("admin/audit", user="root", params={"limit": 3}))
    assert first["items"] == cli[:3] and first["next_after"] == cli[2]["seq"]
    nxt = ok(anode.get("admin/audit", user="root",
                       params={"limit": 3, "after": first["next_after"]}))
    assert nxt["items"] == cli[3:6]
    everything, after = [], 0
    while after is not None:
        page = ok(anode.get("admin/audit", user="root", params={"limit": 500, "after": after}))
        everything += page["items"]
        after = page["next_after"]
    assert everything[:len(cli)] == cli
    users = ok(anode.get("admin/audit", user="root", params={"action": "user."}))
    assert users["items"] and all(e["action"].startswith("user.") for e in users["items"])
    assert [e["seq"] for e in users["items"]] == \
        [e["seq"] for e in cli if e["action"].startswith("user.")][:100]
    # Text as cx prints it: the canonical JSON of each entry.
    raw = anode.get("admin/audit", user="root", params={"limit": 1}).text
    line = anode.cx("audit", "show", "--limit", "1").stdout.decode().strip()
    assert raw == '{"items":[' + line + '],"next_after":' + str(cli[0]["seq"]) + "}"


def test_audit_parameter_refusals(anode):
    for params, field in (({"limit": 0}, "limit"), ({"limit": 501}, "limit"),
                          ({"after": -1}, "after"), ({"after": "x"}, "after"),
                          ({"action": ""}, "action"), ({"bogus": 1}, "bogus")):
        assert_error(anode.get("admin/audit", user="root", params=params), 400, 1004, field)


def test_audit_verify_matches_cx_audit_verify(anode):
    b = ok(anode.post("admin/audit/verify", None, user="root"))
    assert b["ok"] is True and b["first_bad"] is None
    out = anode.cx("audit", "verify").stdout.decode()
    assert f"{b['entries']} entries" in out or b["entries"] <= len(anode.audit())
    assert b["entries"] >= 10 and isinstance(b["detail"], str)


def test_audit_verify_names_the_entry_cx_names_when_altered(api_binary, tmp_path_factory):
    import sqlite3
    n = Node(tmp_path_factory.mktemp("api-admin-audit") / "node")
    n.init()
    n.add_user("root", "USA", "admin", "S")
    db = sqlite3.connect(n.dir / "cx.db")
    bad = db.execute("SELECT seq FROM audit WHERE action = 'user.add'").fetchone()[0]
    db.execute("UPDATE audit SET json = replace(json, '\"S\"', '\"U\"') WHERE seq = ?",
               (bad,))
    db.commit()
    db.close()
    n.start()
    try:
        b = ok(n.post("admin/audit/verify", None, user="root"))
    finally:
        n.stop()
    p = n.cx("audit", "verify", check=False)
    assert p.returncode == 1
    assert b["ok"] is False and b["first_bad"] == bad
    assert f"entry {bad}" in p.stdout.decode() and b["detail"] in p.stdout.decode()
