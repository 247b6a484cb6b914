"""A node whose store fills its disk: the node folder on a small tmpfs, a
filler file taking most of it, then writes through TAXII and the API until
they fail.

A write that does not fit is refused with 507 Insufficient Storage and the
error code 9002 (the API's error body; TAXII's error message), and nothing
of it is stored or audited; `cx import` exits 3 saying the disk is full and
changes nothing. The server does not stop or hang: it keeps serving reads,
and once the filler is deleted writes succeed again without a restart.
Everything acknowledged is still there with its audit entry, integrity_check
is ok and `cx audit verify` passes."""
import json
import os
import subprocess
import sys

import pytest

from nodetools import CX_BIN, REPO, without_provenance
from .conftest import SEED, TAXII, CrashNode, describe, indicator, seeded_uuid, words

COLLECTION = "6b1e0f3c-2d4a-4b5c-9d6e-7f8091a2b3c4"
DISK_KB = 4096
HEADROOM = 600 * 1024   # what the filler leaves free for the store to grow into
STORE_FULL = 9002


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of DISK_KB KiB mounted in tmp_path. Needs root; the test
    runs itself as root of a private user and mount namespace otherwise."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        yield None
        return
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_KB}k", "tmpfs", str(disk)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {p.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def rerun_in_namespace(request, tmp_path):
    """Run this test again inside `unshare -rm` (root of a new user and
    mount namespace, where mounting a tmpfs is allowed); skipped only when
    that is not possible either."""
    probe = subprocess.run(["unshare", "-rm", "true"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
    if probe.returncode != 0:
        pytest.skip("not root, and no user namespaces (unshare -rm: "
                    f"{probe.stdout.decode().strip()}): cannot mount a small disk")
    env = dict(os.environ, CX_BIN=str(CX_BIN), CX_CRASH_SEED=str(SEED))
    p = subprocess.run(["unshare", "-rm", sys.executable, "-m", "pytest", "-q", "-s",
                        "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "ns"),
                        f"{request.node.fspath}::{request.node.name}"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                       cwd=str(REPO), timeout=600)
    out = p.stdout.decode("utf-8", "replace")
    print(out)
    assert p.returncode == 0 and "1 passed" in out, f"in a private namespace:\n{out[-4000:]}"


def fill(path, free_to_leave):
    """A filler file that leaves about free_to_leave bytes free."""
    st = os.statvfs(path.parent)
    size = st.f_bavail * st.f_frsize - free_to_leave
    with open(path, "wb") as f:
        f.write(b"\0" * max(size, 0))
    return size


def big_indicator(rng):
    return indicator(rng, n_words=1500)


def assert_store_full(r, taxii):
    """507 Insufficient Storage with code 9002 in the endpoint's error shape."""
    assert r.status_code == 507, describe(r)
    e = r.json()
    if taxii:
        assert r.headers.get("Content-Type") == TAXII, describe(r)
        assert e.get("error_code") == str(STORE_FULL) and e.get("http_status") == "507", e
        assert e.get("title") == "Insufficient Storage", e
        assert e.get("error_id") == r.headers.get("X-Request-Id"), e
        assert "full" in e.get("description", ""), e
    else:
        assert r.headers.get("Content-Type", "").startswith("application/json"), describe(r)
        assert e.get("code") == STORE_FULL and e.get("title") == "Insufficient Storage", e
        assert "full" in e.get("detail", ""), e


def write_until_refused(node, rng, acked, refused):
    """Alternate TAXII envelopes and API creates until each kind has been
    refused three times; every answer is an acknowledgement or a 507."""
    full = {"taxii": 0, "api": 0}
    for i in range(2000):
        if min(full.values()) >= 3:
            return full
        if i % 2 == 0:
            objs = [big_indicator(rng) for _ in range(2)]
            r = node.taxii_add("writer", COLLECTION, objs)
            if r.status_code == 202:
                assert r.json()["success_count"] == 2, r.text
                acked.update({(o["id"], o["modified"]): o for o in objs})
            else:
                assert_store_full(r, taxii=True)
                refused += [o["id"] for o in objs]
                full["taxii"] += 1
        else:
            name = f"api {seeded_uuid(rng)}"
            r = node.api_create("writer", {
                "type": "indicator", "name": name, "description": words(rng, 1500),
                "pattern": "[ipv4-addr:value = '203.0.113.9']", "pattern_type": "stix",
                "valid_from": "2026-01-01T00:00:00Z"})
            if r.status_code == 201:
                o = r.json()["object"]
                acked[(o["id"], o["modified"])] = o
            else:
                assert_store_full(r, taxii=False)
                refused.append(name)
                full["api"] += 1
    raise AssertionError(f"seed {SEED}: the disk never filled: {full}")


def write_again(node, rng, acked):
    """One TAXII envelope and one API create, both acknowledged."""
    objs = [big_indicator(rng) for _ in range(2)]
    r = node.taxii_add("writer", COLLECTION, objs)
    assert r.status_code == 202 and r.json()["success_count"] == 2, describe(r)
    acked.update({(o["id"], o["modified"]): o for o in objs})
    r = node.api_create("writer", {"type": "indicator", "name": f"api {seeded_uuid(rng)}",
                                   "pattern": "[ipv4-addr:value = '203.0.113.10']",
                                   "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"})
    assert r.status_code == 201, describe(r)
    o = r.json()["object"]
    acked[(o["id"], o["modified"])] = o


def assert_reads(node, acked):
    assert node.http.get(node.base + "/healthz", timeout=30).status_code == 200
    r = node.http.get(f"{node.base}/api/v1/objects", headers=node.headers("writer"), timeout=30)
    assert r.status_code == 200 and r.json()["items"], describe(r)
    some = sorted(acked)[0]
    r = node.http.get(f"{node.base}/api/v1/objects/{some[0]}", headers=node.headers("writer"),
                      timeout=30)
    assert r.status_code == 200, describe(r)
    r = node.http.get(f"{node.base}/coalition/collections/{COLLECTION}/objects/",
                      headers=node.headers("writer", taxii=True), timeout=30)
    assert r.status_code == 200 and r.json()["objects"], describe(r)


def test_full_disk_refuses_writes_cleanly_and_recovers(cx_binary, small_disk, tmp_path, rng,
                                                       request):
    if small_disk is None:
        return rerun_in_namespace(request, tmp_path)
    node = CrashNode(small_disk / "node")
    node.log = tmp_path / "serve.log"
    node.init()
    node.add_writer("writer")
    node.add_collection("box", COLLECTION)
    node.start()
    acked, refused = {}, []   # acked: {(id, version): object as acknowledged}
    try:
        # A filler file leaves the store little room.
        filler = small_disk / "filler"
        fill(filler, HEADROOM)
        full = write_until_refused(node, rng, acked, refused)
        assert acked, "nothing fitted before the disk was full"
        assert_reads(node, acked)

        # cx import on the full disk: exit 3, says so, changes nothing.
        before = node.snapshot(tmp_path / "before")
        versions, head = before.versions(), before.audit()[-1][0]
        before.close()
        bundle = tmp_path / "bundle.json"
        extra = [big_indicator(rng) for _ in range(20)]
        bundle.write_text(json.dumps({"type": "bundle", "id": f"bundle--{seeded_uuid(rng)}",
                                      "objects": extra}))
        p = node.cx("import", bundle, check=False)
        err = p.stderr.decode()
        assert p.returncode == 3, f"cx import on a full disk: exit {p.returncode}: {err}"
        assert err.startswith("cx: ") and "full" in err and "nothing was stored" in err, err
        after = node.snapshot(tmp_path / "after")
        assert after.versions() == versions and after.audit()[-1][0] == head, \
            "a refused import changed the store"
        after.close()

        # The filler goes: writes succeed without a restart, the import too.
        filler.unlink()
        write_again(node, rng, acked)
        p = node.cx("import", bundle, check=False)
        assert p.returncode == 0, p.stderr
        acked.update({(o["id"], o["modified"]): o for o in extra})

        # The store itself fills the disk; a bigger disk (remounted) lets
        # writes through again, still without a restart.
        full2 = write_until_refused(node, rng, acked, refused)
        assert_reads(node, acked)
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"remount,size={2 * DISK_KB}k",
                            "tmpfs", str(small_disk)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert p.returncode == 0, p.stdout
        write_again(node, rng, acked)
        print(f"seed {SEED}: {len(acked)} versions acknowledged, refused {full} with the "
              f"filler and {full2} once the store filled the disk")
    finally:
        node.stop()

    snap = node.snapshot(tmp_path / "snap")
    try:
        assert snap.integrity() == ["ok"]
        stored = snap.objects()
        for k, o in acked.items():
            assert k in stored, f"seed {SEED}: acknowledged {k} lost"
            assert without_provenance(json.loads(stored[k])) == without_provenance(o)
        names = {json.loads(t).get("name") for t in stored.values()}
        ids = {k[0] for k in stored}
        for ref in refused:
            assert ref not in ids and ref not in names, f"refused write {ref} is stored"
        audited = {}
        for _, action, e in snap.audit({"taxii.add", "api.create", "import"}):
            for x in e.get("objects") or []:
                audited[(x["id"], x["version"])] = action
        assert set(acked) <= set(audited), "acknowledged writes without audit entries"
        assert set(audited) <= set(stored), "audit entries of writes not stored"
    finally:
        snap.close()
    node.audit_verify()
