"""Browser tests of the web UI (doc/UI.md): Debian's chromium driven by
chromium-driver through python3-selenium, headless, against a real
`cx serve` on a node made by `cx demo`.

- CX_BIN names the binary (default build/src/cli/cx).
- Screenshots go to build/ui-screenshots/ (CX_UI_SHOTS overrides).
- Every test that uses `browser` fails when the browser logged a SEVERE
  entry. The only ones let through are the network lines Chromium writes
  for an API answer of 4xx that the page asked for on purpose and shows
  (a wrong password, a refused workflow step, the sign-in check while
  signed out): each test says which statuses it expects.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from nodetools import CX_BIN, cx_env, free_port  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "exercise-only-password"
SHOTS = Path(os.environ.get("CX_UI_SHOTS", REPO / "build" / "ui-screenshots"))
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
TLP_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
TLP_GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"


# The test modules here say `from conftest import ...`. Run together with
# another folder whose conftest.py is also a top-level `conftest` (tests/cli),
# that name may point at the other one: while a module of this folder is
# imported, it names this file.
_THIS = sys.modules[__name__]


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    if not isinstance(collector, pytest.Module):
        yield
        return
    before = sys.modules.get("conftest")
    sys.modules["conftest"] = _THIS
    try:
        yield
    finally:
        if before is not None:
            sys.modules["conftest"] = before
        else:
            sys.modules.pop("conftest", None)


class Node:
    def __init__(self, base, directory, log):
        self.base = base
        self.dir = directory
        self.log = log
        self._sessions = {}

    def api(self, user):
        """A requests session signed in as user (cached), with its CSRF token."""
        if user not in self._sessions:
            s = requests.Session()
            r = s.post(self.base + "/api/v1/session", json={"user": user, "password": PASSWORD},
                       timeout=30)
            assert r.status_code == 200, (user, r.status_code, r.text)
            s.headers["X-CSRF-Token"] = r.json()["csrf"]
            self._sessions[user] = s
        return self._sessions[user]

    def get(self, user, path, **params):
        r = self.api(user).get(self.base + "/api/v1/" + path, params=params, timeout=30)
        return r

    def post(self, user, path, body):
        return self.api(user).post(self.base + "/api/v1/" + path, json=body, timeout=30)

    def list_all(self, user, **params):
        items, cursor = [], None
        for _ in range(100):
            q = dict(params, limit=500)
            if cursor:
                q["cursor"] = cursor
            r = self.get(user, "objects", **q)
            assert r.status_code == 200, r.text
            body = r.json()
            items += body["items"]
            cursor = body.get("next_cursor")
            if not cursor:
                break
        return items


@pytest.fixture(scope="session")
def node(tmp_path_factory):
    assert Path(CX_BIN).exists(), f"no cx binary at {CX_BIN}: build it first"
    d = tmp_path_factory.mktemp("ui") / "node"
    subprocess.run([str(CX_BIN), "demo", str(d)], check=True, env=cx_env(), timeout=300,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    port = free_port()
    log_path = d.parent / "serve.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen([str(CX_BIN), "--node", str(d), "serve", "--listen",
                             f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT,
                            env=cx_env())
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"cx serve exited: {log_path.read_text()[-3000:]}")
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("cx serve gave no /healthz within 20 s")
        time.sleep(0.05)
    yield Node(base, d, log_path)
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


def _options(width=1280, height=800):
    o = webdriver.ChromeOptions()
    o.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-background-networking",
              "--disable-dev-shm-usage", f"--window-size={width},{height}",
              "--disable-extensions", "--disable-sync", "--no-first-run",
              "--disable-default-apps", "--disable-component-update",
              "--hide-scrollbars=false", "--lang=en-GB"):
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return o


@pytest.fixture(scope="session")
def driver():
    assert shutil.which(CHROMEDRIVER) or Path(CHROMEDRIVER).exists(), "chromium-driver is missing"
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=_options())
    d.set_page_load_timeout(30)
    d.set_script_timeout(30)
    yield d
    d.quit()


class Browser:
    """The shared browser, signed in as one user at a time."""

    def __init__(self, driver, node):
        self.d = driver
        self.node = node
        self.allowed = set()  # API statuses this test expects Chromium to log
        self.user = None

    # Navigation -----------------------------------------------------------------
    def open(self, hash_path="", wait_for="h1"):
        self.d.get(self.node.base + "/" + ("#/" + hash_path.lstrip("#/") if hash_path else ""))
        if wait_for:
            self.wait_page()

    def go(self, hash_path):
        """Navigate inside the app (hash change, no reload)."""
        self.d.execute_script("location.hash = arguments[0]", "#/" + hash_path.lstrip("#/"))
        self.wait_page()

    def wait_page(self, timeout=15):
        WebDriverWait(self.d, timeout).until(
            lambda d: d.execute_script(
                "const m = document.getElementById('main');"
                "return m && !m.hasAttribute('aria-busy') && !!m.querySelector('h1');"))

    def wait(self, cond, timeout=15):
        return WebDriverWait(self.d, timeout).until(cond)

    def find(self, css):
        return self.d.find_element(By.CSS_SELECTOR, css)

    def finds(self, css):
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def visible(self, css, timeout=15):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)), timeout)

    def heading(self):
        return self.find("#main h1").text

    # Users ------------------------------------------------------------------------
    def sign_out(self):
        self.d.get(self.node.base + "/")
        self.d.execute_script(
            "return fetch('/api/v1/session', {headers: {Accept: 'application/json'}})"
            ".then(r => r.ok ? r.json() : null).then(s => s && fetch('/api/v1/session', "
            "{method: 'DELETE', headers: {'X-CSRF-Token': s.csrf}}))")
        self.d.delete_all_cookies()
        self.d.get("about:blank")  # the next page starts afresh
        self.user = None

    def sign_in(self, user, password=PASSWORD):
        if self.user == user:
            return
        self.allowed.add(401)  # the shell asks who is signed in before the form
        self.sign_out()
        self.open("signin", wait_for=None)
        self.visible("#signin-user")
        self.find("#signin-user").send_keys(user)
        self.find("#signin-password").send_keys(password)
        self.find("#signin-submit").click()
        self.wait(lambda d: "#/signin" not in d.current_url and d.find_elements(By.CSS_SELECTOR, "#nav a"))
        self.wait_page()
        self.user = user

    # Checks -----------------------------------------------------------------------
    def severe(self):
        out = []
        for e in self.d.get_log("browser"):
            if e.get("level") != "SEVERE":
                continue
            msg = e.get("message", "")
            m = re.search(r"/api/v1/\S* - Failed to load resource: the server responded "
                          r"with a status of (\d{3})", msg)
            if e.get("source") == "network" and m and int(m.group(1)) in self.allowed:
                continue
            out.append(msg)
        return out

    def assert_no_severe(self):
        errs = self.severe()
        assert not errs, "the browser logged errors:\n" + "\n".join(errs)

    def no_horizontal_scroll(self):
        return self.d.execute_script(
            "const e = document.documentElement;"
            "return e.scrollWidth <= e.clientWidth && document.body.scrollWidth <= e.clientWidth;")


@pytest.fixture
def browser(driver, node):
    b = Browser(driver, node)
    b.user = getattr(driver, "_cx_user", None)
    driver.get_log("browser")  # start this test with an empty log
    yield b
    driver._cx_user = b.user
    errs = b.severe()
    driver.set_window_size(1280, 800)
    assert not errs, "the browser logged errors:\n" + "\n".join(errs)


def shot(driver, name):
    """Save a PNG screenshot of the whole page as SHOTS/name.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / (re.sub(r"[^a-z0-9_-]+", "-", name.lower()) + ".png")
    size = driver.get_window_size()
    w, h = size["width"], size["height"]
    full = driver.execute_script(
        "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)")
    driver.set_window_size(w, min(max(h, full + 140), 6000))
    time.sleep(0.2)
    driver.save_screenshot(str(path))
    driver.set_window_size(w, h)
    assert path.stat().st_size > 1000, f"screenshot {path} is empty"
    return path
