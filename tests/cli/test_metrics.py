"""GET /metrics on a running `cx serve`: valid Prometheus text format 0.0.4,
request counters per route pattern, method and status that move by exactly
the requests made, latency histograms that agree with them, the store and
process gauges, and admins only."""
import math
import re
import time
import uuid

import pytest
import requests

from conftest import EXIT_OK, describe, run_cx
from test_serve import free_port, start, stop, wait_healthy

TAXII = "application/taxii+json;version=2.1"
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"')
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


def parse_exposition(text):
    """Parse text format 0.0.4 strictly, line by line. Returns
    ({family: type}, {(name, frozenset(labels)): value}); fails on any line
    that is not '# HELP', '# TYPE' or a sample of a declared family, on a
    family declared twice, and on a family whose samples are not together."""
    assert text.endswith("\n"), "the text must end with a newline"
    types, helps, samples, seen_done, current = {}, set(), {}, set(), None
    for n, line in enumerate(text[:-1].split("\n"), 1):
        where = f"line {n}: {line!r}"
        if line.startswith("#"):
            m = re.fullmatch(rf"# (HELP|TYPE) ({NAME}) (.+)", line)
            assert m, where
            kind, family, rest = m.groups()
            if kind == "HELP":
                assert family not in helps, f"second HELP: {where}"
                helps.add(family)
            else:
                assert family not in types and rest in TYPES, where
                types[family] = rest
            if family != current:
                assert family not in seen_done, f"family {family} split: {where}"
                if current:
                    seen_done.add(current)
                current = family
            continue
        m = re.fullmatch(rf"({NAME})(?:\{{(.*)\}})? (\S+)", line)
        assert m, where
        name, labels_text, value = m.groups()
        family = name
        if family not in types:
            for suffix in ("_bucket", "_sum", "_count"):
                if name.endswith(suffix) and types.get(name[:-len(suffix)]) == "histogram":
                    family = name[:-len(suffix)]
        assert family in types, f"sample before its TYPE: {where}"
        assert family == current, f"sample away from its family: {where}"
        labels = {}
        if labels_text:
            pos = 0
            while pos < len(labels_text):
                lm = LABEL.match(labels_text, pos)
                assert lm, f"bad label at {pos}: {where}"
                assert lm.group(1) not in labels, f"label twice: {where}"
                labels[lm.group(1)] = lm.group(2)
                pos = lm.end()
                if pos < len(labels_text):
                    assert labels_text[pos] == ",", where
                    pos += 1
        v = float(value)  # also takes +Inf, -Inf and NaN
        key = (name, frozenset(labels.items()))
        assert key not in samples, f"sample twice: {where}"
        samples[key] = v
    return types, samples


def series(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def check_histograms(samples):
    """Every histogram series: cumulative buckets ending in +Inf, +Inf equal
    to _count, _count equal to the requests counted for that route and
    method, a non-negative _sum. Returns how many series were checked."""
    buckets = {}
    for (name, labels), v in samples.items():
        if name == "cx_http_request_duration_seconds_bucket":
            d = dict(labels)
            le = d.pop("le")
            buckets.setdefault(frozenset(d.items()), []).append(
                (math.inf if le == "+Inf" else float(le), v))
    assert buckets, "no histogram series"
    for key, bs in buckets.items():
        bs.sort()
        les = [le for le, _ in bs]
        assert les == [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
                       math.inf], les
        counts = [c for _, c in bs]
        assert counts == sorted(counts), f"buckets not cumulative: {dict(key)} {counts}"
        count = samples[("cx_http_request_duration_seconds_count", key)]
        assert counts[-1] == count
        assert samples[("cx_http_request_duration_seconds_sum", key)] >= 0
        total = sum(v for (name, labels), v in samples.items()
                    if name == "cx_http_requests_total"
                    and frozenset((k, x) for k, x in labels if k != "status") == key)
        assert total == count, f"{dict(key)}: counter {total}, histogram {count}"
    return len(buckets)


@pytest.fixture
def served(node, tmp_path):
    """A running node with an admin's and a reader's bearer tokens."""
    assert run_cx("partner", "add", "USA", "--name", "United States",
                  node=node).returncode == EXIT_OK
    tokens = {}
    for name, role in (("admin1", "admin"), ("reader1", "reader")):
        p = run_cx("user", "add", name, "--partner", "USA", "--role", role, "--clearance", "U",
                   "--password-stdin", node=node, input=f"{name}-Pass-12345\n")
        assert p.returncode == EXIT_OK, describe(p)
        p = run_cx("token", "create", name, "--expires-days", "1", node=node)
        assert p.returncode == EXIT_OK, describe(p)
        (tokens[role],) = re.findall(r"^(cx_\S+)$", p.stdout.decode(), re.M)
    port = free_port()
    t0 = time.time()
    proc, log = start(node, tmp_path, port)
    url = f"http://127.0.0.1:{port}"
    try:
        r, why = wait_healthy(proc, url + "/healthz")
        assert r is not None, f"cx serve: {why}"
        yield {"url": url, "tokens": tokens, "node": node, "t0": t0}
    finally:
        stop(proc, log, tmp_path)


def scrape(served, role="admin"):
    r = requests.get(served["url"] + "/metrics", timeout=10,
                     headers={"Authorization": "Bearer " + served["tokens"][role]})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "text/plain; version=0.0.4"
    return parse_exposition(r.text)


def test_request_counters_move_by_exactly_the_requests_made(served):
    url, tok = served["url"], served["tokens"]
    reader = {"Authorization": "Bearer " + tok["reader"], "Accept": TAXII}
    _, before = scrape(served)
    s = requests.Session()
    made = {}  # (route, method, status) -> count

    def do(method, path, route, status, headers=None, n=1):
        for _ in range(n):
            r = s.request(method, url + path, headers=headers or {}, timeout=10)
            assert r.status_code == status, (method, path, r.status_code, r.text[:300])
        made[(route, method, str(status))] = made.get((route, method, str(status)), 0) + n

    do("GET", "/healthz", "/healthz", 200, n=7)
    do("GET", "/taxii2/", "/taxii2/", 200, reader, n=3)
    do("GET", "/taxii2/", "/taxii2/", 401, {"Accept": TAXII}, n=2)
    # Two different URLs, one pattern: the label is the pattern.
    for _ in range(2):
        do("GET", f"/coalition/collections/{uuid.uuid4()}/objects/",
           "/{root}/collections/{id}/objects/", 404, reader)
    do("GET", "/no/such/path/here", "unmatched", 404, n=2)
    do("POST", "/healthz", "unmatched", 405)
    do("BREW", "/healthz", "unmatched", 405)
    made[("unmatched", "other", "405")] = made.pop(("unmatched", "BREW", "405"))
    # The scrape before these counts itself once it has been answered.
    made[("/metrics", "GET", "200")] = 1

    _, after = scrape(served)
    moved = {}
    for (name, labels), v in after.items():
        if name != "cx_http_requests_total":
            continue
        d = dict(labels)
        delta = v - before.get((name, labels), 0.0)
        if delta:
            moved[(d["route"], d["method"], d["status"])] = delta
    assert moved == made
    # The histogram's counts moved by as much as the counters.
    for route, method in {(r, m) for r, m, _ in made}:
        lbl = dict(route=route, method=method)
        grown = (series(after, "cx_http_request_duration_seconds_count", **lbl)
                 - series(before, "cx_http_request_duration_seconds_count", **lbl))
        assert grown == sum(n for (r, m, _), n in made.items() if (r, m) == (route, method))
    assert check_histograms(after) >= 7


def test_store_and_process_gauges(served):
    types, samples = scrape(served)
    for name in ("cx_objects_stored", "cx_audit_entries", "cx_store_size_bytes",
                 "cx_process_resident_memory_bytes", "cx_process_start_time_seconds",
                 "cx_process_open_fds"):
        assert types[name] == "gauge", name
    assert types["cx_http_requests_total"] == "counter"
    assert types["cx_http_request_duration_seconds"] == "histogram"
    db = served["node"] / "cx.db"
    wal = served["node"] / "cx.db-wal"
    on_disk = db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    size = series(samples, "cx_store_size_bytes")
    assert size >= db.stat().st_size and size > 0
    assert abs(size - on_disk) <= 4 * 1024 * 1024  # the WAL may grow between the two looks
    assert series(samples, "cx_objects_stored") >= 20  # cx init's objects
    assert series(samples, "cx_audit_entries") >= 1
    assert series(samples, "cx_process_resident_memory_bytes") > 1024 * 1024
    assert 3 <= series(samples, "cx_process_open_fds") < 1024
    assert served["t0"] - 1 <= series(samples, "cx_process_start_time_seconds") <= time.time()


def test_metrics_are_for_admins_only(served):
    url = served["url"]
    r = requests.get(url + "/metrics", timeout=10)
    assert r.status_code == 401
    assert "cx_http" not in r.text
    r = requests.get(url + "/metrics", timeout=10,
                     headers={"Authorization": "Bearer " + served["tokens"]["reader"]})
    assert r.status_code == 403
    assert "cx_http" not in r.text
    _, samples = scrape(served)
    assert series(samples, "cx_http_requests_total", route="/metrics", method="GET",
                  status="401") == 1
    assert series(samples, "cx_http_requests_total", route="/metrics", method="GET",
                  status="403") == 1


def test_the_parser_refuses_what_is_not_the_format():
    good = ("# HELP a_total A.\n# TYPE a_total counter\n"
            'a_total{route="/x",method="GET"} 3\n')
    parse_exposition(good)
    for bad in (good.replace(" 3\n", " three\n"), good.replace("# TYPE", "#TYPE"),
                good.replace('route="/x"', "route=/x"), good[:-1],
                good + "b 1\n", good + "# TYPE a_total counter\n"):
        with pytest.raises((AssertionError, ValueError)):
            parse_exposition(bad)
