"""The PII vault (doc/API.md, "PII vault"; doc/ACCESS.md, "The PII vault"):
person records of repatriation cases, for the case officers of the case's
coordinating partner and home nation only; every access with its reason
and its audit entry; contents encrypted at rest and on no other path.

One node of its own (`vnode`): partners USA (the node's), IRQ and KRG;
repatriation cases are created through POST /api/v1/objects by a USA case
officer, with releasability markings made by `cx import`."""
import json
import os
import stat
import subprocess
import uuid

import pytest

from nodetools import CX_BIN, cx_env, free_port, run_cx

from .conftest import API, Node, assert_error, describe, rel_marking, indicator

REASON = "Exercise test: verifying the household for transfer"
REASON_HEADER = "X-Access-Reason"

# name -> partner, roles, clearance
VAULT_USERS = {
    "usaco": ("USA", "contributor,case-officer", "S"),
    "irqco": ("IRQ", "contributor,case-officer", "C"),
    "irqcolow": ("IRQ", "contributor,case-officer", "R"),
    "krgco": ("KRG", "contributor,case-officer", "S"),
    "usacontrib": ("USA", "contributor", "S"),
    "usareader": ("USA", "reader", "S"),
    "usaadmin": ("USA", "admin", "S"),
}


@pytest.fixture(scope="module")
def vnode(api_binary, tmp_path_factory):
    n = Node(tmp_path_factory.mktemp("api-vault") / "node")
    n.init()
    for name, (partner, roles, clearance) in VAULT_USERS.items():
        n.add_user(name, partner, roles, clearance)
    ui = rel_marking(["USA", "IRQ"], "C")
    uik = rel_marking(["USA", "IRQ", "KRG"], "C")
    other = indicator("Vault neighbour indicator")
    n.import_objects([ui, uik, other], "vault-markings")
    n.data.update(ui=ui["id"], uik=uik["id"], indicator=other["id"])
    n.cx("collection", "add", "--alias", "vaultbox", "--title", "Vault box")
    n.cx("collection", "allow", "vaultbox", "--partner", "*", "--read")
    n.start()
    try:
        yield n
    finally:
        n.stop()


# --- helpers ------------------------------------------------------------------------------

def new_case(node, marking, home="IRQ"):
    body = {"type": "cx-repatriation-case",
            "case_number": f"RC-2026-{uuid.uuid4().int % 900000 + 100000}",
            "origin_kind": "camp", "origin": "Exercise camp (fictional)",
            "category": "displaced-family", "home_nation": home, "household_size": 4,
            "status": "identified", "object_marking_refs": [marking]}
    r = node.post("objects", body, user="usaco")
    assert r.status_code == 201, describe(r)
    return r.json()["object"]["id"]


def person(name=None, number=None, **extra):
    p = {"names": [name or f"Exercisename {uuid.uuid4().hex[:8]}"],
         "date_of_birth": "1990-04",
         "documents": [{"kind": "passport", "number": number or "EX-0001",
                        "issuer": "Exercise Republic"}],
         "special_needs": "Exercise data: none"}
    p.update(extra)
    return {k: v for k, v in p.items() if v is not None}


def vault(node, method, path, user=None, reason=REASON, body=None, **kw):
    headers = dict(kw.pop("headers", {}))
    if reason is not None:
        headers[REASON_HEADER] = reason
    return node.request(method, f"{API}/vault/{path}", user=user, body=body, headers=headers,
                        **kw)


def create(node, case, user="usaco", p=None, reason=REASON):
    r = vault(node, "POST", f"cases/{case}/persons", user, reason, p or person())
    assert r.status_code == 201, describe(r)
    return r.json()


def listed(node, case, user="usaco"):
    r = vault(node, "GET", f"cases/{case}/persons", user)
    assert r.status_code == 200, describe(r)
    return r.json()["items"]


def audit_vault(node):
    return [e for e in node.audit() if e["action"].startswith("vault.")]


def raw_store(node):
    data = b""
    for name in ("cx.db", "cx.db-wal"):
        f = node.dir / name
        if f.exists():
            data += f.read_bytes()
    return data


@pytest.fixture(scope="module")
def case_ui(vnode):
    return new_case(vnode, vnode.data["ui"])


@pytest.fixture(scope="module")
def case_uik(vnode):
    return new_case(vnode, vnode.data["uik"])


# --- the key file ---------------------------------------------------------------------------

def test_init_creates_the_vault_key_mode_0600(vnode):
    key = vnode.dir / "vault.key"
    st = key.stat()
    assert stat.S_IMODE(st.st_mode) == 0o600, oct(st.st_mode)
    assert st.st_size == 32
    assert "vault_key = vault.key" in vnode.ini.read_text()


def _serve_fails(node_dir):
    p = subprocess.run([str(CX_BIN), "--node", str(node_dir), "serve", "--listen",
                        f"127.0.0.1:{free_port()}"], env=cx_env(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    assert p.returncode == 3, (p.returncode, p.stderr)
    return p.stderr.decode()


@pytest.fixture
def fresh_node(tmp_path):
    d = tmp_path / "node"
    p = subprocess.run([str(CX_BIN), "init", str(d)], env=cx_env(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    assert p.returncode == 0, p.stderr
    return d


def test_serve_refuses_a_key_open_to_group_or_others(fresh_node):
    key = fresh_node / "vault.key"
    for mode in (0o644, 0o640, 0o604):
        key.chmod(mode)
        err = _serve_fails(fresh_node)
        assert "vault key" in err and "chmod 600" in err, err


def test_serve_refuses_a_missing_key(fresh_node):
    (fresh_node / "vault.key").unlink()
    err = _serve_fails(fresh_node)
    assert "vault key" in err and "missing" in err, err


def test_serve_refuses_a_key_of_the_wrong_size(fresh_node):
    key = fresh_node / "vault.key"
    key.write_bytes(os.urandom(31))
    key.chmod(0o600)
    err = _serve_fails(fresh_node)
    assert "vault key" in err and "32" in err, err


def test_migrate_creates_a_missing_key_and_never_replaces_one(fresh_node):
    key = fresh_node / "vault.key"
    old = key.read_bytes()
    run_cx(fresh_node, "init", "--migrate")
    assert key.read_bytes() == old
    key.unlink()
    run_cx(fresh_node, "init", "--migrate")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32


# --- the role --------------------------------------------------------------------------------

def test_case_officer_role_in_cli_and_session(vnode):
    p = vnode.cx("user", "show", "usaco")
    assert "case-officer" in p.stdout.decode(), p.stdout
    name = "roleprobe-" + uuid.uuid4().hex[:6]
    vnode.add_user(name, "IRQ", "reader", "U", token=False)
    p = vnode.cx("user", "set", name, "--roles", "reader,case-officer", "--clearance", "R")
    assert "reader,case-officer" in p.stdout.decode() and "\tR\t" in p.stdout.decode()
    lg = vnode.login_ok(name)
    assert sorted(lg.body["roles"]) == ["case-officer", "reader"], lg.body


# --- create, read, update, delete ------------------------------------------------------------

def test_owner_and_home_nation_case_officers_create_read_update_delete(vnode, case_ui):
    p = person(family_links=None)
    made = create(vnode, case_ui, "usaco", p)
    assert set(made) == {"id", "case", "version", "created", "modified", "person"}, made
    assert made["id"].startswith("person-") and made["case"] == case_ui, made
    uuid.UUID(made["id"][len("person-"):])
    assert made["version"] == 1 and made["person"] == p, made
    pid = made["id"]

    r = vault(vnode, "GET", f"persons/{pid}", "irqco")
    assert r.status_code == 200, describe(r)
    assert r.json() == made

    p2 = dict(p, names=p["names"] + ["Exercise alias"])
    r = vault(vnode, "PUT", f"persons/{pid}", "irqco", body={"version": 1, "person": p2})
    assert r.status_code == 200, describe(r)
    up = r.json()
    assert up["version"] == 2 and up["person"] == p2 and up["created"] == made["created"], up

    # An IRQ case officer creates on the same case; both see both.
    other = create(vnode, case_ui, "irqco")
    for who in ("usaco", "irqco"):
        got = {it["id"]: it for it in listed(vnode, case_ui, who)}
        assert got[pid] == up and got[other["id"]] == other, got

    r = vault(vnode, "DELETE", f"persons/{pid}", "usaco")
    assert r.status_code == 204, describe(r)
    assert_error(vault(vnode, "GET", f"persons/{pid}", "usaco"), 404, 1000)
    assert_error(vault(vnode, "DELETE", f"persons/{pid}", "irqco"), 404, 1000)
    assert pid not in [it["id"] for it in listed(vnode, case_ui, "irqco")]


def test_family_links_name_persons_of_the_same_case(vnode, case_ui, case_uik):
    a = create(vnode, case_ui)
    b = create(vnode, case_ui, p=person(family_links=[{"relation": "spouse",
                                                       "person": a["id"]}]))
    assert b["person"]["family_links"][0]["person"] == a["id"]
    elsewhere = create(vnode, case_uik)
    r = vault(vnode, "POST", f"cases/{case_ui}/persons", "usaco",
              body=person(family_links=[{"relation": "child", "person": elsewhere["id"]}]))
    assert_error(r, 422, 1010, "family_links[0].person")
    r = vault(vnode, "PUT", f"persons/{a['id']}", "usaco",
              body={"version": 1, "person": person(family_links=[{"relation": "other",
                                                                   "person": a["id"]}])})
    assert_error(r, 422, 1010, "person.family_links[0].person")


def test_session_callers_work_and_need_csrf_to_change(vnode, case_ui):
    lg = vnode.login_ok("irqco")
    before = len(listed(vnode, case_ui))
    tag = f"Exercise forged request {uuid.uuid4().hex}"
    r = vault(vnode, "POST", f"cases/{case_ui}/persons", login=lg, body=person(), reason=tag)
    assert_error(r, 403, 1012, "X-CSRF-Token")
    assert len(listed(vnode, case_ui)) == before
    refused = [e for e in audit_vault(vnode) if e["detail"].get("reason") == tag]
    assert [(e["action"], e["actor"], e["detail"]["outcome"], e["detail"]["case"])
            for e in refused] == [("vault.refused", "irqco", "csrf", case_ui)], refused
    r = vault(vnode, "POST", f"cases/{case_ui}/persons", login=lg, csrf=lg.csrf, body=person())
    assert r.status_code == 201, describe(r)
    pid = r.json()["id"]
    r = vault(vnode, "GET", f"persons/{pid}", login=lg)
    assert r.status_code == 200, describe(r)
    assert_error(vault(vnode, "DELETE", f"persons/{pid}", login=lg), 403, 1012)
    assert vault(vnode, "DELETE", f"persons/{pid}", login=lg, csrf=lg.csrf).status_code == 204


def test_stale_version_is_409_and_changes_nothing(vnode, case_ui):
    made = create(vnode, case_ui)
    pid = made["id"]
    first = person(name="Exercise first update")
    r = vault(vnode, "PUT", f"persons/{pid}", "usaco", body={"version": 1, "person": first})
    assert r.status_code == 200, describe(r)
    r = vault(vnode, "PUT", f"persons/{pid}", "irqco",
              body={"version": 1, "person": person(name="Exercise lost update")})
    assert_error(r, 409, 1014, "version")
    got = vault(vnode, "GET", f"persons/{pid}", "usaco").json()
    assert got["version"] == 2 and got["person"] == first, got


# --- who is refused --------------------------------------------------------------------------

def _every_route(case, pid):
    return [("GET", f"cases/{case}/persons", None), ("POST", f"cases/{case}/persons", person()),
            ("GET", f"persons/{pid}", None),
            ("PUT", f"persons/{pid}", {"version": 1, "person": person()}),
            ("DELETE", f"persons/{pid}", None)]


def test_third_partner_learns_nothing_even_when_the_case_is_released_to_it(vnode, case_uik):
    # The case is readable to KRG through its markings...
    assert vnode.get(f"objects/{case_uik}", user="krgco").status_code == 200
    made = create(vnode, case_uik)
    missing_case = f"cx-repatriation-case--{uuid.uuid4()}"
    missing_person = f"person-{uuid.uuid4()}"
    for method, path, body in _every_route(case_uik, made["id"]):
        hidden = assert_error(vault(vnode, method, path, "krgco", body=body), 404, 1000)
        absent_path = path.replace(case_uik, missing_case).replace(made["id"], missing_person)
        absent = assert_error(vault(vnode, method, absent_path, "krgco", body=body), 404, 1000)
        assert hidden == absent, (hidden, absent)
    # ...and nothing changed.
    got = vault(vnode, "GET", f"persons/{made['id']}", "usaco").json()
    assert got == made


def test_reader_the_markings_do_not_admit_gets_404(vnode, case_ui):
    made = create(vnode, case_ui)
    for method, path, body in _every_route(case_ui, made["id"]):
        assert_error(vault(vnode, method, path, "irqcolow", body=body), 404, 1000)


@pytest.mark.parametrize("user", ["usacontrib", "usareader", "usaadmin"])
def test_without_the_case_officer_role_is_403(vnode, case_ui, user):
    made = create(vnode, case_ui)
    before = listed(vnode, case_ui)
    for method, path, body in _every_route(case_ui, made["id"]):
        r = vault(vnode, method, path, user, body=body)
        e = assert_error(r, 403, 1009, "role")
        assert made["person"]["names"][0] not in r.text, e
    assert listed(vnode, case_ui) == before


def test_not_a_repatriation_case_is_404(vnode):
    for case in (vnode.data["indicator"], f"cx-repatriation-case--{uuid.uuid4()}", "nonsense"):
        assert_error(vault(vnode, "GET", f"cases/{case}/persons", "usaco"), 404, 1000)
        assert_error(vault(vnode, "POST", f"cases/{case}/persons", "usaco", body=person()),
                     404, 1000)
    assert_error(vault(vnode, "GET", "persons/person-nonsense", "usaco"), 404, 1000)


def test_unauthenticated_is_401(vnode, case_ui):
    assert_error(vault(vnode, "GET", f"cases/{case_ui}/persons"), 401, 1008)


# --- the reason ------------------------------------------------------------------------------

BAD_REASONS = [None, "", "too short", "x" * 501, "Exercise \x01 control char",
               b"Exercise \xff\xfe not utf-8 text"]


@pytest.mark.parametrize("reason", BAD_REASONS, ids=["missing", "empty", "short", "long",
                                                     "control", "not-utf8"])
def test_missing_or_bad_reason_is_400_and_nothing_happens(vnode, case_ui, reason):
    made = create(vnode, case_ui)
    pid = made["id"]
    before = listed(vnode, case_ui)
    for method, path, body in _every_route(case_ui, pid):
        if method == "PUT":
            body = {"version": 1, "person": person(name="Exercise never stored")}
        r = vault(vnode, method, path, "usaco", reason=reason, body=body)
        assert_error(r, 400, 1004, REASON_HEADER)
        assert made["person"]["names"][0] not in r.text
    assert listed(vnode, case_ui) == before
    assert vault(vnode, "GET", f"persons/{pid}", "usaco").json() == made


def test_reason_of_500_characters_is_accepted(vnode, case_ui):
    r = vault(vnode, "GET", f"cases/{case_ui}/persons", "usaco", reason=("é" * 500).encode())
    assert r.status_code == 200, describe(r)


# --- the record's shape ----------------------------------------------------------------------

INVALID = [
    ({}, "names"),
    ({"names": []}, "names"),
    ({"names": [""]}, "names[0]"),
    ({"names": ["Exercise", 7]}, "names[1]"),
    ({"names": ["Exercise"], "date_of_birth": "1990-13"}, "date_of_birth"),
    ({"names": ["Exercise"], "date_of_birth": "1990-02-30"}, "date_of_birth"),
    ({"names": ["Exercise"], "documents": [{"kind": "visa", "number": "1", "issuer": "X"}]},
     "documents[0].kind"),
    ({"names": ["Exercise"], "documents": [{"kind": "passport", "issuer": "X"}]},
     "documents[0].number"),
    ({"names": ["Exercise"], "documents": [{"kind": "passport", "number": "1", "issuer": "X",
                                            "photo": "..."}]}, "documents[0].photo"),
    ({"names": ["Exercise"], "family_links": [{"relation": "cousin",
                                               "person": f"person-{uuid.uuid4()}"}]},
     "family_links[0].relation"),
    ({"names": ["Exercise"], "family_links": [{"relation": "parent", "person": "bob"}]},
     "family_links[0].person"),
    ({"names": ["Exercise"], "special_needs": 3}, "special_needs"),
    ({"names": ["Exercise"], "religion": "not collected"}, "religion"),
]


@pytest.mark.parametrize("body,field", INVALID)
def test_invalid_person_record_is_422_naming_the_field(vnode, case_ui, body, field):
    before = listed(vnode, case_ui)
    assert_error(vault(vnode, "POST", f"cases/{case_ui}/persons", "usaco", body=body), 422,
                 1010, field)
    assert listed(vnode, case_ui) == before


def test_invalid_update_names_the_field(vnode, case_ui):
    pid = create(vnode, case_ui)["id"]
    path = f"persons/{pid}"
    assert_error(vault(vnode, "PUT", path, "usaco", body={"person": person()}), 400, 1004,
                 "version")
    assert_error(vault(vnode, "PUT", path, "usaco", body={"version": 1}), 400, 1004, "person")
    assert_error(vault(vnode, "PUT", path, "usaco",
                       body={"version": 1, "person": person(), "case": "x"}), 400, 1004, "case")
    assert_error(vault(vnode, "PUT", path, "usaco",
                       body={"version": 1, "person": {"names": [""]}}), 422, 1010,
                 "person.names[0]")
    assert vault(vnode, "GET", path, "usaco").json()["version"] == 1


def test_oversized_or_malformed_body_is_refused(vnode, case_ui):
    path = f"cases/{case_ui}/persons"
    big = person(special_needs="x" * (70 * 1024))
    assert_error(vault(vnode, "POST", path, "usaco", body=big), 422, 1010)
    r = vault(vnode, "POST", path, "usaco", data=b"{not json", body=None)
    assert_error(r, 400, 1003)


# --- contents stay in the vault --------------------------------------------------------------

def test_contents_are_encrypted_at_rest_and_on_no_other_path(vnode, case_ui):
    name, number = "Zorblaxia Quintavira", "ZQX-99887766"
    needs = "Distinctive-needs-Qwertyuiop"
    control = f"Exercise reason in clear {uuid.uuid4().hex}"
    made = create(vnode, case_ui, p=person(name=name, number=number, special_needs=needs),
                  reason=control)
    marks = [name, number, needs]
    assert vault(vnode, "GET", f"persons/{made['id']}", "irqco").json()["person"]["names"] == \
        [name]
    raw = raw_store(vnode)
    # The search does find text stored in clear: the reason, in the audit.
    assert control.encode() in raw
    for m in marks:
        assert m.encode() not in raw, f"{m!r} in the store file in clear"
    texts = []
    # The native API's search, lists and detail views.
    for who in ("usaco", "irqco", "usaadmin"):
        for q in ("Zorblaxia", "ZQX", '"ZQX-99887766"', "Qwertyuiop"):
            r = vnode.get("objects", user=who, params={"q": q})
            assert r.status_code in (200, 400), describe(r)
            if r.status_code == 200:
                assert r.json()["items"] == [], r.text
            texts.append(r.text)
        texts.append(vnode.get(f"objects/{case_ui}", user=who).text)
        texts.append(vnode.get("objects", user=who, params={"limit": 500}).text)
    # TAXII.
    tax = {"Accept": "application/taxii+json;version=2.1"}
    for path in ("/taxii2/", "/coalition/", "/coalition/collections/"):
        r = vnode.get(path, user="usaco", headers=tax)
        assert r.status_code == 200, describe(r)
        texts.append(r.text)
    collections = vnode.get("/coalition/collections/", user="usaco", headers=tax).json()
    assert collections.get("collections"), collections
    for c in collections["collections"]:
        for sub in ("objects/", "manifest/", f"objects/{case_ui}/"):
            r = vnode.get(f"/coalition/collections/{c['id']}/{sub}", user="usaco", headers=tax)
            assert r.status_code in (200, 404), describe(r)
            texts.append(r.text)
    # Exports, the audit and the server's log.
    everything = vnode.cx("export", "--all").stdout.decode()
    assert case_ui in everything
    texts.append(everything)
    texts.append(vnode.cx("export", "--as", "usaco").stdout.decode())
    texts.append(vnode.cx("audit", "show").stdout.decode())
    texts.append(vnode.log.read_text(errors="replace"))
    for t in texts:
        for m in marks:
            assert m not in t


def test_swapped_ciphertext_fails_to_open(vnode, case_ui):
    a = create(vnode, case_ui, p=person(name="Exercise swap first"))
    b = create(vnode, case_ui, p=person(name="Exercise swap second"))
    db = str(vnode.dir / "cx.db")
    sql = ("UPDATE vault SET box = (SELECT box FROM vault WHERE id = '{b}'), "
           "nonce = (SELECT nonce FROM vault WHERE id = '{b}') WHERE id = '{a}';")
    subprocess.run(["sqlite3", db, sql.format(a=a["id"], b=b["id"])], check=True, timeout=30)
    r = vault(vnode, "GET", f"persons/{a['id']}", "usaco")
    e = assert_error(r, 500, 9000)
    assert "Exercise swap second" not in r.text, e
    assert vault(vnode, "GET", f"persons/{b['id']}", "usaco").status_code == 200
    r = vault(vnode, "GET", f"cases/{case_ui}/persons", "usaco")
    assert_error(r, 500, 9000)
    assert "Exercise swap" not in r.text
    # Erasing the damaged record puts the case right.
    assert vault(vnode, "DELETE", f"persons/{a['id']}", "usaco").status_code == 204
    assert vault(vnode, "GET", f"cases/{case_ui}/persons", "usaco").status_code == 200


# --- the audit -------------------------------------------------------------------------------

def test_every_access_and_refusal_is_audited_with_its_reason(vnode, case_ui, case_uik):
    tag = uuid.uuid4().hex[:8]

    def reason(what):
        return f"Exercise audit {what} {tag}"

    made = create(vnode, case_ui, "irqco", reason=reason("create"))
    pid = made["id"]
    vault(vnode, "GET", f"persons/{pid}", "usaco", reason=reason("read"))
    vault(vnode, "GET", f"cases/{case_ui}/persons", "usaco", reason=reason("list"))
    vault(vnode, "PUT", f"persons/{pid}", "usaco", reason=reason("update"),
          body={"version": 1, "person": person()})
    vault(vnode, "GET", f"persons/{pid}", "krgco", reason=reason("krg"))
    vault(vnode, "GET", f"persons/{pid}", "usacontrib", reason=reason("norole"))
    vault(vnode, "PUT", f"persons/{pid}", "usaco", reason=reason("stale"),
          body={"version": 1, "person": person()})
    vault(vnode, "GET", f"persons/{pid}", "usaco", reason=None)
    vault(vnode, "DELETE", f"persons/{pid}", "usaco", reason=reason("delete"))

    entries = audit_vault(vnode)
    by_reason = {e["detail"].get("reason"): e for e in entries}
    expect = [("create", "vault.create", "irqco", "done", 201),
              ("read", "vault.read", "usaco", "done", 200),
              ("list", "vault.list", "usaco", "done", 200),
              ("update", "vault.update", "usaco", "done", 200),
              ("krg", "vault.refused", "krgco", "not-found", 404),
              ("norole", "vault.refused", "usacontrib", "not-permitted", 403),
              ("stale", "vault.refused", "usaco", "stale-version", 409),
              ("delete", "vault.delete", "usaco", "done", 204)]
    for what, action, actor, outcome, status in expect:
        e = by_reason.get(reason(what))
        assert e, f"no audit entry with the reason of {what}: {entries[-12:]}"
        assert (e["action"], e["actor"], e["detail"]["outcome"], e["detail"]["status"]) == \
            (action, actor, outcome, status), e
        assert e["detail"]["case"] == case_ui and pid in e["detail"]["persons"], e
        assert e["partner"] == VAULT_USERS[actor][0] and e.get("request"), e
    assert by_reason[reason("update")]["detail"]["version"] == 2
    assert by_reason[reason("krg")]["detail"]["attempt"] == "read"
    no_reason = [e for e in entries if e["action"] == "vault.refused"
                 and e["detail"]["reason"] is None and pid in e["detail"]["persons"]]
    assert no_reason and no_reason[-1]["detail"]["outcome"] == "no-reason", entries[-12:]
    # The audit holds ids and reasons, never the record.
    for e in entries:
        text = json.dumps(e)
        assert made["person"]["names"][0] not in text and "EX-0001" not in text, e
    p = vnode.cx("audit", "verify")
    assert p.returncode == 0, p.stdout
