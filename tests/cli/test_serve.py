"""`cx serve`: the daemon starts, answers /healthz and stops on SIGTERM."""
import signal
import socket
import subprocess
import time

import requests

from conftest import CX_BIN, assert_no_sanitizer_report, cx_env


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(node, tmp_path, port):
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([str(CX_BIN), "--node", str(node), "serve",
                             "--listen", f"127.0.0.1:{port}"],
                            stdout=log, stderr=subprocess.STDOUT, env=cx_env())
    return proc, log


def wait_healthy(proc, url, deadline=15.0):
    end = time.monotonic() + deadline
    last = None
    while time.monotonic() < end:
        if proc.poll() is not None:
            return None, f"exited with {proc.returncode}"
        try:
            return requests.get(url, timeout=2), None
        except requests.ConnectionError as e:
            last = e
            time.sleep(0.05)
    return None, f"no answer within {deadline}s: {last}"


def stop(proc, log, tmp_path):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError("cx serve did not stop within 10 s of SIGTERM")
    log.close()
    out = (tmp_path / "serve.log").read_bytes()
    assert_no_sanitizer_report(out, "cx serve")
    return out


def test_serve_healthz(node, tmp_path):
    port = free_port()
    proc, log = start(node, tmp_path, port)
    try:
        r, why = wait_healthy(proc, f"http://127.0.0.1:{port}/healthz")
        assert r is not None, f"cx serve: {why}\n{(tmp_path / 'serve.log').read_bytes()[-3000:]!r}"
        assert r.status_code == 200, r.text
        assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers
        body = r.json()
        assert isinstance(body, dict) and body.get("status") == "ok", body
        # Listening only where it was told to.
        assert proc.poll() is None
    finally:
        out = stop(proc, log, tmp_path)
    assert proc.returncode in (0, -signal.SIGTERM), (proc.returncode, out[-2000:])


def test_serve_port_in_use_fails(node, tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        proc, log = start(node, tmp_path, port)
        try:
            code = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            out = stop(proc, log, tmp_path)
    assert code not in (None, 0), f"cx serve on a busy port: exit {code}\n{out[-2000:]!r}"
