"""Three real nodes (USA, IRQ, KRG) on 127.0.0.1 for the federation tests.

Each node: `cx init`, `[node] partner`, the three partners with the same
fixed identities everywhere, an admin user, a peer-role user for each other
partner, and a collection `intel` (the same id on every node) that its own
partner reads and writes and the `peer` role of every partner reads. The
nodes are served with `cx serve` and stopped with SIGTERM at the end."""
import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from nodetools import CX_BIN, cx_env, free_port, ini_set

PARTNERS = {
    "USA": "identity--0b0e2c5e-7f8c-4d6a-9a51-1f2d3e4c5b60",
    "IRQ": "identity--1c1f3d6f-8a9d-4e7b-8b62-2a3e4f5d6c71",
    "KRG": "identity--2d2a4e7a-9bae-4f8c-9c73-3b4f5a6e7d82",
}
COLLECTION = "5d1a0f64-6b2e-4a41-9f0e-8c7b6a5d4e3f"
PEER_PASSWORD = "federation-test-password"
SANITIZER_MARKS = ("runtime error", "AddressSanitizer", "LeakSanitizer",
                   "UndefinedBehaviorSanitizer")


class Node:
    def __init__(self, base, code):
        self.code = code
        self.dir = Path(base) / code.lower()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.root = f"{self.url}/coalition/"
        self.proc = None
        self.log = Path(base) / f"{code.lower()}-serve.log"

    def cx(self, *args, input=None, check=True, timeout=120):
        argv = [str(CX_BIN), "--node", str(self.dir)] + [str(a) for a in args]
        p = subprocess.run(argv, input=input.encode() if isinstance(input, str) else input,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cx_env(),
                           timeout=timeout)
        err = p.stderr.decode("utf-8", "replace")
        for mark in SANITIZER_MARKS:
            assert mark not in err, f"sanitizer report from cx {' '.join(argv[3:])}:\n{err}"
        if check and p.returncode != 0:
            raise AssertionError(f"cx {' '.join(argv[3:])[:300]}: exit {p.returncode}\n"
                                 f"stdout: {p.stdout[-2000:]!r}\nstderr: {err[-2000:]}")
        return p

    def setup(self):
        subprocess.run([str(CX_BIN), "init", str(self.dir)], check=True, env=cx_env(),
                       stdout=subprocess.DEVNULL)
        ini = self.dir / "cx.ini"
        ini_set(ini, "node", "partner", self.code)
        ini_set(ini, "node", "name", f"cx-{self.code.lower()}")
        # These nodes sync only when a test runs `cx sync` (the loop tests
        # set their own interval).
        ini_set(ini, "sync", "interval", "0")
        for code, ident in PARTNERS.items():
            self.cx("partner", "add", code, "--name", f"Partner {code}", "--identity", ident)
        for code in PARTNERS:
            if code != self.code:
                self.cx("user", "add", f"peer-{code.lower()}", "--partner", code,
                        "--role", "peer", "--clearance", "S", "--password-stdin",
                        input=PEER_PASSWORD + "\n")
        self.cx("collection", "add", "--title", "Intel", "--alias", "intel", "--id",
                COLLECTION)
        self.cx("collection", "allow", "intel", "--partner", self.code, "--role", "*",
                "--read-write")
        self.cx("collection", "allow", "intel", "--partner", "*", "--role", "peer", "--read")

    def key(self):
        return json.loads(self.cx("key", "show", "--json").stdout)

    def start(self):
        self.logf = open(self.log, "wb")
        self.proc = subprocess.Popen([str(CX_BIN), "--node", str(self.dir), "serve",
                                      "--listen", f"127.0.0.1:{self.port}"],
                                     stdout=self.logf, stderr=subprocess.STDOUT, env=cx_env())
        end = time.monotonic() + 20
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"cx serve exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            assert time.monotonic() < end, "cx serve gave no /healthz within 20 s"
            time.sleep(0.05)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.logf.close()
            text = self.log.read_text(errors="replace")
            for mark in SANITIZER_MARKS:
                assert mark not in text, f"sanitizer report from cx serve:\n{text[-4000:]}"

    def add_peer(self, other, url=None, name=None):
        k = other.key()
        self.cx("peer", "add", name or other.code, "--url", url or other.root, "--partner",
                other.code, "--user", f"peer-{self.code.lower()}", "--password-stdin",
                "--public-key", k["public_key"], "--key-id", k["key_id"], "--into", "intel",
                "--collection", COLLECTION, input=PEER_PASSWORD + "\n")

    def sync(self, *args, check=False):
        p = self.cx("sync", "--json", *args, check=False)
        assert p.returncode in (0, 1), p.stderr.decode()
        out = json.loads(p.stdout)
        if check:
            assert p.returncode == 0, out
        return out

    def stored(self):
        """{id: {modified: object}} of everything in the store."""
        bundle = json.loads(self.cx("export", "--all").stdout)
        res = {}
        for o in bundle.get("objects", []):
            res.setdefault(o["id"], {})[o.get("modified", o.get("created", ""))] = o
        return res

    def audit(self, action):
        p = self.cx("audit", "show", "--action", action)
        return [json.loads(ln) for ln in p.stdout.decode().splitlines() if ln.strip()]


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    base = tmp_path_factory.mktemp("fed")
    ns = {c: Node(base, c) for c in PARTNERS}
    try:
        for n in ns.values():
            n.setup()
            n.start()
        yield ns
    finally:
        for n in ns.values():
            n.stop()
