#!/usr/bin/python3
"""TAXII throughput and latency against a trivial libmicrohttpd responder,
measured in the same run (never a test; `make bench` runs it).

1. GET pages of 100 objects at 32 concurrent connections (wrk), from random
   points of a 100,000-object collection and of a 1,000-object collection.
2. POST envelopes of 1,000 new indicators, one after another.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ACCEPT = "application/taxii+json;version=2.1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url, headers=None, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=1)
            return
        except Exception:
            time.sleep(0.05)
    sys.exit(f"taxii_bench: {url} did not come up")


GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
IDENTITY = None  # the bench partner's identity, set once the node exists


def indicator(i):
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}",
            "created_by_ref": IDENTITY, "object_marking_refs": [GREEN],
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "name": f"Exercise indicator {i}", "indicator_types": ["malicious-activity"],
            "pattern": f"[ipv4-addr:value = '198.51.{(i // 256) % 256}.{i % 256}']",
            "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}


def cx(args, node, **kw):
    return subprocess.run([CX, "--node", node] + args, check=True, capture_output=True,
                          text=True, **kw)


def wrk(url, seconds, env_extra, headers):
    env = dict(os.environ, **env_extra)
    cmd = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", "-s",
           os.path.join(HERE, "pages.lua")]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [url], check=True, capture_output=True, text=True,
                         env=env).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct in ("50%", "99%"):
        m = re.search(rf"{re.escape(pct)}\s+([\d.]+)(us|ms|s)\b", out)
        val = float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]
        lat[pct] = val
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"taxii_bench: {errors.group(1)} failed requests against {url}")
    return rps, lat


def main():
    global CX, IDENTITY
    ap = argparse.ArgumentParser()
    ap.add_argument("--cx", required=True)
    ap.add_argument("--trivial", required=True)
    ap.add_argument("--objects", type=int, default=100000)
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--envelopes", type=int, default=10)
    a = ap.parse_args()
    CX = os.path.abspath(a.cx)
    tmp = tempfile.mkdtemp(prefix="cx-taxii-bench-")
    procs = []
    try:
        node = os.path.join(tmp, "node")
        subprocess.run([CX, "init", node], check=True, capture_output=True)
        IDENTITY = cx(["partner", "add", "USA", "--name", "United States"],
                      node).stdout.split()[-1]
        cx(["user", "add", "bench", "--partner", "USA", "--role", "contributor",
            "--no-password"], node)
        token = cx(["token", "create", "bench"], node).stdout.strip()
        spans = {}
        for alias, n in (("big", a.objects), ("small", 1000)):
            cx(["collection", "add", "--title", alias, "--alias", alias], node)
            cx(["collection", "allow", alias, "--partner", "USA", "--read-write"], node)
            path = os.path.join(tmp, f"{alias}.json")
            with open(path, "w") as f:
                json.dump({"type": "bundle", "id": f"bundle--{uuid.uuid4()}",
                           "objects": [indicator(i) for i in range(n)]}, f)
            t0 = time.time()
            cx(["import", "--quiet", "--collection", alias, path], node)
            t1 = time.time()
            # date_added of the collection's objects lies in [t0, t1]; pages
            # start anywhere in the first 95% of that span.
            spans[alias] = (int(t0 * 1e6), int((t0 + (t1 - t0) * 0.95) * 1e6))
            print(f"loaded {n} objects into '{alias}' in {t1 - t0:.1f} s")

        port, tport = free_port(), free_port()
        procs.append(subprocess.Popen([CX, "--node", node, "--set", "log.level=warn", "serve",
                                       "--listen", f"127.0.0.1:{port}", "--threads", "4"]))
        procs.append(subprocess.Popen([os.path.abspath(a.trivial), str(tport), "4"]))
        # A second trivial responder sends as many bytes as a page of cx.
        page_bytes = len(urllib.request.urlopen(urllib.request.Request(
            f"http://127.0.0.1:{port}/coalition/collections/small/objects/?limit=100",
            headers={"Authorization": f"Bearer {token}", "Accept": ACCEPT})).read()) \
            if wait_up(f"http://127.0.0.1:{port}/healthz") is None else 0
        tport2 = free_port()
        procs.append(subprocess.Popen([os.path.abspath(a.trivial), str(tport2), "4",
                                       str(page_bytes)]))
        auth = [f"Authorization: Bearer {token}", f"Accept: {ACCEPT}"]
        base = f"http://127.0.0.1:{port}/coalition/collections"
        wait_up(f"http://127.0.0.1:{port}/healthz")
        wait_up(f"http://127.0.0.1:{tport}/")
        wait_up(f"http://127.0.0.1:{tport2}/")

        results = {}
        for alias in ("small", "big"):
            env = {"CX_FIRST_US": str(spans[alias][0]), "CX_LAST_US": str(spans[alias][1])}
            results[alias] = wrk(f"{base}/{alias}/objects/?limit=100", a.seconds, env, auth)
        trivial = wrk(f"http://127.0.0.1:{tport}/?limit=100", a.seconds,
                      {"CX_FIRST_US": "0", "CX_LAST_US": "0"}, [])
        trivial_sized = wrk(f"http://127.0.0.1:{tport2}/?limit=100", a.seconds,
                            {"CX_FIRST_US": "0", "CX_LAST_US": "0"}, [])

        print(f"\nGET pages of 100 objects, 32 connections, {a.seconds} s each")
        print(f"  {'trivial libmicrohttpd responder':40} {trivial[0]:10.0f} req/s  "
              f"p50 {trivial[1]['50%']:.2f} ms  p99 {trivial[1]['99%']:.2f} ms")
        print(f"  {'trivial responder, page-sized body':40} {trivial_sized[0]:10.0f} req/s  "
              f"p50 {trivial_sized[1]['50%']:.2f} ms  p99 {trivial_sized[1]['99%']:.2f} ms  "
              f"({page_bytes} bytes)")
        for alias, n in (("small", 1000), ("big", a.objects)):
            rps, lat = results[alias]
            print(f"  {'cx, collection of ' + str(n):40} {rps:10.0f} req/s  "
                  f"p50 {lat['50%']:.2f} ms  p99 {lat['99%']:.2f} ms  "
                  f"ratio {rps / trivial[0]:.2f} of trivial, "
                  f"{rps / trivial_sized[0]:.2f} of page-sized trivial")
        print(f"  page latency (p50) at {a.objects} vs 1000 objects: "
              f"{results['big'][1]['50%'] / results['small'][1]['50%']:.2f}x")

        # POST envelopes of 1,000 new objects.
        bodies = [json.dumps({"objects": [indicator(i) for i in range(1000)]}).encode()
                  for _ in range(a.envelopes)]
        hdrs = {"Authorization": f"Bearer {token}", "Accept": ACCEPT,
                "Content-Type": ACCEPT}

        def post_all(url):
            t0 = time.time()
            for b in bodies:
                with urllib.request.urlopen(urllib.request.Request(url, data=b, headers=hdrs,
                                                                   method="POST")) as r:
                    if r.status != 202:
                        sys.exit(f"taxii_bench: POST answered {r.status}")
                    st = json.loads(r.read()) if "127.0.0.1:%d" % port in url else None
                    if st and st["success_count"] != 1000:
                        sys.exit(f"taxii_bench: only {st['success_count']} stored")
            return time.time() - t0

        t_triv = post_all(f"http://127.0.0.1:{tport}/")
        t_cx = post_all(f"{base}/small/objects/")
        n = 1000 * a.envelopes
        print(f"\nPOST {a.envelopes} envelopes of 1,000 new indicators, one at a time")
        print(f"  {'trivial libmicrohttpd responder':40} {n / t_triv:10.0f} objects/s")
        print(f"  {'cx (validate, canonicalise, store)':40} {n / t_cx:10.0f} objects/s  "
              f"ratio {t_triv / t_cx:.2f} of trivial  ({t_cx / a.envelopes * 1000:.0f} ms "
              f"per envelope)")
    finally:
        for p in procs:
            p.terminate()
            p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
