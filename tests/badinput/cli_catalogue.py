"""The `cx` command's part of the bad input catalogue: bad files and
standard input for `cx import`, bad options, bad cx.ini settings. Each case
runs the real binary on the catalogue's node; the expectation is the exit
code of doc/CLI.md and a one-line `cx: ` error naming what is wrong."""
import json
import shutil

from nodetools import run_cx
from api.conftest import indicator, stix_id, SANITIZER_MARKS
from .harness import BadClass, Case


def cli(code, *mentions):
    """Exit code, and an error on stderr starting `cx: ` that mentions each of
    mentions."""
    def check(p):
        err = p.stderr.decode("utf-8", "replace")
        show = f"exit {p.returncode}\nstdout: {p.stdout[-1500:]!r}\nstderr: {err[-1500:]!r}"
        assert not any(m in err for m in SANITIZER_MARKS), f"sanitizer report\n{show}"
        assert p.returncode == code, f"expected exit {code}\n{show}"
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert lines and any(ln.startswith("cx: ") for ln in lines), \
            f"no 'cx: ' error line\n{show}"
        for m in mentions:
            assert m in err, f"the error should mention {m!r}\n{show}"
    check.expect = f"exit {code}" + (f" naming {', '.join(mentions)}" if mentions else "")
    return check


def cli_rejected(rule):
    """Exit 1 with the object rejected (doc/CLI.md): a `rejected ID PROPERTY
    RULE: MESSAGE` line and a summary that stored nothing."""
    def check(p):
        out = p.stdout.decode("utf-8", "replace")
        show = f"exit {p.returncode}\nstdout: {out[-1500:]!r}\nstderr: {p.stderr[-1500:]!r}"
        assert not any(m in p.stderr.decode("utf-8", "replace") for m in SANITIZER_MARKS), \
            f"sanitizer report\n{show}"
        assert p.returncode == 1, f"expected exit 1\n{show}"
        assert any(ln.startswith("rejected ") and f" {rule}: " in ln for ln in out.splitlines()), \
            f"no rejected line naming {rule}\n{show}"
        assert "summary: 0 stored, 0 duplicate, 1 rejected" in out, show
    check.expect = f"exit 1, rejected naming {rule}"
    return check


def cx(*args, input=None):
    return lambda n, ctx=None: run_cx(n.dir, *args(n) if callable(args[0]) else args,
                                      input=input, check=False)


def import_file(content, name="input.json"):
    """cx import of a file holding content (bytes)."""
    def send(n, ctx=None):
        path = n.dir.parent / name
        path.write_bytes(content)
        return run_cx(n.dir, "import", path, check=False)
    return send


def bundle(objs):
    return json.dumps({"type": "bundle", "id": stix_id("bundle"), "objects": objs}).encode()


def with_ini(*lines):
    """A cx run on a copy of the node's cx.ini with lines added (the
    section header first), naming the node's store by its absolute path."""
    def send(n, ctx=None):
        d = n.dir.parent / "badini"
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
        text = (n.dir / "cx.ini").read_text(encoding="utf-8")
        text += "\n[store]\nfile = " + str(n.dir / "cx.db") + "\n" + "\n".join(lines) + "\n"
        (d / "cx.ini").write_text(text, encoding="utf-8")
        return run_cx(d, "user", "list", check=False)
    return send


CLI_CATALOGUE = [
    BadClass("cli-import-not-json", ["cli"], [
        Case("text", import_file(b"hello, world\n"), cli(4)),
        Case("truncated", import_file(bundle([indicator("Cut")])[:80]), cli(4)),
        Case("invalid UTF-8", import_file(bundle([indicator("PLACE")]).replace(
            b"PLACE", b"\xff\xfe")), cli(4)),
    ]),
    BadClass("cli-import-directory", ["cli"], [
        Case("node folder", lambda n, ctx=None: run_cx(n.dir, "import", n.dir, check=False),
             cli(4)),
    ]),
    BadClass("cli-import-missing-file", ["cli"], [
        Case("missing", lambda n, ctx=None: run_cx(n.dir, "import", n.dir / "nothing.json",
                                                  check=False), cli(4, "nothing.json")),
    ]),
    BadClass("cli-import-empty-file", ["cli"], [
        Case("0 bytes", import_file(b""), cli(4)),
    ]),
    BadClass("cli-import-bad-stdin", ["cli"], [
        Case("garbage", cx("import", "-", input=b"\x00\x01garbage"), cli(4)),
        Case("empty", cx("import", "-", input=b""), cli(4)),
    ]),
    BadClass("cli-import-not-a-bundle", ["cli"], [
        Case("array", import_file(b"[1, 2, 3]"), cli(4)),
        Case("objects not a list", import_file(b'{"type": "bundle", "objects": {}}'), cli(4)),
        Case("duplicate keys", import_file(b'{"type": "bundle", "type": "bundle", '
                                           b'"objects": []}'), cli(4)),
        Case("deep nesting", import_file(b"[" * 10000), cli(4)),
    ]),
    # Rejected objects are exit 1 (doc/CLI.md), each named with its rule;
    # the import is audited, having stored nothing.
    BadClass("cli-import-bad-object", ["cli"], [
        Case("invalid timestamp", import_file(bundle([indicator(
            "Bad ts", created="2026-02-30T00:00:00.000Z")])), cli_rejected("invalid-timestamp"),
             audit=[("import", {"stored": 0})]),
        Case("unknown type", import_file(bundle([indicator("Kind", type="nonsense",
                                                           id=stix_id("nonsense"))])),
             cli_rejected("invalid-type-name"), audit=[("import", {"stored": 0})]),
        Case("unknown marking", import_file(bundle([indicator(
            "Marked", markings=[stix_id("marking-definition")])])),
             cli_rejected("unknown-marking"), audit=[("import", {"stored": 0})]),
    ]),
    BadClass("cli-bad-options", ["cli"], [
        Case("unknown option", cx("import", "--nope", "x.json"), cli(2, "--nope")),
        Case("unknown command", cx("frobnicate"), cli(2, "frobnicate")),
        Case("export without --as or --all", cx("export"), cli(2)),
        Case("token days not a number", cx("token", "create", "reader", "--expires-days",
                                           "ten"), cli(2, "ten")),
        Case("audit limit negative", cx("audit", "show", "--limit", "-1"), cli(2, "-1")),
        Case("option without value", cx("import", "--collection"), cli(2, "--collection")),
        Case("bad role", cx("user", "add", "newbie", "--partner", "USA", "--role", "king",
                            "--no-password"), cli(2, "king")),
    ]),
    BadClass("cli-ini-unknown-key", ["cli"], [
        Case("http.shoe", with_ini("[http]", "shoe = 1"), cli(3, "http.shoe")),
        Case("unknown section", with_ini("[nonsense]", "x = 1"), cli(3, "nonsense.x")),
    ]),
    BadClass("cli-ini-bad-value", ["cli"], [
        Case("timeout abc", with_ini("[http]", "timeout = abc"), cli(3, "http.timeout")),
        Case("timeout 0", with_ini("[http]", "timeout = 0"), cli(3, "http.timeout")),
        Case("log level", with_ini("[log]", "level = loud"), cli(3, "log.level")),
        Case("page size negative", with_ini("[taxii]", "max_page_size = -5"),
             cli(3, "taxii.max_page_size")),
        Case("not an INI line", with_ini("[http]", "this is not a setting"), cli(3, "line")),
    ]),
    BadClass("cli-set-override-bad", ["cli"], [
        Case("no dot", cx("--set", "timeout=5", "user", "list"), cli(2, "timeout=5")),
        Case("bad value", cx("--set", "http.timeout=abc", "user", "list"),
             cli(2, "http.timeout")),
    ]),
]
