"""Socket activation: `cx serve` serves the listening socket systemd passes
(LISTEN_PID is its own pid, LISTEN_FDS=1, the socket is fd 3) instead of
binding [http] listen, and ignores variables meant for another process.
Also the units of dist/systemd: hardened as doc/OPERATIONS.md says, and
accepted by systemd-analyze where it exists."""
import os
import re
import shutil
import socket
import subprocess

import pytest
import requests

from conftest import CX_BIN, EXIT_FAIL, REPO, cx_env
from test_serve import free_port, stop, wait_healthy


def spawn(node, tmp_path, fds, listen_pid="$$", listen_fds=None, configured=None):
    """Run cx serve through sh -c so that LISTEN_PID can be the pid cx will
    have ($$ of the shell that execs it), with fds[i] as fd 3 + i."""
    configured = configured or free_port()
    script = (f'LISTEN_PID={listen_pid} LISTEN_FDS={listen_fds or len(fds)} exec "$0" '
              f'--node "$1" --set http.listen=127.0.0.1:{configured} serve')

    def as_fd3():
        for i, fd in enumerate(fds):
            os.dup2(fd, 3 + i)

    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen(["sh", "-c", script, str(CX_BIN), str(node)],
                            pass_fds=tuple(range(3, 3 + len(fds))), preexec_fn=as_fd3,
                            stdout=log, stderr=subprocess.STDOUT, env=cx_env())
    return proc, log, configured


def finish(proc, log, tmp_path):
    return stop(proc, log, tmp_path).decode("utf-8", "replace")


def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s


def refused(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def test_serves_the_socket_systemd_passes(node, tmp_path):
    with listener() as s:
        port = s.getsockname()[1]
        proc, log, configured = spawn(node, tmp_path, [s.fileno()])
        try:
            r, why = wait_healthy(proc, f"http://127.0.0.1:{port}/healthz")
            assert r is not None, f"cx serve: {why}\n{(tmp_path / 'serve.log').read_bytes()!r}"
            assert r.status_code == 200 and r.json()["status"] == "ok"
            # The configured address was not bound.
            assert refused(configured)
        finally:
            out = finish(proc, log, tmp_path)
    assert proc.returncode == 0, out
    assert f"msg=listening socket=systemd fd=3 addr=127.0.0.1 port={port}" in out, out


def test_variables_for_another_process_are_ignored(node, tmp_path):
    with listener() as s:
        proc, log, configured = spawn(node, tmp_path, [s.fileno()], listen_pid="1")
        try:
            r, why = wait_healthy(proc, f"http://127.0.0.1:{configured}/healthz")
            assert r is not None, f"cx serve: {why}\n{(tmp_path / 'serve.log').read_bytes()!r}"
            assert r.status_code == 200
        finally:
            out = finish(proc, log, tmp_path)
    assert proc.returncode == 0, out
    assert f"msg=listening addr=127.0.0.1 port={configured}" in out, out
    assert "socket=systemd" not in out


def test_more_than_one_socket_is_refused(node, tmp_path):
    with listener() as a, listener() as b:
        proc, log, configured = spawn(node, tmp_path, [a.fileno(), b.fileno()])
        code = proc.wait(timeout=30)
        out = finish(proc, log, tmp_path)
    assert code == EXIT_FAIL, out
    assert "cx: serve: systemd passed 2 sockets (LISTEN_FDS); cx serve takes exactly one" in out
    assert refused(configured)


def test_a_passed_fd_that_is_not_a_listening_socket_is_refused(node, tmp_path):
    with open(tmp_path / "not-a-socket", "wb") as f, \
            socket.socket(socket.AF_INET, socket.SOCK_STREAM) as unbound:
        for fd in (f.fileno(), unbound.fileno()):
            proc, log, configured = spawn(node, tmp_path, [fd])
            code = proc.wait(timeout=30)
            out = finish(proc, log, tmp_path)
            assert code == EXIT_FAIL, out
            assert "fd 3 from systemd (LISTEN_FDS) is not a listening stream socket" in out
            assert refused(configured)


def test_requests_on_the_passed_socket_are_counted_like_any_other(node, tmp_path):
    # The inherited socket goes through the same daemon: its requests are
    # logged with their ids.
    with listener() as s:
        port = s.getsockname()[1]
        proc, log, _ = spawn(node, tmp_path, [s.fileno()])
        try:
            r, why = wait_healthy(proc, f"http://127.0.0.1:{port}/healthz")
            assert r is not None, why
            r = requests.get(f"http://127.0.0.1:{port}/no/such/path", timeout=10)
            assert r.status_code == 404
            rid = r.headers["X-Request-Id"]
        finally:
            out = finish(proc, log, tmp_path)
    assert f"req={rid} msg=request method=GET path=/no/such/path status=404" in out


# --- The systemd units (dist/systemd) -----------------------------------------

UNITS = REPO / "dist" / "systemd"

# What cx.service must hold whatever doc/OPERATIONS.md says.
REQUIRED = ("NoNewPrivileges", "ProtectSystem", "ReadWritePaths", "ProtectHome", "PrivateTmp",
            "PrivateDevices", "ProtectKernelTunables", "ProtectKernelModules",
            "ProtectKernelLogs", "ProtectControlGroups", "ProtectClock", "ProtectHostname",
            "RestrictAddressFamilies", "RestrictNamespaces", "RestrictRealtime",
            "RestrictSUIDSGID", "LockPersonality", "MemoryDenyWriteExecute",
            "SystemCallFilter", "SystemCallArchitectures", "CapabilityBoundingSet", "UMask")


def unit_sections(path):
    """{section: [(key, value), ...]} of a unit file; also returns the
    [Service] settings after the '# Hardening' comment."""
    sections, current, hardening, in_hardening = {}, None, [], False
    for line in path.read_text().splitlines():
        s = line.strip()
        if s.startswith("[") and s.endswith("]"):
            current, in_hardening = s[1:-1], False
            sections[current] = []
        elif s.startswith("# Hardening"):
            in_hardening = True
        elif s and not s.startswith(("#", ";")):
            key, eq, value = s.partition("=")
            assert eq and current, f"{path.name}: not a setting: {line!r}"
            sections[current].append((key.strip(), value.strip()))
            if in_hardening:
                hardening.append((key.strip(), value.strip()))
    return sections, hardening


def documented_hardening():
    """The directives of doc/OPERATIONS.md's "Hardening" table."""
    text = (REPO / "doc" / "OPERATIONS.md").read_text()
    part = text.split("### Hardening", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `([A-Za-z]+)=([^`]*)` \|", part, re.M)
    assert len(rows) >= len(REQUIRED), rows
    return rows


def test_the_service_holds_exactly_the_documented_hardening():
    sections, hardening = unit_sections(UNITS / "cx.service")
    doc = documented_hardening()
    assert sorted(hardening) == sorted(doc), "cx.service and doc/OPERATIONS.md disagree"
    assert {k for k, _ in doc} >= set(REQUIRED)
    service = dict(sections["Service"])
    for k, v in doc:
        assert service[k] == v, k
    assert service["User"] == "cx" and service["UMask"] == "0077"
    assert service["ExecStart"] == "/usr/local/bin/cx --node /var/lib/cx serve"
    assert service["ReadWritePaths"] == "/var/lib/cx"
    assert service["CapabilityBoundingSet"] == ""
    assert service["KillSignal"] == "SIGTERM" and service["Restart"] == "on-failure"
    assert int(service["TimeoutStopSec"]) > 0


def test_the_socket_unit_passes_exactly_one_stream_socket():
    sections, _ = unit_sections(UNITS / "cx.socket")
    listens = [v for k, v in sections["Socket"] if k.startswith("Listen")]
    assert len(listens) == 1, listens                  # cx serve takes exactly one
    assert [k for k, _ in sections["Socket"] if k.startswith("Listen")] == ["ListenStream"]
    assert listens[0].startswith("127.0.0.1:")
    assert not any(k == "Accept" and v.lower() in ("yes", "true") for k, v in sections["Socket"])
    # The same user everywhere.
    assert "u cx " in (UNITS / "cx.sysusers").read_text()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed on this machine")
def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    # verify insists that ExecStart= exists: point it at the binary under
    # test, everything else as shipped.
    service = (UNITS / "cx.service").read_text()
    assert "/usr/local/bin/cx " in service
    (tmp_path / "cx.service").write_text(service.replace("/usr/local/bin/cx ", f"{CX_BIN} "))
    shutil.copy(UNITS / "cx.socket", tmp_path / "cx.socket")
    p = subprocess.run(["systemd-analyze", "verify", "cx.socket", "cx.service"], cwd=tmp_path,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    assert p.returncode == 0, out
    # Unknown or misspelt directives are only warnings: none may name our units.
    assert not [ln for ln in out.splitlines() if "cx.service" in ln or "cx.socket" in ln], out
