#!/usr/bin/python3
"""Federation figures, each next to a baseline measured in the same run
(never a test; `make bench` runs it):

1. Initial sync: node B pulls N objects from node A (`cx sync`, pages of
   1,000), in objects per second, against `cx import` of the same objects
   into a fresh node (the local write path alone).
2. A "nothing changed" round: `cx sync` when A has nothing new, with A
   holding 10,000 and then 1,000,000 objects; the two times should be about
   equal (one small request per collection whatever the store's size).

Writes bench/results/sync.json.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
USA = "identity--0b0e2c5e-7f8c-4d6a-9a51-1f2d3e4c5b60"
IRQ = "identity--1c1f3d6f-8a9d-4e7b-8b62-2a3e4f5d6c71"
COLLECTION = "5d1a0f64-6b2e-4a41-9f0e-8c7b6a5d4e3f"
PEER_PASSWORD = "sync-bench-password"
CX = None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cx(node, *args, stdin=None):
    return subprocess.run([CX, "--node", node] + [str(a) for a in args], check=True,
                          capture_output=True, text=True, input=stdin)


def indicator(i):
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}",
            "created_by_ref": USA, "object_marking_refs": [GREEN],
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "name": f"Exercise indicator {i}", "indicator_types": ["malicious-activity"],
            "pattern": f"[ipv4-addr:value = '10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}']",
            "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}


def bundle_file(tmp, n):
    path = os.path.join(tmp, f"bundle-{n}.json")
    with open(path, "w") as f:
        f.write('{"type":"bundle","id":"bundle--%s","objects":[' % uuid.uuid4())
        for i in range(n):
            if i:
                f.write(",")
            f.write(json.dumps(indicator(i), separators=(",", ":")))
        f.write("]}")
    return path


def make_node(tmp, name, code):
    node = os.path.join(tmp, name)
    subprocess.run([CX, "init", node], check=True, capture_output=True)
    ini = os.path.join(node, "cx.ini")
    with open(ini) as f:
        text = f.read()
    text = text.replace("\nname = cx-node\n", f"\nname = bench-{name}\npartner = {code}\n", 1)
    with open(ini, "w") as f:
        f.write(text)
    cx(node, "partner", "add", "USA", "--name", "United States",
       "--identity", USA)
    cx(node, "partner", "add", "IRQ", "--name", "Iraq", "--identity", IRQ)
    cx(node, "collection", "add", "--title", "Intel", "--alias", "intel", "--id", COLLECTION)
    cx(node, "collection", "allow", "intel", "--partner", code, "--role", "*", "--read-write")
    cx(node, "collection", "allow", "intel", "--partner", "*", "--role", "peer", "--read")
    cx(node, "user", "add", "peer-irq", "--partner", "IRQ", "--role", "peer", "--clearance",
       "S", "--password-stdin", stdin=PEER_PASSWORD + "\n")
    return node


def serve(node):
    port = free_port()
    proc = subprocess.Popen([CX, "--node", node, "--set", "log.level=warn", "serve",
                             "--listen", f"127.0.0.1:{port}"])
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc, f"http://127.0.0.1:{port}/coalition/"
        except Exception:
            time.sleep(0.05)
    proc.kill()
    sys.exit("sync_bench: cx serve did not come up")


def add_peer(receiver, sender, url):
    key = json.loads(cx(sender, "key", "show", "--json").stdout)
    cx(receiver, "peer", "add", "A", "--url", url, "--partner", "USA", "--user", "peer-irq",
       "--password-stdin", "--public-key", key["public_key"], "--key-id", key["key_id"],
       "--into", "intel", "--collection", COLLECTION, stdin=PEER_PASSWORD + "\n")


def timed_sync(receiver):
    t0 = time.perf_counter()
    out = json.loads(cx(receiver, "sync", "--json", "--quiet", "--limit", 1000).stdout)
    return time.perf_counter() - t0, out


def received(summary):
    """The summary's count of objects received, whatever its nesting."""
    if isinstance(summary, dict):
        if isinstance(summary.get("received"), int):
            return summary["received"]
        return sum(received(v) for v in summary.values())
    if isinstance(summary, list):
        return sum(received(v) for v in summary)
    return 0


def nothing_changed_round(tmp, n, path):
    """Seconds of a sync round with nothing new while the sender holds n
    objects (the receiver has pulled them all first); best of 5."""
    a = make_node(tmp, f"a{n}", "USA")
    b = make_node(tmp, f"b{n}", "IRQ")
    cx(a, "import", "--quiet", "--collection", "intel", path)
    proc, url = serve(a)
    try:
        add_peer(b, a, url)
        _, first = timed_sync(b)
        best = None
        for _ in range(5):
            t, out = timed_sync(b)
            if received(out) != 0:
                sys.exit(f"sync_bench: a round with nothing new received {out}")
            best = t if best is None else min(best, t)
        return best, received(first)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait()
        shutil.rmtree(a, ignore_errors=True)
        shutil.rmtree(b, ignore_errors=True)


def main():
    global CX
    ap = argparse.ArgumentParser()
    ap.add_argument("--cx", required=True)
    ap.add_argument("--objects", type=int, default=100000)
    ap.add_argument("--small", type=int, default=10000)
    ap.add_argument("--large", type=int, default=1000000)
    ap.add_argument("--json", help="results file (default bench/results/sync.json)")
    a = ap.parse_args()
    CX = os.path.abspath(a.cx)
    tmp = tempfile.mkdtemp(prefix="cx-sync-bench-")
    try:
        path = bundle_file(tmp, a.objects)
        base = make_node(tmp, "baseline", "IRQ")
        t0 = time.perf_counter()
        cx(base, "import", "--quiet", "--collection", "intel", path)
        import_rate = a.objects / (time.perf_counter() - t0)

        src = make_node(tmp, "a", "USA")
        dst = make_node(tmp, "b", "IRQ")
        cx(src, "import", "--quiet", "--collection", "intel", path)
        proc, url = serve(src)
        try:
            add_peer(dst, src, url)
            t, out = timed_sync(dst)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait()
        got = received(out)
        if got != a.objects:
            sys.exit(f"sync_bench: the initial sync received {got} of {a.objects} objects")
        sync_rate = got / t
        print(f"initial sync of {got} objects: {sync_rate:,.0f} objects/s; "
              f"cx import of the same: {import_rate:,.0f} objects/s; "
              f"ratio {sync_rate / import_rate:.2f}")

        rounds = {}
        for n in (a.small, a.large):
            p = path if n == a.objects else bundle_file(tmp, n)
            t0 = time.perf_counter()
            rounds[n], first = nothing_changed_round(tmp, n, p)
            print(f"nothing-changed round at {n:,} stored objects: {rounds[n] * 1000:.1f} ms "
                  f"(set-up with initial sync of {first:,} objects: "
                  f"{time.perf_counter() - t0:.0f} s)")
            if p != path:
                os.unlink(p)
        print(f"nothing-changed round, {a.large:,} vs {a.small:,} objects: "
              f"ratio {rounds[a.large] / rounds[a.small]:.2f} (about 1 is the aim)")
        benchlib.write_results("sync", {
            "objects": a.objects, "page_limit": 1000,
            "initial_sync": {"objects_per_s": sync_rate, "seconds": t},
            "import": {"objects_per_s": import_rate},
            "nothing_changed": [{"objects": n, "ms": rounds[n] * 1000}
                                for n in (a.small, a.large)]}, a.json)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
