"""Shared helpers for the end-to-end tests of the `cx` command line.

Every test drives the real binary (CX_BIN, default build/src/cli/cx under the
repository root) on a node in a temporary folder. Every run of the binary is
also checked for sanitizer reports, so that the same tests catch memory errors
when CX_BIN points at an ASan+UBSan build.
"""
import copy
import datetime
import decimal
import json
import math
import os
import re
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
CX_BIN = Path(os.environ.get("CX_BIN", REPO / "build" / "src" / "cli" / "cx"))

# Texts that only a sanitizer prints; any of them on stderr fails the run.
SANITIZER_MARKS = ("runtime error", "AddressSanitizer", "LeakSanitizer",
                   "UndefinedBehaviorSanitizer")

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_NODE, EXIT_INPUT = 0, 1, 2, 3, 4


def rule_codes():
    """The rule codes of src/stix/error.h, the registry clients match on."""
    text = (REPO / "src" / "stix" / "error.h").read_text()
    return set(re.findall(r'#define CX_RULE_\w+\s+"([a-z-]+)"', text))


# --- RFC 8785 (JCS) -------------------------------------------------------

def _jcs_number(x):
    """ECMAScript Number::toString of a double, as RFC 8785 requires."""
    if isinstance(x, int):
        if abs(x) >= 2**53:
            raise ValueError(f"integer {x} is not exactly representable")
        return str(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("NaN and infinities have no JSON form")
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    # repr() gives the shortest digit string that round-trips, as ECMAScript
    # does; only the layout of those digits differs.
    t = decimal.Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, t.digits)).rstrip("0") or "0"
    k = len(digits)
    n = len("".join(map(str, t.digits))) + t.exponent  # decimal point position
    if k <= n <= 21:
        s = digits + "0" * (n - k)
    elif 0 < n <= 21:
        s = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        s = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        es = ("+" if e > 0 else "-") + str(abs(e))
        s = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + es
    return sign + s


def jcs(value):
    """The RFC 8785 canonical text of a parsed JSON value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return _jcs_number(value)
    if isinstance(value, str):
        # json.dumps escapes exactly what JCS escapes when ensure_ascii is off:
        # the quote, the backslash and C0 controls (short forms or \u00xx).
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + jcs(value[k])
                              for k in keys) + "}"
    raise TypeError(type(value))


def jcs_bytes(value):
    return jcs(value).encode("utf-8")


# --- Running cx -------------------------------------------------------------

def cx_env(extra=None):
    """The environment for cx: the caller's, without a CX_NODE of its own."""
    env = {k: v for k, v in os.environ.items() if k != "CX_NODE"}
    env.update(extra or {})
    return env


def assert_no_sanitizer_report(stderr, what="cx"):
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    for mark in SANITIZER_MARKS:
        assert mark not in text, f"{what}: sanitizer report on stderr:\n{text[-4000:]}"


def run_cx(*args, node=None, cwd=None, input=None, env=None, timeout=120):
    """Run cx with args (a global --node DIR first when node is given) and
    return the CompletedProcess with bytes stdout/stderr."""
    argv = [str(CX_BIN)]
    if node is not None:
        argv += ["--node", str(node)]
    argv += [str(a) for a in args]
    if isinstance(input, str):
        input = input.encode("utf-8")
    p = subprocess.run(argv, cwd=cwd, input=input, env=cx_env(env),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    assert_no_sanitizer_report(p.stderr, " ".join(argv[1:])[:200])
    return p


def describe(p):
    return (f"exit {p.returncode}\nstdout: {p.stdout[:3000]!r}\n"
            f"stderr: {p.stderr[:3000]!r}")


def assert_cli_error(p, code):
    """Exit `code` with exactly one stderr line that starts with "cx: "."""
    assert p.returncode == code, describe(p)
    lines = p.stderr.decode("utf-8", "replace").splitlines()
    assert len(lines) == 1 and lines[0].startswith("cx: ") and len(lines[0]) > 4, describe(p)


# --- Import and export ------------------------------------------------------

SUMMARY = re.compile(r"^summary: (\d+) stored, (\d+) duplicate, (\d+) rejected$")


def parse_import_text(stdout):
    """The per-object lines and the summary of a text-mode import."""
    lines = stdout.decode("utf-8").splitlines()
    assert lines, "import printed nothing"
    m = SUMMARY.match(lines[-1])
    assert m, f"last line is not a summary: {lines[-1]!r}"
    return lines[:-1], tuple(int(g) for g in m.groups())


def write_bundle(path, objects, bundle_id=None):
    bundle = {"type": "bundle",
              "id": bundle_id or "bundle--" + str(uuid.uuid4()),
              "objects": objects}
    Path(path).write_text(json.dumps(bundle, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def import_json(node, path_or_dash, *extra, input=None, expect=None):
    """Import with --json and return (process, parsed report)."""
    p = run_cx("import", "--json", *extra, path_or_dash, node=node, input=input)
    if expect is not None:
        assert p.returncode == expect, describe(p)
    report = json.loads(p.stdout)
    return p, report


BUNDLE_TEXT = re.compile(rb'^\{"id":"bundle--([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-'
                         rb'[0-9a-f]{4}-[0-9a-f]{12})","objects":\[(.*)\],"type":"bundle"\}\n\Z',
                         re.S)


def export(node, *args):
    """Run `cx export` and return (raw bytes, bundle id, parsed objects).
    Without --as USER the export is the operator's one of everything
    (--all), which is what the tests of storage compare with."""
    if "--as" not in args and "--all" not in args:
        args = ("--all",) + tuple(args)
    p = run_cx("export", *args, node=node)
    assert p.returncode == 0, describe(p)
    return check_export_bytes(p.stdout)


def check_export_bytes(raw):
    m = BUNDLE_TEXT.match(raw)
    assert m, f"export is not a canonical bundle: {raw[:300]!r} ... {raw[-100:]!r}"
    bundle = json.loads(raw)
    bid = m.group(1).decode()
    assert uuid.UUID(bid).variant == uuid.RFC_4122, bid
    return raw, bid, bundle["objects"]


def expected_export(bundle_uuid, objects):
    """The exact bytes of an export holding `objects` in that order."""
    return (b'{"id":"bundle--' + bundle_uuid.encode() + b'","objects":['
            + b",".join(jcs_bytes(o) for o in objects) + b'],"type":"bundle"}\n')


def load_data(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


# --- What every node holds from `cx init` on ---------------------------------

# The OASIS TLP marking definitions (2.0, then 1.0), the project's identity
# and its releasability extension-definition, stored by `cx init` in this
# order before anything else (doc/CLI.md, doc/ACCESS.md).
TLP_IDS = (
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",  # 2.0 CLEAR
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",  # 2.0 GREEN
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",  # 2.0 AMBER
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",  # 2.0 AMBER+STRICT
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",  # 2.0 RED
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",  # 1.0 WHITE
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",  # 1.0 GREEN
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",  # 1.0 AMBER
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",  # 1.0 RED
)
TLP = dict(zip(("clear", "green", "amber", "amber+strict", "red"), TLP_IDS))
PROJECT_IDENTITY = "identity--2c9e4f5a-7b1d-4e3f-8a6c-0d9b8e7f6a5c"
RELEASABILITY_EXTENSION = "extension-definition--a7b3c2d1-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
# The record types' extension-definitions, in the order src/core/meson.build
# lists their schemas (the order `cx init` stores them in).
RECORD_TYPES = ("cx-dialogue", "cx-commitment", "cx-aat-activity", "cx-assessment-framework",
                "cx-observation", "cx-assessment", "cx-transition-milestone",
                "cx-security-assistance-case", "cx-protected-site", "cx-movement-request",
                "cx-movement-decision", "cx-incident-report", "cx-repatriation-case",
                "cx-home-nation-decision",
                # Not a record type: the property-extension of any type that
                # carries origin signatures (doc/ACCESS.md, "Provenance").
                "cx-provenance")
RECORD_EXTENSIONS = tuple(
    json.loads((REPO / "schemas" / f"{t}.json").read_text())["x_cx_extension_id"]
    for t in RECORD_TYPES)
BOOTSTRAP_IDS = TLP_IDS + (PROJECT_IDENTITY, RELEASABILITY_EXTENSION) + RECORD_EXTENSIONS

_bootstrap = []


def bootstrap_objects():
    """The objects of a new node, in order, as `cx export --all` gives them
    (read once, from a node made for the purpose)."""
    if not _bootstrap:
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp) / "node"
            p = run_cx("init", d)
            assert p.returncode == 0, describe(p)
            _, _, objs = export(d, "--all")
        assert [o["id"] for o in objs] == list(BOOTSTRAP_IDS), \
            f"cx init stored {[o['id'] for o in objs]}"
        _bootstrap.extend(objs)
    return copy.deepcopy(_bootstrap)


def ts_us(ts):
    """Microseconds since the epoch of an RFC 3339 UTC timestamp."""
    m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$", ts)
    assert m, f"not a UTC timestamp: {ts!r}"
    t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
    t = t.replace(tzinfo=datetime.timezone.utc)
    frac = (m.group(2) or "").ljust(6, "0")[:6]
    return int(t.timestamp()) * 1000000 + int(frac)


def bootstrap_selected(args):
    """The bootstrap objects an export with these options holds. Every one
    is readable by every user (unmarked definitions, or TLP:CLEAR) and none
    is a member of a collection; each has one version."""
    types, after, in_collection = [], None, False
    it = iter([str(a) for a in args])
    for a in it:
        if a == "--type":
            types.append(next(it))
        elif a == "--modified-after":
            after = ts_us(next(it))
        elif a == "--collection":
            in_collection = True
            next(it)
        elif a in ("--as", "-o", "--output"):
            next(it)
    out = []
    for o in bootstrap_objects():
        if in_collection or (types and o["type"] not in types):
            continue
        if after is not None and ts_us(o.get("modified") or o["created"]) <= after:
            continue
        out.append(o)
    return out


def partner_identities(node):
    """code -> identity id, from the third column of `cx partner list`."""
    p = run_cx("partner", "list", node=node)
    assert p.returncode == 0, describe(p)
    out = {}
    for line in p.stdout.decode("utf-8").splitlines():
        cols = line.split("\t")
        assert len(cols) >= 3 and cols[2].startswith("identity--"), line
        out[cols[0]] = cols[2]
    return out


# --- Fixtures ---------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def cx_binary():
    if not (CX_BIN.is_file() and os.access(CX_BIN, os.X_OK)):
        pytest.fail(f"no cx binary at {CX_BIN} (build it, or set CX_BIN)", pytrace=False)
    return CX_BIN


@pytest.fixture
def node(tmp_path):
    """A freshly initialised node folder."""
    d = tmp_path / "node"
    p = run_cx("init", d, cwd=tmp_path)
    assert p.returncode == 0, describe(p)
    return d


@pytest.fixture(scope="module")
def spec_bundle():
    return load_data("stix-spec-examples.json")


@pytest.fixture(scope="module")
def small_bundle():
    return load_data("indicators-small.json")
