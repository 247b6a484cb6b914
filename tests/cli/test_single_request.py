"""`cx serve --single-request FILE`: the raw bytes of FILE go through the
whole server (libmicrohttpd, routing, authentication, handlers) as one
client connection, the raw response bytes come out on stdout, and no port
is opened."""
import json
import re
import socket

from conftest import EXIT_FAIL, EXIT_INPUT, EXIT_OK, EXIT_USAGE, assert_cli_error, describe, run_cx

TAXII = "application/taxii+json;version=2.1"


def parse_responses(raw):
    """Split raw HTTP/1.1 response bytes into (status, headers, body)
    triples; every response must carry a Content-Length."""
    out = []
    while raw:
        head, sep, rest = raw.partition(b"\r\n\r\n")
        assert sep, f"a response without the end of its headers: {raw[:300]!r}"
        lines = head.decode("latin-1").split("\r\n")
        m = re.match(r"^HTTP/1\.1 (\d{3}) ", lines[0])
        assert m, f"not a status line: {lines[0]!r}"
        headers = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            assert colon, f"not a header line: {line!r}"
            headers[name.strip().lower()] = value.strip()
        n = int(headers["content-length"])
        assert len(rest) >= n, f"the body is cut short: {len(rest)} of {n} bytes"
        out.append((int(m.group(1)), headers, rest[:n]))
        raw = rest[n:]
    return out


def single(node, tmp_path, data, *extra):
    f = tmp_path / "request.bin"
    f.write_bytes(data)
    return run_cx("serve", "--single-request", f, *extra, node=node)


def token_for(node, name, role):
    """A bearer token of a new user of partner USA with role."""
    p = run_cx("partner", "add", "USA", "--name", "United States", node=node)
    assert p.returncode == EXIT_OK, describe(p)
    p = run_cx("user", "add", name, "--partner", "USA", "--role", role, "--clearance", "U",
               "--password-stdin", node=node, input=f"{name}-Pass-12345\n")
    assert p.returncode == EXIT_OK, describe(p)
    p = run_cx("token", "create", name, "--expires-days", "1", node=node)
    assert p.returncode == EXIT_OK, describe(p)
    (tok,) = re.findall(r"^(cx_\S+)$", p.stdout.decode(), re.M)
    return tok


def discovery(token=None):
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return (f"GET /taxii2/ HTTP/1.1\r\nHost: node.example\r\nAccept: {TAXII}\r\n{auth}\r\n"
            .encode())


def test_taxii_discovery_with_a_token_is_200_and_the_json(node, tmp_path):
    token = token_for(node, "reader1", "reader")
    p = single(node, tmp_path, discovery(token))
    assert p.returncode == EXIT_OK, describe(p)
    ((status, headers, body),) = parse_responses(p.stdout)
    assert status == 200, body
    assert headers["content-type"] == TAXII
    assert re.fullmatch(r"[0-9a-f]{16}", headers["x-request-id"])
    doc = json.loads(body)
    assert doc["api_roots"] == ["/coalition/"] and doc["default"] == "/coalition/"
    assert doc["title"]
    # The request went through the logging layer too: one line with its id.
    log = p.stderr.decode()
    assert f"req={headers['x-request-id']} msg=request method=GET path=/taxii2/ status=200" in log


def test_authentication_is_part_of_the_stack(node, tmp_path):
    p = single(node, tmp_path, discovery())
    assert p.returncode == EXIT_OK, describe(p)
    ((status, headers, body),) = parse_responses(p.stdout)
    assert status == 401, body
    assert "Bearer" in headers["www-authenticate"]
    p = single(node, tmp_path, discovery("cx_000000000000_notatoken"))
    ((status, _, _),) = parse_responses(p.stdout)
    assert status == 401


def test_a_malformed_request_line_is_400(node, tmp_path):
    for line in (b"GET /healthz HTTP/1.x", b"GET /healthz", b"GET /healthz HTTP/1.1 extra"):
        p = single(node, tmp_path, line + b"\r\nHost: x\r\n\r\n")
        assert p.returncode == EXIT_OK, describe(p)
        (status, _, _), *_ = parse_responses(p.stdout)
        assert status == 400, (line, p.stdout[:300])


def test_an_oversized_body_is_413(node, tmp_path):
    body = b"x" * (1024 * 1024 + 1)  # one byte over the API's 1 MiB
    req = (b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Content-Length: %d\r\n\r\n" % len(body)) + body
    p = single(node, tmp_path, req)
    assert p.returncode == EXIT_OK, describe(p)
    ((status, headers, answer),) = parse_responses(p.stdout)
    assert status == 413, answer
    assert headers["connection"].lower() == "close"
    err = json.loads(answer)
    assert err["title"] and "1048576" in err["detail"]


def test_pipelined_requests_are_answered_in_order(node, tmp_path):
    # An answer given before the body could be read (404, 405, 413) closes
    # the connection, so nothing after it is read: the last response.
    req = (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
           b"GET /taxii2/ HTTP/1.1\r\nHost: x\r\n\r\n"
           b"GET /no/such/thing HTTP/1.1\r\nHost: x\r\n\r\n"
           b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    p = single(node, tmp_path, req)
    assert p.returncode == EXIT_OK, describe(p)
    responses = parse_responses(p.stdout)
    assert [r[0] for r in responses] == [200, 401, 404]
    assert json.loads(responses[0][2])["status"] == "ok"
    assert responses[2][1]["connection"].lower() == "close"
    # The sync loop is not started in this mode.
    assert "sync loop started" not in p.stderr.decode()


def test_input_that_ends_mid_request_gets_no_answer_and_exit_0(node, tmp_path):
    for data in (b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Cut",
                 b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{}"):
        p = single(node, tmp_path, data)
        assert p.returncode == EXIT_OK, describe(p)
        assert p.stdout == b"", (data, p.stdout[:300])


def test_no_port_is_opened(node, tmp_path):
    # Hold the configured port: serving it would fail, the single request
    # must not even try.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        held.listen(1)
        port = held.getsockname()[1]
        listen = f"http.listen=127.0.0.1:{port}"
        p = run_cx("--set", listen, "serve", "--single-request", "-", node=node,
                   input=b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert p.returncode == EXIT_OK, describe(p)
        assert [r[0] for r in parse_responses(p.stdout)] == [200]
        assert "msg=listening" not in p.stderr.decode()
        # The same node served normally does try that port, and fails.
        p = run_cx("--set", listen, "serve", node=node, timeout=30)
        assert p.returncode == EXIT_FAIL, describe(p)
        assert f"127.0.0.1:{port}" in p.stderr.decode()


def test_bad_use_is_refused(node, tmp_path):
    p = run_cx("serve", "--single-request", tmp_path / "missing.txt", node=node)
    assert_cli_error(p, EXIT_INPUT)
    assert b"missing.txt" in p.stderr
    f = tmp_path / "r.txt"
    f.write_bytes(b"GET /healthz HTTP/1.1\r\n\r\n")
    p = run_cx("serve", "--single-request", f, "--listen", "127.0.0.1:0", node=node)
    assert_cli_error(p, EXIT_USAGE)
