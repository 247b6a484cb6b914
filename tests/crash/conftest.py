"""Crash safety: the real `cx` killed with SIGKILL at seeded random moments
(`cx serve` under concurrent writers, `cx import`, `cx sync`), and a node
whose store fills its disk.

Randomness comes from one seed: CX_CRASH_SEED (printed in the header and at
the end of every run; a random one when unset). It decides every object's
content and when each kill happens; the verdicts never depend on timing,
only on what the store holds after each kill. CX_CRASH_KILLS sets the number
of kills of `cx serve` (default 100), CX_CRASH_IMPORT_KILLS those of
`cx import` (default 30) and CX_CRASH_SYNC_KILLS those of `cx sync`
(default 15).

After a kill the store is checked on a copy of its files (the database and
its write-ahead log, as the killed process left them): the copy is what the
next process to open the store would recover."""
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from federation.conftest import PARTNERS, SANITIZER_MARKS
from nodetools import CX_BIN, cx_env, free_port, ini_set, parse_token, terminate, wait_healthy

SEED = int(os.environ.get("CX_CRASH_SEED") or random.SystemRandom().randrange(1 << 32))
SERVE_KILLS = int(os.environ.get("CX_CRASH_KILLS", "100"))
IMPORT_KILLS = int(os.environ.get("CX_CRASH_IMPORT_KILLS", "30"))
SYNC_KILLS = int(os.environ.get("CX_CRASH_SYNC_KILLS", "15"))

IDENTITY = {code: PARTNERS[code] for code in ("USA", "IRQ")}
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
TAXII = "application/taxii+json;version=2.1"
WORDS = ("beacon", "relay", "harbour", "convoy", "signal", "ledger", "orchard", "falcon",
         "granite", "meadow", "lantern", "quarry", "summit", "willow", "cipher", "delta")


def pytest_report_header(config):
    return (f"crash seed: {SEED} (repeat with CX_CRASH_SEED={SEED}); kills: serve "
            f"{SERVE_KILLS}, import {IMPORT_KILLS}, sync {SYNC_KILLS}")


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(f"crash seed: {SEED} (repeat with CX_CRASH_SEED={SEED})")


@pytest.fixture(scope="session")
def cx_binary():
    if not (CX_BIN.is_file() and os.access(CX_BIN, os.X_OK)):
        pytest.fail(f"no cx binary at {CX_BIN} (build it, or set CX_BIN)", pytrace=False)
    return CX_BIN


@pytest.fixture
def rng(request):
    """This test's generator: the run's seed and the test's name, so that a
    test draws the same values whichever tests run before it."""
    return random.Random(f"{SEED}/{request.node.name}")


def seeded_uuid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def indicator(rng, owner="USA", n_words=6, markings=(GREEN,)):
    """A valid indicator with seeded id and text."""
    return {"type": "indicator", "spec_version": "2.1",
            "id": f"indicator--{seeded_uuid(rng)}",
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "created_by_ref": IDENTITY[owner], "name": words(rng, 3),
            "description": words(rng, n_words),
            "pattern": f"[ipv4-addr:value = '198.51.100.{rng.randrange(1, 255)}']",
            "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
            "object_marking_refs": list(markings)}


def check_log(path):
    text = Path(path).read_bytes().decode("utf-8", "replace") if Path(path).exists() else ""
    for mark in SANITIZER_MARKS:
        assert mark not in text, f"sanitizer report in {path}:\n{text[-4000:]}"


def run(argv, input=None, timeout=300):
    p = subprocess.run([str(a) for a in argv], input=input, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=cx_env(), timeout=timeout)
    err = p.stderr.decode("utf-8", "replace")
    for mark in SANITIZER_MARKS:
        assert mark not in err, f"sanitizer report from {' '.join(map(str, argv[1:]))}:\n{err}"
    return p


class Snapshot:
    """A copy of a store as a killed process left it (cx.db and its WAL),
    opened with Python's sqlite3. Opening it recovers the WAL, as the next
    cx process would."""

    def __init__(self, node_dir, dest):
        dest = Path(dest)
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        for suffix in ("", "-wal"):
            src = Path(node_dir) / f"cx.db{suffix}"
            if src.exists():
                shutil.copyfile(src, dest / f"cx.db{suffix}")
        self.db = sqlite3.connect(dest / "cx.db")

    def close(self):
        self.db.close()

    def integrity(self):
        rows = self.db.execute("PRAGMA integrity_check").fetchall()
        return [r[0] for r in rows]

    def objects(self):
        """{(id, version): canonical JSON text} of every stored version."""
        return {(i, v): j for i, v, j in self.db.execute("SELECT id, version, json FROM objects")}

    def versions(self):
        """{(id, version)} of every stored version."""
        return set(self.db.execute("SELECT id, version FROM objects"))

    def duplicate_versions(self):
        return self.db.execute("SELECT id, modified, count(*) FROM objects GROUP BY id, modified "
                               "HAVING count(*) > 1").fetchall()

    def members(self, collection_id):
        """{(id, version)} of a collection's members."""
        return set(self.db.execute(
            "SELECT o.id, o.version FROM collection_objects m JOIN objects o ON o.rowid = m.object "
            "JOIN collections c ON c.rowid = m.collection WHERE c.id = ?", (collection_id,)))

    def audit(self, actions=None):
        """[(seq, action, entry)] in seq order."""
        out = []
        for seq, action, text in self.db.execute("SELECT seq, action, json FROM audit "
                                                 "ORDER BY seq"):
            if actions is None or action in actions:
                out.append((seq, action, json.loads(text)))
        return out


def audited_objects(entries):
    """{(id, version): (action, request)} named by audit entries' objects."""
    out = {}
    for _, action, e in entries:
        for o in e.get("objects") or []:
            key = (o["id"], o["version"])
            assert key not in out, f"{key} is in two audit entries"
            out[key] = (action, e.get("request"))
    return out


class CrashNode:
    """One node folder served by `cx serve`, started and killed many times."""

    def __init__(self, path):
        self.dir = Path(path)
        self.ini = self.dir / "cx.ini"
        self.log = self.dir.parent / (self.dir.name + "-serve.log")
        self.proc = None
        self.base = None
        self.tokens = {}
        self.http = requests.Session()

    def cx(self, *args, input=None, check=True, timeout=300):
        p = run([CX_BIN, "--node", self.dir, *args],
                input=input.encode() if isinstance(input, str) else input, timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError(f"cx {' '.join(map(str, args))[:300]}: exit {p.returncode}\n"
                                 f"stdout: {p.stdout[-2000:]!r}\nstderr: {p.stderr[-2000:]!r}")
        return p

    def init(self, partner="USA"):
        p = run([CX_BIN, "init", self.dir])
        assert p.returncode == 0, p.stderr
        ini_set(self.ini, "node", "partner", partner)
        ini_set(self.ini, "sync", "interval", "0")
        for code, ident in IDENTITY.items():
            self.cx("partner", "add", code, "--name", f"Partner {code}", "--identity", ident)

    def add_writer(self, name, partner="USA", role="contributor"):
        self.cx("user", "add", name, "--partner", partner, "--role", role, "--clearance", "S",
                "--no-password")
        p = self.cx("token", "create", name, "--expires-days", 30)
        self.tokens[name] = parse_token(p.stdout)
        return self.tokens[name]

    def add_collection(self, alias, cid):
        self.cx("collection", "add", "--title", alias.title(), "--alias", alias, "--id", cid)
        self.cx("collection", "allow", alias, "--partner", "USA", "--role", "*",
                "--read-write")

    def start(self):
        self.base = f"http://127.0.0.1:{free_port()}"
        with open(self.log, "ab") as logf:
            self.proc = subprocess.Popen([str(CX_BIN), "--node", str(self.dir), "serve",
                                          "--listen", self.base[len("http://"):]],
                                         stdout=logf, stderr=logf, env=cx_env())
        wait_healthy(self.proc, self.base, self.log, timeout=30)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        assert self.proc.returncode == -signal.SIGKILL

    def stop(self):
        if self.proc and self.proc.poll() is None:
            terminate(self.proc)
            assert self.proc.returncode in (0, -signal.SIGTERM), \
                f"cx serve exited {self.proc.returncode}:\n{self.log.read_bytes()[-3000:]!r}"
        check_log(self.log)

    def audit_verify(self):
        p = self.cx("audit", "verify", check=False)
        assert p.returncode == 0, f"cx audit verify: exit {p.returncode}\n" \
                                  f"{p.stdout.decode()}{p.stderr.decode()}"

    def snapshot(self, dest):
        return Snapshot(self.dir, dest)

    # -- HTTP --------------------------------------------------------------------------

    def headers(self, user, taxii=False, body=False):
        h = {"Authorization": f"Bearer {self.tokens[user]}"}
        h["Accept"] = TAXII if taxii else "application/json"
        if body:
            h["Content-Type"] = TAXII if taxii else "application/json"
        return h

    def taxii_add(self, user, cid, objects, session=None, timeout=60):
        return (session or self.http).post(
            f"{self.base}/coalition/collections/{cid}/objects/",
            headers=self.headers(user, taxii=True, body=True),
            data=json.dumps({"objects": objects}), timeout=timeout)

    def api_create(self, user, body, session=None, timeout=60):
        return (session or self.http).post(f"{self.base}/api/v1/objects",
                                           headers=self.headers(user, body=True),
                                           data=json.dumps(body), timeout=timeout)


def describe(r):
    return (f"{r.request.method} {r.request.url} -> {r.status_code}\n"
            f"headers: {dict(r.headers)}\nbody: {r.text[:2000]!r}")
