"""A node for the randomized leak test, set up once for the whole run (the
TAXII paths of test_leak.py and the native API of test_api.py read the same
node, and their checks add up to one total).

The `leak` fixture draws a scenario from the seed (CX_LEAK_SEED, default
below; printed in the summary and in every failure), builds a node with the
`cx` command (partners, the node's own partner in cx.ini, users of every
role and clearance, peer principals, a token each, collections with random
grants), imports every marking definition, extension definition and object
version with `cx import [--collection]` in several rounds (so that date_added
order and version order differ), reads back everything stored with `cx
export --all`, builds the reference model (model.py) from it and starts
`cx serve` on a free port of 127.0.0.1. It is stopped with SIGTERM when the
run ends.

CX_BIN names the binary (default build/src/cli/cx under the repository root).
"""
import json
import os
import random
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from .checks import Checks
from .gen import COLLECTIONS, PARTNERS, ROUNDS, Scenario
from .model import REL_EXT, Model, Principal, tlp_markings, version_key
from nodetools import (CX_BIN, REPO, cx_env, ini_set, free_port, terminate, wait_healthy,
                       without_provenance)

TLP_FILE = REPO.parent / "shared" / "data" / "tlp-markings.json"
DEFAULT_SEED = 20261126

TAXII = "application/taxii+json;version=2.1"
SANITIZER_MARKS = ("runtime error", "AddressSanitizer", "LeakSanitizer",
                   "UndefinedBehaviorSanitizer")

# Every Checks object of the run, for the summary at the end.
_RUNS = []


def seed_from_env():
    text = os.environ.get("CX_LEAK_SEED", "").strip()
    if not text:
        return DEFAULT_SEED
    try:
        return int(text, 0)
    except ValueError:
        raise pytest.UsageError(f"CX_LEAK_SEED={text!r} is not an integer")


UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Node:
    def __init__(self, path):
        self.dir = Path(path)
        self.ini = self.dir / "cx.ini"
        self.log = self.dir.parent / "serve.log"
        self.proc = None
        self.base = None
        self.seq = 0

    def cx(self, *args, input=None, check=True, timeout=300):
        argv = [str(CX_BIN), "--node", str(self.dir)] + [str(a) for a in args]
        p = subprocess.run(argv, input=input, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=cx_env(), timeout=timeout)
        err = p.stderr.decode("utf-8", "replace")
        for mark in SANITIZER_MARKS:
            assert mark not in err, f"sanitizer report from cx {' '.join(argv[3:])}:\n{err}"
        if check and p.returncode != 0:
            raise AssertionError(f"cx {' '.join(argv[3:])[:300]}: exit {p.returncode}\n"
                                 f"stdout: {p.stdout[-2000:]!r}\nstderr: {err[-2000:]}")
        return p

    def init(self):
        p = subprocess.run([str(CX_BIN), "init", str(self.dir)], env=cx_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0, f"cx init: exit {p.returncode}: {p.stderr[-2000:]!r}"

    def partners(self):
        """{code: identity id} from `cx partner list` (third column)."""
        out = {}
        for ln in self.cx("partner", "list").stdout.decode().splitlines():
            cols = ln.split("\t")
            if len(cols) >= 3 and cols[2].startswith("identity--"):
                out[cols[0]] = cols[2].strip()
        return out

    def import_bundle(self, objects, collection=None):
        """`cx import --json [--collection A]`: {index: (status, id)}."""
        self.seq += 1
        path = self.dir.parent / f"import-{self.seq:03d}.json"
        path.write_text(json.dumps({"type": "bundle",
                                    "id": f"bundle--00000000-0000-4000-8000-{self.seq:012d}",
                                    "objects": objects}), encoding="utf-8")
        args = ["import", "--json"] + (["--collection", collection] if collection else [])
        p = self.cx(*args, path, check=False)
        assert p.returncode in (0, 1), \
            f"cx import {path}: exit {p.returncode}: {p.stderr[-2000:]!r}"
        rep = json.loads(p.stdout)
        return {r["index"]: (r["status"], r.get("id"), r) for r in rep["results"]}

    def export(self, *args):
        p = self.cx("export", *args, check=False)
        return p

    def start(self):
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        logf = open(self.log, "wb")
        self.proc = subprocess.Popen([str(CX_BIN), "--node", str(self.dir), "serve",
                                      "--listen", f"127.0.0.1:{port}"],
                                     stdout=logf, stderr=logf, env=cx_env())
        logf.close()
        wait_healthy(self.proc, self.base, self.log)

    def stop(self):
        if self.proc is None:
            return
        terminate(self.proc)
        text = self.log.read_bytes().decode("utf-8", "replace") if self.log.exists() else ""
        for mark in SANITIZER_MARKS:
            assert mark not in text, f"sanitizer report from cx serve:\n{text[-4000:]}"
        assert self.proc.returncode in (0, -signal.SIGTERM), \
            f"cx serve exited {self.proc.returncode} on SIGTERM:\n{text[-3000:]}"


class Leak:
    """The node, the scenario, the model and the counters the tests share."""

    def __init__(self, seed, node, scenario, model, principals, collections, checks):
        self.seed, self.node, self.scenario, self.model = seed, node, scenario, model
        self.principals = principals              # name -> Principal
        self.collections = collections            # alias -> collection id
        self.checks = checks
        self.local = threading.local()
        self.cache = {}

    @property
    def base(self):
        return self.node.base

    def http(self):
        """One keep-alive HTTP client per thread."""
        s = getattr(self.local, "s", None)
        if s is None:
            s = self.local.s = requests.Session()
        return s

    def get(self, who, path, params=None):
        h = {"Accept": TAXII, "Authorization": f"Bearer {who.token}"}
        return self.http().get(self.base + path, params=params, headers=h, timeout=60)

    def api_get(self, who, path, params=None):
        """GET on the native API (/api/v1/...) with the principal's token."""
        h = {"Accept": "application/json", "Authorization": f"Bearer {who.token}"}
        return self.http().get(self.base + path, params=params, headers=h, timeout=60)

    def api_curl(self, who, path, params=None):
        req = requests.Request("GET", self.base + path, params=params).prepare()
        return (f"  curl -s -H 'Authorization: Bearer {who.token}' '{req.url}'"
                f"   # node {self.node.dir}")

    def curl(self, who, path, params=None):
        req = requests.Request("GET", self.base + path, params=params).prepare()
        return (f"  curl -s -H 'Accept: {TAXII}' -H 'Authorization: Bearer {who.token}' "
                f"'{req.url}'   # node {self.node.dir}")


def build_node(tmp, seed, checks):
    t0 = time.monotonic()
    rng = random.Random(seed)
    tlp_ids, tlp_objs = tlp_markings(TLP_FILE)
    sc = Scenario(rng, tlp_ids)
    node = Node(tmp / "node")
    node.init()
    ini_set(node.ini, "node", "partner", sc.node_partner)

    for code, name in PARTNERS:
        node.cx("partner", "add", code, "--name", name)
    identities = node.partners()
    assert set(identities) == {c for c, _ in PARTNERS}, \
        f"cx partner list named {sorted(identities)}, expected every partner added"

    principals = {}
    for name, partner, roles, cl in sc.principals:
        node.cx("user", "add", name, "--partner", partner, "--role", ",".join(roles),
                "--clearance", cl, "--no-password")
        tok = node.cx("token", "create", name).stdout.decode().strip().split()
        assert len(tok) == 1, f"cx token create {name} printed {tok!r}, not one token"
        principals[name] = Principal(name, partner, tuple(roles), cl, tok[0])

    collections = {}
    for alias in COLLECTIONS:
        p = node.cx("collection", "add", "--title", f"Leak {alias}", "--alias", alias)
        m = UUID_RE.search(p.stdout.decode())
        assert m, f"cx collection add printed no id: {p.stdout!r}"
        collections[alias] = m.group(0)
        for partner, role, acc in sc.grants[alias]:
            node.cx("collection", "allow", alias, "--partner", partner, "--role", role,
                    f"--{acc}")

    # What the node stores by itself (partner identities, perhaps the
    # releasability extension definition), before any import.
    rel_ext_present = any(o["id"] == REL_EXT for o in export_all(node, checks))
    plan = sc.generate(identities, rel_ext_present)
    plan = [(o, sc.pick_collections(), 0) for o in tlp_objs] + plan
    t_gen = time.monotonic()

    # Round 0: the definitions, first into no collection (so that a marked
    # definition finds the one it references), then into their collections.
    members = {a: {} for a in COLLECTIONS}
    ours = {}                                      # (id, key) -> object
    tlp_set = {o["id"] for o in tlp_objs}

    def run_import(items, alias):
        res = node.import_bundle([o for o, _ in items], alias)
        for i, (o, key) in enumerate(items):
            status, rid, raw = res.get(i, (None, None, None))
            ok = status in ("stored", "duplicate")
            if not ok and o["id"] in tlp_set:
                checks.note(f"the node refused the TLP marking definition {o['id']} "
                            f"({raw}); it is left out of the collections")
                continue
            assert ok and rid == o["id"], \
                f"cx import did not store {o['id']} ({key}): {raw}"
            if alias:
                members[alias].setdefault(o["id"], set()).add(key)

    for rnd in range(ROUNDS + 1):
        batch = [(o, homes) for o, homes, r in plan if r == rnd]
        for o, _ in batch:
            ours[(o["id"], version_key(o))] = o
        if rnd == 0:
            run_import([(o, version_key(o)) for o, _ in batch], None)
        else:
            homeless = [(o, version_key(o)) for o, homes in batch if not homes]
            if homeless:
                run_import(homeless, None)
        for alias in COLLECTIONS:
            items = [(o, version_key(o)) for o, homes in batch if alias in homes]
            if items:
                run_import(items, alias)
    t_imp = time.monotonic()

    stored = export_all(node, checks)
    got = {}
    for o in stored:
        got.setdefault((o["id"], version_key(o)), o)
    for key, o in ours.items():
        checks.eq("setup", key in got, True, "version missing from cx export --all",
                  lambda key=key: f"  {key}")
        if key in got:
            # What USA (the node's partner) made is stored signed.
            checks.eq("setup", without_provenance(got[key]), o, "stored content differs",
                      lambda key=key: f"  {key}")
    extra = sorted(k[0] for k in got if k not in ours)
    if extra:
        checks.note(f"{len(extra)} versions stored by the node itself (e.g. partner "
                    f"identities) are in the model too: {', '.join(extra[:8])}"
                    f"{' ...' if len(extra) > 8 else ''}")
    model = Model.build(sc.node_partner, identities, list(got.values()), tlp_ids, members,
                        {a: sc.grant_map(a) for a in COLLECTIONS})
    nver = len(got)
    checks.note(f"seed {seed}: {len(principals)} principals, {len(model.versions)} objects, "
                f"{nver} versions, node partner {sc.node_partner}; set-up "
                f"{t_gen - t0:.1f} s, import {t_imp - t_gen:.1f} s")
    return node, sc, model, principals, collections


def export_all(node, checks):
    """Every stored version: `cx export --all` (the operator's backup)."""
    p = node.export("--all")
    if p.returncode == 2:
        checks.note("cx export --all is refused as a usage error: the stored set "
                    "was read with plain `cx export` instead")
        p = node.export()
    assert p.returncode == 0, f"cx export --all: exit {p.returncode}: {p.stderr[-2000:]!r}"
    return json.loads(p.stdout)["objects"]


@pytest.fixture(scope="session")
def leak(tmp_path_factory):
    if not (CX_BIN.is_file() and os.access(CX_BIN, os.X_OK)):
        pytest.fail(f"no cx binary at {CX_BIN} (build it, or set CX_BIN)", pytrace=False)
    seed = seed_from_env()
    checks = Checks(seed)
    _RUNS.append(checks)
    tmp = tmp_path_factory.mktemp("leak")
    node, sc, model, principals, collections = build_node(tmp, seed, checks)
    node.start()
    lk = Leak(seed, node, sc, model, principals, collections, checks)
    try:
        yield lk
    finally:
        node.stop()


def pytest_terminal_summary(terminalreporter):
    for c in _RUNS:
        terminalreporter.write_line(
            f"access leak test: seed {c.seed} (CX_LEAK_SEED), {c.total()} checks, "
            f"{c.ndiffs()} differences")
        terminalreporter.write_line(
            "  checks by path: " + ", ".join(f"{k} {v}" for k, v in sorted(c.count.items())))
        for n in c.notes:
            terminalreporter.write_line(f"  {n}")
