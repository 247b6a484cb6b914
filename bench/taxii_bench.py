#!/usr/bin/python3
"""TAXII and API throughput and latency, each figure next to a trivial
libmicrohttpd responder measured in the same run (never a test; `make bench`
runs it). Writes bench/results/taxii.json.

1. Page latency against store size: one collection grows to each of --sizes
   objects (1,000 to 1,000,000 by default, imported in bundles of at most
   100,000); at each size, GET pages of 100 objects from random points of it
   at 1 connection (latency) and 32 connections (throughput), wrk.
2. Throughput against concurrency (1 to 32 connections) at --at objects: a
   TAXII page and an API list page, each against the trivial responder
   sending a body of the same size.
3. POST envelopes of 1,000 new indicators, one after another.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

ACCEPT = "application/taxii+json;version=2.1"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
USA = "identity--0b0e2c5e-7f8c-4d6a-9a51-1f2d3e4c5b60"
CHUNK = 100000
CX = None


def indicator(i):
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}",
            "created_by_ref": USA, "object_marking_refs": [GREEN],
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "name": f"Exercise indicator {i}", "indicator_types": ["malicious-activity"],
            "pattern": f"[ipv4-addr:value = '10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}']",
            "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}


def bundle_file(path, first, n):
    with open(path, "w") as f:
        f.write('{"type":"bundle","id":"bundle--%s","objects":[' % uuid.uuid4())
        for i in range(first, first + n):
            if i > first:
                f.write(",")
            f.write(json.dumps(indicator(i), separators=(",", ":")))
        f.write("]}")


def cx(node, *args):
    return subprocess.run([CX, "--node", node] + [str(a) for a in args], check=True,
                          capture_output=True, text=True)


class Server:
    """A process serving on 127.0.0.1; stopped with SIGTERM."""

    def __init__(self, argv, port, probe="/healthz"):
        self.port = port
        self.proc = subprocess.Popen(argv)
        if not benchlib.wait_up(f"http://127.0.0.1:{port}{probe}", proc=self.proc):
            self.stop()
            sys.exit(f"taxii_bench: {argv[0]} did not come up")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait()


def body_bytes(url, headers):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
        return len(r.read())


def line(label, res, extra=""):
    print(f"  {label:44} {res['rps']:9.0f} req/s  p50 {res['p50_ms']:7.2f} ms  "
          f"p99 {res['p99_ms']:7.2f} ms  {extra}")


def main():
    global CX
    ap = argparse.ArgumentParser()
    ap.add_argument("--cx", required=True)
    ap.add_argument("--trivial", required=True)
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--at", type=int, default=100000,
                    help="store size at which the concurrency sweep runs")
    ap.add_argument("--concurrency", default="1,2,4,8,16,32")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--envelopes", type=int, default=10)
    ap.add_argument("--json", help="results file (default bench/results/taxii.json)")
    a = ap.parse_args()
    CX = os.path.abspath(a.cx)
    sizes = sorted(int(s) for s in a.sizes.split(","))
    levels = [int(c) for c in a.concurrency.split(",")]
    if a.at not in sizes:
        sys.exit(f"taxii_bench: --at {a.at} is not one of --sizes")
    tmp = tempfile.mkdtemp(prefix="cx-taxii-bench-")
    servers = []
    try:
        node = os.path.join(tmp, "node")
        subprocess.run([CX, "init", node], check=True, capture_output=True)
        cx(node, "partner", "add", "USA", "--name", "United States", "--identity", USA)
        cx(node, "user", "add", "bench", "--partner", "USA", "--role", "contributor",
           "--no-password")
        token = cx(node, "token", "create", "bench").stdout.strip()
        for alias in ("intel", "posts"):
            cx(node, "collection", "add", "--title", alias, "--alias", alias)
            cx(node, "collection", "allow", alias, "--partner", "USA", "--read-write")
        hdrs = {"Authorization": f"Bearer {token}", "Accept": ACCEPT}
        auth = [f"{k}: {v}" for k, v in hdrs.items()]

        def start_cx():
            port = benchlib.free_port()
            srv = Server([CX, "--node", node, "--set", "log.level=warn", "serve", "--listen",
                          f"127.0.0.1:{port}", "--threads", "4"], port)
            servers.append(srv)
            return srv

        def start_trivial(nbytes):
            port = benchlib.free_port()
            srv = Server([os.path.abspath(a.trivial), str(port), "4", str(nbytes)], port, "/")
            servers.append(srv)
            return srv

        stored, first_t, last_t = 0, None, None
        out = {"page_limit": 100, "seconds": a.seconds, "store_sizes": [],
               "concurrency": {"store_objects": a.at, "levels": levels}}
        trivial = None
        for size in sizes:
            while stored < size:
                n = min(CHUNK, size - stored)
                path = os.path.join(tmp, "chunk.json")
                bundle_file(path, stored, n)
                t0 = time.time()
                cx(node, "import", "--quiet", "--collection", "intel", path)
                last_t = time.time()
                first_t = first_t or t0
                os.unlink(path)
                stored += n
            # Pages start anywhere in the first 95% of the span of date_added.
            env = {"CX_FIRST_US": str(int(first_t * 1e6)),
                   "CX_LAST_US": str(int((first_t + (last_t - first_t) * 0.95) * 1e6))}
            srv = start_cx()
            page_url = f"http://127.0.0.1:{srv.port}/coalition/collections/intel/objects/?limit=100"
            api_url = f"http://127.0.0.1:{srv.port}/api/v1/objects?limit=50"
            if trivial is None:
                out["page_bytes"] = body_bytes(page_url, hdrs)
                out["api_bytes"] = body_bytes(api_url, hdrs)
                trivial = {"page": start_trivial(out["page_bytes"]),
                           "api": start_trivial(out["api_bytes"])}
                turl = f"http://127.0.0.1:{trivial['page'].port}/?limit=100"
                out["trivial_page"] = {
                    f"c{c}": benchlib.wrk(turl, a.seconds, c, "pages.lua",
                                          {"CX_FIRST_US": "0", "CX_LAST_US": "0"})
                    for c in (1, 32)}
                print(f"\nGET pages of 100 objects ({out['page_bytes']} bytes), {a.seconds} s each")
                line("trivial responder, page-sized body, 1 conn",
                     out["trivial_page"]["c1"])
                line("trivial responder, page-sized body, 32 conn",
                     out["trivial_page"]["c32"])
            point = {"objects": size}
            for c in (1, 32):
                point[f"c{c}"] = benchlib.wrk(page_url, a.seconds, c, "pages.lua", env, auth)
            out["store_sizes"].append(point)
            base = out["store_sizes"][0]
            for c in (1, 32):
                t = out["trivial_page"][f"c{c}"]
                line(f"cx, collection of {size:,}, {c} conn", point[f"c{c}"],
                     f"ratio {point[f'c{c}']['rps'] / t['rps']:.2f} of trivial; p50 "
                     f"{point[f'c{c}']['p50_ms'] / base[f'c{c}']['p50_ms']:.2f}x that at "
                     f"{base['objects']:,}")
            if size == a.at:
                sweep = out["concurrency"]
                print(f"\nthroughput against concurrency at {size:,} objects, "
                      f"{a.seconds} s each")
                targets = (
                    ("taxii_page", page_url, "pages.lua", env, auth),
                    ("trivial_page", f"http://127.0.0.1:{trivial['page'].port}/?limit=100",
                     "pages.lua", {"CX_FIRST_US": "0", "CX_LAST_US": "0"}, []),
                    ("api_list", api_url, None, None, auth),
                    ("trivial_api", f"http://127.0.0.1:{trivial['api'].port}/", None, None,
                     []))
                for name, url, script, e, h in targets:
                    sweep[name] = [benchlib.wrk(url, a.seconds, c, script, e, h)
                                   for c in levels]
                for i, c in enumerate(levels):
                    tp, ta = sweep["trivial_page"][i], sweep["trivial_api"][i]
                    line(f"TAXII page, {c} conn", sweep["taxii_page"][i],
                         f"ratio {sweep['taxii_page'][i]['rps'] / tp['rps']:.2f} of trivial "
                         f"({tp['rps']:.0f} req/s)")
                    line(f"API list of 50, {c} conn", sweep["api_list"][i],
                         f"ratio {sweep['api_list'][i]['rps'] / ta['rps']:.2f} of trivial "
                         f"({ta['rps']:.0f} req/s)")
            if size != sizes[-1]:
                srv.stop()
        big, small = out["store_sizes"][-1], out["store_sizes"][0]
        print(f"  page latency (p50, 1 conn) at {big['objects']:,} vs {small['objects']:,} "
              f"objects: {big['c1']['p50_ms'] / small['c1']['p50_ms']:.2f}x")

        # POST envelopes of 1,000 new objects into an empty collection.
        bodies = [json.dumps({"objects": [indicator(10**7 + e * 1000 + i)
                                          for i in range(1000)]}).encode()
                  for e in range(a.envelopes)]
        post_hdrs = dict(hdrs, **{"Content-Type": ACCEPT})

        def post_all(url, check):
            t0 = time.time()
            for b in bodies:
                req = urllib.request.Request(url, data=b, headers=post_hdrs, method="POST")
                with urllib.request.urlopen(req) as r:
                    if r.status != 202:
                        sys.exit(f"taxii_bench: POST answered {r.status}")
                    st = json.loads(r.read()) if check else None
                    if st and st["success_count"] != 1000:
                        sys.exit(f"taxii_bench: only {st['success_count']} stored")
            return time.time() - t0

        t_triv = post_all(f"http://127.0.0.1:{trivial['page'].port}/", False)
        t_cx = post_all(f"http://127.0.0.1:{srv.port}/coalition/collections/posts/objects/",
                        True)
        n = 1000 * a.envelopes
        out["post"] = {"envelopes": a.envelopes, "objects_per_envelope": 1000,
                       "cx_objects_per_s": n / t_cx, "trivial_objects_per_s": n / t_triv,
                       "ms_per_envelope": t_cx / a.envelopes * 1000}
        print(f"\nPOST {a.envelopes} envelopes of 1,000 new indicators, one at a time "
              f"(store of {stored:,})")
        print(f"  {'trivial libmicrohttpd responder':44} {n / t_triv:9.0f} objects/s")
        print(f"  {'cx (validate, canonicalise, store)':44} {n / t_cx:9.0f} objects/s  "
              f"ratio {t_triv / t_cx:.2f} of trivial  "
              f"({out['post']['ms_per_envelope']:.0f} ms per envelope)")
        benchlib.write_results("taxii", out, a.json)
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
