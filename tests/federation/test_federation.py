"""Federation between three real nodes: what each partner receives is what
the sender's egress gate (with the onward-sharing rule) releases to it, also
when relayed; versions and revocations propagate; a round with nothing new
transfers nothing; a sync killed mid-run loses and duplicates nothing."""
import json
import signal
import sqlite3
import subprocess
import time
import uuid

import pytest

from nodetools import CX_BIN, cx_env
from .conftest import COLLECTION, PARTNERS
from .proxy import Proxy

REL_EXT = "extension-definition--a7b3c2d1-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
TLP_RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
TLP_AMBER_STRICT = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
USA = PARTNERS["USA"]


def ts(n):
    return f"2026-01-01T00:00:{n:02d}.000Z"


def rel_marking(codes, n):
    return {"type": "marking-definition", "spec_version": "2.1",
            "id": f"marking-definition--{uuid.uuid4()}", "created": ts(n),
            "created_by_ref": USA, "name": "U REL TO " + ", ".join(codes),
            "extensions": {REL_EXT: {"extension_type": "property-extension",
                                     "classification": "U", "releasable_to": codes}}}


def indicator(name, markings, n, oid=None, modified=None, **extra):
    o = {"type": "indicator", "spec_version": "2.1",
         "id": oid or f"indicator--{uuid.uuid4()}", "created": ts(n),
         "modified": modified or ts(n), "name": name, "created_by_ref": USA,
         "pattern": "[ipv4-addr:value = '198.51.100.7']", "pattern_type": "stix",
         "valid_from": ts(n), "object_marking_refs": markings}
    o.update(extra)
    return o


def import_objects(node, objs):
    node.cx("import", "--collection", "intel", "--quiet", "-",
            input=json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}",
                              "objects": objs}))


@pytest.fixture(scope="module")
def fed(nodes):
    usa, irq, krg = nodes["USA"], nodes["IRQ"], nodes["KRG"]
    proxy = Proxy(usa.url)
    rel_ui = rel_marking(["USA", "IRQ"], 1)
    rel_all = rel_marking(["USA", "IRQ", "KRG"], 2)
    objs = {
        "rel_ui": indicator("REL TO USA, IRQ", [rel_ui["id"]], 3),
        "rel_all": indicator("REL TO USA, IRQ, KRG", [rel_all["id"]], 4),
        "red": indicator("TLP:RED", [TLP_RED, rel_all["id"]], 5),
        "amber_strict": indicator("AMBER+STRICT", [TLP_AMBER_STRICT, rel_all["id"]], 6),
    }
    import_objects(usa, [rel_ui, rel_all] + list(objs.values()))
    # USA's exported form: what the others must hold byte for byte.
    irq.add_peer(usa, url=proxy.url + "/coalition/")
    krg.add_peer(usa)
    krg.add_peer(irq)
    yield {"usa": usa, "irq": irq, "krg": krg, "objs": objs, "proxy": proxy,
           "rel_all": rel_all}
    proxy.close()


def ids_of(node):
    return set(node.stored())


def test_peer_list_and_show(fed):
    krg = fed["krg"]
    names = [p["name"] for p in json.loads(krg.cx("peer", "list", "--json").stdout)]
    assert names == ["IRQ", "USA"]
    show = json.loads(krg.cx("peer", "show", "IRQ", "--json").stdout)
    assert show["partner"] == "IRQ" and show["collections"][0]["collection"] == COLLECTION
    assert "secret" not in show and "federation-test-password" not in json.dumps(show)
    assert krg.audit("peer.add")


def test_direct_pull_follows_the_egress_gate(fed):
    usa, irq, objs = fed["usa"], fed["irq"], fed["objs"]
    out = irq.sync(check=True)
    assert out["rejected"] == 0 and out["failed"] == 0
    have = ids_of(irq)
    assert objs["rel_ui"]["id"] in have
    assert objs["rel_all"]["id"] in have
    assert objs["amber_strict"]["id"] in have          # its direct recipient
    assert objs["red"]["id"] not in have               # TLP:RED never leaves
    # Stored as sent: timestamps, created_by_ref and the origin's signature kept.
    usa_store = usa.stored()
    for k in ("rel_ui", "rel_all", "amber_strict"):
        oid = objs[k]["id"]
        assert irq.stored()[oid] == usa_store[oid]
    # Every release to a peer is on the record at the sender.
    released = [e for e in usa.audit("release") if e["actor"] == "peer-irq"]
    assert released
    assert {o["id"] for e in released for o in e["objects"]} >= {
        objs[k]["id"] for k in ("rel_ui", "rel_all", "amber_strict")}
    pulls = irq.audit("sync.pull")
    assert pulls and pulls[-1]["detail"]["peer"] == "USA"
    assert pulls[-1]["detail"]["remote_collection"] == COLLECTION


def test_relay_applies_the_onward_sharing_rule(fed):
    krg, objs = fed["krg"], fed["objs"]
    out = krg.sync("IRQ", check=True)                  # only via IRQ
    have = ids_of(krg)
    assert objs["rel_all"]["id"] in have               # relayed via IRQ
    assert fed["rel_all"]["id"] in have
    assert objs["rel_ui"]["id"] not in have            # not released to KRG
    assert objs["amber_strict"]["id"] not in have      # AMBER+STRICT goes no further
    assert objs["red"]["id"] not in have
    assert out["received"] >= 2


def test_direct_pull_by_the_third_partner(fed):
    krg, objs = fed["krg"], fed["objs"]
    krg.sync("USA", check=True)
    have = ids_of(krg)
    assert objs["amber_strict"]["id"] in have          # direct recipient
    assert objs["rel_ui"]["id"] not in have            # never KRG
    assert objs["red"]["id"] not in have


def test_a_round_with_nothing_new_is_one_request_per_collection(fed):
    irq, krg, proxy = fed["irq"], fed["krg"], fed["proxy"]
    before = len(proxy.requests)
    out = irq.sync(check=True)
    assert len(proxy.requests) - before == 1
    assert out["received"] == 0 and out["new"] == 0
    assert [c["requests"] for c in out["collections"]] == [1]
    out = krg.sync(check=True)
    assert out["received"] == 0
    assert [c["requests"] for c in out["collections"]] == [1, 1]
    text = krg.cx("sync").stdout.decode()
    assert "summary: received 0, new 0, duplicate 0, rejected 0" in text


def test_versions_and_revocations_propagate(fed):
    usa, irq, krg, objs = fed["usa"], fed["irq"], fed["krg"], fed["objs"]
    v2 = dict(objs["rel_all"], modified=ts(30), name="REL TO USA, IRQ, KRG v2")
    revoke = dict(objs["rel_ui"], modified=ts(31), revoked=True)
    import_objects(usa, [v2, revoke])
    out = irq.sync(check=True)
    assert out["new"] == 2 and out["duplicate"] == 0
    s = irq.stored()
    assert s[objs["rel_ui"]["id"]][ts(31)]["revoked"] is True
    assert s[objs["rel_all"]["id"]][ts(30)]["name"].endswith("v2")
    krg.sync("IRQ", check=True)
    s = krg.stored()
    assert ts(30) in s[objs["rel_all"]["id"]]
    assert objs["rel_ui"]["id"] not in s
    out = krg.sync("USA", check=True)
    assert out["new"] == 0 and out["duplicate"] == 1      # v2 again, a no-op


def test_a_sync_killed_mid_run_loses_and_duplicates_nothing(fed):
    usa, irq, proxy = fed["usa"], fed["irq"], fed["proxy"]
    rel_all = fed["rel_all"]["id"]
    batch = [indicator(f"batch {i}", [rel_all], 40) for i in range(40)]
    import_objects(usa, batch)

    def totals():
        c = json.loads(irq.cx("peer", "show", "USA", "--json").stdout)["collections"][0]
        return c["stored"], c["duplicate"], c["cursor"]

    s0, d0, _ = totals()
    proxy.delay = 0.3
    p = subprocess.Popen([str(CX_BIN), "--node", str(irq.dir), "sync", "--limit", "4", "USA"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cx_env())
    try:
        end = time.monotonic() + 20
        while totals()[0] - s0 < 8 and time.monotonic() < end:
            time.sleep(0.05)
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
        proxy.delay = 0.0
    s1, d1, _ = totals()
    assert 0 < s1 - s0 < 40, "the sync was not interrupted in the middle"
    out = irq.sync("USA", check=True)
    assert out["duplicate"] == 0
    assert s1 - s0 + out["new"] == 40
    have = irq.stored()
    assert all(o["id"] in have for o in batch)
    assert d1 == d0
    # Every page applied is one sync.pull audit entry; the chain holds.
    irq.cx("audit", "verify")


def test_an_object_tampered_in_transit_is_rejected_and_audited(fed):
    """A proxy edits one property of one object of the TAXII page: its
    origin signature no longer verifies, so IRQ rejects it (bad-signature)
    and audits it, and applies the rest of the page."""
    usa, irq, proxy = fed["usa"], fed["irq"], fed["proxy"]
    rel_all = fed["rel_all"]["id"]
    victim = indicator("tampered in transit", [rel_all], 50)
    intact = indicator("intact in transit", [rel_all], 51)
    import_objects(usa, [victim, intact])

    def edit(page):
        for o in page.get("objects", []):
            if o["id"] == victim["id"]:
                o["name"] = "edited by the proxy"
        return page

    proxy.tamper = edit
    try:
        out = irq.sync("USA")
    finally:
        proxy.tamper = None
    assert out["rejected"] == 1 and out["new"] == 1, out
    rej = out["rejections"][0]
    assert rej["id"] == victim["id"] and rej["reason"].startswith("bad-signature"), rej
    have = irq.stored()
    assert victim["id"] not in have and intact["id"] in have
    audits = [e for e in irq.audit("sync.reject")
              if e["objects"] and e["objects"][0]["id"] == victim["id"]]
    assert audits and audits[-1]["detail"]["reason"].startswith("bad-signature")
    assert audits[-1]["detail"]["peer"] == "USA"
    irq.cx("audit", "verify")


def test_an_object_edited_in_a_relaying_store_is_rejected(fed):
    """USA's object relayed by IRQ, edited in IRQ's database: KRG, pulling
    from IRQ, finds USA's signature broken and rejects it."""
    usa, irq, krg = fed["usa"], fed["irq"], fed["krg"]
    rel_all = fed["rel_all"]["id"]
    obj = indicator("edited in the relay's store", [rel_all], 52)
    import_objects(usa, [obj])
    krg.sync("IRQ", check=True)                       # everything before it
    assert irq.sync("USA", check=True)["new"] == 1
    db = sqlite3.connect(irq.dir / "cx.db", timeout=10)
    with db:
        n = db.execute("UPDATE objects SET json = replace(json, ?, ?) WHERE id = ?",
                       (obj["name"], "edited in the store", obj["id"])).rowcount
    db.close()
    assert n == 1
    out = krg.sync("IRQ")
    assert out["rejected"] == 1, out
    rej = out["rejections"][0]
    assert rej["id"] == obj["id"] and rej["reason"].startswith("bad-signature"), rej
    assert obj["id"] not in krg.stored()
    assert any(e["objects"][0]["id"] == obj["id"] for e in krg.audit("sync.reject"))


def test_an_unsigned_object_of_another_partner_is_rejected(fed):
    """An operator on IRQ imports an object owned by USA (so unsigned: IRQ
    signs only its own partner's): KRG refuses it, as USA's node never
    vouched for it; an ownerless marking definition passes unsigned."""
    irq, krg = fed["irq"], fed["krg"]
    rel_all = fed["rel_all"]["id"]
    forged = indicator("USA's, says IRQ", [rel_all], 53)
    marking = rel_marking(["USA", "IRQ", "KRG"], 54)
    import_objects(irq, [forged, marking])
    stored = irq.stored()[forged["id"]]
    assert "extensions" not in stored or not any(
        "b73d556f" in k for k in stored["extensions"])
    out = krg.sync("IRQ")
    reasons = {r["id"]: r["reason"] for r in out["rejections"]}
    assert reasons.get(forged["id"], "").startswith("unsigned"), out
    have = krg.stored()
    assert forged["id"] not in have and marking["id"] in have
    assert any(e["objects"][0]["id"] == forged["id"] for e in krg.audit("sync.reject"))
    krg.cx("audit", "verify")


def test_rejections_are_reported_and_audited(fed):
    """An object whose origin signature does not verify is rejected with
    its reason and audited; the rest of the page is stored."""
    usa, krg, objs = fed["usa"], fed["krg"], fed["objs"]
    # A peer entry for USA under a key that is not USA's: every signed
    # object of USA fails verification.
    other_key = fed["irq"].key()
    krg.cx("peer", "add", "USA-wrongkey", "--url", usa.root, "--partner", "USA",
           "--user", "peer-krg", "--password-stdin", "--public-key",
           other_key["public_key"], "--key-id", "ed25519:0000000000000000",
           "--collection", COLLECTION, input="federation-test-password\n")
    krg.cx("peer", "remove", "USA")
    krg.cx("peer", "remove", "IRQ")
    out = krg.sync("USA-wrongkey")
    krg.cx("peer", "remove", "USA-wrongkey")
    assert out["rejected"] > 0
    reasons = {r["reason"].split(":")[0] for r in out["rejections"]}
    assert "wrong-node" in reasons, out["rejections"]
    assert out["new"] + out["duplicate"] + out["rejected"] == out["received"]
    assert krg.audit("sync.reject")
    assert krg.audit("peer.remove")


def test_usage_errors(fed):
    krg = fed["krg"]
    assert krg.cx("sync", "nosuchpeer", check=False).returncode == 1
    assert krg.cx("sync", "--limit", "0", check=False).returncode == 2
    assert krg.cx("peer", "add", "X", "--url", "nope", check=False).returncode == 2
    assert krg.cx("peer", "show", "nosuch", check=False).returncode == 1
