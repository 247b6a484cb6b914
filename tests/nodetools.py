"""What the node-level suites (taxii, api, access) share to drive a `cx`
binary: its environment, running it, editing its cx.ini, reading a printed
token, and a free port on 127.0.0.1."""
import os
import signal
import re
import socket
import subprocess
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
CX_BIN = Path(os.environ.get("CX_BIN", REPO / "build" / "src" / "cli" / "cx"))


def cx_env():
    return {k: v for k, v in os.environ.items() if k != "CX_NODE"}


def run_cx(node_dir, *args, input=None, check=True, timeout=120):
    argv = [str(CX_BIN), "--node", str(node_dir)] + [str(a) for a in args]
    p = subprocess.run(argv, input=input.encode() if isinstance(input, str) else input,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cx_env(),
                       timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(argv[1:])[:300]}: exit {p.returncode}\n"
                             f"stdout: {p.stdout[-2000:]!r}\nstderr: {p.stderr[-2000:]!r}")
    return p


def ini_set(path, section, key, value):
    """Set key = value in [section] of an INI file, adding either if absent."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    header = re.compile(r"^\s*\[([^\]]+)\]")
    start = None
    for i, line in enumerate(lines):
        m = header.match(line)
        if m and m.group(1).strip() == section:
            start = i
            break
    if start is None:
        lines += ["", f"[{section}]", f"{key} = {value}"]
    else:
        end = len(lines)
        for j in range(start + 1, len(lines)):
            if header.match(lines[j]):
                end = j
                break
        keyre = re.compile(rf"^\s*{re.escape(key)}\s*[=:]")
        for j in range(start + 1, end):
            if keyre.match(lines[j]):
                lines[j] = f"{key} = {value}"
                break
        else:
            last = start
            for j in range(start + 1, end):
                if lines[j].strip():
                    last = j
            lines.insert(last + 1, f"{key} = {value}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def parse_token(stdout):
    """The secret `cx token create` prints once: a line holding only it, or
    the longest word of its output."""
    text = stdout.decode("utf-8", "replace").strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for ln in lines:
        m = re.match(r"^(?:token|secret)\s*[:=]\s*(\S+)$", ln, re.I)
        if m:
            return m.group(1)
    if len(lines) == 1 and len(lines[0].split()) == 1:
        return lines[0]
    words = [w for ln in lines for w in ln.split()]
    assert words, "cx token create printed nothing"
    return max(words, key=len)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PROVENANCE_EXTENSION = "extension-definition--b73d556f-8bd0-4b1d-aca0-62f31a628b73"


def without_provenance(obj):
    """obj as it was before the node signed it: a node stores what its own
    partner originates with the cx-provenance extension added
    (doc/ACCESS.md, "Provenance"); tests that compare stored objects with
    what they sent take it off."""
    exts = obj.get("extensions") if isinstance(obj, dict) else None
    if not exts or PROVENANCE_EXTENSION not in exts:
        return obj
    out = dict(obj)
    out["extensions"] = {k: v for k, v in exts.items() if k != PROVENANCE_EXTENSION}
    if not out["extensions"]:
        del out["extensions"]
    return out


def wait_healthy(proc, base, log, timeout=20):
    """Wait until the `cx serve` process proc answers /healthz at base; fail
    with the end of its log if it exits or does not answer within timeout
    seconds."""
    end = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"cx serve exited with {proc.returncode}:\n"
                                 f"{Path(log).read_bytes()[-3000:]!r}")
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > end:
            raise AssertionError(f"cx serve gave no /healthz within {timeout} s:\n"
                                 f"{Path(log).read_bytes()[-3000:]!r}")
        time.sleep(0.05)


def terminate(proc, timeout=15):
    """Stop a `cx serve` process with SIGTERM, as an operator would; fail if
    it does not stop within timeout seconds (it is killed then)."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"cx serve did not stop within {timeout} s of SIGTERM")
