"""`cx serve` serves the web UI: index.html at /, the files under the web
root at /ui/..., Chart.js at /vendor/chart.js, each with the UI's security
headers and the right Content-Type; anything else under /ui/ is 404
(doc/UI.md)."""
import os

import pytest
import requests

from conftest import REPO
from test_serve import free_port, start, stop, wait_healthy

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


@pytest.fixture
def web(node, tmp_path):
    """A running node whose web root ([http] web_root) is a test folder
    with secrets in it and beside it, to check that nothing outside the root is served."""
    root = tmp_path / "webroot"
    (root / "js" / "pages").mkdir(parents=True)
    (root / "css").mkdir()
    (root / "index.html").write_text("<!DOCTYPE html><title>t</title>")
    (root / "js" / "app.js").write_text("export const x = 1;\n")
    (root / "js" / "pages" / "p.js").write_text("export const p = 2;\n")
    (root / "css" / "app.css").write_text("body{}\n")
    (root / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "i.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / ".hidden.js").write_text("secret\n")
    (root / "notes.txt").write_text("secret\n")
    (root / "js" / "pages" / "conf.ini").write_text("secret\n")
    (tmp_path / "outside.js").write_text("outside secret\n")
    os.symlink(tmp_path / "outside.js", root / "js" / "link.js")
    ini = (node / "cx.ini").read_text()
    ini = ini.replace("[http]\n", f"[http]\nweb_root = {root}\n", 1)
    (node / "cx.ini").write_text(ini)
    port = free_port()
    proc, log = start(node, tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    r, why = wait_healthy(proc, base + "/healthz")
    assert r is not None, f"cx serve: {why}"
    yield base
    stop(proc, log, tmp_path)


def assert_ui_headers(r):
    assert r.headers.get("Content-Security-Policy") == CSP
    assert r.headers.get("X-Frame-Options") == "DENY"
    assert r.headers.get("Referrer-Policy") == "no-referrer"
    assert r.headers.get("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("path, ctype, body", [
    ("/", "text/html; charset=utf-8", b"<!DOCTYPE html><title>t</title>"),
    ("/ui/index.html", "text/html; charset=utf-8", b"<!DOCTYPE html><title>t</title>"),
    ("/ui/js/app.js", "text/javascript; charset=utf-8", b"export const x = 1;\n"),
    ("/ui/js/pages/p.js", "text/javascript; charset=utf-8", b"export const p = 2;\n"),
    ("/ui/css/app.css", "text/css; charset=utf-8", b"body{}\n"),
    ("/ui/logo.svg", "image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ("/ui/i.png", "image/png", b"\x89PNG\r\n\x1a\n"),
])
def test_ui_files_are_served_with_type_and_security_headers(web, path, ctype, body):
    r = requests.get(web + path, timeout=5)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == ctype
    assert r.content == body
    assert_ui_headers(r)


@pytest.mark.parametrize("path", [
    "/ui/.hidden.js",           # dotfile
    "/ui/notes.txt",            # unknown extension
    "/ui/js/pages/conf.ini",
    "/ui/js/link.js",           # a symbolic link out of the web root
    "/ui/js/missing.js",
    "/ui/js",                   # a folder
    "/ui/%2e%2e/outside.js",    # traversal, encoded
    "/ui/js/%2e%2e/%2e%2e/outside.js",
    "/ui/..%2foutside.js",
    "/ui/js/..%2f..%2foutside.js",
    "/ui/%2e%2e%2f%2e%2e%2fcx.ini",
])
def test_ui_refuses_what_is_not_a_plain_file_of_the_web_root(web, path):
    r = requests.get(web + path, timeout=5)
    assert r.status_code == 404, path
    assert b"secret" not in r.content
    assert b"[node]" not in r.content


def test_ui_raw_dot_dot_is_not_served(web):
    # requests normalises "..": send the request line as written.
    import socket
    host, port = web.split("//")[1].split(":")
    for target in ("/ui/../cx.ini", "/ui/js/../../outside.js", "/ui/./js/app.js"):
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        status = data.split(b"\r\n", 1)[0]
        assert b" 404 " in status, (target, status)
        assert b"secret" not in data and b"[node]" not in data


def test_vendor_chartjs_is_debians_chart_js(web):
    r = requests.get(web + "/vendor/chart.js", timeout=5)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"Chart.js v" in r.content[:200]
    assert_ui_headers(r)


def test_repository_index_has_no_inline_script_or_style():
    import re
    html = (REPO / "web" / "index.html").read_text()
    for m in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in m.group(1) and not m.group(2).strip(), m.group(0)
    assert "<style" not in html
    assert not re.search(r"\sstyle\s*=", html)
    assert not re.search(r"\son[a-z]+\s*=", html)


def test_repository_ui_code_builds_no_html_from_strings():
    for path in (REPO / "web" / "js").rglob("*.js"):
        text = path.read_text()
        assert "innerHTML" not in text and "outerHTML" not in text, path
        assert "insertAdjacentHTML" not in text and "document.write" not in text, path
        assert "eval(" not in text and "new Function" not in text, path
