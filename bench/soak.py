#!/usr/bin/python3
"""A soak: one `cx serve` of a fresh demo node under mixed, bounded load for
--seconds (never a test; `make soak` runs it).

Client threads on 127.0.0.1, each at a fixed rate: TAXII pages (following
`next`), TAXII envelope adds, API object creates and new versions, API lists
and searches, the dashboard, session sign-in / who-am-I / sign-out, and the
UI's static files. Every --interval seconds: requests per second of each
kind, errors, latency p50/p99, the server's memory (/proc/PID/status) and
open files, and the store's size. At the end: `cx audit verify`, SQLite's
integrity_check, a table, bench/results/soak.json and charts.

Exit 1 when any request failed, memory grew (the rule is in
doc/PERFORMANCE.md and in `verdict` below), open files grew, the server did
not stop cleanly or a check at the end failed.
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

ACCEPT = "application/taxii+json;version=2.1"
GREEN = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
PASSWORD = "exercise-only-password"
USER = "usa.analyst"

# The memory rule (doc/PERFORMANCE.md, "The soak").
WARMUP_FRACTION = 0.2      # the first fifth of the run is warm-up
SLOPE_LIMIT_KIB_MIN = 256  # growth over the second half, by linear regression
GROWTH_LIMIT = 0.10        # final private memory at most 10% above warm-up's end
GROWTH_SLACK_KIB = 2048    # ... plus 2 MiB, so that a small server is not judged on noise
FD_SLACK = 8               # open files at the end at most 8 above warm-up's end
MIN_JUDGED_SECONDS = 300   # shorter runs end inside the caches' warm-up: memory not judged


class Stats:
    """Counts and latencies of the current window, shared by the workers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()
        self.failures = []

    def reset(self):
        self.count, self.errors, self.lat = {}, {}, {}

    def add(self, kind, ms, ok, what=None):
        with self.lock:
            self.count[kind] = self.count.get(kind, 0) + 1
            self.lat.setdefault(kind, []).append(ms)
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                if len(self.failures) < 20:
                    self.failures.append(f"{kind}: {what}")

    def take(self):
        with self.lock:
            out = (self.count, self.errors, self.lat)
            self.reset()
            return out


def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


class Client:
    """One keep-alive connection; every request is timed and judged."""

    def __init__(self, port, stats):
        self.port, self.stats = port, stats
        self.conn = None

    def request(self, kind, method, path, body=None, headers=None, expect=(200,)):
        """Answer (status, body bytes, response headers), or None on failure
        (counted as an error of kind)."""
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        t0 = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=data, headers=headers or {})
            r = self.conn.getresponse()
            payload = r.read()
            status, hdrs = r.status, r.getheaders()
            if r.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as e:
            self.close()
            self.stats.add(kind, (time.perf_counter() - t0) * 1000, False,
                           f"{method} {path}: {e!r}")
            return None
        ok = status in expect
        self.stats.add(kind, (time.perf_counter() - t0) * 1000, ok,
                       f"{method} {path}: {status} {payload[:200]!r}")
        return (status, payload, hdrs) if ok else None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def paced(stop, per_second, step):
    """Run step() per_second times a second until stop is set; a slow step
    delays the next ones, it never makes a burst to catch up."""
    interval = 1.0 / per_second
    nxt = time.monotonic()
    while not stop.is_set():
        step()
        nxt = max(nxt + interval, time.monotonic())
        stop.wait(max(0.0, nxt - time.monotonic()))


def indicator(i, identity):
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}",
            "created_by_ref": identity, "object_marking_refs": [GREEN],
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "name": f"Soak indicator {i}", "indicator_types": ["malicious-activity"],
            "pattern": f"[ipv4-addr:value = '10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}']",
            "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}


def workers(port, stats, stop, token, identity, collection, rate):
    """The load: (name, per-second rate, step function) of each thread."""
    bearer = {"Authorization": f"Bearer {token}"}
    taxii = dict(bearer, Accept=ACCEPT)
    objects = f"/coalition/collections/{collection}/objects/"
    counter = iter(range(10**9))

    def taxii_pages():
        c, state = Client(port, stats), {"next": None}

        def step():
            q = "?limit=50" + (f"&next={state['next']}" if state["next"] else "")
            r = c.request("taxii_page", "GET", objects + q, headers=taxii)
            page = json.loads(r[1]) if r else {}
            state["next"] = page.get("next") if page.get("more") else None
        return step

    def taxii_add():
        c = Client(port, stats)
        hdrs = dict(taxii, **{"Content-Type": ACCEPT})

        def step():
            env = {"objects": [indicator(next(counter), identity) for _ in range(10)]}
            r = c.request("taxii_add", "POST", objects, env, hdrs, expect=(202,))
            if r and json.loads(r[1]).get("success_count") != 10:
                stats.add("taxii_add", 0, False, f"envelope not stored: {r[1][:200]!r}")
        return step

    def api_write():
        c, state = Client(port, stats), {"id": None, "n": 0}
        hdrs = dict(bearer, **{"Content-Type": "application/json"})

        def step():
            # Every other step creates an object, the others make new versions of it.
            state["n"] += 1
            if state["id"] is None or state["n"] % 2:
                obj = indicator(next(counter), identity)
                for k in ("id", "spec_version", "created", "modified", "created_by_ref"):
                    del obj[k]
                r = c.request("api_create", "POST", "/api/v1/objects", obj, hdrs,
                              expect=(201,))
                state["id"] = json.loads(r[1])["object"]["id"] if r else None
            else:
                c.request("api_version", "POST", f"/api/v1/objects/{state['id']}/versions",
                          {"name": f"Soak indicator, version {state['n']}"}, hdrs,
                          expect=(201,))
        return step

    def api_read():
        c, state = Client(port, stats), {"cursor": None, "n": 0}

        def step():
            state["n"] += 1
            if state["n"] % 3 == 0:
                c.request("api_search", "GET", "/api/v1/objects?q=exercise&limit=20",
                          headers=bearer)
                return
            q = "/api/v1/objects?limit=50" + (f"&cursor={state['cursor']}"
                                              if state["cursor"] else "")
            r = c.request("api_list", "GET", q, headers=bearer)
            state["cursor"] = json.loads(r[1]).get("next_cursor") if r else None
        return step

    def dashboard():
        c = Client(port, stats)
        return lambda: c.request("dashboard", "GET", "/api/v1/dashboard", headers=bearer)

    def session():
        c = Client(port, stats)

        def step():
            r = c.request("sign_in", "POST", "/api/v1/session",
                          {"user": USER, "password": PASSWORD},
                          {"Content-Type": "application/json"})
            if not r:
                return
            cookie = next((v.split(";")[0] for k, v in r[2] if k.lower() == "set-cookie"),
                          "")
            csrf = json.loads(r[1])["csrf"]
            c.request("session", "GET", "/api/v1/session", headers={"Cookie": cookie})
            c.request("sign_out", "DELETE", "/api/v1/session",
                      headers={"Cookie": cookie, "X-CSRF-Token": csrf}, expect=(204,))
        return step

    def static():
        c, files = Client(port, stats), iter(())
        paths = ["/", "/ui/js/app.js", "/ui/js/api.js", "/ui/css/app.css",
                 "/ui/js/pages/dashboard.js", "/ui/img/icon.svg", "/vendor/chart.js"]

        def step():
            nonlocal files
            p = next(files, None)
            if p is None:
                files = iter(paths)
                p = next(files)
            c.request("static", "GET", p)
        return step

    return [("taxii_page", 8 * rate, taxii_pages()), ("taxii_page", 8 * rate, taxii_pages()),
            ("taxii_add", 1 * rate, taxii_add()), ("api_write", 4 * rate, api_write()),
            ("api_read", 6 * rate, api_read()), ("dashboard", 1 * rate, dashboard()),
            ("session", 0.5 * rate, session()), ("static", 10 * rate, static())]


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile", "Threads"):
                out[k] = int(v.split()[0])
    return out


def memory(pid, reads=10, gap=0.1):
    """The server's memory over about a second: the least of `reads` reads,
    and the peak. A password check (Argon2) holds 64 MiB for a moment and
    gives it back; the least read leaves such moments out, while memory that
    stays, as a leak does, is in every read."""
    seen = []
    for i in range(reads):
        if i:
            time.sleep(gap)
        seen.append(proc_status(pid))
    low = min(seen, key=lambda st: st["RssAnon"])
    return dict(low, peak_anon=max(st["RssAnon"] for st in seen))


def store_bytes(node):
    return sum(os.path.getsize(os.path.join(node, f)) for f in os.listdir(node)
               if f.startswith("cx.db"))


def slope_per_min(points):
    """Least-squares slope of (t seconds, value) points, per minute."""
    n = len(points)
    if n < 2:
        return 0.0
    mt = sum(t for t, _ in points) / n
    mv = sum(v for _, v in points) / n
    den = sum((t - mt) ** 2 for t, _ in points)
    return 60 * sum((t - mt) * (v - mv) for t, v in points) / den if den else 0.0


def verdict(samples, seconds):
    """The memory and open-files rule over the samples (see doc/PERFORMANCE.md)."""
    warm_t = seconds * WARMUP_FRACTION
    warm = next(s for s in samples if s["t"] >= warm_t - 1e-6)
    half = [s for s in samples if s["t"] >= seconds / 2 - 1e-6]
    final = samples[-1]
    slope = slope_per_min([(s["t"], s["rss_anon_kib"]) for s in half])
    limit = warm["rss_anon_kib"] * (1 + GROWTH_LIMIT) + GROWTH_SLACK_KIB
    v = {"warmup_end_s": warm["t"], "rss_anon_warmup_kib": warm["rss_anon_kib"],
         "rss_anon_final_kib": final["rss_anon_kib"], "rss_anon_limit_kib": round(limit),
         "rss_anon_slope_kib_per_min": round(slope, 1),
         "slope_limit_kib_per_min": SLOPE_LIMIT_KIB_MIN,
         "vm_rss_slope_kib_per_min": round(slope_per_min([(s["t"], s["rss_kib"])
                                                          for s in half]), 1),
         "fds_warmup": warm["fds"], "fds_final": final["fds"]}
    v["memory_flat"] = slope < SLOPE_LIMIT_KIB_MIN and final["rss_anon_kib"] <= limit
    v["memory_judged"] = seconds >= MIN_JUDGED_SECONDS
    v["fds_flat"] = final["fds"] <= warm["fds"] + FD_SLACK
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cx", required=True)
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--interval", type=int, default=10)
    ap.add_argument("--rate", type=float, default=1.0, help="scales every thread's rate")
    ap.add_argument("--only", help="comma-separated thread kinds to run (to find which "
                    "load makes memory grow); the others are left out")
    ap.add_argument("--json", help="results file (default bench/results/soak.json)")
    a = ap.parse_args()
    if a.seconds < 3 * a.interval:
        sys.exit("soak: --seconds must be at least three intervals")
    cx = os.path.abspath(a.cx)
    tmp = tempfile.mkdtemp(prefix="cx-soak-")
    node = os.path.join(tmp, "node")
    server = None
    try:
        subprocess.run([cx, "demo", node], check=True, capture_output=True)

        def run(*args, **kw):
            return subprocess.run([cx, "--node", node] + list(args), capture_output=True,
                                  text=True, **kw)
        token = run("token", "create", USER, check=True).stdout.strip()
        partners = run("partner", "list", check=True).stdout.splitlines()
        identity = next(p.split("\t")[-1] for p in partners if p.startswith("USA\t"))
        collection = run("collection", "list", check=True).stdout.split("\t")[0]
        port = benchlib.free_port()
        server = subprocess.Popen([cx, "--node", node, "--set", "log.level=warn", "serve",
                                   "--listen", f"127.0.0.1:{port}"])
        if not benchlib.wait_up(f"http://127.0.0.1:{port}/healthz", proc=server):
            sys.exit("soak: cx serve did not come up")

        stats, stop = Stats(), threading.Event()
        load = workers(port, stats, stop, token, identity, collection, a.rate)
        if a.only:
            load = [w for w in load if w[0] in a.only.split(",")]
            if not load:
                sys.exit(f"soak: --only {a.only} names no thread")
        threads = [threading.Thread(target=paced, args=(stop, r, step), daemon=True)
                   for _, r, step in load]
        print(f"soak: {len(threads)} client threads against cx serve (pid {server.pid}) "
              f"for {a.seconds} s, a sample every {a.interval} s")
        print(f"{'t':>5} {'req/s':>7} {'err':>4} {'p50 ms':>7} {'p99 ms':>7} "
              f"{'VmRSS MiB':>9} {'anon MiB':>8} {'fds':>4} {'store MiB':>9}")
        samples, kinds = [], set()
        t_start = time.monotonic()
        for t in threads:
            t.start()
        for i in range(1, a.seconds // a.interval + 1):
            time.sleep(max(0.0, t_start + i * a.interval - time.monotonic()))
            if server.poll() is not None:
                sys.exit(f"soak: cx serve ended with {server.returncode}")
            count, errors, lat = stats.take()
            st = memory(server.pid)
            every = [ms for v in lat.values() for ms in v]
            kinds |= set(count)
            s = {"t": i * a.interval,
                 "rps": {k: c / a.interval for k, c in count.items()},
                 "errors": sum(errors.values()), "errors_by_kind": errors,
                 "p50_ms": pct(every, 50), "p99_ms": pct(every, 99),
                 # Argon2 makes sign-in the slowest request by far.
                 "p99_ms_without_sign_in": pct([ms for k, v in lat.items() if k != "sign_in"
                                                for ms in v], 99),
                 "latency_ms": {k: {"p50": pct(v, 50), "p99": pct(v, 99)}
                                for k, v in lat.items()},
                 "rss_kib": st["VmRSS"], "rss_anon_kib": st["RssAnon"],
                 "rss_file_kib": st["RssFile"], "rss_anon_peak_kib": st["peak_anon"],
                 "threads": st["Threads"],
                 "fds": len(os.listdir(f"/proc/{server.pid}/fd")),
                 "store_bytes": store_bytes(node)}
            samples.append(s)
            print(f"{s['t']:5d} {sum(s['rps'].values()):7.1f} {s['errors']:4d} "
                  f"{s['p50_ms'] or 0:7.2f} {s['p99_ms'] or 0:7.2f} "
                  f"{s['rss_kib'] / 1024:9.1f} {s['rss_anon_kib'] / 1024:8.1f} "
                  f"{s['fds']:4d} {s['store_bytes'] / 2**20:9.1f}", flush=True)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        # Requests that ended after the last sample count too.
        tail_count, tail_errors, _ = stats.take()

        server.send_signal(signal.SIGTERM)
        server_exit = server.wait(timeout=60)
        server = None
        audit = run("audit", "verify")
        with sqlite3.connect(f"file:{os.path.join(node, 'cx.db')}?mode=ro", uri=True) as db:
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]

        kinds |= set(tail_count)
        totals = {k: {"requests": round(sum(s["rps"].get(k, 0) for s in samples) * a.interval)
                      + tail_count.get(k, 0),
                      "errors": sum(s["errors_by_kind"].get(k, 0) for s in samples)
                      + tail_errors.get(k, 0)}
                  for k in sorted(kinds)}
        errors = sum(t["errors"] for t in totals.values())
        v = verdict(samples, a.seconds)
        v.update({"errors": errors, "server_exit": server_exit,
                  "audit_verify": audit.returncode == 0, "integrity_check": integrity})
        v["pass"] = (errors == 0 and (v["memory_flat"] or not v["memory_judged"])
                     and v["fds_flat"] and server_exit == 0 and v["audit_verify"]
                     and integrity == "ok")

        print(f"\n{'kind':12} {'requests':>9} {'req/s':>7} {'errors':>6} "
              f"{'p50 ms':>7} {'p99 ms':>7}  (p50/p99: median over the samples)")
        for k, tot in totals.items():
            p50 = pct([s["latency_ms"][k]["p50"] for s in samples if k in s["latency_ms"]], 50)
            p99 = pct([s["latency_ms"][k]["p99"] for s in samples if k in s["latency_ms"]], 50)
            print(f"{k:12} {tot['requests']:9d} {tot['requests'] / a.seconds:7.1f} "
                  f"{tot['errors']:6d} {p50:7.2f} {p99:7.2f}")
        for f in stats.failures:
            print(f"  failed: {f}")
        print(f"\nprivate memory (RssAnon): {v['rss_anon_warmup_kib'] / 1024:.1f} MiB at "
              f"{v['warmup_end_s']} s (end of warm-up), {v['rss_anon_final_kib'] / 1024:.1f} "
              f"MiB at the end (limit {v['rss_anon_limit_kib'] / 1024:.1f}); slope over the "
              f"second half {v['rss_anon_slope_kib_per_min']:.0f} KiB/min (limit "
              f"{SLOPE_LIMIT_KIB_MIN}): {'flat' if v['memory_flat'] else 'GROWING'}"
              + ("" if v["memory_judged"] else
                 f" (not judged: runs under {MIN_JUDGED_SECONDS} s end inside the warm-up)"))
        print(f"VmRSS slope over the second half: {v['vm_rss_slope_kib_per_min']:.0f} KiB/min "
              f"(includes the store's mapped pages)")
        print(f"open files: {v['fds_warmup']} at the end of warm-up, {v['fds_final']} at the "
              f"end: {'flat' if v['fds_flat'] else 'GROWING'}")
        print(f"errors: {errors}; server exit: {server_exit}; audit verify: "
              f"{'intact' if v['audit_verify'] else audit.stdout + audit.stderr}; "
              f"integrity_check: {integrity}")
        print(f"verdict: {'PASS' if v['pass'] else 'FAIL'}")

        benchlib.write_results("soak", {
            "seconds": a.seconds, "interval": a.interval, "rate": a.rate,
            "threads": [{"kind": k, "per_second": r} for k, r, _ in load],
            "rule": {"warmup_fraction": WARMUP_FRACTION, "slope_limit_kib_per_min":
                     SLOPE_LIMIT_KIB_MIN, "growth_limit": GROWTH_LIMIT,
                     "growth_slack_kib": GROWTH_SLACK_KIB, "fd_slack": FD_SLACK,
                     "min_judged_seconds": MIN_JUDGED_SECONDS},
            "samples": samples, "totals": totals, "failures": stats.failures,
            "verdict": v}, a.json, indent=None)
        if a.json is None:
            import report
            report.main([])
        return 0 if v["pass"] else 1
    finally:
        if server is not None:
            server.kill()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
