"""A forwarding HTTP proxy in front of a node for the federation tests: it
counts requests and can answer slowly, be down, shrink pages, or edit the
TAXII pages it forwards (to tamper with objects in transit)."""
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


class Proxy:
    """A forwarding proxy in front of a node that counts requests and can
    answer slowly (to interrupt a sync in the middle)."""

    def __init__(self, target):
        proxy = self
        self.target = target
        self.delay = 0.0
        self.requests = []
        self.tamper = None      # a function that may change a page's JSON
        self.down = False       # answer 502 as if the node were unreachable
        self.page_limit = None  # rewrite the limit the client asks for
        self.times = []         # monotonic time of each request

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                proxy.requests.append(self.path)
                proxy.times.append(time.monotonic())
                if proxy.down:
                    self.send_error(502)
                    return
                if proxy.delay:
                    time.sleep(proxy.delay)
                path = self.path
                if proxy.page_limit:
                    path = re.sub(r"limit=\d+", f"limit={proxy.page_limit}", path)
                hdrs = {k: v for k, v in self.headers.items()
                        if k.lower() in ("accept", "authorization")}
                try:
                    r = requests.get(proxy.target + path, headers=hdrs, timeout=30)
                except requests.RequestException:
                    self.send_error(502)
                    return
                body = r.content
                if proxy.tamper and r.status_code == 200 and body:
                    body = json.dumps(proxy.tamper(json.loads(body))).encode()
                self.send_response(r.status_code)
                for k, v in r.headers.items():
                    if k.lower() in ("content-type",) or k.lower().startswith("x-taxii"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
