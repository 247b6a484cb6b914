"""HTTPS: with http.tls_cert and http.tls_key set, the node serves TLS 1.2
and 1.3 only (TAXII 2.1 section 8.2.2), and refuses older protocols."""
import shutil
import signal
import socket
import ssl
import subprocess
import time

import pytest
import requests

from conftest import CX_BIN, run_cx
from test_serve import free_port, stop

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None,
                                reason="needs the openssl command to make a certificate")


@pytest.fixture
def tls_node(node, tmp_path):
    tls = node / "tls"
    tls.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                    "-keyout", str(tls / "key.pem"), "-out", str(tls / "cert.pem"),
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([str(CX_BIN), "--node", str(node),
                             "--set", "http.tls_cert=tls/cert.pem",
                             "--set", "http.tls_key=tls/key.pem",
                             "serve", "--listen", f"127.0.0.1:{port}"],
                            stdout=log, stderr=log)
    url = f"https://127.0.0.1:{port}"
    cert = str(tls / "cert.pem")
    for _ in range(100):
        try:
            requests.get(url + "/healthz", verify=cert, timeout=1)
            break
        except requests.exceptions.RequestException:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    yield url, cert, port
    stop(proc, log, tmp_path)
    assert proc.returncode in (0, -signal.SIGTERM)


def test_tls_serves_https_with_the_configured_certificate(tls_node):
    url, cert, _ = tls_node
    r = requests.get(url + "/healthz", verify=cert, timeout=5)
    assert r.status_code == 200 and r.json()["status"] == "ok"
    # TAXII over HTTPS: without credentials the answer is 401, over TLS.
    r = requests.get(url + "/taxii2/", verify=cert, timeout=5,
                     headers={"Accept": "application/taxii+json;version=2.1"})
    assert r.status_code == 401


def test_tls_refuses_plain_http(tls_node):
    url, _, port = tls_node
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)


def handshake(cert, port, version):
    """True when a client offering only `version` gets an answer; False when
    the node refuses it; None when this client cannot offer it at all."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cert)
    try:
        ctx.minimum_version = version
        ctx.maximum_version = version
        if version < ssl.TLSVersion.TLSv1_2:
            ctx.set_ciphers("ALL:@SECLEVEL=0")
    except (ValueError, ssl.SSLError):
        return None
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        try:
            with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return s.recv(12).startswith(b"HTTP/1.1 200")
        except ssl.SSLError as e:
            if "NO_PROTOCOLS_AVAILABLE" in str(e) or "NO_CIPHERS_AVAILABLE" in str(e):
                return None
            return False  # an alert or the node closing the handshake
        except (ConnectionResetError, BrokenPipeError):
            return False


@pytest.mark.parametrize("version,accepted", [
    (ssl.TLSVersion.TLSv1_2, True),
    (ssl.TLSVersion.TLSv1_3, True),
    (ssl.TLSVersion.TLSv1, False),
    (ssl.TLSVersion.TLSv1_1, False),
])
def test_tls_protocol_versions(tls_node, version, accepted):
    _, cert, port = tls_node
    got = handshake(cert, port, version)
    if got is None:
        pytest.skip(f"this OpenSSL will not offer {version.name} at all")
    assert got is accepted, f"{version.name}: expected {'accepted' if accepted else 'refused'}"


def test_tls_needs_both_files(node):
    p = run_cx("--set", "http.tls_cert=tls/cert.pem", "serve", "--listen", "127.0.0.1:1",
               node=node)
    assert p.returncode == 3, p.stderr
    assert b"tls_cert and http.tls_key go together" in p.stderr
