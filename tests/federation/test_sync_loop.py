"""The sync loop of `cx serve`: a node with [sync] interval pulls its peers
on its own, retries a peer that is down with back-off and recovers when it
comes back, stops promptly on SIGTERM, and, killed (SIGKILL) while applying
pages, loses and duplicates nothing once restarted."""
import json
import sqlite3
import time
import uuid

import pytest
import requests

from nodetools import ini_set, parse_token
from .conftest import COLLECTION, PEER_PASSWORD, Node
from .proxy import Proxy
from .test_federation import import_objects, indicator, rel_marking


def wait_for(cond, timeout, what):
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    base = tmp_path_factory.mktemp("loop")
    usa, irq = Node(base, "USA"), Node(base, "IRQ")
    proxy = None
    try:
        for n in (usa, irq):
            n.setup()
        ini_set(irq.dir / "cx.ini", "sync", "interval", "1")
        ini_set(irq.dir / "cx.ini", "sync", "backoff_max", "4")
        usa.start()
        irq.start()
        proxy = Proxy(usa.url)
        marking = rel_marking(["USA", "IRQ"], 1)
        import_objects(usa, [marking])
        tokens = {}
        for name, role in (("admin-irq", "admin"), ("reader-irq", "reader")):
            irq.cx("user", "add", name, "--partner", "IRQ", "--role", role, "--clearance",
                   "S", "--password-stdin", input=f"{name}-Pass-1234\n")
            tokens[role] = parse_token(irq.cx("token", "create", name).stdout)
        yield {"usa": usa, "irq": irq, "proxy": proxy, "marking": marking["id"],
               "tokens": tokens}
    finally:
        if proxy:
            proxy.close()
        for n in (usa, irq):
            n.stop()


def peers_api(pair):
    r = requests.get(pair["irq"].url + "/api/v1/peers", timeout=10,
                     headers={"Authorization": "Bearer " + pair["tokens"]["admin"]})
    assert r.status_code == 200, r.text
    return r.json()


def metrics(pair):
    r = requests.get(pair["irq"].url + "/metrics", timeout=10,
                     headers={"Authorization": "Bearer " + pair["tokens"]["admin"]})
    assert r.status_code == 200, r.text
    return r.text


def peer_state(node):
    return json.loads(node.cx("peer", "show", "USA", "--json").stdout)["collections"][0]


def test_the_loop_pulls_a_new_object_without_cx_sync(pair):
    usa, irq, proxy = pair["usa"], pair["irq"], pair["proxy"]
    obj = indicator("pulled by the loop", [pair["marking"]], 2)
    import_objects(usa, [obj])
    irq.add_peer(usa, url=proxy.url + "/coalition/")
    wait_for(lambda: obj["id"] in irq.stored(), 15, "the loop to pull the object")
    assert irq.stored()[obj["id"]] == usa.stored()[obj["id"]]
    assert irq.audit("sync.pull")[-1]["detail"]["peer"] == "USA"


def test_a_peer_that_is_down_is_retried_with_backoff_and_recovers(pair):
    usa, irq, proxy = pair["usa"], pair["irq"], pair["proxy"]
    proxy.down = True
    start = time.monotonic()

    def gaps():
        times = [t for t in proxy.times if t >= start]
        return [b - a for a, b in zip(times, times[1:])]

    try:
        wait_for(lambda: peer_state(irq)["last_error"], 10, "last_error to be set")
        # interval 1, backoff_max 4: waits of 1, 2, 4, 4 s. Without
        # back-off no wait would reach 3.5 s.
        wait_for(lambda: any(g >= 3.5 for g in gaps()), 20, "a retry after 4 s")
        assert "502" in peer_state(irq)["last_error"]
        # The failure shows in the API and the metrics.
        col = peers_api(pair)["items"][0]["collections"][0]
        assert "502" in col["last_error"]
        text = metrics(pair)
        assert f'cx_sync_failing{{peer="USA",collection="{COLLECTION}"}} 1' in text
        assert "cx_sync_last_error_info{" in text
        g = gaps()
    finally:
        proxy.down = False
    assert len(g) <= 4, g
    assert all(b >= a * 0.8 for a, b in zip(g, g[1:])), g       # it grows
    obj = indicator("after the outage", [pair["marking"]], 3)
    import_objects(usa, [obj])
    wait_for(lambda: obj["id"] in irq.stored(), 10, "the peer to recover")
    wait_for(lambda: peer_state(irq)["last_error"] == "", 5, "last_error to clear")


def test_peers_api_and_metrics_show_per_peer_state(pair):
    irq = pair["irq"]
    wait_for(lambda: peer_state(irq)["last_error"] == "", 10, "a quiet peer")
    body = peers_api(pair)
    (peer,) = body["items"]
    assert peer["name"] == "USA" and peer["partner"] == "USA"
    assert peer["url"].endswith("/coalition/") and peer["key_id"].startswith("ed25519:")
    assert "secret" not in json.dumps(body) and PEER_PASSWORD not in json.dumps(body)
    (col,) = peer["collections"]
    state = peer_state(irq)
    assert col["id"] == COLLECTION and col["cursor"]
    assert col["last_error"] is None and col["last_success"].endswith("Z")
    assert 0 <= col["lag_seconds"] <= 5
    assert col["stored"] >= 2 and col["received"] == (
        col["stored"] + col["duplicate"] + col["rejected"])
    assert col["stored"] <= state["stored"]
    r = requests.get(irq.url + "/metrics", timeout=10,
                     headers={"Authorization": "Bearer " + pair["tokens"]["admin"]})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/plain; version=0.0.4"
    samples = {}
    for line in r.text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    lbl = f'peer="USA",collection="{COLLECTION}"'
    assert samples[f"cx_sync_failing{{{lbl}}}"] == 0
    assert samples[f'cx_sync_objects_total{{{lbl},result="stored"}}'] >= col["stored"]
    assert samples[f'cx_sync_objects_total{{{lbl},result="rejected"}}'] == 0
    assert 0 <= samples[f"cx_sync_lag_seconds{{{lbl}}}"] <= 10
    assert abs(samples[f"cx_sync_last_success_timestamp_seconds{{{lbl}}}"]
               - time.time()) < 30
    assert samples["cx_objects_stored"] >= col["stored"]
    assert samples["cx_audit_entries"] >= 1
    assert "# TYPE cx_sync_objects_total counter" in r.text


def test_peers_api_and_metrics_are_for_admins_only(pair):
    irq = pair["irq"]
    for path in ("/metrics", "/api/v1/peers"):
        assert requests.get(irq.url + path, timeout=10).status_code == 401
        r = requests.get(irq.url + path, timeout=10,
                         headers={"Authorization": "Bearer " + pair["tokens"]["reader"]})
        assert r.status_code == 403
        r = requests.get(irq.url + path, timeout=10, auth=("admin-irq", "admin-irq-Pass-1234"))
        assert r.status_code == 401     # no passwords per request: a token or a session


def test_sigterm_stops_the_loop_promptly(pair):
    irq, proxy = pair["irq"], pair["proxy"]
    proxy.delay = 10.0
    try:
        n = len(proxy.requests)
        wait_for(lambda: len(proxy.requests) > n, 10, "a request in flight")
        t0 = time.monotonic()
        irq.stop()
        assert time.monotonic() - t0 < 5
        assert irq.proc.returncode == 0
    finally:
        proxy.delay = 0.0
    irq.start()


def releasable(usa):
    """(id, version) of every version USA releases to IRQ's peer user."""
    out, cursor = set(), None
    while True:
        params = {"match[version]": "all", "limit": "1000"}
        if cursor:
            params["added_after"] = cursor
        r = requests.get(f"{usa.root}collections/{COLLECTION}/objects/", params=params,
                         auth=("peer-irq", PEER_PASSWORD), timeout=10,
                         headers={"Accept": "application/taxii+json;version=2.1"})
        assert r.status_code == 200
        body = r.json()
        for o in body.get("objects", []):
            out.add((o["id"], o.get("modified", o.get("created"))))
        if not body.get("more"):
            return out
        cursor = r.headers["X-TAXII-Date-Added-Last"]


def test_a_serving_node_killed_mid_sync_loses_and_duplicates_nothing(pair):
    usa, irq, proxy = pair["usa"], pair["irq"], pair["proxy"]
    wait_for(lambda: peer_state(irq)["last_error"] == "", 10, "a quiet peer")
    s0, d0 = peer_state(irq)["stored"], peer_state(irq)["duplicate"]
    batch = [indicator(f"batch {i}", [pair["marking"]], 10) for i in range(40)]
    proxy.delay, proxy.page_limit = 0.5, 4
    try:
        import_objects(usa, batch)
        wait_for(lambda: peer_state(irq)["stored"] - s0 >= 8, 20, "pages to be applied")
        irq.proc.kill()
        irq.proc.wait()
        irq.logf.close()
        s1 = peer_state(irq)["stored"]
        assert 0 < s1 - s0 < 40, "the loop was not interrupted in the middle"
        irq.start()
        proxy.delay = 0.0
        wait_for(lambda: peer_state(irq)["stored"] - s0 == 40, 30, "the rest of the batch")
    finally:
        proxy.delay, proxy.page_limit = 0.0, None
    st = peer_state(irq)
    assert st["duplicate"] == d0 and st["last_error"] == ""
    sent = releasable(usa)
    ids = sorted({i for i, _ in sent})
    db = sqlite3.connect(irq.dir / "cx.db", timeout=10)
    try:
        rows = db.execute(f"SELECT id, version FROM objects WHERE id IN "
                          f"({','.join('?' * len(ids))})", ids).fetchall()
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
    assert len(rows) == len(sent) and {(i, v) for i, v in rows} >= {
        (o["id"], o["modified"]) for o in batch}
    pulled = [(o["id"], o["version"]) for e in irq.audit("sync.pull")
              for o in e.get("objects") or []]
    assert len(pulled) == len(set(pulled))
    irq.cx("audit", "verify")
