"""`cx sync` killed with SIGKILL at seeded random moments. Two real nodes
set up as the federation tests set them up (tests/federation): USA serves
TAXII; IRQ pulls USA's collection `intel` as its peer-role user, in small
pages. doc/FEDERATION.md: each page is stored in one transaction with the
cursor's advance and its audit entry, so an interrupted run loses and
duplicates nothing.

Before every round USA imports a seeded batch: objects released to IRQ,
new versions of earlier ones, and objects USA does not release to IRQ
(TLP:RED, releasable to USA and KRG only). After every kill, on IRQ's store
as the kill left it: what IRQ holds of USA's objects is exactly the versions
USA releases to IRQ up to IRQ's cursor (USA's manifest, read as IRQ's peer
user), each version once, in `intel`, each named by one `sync.pull` audit
entry; the peer's totals count no duplicate; integrity_check is ok and
`cx audit verify` passes. A final complete sync then transfers exactly
what was missing, and IRQ holds USA's releasable objects byte for byte."""
import signal
import subprocess
import time

import requests

from federation.conftest import COLLECTION, PEER_PASSWORD, Node
from federation.test_federation import TLP_RED, import_objects, indicator, rel_marking
from nodetools import CX_BIN, cx_env
from .conftest import SEED, SYNC_KILLS, Snapshot, audited_objects, check_log, seeded_uuid

PAGE = "5"   # objects per page: many transactions per round


def manifest(usa):
    """{(id, version): date_added} of what USA releases to IRQ in intel."""
    out = {}
    url = f"{usa.root}collections/{COLLECTION}/manifest/"
    params = {"match[version]": "all", "limit": 1000}
    while True:
        r = requests.get(url, params=params, auth=("peer-irq", PEER_PASSWORD),
                         headers={"Accept": "application/taxii+json;version=2.1"}, timeout=60)
        assert r.status_code == 200, r.text
        page = r.json()
        for m in page.get("objects", []):
            out[(m["id"], m["version"])] = m["date_added"]
        if not page.get("more"):
            return out
        params["next"] = page["next"]


def batch(rng, markings, latest, n):
    """n seeded objects for USA: most released to IRQ (some new versions of
    earlier ones), the rest not. latest: {id: newest version} of the
    released ones, kept up to date."""
    objs = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.15 and latest:
            base = latest[rng.choice(sorted(latest))]
            m = int(base["modified"][17:19]) + 1
            if m < 60:
                v = dict(base, modified=f"2026-01-01T00:00:{m:02d}.000Z",
                         name=base["name"] + " v")
                latest[v["id"]] = v
                objs.append(v)
                continue
        oid = f"indicator--{seeded_uuid(rng)}"
        if roll < 0.75:
            o = indicator(f"for irq {oid}", [markings["ui"]["id"]], 3, oid=oid)
            latest[oid] = o
        elif roll < 0.88:
            o = indicator("red", [TLP_RED, markings["ui"]["id"]], 3, oid=oid)
        else:
            o = indicator("usa and krg", [markings["uk"]["id"]], 3, oid=oid)
        objs.append(o)
    return objs


def check_receiver(irq, tmp_path, sent, released, seed_msg):
    """IRQ's store after a kill; returns the versions of USA's it holds."""
    snap = Snapshot(irq.dir, tmp_path / "snap")
    try:
        assert snap.integrity() == ["ok"], f"{seed_msg}: integrity_check {snap.integrity()}"
        assert snap.duplicate_versions() == [], f"{seed_msg}: a version stored twice"
        have = snap.versions() & sent
        (cursor, stored, duplicate), = snap.db.execute(
            "SELECT cursor, stored, duplicate FROM peer_collections")
        expected = {k for k, added in released.items() if cursor and added <= cursor}
        assert have == expected, \
            f"{seed_msg}: IRQ holds {len(have)} versions, its cursor {cursor!r} says " \
            f"{len(expected)}; missing {sorted(expected - have)[:3]}, " \
            f"extra {sorted(have - expected)[:3]}"
        assert snap.members(COLLECTION) & sent == have, f"{seed_msg}: not all in intel"
        assert duplicate == 0, f"{seed_msg}: a page was applied twice"
        assert stored == len(have), f"{seed_msg}: the totals say {stored}, not {len(have)}"
        pulled = audited_objects(snap.audit({"sync.pull"}))
        assert set(pulled) == have, f"{seed_msg}: sync.pull entries name other objects"
    finally:
        snap.close()
    p = irq.cx("audit", "verify", check=False)
    assert p.returncode == 0, f"{seed_msg}: cx audit verify: {p.stdout!r} {p.stderr!r}"
    return have


def test_sync_killed_resumes_without_loss_or_duplicates(cx_binary, tmp_path, rng):
    usa, irq = Node(tmp_path, "USA"), Node(tmp_path, "IRQ")
    for n in (usa, irq):
        n.setup()
    usa.start()
    try:
        irq.add_peer(usa)
        markings = {"ui": rel_marking(["USA", "IRQ"], 1), "uk": rel_marking(["USA", "KRG"], 2)}
        import_objects(usa, list(markings.values()))
        latest = {}
        sent = {(m["id"], m["created"]) for m in markings.values()}
        err_log = tmp_path / "sync-stderr.log"
        # One complete sync of a first batch gives the time a page takes
        # here; kills fall at random fractions of a round's expected time.
        objs = batch(rng, markings, latest, 100)
        import_objects(usa, objs)
        sent |= {(o["id"], o["modified"]) for o in objs}
        released = manifest(usa)
        t0 = time.monotonic()
        irq.sync("USA", "--limit", PAGE, check=True)
        per_version = (time.monotonic() - t0) / len(released)
        check_receiver(irq, tmp_path, sent, released, f"seed {SEED}, first sync")
        kills = attempts = 0
        with open(err_log, "ab") as errf:
            while kills < SYNC_KILLS:
                attempts += 1
                assert attempts <= 10 * SYNC_KILLS, \
                    f"seed {SEED}: cx sync ended before its kill too often ({kills} kills)"
                seed_msg = f"seed {SEED}, sync kill {kills}"
                objs = batch(rng, markings, latest, rng.randrange(60, 160))
                import_objects(usa, objs)
                sent |= {(o["id"], o["modified"]) for o in objs}
                released = manifest(usa)
                assert set(released) <= sent
                pending = len(released) - len(check_receiver(irq, tmp_path, sent, released,
                                                             seed_msg))
                p = subprocess.Popen([str(CX_BIN), "--node", str(irq.dir), "sync", "--quiet",
                                      "--limit", PAGE, "USA"],
                                     stdout=subprocess.DEVNULL, stderr=errf, env=cx_env())
                try:
                    p.wait(rng.uniform(0.0, 1.1) * per_version * pending)
                except subprocess.TimeoutExpired:
                    pass
                if p.poll() is None:
                    p.send_signal(signal.SIGKILL)
                    p.wait()
                    kills += 1
                else:
                    assert p.returncode == 0, f"{seed_msg}: cx sync exit {p.returncode}"
                    per_version *= 0.8   # the machine got faster: aim earlier
                check_receiver(irq, tmp_path, sent, released, seed_msg)
        check_log(err_log)
        assert all(k in sent for k in released)

        # The last sync completes: only what was missing comes, once.
        before = check_receiver(irq, tmp_path, sent, released, f"seed {SEED}, before the end")
        out = irq.sync("USA", check=True)
        missing = len(released) - len(before)
        print(f"seed {SEED}: {kills} kills of cx sync, {len(released)} versions released, "
              f"{missing} left for the final sync")
        assert out["new"] == missing and out["duplicate"] == 0, out
        assert out["received"] == missing, f"seed {SEED}: the final sync re-fetched: {out}"
        assert out["rejected"] == 0 and out["failed"] == 0, out
        have = check_receiver(irq, tmp_path, sent, released, f"seed {SEED}, after the end")
        assert have == set(released)
        # Byte for byte what USA stores, and nothing USA keeps from IRQ.
        usa_store, irq_store = usa.stored(), irq.stored()
        for oid, version in released:
            assert irq_store[oid][version] == usa_store[oid][version]
        assert not {o["id"] for o in batch_unreleased(usa_store, released)} & set(irq_store)
    finally:
        usa.stop()


def batch_unreleased(store, released):
    """USA's versions of indicators not released to IRQ."""
    ids = {k[0] for k in released}
    return [o for versions in store.values() for o in versions.values()
            if o["type"] == "indicator" and o["id"] not in ids]
