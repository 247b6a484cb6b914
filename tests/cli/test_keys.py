"""The node's signing key and the provenance of what it originates
(doc/FEDERATION.md, "Provenance"): `cx init` makes node.key (0600), `cx key
show` prints it, `cx serve` refuses a missing or open key, objects created
on the node by its own partner are stored signed (verified here with PyNaCl
against the public key `cx key show` prints), other partners' objects are
not, and re-posting the same object is a duplicate."""
import base64
import copy
import hashlib
import json
import os
import re
import signal
import stat
import subprocess
import time
import uuid

import pytest
import requests

from conftest import CX_BIN, EXIT_NODE, assert_cli_error, assert_no_sanitizer_report, \
    cx_env, describe, export, jcs_bytes, run_cx, write_bundle

import sys
from pathlib import Path

# The node-level suites' helpers (tests/nodetools.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from nodetools import free_port, ini_set, parse_token  # noqa: E402

nacl_signing = pytest.importorskip("nacl.signing")

PROVENANCE = "extension-definition--b73d556f-8bd0-4b1d-aca0-62f31a628b73"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
IDENTITY = {"USA": "identity--e7d6c87e-078e-549a-8446-373b49cb3cad",
            "IRQ": "identity--31059b07-8f67-5cb2-9992-4654afe92041"}
TAXII = "application/taxii+json;version=2.1"
KEY_ID = re.compile(r"^ed25519:[0-9a-f]{16}$")


def key_show(node):
    p = run_cx("key", "show", "--json", node=node)
    assert p.returncode == 0, describe(p)
    return json.loads(p.stdout)


def verify(obj, public_b64):
    """Check obj's provenance signature as any STIX consumer would: Ed25519
    over the RFC 8785 form of the object without the signature member."""
    ext = obj["extensions"][PROVENANCE]
    unsigned = copy.deepcopy(obj)
    del unsigned["extensions"][PROVENANCE]["signature"]
    vk = nacl_signing.VerifyKey(base64.b64decode(public_b64))
    vk.verify(jcs_bytes(unsigned), base64.b64decode(ext["signature"]))
    return ext


def indicator(owner, name=None):
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}",
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "created_by_ref": IDENTITY[owner], "name": name or f"Keyprobe {uuid.uuid4().hex[:8]}",
            "pattern": "[ipv4-addr:value = '198.51.100.9']", "pattern_type": "stix",
            "valid_from": "2026-01-01T00:00:00Z", "object_marking_refs": [GREEN]}


# --- the key file ---------------------------------------------------------------

def test_init_makes_a_0600_signing_key_and_key_show_prints_it(node):
    key = node / "node.key"
    st = key.stat()
    assert stat.S_IMODE(st.st_mode) == 0o600 and st.st_size == 64
    assert "signing_key = node.key" in (node / "cx.ini").read_text()
    info = key_show(node)
    assert KEY_ID.match(info["key_id"]), info
    pk = base64.b64decode(info["public_key"])
    assert len(pk) == 32
    assert info["key_id"] == "ed25519:" + hashlib.sha256(pk).hexdigest()[:16]
    # The file is libsodium's secret key: seed, then the public key.
    assert key.read_bytes()[32:] == pk
    p = run_cx("key", "show", node=node)
    assert p.returncode == 0, describe(p)
    text = p.stdout.decode()
    assert info["key_id"] in text and info["public_key"] in text


def test_init_migrate_creates_a_missing_key_and_never_replaces_one(node):
    before = (node / "node.key").read_bytes()
    p = run_cx("init", "--migrate", node)
    assert p.returncode == 0, describe(p)
    assert (node / "node.key").read_bytes() == before
    (node / "node.key").unlink()
    p = run_cx("init", "--migrate", node)
    assert p.returncode == 0, describe(p)
    assert stat.S_IMODE((node / "node.key").stat().st_mode) == 0o600
    assert (node / "node.key").read_bytes() != before


@pytest.mark.parametrize("damage", ["missing", "0644", "short"])
def test_serve_import_and_key_show_refuse_an_unusable_key(node, tmp_path, damage):
    key = node / "node.key"
    if damage == "missing":
        key.unlink()
    elif damage == "0644":
        key.chmod(0o644)
    else:
        key.write_bytes(key.read_bytes()[:32])
    port = free_port()
    p = run_cx("serve", "--listen", f"127.0.0.1:{port}", node=node, timeout=30)
    assert p.returncode == EXIT_NODE, describe(p)
    assert b"signing key" in p.stderr, describe(p)
    if damage == "0644":
        assert b"chmod 600" in p.stderr
    if damage == "missing":
        assert b"cx init --migrate" in p.stderr
    f = write_bundle(tmp_path / "b.json", [indicator("USA")])
    assert_cli_error(run_cx("import", f, node=node), EXIT_NODE)
    assert_cli_error(run_cx("key", "show", node=node), EXIT_NODE)


# --- signing what the node originates ---------------------------------------------

class Served:
    """A node run by USA, with IRQ as a second partner, served over HTTP."""

    def __init__(self, root):
        self.dir = root / "node"
        self.log_path = root / "serve.log"
        run = lambda *a, **kw: self.ok(run_cx(*a, node=self.dir, **kw))  # noqa: E731
        self.ok(run_cx("init", self.dir))
        for code, name in (("USA", "United States"), ("IRQ", "Iraq")):
            run("partner", "add", code, "--name", name, "--identity", IDENTITY[code])
        ini_set(self.dir / "cx.ini", "node", "partner", "USA")
        ini_set(self.dir / "cx.ini", "node", "name", "usa-node")
        self.tokens = {}
        for user, partner in (("usa", "USA"), ("irq", "IRQ")):
            run("user", "add", user, "--partner", partner, "--role", "contributor",
                "--no-password")
            self.tokens[user] = parse_token(run("token", "create", user).stdout)
        out = run("collection", "add", "--title", "Intel", "--alias", "intel").stdout.decode()
        self.collection = re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                    r"[0-9a-f]{12}", out).group(0)
        run("collection", "allow", "intel", "--partner", "*", "--role", "*", "--read-write")
        self.key = key_show(self.dir)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([str(CX_BIN), "--node", str(self.dir), "serve",
                                      "--listen", f"127.0.0.1:{self.port}"],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=cx_env())
        end = time.monotonic() + 15
        while True:
            assert self.proc.poll() is None, self.log_path.read_bytes()[-3000:]
            try:
                requests.get(self.base + "/healthz", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < end, "cx serve did not answer"
                time.sleep(0.05)

    @staticmethod
    def ok(p):
        assert p.returncode == 0, describe(p)
        return p

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)
        self.log.close()
        assert_no_sanitizer_report(self.log_path.read_bytes(), "cx serve")

    def request(self, method, path, user, body=None, ctype="application/json"):
        h = {"Authorization": f"Bearer {self.tokens[user]}", "Accept": "application/json"}
        if path.startswith("/coalition/"):
            h["Accept"] = TAXII
        if body is not None:
            h["Content-Type"] = ctype
        return requests.request(method, self.base + path, headers=h,
                                data=None if body is None else json.dumps(body), timeout=30)

    def api_create(self, user, body):
        r = self.request("POST", "/api/v1/objects", user, body)
        assert r.status_code == 201, describe_http(r)
        return r.json()["object"]

    def api_get(self, user, oid):
        r = self.request("GET", f"/api/v1/objects/{oid}", user)
        assert r.status_code == 200, describe_http(r)
        return r.json()["object"]

    def taxii_add(self, user, objects):
        r = self.request("POST", f"/coalition/collections/{self.collection}/objects/", user,
                         {"objects": objects}, ctype=TAXII)
        assert r.status_code == 202, describe_http(r)
        return r.json()


def describe_http(r):
    return f"{r.request.method} {r.url}: {r.status_code}\n{r.text[:2000]}"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    s = Served(tmp_path_factory.mktemp("keys"))
    yield s
    s.stop()


API_BODY = {"type": "indicator", "pattern": "[domain-name:value = 'example.org']",
            "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
            "object_marking_refs": [GREEN]}


def test_api_object_of_the_nodes_partner_is_stored_signed(served):
    made = served.api_create("usa", dict(API_BODY, name="Signed by the node"))
    got = served.api_get("usa", made["id"])
    assert got == made
    ext = verify(got, served.key["public_key"])
    assert ext == {"extension_type": "property-extension", "node": "usa-node",
                   "key_id": served.key["key_id"], "signature": ext["signature"]}
    # `cx key verify` agrees, and export serves the same signed bytes.
    _, _, objs = export(served.dir)
    stored = [o for o in objs if o["id"] == made["id"]]
    assert stored == [got]
    f = write_bundle(served.dir.parent / "v.json", stored)
    p = run_cx("key", "verify", f, node=served.dir)
    assert p.returncode == 0 and p.stdout.decode().startswith("ok "), describe(p)


def test_api_new_version_is_signed_anew(served):
    made = served.api_create("usa", dict(API_BODY, name="Versioned"))
    r = served.request("POST", f"/api/v1/objects/{made['id']}/versions", "usa",
                       {"name": "Versioned, second"})
    assert r.status_code == 201, describe_http(r)
    v2 = r.json()["object"]
    assert v2["name"] == "Versioned, second" and v2["modified"] != made["modified"]
    verify(v2, served.key["public_key"])


def test_other_partners_objects_are_not_signed(served):
    made = served.api_create("irq", dict(API_BODY, name="Iraqi, unsigned"))
    assert PROVENANCE not in made.get("extensions", {})
    o = indicator("IRQ")
    st = served.taxii_add("irq", [o])
    assert st["success_count"] == 1, st
    got = served.api_get("irq", o["id"])
    assert got == o


def test_taxii_add_signs_and_reposting_the_same_object_is_a_duplicate(served):
    o = indicator("USA")
    st = served.taxii_add("usa", [o])
    assert st["success_count"] == 1, st
    got = served.api_get("usa", o["id"])
    verify(got, served.key["public_key"])
    assert {k: v for k, v in got.items() if k != "extensions"} == o
    # The same unsigned object again: the same signature, so a duplicate,
    # not a version conflict. Posting the signed form is a duplicate too.
    for again in (o, got):
        st = served.taxii_add("usa", [again])
        assert st["success_count"] == 1 and st["failure_count"] == 0, st
    p = run_cx("audit", "show", "--action", "taxii.add", node=served.dir)
    entries = [json.loads(line) for line in p.stdout.decode().splitlines()]
    last = entries[-2:]
    assert all(e["detail"]["duplicate"] == 1 and e["detail"]["stored"] == 0 for e in last), last


def test_object_arriving_signed_is_stored_as_it_is(served, tmp_path):
    # Signed elsewhere (another key): stored unchanged, never re-signed.
    sk = nacl_signing.SigningKey.generate()
    o = indicator("USA")
    o["extensions"] = {PROVENANCE: {"extension_type": "property-extension",
                                    "node": "other-node", "key_id": "ed25519:0123456789abcdef"}}
    o["extensions"][PROVENANCE]["signature"] = base64.b64encode(
        sk.sign(jcs_bytes(o)).signature).decode()
    st = served.taxii_add("usa", [o])
    assert st["success_count"] == 1, st
    assert served.api_get("usa", o["id"]) == o
    f = write_bundle(tmp_path / "w.json", [o])
    p = run_cx("key", "verify", f, node=served.dir)
    assert p.returncode == 1 and p.stdout.decode().startswith("wrong-key "), describe(p)


def test_import_signs_the_nodes_partners_objects_only(served, tmp_path):
    usa, irq = indicator("USA"), indicator("IRQ")
    f = write_bundle(tmp_path / "i.json", [usa, irq])
    p = run_cx("import", "--json", f, node=served.dir)
    assert p.returncode == 0, describe(p)
    _, _, objs = export(served.dir)
    by_id = {o["id"]: o for o in objs}
    verify(by_id[usa["id"]], served.key["public_key"])
    assert by_id[irq["id"]] == irq
    # Importing the same file again stores nothing new.
    p = run_cx("import", "--json", f, node=served.dir)
    assert [r["status"] for r in json.loads(p.stdout)["results"]] == ["duplicate"] * 2


def test_node_without_partner_signs_nothing(node, tmp_path):
    for code, name in (("USA", "United States"),):
        assert run_cx("partner", "add", code, "--name", name, "--identity", IDENTITY[code],
                      node=node).returncode == 0
    o = indicator("USA")
    p = run_cx("import", write_bundle(tmp_path / "n.json", [o]), node=node)
    assert p.returncode == 0, describe(p)
    _, _, objs = export(node)
    assert [x for x in objs if x["id"] == o["id"]] == [o]


def test_provenance_schema_is_served_and_declared(served):
    r = requests.get(served.base + "/schemas/cx-provenance.json", timeout=5)
    assert r.status_code == 200
    assert r.json()["x_cx_extension_id"] == PROVENANCE
    _, _, objs = export(served.dir)
    ext = [o for o in objs if o["id"] == PROVENANCE]
    assert len(ext) == 1 and ext[0]["extension_types"] == ["property-extension"]
    assert PROVENANCE not in ext[0].get("extensions", {})
