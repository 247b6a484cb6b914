"""cx demo --federation: three demo nodes (USA, IRQ, KRG) on 127.0.0.1 that
federate, each holding its own partner's demo objects and what the two
others released to its partner (pulled with cx sync), served as children of
the command until SIGTERM stops all three."""
import os
import random
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from nodetools import CX_BIN, cx_env

PASSWORD = "exercise-only-password"
SANITIZER_MARKS = ("runtime error", "AddressSanitizer", "LeakSanitizer",
                   "UndefinedBehaviorSanitizer")
TAXII = "application/taxii+json;version=2.1"
CODES = ("usa", "irq", "krg")
PROVENANCE = "extension-definition--b73d556f-8bd0-4b1d-aca0-62f31a628b73"

# Demo objects (demo/records.json; their ids are fixed).
USA_REL_USA_IRQ = "cx-movement-request--e5c4442f-e69e-5553-92b0-86d1c728a6fe"  # C//REL USA, IRQ
USA_REL_USA_KRG = "cx-movement-request--1991aefe-acef-5655-9c7e-179a69962e82"  # R//REL USA, KRG
USA_REL_ALL = "report--6f8e535f-44cf-5bef-b3c9-3a13bbec4120"  # C//REL USA, IRQ, KRG
IRQ_DECISION = "cx-movement-decision--5d761ffe-af34-523a-84a0-128ceb30959a"  # on USA_REL_USA_IRQ
GBR_REQUEST = "cx-movement-request--f1938e55-002e-5b68-9760-351883e9b6c0"


def free_base_port():
    """A port P with P, P+1 and P+2 free on 127.0.0.1."""
    for _ in range(200):
        base = random.randint(20000, 60000)
        socks = []
        try:
            for p in range(base, base + 3):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise AssertionError("no three consecutive free ports")


def children(pid):
    """The pids whose parent is pid."""
    res = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            res.append(int(d))
    return res


def alive(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def get(port, user, oid):
    r = requests.get(f"http://127.0.0.1:{port}/coalition/collections/intel/objects/{oid}/",
                     auth=(user, PASSWORD), headers={"Accept": TAXII}, timeout=30)
    assert r.status_code in (200, 404), (r.status_code, r.text[:300])
    return r.json()["objects"] if r.status_code == 200 else None


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    base_dir = tmp_path_factory.mktemp("demo-fed")
    fed = base_dir / "fed"
    port = free_base_port()
    out_path = base_dir / "out.log"
    out = open(out_path, "wb")
    proc = subprocess.Popen([str(CX_BIN), "demo", "--federation", str(fed), "--base-port",
                             str(port)], stdout=out, stderr=subprocess.STDOUT, env=cx_env())
    ports = {c: port + i for i, c in enumerate(CODES)}
    try:
        # Set-up serves the nodes too: wait for the announcement, then health.
        end = time.monotonic() + 240
        while "the demo federation is running" not in out_path.read_text(errors="replace"):
            assert proc.poll() is None, f"exit {proc.returncode}:\n{out_path.read_text()}"
            assert time.monotonic() < end, out_path.read_text()
            time.sleep(0.1)
        for p in ports.values():
            assert requests.get(f"http://127.0.0.1:{p}/healthz", timeout=5).status_code == 200
        yield {"proc": proc, "ports": ports, "dir": fed, "out": out_path}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        out.close()
        texts = [out_path.read_text(errors="replace")]
        texts += [(fed / c / "serve.log").read_text(errors="replace") for c in CODES
                  if (fed / c / "serve.log").exists()]
        for text in texts:
            for mark in SANITIZER_MARKS:
                assert mark not in text, f"sanitizer report:\n{text[-4000:]}"


def test_set_up_output(federation):
    text = federation["out"].read_text()
    fed, ports = federation["dir"], federation["ports"]
    # GBR's and FRA's demo objects are left out, and said so; the records
    # that wait on them are named with the reason.
    assert "left out: 12 demo objects" in text and "GBR" in text and "FRA" in text
    assert GBR_REQUEST in text
    assert "pass 1:" in text
    assert (f"Sign in at http://127.0.0.1:{ports['irq']}/ as irq.analyst: IRQ's own records "
            "plus what USA and KRG released to IRQ") in text
    for c in CODES:
        ini = (fed / c / "cx.ini").read_text()
        assert f"\npartner = {c.upper()}\n" in ini and f"\nname = cx-{c}\n" in ini
        assert f"listen = 127.0.0.1:{ports[c]}" in ini


def test_each_node_holds_what_is_released_to_its_partner(federation):
    ports = federation["ports"]
    # A USA object released to USA and IRQ only: on IRQ's node, not on KRG's
    # (not even for its owner's users there: the node does not hold it).
    assert get(ports["irq"], "irq.analyst", USA_REL_USA_IRQ)
    assert get(ports["krg"], "usa.analyst", USA_REL_USA_IRQ) is None
    assert get(ports["krg"], "krg.analyst", USA_REL_USA_IRQ) is None
    # And one released to USA and KRG only: on KRG's node, not on IRQ's.
    assert get(ports["krg"], "krg.analyst", USA_REL_USA_KRG)
    assert get(ports["irq"], "usa.analyst", USA_REL_USA_KRG) is None
    # A USA object released to all three is on all three (both versions),
    # signed by the USA's node.
    for c in CODES:
        objs = get(ports[c], "usa.analyst", USA_REL_ALL)
        assert objs and objs[0]["extensions"][PROVENANCE]["node"] == "cx-usa"
    assert get(ports["irq"], "irq.analyst", USA_REL_ALL)
    # IRQ's own decision on the USA's movement request is on the USA's node,
    # as IRQ's node signed it, and not on KRG's.
    objs = get(ports["usa"], "usa.analyst", IRQ_DECISION)
    assert objs and objs[0]["created_by_ref"] == \
        "identity--31059b07-8f67-5cb2-9992-4654afe92041"
    assert objs[0]["extensions"][PROVENANCE]["node"] == "cx-irq"
    assert get(ports["krg"], "irq.analyst", IRQ_DECISION) is None
    # GBR's objects are on no node.
    for c in CODES:
        assert get(ports[c], "usa.analyst", GBR_REQUEST) is None
        assert get(ports[c], "gbr.analyst", GBR_REQUEST) is None


def test_sigterm_stops_all_three(federation):
    proc = federation["proc"]
    kids = children(proc.pid)
    assert len(kids) == 3, kids
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    for pid in kids:
        assert not alive(pid), pid
    for p in federation["ports"].values():
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{p}/healthz", timeout=2)


def test_usage_and_existing_nodes(tmp_path):
    p = subprocess.run([str(CX_BIN), "demo", "--federation"], capture_output=True,
                       env=cx_env(), timeout=30)
    assert p.returncode == 2
    (tmp_path / "usa").mkdir()
    (tmp_path / "usa" / "cx.ini").write_text("")
    p = subprocess.run([str(CX_BIN), "demo", "--federation", str(tmp_path)],
                       capture_output=True, env=cx_env(), timeout=30)
    assert p.returncode == 1 and b"already a node" in p.stderr
    for mark in SANITIZER_MARKS:
        assert mark.encode() not in p.stderr
    base = free_base_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", base + 1))
        s.listen()
        p = subprocess.run([str(CX_BIN), "demo", "--federation", str(tmp_path / "b"),
                            "--base-port", str(base)], capture_output=True, env=cx_env(),
                           timeout=30)
    assert p.returncode == 1 and b"in use" in p.stderr
    for mark in SANITIZER_MARKS:
        assert mark.encode() not in p.stderr
    assert not (tmp_path / "b" / "usa").exists()
