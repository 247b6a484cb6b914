"""`cx import` of a bundle of thousands of objects killed with SIGKILL at
seeded random moments. doc/CLI.md and `cx import --help`: all valid objects
of one input are stored in one transaction. So after every kill the store
holds either none or all of that bundle (and its one `import` audit entry
exactly when it holds it), integrity_check is ok, `cx audit verify` passes,
and a final import stores what is left."""
import json
import signal
import subprocess
import time

from nodetools import cx_env
from .conftest import IMPORT_KILLS, SEED, CX_BIN, CrashNode, indicator, seeded_uuid

BUNDLE_OBJECTS = 4000


def bundle(rng, path):
    objs = [indicator(rng, n_words=rng.randrange(4, 30)) for _ in range(BUNDLE_OBJECTS)]
    path.write_text(json.dumps({"type": "bundle", "id": f"bundle--{seeded_uuid(rng)}",
                                "objects": objs}), encoding="utf-8")
    return {(o["id"], o["modified"]) for o in objs}


def state(node, tmp_path, keys, seed_msg):
    """True when the store holds all of keys, False when none; checks the
    store and the audit on the way."""
    snap = node.snapshot(tmp_path / "snap")
    try:
        assert snap.integrity() == ["ok"], f"{seed_msg}: integrity_check {snap.integrity()}"
        present = keys & snap.versions()
        assert present in (set(), keys), \
            f"{seed_msg}: the bundle is half stored: {len(present)} of {len(keys)}"
        entries = [e for _, _, e in snap.audit({"import"})
                   if any((o["id"], o["version"]) in keys for o in e.get("objects") or [])]
        if present:
            assert len(entries) == 1, f"{seed_msg}: {len(entries)} audit entries for one import"
            assert {(o["id"], o["version"]) for o in entries[0]["objects"]} == keys
        else:
            assert not entries, f"{seed_msg}: an import that stored nothing is audited"
        assert not snap.duplicate_versions()
    finally:
        snap.close()
    node.audit_verify()
    return bool(present)


def test_import_killed_stores_all_or_nothing(cx_binary, tmp_path, rng):
    node = CrashNode(tmp_path / "node")
    node.init()
    path = tmp_path / "bundle.json"

    # One complete import gives the time a run takes here; kills fall at
    # random fractions of it.
    keys = bundle(rng, path)
    t0 = time.monotonic()
    node.cx("import", "--quiet", path)
    full = time.monotonic() - t0
    assert state(node, tmp_path, keys, f"seed {SEED}, first import")

    keys = bundle(rng, path)
    kills = attempts = stored_whole = 0
    while kills < IMPORT_KILLS:
        attempts += 1
        assert attempts <= 10 * IMPORT_KILLS, \
            f"seed {SEED}: cx import ended before its kill too often ({kills} kills)"
        seed_msg = f"seed {SEED}, import kill {kills}"
        # Half the kills anywhere in the run, half in its second half,
        # where the storing transaction and its commit are.
        delay = full * (rng.uniform(0.0, 1.1) if rng.random() < 0.5 else rng.uniform(0.5, 1.05))
        p = subprocess.Popen([str(CX_BIN), "--node", str(node.dir), "import", "--quiet",
                              str(path)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, env=cx_env())
        try:
            p.wait(delay)
        except subprocess.TimeoutExpired:
            pass
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            p.wait()
            kills += 1
        else:
            err = p.stderr.read().decode()
            assert p.returncode == 0, f"{seed_msg}: cx import exit {p.returncode}: {err}"
            full *= 0.8   # the machine got faster: aim earlier
        p.stderr.close()
        if state(node, tmp_path, keys, seed_msg):
            stored_whole += p.returncode == -signal.SIGKILL
            # Stored: the next rounds import a new bundle into a new node,
            # so that the store stays small and the checks quick.
            node = CrashNode(tmp_path / f"node{attempts}")
            node.init()
            keys = bundle(rng, path)
    print(f"seed {SEED}: {kills} kills of cx import ({BUNDLE_OBJECTS} objects, a full run "
          f"{full:.2f} s), {stored_whole} after the commit, {kills - stored_whole} before")

    # The bundle the last kill interrupted is imported whole.
    out = json.loads(node.cx("import", "--json", path).stdout)
    assert out["stored"] == BUNDLE_OBJECTS and out["rejected"] == 0, out["stored"]
    assert state(node, tmp_path, keys, f"seed {SEED}, final import")
