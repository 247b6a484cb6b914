"""`cx serve` killed with SIGKILL at seeded random moments while clients
write through TAXII (envelopes, doc/TAXII.md: one transaction each) and the
native API (one object per create, doc/API.md), then restarted on the same
node. After every kill, on the store as the kill left it:

- every acknowledged write is stored with the content acknowledged (a TAXII
  202 whose status resource lists every object as a success; an API 201
  with the object), in its collection, and named by the write's audit entry;
- every write not acknowledged is wholly stored (with its audit entry) or
  wholly absent, and stays as it was decided through later rounds;
- nothing else appeared; integrity_check is ok and `cx audit verify` passes.

At the end the node is served once more and every acknowledged object is
read back over HTTP (TAXII and the API) and in `cx export --all`."""
import json
import random
import threading

import requests

from nodetools import without_provenance
from .conftest import (SEED, SERVE_KILLS, CrashNode, audited_objects, describe, indicator,
                       seeded_uuid, words)

COLLECTION = "0c8f1d2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f"
TAXII_CLIENTS = 2
API_CLIENTS = 2


class Write:
    """One write a client sent: its objects (id, version) once known, and
    what the node answered."""

    def __init__(self, kind, round_no, objects=None, request_body=None):
        self.kind = kind              # "taxii" or "api"
        self.round = round_no
        self.objects = objects or []  # TAXII: the envelope's objects as sent
        self.body = request_body      # API: the body sent
        self.acked = False
        self.answer = None            # the acknowledged objects {(id, version): obj}
        self.request_id = None
        self.decided = None           # after its round: True stored, False absent
        self.texts = {}               # the stored text of each version, once decided
        self.found = set()            # API, unacknowledged: the version found by its name

    def keys(self):
        if self.kind == "taxii":
            return {(o["id"], o["modified"]) for o in self.objects}
        return set(self.answer) if self.acked else self.found


def client(node, kind, k, round_no, stop, log, failures):
    r = random.Random(f"{SEED}/serve/{round_no}/{kind}/{k}")
    session = requests.Session()
    while not stop.is_set():
        if kind == "taxii":
            w = Write("taxii", round_no,
                      objects=[indicator(r, n_words=r.randrange(3, 40))
                               for _ in range(r.randrange(1, 6))])
        else:
            w = Write("api", round_no, request_body={
                "type": "indicator", "name": f"api {words(r, 2)} {seeded_uuid(r)}",
                "description": words(r, r.randrange(3, 40)),
                "pattern": f"[domain-name:value = 'h{r.randrange(10**6)}.example']",
                "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"})
        log.append(w)
        try:
            if kind == "taxii":
                resp = node.taxii_add("writer", COLLECTION, w.objects, session=session)
            else:
                resp = node.api_create("writer", w.body, session=session)
        except requests.RequestException:
            continue   # the node died: not acknowledged
        w.request_id = resp.headers.get("X-Request-Id")
        if kind == "taxii":
            if resp.status_code != 202:
                failures.append(describe(resp))
                return
            st = resp.json()
            ok = {(s["id"], s["version"]) for s in st.get("successes", [])}
            if st.get("status") != "complete" or st.get("success_count") != len(w.objects) \
                    or st.get("failure_count") != 0 or ok != w.keys():
                failures.append(f"status resource does not list the envelope: {st}")
                return
            w.answer = {(o["id"], o["modified"]): o for o in w.objects}
        else:
            if resp.status_code != 201:
                failures.append(describe(resp))
                return
            obj = resp.json()["object"]
            for key, value in w.body.items():
                if obj.get(key) != value:
                    failures.append(f"201 object differs from the body in {key}: {obj}")
                    return
            w.answer = {(obj["id"], obj["modified"]): obj}
        w.acked = True


class Audited:
    """The audit entries of writes, read incrementally from one snapshot to
    the next; the entries already read must still be there, unchanged (the
    chain, which `cx audit verify` checks, then vouches for the rest)."""

    def __init__(self):
        self.entries = []
        self.last = (0, None)   # (seq, hash) of the newest entry read

    def update(self, snap, seed_msg):
        seq, h = self.last
        if seq:
            row = snap.db.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()
            assert row and row[0] == h, f"{seed_msg}: audit entry {seq} vanished or changed"
        for seq, action, text, h in snap.db.execute(
                "SELECT seq, action, json, hash FROM audit WHERE seq > ? ORDER BY seq", (seq,)):
            if action in ("taxii.add", "api.create"):
                self.entries.append((seq, action, json.loads(text)))
            self.last = (seq, h)
        return audited_objects(self.entries)


def check_round(snap, writes, audit, seed_msg):
    """The checks after a kill, over every write so far. A write is checked
    in full in the round that decided it; later rounds check that its
    stored text is still the same."""
    assert snap.integrity() == ["ok"], f"{seed_msg}: integrity_check {snap.integrity()}"
    stored = snap.objects()
    members = snap.members(COLLECTION)
    audited = audit.update(snap, seed_msg)
    # An API create the node did not answer has the id the node chose: it
    # is found by its name, unique to each write.
    ours = set()
    for w in writes:
        if not (w.kind == "api" and not w.acked and w.decided is None):
            ours |= w.keys()
    by_name = {}
    for k in stored:
        if k not in ours and k[0].startswith("indicator--"):
            by_name.setdefault(json.loads(stored[k])["name"], set()).add(k)
    for w in writes:
        if w.kind == "api" and not w.acked and w.decided is None:
            w.found = by_name.pop(w.body["name"], set())
            assert len(w.found) <= 1, f"{seed_msg}: one API create stored twice"
    leftover = set().union(*by_name.values())
    assert not leftover, f"{seed_msg}: stored by no write: {sorted(leftover)[:3]}"
    for w in writes:
        keys = w.keys()
        ours |= keys
        if w.decided is not None:
            for k in keys:
                assert stored.get(k) == w.texts.get(k), \
                    f"{seed_msg}: a write of round {w.round} " \
                    f"{'vanished or changed' if w.decided else 'appeared later'}: {k}"
            continue
        present = {k for k in keys if k in stored}
        if w.acked:
            assert present == keys, f"{seed_msg}: acknowledged {w.kind} write lost " \
                                    f"{sorted(keys - present)}"
        else:
            assert present in (set(), keys), \
                f"{seed_msg}: envelope half stored: {len(present)} of {len(keys)}"
        w.decided = bool(present)
        w.texts = {k: stored[k] for k in present}
        for k in present:
            have = json.loads(stored[k])
            if w.kind == "taxii":
                sent = {(o["id"], o["modified"]): o for o in w.objects}[k]
                assert without_provenance(have) == sent, \
                    f"{seed_msg}: {k} stored with other content:\n{have}\n{sent}"
                assert k in members, f"{seed_msg}: {k} stored but not in its collection"
            elif w.acked:
                assert have == w.answer[k], f"{seed_msg}: {k} stored with other content"
            else:
                assert all(have.get(p) == v for p, v in w.body.items()), \
                    f"{seed_msg}: {k} stored with other content:\n{have}\n{w.body}"
            action = "taxii.add" if w.kind == "taxii" else "api.create"
            assert k in audited, f"{seed_msg}: {k} stored without its audit entry"
            assert audited[k][0] == action, f"{seed_msg}: {k} audited as {audited[k]}"
        if present:
            requests_seen = {audited[k][1] for k in keys}
            assert len(requests_seen) == 1, f"{seed_msg}: one write, several audit entries"
            if w.request_id:
                assert requests_seen == {w.request_id}, \
                    f"{seed_msg}: audit entry of another request"
        else:
            assert not keys & set(audited), f"{seed_msg}: an absent write is audited"
    # Nothing audited or in the collection that no write explains.
    assert set(audited) <= ours, f"{seed_msg}: audit names objects no write stored"
    assert members <= set(stored) and members <= ours, f"{seed_msg}: stray collection member"


def test_serve_killed_under_writes_keeps_every_acknowledged_write(cx_binary, tmp_path, rng):
    node = CrashNode(tmp_path / "node")
    node.init()
    node.add_writer("writer")
    node.add_collection("box", COLLECTION)
    writes, kills = [], 0
    audit = Audited()
    try:
        for round_no in range(SERVE_KILLS):
            seed_msg = f"seed {SEED}, round {round_no}"
            node.start()
            stop = threading.Event()
            log, failures = [], []
            threads = [threading.Thread(target=client, args=(node, kind, k, round_no, stop,
                                                             log, failures))
                       for kind, n in (("taxii", TAXII_CLIENTS), ("api", API_CLIENTS))
                       for k in range(n)]
            for t in threads:
                t.start()
            stop.wait(rng.uniform(0.05, 0.3))
            node.kill()
            kills += 1
            stop.set()
            for t in threads:
                t.join(120)
                assert not t.is_alive(), f"{seed_msg}: a client hangs after the kill"
            assert not failures, f"{seed_msg}: {failures[0]}"
            writes += log
            snap = node.snapshot(tmp_path / "snap")
            try:
                check_round(snap, writes, audit, seed_msg)
            finally:
                snap.close()
            node.audit_verify()
        acked = [w for w in writes if w.acked]
        print(f"seed {SEED}: {kills} kills of cx serve, {len(writes)} writes sent, "
              f"{len(acked)} acknowledged, "
              f"{sum(1 for w in writes if not w.acked and w.decided)} unacknowledged but "
              f"stored whole")
        assert kills >= SERVE_KILLS
        assert acked, "no write was acknowledged in any round: the test proved nothing"

        # Served once more: every acknowledged object reads back as acknowledged.
        node.start()
        got = {}
        url = f"{node.base}/coalition/collections/{COLLECTION}/objects/"
        params = {"limit": 1000, "match[version]": "all"}
        while True:
            r = node.http.get(url, params=params, headers=node.headers("writer", taxii=True),
                              timeout=60)
            assert r.status_code == 200, describe(r)
            page = r.json()
            for o in page.get("objects", []):
                got[(o["id"], o["modified"])] = without_provenance(o)
            if not page.get("more"):
                break
            params["next"] = page["next"]
        for w in acked:
            if w.kind == "taxii":
                for k, o in w.answer.items():
                    assert got.get(k) == o, f"seed {SEED}: TAXII reads {k} otherwise"
            else:
                (k, o), = w.answer.items()
                r = node.http.get(f"{node.base}/api/v1/objects/{k[0]}",
                                  headers=node.headers("writer"), timeout=60)
                assert r.status_code == 200, describe(r)
                assert r.json()["object"] == o, f"seed {SEED}: the API reads {k} otherwise"
        node.stop()
        exported = {(o["id"], o.get("modified")): o
                    for o in json.loads(node.cx("export", "--all").stdout)["objects"]}
        for w in acked:
            for k, o in w.answer.items():
                have = exported.get(k)
                assert have is not None, f"seed {SEED}: cx export lacks {k}"
                assert (without_provenance(have) if w.kind == "taxii" else have) == o
        snap = node.snapshot(tmp_path / "snap")
        try:
            check_round(snap, writes, audit, f"seed {SEED}, after the last restart")
        finally:
            snap.close()
        node.audit_verify()
    finally:
        node.stop()
