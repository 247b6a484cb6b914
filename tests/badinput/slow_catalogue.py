"""Bad input that needs a node with a short connection timeout ([http]
timeout = SLOW_TIMEOUT seconds): clients that send slower than it, or stop
sending."""
import json

from api.conftest import indicator
from .harness import API, BadClass, Case, TAXII, closed, envelope, new_indicator, raw_req

SLOW_TIMEOUT = 2


def trickle(path_fn, head, body, pause):
    """Headers and the body's first byte, then after pause seconds (longer
    than the timeout) the next: the server must have closed the connection."""
    def send(n, ctx=None):
        path = path_fn(n)
        data = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {n.users['contrib'].token}\r\n" + head +
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        return n.raw(None, chunks=[data + body[:1], body[1:2]], pause=pause, shutdown=False)
    return send


def slow_headers(pause):
    def send(n, ctx=None):
        parts = [b"GET /taxii2/ HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"Accept: */*\r\n"]
        return n.raw(None, chunks=parts, pause=pause, shutdown=False)
    return send


SLOW_CATALOGUE = [
    # A body cut short, then the client's end closed: no answer, nothing
    # stored. libmicrohttpd may see the close only at the connection timeout
    # (when the close came in the same read as the last bytes), so this
    # class runs here, where that is short.
    BadClass("truncated-body", ["taxii", "api"], [
        Case("taxii envelope cut short", raw_req(
            "POST", lambda n: n.col_path("box", "objects/"),
            [f"Accept: {TAXII}", f"Content-Type: {TAXII}", "Content-Length: 5000"],
            lambda n: envelope([indicator("Truncated")])[:60]), closed),
        Case("api object cut short", raw_req(
            "POST", f"{API}/objects", ["Content-Type: application/json",
                                       "Content-Length: 4000"],
            json.dumps(new_indicator()).encode()[:50]), closed),
        Case("chunk larger than what came", raw_req(
            "POST", f"{API}/objects", ["Content-Type: application/json",
                                       "Transfer-Encoding: chunked"], b"ffff\r\n{}"), closed),
    ]),
    BadClass("slow-upload", ["taxii", "api"], [
        Case("taxii envelope", trickle(lambda n: n.col_path("box", "objects/"),
                                       f"Accept: {TAXII}\r\nContent-Type: {TAXII}\r\n",
                                       envelope([indicator("Slow")]), SLOW_TIMEOUT + 1.5),
             closed),
        Case("api object", trickle(lambda n: "/api/v1/objects",
                                   "Content-Type: application/json\r\n",
                                   json.dumps({"type": "indicator"}).encode(),
                                   SLOW_TIMEOUT + 1.5), closed),
    ]),
    BadClass("slow-headers", ["http"], [
        Case("a header every few seconds", slow_headers(SLOW_TIMEOUT + 1.5), closed),
        Case("idle connection", lambda n, ctx=None: n.raw(b"", shutdown=False), closed),
    ]),
]
